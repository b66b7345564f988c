/*
 * eventlog.c - unit tests for bot/chat/eventlog.c on a fresh database: an event is logged with
 * its reply and a redelivery finds the stored reply; msg_key is unique; the newest message per
 * scope (private, group, the user in groups) skips non-message events; the listing.
 */
#include "tests/unit/unit_db.h"

#include "bot/chat/event.h"
#include "bot/chat/eventlog.h"
#include "bot/chat/reply.h"

static int setup(void **state)
{
    (void)state;
    return unit_db_open("eventlog");
}

static int teardown(void **state)
{
    (void)state;
    unit_db_close();
    return 0;
}

static int log_one(const char *key, const char *user, const char *group, enum event_kind kind,
                   int64_t at, const char *answer)
{
    struct event e = {.platform = PLATFORM_ONEBOT,
                      .kind = kind,
                      .account = "",
                      .user = user,
                      .group = group,
                      .text = "学习",
                      .msg_key = key,
                      .created = at};
    struct reply r = {0};
    if (answer)
        reply_text(&r, answer);
    int rc = eventlog_insert(&e, at, answer ? "study" : NULL, &r, 42);
    reply_free(&r);
    return rc;
}

/* find - eventlog_find for the event log_one(key, user, group, kind, .., text) would log. */
static int find(const char *key, const char *user, const char *group, enum event_kind kind,
                const char *text, struct reply *r, char *stored, bool *collision)
{
    struct event e = {.platform = PLATFORM_ONEBOT,
                      .kind = kind,
                      .account = "",
                      .user = user,
                      .group = group,
                      .text = text,
                      .msg_key = key};
    return eventlog_find(&e, r, stored, EVENTLOG_KEY_MAX, collision);
}

static void insert_and_find(void **state)
{
    (void)state;
    struct reply r = {0};
    char key[EVENTLOG_KEY_MAX];
    bool coll = true;
    assert_int_equal(find("k1", "10001", NULL, EV_TEXT, "学习", &r, key, &coll), ZB_ENOTFOUND);
    assert_string_equal(key, "k1");
    assert_false(coll);
    assert_int_equal(store_begin(), 0);
    assert_int_equal(log_one("k1", "10001", NULL, EV_TEXT, 1000, "今天的学习内容"), 0);
    assert_int_equal(log_one("k2", "10001", NULL, EV_FOLLOW, 1001, NULL), 0);
    assert_int_not_equal(log_one("k1", "10001", NULL, EV_TEXT, 1002, "又一次"), 0); /* unique */
    assert_int_equal(store_commit(), 0);
    assert_int_equal(find("k1", "10001", NULL, EV_TEXT, "学习", &r, key, &coll), 0);
    assert_int_equal(r.kind, REPLY_TEXT);
    assert_string_equal(r.text, "今天的学习内容");
    reply_free(&r);
    assert_int_equal(find("k2", "10001", NULL, EV_FOLLOW, "学习", &r, key, &coll), 0);
    assert_int_equal(r.kind, REPLY_NONE);
    reply_free(&r);
    int64_t at = 0;
    assert_int_equal(eventlog_received_at("k1", &at), 0);
    assert_int_equal(at, 1000);
    assert_int_equal(eventlog_received_at("nope", &at), ZB_ENOTFOUND);
    assert_int_equal(unit_db_int("SELECT handling_us FROM events WHERE msg_key='k1'"), 42);
}

/* A reused message id with another sender, group, kind or text is a new event under a suffixed
 * key; a redelivery of that one finds its own reply, never the first sender's. */
