/*
 * onebot.c - the OneBot v11 HTTP POST webhook (see onebot.h and shared/protocols/qq.md §1).
 */
#include "webhook/qq/onebot.h"

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
#include "webhook/qq/cqcode.h"
#include "webhook/http/metrics.h"
#include "webhook/qq/qq_post.h"
#include "webhook/qq/qq_sign.h"
#include "webhook/qq/qq_text.h"

#define MSG_KEY_MAX        160
#define TEXT_MAX           (16 * 1024 * 1024) /* a message's text: never more than a body */
#define REST_DELAY_S       2   /* parts after the quick reply wait this long, to come after it */
#define REST_TTL_S         600 /* parts not sent within 10 minutes are stale: dropped */
#define ONEBOT_PLATFORM    "onebot"
#define MAX_SAFE_INTEGER_D 9007199254740992.0 /* 2^53: doubles are exact below */

static const cJSON *get(const cJSON *o, const char *key)
{
    return cJSON_GetObjectItemCaseSensitive(o, key);
}

static bool is(const cJSON *j, const char *s)
{
    return cJSON_IsString(j) && strcmp(j->valuestring, s) == 0;
}

/*
 * id_text - an id as decimal text: a JSON integer (exact, |v| < 2^53) or a string of 1 to 19
 * digits. Ids must be positive; with any_sign (message_id, an int32) zero and negatives pass.
 */
static bool id_text(const cJSON *j, bool any_sign, char out[ONEBOT_ID_MAX])
{
    if (cJSON_IsNumber(j)) {
        double d = j->valuedouble;
        if (!(d > -MAX_SAFE_INTEGER_D && d < MAX_SAFE_INTEGER_D))
            return false;
        long long v = (long long)d;
        if ((double)v != d || (!any_sign && v <= 0))
            return false;
        snprintf(out, ONEBOT_ID_MAX, "%lld", v);
        return true;
    }
    if (!cJSON_IsString(j))
        return false;
    const char *s = j->valuestring;
    size_t i = any_sign && s[0] == '-' ? 1 : 0, n = strlen(s);
    if (n - i < 1 || n - i > 19 || (!any_sign && s[0] == '0'))
        return false;
    for (size_t k = i; k < n; k++)
        if (s[k] < '0' || s[k] > '9')
            return false;
    memcpy(out, s, n + 1);
    return true;
}

static bool type_is(const struct cq_seg *g, const char *t)
{
    return strcmp(g->type, t) == 0;
}

/* kind_of - the event kind of a message without text, from its first other segment g. */
static enum event_kind kind_of(const struct cq_seg *g, const char **text)
{
    *text = "";
    if (type_is(g, "image")) {
        const char *u = cq_get(g, "url");
        *text = u ? u : "";
        return EV_IMAGE;
    }
    if (type_is(g, "record"))
        return EV_VOICE;
    if (type_is(g, "location")) {
        const char *t = cq_get(g, "title");
        *text = t ? t : "";
        return EV_LOCATION;
    }
    if (type_is(g, "share")) {
        const char *t = cq_get(g, "title");
        *text = t ? t : "";
        return EV_LINK;
    }
    if (type_is(g, "face")) { /* a QQ face alone (a thumbs-up, a smile): a nod, like 👍 */
        *text = "[表情]";
        return EV_TEXT;
    }
    return EV_MEDIA; /* video, file, json, ...: acknowledged */
}

/*
 * message_text - the text a member typed: text segments, "@QQ" for an at of someone else
 * ("@全体成员" for all); an at of self_id sets at_me and is left out, quoted replies too (the
 * first quoted message id goes to quote_id).
 */
static int message_text(const struct cq_msg *m, struct onebot_report *r)
{
    struct buf b;
    buf_init(&b, TEXT_MAX);
    const struct cq_seg *other = NULL;
    int rc = ZB_OK;
    for (size_t i = 0; i < m->n && !rc; i++) {
        const struct cq_seg *g = &m->segs[i];
        if (g->text) {
            rc = buf_appendz(&b, g->text);
        } else if (type_is(g, "at")) {
            const char *qq = cq_get(g, "qq");
            if (qq && strcmp(qq, r->self_id) == 0)
                r->at_me = true;
            else if (qq && strcmp(qq, "all") == 0)
                rc = buf_appendz(&b, "@全体成员");
            else
                rc = buf_appendf(&b, "@%s", qq ? qq : "");
        } else if (type_is(g, "reply")) {
            const char *id = cq_get(g, "id");
            if (id && *id && !*r->quote_id && strlen(id) < sizeof r->quote_id)
                snprintf(r->quote_id, sizeof r->quote_id, "%s", id);
        } else if (!other) {
            other = g;
        }
    }
    if (rc) {
        buf_free(&b);
        return rc;
    }
    r->text = qq_trim(buf_str(&b));
    buf_free(&b);
    r->kind = EV_TEXT;
    if (!*r->text && other) {
        const char *t;
        r->kind = kind_of(other, &t);
        free(r->text);
        r->text = xstrdup(t);
    }
    return ZB_OK;
}

