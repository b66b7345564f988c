/* wxmini_say.c - the mini-program push's client side (see wxmini_say.h). */
#include "webhook/wechat/wxmini_say.h"

#include <cjson/cJSON.h>
#include <curl/curl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bot/base/buf.h"
#include "bot/base/clock.h"
#include "bot/base/rand.h"
#include "bot/delivery/outbox.h"
#include "webhook/wechat/wechat_crypto.h"
#include "webhook/wechat/wechat_say.h"

#define SAY_BODY_MAX (256 * 1024)
#define SAY_TO       "gh_zhibu_mini"

static size_t on_body(char *p, size_t size, size_t n, void *ud)
{
    struct buf *b = ud;
    return buf_append(b, p, size * n) ? 0 : size * n;
}

static int add_part(void *arg, const char *text)
{
    struct buf *shown = arg;
    if ((shown->len && buf_appendz(shown, "\n------\n")) || buf_appendz(shown, text))
        return ZB_ETOOBIG;
    return 0;
}

int wxmini_say(const struct config *cfg, const char *from, const char *text, int wait_ms,
               char **shown, char *err, size_t errsz)
{
    struct buf resp, view;
    char *json = NULL, *cipher = NULL, *enc_json = NULL;
    struct curl_slist *hdr = NULL;
    CURL *curl = NULL;
    int rc = ZB_EIO;
    buf_init(&resp, SAY_BODY_MAX);
    buf_init(&view, SAY_BODY_MAX);
    *shown = NULL;
    char ts[24], nonce[24], msg_id[24], sig[WECHAT_SIG_HEX], msig[WECHAT_SIG_HEX];
    snprintf(ts, sizeof ts, "%" PRId64, clock_now());
    snprintf(nonce, sizeof nonce, "%" PRIu64, rand_u64() % 1000000000u);
    snprintf(msg_id, sizeof msg_id, "%" PRIu64, rand_u64() % 9000000000000000u);
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "ToUserName", SAY_TO);
    cJSON_AddStringToObject(o, "FromUserName", from);
    cJSON_AddNumberToObject(o, "CreateTime", (double)clock_now());
    cJSON_AddStringToObject(o, "MsgType", "text");
    cJSON_AddStringToObject(o, "Content", text);
    cJSON_AddRawToObject(o, "MsgId", msg_id);
    json = cJSON_PrintUnformatted(o);
    cJSON_Delete(o);
    const char *parts[3] = {cfg->wxmini.token, ts, nonce};
    wechat_sign(parts, 3, sig);
    bool encrypt = strcmp(cfg->wxmini.mode, "plain") != 0 && *cfg->wxmini.encoding_aes_key;
    const char *body = json;
    char query[400];
    snprintf(query, sizeof query, "signature=%s&timestamp=%s&nonce=%s", sig, ts, nonce);
    if (encrypt) {
        unsigned char key[WECHAT_KEY_LEN], rnd[16];
        if (wechat_key_decode(cfg->wxmini.encoding_aes_key, key)) {
            snprintf(err, errsz, "wxmini.encoding_aes_key 格式不对");
            rc = ZB_ECONFIG;
            goto done;
        }
        rand_bytes(rnd, sizeof rnd);
        if (wechat_encrypt(key, rnd, json, strlen(json), cfg->wxmini.app_id, &cipher)) {
            snprintf(err, errsz, "加密失败");
            goto done;
        }
        const char *p4[4] = {cfg->wxmini.token, ts, nonce, cipher};
        wechat_sign(p4, 4, msig);
        cJSON *e = cJSON_CreateObject();
        cJSON_AddStringToObject(e, "ToUserName", SAY_TO);
        cJSON_AddStringToObject(e, "Encrypt", cipher);
        enc_json = cJSON_PrintUnformatted(e);
        cJSON_Delete(e);
        body = enc_json;
        size_t n = strlen(query);
        snprintf(query + n, sizeof query - n, "&encrypt_type=aes&msg_signature=%s", msig);
    }
    char base[300], url[800];
    wechat_say_url(cfg, base, sizeof base);
    snprintf(url, sizeof url, "%s/wechat/mini?%s", base, query);
    curl = curl_easy_init();
    if (!curl) {
        snprintf(err, errsz, "libcurl 初始化失败");
        goto done;
    }
    hdr = curl_slist_append(hdr, "Content-Type: application/json");
    curl_easy_setopt(curl, CURLOPT_URL, url);
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, hdr);
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &resp);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT, 10L);
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    CURLcode cc = curl_easy_perform(curl);
    long status = 0;
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
    if (cc != CURLE_OK) {
        snprintf(err, errsz, "无法连接 %s（%s）。服务是否已用 make run 或 zhibu serve 启动？", base,
                 curl_easy_strerror(cc));
        goto done;
    }
    if (status != 200 || strcmp(buf_str(&resp), "success") != 0) {
        snprintf(err, errsz, "服务器返回 HTTP %ld：%.200s", status, buf_str(&resp));
        goto done;
    }
    char prefix[200];
    snprintf(prefix, sizeof prefix, "wxmini:%s:%s#", SAY_TO, msg_id);
    for (int waited = 0;; waited += 100) {
        buf_reset(&view);
        rc = outbox_texts_by_key(prefix, add_part, &view);
        if (rc && rc != ZB_ETOOBIG) {
            snprintf(err, errsz, "无法读取数据库 %s", cfg->database);
            rc = ZB_EDB;
            goto done;
        }
        rc = ZB_OK;
        if (view.len > 0 || waited >= wait_ms)
            break;
        usleep(100 * 1000);
    }
    *shown = buf_steal(&view);
done:
    curl_slist_free_all(hdr);
    if (curl)
        curl_easy_cleanup(curl);
    cJSON_free(json);
    cJSON_free(enc_json);
    free(cipher);
    buf_free(&resp);
    buf_free(&view);
    return rc;
}
