/*
 * wechat.c - the official-account webhook (see wechat.h and shared/protocols/wechat.md).
 *
 * Order of checks on a POST, each failing with its own status and log line:
 *   1. signature/timestamp/nonce present (401) and the 3-field signature right (403);
 *   2. timestamp inside wechat.timestamp_window_s (403);
 *   3. encrypt_type is absent, "raw" or "aes" (400); for "aes" a key is configured (400);
 *   4. the outer XML parses (400); for "aes": msg_signature over Encrypt right (403), the
 *      envelope opens with our AppID (400) and the inner XML parses (400);
 *   5. the message has FromUserName, CreateTime and MsgType (400).
 * The 3-field signature does not cover the message, and in every mode it travels in the URL:
 * a signature seen before with a different message (the body in plaintext mode, the decrypted
 * message in encrypted modes) is refused with 403 (see replay.h). That also stops a captured
 * safe-mode URL from carrying a forged plaintext body. The key is written in the writer job of
 * the event it admitted (router prepare hook) and loaded back at start-up, so the memory holds
 * across restarts in every mode; in wechat.mode safe (the default with an EncodingAESKey) a
 * plaintext body is refused outright (400) as well.
 * Only then does the router see an event.
 */
#include "webhook/wechat/wechat.h"
#include "bot/base/textfmt.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "bot/base/clock.h"
#include "bot/base/log.h"
#include "bot/base/rand.h"
#include "bot/chat/router.h"
#include "bot/base/xmalloc.h"
#include "webhook/http/async.h"
#include "webhook/http/metrics.h"
#include "webhook/http/replay.h"
#include "webhook/wechat/wechat_mode.h"
#include "webhook/wechat/wechat_check.h"
#include "webhook/wechat/wechat_crypto.h"
#include "webhook/wechat/wechat_xml.h"

#define MSG_KEY_MAX        1024
#define RESPONSE_PLAIN_MAX (256 * 1024)

static unsigned char aes_key[WECHAT_KEY_LEN]; /* decoded EncodingAESKey, set by wechat_init */
static bool have_key;                         /* an EncodingAESKey is configured */
static enum wechat_mode mode;                 /* wechat.mode, resolved by wechat_init */

int wechat_init(const struct config *cfg, char *err, size_t errsz)
{
    have_key = false;
    if (*cfg->wechat.encoding_aes_key && wechat_key_decode(cfg->wechat.encoding_aes_key, aes_key)) {
        snprintf(err, errsz,
                 "config %s: key \"wechat.encoding_aes_key\": must be 43 letters and digits "
                 "(copy it from the console)",
                 cfg->path);
        return ZB_ECONFIG;
    }
    have_key = *cfg->wechat.encoding_aes_key != '\0';
    if (wechat_mode_parse(cfg->wechat.mode, have_key, &mode)) {
        snprintf(err, errsz,
                 "config %s: key \"wechat.mode\": expected plain, compatible or safe (the last "
                 "two need wechat.encoding_aes_key); got \"%s\"",
                 cfg->path, cfg->wechat.mode);
        return ZB_ECONFIG;
    }
    return ZB_OK;
}

/* check_signature - the 3-field signature and the timestamp window (wechat_check.h). */
static int check_signature(const struct config *cfg, struct http_request *req,
                           struct http_response *resp)
{
    return wechat_check_request(req, resp, cfg->wechat.token, cfg->wechat.timestamp_window_s);
}

