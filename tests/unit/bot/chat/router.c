/*
 * router.c - unit tests for bot/chat/router.c: dedupe, keyword and menu matching, sessions, the
 * fallback, long-reply pages, table validation and the role dispatcher (a handler's action),
 * against a real SQLite file in /tmp.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "bot/org/branch.h"
#include "bot/org/identity.h"
#include "bot/org/member.h"
#include "bot/org/role.h"
#include "bot/chat/router.h"
#include "bot/store/store.h"
#include "bot/store/writer.h"
#include "tests/unit/unit_db.h"

static int echo_calls;

static int echo_on_message(struct handler_ctx *c, struct reply *out)
{
    echo_calls++;
    reply_textf(out, "echo:%s", c->arg);
    return ZB_OK;
}

static const struct handler ask_handler;

static int ask_on_message(struct handler_ctx *c, struct reply *out)
{
    reply_text(out, "请回答");
    return router_session_begin(c, &ask_handler, "q1");
}

static int ask_on_session(struct handler_ctx *c, const char *state, struct reply *out)
{
    reply_textf(out, "state=%s answer=%s", state, c->norm);
    return router_session_end(c);
}

static int long_on_message(struct handler_ctx *c, struct reply *out)
{
    (void)c;
    char text[4096];
    size_t o = 0;
    for (int i = 0; i < 60; i++)
        o += (size_t)snprintf(text + o, sizeof text - o, "第%02d行内容\n", i);
    reply_text(out, text);
    return ZB_OK;
}

static int fail_on_message(struct handler_ctx *c, struct reply *out)
{
    (void)c;
    (void)out;
    return ZB_EDB;
}

static int help_on_message(struct handler_ctx *c, struct reply *out)
{
    reply_text(out, c->left_session ? "left+menu" : "menu");
    return ZB_OK;
}

static int fallback_on_message(struct handler_ctx *c, struct reply *out)
{
    if (c->pending) { /* a picture while another handler's session is open */
        reply_textf(out, "fallback:%s pending=%s", event_kind_name(c->ev->kind), c->pending->name);
        return ZB_OK;
    }
    reply_textf(out, "fallback:%s", event_kind_name(c->ev->kind));
    return ZB_OK;
}

static const struct handler secret_handler;
static int secret_calls;

/* secret: members only; "secret more" opens a session */
static int secret_on_message(struct handler_ctx *c, struct reply *out)
{
    secret_calls++;
    reply_textf(out, "secret:%lld", (long long)c->member_id);
    return strcmp(c->arg, "more") == 0 ? router_session_begin(c, &secret_handler, "s") : ZB_OK;
}

static int secret_on_session(struct handler_ctx *c, const char *state, struct reply *out)
{
    (void)state;
    secret_calls++;
    reply_textf(out, "secret-session:%s", c->norm);
    return router_session_end(c);
}

static const struct handler quiz_handler;

/* quiz: "quiz" starts a group activity; every answer is echoed; "stop" ends it. */
static int quiz_on_message(struct handler_ctx *c, struct reply *out)
{
    reply_text(out, "quiz on");
    return router_group_session_begin(c, &quiz_handler, "round1");
}

static int quiz_on_session(struct handler_ctx *c, const char *state, struct reply *out)
{
    if (strcmp(c->norm, "stop") == 0) {
        reply_text(out, "quiz over");
        return router_group_session_end(c);
    }
    if (strcmp(c->norm, "chatter") == 0)
        return ZB_OK; /* not an answer: the activity stays quiet */
    reply_textf(out, "%s %s:%s group=%d", state, c->ev->user, c->norm, c->group_activity);
    return ZB_OK;
}

static const struct handler mquiz_handler;

/* mquiz: a members-only group activity, answered only by bound members. */
static int mquiz_on_message(struct handler_ctx *c, struct reply *out)
{
    reply_text(out, "mquiz on");
    return router_group_session_begin(c, &mquiz_handler, "m1");
}

static int mquiz_on_session(struct handler_ctx *c, const char *state, struct reply *out)
{
    reply_textf(out, "%s %s:%s", state, c->ev->user, c->norm);
    return ZB_OK;
}

static const struct handler guard_handler;
static int guard_calls;

/* The test's own action: organizers only, never the operator. */
static const struct role_action guard_act = {
    .id = "test.guard",
    .roles = ROLE_ORGANIZER,
    .operator_ok = false,
    .refusal = "只有组织委员可以这样做。",
};

/* guard: needs guard_act. "guard more" opens a session; "guard ORG" acts on the organisation
 * with that id and, as role.h asks of such commands, checks it with role_can itself. */
static int guard_on_message(struct handler_ctx *c, struct reply *out)
{
    guard_calls++;
    if (strcmp(c->arg, "more") == 0) {
        reply_text(out, "guard:open");
        return router_session_begin(c, &guard_handler, "g");
    }
    if (*c->arg) {
        struct actor a = actor_member(c->member_id, "wechat");
        const char *refusal = NULL;
        int rc = role_can(&a, &guard_act, strtoll(c->arg, NULL, 10), &refusal);
        if (rc == ZB_EDENIED) {
            reply_textf(out, "guard:out:%s", refusal);
            return ZB_OK;
        }
        if (rc)
            return rc;
        reply_textf(out, "guard:in:%s", c->arg);
        return ZB_OK;
    }
    reply_textf(out, "guard:%lld", (long long)c->member_id);
    return ZB_OK;
}

/* on_session: echoes, stays open until "end". */
static int guard_on_session(struct handler_ctx *c, const char *state, struct reply *out)
{
    guard_calls++;
    reply_textf(out, "guard-session:%s:%s", state, c->norm);
    return strcmp(c->norm, "end") == 0 ? router_session_end(c) : ZB_OK;
}

static const char *const echo_kw[] = {"echo", "回声", NULL};
static const char *const ask_kw[] = {"ask", NULL};
static const char *const long_kw[] = {"long", NULL};
static const char *const fail_kw[] = {"fail", NULL};
static const char *const help_kw[] = {"0", "help", NULL};
static const char *const secret_kw[] = {"secret", NULL};
static const char *const quiz_kw[] = {"quiz", NULL};
static const char *const mquiz_kw[] = {"mquiz", NULL};
static const char *const guard_kw[] = {"guard", NULL};

