/*
 * channel.c - unit tests for bot/channel.c against a real SQLite file: WeChat window and count,
 * template and subscription fallbacks, closed channels, member channel order, QQ passive reply
 * windows and msg_seq, active push, unreachable members.
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

#include "bot/delivery/channel.h"
#include "bot/store/store.h"

#define NOW 1800000000LL

static char db_path[64];

static void exec(const char *sql)
{
    assert_int_equal(sqlite3_exec(store_db(), sql, NULL, NULL, NULL), SQLITE_OK);
}

static int setup(void **state)
{
    (void)state;
    snprintf(db_path, sizeof db_path, "/tmp/zhibu-channel-%d.db", (int)getpid());
    unlink(db_path);
    if (store_init(db_path, false, NULL, 0))
        return -1;
    exec("INSERT INTO members(id, name, created_at, updated_at) VALUES(1,'a',0,0),(2,'b',0,0),"
         "(3,'c',0,0),(4,'d',0,0);"
         "INSERT INTO identities(platform, account, ext_id, member_id, first_seen, last_seen) "
         "VALUES('wechat','','oA',1,0,10),('onebot','','111',1,0,20),"
         "('wechat','','oB',2,0,10),"
         "('qqbot','','UC',3,0,10),('wxmini','','mini',4,0,10);"
         "INSERT INTO events(platform, user_id, group_id, kind, text, msg_key, received_at) VALUES"
         "('wechat','oA',NULL,'text','hi','e1',1800000000-3600),"
         "('wechat','oB',NULL,'follow','','e2',1800000000-60),"
         "('qqbot','UC',NULL,'text','hi','QC1',1800000000-1800),"
         "('qqbot','UG',NULL,'text','old','QC0',1800000000-7200),"
         "('qqbot','M9','G1','text','hi','QG1',1800000000-120),"
         "('qqbot','M8','G2','text','hi','QG2',1800000000-600);");
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    store_close_thread();
    char p[80];
    unlink(db_path);
    snprintf(p, sizeof p, "%s-wal", db_path);
    unlink(p);
    snprintf(p, sizeof p, "%s-shm", db_path);
    unlink(p);
    return 0;
}

static void rules(struct channel_rules *r)
{
    channel_rules_default(r);
    for (int p = 0; p < PLATFORM_COUNT; p++)
        r->platform_on[p] = true;
    static const struct channel_template tpls[] = {
        {.kind = "broadcast", .id = "TPL-B"},
        {.kind = "digest", .id = "SUB-D", .subscribe = true},
    };
    r->templates = tpls;
    r->ntemplates = 2;
}

static struct outbox_row row(enum outbox_rcpt rcpt, const char *to, enum outbox_kind kind)
{
    struct outbox_row r = {.rcpt = rcpt, .to = (char *)to, .kind = kind, .created_at = NOW};
    return r;
}

static int choose(const struct channel_rules *r, const struct outbox_row *w,
                  struct channel_route *out, char *why)
{
    return channel_choose(r, w, NOW, out, why, 512);
}

static void wechat_window_template_subscribe(void **state)
{
    (void)state;
    struct channel_rules r;
    struct channel_route rt;
    char why[512];
    rules(&r);
    struct outbox_row w = row(RCPT_WECHAT, "oA", OUTBOX_REMINDER);
    assert_int_equal(choose(&r, &w, &rt, why), 0); /* a message 1 h ago: customer service */
    assert_int_equal(rt.ch, CH_WECHAT_CS);
    assert_string_equal(rt.target, "oA");
    /* the count: 5 customer-service messages since that message close the window */
    exec("INSERT INTO outbox(idem_key, rcpt, to_id, kind, text, status, not_before, next_try_at, "
         "created_at, sent_at, channel, target) VALUES"
         "('c1','wechat','oA','reply','x','sent',0,0,0,1800000000-3000,'wechat_cs','oA'),"
         "('c2','wechat','oA','reply','x','sent',0,0,0,1800000000-3000,'wechat_cs','oA'),"
         "('c3','wechat','oA','reply','x','sent',0,0,0,1800000000-3000,'wechat_cs','oA'),"
         "('c4','wechat','oA','reply','x','sent',0,0,0,1800000000-3000,'wechat_cs','oA'),"
         "('c0','wechat','oA','reply','x','sent',0,0,0,1800000000-9000,'wechat_cs','oA');");
    assert_int_equal(choose(&r, &w, &rt, why), 0);
    assert_int_equal(rt.ch, CH_WECHAT_CS); /* 4 since the message; the older one does not count */
    exec("INSERT INTO outbox(idem_key, rcpt, to_id, kind, text, status, not_before, next_try_at, "
         "created_at, sent_at, channel, target) VALUES"
         "('c5','wechat','oA','reply','x','sent',0,0,0,1800000000-100,'wechat_cs','oA')");
    /* no reminder template: unreachable, with the reason */
    assert_int_equal(choose(&r, &w, &rt, why), ZB_ENOTFOUND);
    assert_non_null(strstr(why, "提醒"));
    w.kind = OUTBOX_BROADCAST;
    assert_int_equal(choose(&r, &w, &rt, why), 0);
    assert_int_equal(rt.ch, CH_WECHAT_TEMPLATE);
    assert_string_equal(rt.template_id, "TPL-B");
    w.kind = OUTBOX_DIGEST;
    assert_int_equal(choose(&r, &w, &rt, why), 0);
    assert_int_equal(rt.ch, CH_WECHAT_SUBSCRIBE);
    assert_string_equal(rt.template_id, "SUB-D");
    w.closed = 1u << CH_WECHAT_SUBSCRIBE;
    assert_int_equal(choose(&r, &w, &rt, why), ZB_ENOTFOUND);

    /* oB only followed (no own message): no customer service; a closed window is skipped */
    struct outbox_row b = row(RCPT_WECHAT, "oB", OUTBOX_BROADCAST);
    assert_int_equal(choose(&r, &b, &rt, why), 0);
    assert_int_equal(rt.ch, CH_WECHAT_TEMPLATE);
    struct outbox_row a = row(RCPT_WECHAT, "oA", OUTBOX_BROADCAST);
    r.cs_limit = 100;
    assert_int_equal(choose(&r, &a, &rt, why), 0);
    assert_int_equal(rt.ch, CH_WECHAT_CS);
    a.closed = 1u << CH_WECHAT_CS;
    assert_int_equal(choose(&r, &a, &rt, why), 0);
    assert_int_equal(rt.ch, CH_WECHAT_TEMPLATE);
    r.cs_window_s = 1800; /* the message was 1 h ago: outside a 30 min window */
    a.closed = 0;
    assert_int_equal(choose(&r, &a, &rt, why), 0);
    assert_int_equal(rt.ch, CH_WECHAT_TEMPLATE);

    r.platform_on[PLATFORM_WECHAT] = false;
    assert_int_equal(choose(&r, &a, &rt, why), ZB_EINVAL);
    assert_non_null(strstr(why, "wechat.app_secret"));
}

