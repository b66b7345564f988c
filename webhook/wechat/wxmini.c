/*
 * wxmini.c - the mini-program's message push (see wxmini.h and shared/protocols/wechat.md 2.1,
 * 4 and 6). The signature and crypto are the official account's (wechat_crypto.h), the XML
 * reader its reader (wechat_xml.h); JSON is read with cJSON. The reply never travels in the HTTP
 * answer: the router's deliver hook queues it for the customer-service API.
 */
#include "webhook/wechat/wxmini.h"

#include <cjson/cJSON.h>
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "bot/base/charset.h"
#include "bot/base/clock.h"
#include "bot/base/log.h"
#include "bot/base/textfmt.h"
#include "bot/base/xmalloc.h"
#include "bot/chat/platform.h"
#include "bot/chat/router.h"
#include "bot/delivery/outbox.h"
#include "webhook/http/async.h"
#include "webhook/http/metrics.h"
#include "webhook/http/replay.h"
#include "bot/chat/reply.h"
#include "webhook/wechat/wechat_check.h"
#include "webhook/wechat/wechat_crypto.h"
#include "webhook/wechat/wechat_mode.h"
#include "webhook/wechat/wechat_xml.h"

#define MSG_KEY_MAX 512

static unsigned char aes_key[WECHAT_KEY_LEN]; /* decoded wxmini.encoding_aes_key */
static bool have_key;                         /* a key is configured */

void wxmini_msg_free(struct wxmini_msg *m)
{
    if (!m)
        return;
    free(m->text);
    free(m->encrypt);
    m->text = m->encrypt = NULL;
}

/* text_field - which field carries the event text for MsgType type. */
static const char *text_field(const char *type)
{
    if (strcasecmp(type, "text") == 0)
        return "Content";
    if (strcasecmp(type, "image") == 0)
        return "PicUrl";
    if (strcasecmp(type, "miniprogrampage") == 0)
        return "Title";
    if (strcasecmp(type, "event") == 0)
        return "SessionFrom";
    return NULL;
}

/* copy_id - an id field: printable ASCII of at most WXMINI_FIELD_MAX - 1 bytes. */
static int copy_id(char *dst, size_t dstsz, const char *v)
{
    size_t n = strlen(v);
    if (n >= dstsz)
        return ZB_ETOOBIG;
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)v[i] < 0x20 || (unsigned char)v[i] >= 0x7f)
            return ZB_EPARSE;
    memcpy(dst, v, n + 1);
    return ZB_OK;
}

/* copy_text - a text field (valid UTF-8 without NUL, at most WXMINI_TEXT_MAX bytes). */
static int copy_text(char **dst, const char *v, size_t cap)
{
    size_t n = strlen(v);
    if (n > cap)
        return ZB_ETOOBIG;
    if (!charset_utf8_valid(v, n))
        return ZB_EPARSE;
    free(*dst);
    *dst = xstrdup(v);
    return ZB_OK;
}

/* json_str - member name of o as a string into *v (NULL when absent); ZB_EPARSE for another
 * type. A number (CreateTime, MsgId) is accepted as its decimal digits in num. */
static int json_str(const cJSON *o, const char *name, const char **v, char num[24])
{
    const cJSON *it = cJSON_GetObjectItemCaseSensitive(o, name);
    *v = NULL;
    if (!it || cJSON_IsNull(it))
        return ZB_OK;
    if (cJSON_IsString(it)) {
        *v = it->valuestring;
        return ZB_OK;
    }
    if (num && cJSON_IsNumber(it)) {
        double d = it->valuedouble;
        if (!(d >= 0 && d < 1e19) || d != (double)(unsigned long long)d)
            return ZB_EPARSE;
        snprintf(num, 24, "%llu", (unsigned long long)d);
        *v = num;
        return ZB_OK;
    }
    return ZB_EPARSE;
}

