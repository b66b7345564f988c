/*
 * router.c - dedupe, routing, sessions and long-reply pages (see router.h).
 *
 * The handler table is installed once at start-up and read-only afterwards, so threads share it
 * without locks. Everything per conversation lives in SQLite (session.c, eventlog.c) and is
 * written in the same transaction as the event log row.
 */
#include "bot/chat/router.h"
#include "bot/base/textfmt.h"

#include <sqlite3.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bot/base/clock.h"
#include "bot/chat/eventlog.h"
#include "bot/org/identity.h"
#include "bot/base/log.h"
#include "bot/chat/normalize.h"
#include "bot/chat/session.h"
#include "bot/store/store.h"
#include "bot/store/writer.h"
#include "bot/base/xmalloc.h"

#define COMMANDS_MAX 32 /* command words listed after the menu */
#define SORRY_TEXT   "抱歉，系统出了点问题，请稍后再试。\n回复 0 返回菜单。"

static const struct handler *const *handlers;
static atomic_ullong collisions[PLATFORM_COUNT]; /* message ids reused by other messages */
static size_t n_handlers;
static long ttl_s = 1800;

static int64_t now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

int router_init(const struct handler *const *table, size_t n, long session_ttl_s)
{
    for (size_t i = 0; i < n; i++) {
        const struct handler *a = table[i];
        if (!a->name || !a->on_message) {
            log_error("router: handler %zu has no name or on_message", i);
            return ZB_EINVAL;
        }
        if (a->fallback && a->members_only) {
            log_error("router: the fallback %s must be public", a->name);
            return ZB_EINVAL;
        }
        for (size_t j = i + 1; j < n; j++) {
            const struct handler *b = table[j];
            if (strcmp(a->name, b->name) == 0 || (a->menu_no && a->menu_no == b->menu_no)) {
                log_error("router: handlers %s and %s share a name or menu number", a->name,
                          b->name);
                return ZB_EINVAL;
            }
            const char *const *const wa[] = {a->keywords, a->initials};
            const char *const *const wb[] = {b->keywords, b->initials};
            for (int x = 0; x < 4; x++)
                for (const char *const *ka = wa[x / 2]; ka && *ka; ka++)
                    for (const char *const *kb = wb[x % 2]; kb && *kb; kb++)
                        if (strcmp(*ka, *kb) == 0) {
                            log_error("router: keyword %s claimed by %s and %s", *ka, a->name,
                                      b->name);
                            return ZB_EINVAL;
                        }
        }
    }
    handlers = table;
    n_handlers = n;
    ttl_s = session_ttl_s;
    return ZB_OK;
}

static const struct handler *by_name(const char *name)
{
    for (size_t i = 0; i < n_handlers; i++)
        if (strcmp(handlers[i]->name, name) == 0)
            return handlers[i];
    return NULL;
}

/* menu_number - the value of a menu number (one or two ASCII digits), -1 for anything else. */
static int menu_number(const char *s)
{
    if (!textfmt_digits(s, 1, 2, true))
        return -1;
    int v = 0;
    for (; *s; s++)
        v = v * 10 + (*s - '0');
    return v;
}

/* match - the handler a normalised text names by keyword or menu number; *arg set for
 * "keyword ARG" matches. NULL when none. */
static const struct handler *match(const char *norm, const char **arg)
{
    *arg = "";
    int num = menu_number(norm);
    for (size_t i = 0; i < n_handlers; i++) {
        const struct handler *h = handlers[i];
        if (num > 0 && h->menu_no == num)
            return h;
        for (const char *const *k = h->keywords; k && *k; k++) {
            size_t kl = strlen(*k);
            if (strcmp(norm, *k) == 0)
                return h;
            if (h->takes_arg && strncmp(norm, *k, kl) == 0 && norm[kl] == ' ') {
                *arg = norm + kl + 1;
                return h;
            }
            /* "绑定：123456", "留言:路灯坏了": a colon (full-width, folded) instead of a space */
            if (h->takes_arg && strncmp(norm, *k, kl) == 0 && norm[kl] == ':' &&
                norm[kl + 1 + (norm[kl + 1] == ' ')]) {
                *arg = norm + kl + 1 + (norm[kl + 1] == ' ');
                return h;
            }
            /* "绑定123456": older members often leave out the space before digits */
            if (h->takes_arg && strncmp(norm, *k, kl) == 0 && norm[kl] >= '0' && norm[kl] <= '9') {
                *arg = norm + kl;
                return h;
            }
        }
    }
    return NULL;
}

