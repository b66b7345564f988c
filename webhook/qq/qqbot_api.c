/* qqbot_api.c - QQ open-platform API client (see qqbot_api.h). */
#include "webhook/qq/qqbot_api.h"
#include "webhook/qq/qqbot.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bot/base/xmalloc.h"
#include "webhook/client/http_client.h"

#define TOKEN_MARGIN_S 90

struct qqbot_api {
    struct send_client client; /* first: the sender's view */
    const struct config *cfg;  /* borrowed */
    struct apitoken tok;       /* the app access token */
};

static int whole(double d, long *out)
{
    if (d < -1e12 || d > 1e12 || d != (double)(long)d)
        return 0;
    *out = (long)d;
    return 1;
}

int qqbot_api_parse(const char *body, size_t len, struct qqbot_answer *out)
{
    memset(out, 0, sizeof *out);
    cJSON *j = cJSON_ParseWithLength(body, len);
    int rc = ZB_EPARSE;
    if (!cJSON_IsObject(j))
        goto done;
    const cJSON *code = cJSON_GetObjectItemCaseSensitive(j, "code");
    if (!code)
        code = cJSON_GetObjectItemCaseSensitive(j, "err_code");
    if (code && (!cJSON_IsNumber(code) || !whole(code->valuedouble, &out->code)))
        goto done;
    const cJSON *tok = cJSON_GetObjectItemCaseSensitive(j, "access_token");
    if (tok && !cJSON_IsString(tok))
        goto done;
    if (tok && strlen(tok->valuestring) >= sizeof out->access_token) {
        rc = ZB_ETOOBIG;
        goto done;
    }
    if (tok)
        snprintf(out->access_token, sizeof out->access_token, "%s", tok->valuestring);
    const cJSON *exp = cJSON_GetObjectItemCaseSensitive(j, "expires_in");
    long e = 0;
    if (cJSON_IsString(exp)) {
        char *end;
        errno = 0;
        long long v = strtoll(exp->valuestring, &end, 10);
        if (errno || end == exp->valuestring || *end || v < 0 || v > 1000000000)
            goto done;
        e = (long)v;
    } else if (exp &&
               (!cJSON_IsNumber(exp) || !whole(exp->valuedouble, &e) || e < 0 || e > 1000000000)) {
        goto done;
    }
    out->expires_in = e;
    api_str(j, "message", out->message, sizeof out->message);
    const cJSON *id = cJSON_GetObjectItemCaseSensitive(j, "id");
    if (cJSON_IsString(id) && strlen(id->valuestring) < sizeof out->id) /* whole, or none */
        snprintf(out->id, sizeof out->id, "%s", id->valuestring);
    rc = ZB_OK;
done:
    cJSON_Delete(j);
    return rc;
}

enum send_outcome qqbot_api_classify(long status, long code)
{
    if (code == 40054005) /* msg_id + msg_seq accepted before: it was delivered */
        return SEND_OK;
    if (code == 11244 || (status == 401 && code == 0))
        return SEND_TOKEN;
    if (code == 22009 || code == 100001 || status == 429)
        return SEND_RATE;
    if (status >= 200 && status < 300 && code == 0)
        return SEND_OK;
    if (status >= 500)
        return SEND_RETRY;
    return SEND_FATAL;
}

static const char *reason(long code)
{
    switch (code) {
    case 11244:
        return "access_token 不存在或已过期";
    case 22009:
        return "消息发送过于频繁";
    case 100001:
        return "请求过于频繁";
    case 100016:
        return "AppID 或 AppSecret 无效，请检查 qqbot.app_id / qqbot.secret";
    default:
        return "";
    }
}

static int fetch(void *ctx, bool force, char *token, size_t toksz, int64_t *expires_in, char *err,
                 size_t errsz)
{
    struct qqbot_api *q = ctx;
    (void)force; /* the platform has no forced refresh: a new token comes in the last 60 s */
    struct buf resp;
    long status = 0;
    cJSON *j = cJSON_CreateObject();
    cJSON_AddStringToObject(j, "appId", q->cfg->qqbot.app_id);
    cJSON_AddStringToObject(j, "clientSecret", q->cfg->qqbot.secret);
    char *body = cJSON_PrintUnformatted(j);
    cJSON_Delete(j);
    buf_init(&resp, API_ANSWER_MAX);
    int rc = http_client_post(q->cfg->qqbot.token_url, NULL, body ? body : "{}",
                              q->cfg->outbox.timeout_ms, &status, &resp, err, errsz);
    free(body);
    if (rc)
        goto done;
    struct qqbot_answer a;
    if (qqbot_api_parse(resp.data ? resp.data : "", resp.len, &a)) {
        snprintf(err, errsz, "QQ 机器人取 access_token 的应答无法解析（HTTP %ld）", status);
        rc = status >= 500 || status == 200 ? ZB_EIO : ZB_ECONFIG;
        goto done;
    }
    if (status != 200 || a.code || !a.access_token[0]) {
        const char *why = reason(a.code);
        snprintf(err, errsz, "QQ 机器人取 access_token 失败（HTTP %ld，code %ld）%s%.120s", status,
                 a.code, why, a.message);
        rc = a.code == 100001 || status == 429 ? ZB_EBUSY : status >= 500 ? ZB_EIO : ZB_ECONFIG;
        goto done;
    }
    if (strlen(a.access_token) >= toksz) {
        rc = ZB_ETOOBIG;
        goto done;
    }
    snprintf(token, toksz, "%s", a.access_token);
    *expires_in = a.expires_in;
    rc = ZB_OK;
done:
    buf_free(&resp);
    return rc;
}