static const char *const echo_ini[] = {"hs", NULL};
static const struct handler echo_handler = {.name = "echo",
                                            .keywords = echo_kw,
                                            .initials = echo_ini,
                                            .takes_arg = true,
                                            .menu_no = 1,
                                            .menu_label = "回声",
                                            .on_message = echo_on_message};
static const struct handler ask_handler = {.name = "ask",
                                           .keywords = ask_kw,
                                           .menu_no = 2,
                                           .menu_label = "提问",
                                           .session_numbers = true,
                                           .on_message = ask_on_message,
                                           .on_session = ask_on_session};
static const struct handler long_handler = {
    .name = "long", .keywords = long_kw, .on_message = long_on_message};
static const struct handler fail_handler = {
    .name = "fail", .keywords = fail_kw, .on_message = fail_on_message};
static const struct handler help_handler = {
    .name = "help", .keywords = help_kw, .leaves_session = true, .on_message = help_on_message};
static const struct handler fb_handler = {.name = "fallback",
                                          .fallback = true,
                                          .events = EVBIT(EV_IMAGE) | EVBIT(EV_VOICE),
                                          .on_message = fallback_on_message};

static const struct handler secret_handler = {.name = "secret",
                                              .keywords = secret_kw,
                                              .takes_arg = true,
                                              .members_only = true,
                                              .menu_no = 3,
                                              .menu_label = "秘密",
                                              .on_message = secret_on_message,
                                              .on_session = secret_on_session};

static const struct handler mquiz_handler = {.name = "mquiz",
                                             .keywords = mquiz_kw,
                                             .members_only = true,
                                             .on_message = mquiz_on_message,
                                             .on_session = mquiz_on_session};
static const struct handler quiz_handler = {.name = "quiz",
                                            .keywords = quiz_kw,
                                            .session_numbers = true,
                                            .on_message = quiz_on_message,
                                            .on_session = quiz_on_session};

static const struct handler guard_handler = {.name = "guard",
                                             .keywords = guard_kw,
                                             .takes_arg = true,
                                             .action = &guard_act,
                                             .on_message = guard_on_message,
                                             .on_session = guard_on_session};

/* nod: another handler's keyword "好"; confirm: a question whose session keeps the yes words. */
static const struct handler confirm_handler;
static int nod_on_message(struct handler_ctx *c, struct reply *out)
{
    (void)c;
    reply_text(out, "nod");
    return ZB_OK;
}
static int confirm_on_message(struct handler_ctx *c, struct reply *out)
{
    reply_text(out, "确认吗");
    return router_session_begin(c, &confirm_handler, "draft");
}
static int confirm_on_session(struct handler_ctx *c, const char *state, struct reply *out)
{
    (void)state;
    reply_textf(out, "%s:%s", router_word_in(c->norm, router_yes_words) ? "yes" : "other", c->norm);
    return router_session_end(c);
}
static const char *const nod_kw[] = {"好", NULL};
static const char *const confirm_kw[] = {"confirm", NULL};
static const struct handler nod_handler = {
    .name = "nod", .keywords = nod_kw, .on_message = nod_on_message};
static const struct handler confirm_handler = {.name = "confirm",
                                               .keywords = confirm_kw,
                                               .session_words = router_yes_words,
                                               .on_message = confirm_on_message,
                                               .on_session = confirm_on_session};

static const struct handler *const table[] = {&echo_handler,   &ask_handler,  &long_handler,
                                              &fail_handler,   &help_handler, &fb_handler,
                                              &secret_handler, &quiz_handler, &mquiz_handler,
                                              &guard_handler,  &nod_handler,  &confirm_handler};

static int seq;

static int setup(void **state)
{
    (void)state;
    if (unit_db_open("router"))
        return -1;
    return router_init(table, sizeof table / sizeof table[0], 600);
}

static int teardown(void **state)
{
    (void)state;
    writer_stop();
    unit_db_close();
    return 0;
}

/* say - dispatch text (kind EV_TEXT) from user with a fresh key; return the reply text. */
static char *say_as(const char *user, enum event_kind kind, const char *text, const char *key)
{
    char k[64];
    if (!key) {
        snprintf(k, sizeof k, "k%d", ++seq);
        key = k;
    }
    struct event ev = {.platform = PLATFORM_WECHAT,
                       .kind = kind,
                       .account = "gh",
                       .user = user,
                       .text = text,
                       .msg_key = key};
    struct reply r;
    bool dup;
    assert_int_equal(router_dispatch(&ev, 200, &r, &dup), ZB_OK);
    char *out = strdup(r.kind == REPLY_TEXT ? r.text : r.kind == REPLY_NONE ? "(none)" : "(news)");
    reply_free(&r);
    return out;
}

static char *say(const char *text)
{
    return say_as("u1", EV_TEXT, text, NULL);
}

static void expect(const char *text, const char *want)
{
    char *got = say(text);
    assert_string_equal(got, want);
    free(got);
}

static void test_keywords_and_menu(void **state)
{
    (void)state;
    expect("echo", "echo:");
    expect("ＥＣＨＯ　你好", "echo:你好");
    expect("1", "echo:");
    expect("一", "echo:");
    expect("回声。", "echo:");
    expect("help", "menu");
    expect("０", "menu");
    expect("echoes", "fallback:text"); /* a keyword must be the whole word */
    expect("随便说说", "fallback:text");
}

static void test_dedupe_runs_handler_once(void **state)
{
    (void)state;
    int before = echo_calls;
    char *a = say_as("u2", EV_TEXT, "echo one", "dup-key");
    char *b = say_as("u2", EV_TEXT, "echo one", "dup-key");
    assert_string_equal(a, "echo:one");
    assert_string_equal(b, "echo:one"); /* the stored reply, not a new one */
    assert_int_equal(echo_calls, before + 1);
    /* the same id with other text, or from someone else, is a new event with its own answer */
    char *c = say_as("u2", EV_TEXT, "echo two", "dup-key");
    char *d = say_as("u3", EV_TEXT, "echo one", "dup-key");
    assert_string_equal(c, "echo:two");
    assert_string_equal(d, "echo:one");
    assert_int_equal(echo_calls, before + 3);
    assert_int_equal(unit_db_int("SELECT count(*) FROM events WHERE msg_key LIKE 'dup-key%%'"), 3);
    free(a);
    free(b);
    free(c);
    free(d);
}