/* handle_get - server-URL verification. */
static void handle_get(const struct config *cfg, struct http_request *req,
                       struct http_response *resp)
{
    const char *echostr = http_query(req, "echostr");
    const char *msg_sig = http_query(req, "msg_signature");
    const char *ts = http_query(req, "timestamp");
    const char *nonce = http_query(req, "nonce");
    if (!echostr) {
        http_error(resp, 400, "echostr is required");
        return;
    }
    /* WeCom style: the 4-field msg_signature and an encrypted echostr, answered decrypted. An
     * official account sends the 3-field signature and a plain echostr (also in safe mode); when
     * a request carries both and the encrypted reading fails, the plain one is tried. */
    bool plain_too = http_query(req, "signature") != NULL;
    if (msg_sig && have_key) {
        const char *why = NULL;
        int status = 0;
        char *plain = NULL;
        size_t plain_len = 0;
        const char *parts[4] = {cfg->wechat.token, ts ? ts : "", nonce ? nonce : "", echostr};
        if (!ts || !nonce) {
            status = 401, why = "timestamp and nonce are required";
        } else if (wechat_sign_check(parts, 4, msg_sig)) {
            status = 403, why = "msg_signature mismatch";
        } else if (!wechat_timestamp_ok(ts, cfg->wechat.timestamp_window_s)) {
            status = 403, why = "timestamp outside the accepted window";
        } else {
            int rc = wechat_decrypt(aes_key, echostr, strlen(echostr), cfg->wechat.app_id, &plain,
                                    &plain_len);
            if (rc)
                status = 400, why = rc == ZB_EAPPID ? "echostr is not for our app_id"
                                                    : "echostr does not decrypt";
        }
        if (!status) {
            resp->status = 200;
            resp->content_type = "text/plain; charset=utf-8";
            if (buf_append(&resp->body, plain, plain_len))
                http_error(resp, 400, "echostr too long");
            free(plain);
            log_info("wechat: server URL verified (encrypted echostr)");
            return;
        }
        if (!plain_too) {
            http_error(resp, status, why);
            return;
        }
    }
    if (check_signature(cfg, req, resp))
        return;
    resp->status = 200;
    resp->content_type = "text/plain; charset=utf-8";
    if (buf_appendz(&resp->body, echostr))
        http_error(resp, 400, "echostr too long");
    log_info("wechat: server URL verified");
}

struct kind_map {
    const char *name;     /* MsgType or Event value */
    enum event_kind kind; /* what the router sees */
    const char *text;     /* field used as the event text, or NULL */
};

static const struct kind_map msg_kinds[] = {
    {"text", EV_TEXT, "Content"},        {"voice", EV_VOICE, "Recognition"},
    {"image", EV_IMAGE, "PicUrl"},       {"location", EV_LOCATION, "Label"},
    {"link", EV_LINK, "Title"},          {"video", EV_MEDIA, "MediaId"},
    {"shortvideo", EV_MEDIA, "MediaId"}, {"file", EV_MEDIA, "Title"},
};

static const struct kind_map event_kinds[] = {
    {"subscribe", EV_FOLLOW, "EventKey"}, {"unsubscribe", EV_UNFOLLOW, NULL},
    {"CLICK", EV_MENU_CLICK, "EventKey"}, {"SCAN", EV_SCAN, "EventKey"},
    {"VIEW", EV_VIEW, "EventKey"},        {"TEMPLATESENDJOBFINISH", EV_DELIVERY, "Status"},
    {"LOCATION", EV_OTHER, NULL},
};

static const struct kind_map *lookup(const struct kind_map *m, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (strcasecmp(m[i].name, name) == 0)
            return &m[i];
    return NULL;
}

static const char *field(const struct wechat_xml *x, const char *name)
{
    const char *v = wechat_xml_get(x, name);
    return v ? v : "";
}

/*
 * to_event - fill ev from the message fields; key (size MSG_KEY_MAX) receives msg_key.
 * Messages are keyed by ToUserName + MsgId, events by ToUserName + FromUserName + CreateTime +
 * Event + EventKey. Returns ZB_EPARSE when a required field is missing.
 */
static int to_event(const struct wechat_xml *x, struct event *ev, char *key)
{
    const char *to = field(x, "ToUserName");
    const char *from = field(x, "FromUserName");
    const char *created = field(x, "CreateTime");
    const char *type = field(x, "MsgType");
    if (!*from || !*type || !textfmt_digits(created, 1, 20, true))
        return ZB_EPARSE;
    memset(ev, 0, sizeof *ev);
    ev->platform = PLATFORM_WECHAT;
    ev->account = to;
    ev->user = from;
    ev->created = strtoll(created, NULL, 10);
    ev->text = "";
    int n;
    if (strcasecmp(type, "event") == 0) {
        const char *name = field(x, "Event");
        const struct kind_map *m =
            lookup(event_kinds, sizeof event_kinds / sizeof *event_kinds, name);
        ev->kind = m ? m->kind : EV_OTHER;
        if (m && m->text)
            ev->text = field(x, m->text);
        n = snprintf(key, MSG_KEY_MAX, "wx:%s:ev:%s:%s:%s:%s", to, from, created, name,
                     field(x, "EventKey"));
    } else {
        const struct kind_map *m = lookup(msg_kinds, sizeof msg_kinds / sizeof *msg_kinds, type);
        ev->kind = m ? m->kind : EV_MEDIA;
        if (m && m->text)
            ev->text = field(x, m->text);
        const char *id = field(x, "MsgId");
        if (textfmt_digits(id, 1, 20, true))
            n = snprintf(key, MSG_KEY_MAX, "wx:%s:%s", to, id);
        else
            n = snprintf(key, MSG_KEY_MAX, "wx:%s:msg:%s:%s:%s", to, from, created, type);
    }
    if (n < 0 || n >= MSG_KEY_MAX)
        return ZB_EPARSE;
    ev->msg_key = key;
    return ZB_OK;
}