static void member_order_and_unreachable(void **state)
{
    (void)state;
    struct channel_rules r;
    struct channel_route rt;
    char why[512];
    rules(&r);
    struct outbox_row m = row(RCPT_MEMBER, "1", OUTBOX_REMINDER);
    r.cs_limit = 100;
    assert_int_equal(choose(&r, &m, &rt, why), 0);
    assert_int_equal(rt.ch, CH_WECHAT_CS);
    assert_int_equal(channel_parse_order(&r, "onebot,wechat"), 0);
    assert_int_equal(choose(&r, &m, &rt, why), 0);
    assert_int_equal(rt.ch, CH_ONEBOT_PRIVATE);
    assert_string_equal(rt.target, "111");
    /* OneBot refused it: back to WeChat */
    m.closed = 1u << CH_ONEBOT_PRIVATE;
    assert_int_equal(choose(&r, &m, &rt, why), 0);
    assert_int_equal(rt.ch, CH_WECHAT_CS);
    /* OneBot switched off: WeChat */
    m.closed = 0;
    r.platform_on[PLATFORM_ONEBOT] = false;
    assert_int_equal(choose(&r, &m, &rt, why), 0);
    assert_int_equal(rt.ch, CH_WECHAT_CS);

    struct outbox_row none = row(RCPT_MEMBER, "99", OUTBOX_REMINDER);
    assert_int_equal(choose(&r, &none, &rt, why), ZB_ENOTFOUND);
    assert_non_null(strstr(why, "没有绑定"));
    struct outbox_row mini = row(RCPT_MEMBER, "4", OUTBOX_REMINDER);
    assert_int_equal(choose(&r, &mini, &rt, why), ZB_ENOTFOUND);
    assert_non_null(strstr(why, "小程序"));
    struct outbox_row bad = row(RCPT_MEMBER, "x1", OUTBOX_REMINDER);
    assert_int_equal(choose(&r, &bad, &rt, why), ZB_EINVAL);

    assert_int_equal(channel_parse_order(&r, "wechat,wechat"), ZB_EINVAL);
    assert_int_equal(channel_parse_order(&r, "weixin"), ZB_EINVAL);
    assert_int_equal(channel_parse_order(&r, ""), ZB_EINVAL);
}

