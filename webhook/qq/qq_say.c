/*
 * qq_say.c - minimal OneBot and QQ open-platform peers over libcurl (see qq_say.h).
 */
#include "webhook/qq/qq_say.h"

#include <cjson/cJSON.h>
#include <curl/curl.h>
#include <inttypes.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bot/base/clock.h"
#include "bot/base/buf.h"
#include "bot/base/rand.h"
#include "bot/delivery/outbox.h"
#include "bot/store/store.h"
#include "bot/base/xmalloc.h"
#include "webhook/qq/cqcode.h"
#include "webhook/qq/qq_sign.h"
#include "webhook/wechat/wechat_say.h"

#define SAY_BODY_MAX (256 * 1024)

static size_t on_body(char *p, size_t size, size_t n, void *ud)
{
    struct buf *b = ud;
    return buf_append(b, p, size * n) ? 0 : size * n;
}

/* post - POST body to base+path with the headers; *status and resp filled. ZB_EIO (err set)
 * when no HTTP answer arrived. */
static int post(const struct config *cfg, const char *path, struct curl_slist *hdr,
                const struct buf *body, long *status, struct buf *resp, char *err, size_t errsz)
{
    char base[300], url[400];
    wechat_say_url(cfg, base, sizeof base);
    snprintf(url, sizeof url, "%s%s", base, path);
    CURL *curl = curl_easy_init();
    if (!curl) {
        snprintf(err, errsz, "libcurl 初始化失败");
        return ZB_EIO;
    }
    curl_easy_setopt(curl, CURLOPT_URL, url);
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, hdr);
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body->data ? body->data : "");
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, (long)body->len);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, resp);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT, 10L);
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    CURLcode cc = curl_easy_perform(curl);
    *status = 0;
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, status);
    curl_easy_cleanup(curl);
    if (cc != CURLE_OK) {
        snprintf(err, errsz, "无法连接 %s（%s）。服务是否已用 make run 或 zhibu serve 启动？", base,
                 curl_easy_strerror(cc));
        return ZB_EIO;
    }
    return ZB_OK;
}

struct parts {
    struct buf *shown; /* the texts so far */
    int n;             /* how many */
};

static int add_part(void *arg, const char *text)
{
    struct parts *p = arg;
    if ((p->shown->len && buf_appendz(p->shown, QQ_SAY_SEPARATOR)) || buf_appendz(p->shown, text))
        return ZB_ETOOBIG;
    p->n++;
    return 0;
}

/* outbox_parts - append to shown the outbox texts queued for msg_key ("KEY#1", "KEY#2", ...),
 * each after QQ_SAY_SEPARATOR when shown is not empty. *n receives how many there were. */
static int outbox_parts(const char *msg_key, struct buf *shown, int *n)
{
    char prefix[600];
    snprintf(prefix, sizeof prefix, "%s#", msg_key);
    struct parts p = {shown, 0};
    int rc = outbox_texts_by_key(prefix, add_part, &p);
    *n = p.n;
    return rc == ZB_ETOOBIG ? ZB_OK : rc;
}

/* quick_text - the member's view of a quick-operation reply: text segments (and @ codes as
 * "@QQ"), "@FROM " first when at_sender in a group. */
static int quick_text(const cJSON *q, const char *from, bool group, struct buf *out)
{
    const cJSON *reply = cJSON_GetObjectItemCaseSensitive(q, "reply");
    struct cq_msg m = {0};
    int rc;
    if (cJSON_IsString(reply)) {
        const cJSON *esc = cJSON_GetObjectItemCaseSensitive(q, "auto_escape");
        if (cJSON_IsTrue(esc))
            return buf_appendz(out, reply->valuestring);
        rc = cq_parse(reply->valuestring, strlen(reply->valuestring), &m);
    } else if (cJSON_IsArray(reply)) {
        rc = cq_from_json(reply, &m);
    } else {
        return ZB_OK; /* no reply field: nothing said */
    }
    const cJSON *at = cJSON_GetObjectItemCaseSensitive(q, "at_sender");
    if (!rc && group && cJSON_IsTrue(at))
        rc = buf_appendf(out, "@%s ", from);
    for (size_t i = 0; !rc && i < m.n; i++) {
        const struct cq_seg *g = &m.segs[i];
        if (g->text)
            rc = buf_appendz(out, g->text);
        else if (strcmp(g->type, "at") == 0)
            rc = buf_appendf(out, "@%s", cq_get(g, "qq") ? cq_get(g, "qq") : "");
    }
    cq_free(&m);
    return rc;
}

