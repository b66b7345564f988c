/*
 * router.c - unit tests for bot/router.c: dedupe, keyword and menu matching, sessions, the
 * fallback, long-reply pages and table validation, against a real SQLite file in /tmp.
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

#include "bot/identity.h"
#include "bot/member.h"
#include "bot/router.h"
#include "bot/store.h"
#include "bot/writer.h"

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

static const char *const echo_kw[] = {"echo", "回声", NULL};
static const char *const ask_kw[] = {"ask", NULL};
static const char *const long_kw[] = {"long", NULL};
static const char *const fail_kw[] = {"fail", NULL};
static const char *const help_kw[] = {"0", "help", NULL};
static const char *const secret_kw[] = {"secret", NULL};

static const struct handler echo_handler = {.name = "echo",
                                            .keywords = echo_kw,
                                            .takes_arg = true,
                                            .menu_no = 1,
                                            .menu_label = "回声",
                                            .on_message = echo_on_message};
static const struct handler ask_handler = {.name = "ask",
                                           .keywords = ask_kw,
                                           .menu_no = 2,
                                           .menu_label = "提问",
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

static const struct handler *const table[] = {&echo_handler,  &ask_handler,  &long_handler,
                                              &fail_handler,  &help_handler, &fb_handler,
                                              &secret_handler};

static char dbpath[64];
static int seq;

static int setup(void **state)
{
    (void)state;
    snprintf(dbpath, sizeof dbpath, "/tmp/zhibu-router-%d.db", (int)getpid());
    unlink(dbpath);
    if (store_init(dbpath, false))
        return -1;
    return router_init(table, sizeof table / sizeof table[0], 600);
}

static int teardown(void **state)
{
    (void)state;
    writer_stop();
    store_close_thread();
    char p[80];
    unlink(dbpath);
    snprintf(p, sizeof p, "%s-wal", dbpath);
    unlink(p);
    snprintf(p, sizeof p, "%s-shm", dbpath);
    unlink(p);
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
    char *b = say_as("u2", EV_TEXT, "echo two", "dup-key");
    assert_string_equal(a, "echo:one");
    assert_string_equal(b, "echo:one"); /* the stored reply, not a new one */
    assert_int_equal(echo_calls, before + 1);
    free(a);
    free(b);
}

static void test_session_resume_and_leave(void **state)
{
    (void)state;
    expect("ask", "请回答");
    expect("ＡＢＣ。", "state=q1 answer=abc"); /* the session takes the next message */
    expect("echo", "echo:");                   /* and ended */
    expect("ask", "请回答");
    expect("1", "state=q1 answer=1"); /* a menu number is an answer inside a session */
    expect("ask", "请回答");
    expect("0", "left+menu"); /* help keywords leave the session */
    expect("ask", "请回答");
    char *other = say_as("u9", EV_TEXT, "hello", NULL); /* sessions are per user */
    assert_string_equal(other, "fallback:text");
    free(other);
    expect("help", "left+menu");
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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_keywords_and_menu),
        cmocka_unit_test(test_dedupe_runs_handler_once),
        cmocka_unit_test(test_session_resume_and_leave),
        cmocka_unit_test(test_session_expiry),
        cmocka_unit_test(test_events_route_by_kind),
        cmocka_unit_test(test_long_reply_pages),
        cmocka_unit_test(test_handler_failure_apologises_and_logs),
        cmocka_unit_test(test_paginate_boundaries),
        cmocka_unit_test(test_init_rejects_collisions),
        cmocka_unit_test(test_menu_lists_numbered_handlers),
        cmocka_unit_test(test_members_only),
        cmocka_unit_test(test_keyword_then_digits),
        cmocka_unit_test(test_init_rejects_members_only_fallback),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
