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

#include "bot/base/clock.h"
#include "bot/base/log.h"
#include "bot/base/xmalloc.h"
#include "bot/delivery/notify.h"
#include "webhook/client/http_client.h"

#define TOKEN_MARGIN_S    300 /* stable_token renews 5 min before expiry */
#define CLIENT_MSG_ID_MAX 64

struct wechat_api {
    struct send_client client; /* first: the sender's view */
    const struct config *cfg;  /* borrowed */
    const char *api_base;      /* the section's api_base (borrowed from cfg) */
    const char *app_id;        /* its app id */
    const char *app_secret;    /* its secret */
    bool mini;                 /* the mini-program's client (wxmini) */
    struct apitoken tok;       /* the access token, keyed by platform and app id */
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
    case 43004: /* not following the account (unfollowed): the member's next channel */
        return SEND_CLOSED;
    case 40003: /* invalid openid */
    case 40013: /* invalid appid */
    case 40125: /* invalid appsecret */
    case 40164: /* IP not whitelisted */
    case 40037: /* invalid template_id */
    case 41030: /* invalid page */
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
        return "用户未关注公众号（可能已取消关注）";
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
    snprintf(url, sizeof url, "%s/cgi-bin/stable_token", w->api_base);
    cJSON *j = cJSON_CreateObject();
    cJSON_AddStringToObject(j, "grant_type", "client_credential");
    cJSON_AddStringToObject(j, "appid", w->app_id);
    cJSON_AddStringToObject(j, "secret", w->app_secret);
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
        snprintf(err, errsz, "微信取 access_token 的应答无法解析（HTTP %ld）", status);
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
        snprintf(err, errsz, "微信取 access_token 的应答里没有可用的 token");
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

/*
 * value_limit - the most characters WeChat takes in a data value of key (shared/protocols
 * wechat.md 5.3: thing <= 20, number <= 32, symbol <= 5; character_string 32), by the key's
 * type prefix ("thing3" is a thing); 20 for the other types (DESIGN.md: template fields <= 20).
 * *ellipsis: a cut value ends with "…" (text types only; a number cut short stays digits).
 */
static size_t value_limit(const char *key, bool *ellipsis)
{
    static const struct {
        const char *prefix;
        size_t max;
        bool ellipsis;
    } limits[] = {{"thing", 20, true},
                  {"number", 32, false},
                  {"symbol", 5, false},
                  {"character_string", 32, false},
                  {"letter", 32, false}};
    size_t n = strcspn(key, "0123456789");
    for (size_t i = 0; i < sizeof limits / sizeof limits[0]; i++)
        if (strlen(limits[i].prefix) == n && strncmp(key, limits[i].prefix, n) == 0) {
            *ellipsis = limits[i].ellipsis;
            return limits[i].max;
        }
    *ellipsis = true;
    return 20;
}

/* cut_chars - the first max UTF-8 characters of s into out (size outsz); when s is longer and
 * ellipsis, the first max - 1 and "…". Continuation bytes never start a character. */
static void cut_chars(const char *s, size_t max, bool ellipsis, char *out, size_t outsz)
{
    size_t chars = 0, i = 0, keep = 0, keep_short = 0;
    for (; s[i]; i++) {
        if (((unsigned char)s[i] & 0xC0) == 0x80)
            continue;
        if (chars == max - 1)
            keep_short = i;
        if (chars == max)
            break;
        chars++;
    }
    keep = i;
    if (s[i] && ellipsis)
        snprintf(out, outsz, "%.*s…", (int)keep_short, s);
    else
        snprintf(out, outsz, "%.*s", (int)keep, s);
}

/*
 * wechat_api_template_data - the template's data from the row's notify fields through t's map, each
 * value cut to its key's limit; empty fields are left out. NULL when the map gives nothing.
 */
cJSON *wechat_api_template_data(const struct channel_template *t, const struct outbox_row *row)
{
    cJSON *fields = row->fields_json ? cJSON_Parse(row->fields_json) : NULL;
    cJSON *d = cJSON_CreateObject();
    int n = 0;
    for (int i = 0; i < t->nfields; i++) {
        const char *v = row->text;
        if (t->field[i] != NF_TEXT) {
            const cJSON *f = cJSON_GetObjectItemCaseSensitive(
                fields, notify_field_name((enum notify_field)t->field[i]));
            v = cJSON_IsString(f) ? f->valuestring : NULL;
        }
        if (!v || !*v)
            continue;
        char cut[4 * 32 + 8];
        bool ellipsis;
        size_t max = value_limit(t->key[i], &ellipsis);
        cut_chars(v, max, ellipsis, cut, sizeof cut);
        cJSON *o = cJSON_AddObjectToObject(d, t->key[i]);
        cJSON_AddStringToObject(o, "value", cut);
        n++;
    }
    cJSON_Delete(fields);
    if (n == 0) {
        cJSON_Delete(d);
        return NULL;
    }
    return d;
}

/* row_link - the row's notify link field, or NULL; caller frees. */
static char *row_link(const struct outbox_row *row)
{
    if (!row->fields_json)
        return NULL;
    cJSON *fields = cJSON_Parse(row->fields_json);
    const cJSON *l = cJSON_GetObjectItemCaseSensitive(fields, "link");
    char *link = cJSON_IsString(l) && *l->valuestring ? xstrdup(l->valuestring) : NULL;
    cJSON_Delete(fields);
    return link;
}

/*
 * template_data - the "data" of a template or subscription message: mapped from notify's fields
 * when the route's template has a field map, else the row's own data_json, else its text in the
 * one key wechat.template_field.
 */
static cJSON *template_data(const struct wechat_api *w, const struct outbox_row *row,
                            const struct channel_route *rt)
{
    if (rt->tpl && rt->tpl->nfields) {
        cJSON *d = wechat_api_template_data(rt->tpl, row);
        if (d)
            return d;
    }
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
    bool cs = rt->ch == CH_WECHAT_CS || rt->ch == CH_WXMINI_CS;
    const char *path = cs                              ? "/cgi-bin/message/custom/send"
                       : rt->ch == CH_WECHAT_TEMPLATE  ? "/cgi-bin/message/template/send"
                       : rt->ch == CH_WXMINI_SUBSCRIBE ? "/cgi-bin/message/subscribe/send"
                                                       : "/cgi-bin/message/subscribe/bizsend";
    char *etok = curl_easy_escape(NULL, tok, 0);
    snprintf(req->url, sizeof req->url, "%s%s?access_token=%s", w->api_base, path,
             etok ? etok : "");
    curl_free(etok);
    cJSON *j = cJSON_CreateObject();
    cJSON_AddStringToObject(j, "touser", rt->target);
    if (cs) {
        cJSON_AddStringToObject(j, "msgtype", "text");
        cJSON *t = cJSON_AddObjectToObject(j, "text");
        cJSON_AddStringToObject(t, "content", row->text);
    } else {
        cJSON_AddStringToObject(j, "template_id", rt->template_id);
        if (rt->ch == CH_WECHAT_TEMPLATE) {
            char id[CLIENT_MSG_ID_MAX + 1];
            client_msg_id(row->idem_key, id);
            cJSON_AddStringToObject(j, "client_msg_id", id);
            char *link = row_link(row);
            if (link)
                cJSON_AddStringToObject(j, "url", link);
            free(link);
        }
        cJSON_AddItemToObject(j, "data", template_data(w, row, rt));
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
    struct wechat_api *w = ctx;
    (void)rt;
    (void)msg_id; /* WeChat's msgid is of no use to zhibu: nothing quotes it */
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
    if (w->mini && a.errcode == 43101) /* no grant left: the member's next channel */
        o = SEND_CLOSED;
    if (o == SEND_OK)
        return o;
    const char *why = wechat_api_reason(a.errcode);
    snprintf(err->code, sizeof err->code, "%ld", a.errcode);
    snprintf(err->text, sizeof err->text, "%s%s%.200s", why, *why ? "：" : "", a.errmsg);
    if (o == SEND_TOKEN)
        apitoken_invalid(&w->tok, req->token_gen);
    return o;
}

/* client - a client of platform p with the section's base, app id and secret. */
static struct send_client *client(const struct config *cfg, enum platform p, const char *base,
                                  const char *app_id, const char *secret)
{
    struct wechat_api *w = xcalloc(1, sizeof *w);
    char name[96];
    w->cfg = cfg;
    w->api_base = base;
    w->app_id = app_id;
    w->app_secret = secret;
    w->mini = p == PLATFORM_WXMINI;
    snprintf(name, sizeof name, "%s:%.80s", platform_name(p), app_id);
    apitoken_init(&w->tok, name, TOKEN_MARGIN_S, fetch, w);
    w->client.platform = p;
    w->client.ctx = w;
    w->client.prepare = prepare;
    w->client.judge = judge;
    return &w->client;
}

struct send_client *wechat_api_client(const struct config *cfg)
{
    return client(cfg, PLATFORM_WECHAT, cfg->wechat.api_base, cfg->wechat.app_id,
                  cfg->wechat.app_secret);
}

struct send_client *wxmini_api_client(const struct config *cfg)
{
    return client(cfg, PLATFORM_WXMINI, cfg->wxmini.api_base, cfg->wxmini.app_id,
                  cfg->wxmini.app_secret);
}

void wechat_api_free(struct send_client *c)
{
    free(c ? c->ctx : NULL);
}

int wechat_api_menu_create(const struct config *cfg, const char *menu_json, char *err, size_t errsz)
{
    struct send_client *c = wechat_api_client(cfg);
    struct wechat_api *w = c->ctx;
    struct buf resp;
    char url[1024];
    int rc = ZB_EIO;
    buf_init(&resp, API_ANSWER_MAX);
    for (int attempt = 0; attempt < 2; attempt++) { /* again once with a new token if refused */
        const char *token = NULL;
        unsigned gen = 0;
        long status = 0;
        if ((rc = apitoken_get(&w->tok, clock_now(), &token, &gen, err, errsz)))
            goto done;
        snprintf(url, sizeof url, "%s/cgi-bin/menu/create?access_token=%s", w->api_base, token);
        buf_reset(&resp);
        if ((rc = http_client_post(url, NULL, menu_json, cfg->outbox.timeout_ms, &status, &resp,
                                   err, errsz)))
            goto done;
        struct wechat_answer a;
        if (status != 200 || wechat_api_parse(resp.data ? resp.data : "", resp.len, &a)) {
            snprintf(err, errsz, "menu/create: HTTP %ld，无法识别的应答", status);
            rc = ZB_EIO;
            goto done;
        }
        if (a.errcode == 0) {
            rc = ZB_OK;
            goto done;
        }
        const char *why = wechat_api_reason(a.errcode);
        snprintf(err, errsz, "%ld %s%s%.120s", a.errcode, why, *why ? "：" : "", a.errmsg);
        rc = wechat_api_classify(a.errcode) == SEND_FATAL ? ZB_ECONFIG : ZB_EIO;
        if (wechat_api_classify(a.errcode) != SEND_TOKEN)
            goto done;
        apitoken_invalid(&w->tok, gen);
    }
done:
    buf_free(&resp);
    wechat_api_free(c);
    return rc;
}
