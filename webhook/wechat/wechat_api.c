/*
 * wechat_api.c - WeChat official-account API client (see wechat_api.h). The access token
 * travels in the URL query, so URLs are never logged.
 */
#include "webhook/wechat/wechat_api.h"

#include <cjson/cJSON.h>
#include <curl/curl.h>
#include <mbedtls/sha1.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bot/base/log.h"
#include "bot/base/xmalloc.h"
#include "webhook/client/http_client.h"

#define TOKEN_MARGIN_S    300 /* stable_token renews 5 min before expiry */
#define CLIENT_MSG_ID_MAX 64

struct wechat_api {
    struct send_client client; /* first: the sender's view */
    const struct config *cfg;  /* borrowed */
    struct apitoken tok;       /* the access token */
};

int wechat_api_parse(const char *body, size_t len, struct wechat_answer *out)
{
    memset(out, 0, sizeof *out);
    cJSON *j = cJSON_ParseWithLength(body, len);
    int rc = ZB_EPARSE;
    if (!cJSON_IsObject(j))
        goto done;
    const cJSON *code = cJSON_GetObjectItemCaseSensitive(j, "errcode");
    const cJSON *msg = cJSON_GetObjectItemCaseSensitive(j, "errmsg");
    const cJSON *tok = cJSON_GetObjectItemCaseSensitive(j, "access_token");
    const cJSON *exp = cJSON_GetObjectItemCaseSensitive(j, "expires_in");
    if ((code && !cJSON_IsNumber(code)) || (msg && !cJSON_IsString(msg)) ||
        (tok && !cJSON_IsString(tok)) || (exp && !cJSON_IsNumber(exp)))
        goto done;
    if (code) {
        double d = code->valuedouble;
        if (d < -1e9 || d > 1e12)
            goto done;
        out->errcode = (long)d;
    }
    if (msg)
        snprintf(out->errmsg, sizeof out->errmsg, "%s", msg->valuestring);
    if (tok) {
        if (strlen(tok->valuestring) >= sizeof out->access_token) {
            rc = ZB_ETOOBIG;
            goto done;
        }
        snprintf(out->access_token, sizeof out->access_token, "%s", tok->valuestring);
    }
    if (exp) {
        double d = exp->valuedouble;
        if (d < 0 || d > 1e9)
            goto done;
        out->expires_in = (int64_t)d;
    }
    rc = ZB_OK;
done:
    cJSON_Delete(j);
    return rc;
}

enum send_outcome wechat_api_classify(long errcode)
{
    switch (errcode) {
    case 0:
        return SEND_OK;
    case 40001: /* invalid credential / token not latest */
    case 40014: /* invalid access_token */
    case 42001: /* access_token expired */
        return SEND_TOKEN;
    case 45009: /* daily quota */
    case 45011: /* per-minute quota */
        return SEND_RATE;
    case 45015: /* customer-service window closed, or unsubscribed */
    case 45047: /* customer-service count exceeded */
        return SEND_CLOSED;
    case 40003: /* invalid openid */
    case 40013: /* invalid appid */
    case 40125: /* invalid appsecret */
    case 40164: /* IP not whitelisted */
    case 40037: /* invalid template_id */
    case 41030: /* invalid page */
    case 43004: /* not following the account */
    case 43101: /* user refused the subscription message */
    case 47001: /* malformed body */
    case 48001: /* API not authorised */
        return SEND_FATAL;
    default: /* -1 busy, and codes we do not know: retried, within max_attempts */
        return SEND_RETRY;
    }
}