static int parse_message(const cJSON *root, struct onebot_report *r)
{
    const cJSON *mt = get(root, "message_type");
    if (!cJSON_IsString(mt) || !id_text(get(root, "message_id"), true, r->message_id) ||
        !id_text(get(root, "user_id"), false, r->user))
        return ZB_EPARSE;
    if (is(mt, "group")) {
        if (!id_text(get(root, "group_id"), false, r->group))
            return ZB_EPARSE;
        r->anonymous =
            cJSON_IsObject(get(root, "anonymous")) || is(get(root, "sub_type"), "notice");
    } else if (!is(mt, "private")) {
        r->why = "message_type other than private and group";
        return ZB_OK;
    }
    if (strcmp(r->user, r->self_id) == 0) {
        r->why = "our own message";
        return ZB_OK;
    }
    const cJSON *msg = get(root, "message");
    if (!cJSON_IsString(msg) && !cJSON_IsArray(msg))
        msg = get(root, "raw_message");
    struct cq_msg m;
    int rc;
    if (cJSON_IsString(msg))
        rc = cq_parse(msg->valuestring, strlen(msg->valuestring), &m);
    else if (cJSON_IsArray(msg))
        rc = cq_from_json(msg, &m);
    else
        return ZB_EPARSE;
    if (!rc)
        rc = message_text(&m, r);
    cq_free(&m);
    if (!rc)
        r->what = OB_MESSAGE;
    return rc;
}

static int parse_notice(const cJSON *root, struct onebot_report *r)
{
    const cJSON *nt = get(root, "notice_type");
    bool join = is(nt, "group_increase"), leave = is(nt, "group_decrease");
    if (join || leave) {
        if (!id_text(get(root, "group_id"), false, r->group) ||
            !id_text(get(root, "user_id"), false, r->user))
            return ZB_EPARSE;
        r->what = join ? OB_JOIN : OB_LEAVE;
    } else if (is(nt, "friend_add")) {
        if (!id_text(get(root, "user_id"), false, r->user))
            return ZB_EPARSE;
        r->what = OB_FRIEND;
    } else {
        r->why = "a notice zhibu does not use";
        return ZB_OK;
    }
    snprintf(r->notice, sizeof r->notice, "%s", nt->valuestring);
    return ZB_OK;
}

int onebot_parse(const char *body, size_t len, struct onebot_report *out)
{
    memset(out, 0, sizeof *out);
    out->what = OB_IGNORE;
    out->why = "";
    if (!charset_json_text_ok(body, len))
        return ZB_EPARSE; /* the one UTF-8 rule of every platform (bot/base/charset.h) */
    cJSON *root = cJSON_ParseWithLength(body, len);
    int rc = ZB_EPARSE;
    const cJSON *pt = get(root, "post_type");
    if (!cJSON_IsObject(root) || !cJSON_IsString(pt) ||
        !id_text(get(root, "self_id"), false, out->self_id))
        goto done;
    const cJSON *t = get(root, "time");
    if (cJSON_IsNumber(t) && t->valuedouble > 0 && t->valuedouble < 1e11)
        out->time = (int64_t)t->valuedouble;
    rc = ZB_OK;
    if (is(pt, "message"))
        rc = parse_message(root, out);
    else if (is(pt, "notice"))
        rc = parse_notice(root, out);
    else if (is(pt, "meta_event"))
        out->why = "meta event";
    else if (is(pt, "request"))
        out->why = "request";
    else
        out->why = "post_type zhibu does not use";
    if (rc)
        out->what = OB_IGNORE;
done:
    cJSON_Delete(root);
    return rc;
}

void onebot_report_free(struct onebot_report *r)
{
    free(r->text);
    r->text = NULL;
}

int onebot_init(const struct config *cfg, char *err, size_t errsz)
{
    const char *id = cfg->onebot.self_id;
    for (const char *p = id; *p; p++)
        if (*p < '0' || *p > '9' || p - id >= 19) {
            snprintf(err, errsz, "config %s: key \"onebot.self_id\": the bot's QQ number, digits",
                     cfg->path);
            return ZB_ECONFIG;
        }
    if (!group_rule_prefix_ok(cfg->onebot.group_prefix)) {
        snprintf(err, errsz,
                 "config %s: key \"onebot.group_prefix\": at most %d bytes, no spaces (\"\" = no "
                 "prefix)",
                 cfg->path, GROUP_PREFIX_MAX);
        return ZB_ECONFIG;
    }
    if (!*cfg->onebot.secret)
        log_warn("onebot: onebot.secret is empty, so reports are not signed: anyone who can "
                 "reach /qq/onebot can post as QQ. Set the same secret in the OneBot "
                 "implementation and here.");
    return ZB_OK;
}

