/*
 * router.h - from an event to a reply: dedupe, the handler table, sessions and long replies.
 *
 * router_dispatch() runs one event in one write transaction: if its msg_key was seen, the stored
 * reply comes back and no handler runs; otherwise the text is normalised and routed - to the
 * "+" page of a long reply, to the handler whose session is open, to a keyword or menu number,
 * or to the fallback - and the event is logged with the reply. The work runs on the writer
 * thread (writer.h), which commits many events per transaction and handles them in arrival
 * order, so a retry that arrives while the first delivery is still running waits and then gets
 * the same reply. Handlers therefore run on the writer thread: database work only, nothing slow.
 *
 * In a group, the event's scope (event.h) says how much may answer: a group message that is not
 * addressed to zhibu reaches only a whole-message keyword or menu number, an open session - the
 * sender's own, or a group activity that the whole group answers (router_group_session_begin) -
 * and "+" pages; anything else is logged and left alone (no reply).
 *
 * Handlers register through the table given to router_init (handlers/registry.c). The help
 * handler builds the menu from the same table with router_menu_for().
 *
 * A handler marked members_only answers only senders whose identity is bound to a member: for
 * anyone else the router answers ROUTER_MEMBERS_ONLY_TEXT instead of running it (keyword, menu
 * number, open session or event alike), and the menu leaves it out. Handlers are public unless
 * marked; the fallback must be public.
 *
 * A handler with an action (role.h) runs only for a bound member whose roles allow it: the router
 * calls role_can before on_message and on_session and answers the refusal (with "回复 0
 * 返回菜单。") otherwise; an unbound sender gets ROUTER_MEMBERS_ONLY_TEXT.
 */
#ifndef ZHIBU_ROUTER_H
#define ZHIBU_ROUTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bot/base/buf.h"
#include "bot/base/err.h"
#include "bot/chat/event.h"
#include "bot/chat/reply.h"
#include "bot/org/role.h"
#include "bot/store/writer.h"

#define EVBIT(k) (1u << (k))

struct handler_ctx {
    const struct event *ev; /* the event being answered */
    const char *norm;       /* its normalised text (see normalize.h) */
    const char *arg;        /* text after the matched keyword and a space, "" when none */
    int64_t now;            /* Unix seconds when handling began */
    bool left_session;      /* an open session was closed by this message (help keywords) */
    bool group_activity;    /* on_session runs for the group's activity, not the sender's own */
    int64_t member_id;      /* the member the sender's identity is bound to, 0 when unbound */
    const struct handler *pending; /* a non-text event arrived while this handler's session
                                      (not taking such events) is open: it stays open, so the
                                      answer must not start another; NULL when none */
};

struct handler {
    const char *name;            /* stable id, stored in sessions and the event log */
    const char *const *keywords; /* normalised keywords, NULL-terminated; may be NULL */
    bool takes_arg;              /* also match "keyword ARG" and "keyword123" (ARG in ctx->arg) */
    const char *const *initials; /* pinyin initials that name it too ("xx" for 学习), lower
                                    case, NULL-terminated; only a whole message addressed to
                                    zhibu outside any conversation (a quiz answer "cd" stays an
                                    answer); may be NULL */
    bool leaves_session;         /* its keywords close any open session (help, cancel) */
    bool fallback;               /* answers text that nothing else matched */
    bool members_only;           /* only for senders bound to a member (see above) */
    int menu_no;                 /* number in the menu, 1..99; 0 = not listed */
    const char *menu_label;      /* the menu line's text */
    unsigned events;             /* EVBIT()s of non-text events it answers */
    unsigned session_events;     /* EVBIT()s of non-text events its open session takes (a
                                    picture sent while writing a 留言); others leave it open */
    const struct role_action *action; /* checked with role_can before it runs; NULL = none */
    const char *const *session_words; /* words its open conversation keeps although another
                                         handler claims them ("好", "ok": a yes to its
                                         question); NULL-terminated, may be NULL */
    bool session_numbers; /* its open session asks for a number ("回复 1 确认"): a menu
                             number goes to on_session instead of leaving it */
    bool private_only;    /* left out of the menu a group sees (binding, 留言) */
    const char *command;  /* a command word listed after the numbered menu for those
                             whose roles allow its action ("查看留言"); NULL = none */
    /* accepts - may it take a text that no keyword or number matched (a bare binding code)?
     * Runs before the fallback, outside sessions, for text addressed to zhibu; then
     * on_message runs with ctx->arg = the whole text. NULL = never. */
    bool (*accepts)(const struct handler_ctx *c);
    long session_ttl_s; /* its sessions expire after this; 0 = the configured session.ttl_s */
    /* on_message - a keyword, menu number, event or fallback matched. Fill out (or leave it
     * REPLY_NONE); return ZB_OK or a negative code (the router then apologises). */
    int (*on_message)(struct handler_ctx *c, struct reply *out);
    /* on_session - the next message of this handler's open session, with its state. */
    int (*on_session)(struct handler_ctx *c, const char *state, struct reply *out);
};