int wxmini_json_parse(const char *body, size_t len, struct wxmini_msg *out)
{
    memset(out, 0, sizeof *out);
    if (len > WECHAT_MAX_CIPHER_B64)
        return ZB_ETOOBIG;
    if (!charset_json_text_ok(body, len)) /* the one UTF-8 rule: no \u0000 cutting a text */
        return ZB_EPARSE;
    cJSON *j = cJSON_ParseWithLength(body, len);
    int rc = ZB_EPARSE;
    const char *v;
    char num[24];
    if (!cJSON_IsObject(j))
        goto done;
    struct {
        const char *name;
        char *dst;
        size_t size;
        bool number;
    } ids[] = {{"ToUserName", out->to, sizeof out->to, false},
               {"FromUserName", out->from, sizeof out->from, false},
               {"CreateTime", out->created, sizeof out->created, true},
               {"MsgType", out->type, sizeof out->type, false},
               {"Event", out->event, sizeof out->event, false},
               {"MsgId", out->msg_id, sizeof out->msg_id, true}};
    for (size_t i = 0; i < sizeof ids / sizeof ids[0]; i++) {
        if ((rc = json_str(j, ids[i].name, &v, ids[i].number ? num : NULL)))
            goto done;
        if (v && (rc = copy_id(ids[i].dst, ids[i].size, v)))
            goto done;
    }
    if ((rc = json_str(j, "Encrypt", &v, NULL)))
        goto done;
    if (v && (rc = copy_text(&out->encrypt, v, WECHAT_MAX_CIPHER_B64)))
        goto done;
    const char *tf = text_field(out->type);
    if (tf && (rc = json_str(j, tf, &v, NULL)))
        goto done;
    rc = copy_text(&out->text, tf && v ? v : "", WXMINI_TEXT_MAX);
done:
    cJSON_Delete(j);
    return rc;
}

int wxmini_xml_parse(const char *body, size_t len, struct wxmini_msg *out)
{
    memset(out, 0, sizeof *out);
    struct wechat_xml *x = NULL;
    int rc = wechat_xml_parse(body, len, &x);
    if (rc)
        return rc;
    const char *names[] = {"ToUserName", "FromUserName", "CreateTime", "MsgType", "Event", "MsgId"};
    char *dsts[] = {out->to, out->from, out->created, out->type, out->event, out->msg_id};
    size_t sizes[] = {sizeof out->to,   sizeof out->from,  sizeof out->created,
                      sizeof out->type, sizeof out->event, sizeof out->msg_id};
    for (size_t i = 0; i < 6 && !rc; i++) {
        const char *v = wechat_xml_get(x, names[i]);
        if (v)
            rc = copy_id(dsts[i], sizes[i], v);
    }
    const char *enc = wechat_xml_get(x, "Encrypt");
    if (!rc && enc)
        rc = copy_text(&out->encrypt, enc, WECHAT_MAX_CIPHER_B64);
    const char *tf = text_field(out->type);
    const char *t = tf ? wechat_xml_get(x, tf) : NULL;
    if (!rc)
        rc = copy_text(&out->text, t ? t : "", WXMINI_TEXT_MAX);
    wechat_xml_free(x);
    return rc;
}

int wxmini_init(const struct config *cfg, char *err, size_t errsz)
{
    have_key = false;
    if (!*cfg->wxmini.encoding_aes_key)
        return ZB_OK;
    if (wechat_key_decode(cfg->wxmini.encoding_aes_key, aes_key)) {
        snprintf(err, errsz,
                 "config %s: key \"wxmini.encoding_aes_key\": must be 43 letters and digits "
                 "(copy it from the mini-program console)",
                 cfg->path);
        return ZB_ECONFIG;
    }
    have_key = true;
    return ZB_OK;
}

/* check_signature - the 3-field signature and the timestamp window (wechat_check.h). */
static int check_signature(const struct config *cfg, struct http_request *req,
                           struct http_response *resp)
{
    return wechat_check_request(req, resp, cfg->wxmini.token, cfg->wechat.timestamp_window_s);
}

/* is_json - the body's format: Content-Type names json, else the first non-blank byte. */
static bool is_json(struct http_request *req)
{
    const char *ct = http_header(req, "Content-Type");
    if (ct && strcasestr(ct, "json"))
        return true;
    if (ct && strcasestr(ct, "xml"))
        return false;
    for (size_t i = 0; i < req->body.len; i++)
        if (!isspace((unsigned char)req->body.data[i]))
            return req->body.data[i] == '{';
    return false;
}

/* State of one POST across its dispatch; the event's strings point into msg. */
struct post {
    const struct config *cfg; /* for the deliver hook */
    struct wxmini_msg msg;    /* the message (decrypted) */
    struct event ev;          /* what the router sees */
    char key[MSG_KEY_MAX];    /* ev.msg_key */
    struct replay_key rk;     /* the replay key, written with the event */
    struct router_call call;  /* the dispatch */
};

static void post_free(void *p)
{
    struct post *st = p;
    if (!st)
        return;
    reply_free(&st->call.reply);
    wxmini_msg_free(&st->msg);
    free(st);
}

/*
 * deliver - the router's hook on the writer thread: queue the reply for the customer-service
 * API to the openid, keyed by the event's key (so a retried push queues nothing twice).
 */