static size_t utf8_chars(const char *s);

/* strip_reply_word - members echo our prompts ("回复 1", "回复“帮助”"): the rest after a
 * leading "回复" when it is a menu number or a whole keyword, else norm itself. */
static const char *strip_reply_word(const char *norm)
{
    static const char word[] = "回复";
    if (strncmp(norm, word, sizeof word - 1) != 0)
        return norm;
    const char *rest = norm + sizeof word - 1;
    if (*rest == ' ')
        rest++;
    if (strncmp(rest, "“", strlen("“")) == 0)
        rest += strlen("“");
    const char *arg;
    if (*rest && (menu_number(rest) >= 0 || (match(rest, &arg) && !*arg)))
        return rest;
    return norm;
}

/* unspaced - a keyword of two or more characters typed with spaces inside ("学 习", "帮 助"):
 * the keyword (static, from the table) when norm without its spaces is one, else NULL. */
static const char *unspaced(const char *norm)
{
    if (!strchr(norm, ' '))
        return NULL;
    char squeezed[64];
    size_t n = 0;
    for (const char *p = norm; *p; p++) {
        if (*p == ' ')
            continue;
        if (n + 1 >= sizeof squeezed)
            return NULL; /* longer than any keyword */
        squeezed[n++] = *p;
    }
    squeezed[n] = '\0';
    for (size_t i = 0; i < n_handlers; i++)
        for (const char *const *k = handlers[i]->keywords; k && *k; k++)
            if (utf8_chars(*k) >= 2 && strcmp(squeezed, *k) == 0)
                return *k;
    return NULL;
}

const char *const router_yes_words[] = {"1",  "确认", "确定", "确认发出", "发出",   "发",
                                        "是", "是的", "对",   "好",       "好的",   "可以",
                                        "行", "ok",   "嗯",   "嗯嗯",     "没问题", NULL};
const char *const router_no_words[] = {"取消", "不",   "不发", "不发了", "先不发", "否",
                                       "算了", "不要", "不用", "不用了", "不了",   NULL};

bool router_word_in(const char *norm, const char *const *list)
{
    for (const char *const *w = list; w && *w; w++)
        if (strcmp(norm, *w) == 0)
            return true;
    return false;
}

/* by_initials - the handler whose pinyin initials are norm ("xx"), NULL when none. */
static const struct handler *by_initials(const char *norm)
{
    for (size_t i = 0; i < n_handlers; i++)
        for (const char *const *k = handlers[i]->initials; k && *k; k++)
            if (strcmp(norm, *k) == 0)
                return handlers[i];
    return NULL;
}

static const struct handler *fallback(void)
{
    for (size_t i = 0; i < n_handlers; i++)
        if (handlers[i]->fallback)
            return handlers[i];
    return NULL;
}

size_t router_split(const char *text, size_t max_bytes, size_t max_chars)
{
    size_t bytes = 0, chars = 0;       /* the prefix that fits so far */
    size_t nl_bytes = 0, nl_chars = 0; /* the last newline inside it */
    bool nl = false;
    for (;;) {
        if (text[bytes] == '\0')
            return bytes;
        size_t n = 1; /* bytes of the character at text[bytes] */
        while (((unsigned char)text[bytes + n] & 0xC0) == 0x80)
            n++;
        if ((max_bytes && bytes + n > max_bytes) || (max_chars && chars + 1 > max_chars)) {
            if (bytes == 0)
                return n; /* a budget below one character still makes progress */
            break;
        }
        if (text[bytes] == '\n') {
            nl = true;
            nl_bytes = bytes;
            nl_chars = chars;
        }
        bytes += n;
        chars++;
    }
    bool late = max_chars ? nl_chars * 2 >= chars : nl_bytes * 2 >= bytes;
    return nl && late && nl_bytes > 0 ? nl_bytes : bytes;
}

