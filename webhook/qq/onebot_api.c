/* onebot_api.c - OneBot v11 HTTP API client (see onebot_api.h). */
#include "webhook/qq/onebot_api.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bot/base/xmalloc.h"
#include "webhook/client/http_client.h"

struct onebot_api {
    struct send_client client; /* first: the sender's view */
    const struct config *cfg;  /* borrowed */
};

int onebot_api_parse(const char *body, size_t len, struct onebot_answer *out)
{
    memset(out, 0, sizeof *out);
    cJSON *j = cJSON_ParseWithLength(body, len);
    int rc = ZB_EPARSE;
    const cJSON *code = cJSON_GetObjectItemCaseSensitive(j, "retcode");
    if (!cJSON_IsObject(j) || !cJSON_IsNumber(code) || code->valuedouble < -1e9 ||
        code->valuedouble > 1e9)
        goto done;
    out->retcode = (long)code->valuedouble;
    api_str(j, "status", out->status, sizeof out->status);
    const char *const names[] = {"wording", "message", "msg"};
    for (size_t i = 0; i < 3 && !out->message[0]; i++)
        api_str(j, names[i], out->message, sizeof out->message);
    const cJSON *id =
        cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(j, "data"), "message_id");
    if (cJSON_IsNumber(id) && id->valuedouble > -1e15 && id->valuedouble < 1e15 &&
        id->valuedouble == (double)(long long)id->valuedouble)
        snprintf(out->message_id, sizeof out->message_id, "%lld", (long long)id->valuedouble);
    else if (cJSON_IsString(id) && strlen(id->valuestring) < sizeof out->message_id)
        snprintf(out->message_id, sizeof out->message_id, "%s", id->valuestring);
    rc = ZB_OK;
done:
    cJSON_Delete(j);
    return rc;
}

/* number - s (all digits, checked when queued) as a JSON number. */
static double number(const char *s)
{
    return strtod(s, NULL);
}

static enum send_outcome prepare(void *ctx, const struct outbox_row *row,
                                 const struct channel_route *rt, int64_t now,
                                 struct send_request *req, struct send_error *err)
{
    struct onebot_api *o = ctx;
    (void)now;
    bool group = rt->ch == CH_ONEBOT_GROUP;
    char *end;
    if (!*rt->target || strtoull(rt->target, &end, 10) == 0 || *end || strlen(rt->target) > 19) {
        snprintf(err->code, sizeof err->code, "invalid");
        snprintf(err->text, sizeof err->text, "QQ 号或群号无效：%.40s", rt->target);
        return SEND_FATAL;
    }
    snprintf(req->url, sizeof req->url, "%s/%s", o->cfg->onebot.api_base,
             group ? "send_group_msg" : "send_private_msg");
    if (*o->cfg->onebot.access_token)
        snprintf(req->auth, sizeof req->auth, "Authorization: Bearer %s",
                 o->cfg->onebot.access_token);
    cJSON *j = cJSON_CreateObject();
    cJSON_AddNumberToObject(j, group ? "group_id" : "user_id", number(rt->target));
    cJSON_AddStringToObject(j, "message", row->text);
    cJSON_AddBoolToObject(j, "auto_escape", 1);
    int rc = api_body(&req->body, j);
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
    (void)ctx;
    (void)rt;
    (void)req;
    if (status != 200) {
        snprintf(err->code, sizeof err->code, "http_%ld", status);
        const char *why = status == 401   ? "OneBot 需要 access_token（onebot.access_token）"
                          : status == 403 ? "OneBot 的 access_token 不对（onebot.access_token）"
                          : status == 404 ? "OneBot 不支持这个接口"
                                          : "OneBot 接口返回错误";
        snprintf(err->text, sizeof err->text, "%s（HTTP %ld）", why, status);
        return status == 429 ? SEND_RATE : status >= 500 ? SEND_RETRY : SEND_FATAL;
    }
    struct onebot_answer a;
    if (onebot_api_parse(body, len, &a)) {
        snprintf(err->code, sizeof err->code, "bad_answer");
        snprintf(err->text, sizeof err->text, "OneBot 的应答无法解析");
        return SEND_RETRY;
    }
    if (a.retcode == 0 || a.retcode == 1) { /* ok, or queued by the implementation */
        snprintf(msg_id, SEND_MSGID_MAX + 1, "%s", a.message_id);
        return SEND_OK;
    }
    snprintf(err->code, sizeof err->code, "retcode_%ld", a.retcode);
    snprintf(err->text, sizeof err->text, "OneBot 发送失败（retcode %ld）%.200s", a.retcode,
             a.message);
    /* 1400 bad request, 1401/1403 token, 1404 no such action: retrying cannot help */
    return a.retcode >= 1400 && a.retcode <= 1404 ? SEND_FATAL : SEND_RETRY;
}

struct send_client *onebot_api_client(const struct config *cfg)
{
    struct onebot_api *o = xcalloc(1, sizeof *o);
    o->cfg = cfg;
    o->client.platform = PLATFORM_ONEBOT;
    o->client.ctx = o;
    o->client.prepare = prepare;
    o->client.judge = judge;
    return &o->client;
}

void onebot_api_free(struct send_client *c)
{
    free(c ? c->ctx : NULL);
}
