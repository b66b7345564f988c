/*
 * qqbot.c - the QQ open-platform webhook (see qqbot.h and shared/protocols/qq.md section 2).
 */
#include "webhook/qq/qqbot.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bot/chat/reply.h"
#include "bot/base/charset.h"
#include "bot/base/clock.h"
#include "bot/chat/group_rules.h"
#include "bot/base/log.h"
#include "bot/delivery/outbox.h"
#include "bot/chat/router.h"
#include "bot/base/xmalloc.h"
#include "webhook/http/metrics.h"
#include "webhook/qq/qq_post.h"
#include "webhook/qq/qq_sign.h"
#include "webhook/qq/qq_text.h"

#define MSG_KEY_MAX    (2 * QQBOT_ID_MAX + 64)
#define QQBOT_PLATFORM "qqbot"
#define ACK_OK         "{\"op\":12,\"d\":0}"
#define ACK_RETRY      "{\"op\":12,\"d\":1}"

static unsigned char pk[QQBOT_PK_LEN]; /* derived from qqbot.secret by qqbot_init */
static unsigned char sk[QQBOT_SK_LEN]; /* its secret key, for op 13 */

static const cJSON *get(const cJSON *o, const char *key)
{
    return cJSON_GetObjectItemCaseSensitive(o, key);
}

/* id_copy - a string id: 1..QQBOT_ID_MAX printable ASCII bytes without spaces; NULL otherwise
 * (caller frees). */
static char *id_copy(const cJSON *j)
{
    if (!cJSON_IsString(j))
        return NULL;
    const char *s = j->valuestring;
    size_t n = strlen(s);
    if (n == 0 || n > QQBOT_ID_MAX)
        return NULL;
    for (size_t i = 0; i < n; i++)
        if (s[i] <= ' ' || s[i] >= 0x7f)
            return NULL;
    return xstrdup(s);
}

/* token_ok - 1..QQBOT_TOKEN_MAX bytes of [A-Za-z0-9_-] (see qqbot.h: never a '{'). */
static bool token_ok(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > QQBOT_TOKEN_MAX)
        return false;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '_' || c == '-'))
            return false;
    }
    return true;
}

/* decimal - event_ts as decimal text: a string of 1..20 digits, or a whole number >= 0. */
static char *decimal(const cJSON *j)
{
    char num[32];
    if (cJSON_IsNumber(j)) {
        double d = j->valuedouble;
        if (!(d >= 0 && d < 1e18) || d != (double)(long long)d)
            return NULL;
        snprintf(num, sizeof num, "%lld", (long long)d);
        return xstrdup(num);
    }
    if (!cJSON_IsString(j))
        return NULL;
    size_t n = strlen(j->valuestring);
    if (n == 0 || n > 20)
        return NULL;
    for (size_t i = 0; i < n; i++)
        if (j->valuestring[i] < '0' || j->valuestring[i] > '9')
            return NULL;
    return xstrdup(j->valuestring);
}

static int two(const char *s)
{
    if (s[0] < '0' || s[0] > '9' || s[1] < '0' || s[1] > '9')
        return -1;
    return (s[0] - '0') * 10 + (s[1] - '0');
}