static void test_session_resume_and_leave(void **state)
{
    (void)state;
    expect("ask", "请回答");
    expect("ＡＢＣ。", "state=q1 answer=abc"); /* the session takes the next message */
    expect("echo", "echo:");                   /* and ended */
    expect("ask", "请回答");
    expect("1", "state=q1 answer=1"); /* a session that asks for a number gets the number */
    expect("ask", "请回答");
    expect("回复 1", "state=q1 answer=1"); /* "回复" before a number is dropped */
    expect("ask", "请回答");
    expect("echo", "echo:");  /* a menu keyword leaves the conversation and does what it says */
    expect("回复1", "echo:"); /* outside a session, "回复 1" is menu number 1 */
    expect("回复 这是什么", "fallback:text");
    expect("ask", "请回答");
    expect("0", "left+menu"); /* help keywords leave the session */
    expect("ask", "请回答");
    char *other = say_as("u9", EV_TEXT, "hello", NULL); /* sessions are per user */
    assert_string_equal(other, "fallback:text");
    free(other);
    expect("help", "left+menu");
}

/* A picture or an unheard voice in the middle of a session is answered by the fallback, which
 * is told the session stays open, and the next text still goes to the session. */
static void test_media_keeps_session(void **state)
{
    (void)state;
    expect("ask", "请回答");
    char *img = say_as("u1", EV_IMAGE, "http://pic", NULL);
    assert_string_equal(img, "fallback:image pending=ask");
    free(img);
    char *voice = say_as("u1", EV_VOICE, "", NULL);
    assert_string_equal(voice, "fallback:voice pending=ask");
    free(voice);
    expect("x", "state=q1 answer=x");
    img = say_as("u1", EV_IMAGE, "http://pic", NULL); /* no session: nothing pending */
    assert_string_equal(img, "fallback:image");
    free(img);
}

/* A keyword typed with spaces inside ("回 声") is the keyword; other spaced text is not. */
static void test_spaced_keyword(void **state)
{
    (void)state;
    expect("回 声", "echo:");
    expect(" 回　声 。", "echo:");
    expect("回 声 你好", "fallback:text"); /* not a whole keyword once squeezed */
    expect("1 2", "fallback:text");        /* numbers are not squeezed into a menu number */
}

/* Pinyin initials ("hs" for 回声) name a handler only outside a conversation, only when the
 * message is addressed to zhibu, and the handler sees the word they stand for. */
static void test_pinyin_initials(void **state)
{
    (void)state;
    expect("hs", "echo:");
    expect("ＨＳ", "echo:");            /* folded and lower-cased first */
    expect("hs 你好", "fallback:text"); /* whole messages only */
    expect("ask", "请回答");
    expect("hs", "state=q1 answer=hs"); /* inside a conversation it is an answer */
    struct event ev = {.platform = PLATFORM_WECHAT,
                       .kind = EV_TEXT,
                       .account = "gh",
                       .user = "u7",
                       .group = "g1",
                       .scope = SCOPE_KEYWORDS,
                       .text = "hs",
                       .msg_key = "k-initials-group"};
    struct reply r;
    bool dup;
    assert_int_equal(router_dispatch(&ev, 200, &r, &dup), ZB_OK);
    assert_int_equal(r.kind, REPLY_NONE); /* overheard in a group: left alone */
    reply_free(&r);
    static const char *const clash_ini[] = {"hs", NULL};
    static const struct handler clash = {
        .name = "clash", .initials = clash_ini, .on_message = echo_on_message};
    const struct handler *const bad[] = {&echo_handler, &clash};
    assert_int_equal(router_init(bad, 2, 600), ZB_EINVAL);
    static const char *const kw_clash[] = {"hs", NULL};
    static const struct handler clash2 = {
        .name = "clash2", .keywords = kw_clash, .on_message = echo_on_message};
    const struct handler *const bad2[] = {&clash2, &echo_handler};
    assert_int_equal(router_init(bad2, 2, 600), ZB_EINVAL);
    assert_int_equal(router_init(table, sizeof table / sizeof table[0], 600), ZB_OK);
}

/* A session's session_words stay in it though another handler claims them; others leave. */
static void test_session_words(void **state)
{
    (void)state;
    expect("好", "nod"); /* outside a conversation: the other handler's keyword */
    expect("confirm", "确认吗");
    expect("好", "yes:好");
    expect("confirm", "确认吗");
    expect("echo", "echo:"); /* not one of its words: leaves as before */
    expect("confirm", "确认吗");
    expect("0", "left+menu"); /* help still leaves */
}

static void test_session_expiry(void **state)
{
    (void)state;
    expect("ask", "请回答");
    sqlite3_exec(store_db(), "UPDATE sessions SET expires_at = 0", NULL, NULL, NULL);
    expect("hello", "fallback:text");
}

static void test_events_route_by_kind(void **state)
{
    (void)state;
    char *img = say_as("u3", EV_IMAGE, "http://pic", NULL);
    char *voice0 = say_as("u3", EV_VOICE, "", NULL);
    char *voice1 = say_as("u3", EV_VOICE, "回声。", NULL);
    char *follow = say_as("u3", EV_FOLLOW, "", NULL);
    char *click = say_as("u3", EV_MENU_CLICK, "ECHO", NULL);
    assert_string_equal(img, "fallback:image");
    assert_string_equal(voice0, "fallback:voice");
    assert_string_equal(voice1, "echo:");
    assert_string_equal(follow, "(none)"); /* no handler takes it: recorded only */
    assert_string_equal(click, "echo:");
    free(img);
    free(voice0);
    free(voice1);
    free(follow);
    free(click);
}

