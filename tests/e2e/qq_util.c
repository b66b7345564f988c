/*
 * qq_util.c - the QQ end-to-end helpers (see qq_util.h).
 */
#include "tests/e2e/qq_util.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bot/base/buf.h"
#include "bot/base/xmalloc.h"
#include "webhook/qq/qq_sign.h"

#define REQ_MAX (256 * 1024)

int qq_env_up(struct qq_env *e, const char *onebot_extra, const char *qqbot_extra)
{
    return qq_env_up_top(e, onebot_extra, qqbot_extra, NULL);
}

int qq_env_up_top(struct qq_env *e, const char *onebot_extra, const char *qqbot_extra,
                  const char *top_extra)
{
    memset(e, 0, sizeof *e);
    static const char *const creds[] = {"--qqbot-appid", QQ_APPID, "--qqbot-secret", QQ_SECRET,
                                        NULL};
    if (du_fake_start(&e->fake, creds))
        return -1;
    e->fake_up = true;
    char extra[4096];
    snprintf(extra, sizeof extra,
             "\"onebot\": {\"enabled\": true, \"secret\": \"%s\", \"self_id\": \"%s\", "
             "\"access_token\": \"%s\", \"api_base\": \"http://127.0.0.1:%d\"%s%s},\n"
             "  \"qqbot\": {\"enabled\": true, \"app_id\": \"%s\", \"secret\": \"%s\", "
             "\"api_base\": \"http://127.0.0.1:%d\", "
             "\"token_url\": \"http://127.0.0.1:%d/app/getAppAccessToken\"%s%s},\n"
             "  \"outbox\": {\"backoff_s\": 1, \"backoff_max_s\": 2, \"timeout_ms\": 3000},\n"
             "  \"ratelimit\": {\"wechat\": 0, \"onebot\": 0, \"qqbot\": 0}%s%s",
             QQ_OB_SECRET, QQ_OB_SELF, DU_OB_TOKEN, e->fake.port, onebot_extra ? ", " : "",
             onebot_extra ? onebot_extra : "", QQ_APPID, QQ_SECRET, e->fake.port, e->fake.port,
             qqbot_extra ? ", " : "", qqbot_extra ? qqbot_extra : "", top_extra ? ",\n  " : "",
             top_extra ? top_extra : "");
    struct e2e_config cfg = {.extra = extra};
    e->srv = e2e_server_up(&cfg);
    return e->srv ? 0 : -1;
}

int qq_env_down(struct qq_env *e)
{
    int st = e->srv ? e2e_server_stop(e->srv) : 0;
    e2e_server_free(e->srv);
    e->srv = NULL;
    if (e->fake_up)
        du_fake_stop(&e->fake);
    e->fake_up = false;
    return st;
}

void qq_post(const struct e2e_server *s, const char *path, const char *const *headers,
             const char *body, struct e2e_resp *out)
{
    struct buf req;
    buf_init(&req, REQ_MAX);
    int rc = buf_appendf(&req, "POST %s HTTP/1.1\r\nHost: 127.0.0.1:%d\r\n", path, s->port);
    for (size_t i = 0; !rc && headers && headers[i]; i++)
        rc = buf_appendf(&req, "%s\r\n", headers[i]);
    if (!rc)
        rc = buf_appendf(&req, "Content-Length: %zu\r\nConnection: close\r\n\r\n%s", strlen(body),
                         body);
    int fd = rc ? -1 : e2e_connect(s);
    if (fd < 0) {
        memset(out, 0, sizeof *out);
        out->body = xstrdup("");
        out->curl_rc = -1;
    } else {
        e2e_raw_exchange(fd, req.data, req.len, out);
    }
    buf_free(&req);
}