/*
 * router_init - install the handler table (borrowed for the process lifetime) and the session
 * lifetime. ZB_EINVAL (logged) when names, keywords or menu numbers collide, or the fallback is
 * members_only.
 */
int router_init(const struct handler *const *table, size_t n, long session_ttl_s) ZB_MUST_USE;

/*
 * router_dispatch - answer ev. max_reply_bytes caps a text reply (the rest goes to "+" pages).
 * On ZB_OK *out holds the reply (caller frees with reply_free) and *duplicate says whether it
 * came from the log. ZB_EDB when nothing could be logged (the caller answers 500 and the
 * platform retries). Same as router_dispatch_ex with {.max_bytes = max_reply_bytes}.
 */
int router_dispatch(const struct event *ev, size_t max_reply_bytes, struct reply *out,
                    bool *duplicate) ZB_MUST_USE;

/* What a platform can carry in answer to one event, and what to do with the answer. */
struct router_opts {
    size_t max_bytes; /* a text reply longer than this many bytes is paged ("+"); 0 = no cap */
    size_t max_chars; /* ... than this many characters (UTF-8 code points); 0 = no cap */
    /* deliver - if set, runs on the writer thread inside the event's savepoint with the final
     * reply of a new (not duplicate) event, e.g. to queue it in the outbox. When it fails, the
     * handler's writes are undone and it runs again with the apology; when that fails too,
     * nothing is logged (ZB_EDB to the caller). arg must stay valid until the call is done. */
    int (*deliver)(void *arg, const struct event *ev, const struct reply *r, int64_t now);
    /* prepare - if set, runs on the writer thread before the event is compared with the log
     * (so a retry is compared as it was logged) and routed,
     * inside its transaction: the caller may complete its event there - e.g. the scope of a
     * group message from the group's settings, read where the writer already holds the
     * database - through arg (the event is the caller's). Non-zero: nothing is logged, ZB_EDB. */
    int (*prepare)(void *arg);
    void *arg; /* passed to deliver and prepare */
};

/* router_dispatch_ex - router_dispatch with the platform's limits and delivery hook. */
int router_dispatch_ex(const struct event *ev, const struct router_opts *o, struct reply *out,
                       bool *duplicate) ZB_MUST_USE;

/* router_collisions - how many events of platform p reused a logged message id with another
 * sender, conversation or content (each was logged and answered as a new event). */
unsigned long long router_collisions(enum platform p);

/* An asynchronous dispatch (router_submit). The caller owns the struct and keeps it - and the
 * event's strings - alive until done runs. */
struct router_call {
    struct reply reply;                     /* OUT: the reply; caller frees with reply_free */
    bool duplicate;                         /* OUT: answered from the log */
    int rc;                                 /* OUT: ZB_OK, or ZB_EDB when nothing was logged */
    void (*done)(struct router_call *call); /* runs on the writer thread when finished */
    void *ud;                               /* the caller's, untouched */
    /* private to the router */
    struct writer_job job;
    const struct event *ev;
    struct router_opts opts;
    int64_t t0;
};

/*
 * router_submit - like router_dispatch, without waiting: done(call) runs on the writer thread
 * after the event and its reply are committed (or failed: call->rc). done must be quick (e.g.
 * resume a suspended HTTP connection) and must not call router functions.
 */