int qqbot_parse_time(const char *s, int64_t *out)
{
    /* YYYY-MM-DDTHH:MM:SS[.frac](Z|+HH:MM|-HH:MM) */
    if (strlen(s) < 20 || s[4] != '-' || s[7] != '-' ||
        (s[10] != 'T' && s[10] != 't' && s[10] != ' ') || s[13] != ':' || s[16] != ':')
        return ZB_EPARSE;
    int hi = two(s), lo = two(s + 2), mon = two(s + 5), day = two(s + 8), h = two(s + 11),
        mi = two(s + 14), sec = two(s + 17);
    if (hi < 0 || lo < 0 || mon < 1 || mon > 12 || day < 1 || day > 31 || h < 0 || h > 23 ||
        mi < 0 || mi > 59 || sec < 0 || sec > 60)
        return ZB_EPARSE;
    const char *p = s + 19;
    if (*p == '.') {
        p++;
        if (*p < '0' || *p > '9')
            return ZB_EPARSE;
        while (*p >= '0' && *p <= '9')
            p++;
    }
    long off = 0;
    if (*p == 'Z' || *p == 'z') {
        p++;
    } else if ((*p == '+' || *p == '-') && strlen(p) == 6 && p[3] == ':') {
        int oh = two(p + 1), om = two(p + 4);
        if (oh < 0 || oh > 23 || om < 0 || om > 59)
            return ZB_EPARSE;
        off = (*p == '+' ? 1 : -1) * (oh * 3600L + om * 60L);
        p += 6;
    } else {
        return ZB_EPARSE;
    }
    if (*p)
        return ZB_EPARSE;
    struct tm tm = {.tm_year = hi * 100 + lo - 1900,
                    .tm_mon = mon - 1,
                    .tm_mday = day,
                    .tm_hour = h,
                    .tm_min = mi,
                    .tm_sec = sec};
    *out = (int64_t)timegm(&tm) - off;
    return ZB_OK;
}

/* event_time - d.timestamp: RFC 3339 text (messages) or Unix seconds (robot and friend
 * events, as a number or a string); 0 when absent or malformed. */
static int64_t event_time(const cJSON *ts)
{
    int64_t t = 0;
    if (cJSON_IsNumber(ts) && ts->valuedouble > 0 && ts->valuedouble < 1e11)
        return (int64_t)ts->valuedouble;
    if (!cJSON_IsString(ts))
        return 0;
    char *end;
    long long v = strtoll(ts->valuestring, &end, 10);
    if (end != ts->valuestring && *end == '\0' && v > 0 && v < 100000000000LL)
        return v;
    return qqbot_parse_time(ts->valuestring, &t) == ZB_OK ? t : 0;
}

/* content_kind - a message without text: what its first attachment is. */
static enum event_kind content_kind(const cJSON *d, char **text)
{
    const cJSON *a = cJSON_GetArrayItem(get(d, "attachments"), 0);
    const cJSON *ct = get(a, "content_type");
    if (!cJSON_IsObject(a))
        return EV_TEXT;
    const char *t = cJSON_IsString(ct) ? ct->valuestring : "";
    if (strncmp(t, "image", 5) == 0) {
        const cJSON *url = get(a, "url");
        free(*text);
        *text = xstrdup(cJSON_IsString(url) ? url->valuestring : "");
        return EV_IMAGE;
    }
    return strncmp(t, "voice", 5) == 0 ? EV_VOICE : EV_MEDIA;
}

/* mentions_me - GROUP_MESSAGE_CREATE: one of d.mentions has is_you true. */
static bool mentions_me(const cJSON *d)
{
    const cJSON *m;
    cJSON_ArrayForEach(m, get(d, "mentions"))
    {
        if (cJSON_IsTrue(get(m, "is_you")))
            return true;
    }
    return false;
}

static int parse_message(const cJSON *d, const char *t, struct qqbot_payload *p)
{
    const cJSON *author = get(d, "author");
    bool c2c = strcmp(t, "C2C_MESSAGE_CREATE") == 0;
    p->msg_id = id_copy(get(d, "id"));
    p->user = id_copy(get(author, c2c ? "user_openid" : "member_openid"));
    p->group = c2c ? NULL : id_copy(get(d, "group_openid"));
    if (!p->msg_id || !p->user || (!c2c && !p->group))
        return ZB_EPARSE;
    const cJSON *content = get(d, "content");
    p->text = qq_trim(cJSON_IsString(content) ? content->valuestring : "");
    p->kind = *p->text ? EV_TEXT : content_kind(d, &p->text);
    p->addressed = c2c || strcmp(t, "GROUP_AT_MESSAGE_CREATE") == 0 || mentions_me(d);
    p->time = event_time(get(d, "timestamp"));
    return ZB_OK;
}