size_t router_paginate(const char *text, size_t max)
{
    size_t len = strlen(text);
    size_t more = strlen(ROUTER_MORE_LINE);
    if (len <= max)
        return len;
    return router_split(text, max > more + 16 ? max - more : 16, 0);
}

/* utf8_chars - characters (code points) in s. */
static size_t utf8_chars(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        n += ((unsigned char)*s & 0xC0) != 0x80;
    return n;
}

/* page_cut - the byte length of text's first page under o (strlen when it all fits): a page
 * that does not hold everything keeps room for ROUTER_MORE_LINE. */
static size_t page_cut(const char *text, const struct router_opts *o)
{
    size_t len = strlen(text);
    if ((!o->max_bytes || len <= o->max_bytes) &&
        (!o->max_chars || utf8_chars(text) <= o->max_chars))
        return len;
    size_t mb = strlen(ROUTER_MORE_LINE), mc = utf8_chars(ROUTER_MORE_LINE);
    size_t b = o->max_bytes ? (o->max_bytes > mb + 16 ? o->max_bytes - mb : 16) : 0;
    size_t c = o->max_chars ? (o->max_chars > mc + 16 ? o->max_chars - mc : 16) : 0;
    return router_split(text, b, c);
}

/* page - make out the first page of text, storing the rest (if any) for "+". */
static int page(struct handler_ctx *c, const struct router_opts *o, const char *text,
                struct reply *out)
{
    size_t cut = page_cut(text, o);
    if (text[cut] == '\0') {
        reply_text(out, text);
        return ZB_OK;
    }
    const char *rest = text + cut;
    if (*rest == '\n')
        rest++;
    char *first = xmalloc(cut + strlen(ROUTER_MORE_LINE) + 1);
    memcpy(first, text, cut);
    memcpy(first + cut, ROUTER_MORE_LINE, strlen(ROUTER_MORE_LINE) + 1);
    reply_text(out, first);
    free(first);
    return pages_put(c->ev, rest, c->now + ttl_s);
}

int router_session_begin(struct handler_ctx *c, const struct handler *h, const char *state)
{
    return session_set(c->ev, h->name, state,
                       c->now + (h->session_ttl_s ? h->session_ttl_s : ttl_s));
}

int router_session_end(struct handler_ctx *c)
{
    return session_clear(c->ev);
}

/* The user id under which a group's activity is stored in the sessions table; no platform
 * uses it for a person. */
#define GROUP_USER "*"

/* group_event - ev as the group's activity: same platform and group, user GROUP_USER. */
static struct event group_event(const struct event *ev)
{
    struct event g = *ev;
    g.user = GROUP_USER;
    return g;
}

int router_group_session_begin(struct handler_ctx *c, const struct handler *h, const char *state)
{
    if (!c->ev->group)
        return ZB_EINVAL;
    struct event g = group_event(c->ev);
    return session_set(&g, h->name, state, c->now + (h->session_ttl_s ? h->session_ttl_s : ttl_s));
}

int router_group_session_end(struct handler_ctx *c)
{
    if (!c->ev->group)
        return ZB_EINVAL;
    struct event g = group_event(c->ev);
    return session_clear(&g);
}

int router_group_session_close(enum platform p, const char *group)
{
    if (!group || !*group)
        return ZB_EINVAL;
    struct event g = {.platform = p, .user = GROUP_USER, .group = group, .text = ""};
    return session_clear(&g);
}

/* open_session - the sender's session in ev's conversation, else (in a group) the group's
 * activity; *group says which. ZB_ENOTFOUND when neither is open. */