int onebot_say(const struct config *cfg, const char *from, const char *group, bool at,
               const char *text, char **shown, char *err, size_t errsz)
{
    const char *self = *cfg->onebot.self_id ? cfg->onebot.self_id : "10000";
    long long msg_id = (long long)(rand_u64() % 2000000000u) + 1;
    struct buf msg, body, resp, view;
    buf_init(&msg, SAY_BODY_MAX);
    buf_init(&body, SAY_BODY_MAX);
    buf_init(&resp, SAY_BODY_MAX);
    buf_init(&view, SAY_BODY_MAX);
    struct curl_slist *hdr = NULL;
    cJSON *o = NULL, *q = NULL;
    char *json = NULL;
    int rc = ZB_ETOOBIG;
    if ((at && buf_appendf(&msg, "[CQ:at,qq=%s] ", self)) ||
        cq_escape_text(&msg, text, strlen(text))) {
        snprintf(err, errsz, "消息太长");
        goto done;
    }
    o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "time", (double)clock_now());
    cJSON_AddNumberToObject(o, "self_id", strtod(self, NULL));
    cJSON_AddStringToObject(o, "post_type", "message");
    cJSON_AddStringToObject(o, "message_type", group ? "group" : "private");
    cJSON_AddStringToObject(o, "sub_type", group ? "normal" : "friend");
    cJSON_AddNumberToObject(o, "message_id", (double)msg_id);
    cJSON_AddNumberToObject(o, "user_id", strtod(from, NULL));
    if (group)
        cJSON_AddNumberToObject(o, "group_id", strtod(group, NULL));
    cJSON_AddStringToObject(o, "message", buf_str(&msg));
    cJSON_AddStringToObject(o, "raw_message", buf_str(&msg));
    cJSON_AddNumberToObject(o, "font", 0);
    json = cJSON_PrintUnformatted(o);
    if (!json || buf_appendz(&body, json)) {
        snprintf(err, errsz, "消息太长");
        goto done;
    }
    char line[128];
    hdr = curl_slist_append(hdr, "Content-Type: application/json");
    snprintf(line, sizeof line, "X-Self-ID: %s", self);
    hdr = curl_slist_append(hdr, line);
    if (*cfg->onebot.secret) {
        char sig[ONEBOT_SIG_HEX];
        onebot_sign(cfg->onebot.secret, body.data, body.len, sig);
        snprintf(line, sizeof line, "X-Signature: sha1=%s", sig);
        hdr = curl_slist_append(hdr, line);
    }
    long status;
    rc = post(cfg, "/qq/onebot", hdr, &body, &status, &resp, err, errsz);
    if (rc)
        goto done;
    if (status != 200 && status != 204) {
        rc = ZB_EIO;
        snprintf(err, errsz, "服务器返回 HTTP %ld：%.200s", status, buf_str(&resp));
        goto done;
    }
    if (status == 200 && resp.len) {
        q = cJSON_ParseWithLength(resp.data, resp.len);
        if (!cJSON_IsObject(q) || quick_text(q, from, group != NULL, &view)) {
            rc = ZB_EPARSE;
            snprintf(err, errsz, "回复不是有效的快速操作 JSON");
            goto done;
        }
    }
    char key[160];
    snprintf(key, sizeof key, "ob:%s:%lld", self, msg_id);
    int n;
    rc = outbox_parts(key, &view, &n);
    if (rc) {
        snprintf(err, errsz, "无法读取数据库 %s", cfg->database);
        goto done;
    }
    *shown = buf_steal(&view);
done:
    cJSON_Delete(o);
    cJSON_Delete(q);
    free(json);
    curl_slist_free_all(hdr);
    buf_free(&msg);
    buf_free(&body);
    buf_free(&resp);
    buf_free(&view);
    return rc;
}