/* State of one report for the router's hooks (they run on the writer thread). */
struct delivery {
    const struct config *cfg;        /* for the platform's prefix */
    const struct onebot_report *rep; /* the report */
    struct event *ev;                /* its event, completed by prepare */
    bool quick;                      /* the first part goes back as the quick-operation reply */
    int pushed;                      /* outbox rows queued by the last run */
};

/* deliver - queue the parts that the HTTP answer cannot carry (router_opts.deliver). */
static int deliver(void *arg, const struct event *ev, const struct reply *r, int64_t now)
{
    struct delivery *d = arg;
    char *text = reply_plain_text(r);
    if (!text)
        return ZB_OK;
    struct qq_parts parts;
    qq_split(text, &parts);
    free(text);
    int rc = ZB_OK;
    d->pushed = 0;
    for (size_t i = d->quick ? 1 : 0; i < parts.n && rc == ZB_OK; i++) {
        char key[MSG_KEY_MAX + 8];
        snprintf(key, sizeof key, "%s#%zu", ev->msg_key, i + 1);
        struct outbox_msg m = {
            .idem_key = key,
            .rcpt = ev->group ? RCPT_ONEBOT_GROUP : RCPT_ONEBOT_USER,
            .to = ev->group ? ev->group : ev->user,
            .kind = OUTBOX_REPLY,
            .text = parts.part[i],
            .not_before = d->quick ? now + REST_DELAY_S : 0,
            .expires_at = now + REST_TTL_S,
        };
        rc = outbox_push(&m, NULL);
        d->pushed += rc == ZB_OK;
    }
    qq_parts_free(&parts);
    return rc;
}

/* render_quick - the quick-operation answer to a message: its first part, or 204. */
static int render_quick(const struct reply *r, bool group, struct http_response *resp)
{
    char *text = reply_plain_text(r);
    struct qq_parts parts = {0};
    if (text)
        qq_split(text, &parts);
    free(text);
    if (parts.n == 0) {
        resp->status = 204;
        resp->content_type = NULL;
        return ZB_OK;
    }
    cJSON *o = cJSON_CreateObject();
    cJSON *seg = cJSON_CreateObject();
    cJSON_AddStringToObject(seg, "type", "text");
    cJSON_AddStringToObject(cJSON_AddObjectToObject(seg, "data"), "text", parts.part[0]);
    cJSON_AddItemToArray(cJSON_AddArrayToObject(o, "reply"), seg);
    if (group)
        cJSON_AddBoolToObject(o, "at_sender", true);
    char *s = cJSON_PrintUnformatted(o);
    cJSON_Delete(o);
    qq_parts_free(&parts);
    resp->status = 200;
    resp->content_type = "application/json; charset=utf-8";
    int rc = s ? buf_appendz(&resp->body, s) : ZB_ETOOBIG;
    free(s);
    return rc;
}

/* scope_of - how far the report reaches, from the group's rules; *text is the text the router
 * sees (the group prefix removed). ZB_EDB when the rules cannot be read. Runs on the writer
 * thread (prepare), where the database is at hand and a rule just set by the CLI is seen. */
static int scope_of(const struct config *cfg, const struct onebot_report *rep,
                    enum event_scope *scope, const char **text)
{
    struct group_rule rule = {.mode = GROUP_NORMAL, .welcome = true};
    *text = rep->text ? rep->text : "";
    *scope = SCOPE_ALL;
    if (*rep->group && group_rule_get(ONEBOT_PLATFORM, rep->group, &rule))
        return ZB_EDB;
    const char *prefix = group_rule_prefix(&rule, cfg->onebot.group_prefix);
    switch (rep->what) {
    case OB_MESSAGE: {
        const char *rest = qq_strip_prefix(*text, prefix);
        if (rest)
            *text = rest;
        if (*rep->group)
            *scope = rep->anonymous ? SCOPE_RECORD : group_rule_scope(&rule, rep->at_me || rest);
        return ZB_OK;
    }
    case OB_JOIN:
        if (rule.mode == GROUP_OFF || !rule.welcome || strcmp(rep->user, rep->self_id) == 0)
            *scope = SCOPE_RECORD;
        return ZB_OK;
    case OB_LEAVE:
        *scope = SCOPE_RECORD; /* recorded: who left, when */
        return ZB_OK;
    default:
        return ZB_OK;
    }
}