static int deliver(void *arg, const struct event *ev, const struct reply *r, int64_t now)
{
    (void)arg;
    (void)now;
    char *text = reply_plain_text(r);
    if (!text || !*text) {
        free(text);
        return ZB_OK;
    }
    char key[MSG_KEY_MAX + 8];
    snprintf(key, sizeof key, "%s#1", ev->msg_key);
    struct outbox_msg m = {
        .idem_key = key, .rcpt = RCPT_WXMINI, .to = ev->user, .kind = OUTBOX_REPLY, .text = text};
    int rc = outbox_push(&m, NULL);
    free(text);
    return rc;
}

/* to_event - the event of st->msg; ZB_EPARSE when a required field is missing. */
static int to_event(struct post *st)
{
    struct wxmini_msg *m = &st->msg;
    if (!*m->from || !*m->type || !textfmt_digits(m->created, 1, 20, true))
        return ZB_EPARSE;
    struct event *ev = &st->ev;
    memset(ev, 0, sizeof *ev);
    ev->platform = PLATFORM_WXMINI;
    ev->account = m->to;
    ev->user = m->from;
    ev->created = strtoll(m->created, NULL, 10);
    ev->text = m->text ? m->text : "";
    int n;
    if (strcasecmp(m->type, "event") == 0) {
        ev->kind = strcmp(m->event, "user_enter_tempsession") == 0 ? EV_FOLLOW : EV_OTHER;
        n = snprintf(st->key, sizeof st->key, "wxmini:%s:ev:%s:%s:%s", m->to, m->from, m->created,
                     m->event);
    } else {
        ev->kind = strcasecmp(m->type, "text") == 0              ? EV_TEXT
                   : strcasecmp(m->type, "image") == 0           ? EV_IMAGE
                   : strcasecmp(m->type, "miniprogrampage") == 0 ? EV_LINK
                                                                 : EV_MEDIA;
        if (textfmt_digits(m->msg_id, 1, 20, true))
            n = snprintf(st->key, sizeof st->key, "wxmini:%s:%s", m->to, m->msg_id);
        else
            n = snprintf(st->key, sizeof st->key, "wxmini:%s:msg:%s:%s:%s", m->to, m->from,
                         m->created, m->type);
    }
    if (n < 0 || (size_t)n >= sizeof st->key)
        return ZB_EPARSE;
    ev->msg_key = st->key;
    return ZB_OK;
}

static void finish_post(const struct config *cfg, struct http_request *req,
                        struct http_response *resp);

/* keep_key - router_opts.prepare: the replay key commits with the event (replay.h). */
static int keep_key(void *arg)
{
    struct post *st = arg;
    return replay_key_store(&st->rk, clock_now(), st->cfg->wechat.timestamp_window_s);
}

/* parse_body - body in the request's format into *m. */
static int parse_body(bool json, const char *body, size_t len, struct wxmini_msg *m)
{
    return json ? wxmini_json_parse(body, len, m) : wxmini_xml_parse(body, len, m);
}

/* open_envelope - verify msg_signature over outer->encrypt, decrypt, parse the inner message
 * (same format) into st->msg, check the replay memory. 0 or the status set in resp. */
static int open_envelope(const struct config *cfg, struct http_request *req, const char *sig,
                         bool json, struct wxmini_msg *outer, struct post *st,
                         struct http_response *resp)
{
    const char *msg_sig = http_query(req, "msg_signature");
    if (!outer->encrypt || !*outer->encrypt) {
        http_error(resp, 400, "encrypt_type=aes but no Encrypt field");
        return 400;
    }
    if (!msg_sig) {
        http_error(resp, 401, "msg_signature is required with encrypt_type=aes");
        return 401;
    }
    const char *parts[4] = {cfg->wxmini.token, http_query(req, "timestamp"),
                            http_query(req, "nonce"), outer->encrypt};
    if (wechat_sign_check(parts, 4, msg_sig)) {
        http_error(resp, 403, "msg_signature mismatch");
        return 403;
    }
    char *plain = NULL;
    size_t plain_len = 0;
    int rc = wechat_decrypt(aes_key, outer->encrypt, strlen(outer->encrypt), cfg->wxmini.app_id,
                            &plain, &plain_len);
    if (rc) {
        http_error(resp, 400,
                   rc == ZB_EAPPID ? "message is not for our app_id (check wxmini.app_id)"
                                   : "message does not decrypt (check wxmini.encoding_aes_key)");
        return 400;
    }
    if (replay_check_key(sig, plain, plain_len, strtoll(http_query(req, "timestamp"), NULL, 10),
                         clock_now(), cfg->wechat.timestamp_window_s, &st->rk)) {
        free(plain);
        http_error(resp, 403, "signature seen before with a different message");
        return 403;
    }
    rc = parse_body(json, plain, plain_len, &st->msg);
    free(plain);
    if (rc) {
        http_error(resp, 400, "decrypted message is not a valid push");
        return 400;
    }
    return 0;
}