static int open_session(const struct event *ev, int64_t now, char **name, char **state, bool *group)
{
    *group = false;
    int rc = session_get(ev, now, name, state);
    if (rc != ZB_ENOTFOUND || !ev->group)
        return rc;
    struct event g = group_event(ev);
    rc = session_get(&g, now, name, state);
    *group = rc == ZB_OK;
    return rc;
}

/* allowed - 1 when h may answer this sender, 0 when not (out holds the refusal), or a negative
 * code: members_only and the handler's action (role_can) are checked here, never by handlers. */
static int allowed(const struct handler_ctx *c, const struct handler *h, struct reply *out)
{
    if ((h->members_only || h->action) && !c->member_id) {
        reply_text(out, ROUTER_MEMBERS_ONLY_TEXT);
        return 0;
    }
    if (!h->action)
        return 1;
    struct actor a = actor_member(c->member_id, platform_name(c->ev->platform));
    const char *refusal = NULL;
    int rc = role_can(&a, h->action, 0, &refusal);
    if (rc == ZB_EDENIED) {
        reply_textf(out, "%s\n回复 0 返回菜单。", refusal);
        return 0;
    }
    return rc ? rc : 1;
}

/* route_text - a typed (or recognised, or clicked) text: pages, session, keyword, fallback,
 * as far as the event's scope allows. */
static int route_text(struct handler_ctx *c, const struct router_opts *o, struct reply *out,
                      const struct handler **h)
{
    const struct event *ev = c->ev;
    int rc;
    if (ev->scope == SCOPE_RECORD)
        return ZB_OK;
    bool click = ev->kind == EV_MENU_CLICK;
    bool plus = !click && (strcmp(c->norm, "+") == 0 || strcmp(c->norm, "更多") == 0);
    if (plus) {
        char *rest = NULL;
        rc = pages_take(ev, c->now, &rest);
        if (rc == ZB_OK) {
            rc = page(c, o, rest, out);
            free(rest);
            return rc;
        }
        if (rc != ZB_ENOTFOUND)
            return rc;
    }

    c->norm = strip_reply_word(c->norm);
    const char *arg;
    const struct handler *m = match(c->norm, &arg);
    const char *word = m ? NULL : unspaced(c->norm);
    if (word) {
        c->norm = word;
        m = match(word, &arg);
    }
    if (ev->scope != SCOPE_ALL && m && *arg && !(m->private_only && ev->group))
        m = NULL; /* overheard: only a message that is wholly a keyword (or one that must be
                     told it belongs in a private chat: "绑定 123456" posted in a group) */
    int num = menu_number(c->norm);
    bool by_number = m && num > 0 && m->menu_no == num;
    /* for_us: the message may start something by itself (not only continue a session) */
    bool for_us = ev->scope == SCOPE_ALL || (ev->scope == SCOPE_KEYWORDS && m);
    char *sname = NULL, *state = NULL;
    bool group = false;
    rc = click ? ZB_ENOTFOUND : open_session(ev, c->now, &sname, &state, &group);
    if (rc != ZB_OK && rc != ZB_ENOTFOUND)
        return rc;
    bool in_session = rc == ZB_OK;
    rc = ZB_OK;
    if (!in_session && !for_us)
        goto done; /* overheard chatter: logged, left alone */
    if (!plus && (rc = pages_clear(ev)) != ZB_OK)
        goto done;
    if (in_session) {
        const struct handler *s = by_name(sname);
        /* a menu keyword leaves the conversation and does what it says; a menu number too,
         * unless the conversation asked for a number */
        bool kept = s && router_word_in(c->norm, s->session_words);
        bool leave =
            m && !kept &&
            (m->leaves_session || (for_us && m != s && !(by_number && s && s->session_numbers)));
        if (s && s->on_session && !leave) {
            *h = s;
            c->group_activity = group;
            int ok = allowed(c, s, out);
            if (ok < 0) {
                rc = ok;
            } else if (ok) {
                rc = s->on_session(c, state, out);
            } else if (group) { /* the activity goes on for the members */
                if (ev->scope != SCOPE_ALL)
                    reply_free(out); /* overheard: an unbound member's chatter is left alone */
                rc = ZB_OK;
            } else {
                rc = session_clear(ev);
            }
            goto done;
        }
        if (!group) {
            c->left_session = !(s && s->fallback); /* the fallback's offer is no operation */
            rc = session_clear(ev);
        } else if (!s || !s->on_session) { /* one member's "帮助" leaves the activity running */
            rc = router_group_session_end(c);
        }
        if (rc != ZB_OK)
            goto done;
        if (leave)
            for_us = true; /* they asked to leave: answer them */
    } else if (click && (rc = session_clear(ev)) != ZB_OK) {
        goto done;
    }
    if (!for_us)
        goto done;
    if (!m && ev->scope == SCOPE_ALL && !click && (m = by_initials(c->norm))) {
        arg = "";
        if (m->keywords && m->keywords[0])
            c->norm = m->keywords[0]; /* the handler sees the word the initials stand for */
    }
    if (!m && ev->scope == SCOPE_ALL && !click)
        for (size_t i = 0; i < n_handlers && !m; i++)
            if (handlers[i]->accepts && handlers[i]->accepts(c)) {
                m = handlers[i];
                arg = c->norm;
            }
    *h = m ? m : fallback();
    c->arg = m ? arg : "";
    if (*h && (rc = allowed(c, *h, out)) > 0)
        rc = (*h)->on_message(c, out);
done:
    free(sname);
    free(state);
    return rc;
}