/* render - the passive reply body for r, encrypted when the request was. */
static int render(const struct config *cfg, const struct event *ev, struct reply *r, bool encrypt,
                  const char *nonce, struct http_response *resp)
{
    resp->status = 200;
    if (r->kind == REPLY_NONE) {
        resp->content_type = "text/plain; charset=utf-8";
        return buf_appendz(&resp->body, "success");
    }
    /* When the member sent a message (not an event), WeChat shows one article at most. */
    if (r->kind == REPLY_NEWS && ev->kind != EV_FOLLOW && ev->kind != EV_MENU_CLICK &&
        ev->kind != EV_SCAN && r->n_articles > 1) {
        struct reply one = {0};
        int rc = reply_add_article(&one, r->articles[0].title, r->articles[0].description,
                                   r->articles[0].pic_url, r->articles[0].url);
        reply_free(r);
        *r = one;
        if (rc)
            return rc;
    }
    int64_t now = clock_now();
    resp->content_type = "application/xml; charset=utf-8";
    if (!encrypt)
        return wechat_xml_reply(&resp->body, ev->user, ev->account, now, r);

    struct buf plain;
    buf_init(&plain, RESPONSE_PLAIN_MAX);
    char *cipher = NULL;
    int rc = wechat_xml_reply(&plain, ev->user, ev->account, now, r);
    if (!rc) {
        unsigned char rnd[16];
        rand_bytes(rnd, sizeof rnd);
        rc = wechat_encrypt(aes_key, rnd, plain.data, plain.len, cfg->wechat.app_id, &cipher);
    }
    if (!rc) {
        char ts[24], sig[WECHAT_SIG_HEX];
        snprintf(ts, sizeof ts, "%" PRId64, now);
        const char *parts[4] = {cfg->wechat.token, ts, nonce, cipher};
        wechat_sign(parts, 4, sig);
        rc = wechat_xml_envelope(&resp->body, cipher, sig, ts, nonce);
    }
    free(cipher);
    buf_free(&plain);
    return rc;
}

/* seen_ok - the replay memory (replay.h) for signature sig and the message it carries; false
 * (403 set in resp) when the signature came before with another message. *key gets what to make
 * durable with the event. */
static bool seen_ok(const struct config *cfg, struct http_request *req, const char *sig,
                    const char *msg, size_t len, struct replay_key *key, struct http_response *resp)
{
    if (replay_check_key(sig, msg, len, strtoll(http_query(req, "timestamp"), NULL, 10),
                         clock_now(), cfg->wechat.timestamp_window_s, key) == ZB_OK)
        return true;
    http_error(resp, 403, "signature seen before with a different message");
    return false;
}

/* open_envelope - step 4 for encrypted modes: verify msg_signature, decrypt, parse the inner
 * message into *inner. Returns 0 or the HTTP status already set in resp. */
static int open_envelope(const struct config *cfg, struct http_request *req, const char *sig,
                         const struct wechat_xml *outer, struct wechat_xml **inner,
                         struct replay_key *key, struct http_response *resp)
{
    const char *enc = wechat_xml_get(outer, "Encrypt");
    const char *msg_sig = http_query(req, "msg_signature");
    if (!enc || !*enc) {
        http_error(resp, 400, "encrypt_type=aes but no Encrypt element");
        return 400;
    }
    if (!msg_sig) {
        http_error(resp, 401, "msg_signature is required with encrypt_type=aes");
        return 401;
    }
    const char *parts[4] = {cfg->wechat.token, http_query(req, "timestamp"),
                            http_query(req, "nonce"), enc};
    if (wechat_sign_check(parts, 4, msg_sig)) {
        http_error(resp, 403, "msg_signature mismatch");
        return 403;
    }
    char *plain = NULL;
    size_t plain_len = 0;
    int rc = wechat_decrypt(aes_key, enc, strlen(enc), cfg->wechat.app_id, &plain, &plain_len);
    if (rc) {
        http_error(resp, 400,
                   rc == ZB_EAPPID ? "message is not for our app_id (check wechat.app_id)"
                                   : "message does not decrypt (check wechat.encoding_aes_key)");
        return 400;
    }
    if (!seen_ok(cfg, req, sig, plain, plain_len, key, resp)) {
        free(plain);
        return 403;
    }
    rc = wechat_xml_parse(plain, plain_len, inner);
    free(plain);
    if (rc) {
        http_error(resp, 400, "decrypted message is not valid XML");
        return 400;
    }
    return 0;
}