static void test_long_reply_pages(void **state)
{
    (void)state;
    char *p1 = say("long");
    assert_true(strlen(p1) <= 200);
    assert_non_null(strstr(p1, "第00行内容"));
    assert_non_null(strstr(p1, "回复 + 查看更多"));
    /* Pages end at a line boundary: the last content line before the marker is whole. */
    char *marker = strstr(p1, ROUTER_MORE_LINE);
    assert_non_null(marker);
    assert_true(marker[-1] == '\xb9' || marker[-1] == '\x9b'); /* …内容 ends in 容 (e5 ae b9) */
    size_t total = 0;
    char *page = p1;
    int pages = 1;
    while (strstr(page, "回复 + 查看更多")) {
        total += (size_t)(strstr(page, ROUTER_MORE_LINE) - page);
        if (page != p1)
            free(page);
        page = say("＋");
        assert_true(strlen(page) <= 200);
        pages++;
        assert_true(pages < 60);
    }
    assert_non_null(strstr(page, "第59行内容"));
    total += strlen(page);
    free(page);
    free(p1);
    assert_true(pages > 2);
    assert_true(total > 60 * 10); /* nothing lost across pages */
    expect("+", "fallback:text"); /* no more pages */
}

static void test_handler_failure_apologises_and_logs(void **state)
{
    (void)state;
    char *got = say_as("u4", EV_TEXT, "fail", "fail-key");
    assert_non_null(strstr(got, "系统出了点问题"));
    free(got);
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_prepare_v2(store_db(),
                                        "SELECT count(*), max(handler = 'fail') FROM events "
                                        "WHERE msg_key='fail-key'",
                                        -1, &st, NULL),
                     SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    assert_int_equal(sqlite3_column_int(st, 0), 1);
    assert_int_equal(sqlite3_column_int(st, 1), 1);
    sqlite3_finalize(st);
}

static void test_paginate_boundaries(void **state)
{
    (void)state;
    assert_int_equal(router_paginate("short", 100), 5);
    const char *t = "aaaa\nbbbb\ncccc\ndddd\neeee\nffff\ngggg\nhhhh\niiii\njjjj\nkkkk\nllll\n"
                    "mmmm\nnnnn\noooo\npppp\nqqqq\nrrrr";
    size_t cut = router_paginate(t, 60);
    assert_true(cut + strlen(ROUTER_MORE_LINE) <= 60);
    assert_int_equal(t[cut], '\n');
    /* No newline at all: cut at a UTF-8 boundary. */
    char cjk[301];
    for (int i = 0; i < 100; i++)
        memcpy(cjk + 3 * i, "字", 3);
    cjk[300] = '\0';
    cut = router_paginate(cjk, 100);
    assert_int_equal(cut % 3, 0);
}

static void test_init_rejects_collisions(void **state)
{
    (void)state;
    static const char *const dup_kw[] = {"echo", NULL};
    static const struct handler clash = {
        .name = "clash", .keywords = dup_kw, .on_message = echo_on_message};
    const struct handler *const bad1[] = {&echo_handler, &clash};
    assert_int_equal(router_init(bad1, 2, 600), ZB_EINVAL);
    static const struct handler same_menu = {
        .name = "m", .menu_no = 1, .on_message = echo_on_message};
    const struct handler *const bad2[] = {&echo_handler, &same_menu};
    assert_int_equal(router_init(bad2, 2, 600), ZB_EINVAL);
    /* Restore the real table for the other tests. */
    assert_int_equal(router_init(table, sizeof table / sizeof table[0], 600), ZB_OK);
}

static void test_menu_lists_numbered_handlers(void **state)
{
    (void)state;
    struct buf b;
    buf_init(&b, 1024);
    assert_int_equal(router_menu(&b), ZB_OK);
    assert_string_equal(buf_str(&b), "1 回声\n2 提问\n3 秘密\n");
    buf_reset(&b);
    assert_int_equal(router_menu_for(&b, false), ZB_OK); /* members-only items hidden */
    assert_string_equal(buf_str(&b), "1 回声\n2 提问\n");
    buf_reset(&b);
    assert_int_equal(router_menu_for(&b, true), ZB_OK);
    assert_string_equal(buf_str(&b), "1 回声\n2 提问\n3 秘密\n");
    buf_free(&b);
}

/* bind_user - make user a member (bound) or not (member 0). */
static int64_t bind_user(const char *user, bool bound)
{
    static int64_t member;
    assert_int_equal(store_begin(), ZB_OK);
    if (!member) {
        struct member m;
        member_init(&m);
        snprintf(m.name, sizeof m.name, "测试");
        assert_int_equal(member_insert(&m, 1), ZB_OK);
        member = m.id;
    }
    assert_int_equal(identity_bind("wechat", "gh", user, bound ? member : 0, 1), ZB_OK);
    assert_int_equal(store_commit(), ZB_OK);
    return member;
}

static void expect_as(const char *user, const char *text, const char *want)
{
    char *got = say_as(user, EV_TEXT, text, NULL);
    assert_string_equal(got, want);
    free(got);
}

static void test_members_only(void **state)
{
    (void)state;
    int before = secret_calls;
    expect_as("m1", "secret", ROUTER_MEMBERS_ONLY_TEXT); /* by keyword */
    expect_as("m1", "3", ROUTER_MEMBERS_ONLY_TEXT);      /* by menu number */
    assert_int_equal(secret_calls, before);              /* the handler never ran */
    int64_t id = bind_user("m1", true);
    char want[64];
    snprintf(want, sizeof want, "secret:%lld", (long long)id);
    expect_as("m1", "secret", want);
    expect_as("m1", "3", want);
    /* a session of a members-only handler ends when the sender is no longer bound */
    expect_as("m1", "secret more", want);
    bind_user("m1", false);
    before = secret_calls;
    expect_as("m1", "anything", ROUTER_MEMBERS_ONLY_TEXT);
    assert_int_equal(secret_calls, before);
    expect_as("m1", "hello", "fallback:text"); /* and the session is gone */
    /* public handlers do not care */
    expect_as("m1", "echo hi", "echo:hi");
}

/* role_person - a member in org (0: none) with roles, bound to the WeChat user. */
static int64_t role_person(const char *user, int64_t org, unsigned roles)
{
    struct member m;
    member_init(&m);
    snprintf(m.name, sizeof m.name, "角色%s", user);
    m.branch_id = org;
    m.roles = roles;
    assert_int_equal(store_begin(), ZB_OK);
    assert_int_equal(member_insert(&m, 1), ZB_OK);
    assert_int_equal(identity_bind("wechat", "gh", user, m.id, 1), ZB_OK);
    assert_int_equal(store_commit(), ZB_OK);
    return m.id;
}