static void key_collision(void **state)
{
    (void)state;
    struct reply r = {0};
    char key[EVENTLOG_KEY_MAX];
    bool coll = false;
    assert_int_equal(store_begin(), 0);
    assert_int_equal(log_one("c1", "10001", NULL, EV_TEXT, 1000, "甲的回复"), 0);
    assert_int_equal(store_commit(), 0);
    assert_int_equal(find("c1", "10002", NULL, EV_TEXT, "学习", &r, key, &coll), ZB_ENOTFOUND);
    assert_true(coll);
    assert_string_equal(key, "c1~2");
    assert_int_equal(find("c1", "10001", "9001", EV_TEXT, "学习", &r, key, &coll), ZB_ENOTFOUND);
    assert_true(coll);
    assert_int_equal(find("c1", "10001", NULL, EV_TEXT, "我的", &r, key, &coll), ZB_ENOTFOUND);
    assert_true(coll);
    assert_int_equal(find("c1", "10001", NULL, EV_VOICE, "学习", &r, key, &coll), ZB_ENOTFOUND);
    assert_true(coll);
    assert_int_equal(store_begin(), 0);
    assert_int_equal(log_one("c1~2", "10002", NULL, EV_TEXT, 1001, "乙的回复"), 0);
    assert_int_equal(store_commit(), 0);
    assert_int_equal(find("c1", "10002", NULL, EV_TEXT, "学习", &r, key, &coll), 0);
    assert_string_equal(r.text, "乙的回复");
    reply_free(&r);
    assert_int_equal(find("c1", "10001", NULL, EV_TEXT, "学习", &r, key, &coll), 0);
    assert_string_equal(r.text, "甲的回复");
    reply_free(&r);
    assert_int_equal(find("c1", "10003", NULL, EV_TEXT, "学习", &r, key, &coll), ZB_ENOTFOUND);
    assert_string_equal(key, "c1~3");
    /* another id that merely starts like this one is no collision */
    assert_int_equal(find("c", "10003", NULL, EV_TEXT, "学习", &r, key, &coll), ZB_ENOTFOUND);
    assert_false(coll);
    assert_string_equal(key, "c");
}

static void last_per_scope(void **state)
{
    (void)state;
    assert_int_equal(store_begin(), 0);
    assert_int_equal(log_one("p1", "20001", NULL, EV_TEXT, 2000, "a"), 0);
    assert_int_equal(log_one("p2", "20001", NULL, EV_VOICE, 2100, "b"), 0);
    assert_int_equal(log_one("p3", "20001", NULL, EV_FOLLOW, 2200, NULL), 0); /* not a message */
    assert_int_equal(log_one("g1", "20001", "9001", EV_TEXT, 2050, "c"), 0);
    assert_int_equal(log_one("g2", "20002", "9001", EV_IMAGE, 2150, "d"), 0);
    assert_int_equal(log_one("g3", "20001", "9002", EV_TEXT, 2120, "e"), 0);
    assert_int_equal(store_commit(), 0);

    struct eventlog_last l;
    assert_int_equal(eventlog_last("onebot", EL_PRIVATE, "20001", 0, &l), 0);
    assert_int_equal(l.at, 2100);
    assert_string_equal(l.msg_key, "p2");
    assert_string_equal(l.group, "");
    assert_int_equal(eventlog_last("onebot", EL_GROUP, "9001", 0, &l), 0);
    assert_string_equal(l.msg_key, "g2");
    assert_string_equal(l.group, "9001");
    assert_int_equal(eventlog_last("onebot", EL_USER_IN_GROUPS, "20001", 0, &l), 0);
    assert_string_equal(l.msg_key, "g3");
    assert_string_equal(l.group, "9002");
    /* since bounds the search; another platform sees nothing */
    assert_int_equal(eventlog_last("onebot", EL_PRIVATE, "20001", 2101, &l), ZB_ENOTFOUND);
    assert_int_equal(eventlog_last("wechat", EL_PRIVATE, "20001", 0, &l), ZB_ENOTFOUND);
}

static void print_lists_newest_in_order(void **state)
{
    (void)state;
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    assert_non_null(f);
    assert_int_equal(eventlog_print(f, 2, "UTC"), 0);
    fclose(f);
    /* the last two logged (g2, g3), oldest first, with handler and reply */
    char *a = strstr(buf, "@9001");
    char *b = strstr(buf, "@9002");
    assert_non_null(a);
    assert_non_null(b);
    assert_true(a < b);
    assert_null(strstr(buf, "20001 text")); /* p1 is older than the two */
    assert_non_null(strstr(buf, "-> study"));
    assert_int_equal(strchr(buf, '\n') != strrchr(buf, '\n'), 1); /* two lines */
    free(buf);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(insert_and_find),
        cmocka_unit_test(key_collision),
        cmocka_unit_test(last_per_scope),
        cmocka_unit_test(print_lists_newest_in_order),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
