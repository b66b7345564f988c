/*
 * router.c - dedupe, routing, sessions and long-reply pages (see router.h).
 *
 * The handler table is installed once at start-up and read-only afterwards, so threads share it
 * without locks. Everything per conversation lives in SQLite (session.c, eventlog.c) and is
 * written in the same transaction as the event log row.
 */
#include "bot/router.h"

#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bot/eventlog.h"
#include "bot/identity.h"
#include "bot/log.h"
#include "bot/normalize.h"
#include "bot/session.h"
#include "bot/store.h"
#include "bot/writer.h"
#include "bot/xmalloc.h"

#define SORRY_TEXT "抱歉，系统出了点问题，请稍后再试。\n回复 0 返回菜单。"

static const struct handler *const *handlers;
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
            for (const char *const *ka = a->keywords; ka && *ka; ka++)
                for (const char *const *kb = b->keywords; kb && *kb; kb++)
                    if (strcmp(*ka, *kb) == 0) {
                        log_error("router: keyword %s claimed by %s and %s", *ka, a->name, b->name);
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

/* all_digits - true for a non-empty run of at most 2 ASCII digits. */
static int menu_number(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > 2)
        return -1;
    int v = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (s[i] - '0');
    }
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
            /* "绑定123456": older members often leave out the space before digits */
            if (h->takes_arg && strncmp(norm, *k, kl) == 0 && norm[kl] >= '0' && norm[kl] <= '9') {
                *arg = norm + kl;
                return h;
            }
        }
    }
    return NULL;
}

static const struct handler *fallback(void)
{
    for (size_t i = 0; i < n_handlers; i++)
        if (handlers[i]->fallback)
            return handlers[i];
    return NULL;
}

size_t router_paginate(const char *text, size_t max)
{
    size_t len = strlen(text);
    size_t more = strlen(ROUTER_MORE_LINE);
    if (len <= max)
        return len;
    size_t budget = max > more + 16 ? max - more : 16;
    if (budget > len)
        budget = len;
    size_t cut = 0;
    for (size_t i = 0; i < budget && i < len; i++)
        if (text[i] == '\n')
            cut = i;
    if (cut < budget / 2) { /* no usable line break: cut at a UTF-8 character boundary */
        cut = budget;
        while (cut > 0 && ((unsigned char)text[cut] & 0xC0) == 0x80)
            cut--;
    }
    return cut;
}

/* page - make out the first page of text, storing the rest (if any) for "+". */
static int page(struct handler_ctx *c, const char *text, size_t max, struct reply *out)
{
    size_t cut = router_paginate(text, max);
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
    return session_set(c->ev, h->name, state, c->now + ttl_s);
}

int router_session_end(struct handler_ctx *c)
{
    return session_clear(c->ev);
}

/* allowed - whether h may answer this sender; if not, out gets the refusal. */
static bool allowed(const struct handler_ctx *c, const struct handler *h, struct reply *out)
{
    if (!h->members_only || c->member_id)
        return true;
    reply_text(out, ROUTER_MEMBERS_ONLY_TEXT);
    return false;
}

/* route_text - a typed (or recognised, or clicked) text: pages, session, keyword, fallback. */
static int route_text(struct handler_ctx *c, size_t max, struct reply *out,
                      const struct handler **h)
{
    const struct event *ev = c->ev;
    int rc;
    bool click = ev->kind == EV_MENU_CLICK;
    if (!click && (strcmp(c->norm, "+") == 0 || strcmp(c->norm, "更多") == 0)) {
        char *rest = NULL;
        rc = pages_take(ev, c->now, &rest);
        if (rc == ZB_OK) {
            rc = page(c, rest, max, out);
            free(rest);
            return rc;
        }
        if (rc != ZB_ENOTFOUND)
            return rc;
    } else if ((rc = pages_clear(ev)) != ZB_OK) {
        return rc;
    }

    const char *arg;
    const struct handler *m = match(c->norm, &arg);
    char *sname = NULL, *state = NULL;
    rc = click ? ZB_ENOTFOUND : session_get(ev, c->now, &sname, &state);
    if (rc != ZB_OK && rc != ZB_ENOTFOUND)
        return rc;
    if (rc == ZB_OK) {
        const struct handler *s = by_name(sname);
        if (s && s->on_session && !(m && m->leaves_session)) {
            *h = s;
            if (allowed(c, s, out))
                rc = s->on_session(c, state, out);
            else
                rc = session_clear(ev);
            goto done;
        }
        c->left_session = true;
        if ((rc = session_clear(ev)) != ZB_OK)
            goto done;
    } else if (click && (rc = session_clear(ev)) != ZB_OK) {
        goto done;
    }
    *h = m ? m : fallback();
    c->arg = m ? arg : "";
    rc = *h && allowed(c, *h, out) ? (*h)->on_message(c, out) : ZB_OK;
done:
    free(sname);
    free(state);
    return rc;
}