/* The state of one POST across its asynchronous dispatch; the event's strings point into the
 * parsed XML, which lives as long as the state. */
struct post {
    struct wechat_xml *outer; /* the request body */
    struct wechat_xml *inner; /* the decrypted message (encrypted modes) */
    struct event ev;          /* what the router sees */
    char key[MSG_KEY_MAX];    /* ev.msg_key */
    bool encrypted;           /* answer in the safe-mode envelope */
    struct replay_key rk;     /* the replay key, written with the event */
    long window_s;            /* wechat.timestamp_window_s */
    struct router_call call;  /* the dispatch and its reply */
    bool submitted;           /* call is in flight or done */
};

static void post_free(void *p)
{
    struct post *st = p;
    if (!st)
        return;
    reply_free(&st->call.reply);
    wechat_xml_free(st->inner);
    wechat_xml_free(st->outer);
    free(st);
}

static void finish_post(const struct config *cfg, struct http_request *req,
                        struct http_response *resp);

/* keep_key - router_opts.prepare: the replay key commits with the event (replay.h). */
static int keep_key(void *arg)
{
    struct post *st = arg;
    return replay_key_store(&st->rk, clock_now(), st->window_s);
}

/* start_post - checks 1-5 of the file comment, then submit the event to the router. */
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
    if (encrypted && !have_key) {
        http_error(resp, 400, "encrypted message but wechat.encoding_aes_key is not set");
        return;
    }
    if (!wechat_mode_accepts(mode, encrypted)) {
        http_error(resp, 400,
                   encrypted ? "encrypted message but wechat.mode is plain"
                             : "plaintext message but wechat.mode is safe (encrypted only)");
        return;
    }
    /* Replay memory keyed by the canonical (lower-case) signature: wechat_sign_check accepts
     * either case, so the raw query string would let one URL carry many bodies. */
    char sig[WECHAT_SIG_HEX];
    snprintf(sig, sizeof sig, "%s", http_query(req, "signature"));
    for (char *c = sig; *c; c++)
        *c = (char)tolower((unsigned char)*c);
    struct replay_key rk = {0};
    if (!encrypted && !seen_ok(cfg, req, sig, buf_str(&req->body), req->body.len, &rk, resp))
        return;
    struct post *st = xcalloc(1, sizeof *st);
    st->encrypted = encrypted;
    st->rk = rk;
    st->window_s = cfg->wechat.timestamp_window_s;
    if (wechat_xml_parse(req->body.data ? req->body.data : "", req->body.len, &st->outer)) {
        http_error(resp, 400, "body is not valid WeChat XML");
        goto fail;
    }
    if (encrypted && open_envelope(cfg, req, sig, st->outer, &st->inner, &st->rk, resp))
        goto fail;
    if (to_event(st->inner ? st->inner : st->outer, &st->ev, st->key)) {
        http_error(resp, 400, "message lacks FromUserName, CreateTime or MsgType");
        goto fail;
    }
    st->submitted = true;
    st->call.ud = req;
    http_async_begin(req, resp, st, post_free, finish_post);
    struct router_opts o = {.max_bytes = WECHAT_TEXT_MAX, .prepare = keep_key, .arg = st};
    router_submit_ex(&st->call, &st->ev, &o, http_dispatched);
    return;
fail:
    post_free(st);
}

/* finish_post - the router answered: render the passive reply. */
static void finish_post(const struct config *cfg, struct http_request *req,
                        struct http_response *resp)
{
    struct post *st = req->state;
    if (st->call.rc) {
        http_error(resp, 500, "could not record the message; WeChat will retry");
        return;
    }
    metrics_event(st->ev.platform, st->ev.kind, st->call.duplicate);
    char quoted[96];
    log_debug("wechat: %s from %s%s", event_kind_name(st->ev.kind),
              log_quote(st->ev.user, strlen(st->ev.user), quoted, sizeof quoted),
              st->call.duplicate ? " (duplicate)" : "");
    if (render(cfg, &st->ev, &st->call.reply, st->encrypted, http_query(req, "nonce"), resp))
        http_error(resp, 500, "reply too large to render");
}

void wechat_handle(const struct config *cfg, struct http_request *req, struct http_response *resp)
{
    if (strcmp(req->method, "GET") == 0)
        handle_get(cfg, req, resp);
    else
        start_post(cfg, req, resp);
}