/* prepare - router_opts.prepare: the event's scope and text. */
static int prepare(void *arg)
{
    struct delivery *d = arg;
    return scope_of(d->cfg, d->rep, &d->ev->scope, &d->ev->text);
}

/* The state of one report across its asynchronous dispatch; the event's strings point into
 * the report, which lives as long as the state. */
struct post {
    struct qq_post q;         /* the event, its dispatch and reply: first member */
    struct onebot_report rep; /* the parsed report */
    char key[MSG_KEY_MAX];    /* ev.msg_key */
    struct delivery d;        /* the router's delivery hook state */
};

static void post_free(void *p)
{
    struct post *st = p;
    if (!st)
        return;
    qq_post_free(&st->q);
    onebot_report_free(&st->rep);
    free(st);
}

static void finish_post(const struct config *cfg, struct http_request *req,
                        struct http_response *resp);

static void no_content(struct http_response *resp)
{
    resp->status = 204;
    resp->content_type = NULL;
}

/* start_post - the checks of onebot.h, then submit the event to the router (or answer 204). */
static void start_post(const struct config *cfg, struct http_request *req,
                       struct http_response *resp)
{
    size_t len;
    const char *body = qq_post_body(req, &len);
    if (*cfg->onebot.secret) {
        const char *sig = http_header(req, "X-Signature");
        if (!sig) {
            http_error(resp, 401, "X-Signature is required (onebot.secret is set)");
            return;
        }
        if (onebot_sig_check(cfg->onebot.secret, body, len, sig)) {
            http_error(resp, 403, "X-Signature mismatch (check onebot.secret)");
            return;
        }
    }
    const char *self = http_header(req, "X-Self-ID");
    if (*cfg->onebot.self_id && (!self || strcmp(self, cfg->onebot.self_id) != 0)) {
        http_error(resp, 403, "X-Self-ID is not onebot.self_id");
        return;
    }
    struct post *st = xcalloc(1, sizeof *st);
    struct onebot_report *rep = &st->rep;
    int rc = onebot_parse(body, len, rep);
    if (rc) {
        http_error(resp, 400,
                   rc == ZB_ETOOBIG ? "message has too many segments"
                                    : "body is not a OneBot v11 report");
        goto fail;
    }
    if (self && strcmp(self, rep->self_id) != 0) {
        http_error(resp, 400, "self_id in the body differs from X-Self-ID");
        goto fail;
    }
    if (rep->what == OB_IGNORE) {
        log_debug("onebot: %s: nothing to do", rep->why);
        no_content(resp);
        goto fail;
    }
    if (rep->what == OB_MESSAGE)
        snprintf(st->key, sizeof st->key, "ob:%s:%s", rep->self_id, rep->message_id);
    else
        snprintf(st->key, sizeof st->key, "ob:%s:%s:%s:%s:%lld", rep->self_id, rep->notice,
                 rep->group, rep->user, (long long)rep->time);
    static const enum event_kind kinds[] = {
        [OB_JOIN] = EV_FOLLOW, [OB_LEAVE] = EV_UNFOLLOW, [OB_FRIEND] = EV_FOLLOW};
    st->q.ev = (struct event){
        .platform = PLATFORM_ONEBOT,
        .kind = rep->what == OB_MESSAGE ? rep->kind : kinds[rep->what],
        .account = "", /* QQ numbers are global */
        .user = rep->user,
        .group = *rep->group ? rep->group : NULL,
        .quote_id = *rep->quote_id ? rep->quote_id : NULL,
        .msg_key = st->key,
        .created = rep->time ? rep->time : clock_now(),
    };
    st->q.ev.text = rep->text ? rep->text : "";
    st->d = (struct delivery){
        .cfg = cfg, .rep = rep, .ev = &st->q.ev, .quick = rep->what == OB_MESSAGE};
    st->q.opts = (struct router_opts){.deliver = deliver, .prepare = prepare, .arg = &st->d};
    qq_post_submit(&st->q, req, resp, post_free, finish_post);
    return;
fail:
    post_free(st);
}

/* finish_post - the router answered: the quick operation, or 204. */
static void finish_post(const struct config *cfg, struct http_request *req,
                        struct http_response *resp)
{
    (void)cfg;
    struct post *st = req->state;
    if (qq_post_finished(&st->q, "onebot", event_kind_name(st->q.ev.kind))) {
        http_error(resp, 500, "could not record the report; the implementation will retry");
        return;
    }
    if (st->rep.what != OB_MESSAGE)
        no_content(resp);
    else if (render_quick(&st->q.call.reply, st->q.ev.group != NULL, resp))
        http_error(resp, 500, "reply too large to render");
}

void onebot_handle(const struct config *cfg, struct http_request *req, struct http_response *resp)
{
    start_post(cfg, req, resp);
}