int qqbot_say(const struct config *cfg, const char *from, const char *group, const char *text,
              int wait_ms, char **shown, char *err, size_t errsz)
{
    unsigned char pk[QQBOT_PK_LEN], sk[QQBOT_SK_LEN];
    struct buf body, resp, view;
    buf_init(&body, SAY_BODY_MAX);
    buf_init(&resp, SAY_BODY_MAX);
    buf_init(&view, SAY_BODY_MAX);
    struct curl_slist *hdr = NULL;
    cJSON *o = NULL, *ack = NULL;
    char *json = NULL;
    int rc = qqbot_keys(cfg->qqbot.secret, pk, sk);
    if (rc) {
        snprintf(err, errsz, "libsodium 初始化失败");
        goto done;
    }
    char msg_id[64], event_id[64], ts[24], when[32];
    uint64_t r = rand_u64();
    snprintf(msg_id, sizeof msg_id, "ROBOT1.0_zhibu_say_%016" PRIx64, r);
    snprintf(event_id, sizeof event_id, "%s:say%016" PRIx64,
             group ? "GROUP_AT_MESSAGE_CREATE" : "C2C_MESSAGE_CREATE", r);
    time_t now = (time_t)clock_now();
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
    snprintf(ts, sizeof ts, "%lld", (long long)now);
    o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "op", 0);
    cJSON_AddStringToObject(o, "id", event_id);
    cJSON_AddNumberToObject(o, "s", 1);
    cJSON_AddStringToObject(o, "t", group ? "GROUP_AT_MESSAGE_CREATE" : "C2C_MESSAGE_CREATE");
    cJSON *d = cJSON_AddObjectToObject(o, "d");
    cJSON *author = cJSON_AddObjectToObject(d, "author");
    cJSON_AddStringToObject(author, group ? "member_openid" : "user_openid", from);
    cJSON_AddStringToObject(d, "id", msg_id);
    /* the platform strips the @ and leaves the space after it */
    char *content = xmalloc(strlen(text) + 2);
    content[0] = ' ';
    memcpy(content + 1, text, strlen(text) + 1);
    cJSON_AddStringToObject(d, "content", group ? content : text);
    free(content);
    cJSON_AddStringToObject(d, "timestamp", when);
    if (group)
        cJSON_AddStringToObject(d, "group_openid", group);
    json = cJSON_PrintUnformatted(o);
    if (!json || buf_appendz(&body, json)) {
        rc = ZB_ETOOBIG;
        snprintf(err, errsz, "消息太长");
        goto done;
    }
    char sig[QQBOT_SIG_HEX], line[256];
    qqbot_sign_hex(sk, ts, strlen(ts), body.data, body.len, sig);
    hdr = curl_slist_append(hdr, "Content-Type: application/json");
    hdr = curl_slist_append(hdr, "User-Agent: QQBot-Callback");
    hdr = curl_slist_append(hdr, "X-Signature-Method: Ed25519");
    snprintf(line, sizeof line, "X-Bot-Appid: %s", cfg->qqbot.app_id);
    hdr = curl_slist_append(hdr, line);
    snprintf(line, sizeof line, "X-Signature-Timestamp: %s", ts);
    hdr = curl_slist_append(hdr, line);
    snprintf(line, sizeof line, "X-Signature-Ed25519: %s", sig);
    hdr = curl_slist_append(hdr, line);
    long status;
    rc = post(cfg, "/qq/bot", hdr, &body, &status, &resp, err, errsz);
    if (rc)
        goto done;
    if (status != 200) {
        rc = ZB_EIO;
        snprintf(err, errsz, "服务器返回 HTTP %ld：%.200s", status, buf_str(&resp));
        goto done;
    }
    ack = cJSON_ParseWithLength(resp.data ? resp.data : "", resp.len);
    const cJSON *op = cJSON_GetObjectItemCaseSensitive(ack, "op");
    if (!cJSON_IsNumber(op) || op->valueint != 12) {
        rc = ZB_EPARSE;
        snprintf(err, errsz, "服务器没有回 op 12 确认：%.200s", buf_str(&resp));
        goto done;
    }
    char key[200];
    snprintf(key, sizeof key, "%s", msg_id); /* qqbot.c keys a message by its own id */
    int n = 0;
    for (int waited = 0;; waited += 100) {
        rc = outbox_parts(key, &view, &n);
        if (rc) {
            snprintf(err, errsz, "无法读取数据库 %s", cfg->database);
            goto done;
        }
        if (n > 0 || waited >= wait_ms)
            break;
        usleep(100 * 1000);
    }
    *shown = buf_steal(&view);
done:
    sodium_memzero(sk, sizeof sk);
    cJSON_Delete(o);
    cJSON_Delete(ack);
    free(json);
    curl_slist_free_all(hdr);
    buf_free(&body);
    buf_free(&resp);
    buf_free(&view);
    return rc;
}