static void qq_passive_windows_and_seq(void **state)
{
    (void)state;
    struct channel_rules r;
    struct channel_route rt;
    char why[512];
    rules(&r);
    /* C2C: the message 30 min ago is inside 60 min */
    struct outbox_row c = row(RCPT_QQBOT_USER, "UC", OUTBOX_REPLY);
    assert_int_equal(choose(&r, &c, &rt, why), 0);
    assert_int_equal(rt.ch, CH_QQBOT_C2C);
    assert_string_equal(rt.reply_to, "QC1");
    assert_int_equal(rt.seq, 1);
    exec("INSERT INTO outbox(idem_key, rcpt, to_id, kind, text, reply_to, seq, not_before, "
         "next_try_at, created_at) VALUES('q1','qqbot_user','UC','reply','x','QC1',3,0,0,0)");
    assert_int_equal(choose(&r, &c, &rt, why), 0);
    assert_int_equal(rt.seq, 4);
    exec("INSERT INTO outbox(idem_key, rcpt, to_id, kind, text, reply_to, seq, not_before, "
         "next_try_at, created_at) VALUES('q2','qqbot_user','UC','reply','x','QC1',5,0,0,0)");
    assert_int_equal(choose(&r, &c, &rt, why), ZB_ENOTFOUND); /* 5 replies used */
    /* the message 2 h ago is outside the window; with active push it goes anyway */
    struct outbox_row old = row(RCPT_QQBOT_USER, "UG", OUTBOX_REPLY);
    assert_int_equal(choose(&r, &old, &rt, why), ZB_ENOTFOUND);
    assert_non_null(strstr(why, "主动推送"));
    r.qq_active = true;
    assert_int_equal(choose(&r, &old, &rt, why), 0);
    assert_string_equal(rt.reply_to, "");
    r.qq_active = false;

    /* group: 2 min ago inside 5 min; 10 min ago outside */
    struct outbox_row g1 = row(RCPT_QQBOT_GROUP, "G1", OUTBOX_REPLY);
    assert_int_equal(choose(&r, &g1, &rt, why), 0);
    assert_int_equal(rt.ch, CH_QQBOT_GROUP);
    assert_string_equal(rt.reply_to, "QG1");
    struct outbox_row g2 = row(RCPT_QQBOT_GROUP, "G2", OUTBOX_REPLY);
    assert_int_equal(choose(&r, &g2, &rt, why), ZB_ENOTFOUND);

    /* a reply the adapter queued names its message: the window counts from that message */
    struct outbox_row e = row(RCPT_QQBOT_GROUP, "G2", OUTBOX_REPLY);
    e.reply_to = "QG2";
    e.seq = 1;
    assert_int_equal(choose(&r, &e, &rt, why), ZB_EINVAL);
    assert_non_null(strstr(why, "时限"));
    e.reply_to = "QG1";
    e.to = "G1";
    assert_int_equal(choose(&r, &e, &rt, why), 0);
    assert_int_equal(rt.seq, 1);
    e.seq = 6;
    assert_int_equal(choose(&r, &e, &rt, why), ZB_EINVAL);

    /* a member known by an open-platform openid: the C2C window */
    struct outbox_row m = row(RCPT_MEMBER, "3", OUTBOX_REPLY);
    exec("DELETE FROM outbox WHERE reply_to='QC1'");
    assert_int_equal(choose(&r, &m, &rt, why), 0);
    assert_int_equal(rt.ch, CH_QQBOT_C2C);
    assert_string_equal(rt.target, "UC");

    r.platform_on[PLATFORM_QQBOT] = false;
    assert_int_equal(choose(&r, &g1, &rt, why), ZB_EINVAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(wechat_window_template_subscribe),
        cmocka_unit_test(member_order_and_unreachable),
        cmocka_unit_test(qq_passive_windows_and_seq),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