const char *wechat_api_reason(long errcode)
{
    switch (errcode) {
    case -1:
        return "微信系统繁忙";
    case 40001:
        return "access_token 无效或不是最新的（或 AppSecret 错误）";
    case 40014:
        return "access_token 不合法";
    case 42001:
        return "access_token 已过期";
    case 40003:
        return "openid 无效（不是本公众号的用户）";
    case 40013:
        return "AppID 无效，请检查 wechat.app_id";
    case 40125:
        return "AppSecret 无效，请检查 wechat.app_secret";
    case 40164:
        return "本服务器的 IP 不在公众号后台的 IP 白名单中";
    case 40037:
        return "模板 ID 无效，请检查 wechat.template.*";
    case 43004:
        return "用户未关注公众号";
    case 43101:
        return "用户拒收（未订阅或订阅次数已用完）";
    case 45009:
        return "接口调用已达每日上限";
    case 45011:
        return "接口调用过于频繁";
    case 45015:
        return "客服消息窗口已关闭（用户 48 小时内未发消息或已取消关注）";
    case 45047:
        return "客服消息条数已达上限";
    case 47001:
        return "请求格式错误";
    case 48001:
        return "公众号没有该接口的权限";
    default:
        return "";
    }
}

static int fetch(void *ctx, bool force, char *token, size_t toksz, int64_t *expires_in, char *err,
                 size_t errsz)
{
    struct wechat_api *w = ctx;
    const struct config *c = w->cfg;
    char url[1024];
    struct buf resp;
    long status = 0;
    int rc;
    snprintf(url, sizeof url, "%s/cgi-bin/stable_token", c->wechat.api_base);
    cJSON *j = cJSON_CreateObject();
    cJSON_AddStringToObject(j, "grant_type", "client_credential");
    cJSON_AddStringToObject(j, "appid", c->wechat.app_id);
    cJSON_AddStringToObject(j, "secret", c->wechat.app_secret);
    cJSON_AddBoolToObject(j, "force_refresh", force);
    char *body = cJSON_PrintUnformatted(j);
    cJSON_Delete(j);
    buf_init(&resp, API_ANSWER_MAX);
    rc = http_client_post(url, NULL, body ? body : "{}", c->outbox.timeout_ms, &status, &resp, err,
                          errsz);
    free(body);
    if (rc)
        goto done;
    struct wechat_answer a;
    if (status != 200 || wechat_api_parse(resp.data ? resp.data : "", resp.len, &a)) {
        snprintf(err, errsz, "stable_token: HTTP %ld, unreadable answer", status);
        rc = status >= 500 || status == 200 ? ZB_EIO : ZB_ECONFIG;
        goto done;
    }
    if (a.errcode) {
        const char *why = wechat_api_reason(a.errcode);
        snprintf(err, errsz, "%ld %s%s%.120s", a.errcode, why, *why ? "：" : "", a.errmsg);
        rc = a.errcode == 45009 || a.errcode == 45011 ? ZB_EBUSY
             : a.errcode == -1                        ? ZB_EIO
                                                      : ZB_ECONFIG;
        goto done;
    }
    if (!a.access_token[0] || strlen(a.access_token) >= toksz) {
        snprintf(err, errsz, "stable_token: answer without a usable access_token");
        rc = ZB_EPARSE;
        goto done;
    }
    snprintf(token, toksz, "%s", a.access_token);
    *expires_in = a.expires_in;
    rc = ZB_OK;
done:
    buf_free(&resp);
    return rc;
}

/* client_msg_id - the idempotency key, or its SHA-1 in hex when longer than WeChat takes. */
static void client_msg_id(const char *key, char out[CLIENT_MSG_ID_MAX + 1])
{
    size_t n = strlen(key);
    if (n <= CLIENT_MSG_ID_MAX) {
        memcpy(out, key, n + 1);
        return;
    }
    unsigned char d[20];
    mbedtls_sha1_ret((const unsigned char *)key, n, d);
    for (int i = 0; i < 20; i++)
        snprintf(out + 2 * i, 3, "%02x", d[i]);
}

static cJSON *template_data(const struct wechat_api *w, const struct outbox_row *row)
{
    if (row->data_json) {
        cJSON *d = cJSON_Parse(row->data_json);
        if (cJSON_IsObject(d))
            return d;
        cJSON_Delete(d);
    }
    cJSON *d = cJSON_CreateObject();
    cJSON *v = cJSON_AddObjectToObject(d, w->cfg->wechat.template_field);
    cJSON_AddStringToObject(v, "value", row->text);
    return d;
}