/* route - pick and run the handler for ev. */
static int route(struct handler_ctx *c, const struct router_opts *o, struct reply *out,
                 const struct handler **h)
{
    const struct event *ev = c->ev;
    if (ev->scope == SCOPE_RECORD)
        return ZB_OK;
    bool texty = ev->kind == EV_TEXT || ev->kind == EV_MENU_CLICK ||
                 (ev->kind == EV_VOICE && ev->text && *ev->text);
    if (texty) {
        char *norm = normalize_text(ev->text, strlen(ev->text));
        c->norm = norm;
        int rc = route_text(c, o, out, h);
        c->norm = "";
        free(norm);
        return rc;
    }
    /* a picture, a location or an unrecognised voice in the middle of a conversation: the
     * session takes it if it says so, and is never replaced by the answer to it */
    char *sname = NULL, *state = NULL;
    int rc = ev->scope == SCOPE_ALL ? session_get(ev, c->now, &sname, &state) : ZB_ENOTFOUND;
    if (rc != ZB_OK && rc != ZB_ENOTFOUND)
        return rc;
    const struct handler *s = rc == ZB_OK ? by_name(sname) : NULL;
    rc = ZB_OK;
    if (s && s->on_session && (s->session_events & EVBIT(ev->kind))) {
        *h = s;
        int ok = allowed(c, s, out);
        rc = ok > 0 ? s->on_session(c, state, out) : ok;
        goto done;
    }
    c->pending = s && !s->fallback && s->on_session ? s : NULL;
    for (size_t i = 0; i < n_handlers; i++) {
        const struct handler *x = handlers[i];
        if ((x->events & EVBIT(ev->kind)) && !(x->fallback && ev->scope != SCOPE_ALL)) {
            *h = x;
            int ok = allowed(c, x, out);
            rc = ok > 0 ? x->on_message(c, out) : ok;
            goto done;
        }
    }
done: /* otherwise recorded only */
    free(sname);
    free(state);
    return rc;
}

static int exec(const char *sql)
{
    return sqlite3_exec(store_db(), sql, NULL, NULL, NULL) == SQLITE_OK ? ZB_OK : ZB_EDB;
}

/* too_long - the reply is text beyond o's caps. */
static bool too_long(const struct reply *r, const struct router_opts *o)
{
    if (r->kind != REPLY_TEXT)
        return false;
    return (o->max_bytes && strlen(r->text) > o->max_bytes) ||
           (o->max_chars && utf8_chars(r->text) > o->max_chars);
}