void ob_post(const struct e2e_server *s, const char *body, enum ob_sig sig, struct e2e_resp *out)
{
    char mac[ONEBOT_SIG_HEX], sig_h[80], self_h[64];
    onebot_sign(sig == OB_BAD_SIG ? "another-secret" : QQ_OB_SECRET, body, strlen(body), mac);
    snprintf(sig_h, sizeof sig_h, "X-Signature: sha1=%s", mac);
    snprintf(self_h, sizeof self_h, "X-Self-ID: %s",
             sig == OB_OTHER_SELF ? "20002000" : QQ_OB_SELF);
    const char *h[4] = {"Content-Type: application/json"};
    int n = 1;
    if (sig != OB_NO_SIG)
        h[n++] = sig_h;
    if (sig != OB_NO_SELF)
        h[n++] = self_h;
    h[n] = NULL;
    qq_post(s, "/qq/onebot", h, body, out);
}

char *ob_message(const char *user, const char *group, long long msg_id, const char *message,
                 bool array)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "time", (double)time(NULL));
    cJSON_AddNumberToObject(o, "self_id", strtod(QQ_OB_SELF, NULL));
    cJSON_AddStringToObject(o, "post_type", "message");
    cJSON_AddStringToObject(o, "message_type", group ? "group" : "private");
    cJSON_AddStringToObject(o, "sub_type", group ? "normal" : "friend");
    cJSON_AddNumberToObject(o, "message_id", (double)msg_id);
    cJSON_AddNumberToObject(o, "user_id", strtod(user, NULL));
    if (group)
        cJSON_AddNumberToObject(o, "group_id", strtod(group, NULL));
    if (array) {
        cJSON *arr = cJSON_AddArrayToObject(o, "message");
        const char *text = message;
        if (strncmp(message, "@ ", 2) == 0) {
            cJSON *at = cJSON_CreateObject();
            cJSON_AddStringToObject(at, "type", "at");
            cJSON_AddStringToObject(cJSON_AddObjectToObject(at, "data"), "qq", QQ_OB_SELF);
            cJSON_AddItemToArray(arr, at);
            text = message + 2;
        }
        cJSON *t = cJSON_CreateObject();
        cJSON_AddStringToObject(t, "type", "text");
        cJSON_AddStringToObject(cJSON_AddObjectToObject(t, "data"), "text", text);
        cJSON_AddItemToArray(arr, t);
    } else {
        cJSON_AddStringToObject(o, "message", message);
        cJSON_AddStringToObject(o, "raw_message", message);
    }
    cJSON_AddNumberToObject(o, "font", 0);
    char *s = cJSON_PrintUnformatted(o);
    cJSON_Delete(o);
    return s;
}

char *ob_notice(const char *notice_type, const char *group, const char *user, long long t)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "time", (double)t);
    cJSON_AddNumberToObject(o, "self_id", strtod(QQ_OB_SELF, NULL));
    cJSON_AddStringToObject(o, "post_type", "notice");
    cJSON_AddStringToObject(o, "notice_type", notice_type);
    cJSON_AddStringToObject(o, "sub_type", "approve");
    if (group)
        cJSON_AddNumberToObject(o, "group_id", strtod(group, NULL));
    cJSON_AddNumberToObject(o, "operator_id", 1);
    cJSON_AddNumberToObject(o, "user_id", strtod(user, NULL));
    char *s = cJSON_PrintUnformatted(o);
    cJSON_Delete(o);
    return s;
}

char *ob_reply_text(const char *body, bool *at_sender, bool *has_at)
{
    cJSON *o = cJSON_Parse(body);
    const cJSON *reply = cJSON_GetObjectItemCaseSensitive(o, "reply");
    const cJSON *at = cJSON_GetObjectItemCaseSensitive(o, "at_sender");
    *at_sender = cJSON_IsTrue(at);
    *has_at = at != NULL;
    struct buf b;
    buf_init(&b, REQ_MAX);
    char *out = NULL;
    if (cJSON_IsArray(reply)) {
        const cJSON *seg;
        cJSON_ArrayForEach(seg, reply)
        {
            const cJSON *t = cJSON_GetObjectItemCaseSensitive(
                cJSON_GetObjectItemCaseSensitive(seg, "data"), "text");
            if (cJSON_IsString(t) && buf_appendz(&b, t->valuestring))
                break;
        }
        out = buf_steal(&b);
    }
    buf_free(&b);
    cJSON_Delete(o);
    return out;
}