void router_submit(struct router_call *call, const struct event *ev, size_t max_reply_bytes,
                   void (*done)(struct router_call *call));
/* router_submit_ex - router_submit with the platform's limits and delivery hook (copied). */
void router_submit_ex(struct router_call *call, const struct event *ev, const struct router_opts *o,
                      void (*done)(struct router_call *call));

/* router_menu - append every menu line ("1 今日学习"), in menu-number order. */
int router_menu(struct buf *b) ZB_MUST_USE;
/* router_menu_for - the menu lines a sender sees: all when member is true, else only the public
 * ones. */
int router_menu_for(struct buf *b, bool member) ZB_MUST_USE;

/*
 * router_menu_ctx - the numbered menu lines the sender of c sees: members_only handlers only
 * for a bound member, private_only ones only in a private chat.
 */
int router_menu_ctx(struct buf *b, const struct handler_ctx *c) ZB_MUST_USE;

/*
 * router_commands - the command words (handler.command) the sender of c may use, joined by
 * "、", after prefix; nothing at all when the sender may use none of the role-checked ones.
 * A command without an action is listed only beside a role-checked one.
 */
int router_commands(struct buf *b, const struct handler_ctx *c, const char *prefix) ZB_MUST_USE;

/*
 * router_menu_word - the menu handler one of whose keywords (two characters or more) occurs in
 * the normalised text, among those the sender of c sees; NULL when none. For the fallback's
 * "您是想……吗？".
 */
const struct handler *router_menu_word(const struct handler_ctx *c, const char *norm);

/* router_session_begin - expect the sender's next message in handler h with state. */
int router_session_begin(struct handler_ctx *c, const struct handler *h,
                         const char *state) ZB_MUST_USE;
/* router_session_end - close the sender's open session, if any. */
int router_session_end(struct handler_ctx *c) ZB_MUST_USE;

/*
 * router_group_session_begin - a group activity (a quiz round, a roll call): every member's next
 * messages in ev's group go to h's on_session with state (c->group_activity set) until
 * router_group_session_end, unless the member has a session of their own. A member's help
 * keyword answers that member and leaves the activity running. ZB_EINVAL outside a group.
 */
int router_group_session_begin(struct handler_ctx *c, const struct handler *h,
                               const char *state) ZB_MUST_USE;
/* router_group_session_end - end the group's activity, if any. ZB_EINVAL outside a group. */
int router_group_session_end(struct handler_ctx *c) ZB_MUST_USE;
/* router_group_session_close - end the activity of group on platform p from outside a message
 * (a timer's job), inside a transaction. */
int router_group_session_close(enum platform p, const char *group) ZB_MUST_USE;

/* router_paginate - split text at a line boundary so the first part plus the "more" line fits
 * max bytes. Returns the byte length of the first part (== strlen(text) when it all fits). */
size_t router_paginate(const char *text, size_t max);

/*
 * router_split - the byte length of the first part of text that has at most max_bytes bytes and
 * max_chars characters (0 = no cap), strlen(text) when all of it fits. The cut is made before
 * the last newline inside the budget when that newline lies in its second half (in characters
 * when max_chars is set, else in bytes), otherwise at the last character boundary that fits; so
 * every part but the last has at least half the budget. When text[cut] is that newline it
 * belongs to neither part: the next part starts after it.
 */
size_t router_split(const char *text, size_t max_bytes, size_t max_chars);

/* The answers to a yes/no question ("回复 1 确认，回复 0 取消"), normalised, NULL-terminated:
 * for a handler's session_words and its own check. "0" is not among the no words: it is the
 * menu, which leaves any conversation. */
extern const char *const router_yes_words[];
extern const char *const router_no_words[];
/* router_word_in - whether norm is one of list. */
bool router_word_in(const char *norm, const char *const *list);

/* What an unbound sender gets for a members-only handler. */
#define ROUTER_MEMBERS_ONLY_TEXT                                                                                                              \
    "这项功能只对已绑定的党员开放。请发送“绑定 六位绑定码”完成绑定（绑定码向支部书记索取）。\n" \
    "回复 0 返回菜单。"

/* The line appended to a page that has more after it. */
#define ROUTER_MORE_LINE "\n……\n回复 + 查看更多"

#endif