/* dispatch_one - the work of router_dispatch, on the writer thread inside its transaction.
 * The handler (and the delivery hook) run in a savepoint: if either fails, their writes are
 * undone and the event is logged - and delivered - with an apology instead. */
static int dispatch_one(void *arg)
{
    struct router_call *d = arg;
    const struct router_opts *o = &d->opts;
    struct reply *out = &d->reply;
    int64_t now = clock_now();
    char key[EVENTLOG_KEY_MAX];
    bool collision = false;
    /* prepare first: the event is compared with the log as it was logged (its scope's text) */
    if (o->prepare && o->prepare(o->arg) != ZB_OK)
        return ZB_EDB;
    int rc = eventlog_find(d->ev, out, key, sizeof key, &collision);
    if (rc == ZB_OK) {
        d->duplicate = true;
        return ZB_OK;
    }
    if (rc != ZB_ENOTFOUND)
        return ZB_EDB;
    /* a reused id with another sender or content: a new event under its own key (which the
     * delivery hook also sees, so its outbox key differs from the earlier event's) */
    struct event keyed = *d->ev;
    keyed.msg_key = key;
    const struct event *ev = &keyed;
    if (collision) {
        log_warn("router: %s message id reused by a different message; logged as new",
                 platform_name(ev->platform));
        if ((unsigned)ev->platform < PLATFORM_COUNT)
            atomic_fetch_add_explicit(&collisions[ev->platform], 1, memory_order_relaxed);
    }

    const struct handler *h = NULL;
    struct handler_ctx c = {.ev = ev, .norm = "", .arg = "", .now = now};
    if (exec("SAVEPOINT handler"))
        return ZB_EDB;
    rc = identity_touch(platform_name(ev->platform), ev->account, ev->user, now, &c.member_id);
    if (rc == ZB_OK)
        rc = route(&c, o, out, &h);
    if (rc == ZB_OK && too_long(out, o)) {
        char *full = out->text;
        out->text = NULL;
        rc = page(&c, o, full, out);
        free(full);
    }
    if (rc != ZB_OK)
        log_error("router: handler %s failed: %s", h ? h->name : "-", zb_strerror(rc));
    else if (o->deliver && (rc = o->deliver(o->arg, ev, out, now)) != ZB_OK)
        log_error("router: the reply of %s could not be queued: %s", h ? h->name : "-",
                  zb_strerror(rc));
    if (rc != ZB_OK) {
        if (exec("ROLLBACK TO handler"))
            return ZB_EDB;
        reply_text(out, SORRY_TEXT);
        if (o->deliver && o->deliver(o->arg, ev, out, now) != ZB_OK)
            return ZB_EDB; /* the writer rolls the whole event back */
    }
    if (exec("RELEASE handler"))
        return ZB_EDB;
    return eventlog_insert(ev, now, h ? h->name : NULL, out, now_us() - d->t0);
}

/* call_done - the writer finished a submitted call: settle its outputs, tell the caller. */
static void call_done(struct writer_job *j)
{
    struct router_call *call = j->arg;
    call->rc = j->rc ? ZB_EDB : ZB_OK;
    if (call->rc) {
        reply_free(&call->reply);
        call->duplicate = false;
    }
    call->done(call);
}

static void call_init(struct router_call *call, const struct event *ev, const struct router_opts *o)
{
    memset(&call->reply, 0, sizeof call->reply);
    call->duplicate = false;
    call->rc = ZB_OK;
    call->ev = ev;
    call->opts = *o;
    call->t0 = now_us();
    memset(&call->job, 0, sizeof call->job);
    call->job.fn = dispatch_one;
    call->job.arg = call;
}

void router_submit_ex(struct router_call *call, const struct event *ev, const struct router_opts *o,
                      void (*done)(struct router_call *call))
{
    call_init(call, ev, o);
    call->done = done;
    call->job.done = call_done;
    writer_submit(&call->job);
}

