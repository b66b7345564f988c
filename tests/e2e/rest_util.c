/* rest_util.c - calling the REST door from e2e tests (see rest_util.h). */
#include "tests/e2e/rest_util.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <cjson/cJSON.h>
#include <cmocka.h>
#include <curl/curl.h>

static size_t on_body(char *p, size_t size, size_t n, void *ud)
{
    struct rest_reply *r = ud;
    size_t k = size * n;
    if (r->len + k >= sizeof r->body)
        k = sizeof r->body - 1 - r->len;
    memcpy(r->body + r->len, p, k);
    r->len += k;
    r->body[r->len] = '\0';
    return size * n;
}

static size_t on_header(char *p, size_t size, size_t n, void *ud)
{
    struct rest_reply *r = ud;
    size_t k = size * n;
    char line[256];
    snprintf(line, sizeof line, "%.*s", (int)(k < 255 ? k : 255), p);
    line[strcspn(line, "\r\n")] = '\0';
    if (strncasecmp(line, "Allow: ", 7) == 0)
        snprintf(r->allow, sizeof r->allow, "%s", line + 7);
    if (strncasecmp(line, "Content-Type: ", 14) == 0)
        snprintf(r->type, sizeof r->type, "%s", line + 14);
    return k;
}

struct rest_reply *rest_call(int port, const char *method, const char *path, const char *token,
                             const char *body)
{
    static struct rest_reply r;
    memset(&r, 0, sizeof r);
    char url[512], auth[160];
    snprintf(url, sizeof url, "http://127.0.0.1:%d%s", port, path);
    CURL *h = curl_easy_init();
    struct curl_slist *hd = NULL;
    if (token) {
        snprintf(auth, sizeof auth, "Authorization: Bearer %s", token);
        hd = curl_slist_append(hd, auth);
    }
    hd = curl_slist_append(hd, "Content-Type: application/json");
    curl_easy_setopt(h, CURLOPT_URL, url);
    curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, method);
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, hd);
    if (body)
        curl_easy_setopt(h, CURLOPT_POSTFIELDS, body);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &r);
    curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(h, CURLOPT_HEADERDATA, &r);
    curl_easy_setopt(h, CURLOPT_TIMEOUT, 20L);
    if (curl_easy_perform(h) == CURLE_OK)
        curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &r.status);
    curl_slist_free_all(hd);
    curl_easy_cleanup(h);
    return &r;
}

void rest_expect(const struct rest_reply *r, long status, const char *code, const char *field)
{
    if (r->status != status)
        fail_msg("expected %ld, got %ld: %s", status, r->status, r->body);
    assert_string_equal(r->type, "application/json; charset=utf-8");
    cJSON *j = cJSON_Parse(r->body);
    assert_non_null(j);
    if (status >= 400) {
        const cJSON *e = cJSON_GetObjectItemCaseSensitive(j, "error");
        assert_true(cJSON_IsObject(e));
        assert_true(cJSON_IsString(cJSON_GetObjectItemCaseSensitive(e, "message")));
        if (code)
            assert_string_equal(cJSON_GetObjectItemCaseSensitive(e, "code")->valuestring, code);
        const cJSON *f = cJSON_GetObjectItemCaseSensitive(e, "field");
        if (field) {
            assert_true(cJSON_IsString(f));
            assert_string_equal(f->valuestring, field);
        }
    }
    cJSON_Delete(j);
}

void rest_token(const struct du_server *srv, const char *member, const char *ttl, char *out,
                size_t n)
{
    char buf[256];
    int st =
        ttl ? du_cli(srv, buf, sizeof buf, "api", "token", "--member", member, "--ttl", ttl, NULL)
            : du_cli(srv, buf, sizeof buf, "api", "token", "--member", member, NULL);
    assert_int_equal(st, 0);
    buf[strcspn(buf, "\n")] = '\0';
    assert_int_equal(strlen(buf), 43);
    snprintf(out, n, "%s", buf);
}
