/*
 * chat.h - for the handler tests: the real handler table on a fresh database, a small
 * organisation with members, and a way to send a message as a platform user. Header-only.
 * Each test gets its own database: chat_open in the cmocka setup of every test, chat_close in
 * its teardown, so no test sees another's rows.
 */
#ifndef ZHIBU_TEST_CHAT_H
#define ZHIBU_TEST_CHAT_H

#include "tests/unit/unit_db.h"

#include "bot/org/branch.h"
#include "bot/org/member.h"
#include "bot/org/role.h"
#include "bot/chat/router.h"
#include "bot/store/writer.h"
#include "handlers/registry.h"

static int64_t chat_lock, chat_channel, chat_secretary, chat_plain, chat_other_branch;

static int64_t chat_person(const char *name, const char *phone, int64_t branch, unsigned roles)
{
    struct member m;
    member_init(&m);
    snprintf(m.name, sizeof m.name, "%s", name);
    snprintf(m.phone, sizeof m.phone, "%s", phone);
    m.branch_id = branch;
    m.roles = roles;
    assert_int_equal(member_insert(&m, 1), ZB_OK);
    return m.id;
}

/* chat_open - database NAME, the registry, 船闸支部 (李书记 secretary, 赵党员) and 航道支部
 * (钱党员). */
__attribute__((unused)) static int chat_open(const char *name)
{
    char err[BRANCH_ERR_MAX];
    size_t n_handlers = 0;
    const struct handler *const *handlers = registry_handlers(&n_handlers);
    if (unit_db_open(name) || router_init(handlers, n_handlers, 600) || store_begin())
        return -1;
    if (branch_add("市交通运输局党委/船闸支部", 1, &chat_lock, NULL, err, sizeof err) ||
        branch_add("市交通运输局党委/航道支部", 1, &chat_channel, NULL, err, sizeof err))
        return -1;
    chat_secretary = chat_person("李书记", "13800138001", chat_lock, ROLE_SECRETARY);
    chat_plain = chat_person("赵党员", "13800138005", chat_lock, 0);
    chat_other_branch = chat_person("钱党员", "13800138009", chat_channel, 0);
    return store_commit();
}

/* chat_close - stop the writer thread (it holds its own connection) and remove the database. */
__attribute__((unused)) static void chat_close(void)
{
    writer_stop();
    unit_db_close();
}

/* chat_event - dispatch one event from user (platform p, group may be NULL); the reply text,
 * "(none)" when there is none. Caller frees. */
__attribute__((unused)) static char *chat_event(enum platform p, const char *user,
                                                const char *group, enum event_kind kind,
                                                const char *text)
{
    static int seq;
    char key[64];
    snprintf(key, sizeof key, "chat-%d", ++seq);
    struct event ev = {.platform = p,
                       .kind = kind,
                       .account = p == PLATFORM_WECHAT ? "gh_test" : "",
                       .user = user,
                       .group = group,
                       .text = text,
                       .msg_key = key};
    struct reply r;
    bool dup;
    assert_int_equal(router_dispatch(&ev, 2048, &r, &dup), ZB_OK);
    char *out = strdup(r.kind == REPLY_TEXT ? r.text : "(none)");
    reply_free(&r);
    return out;
}

/* chat_say - a WeChat text message from user. */
__attribute__((unused)) static char *chat_say(const char *user, const char *text)
{
    return chat_event(PLATFORM_WECHAT, user, NULL, EV_TEXT, text);
}

/* chat_expect - user says text; the reply contains every needle (NULL-terminated). */
__attribute__((unused)) static void chat_expect(const char *user, const char *text, ...)
{
    char *got = chat_say(user, text);
    va_list ap;
    va_start(ap, text);
    for (const char *n; (n = va_arg(ap, const char *)) != NULL;)
        if (!strstr(got, n))
            fail_msg("%s: expected \"%s\" in \"%s\"", text, n, got);
    va_end(ap);
    free(got);
}

/* chat_code - the member's current binding code into code (size >= 7). */
__attribute__((unused)) static void chat_code(int64_t id, char *code)
{
    assert_int_equal(store_begin(), ZB_OK);
    assert_int_equal(member_code(id, code, MEMBER_CODE_LEN + 1), ZB_OK);
    assert_int_equal(store_commit(), ZB_OK);
}

#endif