static enum send_outcome prepare(void *ctx, const struct outbox_row *row,
                                 const struct channel_route *rt, int64_t now,
                                 struct send_request *req, struct send_error *err)
{
    struct qqbot_api *q = ctx;
    if (!api_id_ok(rt->target)) {
        snprintf(err->code, sizeof err->code, "invalid");
        snprintf(err->text, sizeof err->text, "QQ 机器人的 openid 无效");
        return SEND_FATAL;
    }
    const char *tok = NULL;
    char why[300];
    int rc = apitoken_get(&q->tok, now, &tok, &req->token_gen, why, sizeof why);
    if (rc) {
        snprintf(err->code, sizeof err->code, "token");
        snprintf(err->text, sizeof err->text, "获取 QQ 机器人 access_token 失败：%s", why);
        return rc == ZB_ECONFIG ? SEND_FATAL : rc == ZB_EBUSY ? SEND_RATE : SEND_RETRY;
    }
    snprintf(req->url, sizeof req->url, "%s/v2/%s/%s/messages", q->cfg->qqbot.api_base,
             rt->ch == CH_QQBOT_GROUP ? "groups" : "users", rt->target);
    snprintf(req->auth, sizeof req->auth, "Authorization: QQBot %s", tok);
    snprintf(req->extra, sizeof req->extra, "X-Union-Appid: %.200s", q->cfg->qqbot.app_id);
    cJSON *j = cJSON_CreateObject();
    cJSON_AddStringToObject(j, "content", row->text);
    cJSON_AddNumberToObject(j, "msg_type", 0);
    if (strncmp(rt->reply_to, QQBOT_EVENT_PREFIX, strlen(QQBOT_EVENT_PREFIX)) == 0) {
        /* a passive reply to an event (GROUP_ADD_ROBOT, FRIEND_ADD): event_id, not msg_id */
        cJSON_AddStringToObject(j, "event_id", rt->reply_to + strlen(QQBOT_EVENT_PREFIX));
        cJSON_AddNumberToObject(j, "msg_seq", rt->seq);
    } else if (rt->reply_to[0]) {
        cJSON_AddStringToObject(j, "msg_id", rt->reply_to);
        cJSON_AddNumberToObject(j, "msg_seq", rt->seq);
    }
    rc = api_body(&req->body, j);
    cJSON_Delete(j);
    if (rc) {
        snprintf(err->code, sizeof err->code, "too_big");
        snprintf(err->text, sizeof err->text, "消息太长，无法发送");
        return SEND_FATAL;
    }
    return SEND_OK;
}

static enum send_outcome judge(void *ctx, const struct channel_route *rt,
                               const struct send_request *req, long status, const char *body,
                               size_t len, char *msg_id, struct send_error *err)
{
    struct qqbot_api *q = ctx;
    (void)rt;
    struct qqbot_answer a;
    int parsed = qqbot_api_parse(body, len, &a) == ZB_OK;
    if (!parsed)
        memset(&a, 0, sizeof a);
    if (!parsed && status >= 200 && status < 300) {
        snprintf(err->code, sizeof err->code, "bad_answer");
        snprintf(err->text, sizeof err->text, "QQ 机器人接口的应答无法解析");
        return SEND_RETRY;
    }
    enum send_outcome o = qqbot_api_classify(status, a.code);
    if (o == SEND_OK) {
        snprintf(msg_id, SEND_MSGID_MAX + 1, "%s", a.id);
        return o;
    }
    const char *why = reason(a.code);
    if (a.code)
        snprintf(err->code, sizeof err->code, "%ld", a.code);
    else
        snprintf(err->code, sizeof err->code, "http_%ld", status);
    snprintf(err->text, sizeof err->text, "QQ 机器人接口 HTTP %ld %s%.200s", status, why,
             a.message);
    if (o == SEND_TOKEN)
        apitoken_invalid(&q->tok, req->token_gen);
    return o;
}

struct send_client *qqbot_api_client(const struct config *cfg)
{
    struct qqbot_api *q = xcalloc(1, sizeof *q);
    char name[96];
    q->cfg = cfg;
    snprintf(name, sizeof name, "qqbot:%.80s", cfg->qqbot.app_id);
    apitoken_init(&q->tok, name, TOKEN_MARGIN_S, fetch, q);
    q->client.platform = PLATFORM_QQBOT;
    q->client.ctx = q;
    q->client.prepare = prepare;
    q->client.judge = judge;
    return &q->client;
}

void qqbot_api_free(struct send_client *c)
{
    free(c ? c->ctx : NULL);
}