void router_submit(struct router_call *call, const struct event *ev, size_t max_reply_bytes,
                   void (*done)(struct router_call *call))
{
    struct router_opts o = {.max_bytes = max_reply_bytes};
    router_submit_ex(call, ev, &o, done);
}

int router_dispatch(const struct event *ev, size_t max_reply_bytes, struct reply *out,
                    bool *duplicate)
{
    struct router_opts o = {.max_bytes = max_reply_bytes};
    return router_dispatch_ex(ev, &o, out, duplicate);
}

int router_dispatch_ex(const struct event *ev, const struct router_opts *o, struct reply *out,
                       bool *duplicate)
{
    struct router_call call;
    call_init(&call, ev, o);
    int rc = writer_run(dispatch_one, &call);
    if (rc != ZB_OK) {
        reply_free(&call.reply);
        memset(out, 0, sizeof *out);
        *duplicate = false;
        return ZB_EDB;
    }
    *out = call.reply;
    *duplicate = call.duplicate;
    return ZB_OK;
}

unsigned long long router_collisions(enum platform p)
{
    if ((unsigned)p >= PLATFORM_COUNT)
        return 0;
    return atomic_load_explicit(&collisions[p], memory_order_relaxed);
}

int router_menu(struct buf *b)
{
    return router_menu_for(b, true);
}

int router_menu_for(struct buf *b, bool member)
{
    for (int no = 1; no < 100; no++) {
        for (size_t i = 0; i < n_handlers; i++) {
            const struct handler *h = handlers[i];
            if (h->menu_no != no || (h->members_only && !member))
                continue;
            int rc = buf_appendf(b, "%d %s\n", no, h->menu_label ? h->menu_label : h->name);
            if (rc)
                return rc;
        }
    }
    return ZB_OK;
}

/* visible - h is in the menu the sender of c sees. */
static bool visible(const struct handler *h, const struct handler_ctx *c)
{
    return !(h->members_only && !c->member_id) && !(h->private_only && c->ev && c->ev->group);
}

int router_menu_ctx(struct buf *b, const struct handler_ctx *c)
{
    for (int no = 1; no < 100; no++)
        for (size_t i = 0; i < n_handlers; i++) {
            const struct handler *h = handlers[i];
            if (h->menu_no != no || !visible(h, c))
                continue;
            int rc = buf_appendf(b, "%d %s\n", no, h->menu_label ? h->menu_label : h->name);
            if (rc)
                return rc;
        }
    return ZB_OK;
}

int router_commands(struct buf *b, const struct handler_ctx *c, const char *prefix)
{
    if (!c->member_id)
        return ZB_OK;
    const char *words[COMMANDS_MAX];
    size_t n = 0;
    bool checked = false; /* one role-checked command is allowed */
    struct actor a = actor_member(c->member_id, platform_name(c->ev->platform));
    for (size_t i = 0; i < n_handlers && n < COMMANDS_MAX; i++) {
        const struct handler *h = handlers[i];
        if (!h->command || !visible(h, c))
            continue;
        if (h->action) {
            const char *refusal = NULL;
            int rc = role_can(&a, h->action, 0, &refusal);
            if (rc == ZB_EDENIED)
                continue;
            if (rc)
                return rc;
            checked = true;
        }
        words[n++] = h->command;
    }
    if (!checked)
        return ZB_OK;
    int rc = buf_appendz(b, prefix);
    for (size_t i = 0; i < n && !rc; i++)
        rc = buf_appendf(b, "%s%s", i ? "、" : "", words[i]);
    return rc;
}

const struct handler *router_menu_word(const struct handler_ctx *c, const char *norm)
{
    for (int no = 1; no < 100; no++)
        for (size_t i = 0; i < n_handlers; i++) {
            const struct handler *h = handlers[i];
            if (h->menu_no != no || !visible(h, c))
                continue;
            for (const char *const *k = h->keywords; k && *k; k++)
                if (utf8_chars(*k) >= 2 && strstr(norm, *k))
                    return h;
        }
    return NULL;
}