/* route - pick and run the handler for ev. */
static int route(struct handler_ctx *c, size_t max, struct reply *out, const struct handler **h)
{
    const struct event *ev = c->ev;
    bool texty = ev->kind == EV_TEXT || ev->kind == EV_MENU_CLICK ||
                 (ev->kind == EV_VOICE && ev->text && *ev->text);
    if (texty) {
        char *norm = normalize_text(ev->text, strlen(ev->text));
        c->norm = norm;
        int rc = route_text(c, max, out, h);
        c->norm = "";
        free(norm);
        return rc;
    }
    for (size_t i = 0; i < n_handlers; i++) {
        if (handlers[i]->events & EVBIT(ev->kind)) {
            *h = handlers[i];
            return allowed(c, *h, out) ? handlers[i]->on_message(c, out) : ZB_OK;
        }
    }
    return ZB_OK; /* recorded only */
}

static int exec(const char *sql)
{
    return sqlite3_exec(store_db(), sql, NULL, NULL, NULL) == SQLITE_OK ? ZB_OK : ZB_EDB;
}

/* dispatch_one - the work of router_dispatch, on the writer thread inside its transaction.
 * The handler runs in a savepoint: if it fails, its writes are undone and the event is logged
 * with an apology instead. */
static int dispatch_one(void *arg)
{
    struct router_call *d = arg;
    const struct event *ev = d->ev;
    struct reply *out = &d->reply;
    int64_t now = (int64_t)time(NULL);
    int rc = eventlog_find(ev->msg_key, out);
    if (rc == ZB_OK) {
        d->duplicate = true;
        return ZB_OK;
    }
    if (rc != ZB_ENOTFOUND)
        return ZB_EDB;

    const struct handler *h = NULL;
    struct handler_ctx c = {.ev = ev, .norm = "", .arg = "", .now = now};
    if (exec("SAVEPOINT handler"))
        return ZB_EDB;
    rc = identity_touch(platform_name(ev->platform), ev->account, ev->user, now, &c.member_id);
    if (rc == ZB_OK)
        rc = route(&c, d->max, out, &h);
    if (rc == ZB_OK && out->kind == REPLY_TEXT && strlen(out->text) > d->max) {
        char *full = out->text;
        out->text = NULL;
        rc = page(&c, full, d->max, out);
        free(full);
    }
    if (rc != ZB_OK) {
        log_error("router: handler %s failed: %s", h ? h->name : "-", zb_strerror(rc));
        if (exec("ROLLBACK TO handler"))
            return ZB_EDB;
        reply_text(out, SORRY_TEXT);
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

static void call_init(struct router_call *call, const struct event *ev, size_t max)
{
    memset(&call->reply, 0, sizeof call->reply);
    call->duplicate = false;
    call->rc = ZB_OK;
    call->ev = ev;
    call->max = max;
    call->t0 = now_us();
    memset(&call->job, 0, sizeof call->job);
    call->job.fn = dispatch_one;
    call->job.arg = call;
}

void router_submit(struct router_call *call, const struct event *ev, size_t max_reply_bytes,
                   void (*done)(struct router_call *call))
{
    call_init(call, ev, max_reply_bytes);
    call->done = done;
    call->job.done = call_done;
    writer_submit(&call->job);
}

int router_dispatch(const struct event *ev, size_t max_reply_bytes, struct reply *out,
                    bool *duplicate)
{
    struct router_call call;
    call_init(&call, ev, max_reply_bytes);
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