static void start_post(const struct config *cfg, struct http_request *req,
                       struct http_response *resp)
{
    if (check_signature(cfg, req, resp))
        return;
    const char *etype = http_query(req, "encrypt_type");
    bool encrypted = etype && strcmp(etype, "aes") == 0;
    if (etype && !encrypted && strcmp(etype, "raw") != 0) {
        http_error(resp, 400, "encrypt_type must be raw or aes");
        return;
    }
    enum wechat_mode mode;
    if (wechat_mode_parse(cfg->wxmini.mode, have_key, &mode) ||
        !wechat_mode_accepts(mode, encrypted)) {
        http_error(resp, encrypted ? 400 : 403,
                   encrypted ? "encrypted push but wxmini.mode is plain (or no encoding_aes_key)"
                             : "wxmini.mode is safe: plaintext pushes are refused");
        return;
    }
    char sig[WECHAT_SIG_HEX];
    snprintf(sig, sizeof sig, "%s", http_query(req, "signature"));
    for (char *c = sig; *c; c++)
        *c = (char)tolower((unsigned char)*c);
    const char *body = req->body.data ? req->body.data : "";
    struct replay_key rk = {0};
    if (!encrypted &&
        replay_check_key(sig, body, req->body.len, strtoll(http_query(req, "timestamp"), NULL, 10),
                         clock_now(), cfg->wechat.timestamp_window_s, &rk)) {
        http_error(resp, 403, "signature seen before with a different message");
        return;
    }
    bool json = is_json(req);
    struct post *st = xcalloc(1, sizeof *st);
    struct wxmini_msg outer;
    st->cfg = cfg;
    st->rk = rk;
    int rc = parse_body(json, body, req->body.len, encrypted ? &outer : &st->msg);
    if (rc) {
        if (encrypted)
            wxmini_msg_free(&outer);
        http_error(resp, 400,
                   json ? "body is not a valid JSON push" : "body is not a valid XML push");
        goto fail;
    }
    if (encrypted) {
        rc = open_envelope(cfg, req, sig, json, &outer, st, resp);
        wxmini_msg_free(&outer);
        if (rc)
            goto fail;
    }
    if (to_event(st)) {
        http_error(resp, 400, "message lacks FromUserName, CreateTime or MsgType");
        goto fail;
    }
    struct router_opts o = {.max_bytes = WXMINI_TEXT_MAX,
                            .max_chars = platform_get(PLATFORM_WXMINI)->reply_chars,
                            .deliver = deliver,
                            .prepare = keep_key,
                            .arg = st};
    st->call.ud = req;
    http_async_begin(req, resp, st, post_free, finish_post);
    router_submit_ex(&st->call, &st->ev, &o, http_dispatched);
    return;
fail:
    post_free(st);
}

/* finish_post - committed (or not): "success", or 500 so that WeChat retries. */
static void finish_post(const struct config *cfg, struct http_request *req,
                        struct http_response *resp)
{
    (void)cfg;
    struct post *st = req->state;
    if (st->call.rc) {
        http_error(resp, 500, "could not record the message; WeChat will retry");
        return;
    }
    metrics_event(st->ev.platform, st->ev.kind, st->call.duplicate);
    char quoted[96];
    log_debug("wxmini: %s from %s%s", event_kind_name(st->ev.kind),
              log_quote(st->ev.user, strlen(st->ev.user), quoted, sizeof quoted),
              st->call.duplicate ? " (duplicate)" : "");
    resp->status = 200;
    resp->content_type = "text/plain; charset=utf-8";
    if (buf_appendz(&resp->body, "success"))
        http_error(resp, 500, "answer too large");
}

/* handle_get - server-URL verification: the 3-field signature, echostr as it is. */
static void handle_get(const struct config *cfg, struct http_request *req,
                       struct http_response *resp)
{
    const char *echostr = http_query(req, "echostr");
    if (!echostr) {
        http_error(resp, 400, "echostr is required");
        return;
    }
    if (check_signature(cfg, req, resp))
        return;
    resp->status = 200;
    resp->content_type = "text/plain; charset=utf-8";
    if (buf_appendz(&resp->body, echostr))
        http_error(resp, 400, "echostr too long");
    log_info("wxmini: server URL verified");
}

void wxmini_handle(const struct config *cfg, struct http_request *req, struct http_response *resp)
{
    if (strcmp(req->method, "GET") == 0)
        handle_get(cfg, req, resp);
    else
        start_post(cfg, req, resp);
}