/* parse_robot - GROUP_ADD_ROBOT and the other group robot events; *_ROBOT and *_MSG_*. */
static int parse_robot(const cJSON *d, const char *t, struct qqbot_payload *p)
{
    bool group = strncmp(t, "GROUP_", 6) == 0;
    p->group = group ? id_copy(get(d, "group_openid")) : NULL;
    p->user = id_copy(get(d, group ? "op_member_openid" : "openid"));
    if (!p->user || (group && !p->group))
        return ZB_EPARSE;
    bool add = strcmp(t, "GROUP_ADD_ROBOT") == 0 || strcmp(t, "FRIEND_ADD") == 0;
    bool del = strcmp(t, "GROUP_DEL_ROBOT") == 0 || strcmp(t, "FRIEND_DEL") == 0;
    p->kind = add ? EV_FOLLOW : del ? EV_UNFOLLOW : EV_OTHER;
    p->text = xstrdup(add || del ? "" : t);
    p->record_only = !add;
    p->addressed = true;
    p->time = event_time(get(d, "timestamp"));
    return ZB_OK;
}

static int parse_interaction(const cJSON *d, struct qqbot_payload *p)
{
    const cJSON *ct = get(d, "chat_type");
    bool group = cJSON_IsNumber(ct) && ct->valueint == 1;
    p->group = group ? id_copy(get(d, "group_openid")) : NULL;
    p->user = id_copy(get(d, group ? "group_member_openid" : "user_openid"));
    if (!p->user || (group && !p->group))
        return ZB_EPARSE;
    const cJSON *bd = get(get(get(d, "data"), "resolved"), "button_data");
    p->text = xstrdup(cJSON_IsString(bd) ? bd->valuestring : "");
    p->kind = EV_OTHER;
    p->record_only = true;
    p->time = event_time(get(d, "timestamp"));
    return ZB_OK;
}

static bool is_one_of(const char *t, const char *const *names)
{
    for (; *names; names++)
        if (strcmp(t, *names) == 0)
            return true;
    return false;
}

int qqbot_parse(const char *body, size_t len, struct qqbot_payload *out)
{
    static const char *const messages[] = {"GROUP_AT_MESSAGE_CREATE", "C2C_MESSAGE_CREATE",
                                           "GROUP_MESSAGE_CREATE", NULL};
    static const char *const robots[] = {"GROUP_ADD_ROBOT",   "GROUP_DEL_ROBOT", "GROUP_MSG_REJECT",
                                         "GROUP_MSG_RECEIVE", "FRIEND_ADD",      "FRIEND_DEL",
                                         "C2C_MSG_REJECT",    "C2C_MSG_RECEIVE", NULL};
    memset(out, 0, sizeof *out);
    out->why = "";
    if (!charset_json_text_ok(body, len))
        return ZB_EPARSE; /* the one UTF-8 rule of every platform (bot/base/charset.h) */
    cJSON *root = cJSON_ParseWithLength(body, len);
    int rc = ZB_EPARSE;
    const cJSON *op = get(root, "op"), *d = get(root, "d"), *t = get(root, "t");
    if (!cJSON_IsObject(root) || !cJSON_IsNumber(op) || op->valuedouble != (double)op->valueint)
        goto done;
    out->op = op->valueint;
    if (out->op == 13) {
        const cJSON *pt = get(d, "plain_token");
        out->event_ts = decimal(get(d, "event_ts"));
        if (!cJSON_IsString(pt) || !token_ok(pt->valuestring) || !out->event_ts)
            goto done;
        out->plain_token = xstrdup(pt->valuestring);
        out->what = QB_VALIDATE;
        rc = ZB_OK;
        goto done;
    }
    rc = ZB_OK;
    if (out->op != 0 || !cJSON_IsString(t) || !cJSON_IsObject(d)) {
        out->why = out->op != 0 ? "an op other than 0 and 13" : "a dispatch without t or d";
        goto done;
    }
    out->type = xstrdup(t->valuestring);
    out->event_id = id_copy(get(root, "id"));
    if (is_one_of(out->type, messages))
        rc = parse_message(d, out->type, out);
    else if (is_one_of(out->type, robots))
        rc = parse_robot(d, out->type, out);
    else if (strcmp(out->type, "INTERACTION_CREATE") == 0)
        rc = parse_interaction(d, out);
    else
        out->why = "an event zhibu does not use";
    if (rc == ZB_OK && out->user)
        out->what = QB_EVENT;
done:
    cJSON_Delete(root);
    return rc;
}

