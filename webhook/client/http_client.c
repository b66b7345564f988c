/* http_client.c - shared pieces of the platform API clients (see http_client.h). */
#include "webhook/client/http_client.h"

#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bot/delivery/sender.h"

static size_t on_body(char *p, size_t size, size_t n, void *arg)
{
    return buf_append(arg, p, size * n) ? 0 : size * n;
}

int http_client_post(const char *url, const char *header, const char *body, long timeout_ms,
                     long *status, struct buf *resp, char *err, size_t errsz)
{
    int rc = ZB_EIO;
    struct curl_slist *h = curl_slist_append(NULL, "Content-Type: application/json");
    if (header && *header)
        h = curl_slist_append(h, header);
    CURL *c = curl_easy_init();
    if (!c || !h) {
        snprintf(err, errsz, "无法发起网络请求");
        goto done;
    }
    buf_reset(resp);
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, resp);
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, timeout_ms);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
    CURLcode cc = curl_easy_perform(c);
    if (cc != CURLE_OK) {
        snprintf(err, errsz, "%s（curl %d）", sender_net_reason(cc), (int)cc);
        goto done;
    }
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, status);
    rc = ZB_OK;
done:
    if (c)
        curl_easy_cleanup(c);
    curl_slist_free_all(h);
    return rc;
}

int api_body(struct buf *body, const cJSON *j)
{
    char *s = cJSON_PrintUnformatted(j);
    if (!s)
        return ZB_EINVAL;
    buf_reset(body);
    int rc = buf_appendz(body, s);
    free(s);
    return rc;
}

const char *api_str(const cJSON *obj, const char *name, char *out, size_t n)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, name);
    snprintf(out, n, "%s", cJSON_IsString(v) && v->valuestring ? v->valuestring : "");
    return out;
}

int api_id_ok(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > 128)
        return 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '_' || c == '-'))
            return 0;
    }
    return 1;
}