/* set_roles - give member id exactly roles. */
static void set_roles(int64_t id, unsigned roles)
{
    struct member m;
    assert_int_equal(store_begin(), ZB_OK);
    assert_int_equal(member_get(id, &m), ZB_OK);
    m.roles = roles;
    assert_int_equal(member_update(&m, 2), ZB_OK);
    assert_int_equal(store_commit(), ZB_OK);
}

#define GUARD_REFUSED "只有组织委员可以这样做。\n回复 0 返回菜单。"

/* A handler that names an action: refused (with the action's refusal, the handler never
 * running) for a member without the role and for an unbound sender, run for a member with it. */
static void test_action_refuses_and_allows(void **state)
{
    (void)state;
    int64_t lock = 0;
    char err[BRANCH_ERR_MAX];
    assert_int_equal(store_begin(), ZB_OK);
    assert_int_equal(branch_add("交通党委/船闸支部", 1, &lock, NULL, err, sizeof err), ZB_OK);
    assert_int_equal(store_commit(), ZB_OK);
    int64_t organizer = role_person("ra-org", lock, ROLE_ORGANIZER);
    role_person("ra-plain", lock, 0);
    role_person("ra-sec", lock, ROLE_SECRETARY); /* a role, but not one the action names */

    int before = guard_calls;
    expect_as("ra-plain", "guard", GUARD_REFUSED);
    expect_as("ra-sec", "guard", GUARD_REFUSED);
    expect_as("ra-stranger", "guard", ROUTER_MEMBERS_ONLY_TEXT); /* not bound at all */
    expect_as("ra-plain", "guard more", GUARD_REFUSED);          /* no session opened either */
    expect_as("ra-plain", "x", "fallback:text");
    assert_int_equal(guard_calls, before);

    char want[64];
    snprintf(want, sizeof want, "guard:%lld", (long long)organizer);
    expect_as("ra-org", "guard", want);
    assert_int_equal(guard_calls, before + 1);
    assert_int_equal(unit_db_int("SELECT count(*) FROM sessions WHERE handler = 'guard'"), 0);
}

/* Scope: a member with the role but no organisation is refused at dispatch; a handler acting
 * on an organisation is allowed on the member's own and its subtree, refused on a sibling
 * branch and on the 党委 above. */
static void test_action_scope(void **state)
{
    (void)state;
    int64_t lock = 0, channel = 0, group = 0, top = 0;
    char err[BRANCH_ERR_MAX];
    assert_int_equal(store_begin(), ZB_OK);
    assert_int_equal(branch_add("航运党委/一号支部/第一党小组", 1, &group, NULL, err, sizeof err),
                     ZB_OK);
    assert_int_equal(branch_resolve("航运党委/一号支部", &lock, err, sizeof err), ZB_OK);
    assert_int_equal(branch_resolve("航运党委", &top, err, sizeof err), ZB_OK);
    assert_int_equal(branch_add("航运党委/二号支部", 1, &channel, NULL, err, sizeof err), ZB_OK);
    assert_int_equal(store_commit(), ZB_OK);
    role_person("rs-org", lock, ROLE_ORGANIZER);
    role_person("rs-noorg", 0, ROLE_ORGANIZER);

    int before = guard_calls;
    char *got = say_as("rs-noorg", EV_TEXT, "guard", NULL);
    assert_non_null(strstr(got, "还没有登记所在党组织"));
    assert_non_null(strstr(got, "回复 0 返回菜单。"));
    free(got);
    assert_int_equal(guard_calls, before);

    char text[48], want[96];
    int64_t inside[] = {lock, group};
    for (size_t i = 0; i < 2; i++) {
        snprintf(text, sizeof text, "guard %lld", (long long)inside[i]);
        snprintf(want, sizeof want, "guard:in:%lld", (long long)inside[i]);
        expect_as("rs-org", text, want);
    }
    int64_t outside[] = {channel, top};
    for (size_t i = 0; i < 2; i++) {
        snprintf(text, sizeof text, "guard %lld", (long long)outside[i]);
        got = say_as("rs-org", EV_TEXT, text, NULL);
        assert_non_null(strstr(got, "guard:out:"));
        assert_non_null(strstr(got, "不在您所在党组织的管理范围内"));
        free(got);
    }
    assert_int_equal(guard_calls, before + 4);
}

/* A session of a handler with an action is checked on every message: a member who loses the
 * role mid-session is refused, on_session does not run, and the session is closed; a member
 * who keeps it goes on. */
static void test_action_session_rechecked(void **state)
{
    (void)state;
    int64_t lock = 0;
    char err[BRANCH_ERR_MAX];
    assert_int_equal(store_begin(), ZB_OK);
    assert_int_equal(branch_add("港口党委/码头支部", 1, &lock, NULL, err, sizeof err), ZB_OK);
    assert_int_equal(store_commit(), ZB_OK);
    int64_t a = role_person("rx-a", lock, ROLE_ORGANIZER);
    role_person("rx-b", lock, ROLE_ORGANIZER | ROLE_SECRETARY);

    expect_as("rx-a", "guard more", "guard:open");
    expect_as("rx-b", "guard more", "guard:open");
    expect_as("rx-a", "one", "guard-session:g:one");
    int before = guard_calls;
    set_roles(a, ROLE_SECRETARY); /* no longer an organizer */
    expect_as("rx-a", "two", GUARD_REFUSED);
    assert_int_equal(guard_calls, before);
    expect_as("rx-a", "three", "fallback:text");     /* the session is gone */
    expect_as("rx-b", "two", "guard-session:g:two"); /* the other member's goes on */
    assert_int_equal(guard_calls, before + 1);
    set_roles(a, ROLE_ORGANIZER); /* given back: allowed again, from a keyword */
    expect_as("rx-a", "guard more", "guard:open");
    expect_as("rx-a", "four", "guard-session:g:four");
    expect_as("rx-a", "end", "guard-session:g:end");
    expect_as("rx-b", "end", "guard-session:g:end");
}

static void test_keyword_then_digits(void **state)
{
    (void)state;
    expect("echo123", "echo:123"); /* "绑定123456": no space before the digits */
    expect("ECHO１２", "echo:12"); /* full-width digits are normalised first */
    expect("echox1", "fallback:text");
    expect("ask1", "fallback:text"); /* only handlers that take an argument */
}