void qqbot_payload_free(struct qqbot_payload *p)
{
    free(p->plain_token);
    free(p->event_ts);
    free(p->type);
    free(p->event_id);
    free(p->msg_id);
    free(p->user);
    free(p->group);
    free(p->text);
    memset(p, 0, sizeof *p);
}

int qqbot_init(const struct config *cfg, char *err, size_t errsz)
{
    if (qqbot_keys(cfg->qqbot.secret, pk, sk)) {
        snprintf(err, errsz, "libsodium cannot be initialised");
        return ZB_ECRYPTO;
    }
    if (strlen(cfg->qqbot.app_id) > 64) {
        snprintf(err, errsz, "config %s: key \"qqbot.app_id\": at most 64 characters", cfg->path);
        return ZB_ECONFIG;
    }
    if (!group_rule_prefix_ok(cfg->qqbot.group_prefix)) {
        snprintf(err, errsz,
                 "config %s: key \"qqbot.group_prefix\": at most %d bytes, no spaces (\"\" = "
                 "no prefix)",
                 cfg->path, GROUP_PREFIX_MAX);
        return ZB_ECONFIG;
    }
    return ZB_OK;
}

/* State of one event for the router's hooks (they run on the writer thread). */
struct delivery {
    const struct config *cfg;      /* qqbot section */
    const struct qqbot_payload *p; /* the payload */
    struct event *ev;              /* its event, completed by prepare */
    int pushed;                    /* outbox rows queued by the last run */
};

/*
 * deliver - queue every part of the reply (router_opts.deliver) as passive replies: to a
 * message by its id, or - for GROUP_ADD_ROBOT and FRIEND_ADD, whose answer is the welcome - to
 * the event by its id ("event:ID" in reply_to; qqbot_api sends it as event_id). msg_seq is
 * 1..5 and each row expires at the end of the platform's window. Anything else is answered
 * only when active pushes are allowed, as one active message.
 */
static int deliver(void *arg, const struct event *ev, const struct reply *r, int64_t now)
{
    struct delivery *d = arg;
    char event_ref[QQBOT_EVENT_REF_MAX];
    const char *reply_to = d->p->msg_id;
    if (!reply_to && d->p->event_id &&
        (strcmp(d->p->type, "GROUP_ADD_ROBOT") == 0 || strcmp(d->p->type, "FRIEND_ADD") == 0)) {
        snprintf(event_ref, sizeof event_ref, "%s%s", QQBOT_EVENT_PREFIX, d->p->event_id);
        reply_to = event_ref;
    }
    d->pushed = 0;
    char *text = reply_plain_text(r);
    if (!text)
        return ZB_OK;
    if (!reply_to && !d->cfg->qqbot.active_push) {
        log_info("qqbot: the reply to %s is logged, not sent: it cannot be a passive reply, "
                 "and qqbot.active_push is off",
                 d->p->type);
        free(text);
        return ZB_OK;
    }
    /* the window starts at the message; a time from the future (clock skew) counts as now */
    int64_t base = d->p->time > 0 && d->p->time < now ? d->p->time : now;
    int64_t window = ev->group ? QQBOT_GROUP_WINDOW : QQBOT_C2C_WINDOW;
    struct qq_parts parts;
    qq_split(text, &parts);
    free(text);
    int rc = ZB_OK;
    for (size_t i = 0; i < parts.n && rc == ZB_OK; i++) {
        char key[MSG_KEY_MAX + 8];
        snprintf(key, sizeof key, "%s#%zu", ev->msg_key, i + 1);
        struct outbox_msg m = {
            .idem_key = key,
            .rcpt = ev->group ? RCPT_QQBOT_GROUP : RCPT_QQBOT_USER,
            .to = ev->group ? ev->group : ev->user,
            .kind = OUTBOX_REPLY,
            .text = parts.part[i],
            .reply_to = reply_to,
            .seq = (int)i + 1,
            .expires_at = reply_to ? base + window : 0,
        };
        rc = outbox_push(&m, NULL);
        d->pushed += rc == ZB_OK;
        if (!reply_to)
            break; /* an active message: one, not a burst */
    }
    qq_parts_free(&parts);
    return rc;
}