void qb_post(const struct e2e_server *s, const char *body, enum qb_sig sig, struct e2e_resp *out)
{
    unsigned char pk[QQBOT_PK_LEN], sk[QQBOT_SK_LEN];
    if (qqbot_keys(sig == QB_WRONG_KEY ? "another-secret" : QQ_SECRET, pk, sk)) {
        memset(out, 0, sizeof *out);
        out->body = xstrdup("");
        return;
    }
    char ts[24], sig_hex[QQBOT_SIG_HEX];
    snprintf(ts, sizeof ts, "%lld", (long long)time(NULL));
    const char *signed_body = sig == QB_OTHER_BODY ? "{\"op\":0,\"d\":{},\"t\":\"X\"}" : body;
    qqbot_sign_hex(sk, ts, strlen(ts), signed_body, strlen(signed_body), sig_hex);
    if (sig == QB_HIGH_BITS)
        sig_hex[126] = 'e';
    char sig_h[200], ts_h[64], app_h[64];
    snprintf(sig_h, sizeof sig_h, "X-Signature-Ed25519: %s", sig_hex);
    snprintf(ts_h, sizeof ts_h, "X-Signature-Timestamp: %lld",
             strtoll(ts, NULL, 10) + (sig == QB_OTHER_TS ? 1 : 0));
    snprintf(app_h, sizeof app_h, "X-Bot-Appid: %s", sig == QB_OTHER_APP ? "22222222" : QQ_APPID);
    const char *h[8] = {"Content-Type: application/json", "User-Agent: QQBot-Callback", app_h};
    int n = 3;
    if (sig != QB_UNSIGNED) {
        h[n++] = "X-Signature-Method: Ed25519";
        h[n++] = sig_h;
        if (sig != QB_ONLY_SIG)
            h[n++] = ts_h;
    }
    h[n] = NULL;
    qq_post(s, "/qq/bot", h, body, out);
}

char *qb_message(const char *user, const char *group, const char *msg_id, const char *content,
                 long long t)
{
    char when[40], id[160];
    time_t tt = (time_t)t;
    struct tm tm;
    gmtime_r(&tt, &tm);
    strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%S+00:00", &tm);
    snprintf(id, sizeof id, "%s:%s", group ? "GROUP_AT_MESSAGE_CREATE" : "C2C_MESSAGE_CREATE",
             msg_id);
    cJSON *o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "op", 0);
    cJSON_AddStringToObject(o, "id", id);
    cJSON_AddNumberToObject(o, "s", 1);
    cJSON_AddStringToObject(o, "t", group ? "GROUP_AT_MESSAGE_CREATE" : "C2C_MESSAGE_CREATE");
    cJSON *d = cJSON_AddObjectToObject(o, "d");
    cJSON_AddStringToObject(cJSON_AddObjectToObject(d, "author"),
                            group ? "member_openid" : "user_openid", user);
    cJSON_AddStringToObject(d, "content", content);
    if (group)
        cJSON_AddStringToObject(d, "group_openid", group);
    cJSON_AddStringToObject(d, "id", msg_id);
    cJSON_AddStringToObject(d, "timestamp", when);
    char *s = cJSON_PrintUnformatted(o);
    cJSON_Delete(o);
    return s;
}

char *qb_event(const char *t, const char *id, const char *d)
{
    size_t n = strlen(t) + strlen(id) + strlen(d) + 64;
    char *s = xmalloc(n);
    snprintf(s, n, "{\"op\":0,\"id\":\"%s\",\"s\":2,\"t\":\"%s\",\"d\":%s}", id, t, d);
    return s;
}