static void test_init_rejects_members_only_fallback(void **state)
{
    (void)state;
    static const struct handler closed_fb = {
        .name = "fb2", .fallback = true, .members_only = true, .on_message = echo_on_message};
    const struct handler *const bad[] = {&echo_handler, &closed_fb};
    assert_int_equal(router_init(bad, 2, 600), ZB_EINVAL);
    assert_int_equal(router_init(table, sizeof table / sizeof table[0], 600), ZB_OK);
}

/* say_in - dispatch text from user in group (NULL: private) with scope; the reply text,
 * "(none)" when there is nothing to say. */
static char *say_in(const char *group, const char *user, enum event_scope scope,
                    enum event_kind kind, const char *text)
{
    char k[64];
    snprintf(k, sizeof k, "g%d", ++seq);
    struct event ev = {.platform = PLATFORM_ONEBOT,
                       .kind = kind,
                       .account = "",
                       .user = user,
                       .group = group,
                       .text = text,
                       .msg_key = k,
                       .scope = scope};
    struct reply r;
    bool dup;
    assert_int_equal(router_dispatch(&ev, 200, &r, &dup), ZB_OK);
    char *out = strdup(r.kind == REPLY_TEXT ? r.text : "(none)");
    reply_free(&r);
    return out;
}

static void expect_in(const char *group, const char *user, enum event_scope scope, const char *text,
                      const char *want)
{
    char *got = say_in(group, user, scope, EV_TEXT, text);
    assert_string_equal(got, want);
    free(got);
}