static void json_answer(struct http_response *resp, int status, const char *json)
{
    resp->status = status;
    resp->content_type = "application/json";
    buf_reset(&resp->body);
    if (buf_appendz(&resp->body, json))
        resp->status = 500;
}

/* validate - op 13: sign event_ts ‖ plain_token. */
static void validate(const struct qqbot_payload *p, struct http_response *resp)
{
    char sig[QQBOT_SIG_HEX];
    qqbot_sign_hex(sk, p->event_ts, strlen(p->event_ts), p->plain_token, strlen(p->plain_token),
                   sig);
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "plain_token", p->plain_token);
    cJSON_AddStringToObject(o, "signature", sig);
    char *s = cJSON_PrintUnformatted(o);
    cJSON_Delete(o);
    json_answer(resp, s ? 200 : 500, s ? s : "");
    free(s);
    log_info("qqbot: callback URL validation answered");
}

/* timestamp_ok - ts is decimal and within window seconds of now (window 0: any). */
static bool timestamp_ok(const struct config *cfg, const char *ts)
{
    char *end;
    long long v = strtoll(ts, &end, 10);
    if (end == ts || *end)
        return false;
    if (cfg->qqbot.timestamp_window_s == 0)
        return true;
    long long diff = (long long)clock_now() - v;
    return (diff < 0 ? -diff : diff) <= cfg->qqbot.timestamp_window_s;
}

/* scope_of - how far the event reaches; *text is what the router sees. ZB_EDB when the
 * group's rules cannot be read. */
static int scope_of(const struct config *cfg, const struct qqbot_payload *p,
                    enum event_scope *scope, const char **text)
{
    struct group_rule rule = {.mode = GROUP_NORMAL, .welcome = true};
    *text = p->text;
    *scope = SCOPE_ALL;
    if (p->record_only) {
        *scope = SCOPE_RECORD;
        return ZB_OK;
    }
    if (p->group && group_rule_get(QQBOT_PLATFORM, p->group, &rule))
        return ZB_EDB;
    const char *prefix = group_rule_prefix(&rule, cfg->qqbot.group_prefix);
    if (p->kind == EV_FOLLOW) {
        if (p->group && (rule.mode == GROUP_OFF || !rule.welcome))
            *scope = SCOPE_RECORD;
        return ZB_OK;
    }
    const char *rest = qq_strip_prefix(p->text, prefix);
    if (rest)
        *text = rest;
    if (p->group)
        *scope = group_rule_scope(&rule, p->addressed || rest);
    return ZB_OK;
}

/* prepare - router_opts.prepare: the event's scope and text, on the writer thread. */
static int prepare(void *arg)
{
    struct delivery *d = arg;
    return scope_of(d->cfg, d->p, &d->ev->scope, &d->ev->text);
}

/* The state of one callback across its asynchronous dispatch; the event's strings point into
 * the payload, which lives as long as the state. */
struct post {
    struct qq_post q;       /* the event, its dispatch and reply: first member */
    struct qqbot_payload p; /* the parsed payload */
    char key[MSG_KEY_MAX];  /* ev.msg_key */
    struct delivery d;      /* the router's delivery hook state */
};

static void finish_post(const struct config *cfg, struct http_request *req,
                        struct http_response *resp);

static void post_free(void *v)
{
    struct post *st = v;
    if (!st)
        return;
    qq_post_free(&st->q);
    qqbot_payload_free(&st->p);
    free(st);
}