static enum send_outcome prepare(void *ctx, const struct outbox_row *row,
                                 const struct channel_route *rt, int64_t now,
                                 struct send_request *req, struct send_error *err)
{
    struct wechat_api *w = ctx;
    const char *tok = NULL;
    char why[300];
    int rc = apitoken_get(&w->tok, now, &tok, &req->token_gen, why, sizeof why);
    if (rc) {
        snprintf(err->code, sizeof err->code, "token");
        snprintf(err->text, sizeof err->text, "获取微信 access_token 失败：%s", why);
        return rc == ZB_ECONFIG ? SEND_FATAL : rc == ZB_EBUSY ? SEND_RATE : SEND_RETRY;
    }
    const char *path = rt->ch == CH_WECHAT_CS         ? "/cgi-bin/message/custom/send"
                       : rt->ch == CH_WECHAT_TEMPLATE ? "/cgi-bin/message/template/send"
                                                      : "/cgi-bin/message/subscribe/bizsend";
    char *etok = curl_easy_escape(NULL, tok, 0);
    snprintf(req->url, sizeof req->url, "%s%s?access_token=%s", w->cfg->wechat.api_base, path,
             etok ? etok : "");
    curl_free(etok);
    cJSON *j = cJSON_CreateObject();
    cJSON_AddStringToObject(j, "touser", rt->target);
    if (rt->ch == CH_WECHAT_CS) {
        cJSON_AddStringToObject(j, "msgtype", "text");
        cJSON *t = cJSON_AddObjectToObject(j, "text");
        cJSON_AddStringToObject(t, "content", row->text);
    } else {
        cJSON_AddStringToObject(j, "template_id", rt->template_id);
        if (rt->ch == CH_WECHAT_TEMPLATE) {
            char id[CLIENT_MSG_ID_MAX + 1];
            client_msg_id(row->idem_key, id);
            cJSON_AddStringToObject(j, "client_msg_id", id);
        }
        cJSON_AddItemToObject(j, "data", template_data(w, row));
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
                               size_t len, struct send_error *err)
{
    struct wechat_api *w = ctx;
    (void)rt;
    struct wechat_answer a;
    if (status != 200) {
        snprintf(err->code, sizeof err->code, "http_%ld", status);
        snprintf(err->text, sizeof err->text, "微信接口返回 HTTP %ld", status);
        return status == 429 ? SEND_RATE : status >= 500 ? SEND_RETRY : SEND_FATAL;
    }
    if (wechat_api_parse(body, len, &a)) {
        snprintf(err->code, sizeof err->code, "bad_answer");
        snprintf(err->text, sizeof err->text, "微信接口的应答无法解析");
        return SEND_RETRY;
    }
    enum send_outcome o = wechat_api_classify(a.errcode);
    if (o == SEND_OK)
        return o;
    const char *why = wechat_api_reason(a.errcode);
    snprintf(err->code, sizeof err->code, "%ld", a.errcode);
    snprintf(err->text, sizeof err->text, "%s%s%.200s", why, *why ? "：" : "", a.errmsg);
    if (o == SEND_TOKEN)
        apitoken_invalid(&w->tok, req->token_gen);
    return o;
}

struct send_client *wechat_api_client(const struct config *cfg)
{
    struct wechat_api *w = xcalloc(1, sizeof *w);
    char name[96];
    w->cfg = cfg;
    snprintf(name, sizeof name, "wechat:%.80s", cfg->wechat.app_id);
    apitoken_init(&w->tok, name, TOKEN_MARGIN_S, fetch, w);
    w->client.platform = PLATFORM_WECHAT;
    w->client.ctx = w;
    w->client.prepare = prepare;
    w->client.judge = judge;
    return &w->client;
}

void wechat_api_free(struct send_client *c)
{
    free(c ? c->ctx : NULL);
}