static long long count(const char *sql)
{
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_prepare_v2(store_db(), sql, -1, &st, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    long long n = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return n;
}

static void test_scope_keywords(void **state)
{
    (void)state;
    const char *g = "g100";
    expect_in(g, "m1", SCOPE_KEYWORDS, "echo", "echo:");
    expect_in(g, "m1", SCOPE_KEYWORDS, "１", "echo:"); /* menu numbers, normalised */
    expect_in(g, "m1", SCOPE_KEYWORDS, "help", "menu");
    expect_in(g, "m1", SCOPE_KEYWORDS, "echo 今天开会吗", "(none)"); /* not the whole message */
    expect_in(g, "m1", SCOPE_KEYWORDS, "今天开会吗", "(none)");      /* never the fallback */
    expect_in(g, "m1", SCOPE_KEYWORDS, "+", "(none)");
    expect_in(g, "m1", SCOPE_ALL, "echo 今天开会吗", "echo:今天开会吗"); /* addressed */
    expect_in(g, "m1", SCOPE_ALL, "今天开会吗", "fallback:text");
    /* a non-text event overheard is not answered by the fallback; addressed it is */
    char *img = say_in(g, "m1", SCOPE_KEYWORDS, EV_IMAGE, "http://pic");
    assert_string_equal(img, "(none)");
    free(img);
    img = say_in(g, "m1", SCOPE_ALL, EV_IMAGE, "http://pic");
    assert_string_equal(img, "fallback:image");
    free(img);
    /* every message is logged, answered or not */
    assert_int_equal(count("SELECT count(*) FROM events WHERE group_id='g100' AND "
                           "reply_kind='none' AND handler IS NULL"),
                     4);
}

static void test_scope_sessions_and_record(void **state)
{
    (void)state;
    const char *g = "g200";
    expect_in(g, "m2", SCOPE_SESSIONS, "echo", "(none)");
    expect_in(g, "m2", SCOPE_ALL, "ask", "请回答");
    expect_in(g, "m3", SCOPE_SESSIONS, "abc", "(none)"); /* sessions are per member */
    expect_in(g, "m2", SCOPE_SESSIONS, "ＡＢＣ", "state=q1 answer=abc");
    expect_in(g, "m2", SCOPE_SESSIONS, "abc", "(none)"); /* and it ended */
    /* leaving a session with a help keyword answers, even when keywords are off */
    expect_in(g, "m2", SCOPE_ALL, "ask", "请回答");
    expect_in(g, "m2", SCOPE_SESSIONS, "0", "left+menu");
    /* the session of a private chat is not the group's */
    expect_in(NULL, "m2", SCOPE_ALL, "ask", "请回答");
    expect_in(g, "m2", SCOPE_KEYWORDS, "hello", "(none)");
    expect_in(NULL, "m2", SCOPE_ALL, "hello", "state=q1 answer=hello");
    /* SCOPE_RECORD: nothing runs, even a keyword or an open session; the row is written */
    expect_in(g, "m2", SCOPE_ALL, "ask", "请回答");
    expect_in(g, "m2", SCOPE_RECORD, "echo", "(none)");
    expect_in(g, "m2", SCOPE_RECORD, "x", "(none)");
    expect_in(g, "m2", SCOPE_KEYWORDS, "x", "state=q1 answer=x"); /* still open */
    char *f = say_in(g, "m2", SCOPE_RECORD, EV_IMAGE, "");
    assert_string_equal(f, "(none)");
    free(f);
    assert_int_equal(count("SELECT count(*) FROM events WHERE group_id='g200' AND user_id='m2' "
                           "AND handler IS NULL"),
                     6);
}

static void test_overheard_keeps_pages(void **state)
{
    (void)state;
    const char *g = "g300";
    char *p1 = say_in(g, "m4", SCOPE_ALL, EV_TEXT, "long");
    assert_non_null(strstr(p1, "第00行内容"));
    free(p1);
    expect_in(g, "m4", SCOPE_KEYWORDS, "大家好", "(none)"); /* chatter does not drop the pages */
    char *p2 = say_in(g, "m4", SCOPE_KEYWORDS, EV_TEXT, "＋");
    assert_null(strstr(p2, "第00行内容"));
    assert_non_null(strstr(p2, "行内容"));
    free(p2);
    char *p3 = say_in(g, "m5", SCOPE_KEYWORDS, EV_TEXT, "+"); /* pages are per member */
    assert_string_equal(p3, "(none)");
    free(p3);
}

static void test_group_activity(void **state)
{
    (void)state;
    const char *g = "g400";
    expect_in(g, "m9", SCOPE_ALL, "ask", "请回答");
    expect_in(g, "boss", SCOPE_ALL, "quiz", "quiz on");
    expect_in(g, "m6", SCOPE_KEYWORDS, "A", "round1 m6:a group=1");
    expect_in(g, "m7", SCOPE_SESSIONS, "b", "round1 m7:b group=1");
    expect_in(g, "m7", SCOPE_KEYWORDS, "chatter", "(none)");        /* the handler decides */
    expect_in(g, "m7", SCOPE_KEYWORDS, "2", "round1 m7:2 group=1"); /* the activity wins */
    expect_in(g, "m8", SCOPE_KEYWORDS, "help", "menu");             /* one member's help */
    expect_in(g, "m8", SCOPE_KEYWORDS, "c", "round1 m8:c group=1"); /* leaves it running */
    expect_in("g401", "m8", SCOPE_KEYWORDS, "c", "(none)");         /* in that group only */
    expect_in(NULL, "m8", SCOPE_ALL, "c", "fallback:text");
    /* a member's own session comes before the group's activity; keywords do not (the
     * activity expects "1", "2" as answers), so m9's session was opened before the quiz */
    expect_in(g, "m9", SCOPE_KEYWORDS, "d", "state=q1 answer=d");
    expect_in(g, "m9", SCOPE_KEYWORDS, "d", "round1 m9:d group=1");
    expect_in(g, "m6", SCOPE_KEYWORDS, "stop", "quiz over");
    expect_in(g, "m6", SCOPE_KEYWORDS, "e", "(none)");
    /* a group activity outside a group is refused (the handler's error is apologised for) */
    char *p = say_in(NULL, "m6", SCOPE_ALL, EV_TEXT, "quiz");
    assert_non_null(strstr(p, "系统出了点问题"));
    free(p);
}

/* A members-only group activity: bound members answer it; an unbound member is refused when
 * addressing zhibu and left alone when merely talking in the group; the activity goes on. */
static void test_members_group_activity(void **state)
{
    (void)state;
    const char *g = "g500";
    int64_t member = bind_user("wx-boss", true); /* a member record to bind an onebot id to */
    assert_int_equal(store_begin(), ZB_OK);
    assert_int_equal(identity_bind("onebot", "", "mboss", member, 1), ZB_OK);
    assert_int_equal(store_commit(), ZB_OK);
    expect_in(g, "mx", SCOPE_ALL, "mquiz", ROUTER_MEMBERS_ONLY_TEXT); /* may not start it */
    expect_in(g, "mboss", SCOPE_ALL, "mquiz", "mquiz on");
    expect_in(g, "mx", SCOPE_KEYWORDS, "a", "(none)");
    expect_in(g, "mx", SCOPE_ALL, "a", ROUTER_MEMBERS_ONLY_TEXT);
    expect_in(g, "mboss", SCOPE_KEYWORDS, "b", "m1 mboss:b"); /* still running */
}

static void test_split(void **state)
{
    (void)state;
    assert_int_equal(router_split("", 0, 0), 0);
    assert_int_equal(router_split("abc", 0, 0), 3);
    assert_int_equal(router_split("abc", 3, 3), 3);
    /* characters, not bytes: 5 CJK characters are 15 bytes */
    assert_int_equal(router_split("一二三四五", 0, 5), 15);
    assert_int_equal(router_split("一二三四五六", 0, 5), 15);
    /* a newline in the second half of the budget is the cut */
    assert_int_equal(router_split("一二三\n四五六七", 0, 5), 9);
    /* one in the first half is not (the part would be too short): hard cut */
    assert_int_equal(router_split("一\n二三四五六七", 0, 5), 13);
    assert_int_equal(router_split("\nabcdefgh", 0, 5), 5); /* never an empty part */
    /* the halves are counted in characters when max_chars is set */
    assert_int_equal(router_split("一二三\nabcdefghijk", 0, 10), 16); /* early in chars */
    assert_int_equal(router_split("abcdef一\n二三四五六七八", 0, 14), 9);
    /* bytes when only max_bytes is set, at a character boundary */
    assert_int_equal(router_split("一二三四五", 10, 0), 9);
    assert_int_equal(router_split("abc\ndefg", 6, 0), 3);
    assert_int_equal(router_split("ab\ncdefg", 6, 0), 6);
    /* a budget below one character still makes progress */
    assert_int_equal(router_split("一二", 2, 0), 3);
    /* splitting repeatedly covers everything, every part within the budget */
    char text[4000];
    size_t o = 0;
    for (int i = 0; i < 150; i++)
        o += (size_t)snprintf(text + o, sizeof text - o, "%s第%d行\n",
                              i % 7 ? "" : "一段很长很长很长的文字", i);
    size_t parts = 0, chars = 0;
    for (const char *p = text; *p;) {
        size_t cut = router_split(p, 0, 50);
        size_t c = 0;
        for (size_t i = 0; i < cut; i++)
            c += ((unsigned char)p[i] & 0xC0) != 0x80;
        assert_true(c <= 50 && c > 0);
        chars += c;
        p += cut;
        if (*p == '\n') {
            p++;
            chars++;
        }
        parts++;
    }
    size_t total = 0;
    for (const char *p = text; *p; p++)
        total += ((unsigned char)*p & 0xC0) != 0x80;
    assert_int_equal(chars, total);
    assert_true(parts > 10);
}

struct delivery {
    int calls;
    int fail;       /* fail this many calls */
    char last[256]; /* the last reply text seen */
    char *last_key; /* the event key seen */
};

static int deliver(void *arg, const struct event *ev, const struct reply *r, int64_t now)
{
    struct delivery *d = arg;
    (void)now;
    d->calls++;
    snprintf(d->last, sizeof d->last, "%s", r->kind == REPLY_TEXT ? r->text : "(none)");
    free(d->last_key);
    d->last_key = strdup(ev->msg_key);
    if (d->fail > 0) {
        d->fail--;
        return ZB_EDB;
    }
    /* inside the transaction: a write here commits with the event */
    return sqlite3_exec(store_db(),
                        "CREATE TABLE IF NOT EXISTS t_deliver(k TEXT);"
                        "INSERT INTO t_deliver VALUES('x')",
                        NULL, NULL, NULL) == SQLITE_OK
               ? ZB_OK
               : ZB_EDB;
}

static int dispatch_ex(const char *key, const char *text, struct delivery *d, size_t max_chars,
                       char **reply)
{
    struct event ev = {.platform = PLATFORM_QQBOT,
                       .kind = EV_TEXT,
                       .account = "app",
                       .user = "u-ex",
                       .text = text,
                       .msg_key = key};
    struct router_opts o = {.max_chars = max_chars, .deliver = deliver, .arg = d};
    struct reply r;
    bool dup;
    int rc = router_dispatch_ex(&ev, &o, &r, &dup);
    if (rc == ZB_OK)
        *reply = strdup(r.kind == REPLY_TEXT ? r.text : "(none)");
    reply_free(&r);
    return rc;
}

/* A prepare hook that makes the event record-only, or fails. */
struct prep {
    struct event *ev; /* the caller's event */
    int calls;        /* how often it ran */
    bool fail;        /* return ZB_EDB */
};

static int prepare_hook(void *arg)
{
    struct prep *p = arg;
    p->calls++;
    p->ev->scope = SCOPE_RECORD;
    return p->fail ? ZB_EDB : ZB_OK;
}

static void test_prepare(void **state)
{
    (void)state;
    struct event ev = {.platform = PLATFORM_ONEBOT,
                       .kind = EV_TEXT,
                       .account = "",
                       .user = "p1",
                       .group = "g600",
                       .text = "echo hi",
                       .msg_key = "prep1"};
    struct prep p = {.ev = &ev};
    struct router_opts o = {.prepare = prepare_hook, .arg = &p};
    struct reply r;
    bool dup;
    /* the hook completes the event before routing: here it is recorded only */
    assert_int_equal(router_dispatch_ex(&ev, &o, &r, &dup), ZB_OK);
    assert_int_equal(r.kind, REPLY_NONE);
    assert_int_equal(p.calls, 1);
    /* for a duplicate too: it is compared with the log as completed */
    ev.scope = SCOPE_ALL;
    assert_int_equal(router_dispatch_ex(&ev, &o, &r, &dup), ZB_OK);
    assert_true(dup);
    assert_int_equal(p.calls, 2);
    /* a failing hook logs nothing */
    ev.msg_key = "prep2";
    p.fail = true;
    assert_int_equal(router_dispatch_ex(&ev, &o, &r, &dup), ZB_EDB);
    assert_int_equal(count("SELECT count(*) FROM events WHERE msg_key='prep2'"), 0);
    assert_int_equal(count("SELECT count(*) FROM events WHERE msg_key='prep1' AND "
                           "reply_kind='none' AND handler IS NULL"),
                     1);
}

static void test_dispatch_ex(void **state)
{
    (void)state;
    struct delivery d = {0};
    char *r = NULL;
    /* paging in characters; deliver sees the first page */
    assert_int_equal(dispatch_ex("ex1", "long", &d, 100, &r), ZB_OK);
    assert_int_equal(d.calls, 1);
    assert_string_equal(d.last, r);
    size_t chars = 0;
    for (const char *p = r; *p; p++)
        chars += ((unsigned char)*p & 0xC0) != 0x80;
    assert_true(chars <= 100 && chars > 60);
    assert_non_null(strstr(r, ROUTER_MORE_LINE));
    free(r);
    /* a duplicate gets the stored reply and no delivery */
    assert_int_equal(dispatch_ex("ex1", "long", &d, 100, &r), ZB_OK);
    assert_int_equal(d.calls, 1);
    free(r);
    /* "+" pages with the same limits and is delivered again */
    assert_int_equal(dispatch_ex("ex2", "+", &d, 100, &r), ZB_OK);
    assert_int_equal(d.calls, 2);
    assert_null(strstr(r, "第00行内容"));
    free(r);
    long long rows = count("SELECT count(*) FROM t_deliver");
    assert_int_equal(rows, 2);
    /* a failed delivery rolls back; the apology is delivered instead */
    d.fail = 1;
    assert_int_equal(dispatch_ex("ex3", "echo hi", &d, 100, &r), ZB_OK);
    assert_int_equal(d.calls, 4);
    assert_non_null(strstr(r, "系统出了点问题"));
    assert_string_equal(d.last, r);
    free(r);
    assert_int_equal(count("SELECT count(*) FROM t_deliver"), rows + 1);
    /* when that fails too, nothing is logged and the caller gets ZB_EDB */
    d.fail = 2;
    assert_int_equal(dispatch_ex("ex4", "echo hi", &d, 100, &r), ZB_EDB);
    assert_int_equal(count("SELECT count(*) FROM events WHERE msg_key='ex4'"), 0);
    assert_int_equal(count("SELECT count(*) FROM t_deliver"), rows + 1);
    /* and the retry goes through */
    assert_int_equal(dispatch_ex("ex4", "echo hi", &d, 100, &r), ZB_OK);
    assert_string_equal(r, "echo:hi");
    free(r);
    free(d.last_key);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_keywords_and_menu),
        cmocka_unit_test(test_dedupe_runs_handler_once),
        cmocka_unit_test(test_session_resume_and_leave),
        cmocka_unit_test(test_media_keeps_session),
        cmocka_unit_test(test_spaced_keyword),
        cmocka_unit_test(test_pinyin_initials),
        cmocka_unit_test(test_session_words),
        cmocka_unit_test(test_session_expiry),
        cmocka_unit_test(test_events_route_by_kind),
        cmocka_unit_test(test_long_reply_pages),
        cmocka_unit_test(test_handler_failure_apologises_and_logs),
        cmocka_unit_test(test_paginate_boundaries),
        cmocka_unit_test(test_init_rejects_collisions),
        cmocka_unit_test(test_menu_lists_numbered_handlers),
        cmocka_unit_test(test_members_only),
        cmocka_unit_test(test_action_refuses_and_allows),
        cmocka_unit_test(test_action_scope),
        cmocka_unit_test(test_action_session_rechecked),
        cmocka_unit_test(test_keyword_then_digits),
        cmocka_unit_test(test_init_rejects_members_only_fallback),
        cmocka_unit_test(test_scope_keywords),
        cmocka_unit_test(test_scope_sessions_and_record),
        cmocka_unit_test(test_overheard_keeps_pages),
        cmocka_unit_test(test_group_activity),
        cmocka_unit_test(test_members_group_activity),
        cmocka_unit_test(test_split),
        cmocka_unit_test(test_dispatch_ex),
        cmocka_unit_test(test_prepare),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