/*
 * submit - an op 0 event: hand it to the router and answer later (finish_post). A message is
 * keyed by the platform's message id itself (the outbox's channel choice finds the message to
 * answer by it), other events by their event id.
 */
static void submit(const struct config *cfg, struct post *st, struct http_request *req,
                   struct http_response *resp)
{
    const struct qqbot_payload *p = &st->p;
    if (p->msg_id)
        snprintf(st->key, sizeof st->key, "%s", p->msg_id);
    else if (p->event_id)
        snprintf(st->key, sizeof st->key, "qq:%s:ev:%s", cfg->qqbot.app_id, p->event_id);
    else
        snprintf(st->key, sizeof st->key, "qq:%s:%s:%s:%s:%lld", cfg->qqbot.app_id, p->type,
                 p->group ? p->group : "", p->user, (long long)p->time);
    st->q.ev = (struct event){
        .platform = PLATFORM_QQBOT,
        .kind = p->kind,
        .account = cfg->qqbot.app_id, /* openids are scoped to the bot */
        .user = p->user,
        .group = p->group,
        .msg_key = st->key,
        .created = p->time ? p->time : clock_now(),
    };
    st->q.ev.text = p->text;
    st->d = (struct delivery){.cfg = cfg, .p = p, .ev = &st->q.ev};
    st->q.opts = (struct router_opts){.deliver = deliver, .prepare = prepare, .arg = &st->d};
    qq_post_submit(&st->q, req, resp, post_free, finish_post);
}

/* finish_post - the event and its reply are committed (or not): ACK. */
static void finish_post(const struct config *cfg, struct http_request *req,
                        struct http_response *resp)
{
    (void)cfg;
    struct post *st = req->state;
    if (qq_post_finished(&st->q, "qqbot", st->p.type)) {
        http_error(resp, 500, "could not record the event; asking the platform to retry");
        json_answer(resp, 500, ACK_RETRY);
        return;
    }
    json_answer(resp, 200, ACK_OK);
}

/* start_post - the checks of qqbot.h; op 13 answered at once; events submitted. */
static void start_post(const struct config *cfg, struct http_request *req,
                       struct http_response *resp)
{
    size_t len;
    const char *body = qq_post_body(req, &len);
    const char *appid = http_header(req, "X-Bot-Appid");
    if (appid && strcmp(appid, cfg->qqbot.app_id) != 0) {
        http_error(resp, 403, "X-Bot-Appid is not qqbot.app_id");
        return;
    }
    const char *sig = http_header(req, "X-Signature-Ed25519");
    const char *ts = http_header(req, "X-Signature-Timestamp");
    bool is_signed = sig || ts;
    if (is_signed) {
        if (!sig || !ts) {
            http_error(resp, 401, "X-Signature-Ed25519 and X-Signature-Timestamp go together");
            return;
        }
        if (qqbot_verify(pk, ts, body, len, sig)) {
            http_error(resp, 401, "signature does not verify (check qqbot.secret)");
            return;
        }
        if (!timestamp_ok(cfg, ts)) {
            http_error(resp, 401, "X-Signature-Timestamp outside qqbot.timestamp_window_s");
            return;
        }
    }
    struct post *st = xcalloc(1, sizeof *st);
    struct qqbot_payload *p = &st->p;
    if (qqbot_parse(body, len, p)) {
        http_error(resp, 400, "body is not a QQ bot payload");
        goto fail;
    }
    if (p->what == QB_VALIDATE) {
        validate(p, resp);
        goto fail;
    }
    if (!is_signed) {
        http_error(resp, 401, "X-Signature-Ed25519 and X-Signature-Timestamp are required");
        goto fail;
    }
    if (p->what == QB_IGNORE) {
        log_debug("qqbot: %s: acknowledged", p->why);
        json_answer(resp, 200, ACK_OK);
        goto fail;
    }
    submit(cfg, st, req, resp);
    return;
fail:
    post_free(st);
}

void qqbot_handle(const struct config *cfg, struct http_request *req, struct http_response *resp)
{
    start_post(cfg, req, resp);
}
