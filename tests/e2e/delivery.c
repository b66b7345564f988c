/*
 * delivery.c - end-to-end tests of the outbox: the real zhibu binary delivering to the fake
 * platform (tests/fakes/fake_platform.c) on loopback.
 *
 *   crash_and_restart  1,000 messages across WeChat, OneBot and the QQ bot; the fake refuses
 *                      each token after 120 sends (token expiry mid-run); zhibu is killed with
 *                      SIGKILL mid-delivery and restarted: every message arrives, repeats are at
 *                      most the sender's concurrency, none on WeChat (client_msg_id), and each
 *                      QQ group gets its messages in queue order.
 *   http_500_for_a_while  the platform answers 500 to 40 sends, then recovers: all delivered.
 *   channels_and_errors   customer-service window, template fallback on 45015, never-retry
 *                      40164, OneBot retcode retried, unreachable members, expiry, QQ passive
 *                      replies with msg_seq and the platform's dedupe, `zhibu push`/`outbox`.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "bot/delivery/outbox.h"
#include "bot/store/store.h"
#include "tests/e2e/delivery_util.h"

#define CONCURRENCY 8

/* queue - push n messages with the test process's own connection (as a handler would). */
static void queue(const struct du_server *s, const struct outbox_msg *m, size_t n)
{
    assert_int_equal(store_init(s->db, false, NULL, 0), 0);
    assert_int_equal(store_begin(), 0);
    for (size_t i = 0; i < n; i++)
        assert_int_equal(outbox_push(&m[i], NULL), 0);
    assert_int_equal(store_commit(), 0);
    store_close_thread();
}

static void queue_one(const struct du_server *s, const char *key, enum outbox_rcpt rcpt,
                      const char *to, const char *text)
{
    struct outbox_msg m = {
        .idem_key = key, .rcpt = rcpt, .to = to, .kind = OUTBOX_BROADCAST, .text = text};
    queue(s, &m, 1);
}

/* group_index - the test's group number 9000..9039 as 0..39. */
static int group_index(const char *to)
{
    long g = strtol(to, NULL, 10) - 9000;
    if (g < 0 || g >= 40)
        fail_msg("unexpected group %s", to);
    return (int)g;
}

static void crash_and_restart(void **state)
{
    (void)state;
    struct du_fake f;
    struct du_server s;
    const char *const fake_args[] = {"--slow-ms", "15", "--expire-after", "120", NULL};
    assert_int_equal(du_fake_start(&f, fake_args), 0);
    assert_int_equal(du_server_config(&s, &f, CONCURRENCY, "\"template\":{\"broadcast\":\"TPL-B\"}",
                                      "\"active_push\":true", NULL),
                     0);
    assert_int_equal(du_server_start(&s), 0);

    enum { N = 1000 };
    static char keys[N][32], tos[N][32], texts[N][32];
    static struct outbox_msg m[N];
    for (int i = 0; i < N; i++) {
        snprintf(keys[i], sizeof keys[i], "crash:%d", i);
        snprintf(texts[i], sizeof texts[i], "m%04d", i);
        m[i] = (struct outbox_msg){
            .idem_key = keys[i], .kind = OUTBOX_BROADCAST, .text = texts[i], .to = tos[i]};
        switch (i % 4) {
        case 0:
            m[i].rcpt = RCPT_WECHAT;
            snprintf(tos[i], sizeof tos[i], "oUser%d", i);
            break;
        case 1:
            m[i].rcpt = RCPT_ONEBOT_USER;
            snprintf(tos[i], sizeof tos[i], "%d", 100000 + i);
            break;
        case 2:
            m[i].rcpt = RCPT_ONEBOT_GROUP;
            snprintf(tos[i], sizeof tos[i], "%d", 9000 + i % 40);
            break;
        default:
            m[i].rcpt = RCPT_QQBOT_USER;
            snprintf(tos[i], sizeof tos[i], "U%d", i);
            break;
        }
    }
    queue(&s, m, N);

    for (int i = 0; i < 300 && du_fake_stat(&f, "accepted") < 250; i++)
        du_sleep_ms(20);
    long before_kill = du_fake_stat(&f, "accepted");
    du_server_kill9(&s);
    long long in_flight = du_db_int(&s, "SELECT count(*) FROM outbox WHERE status='sending'");
    long long sent_at_kill = du_db_int(&s, "SELECT count(*) FROM outbox WHERE status='sent'");
    printf("killed after %ld accepted; %lld rows sending, %lld sent\n", before_kill, in_flight,
           sent_at_kill);
    assert_true(before_kill >= 250 && before_kill < N);
    assert_true(in_flight <= CONCURRENCY);

    assert_int_equal(du_server_start(&s), 0);
    assert_true(du_wait_db(&s, "SELECT count(*) FROM outbox WHERE status='sent'", N, 40000));
    assert_int_equal(du_server_stop(&s), 0);

    size_t nrec = 0;
    struct du_rec *rec = du_records(&f, &nrec);
    static int delivered[N], wechat_dups[N];
    static long group_last[40];
    memset(delivered, 0, sizeof delivered);
    memset(wechat_dups, 0, sizeof wechat_dups);
    for (int g = 0; g < 40; g++)
        group_last[g] = -1;
    int out_of_order = 0;
    for (size_t r = 0; r < nrec; r++) {
        int i = -1;
        if (sscanf(rec[r].text, "m%d", &i) != 1 || i < 0 || i >= N)
            fail_msg("unexpected text %s", rec[r].text);
        if (rec[r].dup) {
            wechat_dups[i] += strcmp(rec[r].api, "wechat_template") == 0;
            continue;
        }
        delivered[i]++;
        if (strcmp(rec[r].api, "onebot_group") == 0 && delivered[i] == 1) {
            int g = group_index(rec[r].to);
            out_of_order += i < group_last[g];
            group_last[g] = i;
        }
    }
    int missing = 0, repeats = 0, wechat_repeats = 0, wechat_deduped = 0;
    for (int i = 0; i < N; i++) {
        missing += delivered[i] == 0;
        repeats += delivered[i] > 1 ? delivered[i] - 1 : 0;
        if (i % 4 == 0) {
            wechat_repeats += delivered[i] > 1;
            wechat_deduped += wechat_dups[i];
        }
    }
    printf("records %zu, missing %d, repeats %d (at most %d), WeChat repeats %d, WeChat sends "
           "deduplicated by client_msg_id %d, tokens issued %ld, tokens refused %ld\n",
           nrec, missing, repeats, CONCURRENCY, wechat_repeats, wechat_deduped,
           du_fake_stat(&f, "tokens"), du_fake_stat(&f, "refused"));
    assert_int_equal(missing, 0);
    assert_true(repeats <= CONCURRENCY);
    assert_int_equal(wechat_repeats, 0);
    assert_int_equal(out_of_order, 0);
    assert_true(du_fake_stat(&f, "refused") >= 2); /* tokens expired mid-run ... */
    assert_true(du_fake_stat(&f, "tokens") >= 4);  /* ... and were fetched again */
    assert_int_equal(du_db_int(&s, "SELECT count(*) FROM outbox WHERE status<>'sent'"), 0);
    assert_true(du_file_has(s.log, "in flight at the last stop"));
    free(rec);
    du_fake_stop(&f);
}

static void http_500_for_a_while(void **state)
{
    (void)state;
    struct du_fake f;
    struct du_server s;
    assert_int_equal(du_fake_start(&f, NULL), 0);
    assert_int_equal(du_server_config(&s, &f, 4, NULL, "\"active_push\":true", NULL), 0);
    assert_int_equal(du_fake_set(&f, "fail_http=500&fail_count=40"), 0);
    assert_int_equal(du_server_start(&s), 0);
    struct outbox_msg m[40];
    char keys[40][32], tos[40][32];
    for (int i = 0; i < 40; i++) {
        snprintf(keys[i], sizeof keys[i], "f500:%d", i);
        snprintf(tos[i], sizeof tos[i], i % 2 ? "%d" : "G%d", 200 + i);
        m[i] = (struct outbox_msg){.idem_key = keys[i],
                                   .rcpt = i % 2 ? RCPT_ONEBOT_USER : RCPT_QQBOT_GROUP,
                                   .to = tos[i],
                                   .kind = OUTBOX_REMINDER,
                                   .text = "开会提醒"};
    }
    queue(&s, m, 40);
    assert_true(du_wait_db(&s, "SELECT count(*) FROM outbox WHERE status='sent'", 40, 30000));
    assert_true(du_db_int(&s, "SELECT max(attempts) FROM outbox") >= 2);
    assert_int_equal(du_db_int(&s, "SELECT count(*) FROM outbox WHERE error_code IS NOT NULL"), 0);
    assert_int_equal(du_fake_stat(&f, "accepted"), 40);
    /* retries are routine: logged at DEBUG, so not in this info-level log (issue 11 item 18) */
    assert_false(du_file_has(s.log, "http_500; again in"));
    assert_int_equal(du_server_stop(&s), 0);
    du_fake_stop(&f);
}

static long long status_of(const struct du_server *s, const char *key, const char *col)
{
    char sql[256];
    snprintf(sql, sizeof sql, "SELECT %s FROM outbox WHERE idem_key='%s'", col, key);
    return du_db_int(s, sql);
}

static bool row_is(const struct du_server *s, const char *key, const char *status)
{
    char sql[256];
    snprintf(sql, sizeof sql, "SELECT count(*) FROM outbox WHERE idem_key='%s' AND status='%s'",
             key, status);
    return du_wait_db(s, sql, 1, 15000);
}

static void channels_and_errors(void **state)
{
    (void)state;
    struct du_fake f;
    struct du_server s;
    char out[8192];
    assert_int_equal(du_fake_start(&f, NULL), 0);
    assert_int_equal(
        du_server_config(&s, &f, 4, "\"template\":{\"broadcast\":\"TPL-B\"}", NULL, NULL), 0);
    assert_int_equal(du_server_start(&s), 0); /* creates the schema */
    assert_int_equal(
        du_db_exec(&s, "INSERT INTO members(id, name, created_at, updated_at) VALUES"
                       "(1,'甲',0,0),(2,'乙',0,0),(3,'丙',0,0),(4,'丁',0,0),"
                       "(5,'戊',0,0);"
                       "INSERT INTO identities(platform, account, ext_id, member_id, first_seen, "
                       "last_seen) VALUES('wechat','','oM1',1,0,100),('onebot','','10001',1,0,50),"
                       "('wechat','','oM2',2,0,100),('wxmini','','mini4',4,0,100),"
                       "('wechat','','oM5',5,0,100),('onebot','','10005',5,0,50);"
                       "INSERT INTO events(platform, user_id, kind, text, msg_key, received_at) "
                       "VALUES('wechat','oM1','text','在吗','wx:1',strftime('%s','now')-600),"
                       "('qqbot','UQ1','text','你好','QMSG1',strftime('%s','now')-60);"),
        0);

    /* never retry: 40164 fails at once, with the reason */
    assert_int_equal(du_fake_set(&f, "wechat_errcode=40164&errcode_count=1"), 0);
    queue_one(&s, "ip", RCPT_WECHAT, "oIP", "白名单测试");
    assert_true(row_is(&s, "ip", "failed"));
    assert_int_equal(status_of(&s, "ip", "attempts"), 1);

    /* member 1: inside the customer-service window -> customer service */
    queue_one(&s, "cs", RCPT_MEMBER, "1", "客服消息");
    assert_true(row_is(&s, "cs", "sent"));
    assert_int_equal(du_db_int(&s, "SELECT count(*) FROM outbox WHERE idem_key='cs' AND "
                                   "channel='wechat_cs' AND target='oM1'"),
                     1);
    /* the window closed on WeChat's side (45015): the template is the next channel */
    assert_int_equal(du_fake_set(&f, "wechat_errcode=45015&errcode_count=1"), 0);
    queue_one(&s, "cs2", RCPT_MEMBER, "1", "窗口关闭后");
    assert_true(row_is(&s, "cs2", "sent"));
    assert_int_equal(du_db_int(&s, "SELECT count(*) FROM outbox WHERE idem_key='cs2' AND "
                                   "channel='wechat_template'"),
                     1);
    /* member 2: no recent message -> template; 3: nothing bound; 4: only a mini-program id */
    queue_one(&s, "m2", RCPT_MEMBER, "2", "模板消息");
    queue_one(&s, "m3", RCPT_MEMBER, "3", "找不到的人");
    queue_one(&s, "m4", RCPT_MEMBER, "4", "小程序");
    assert_true(row_is(&s, "m2", "sent"));
    assert_true(row_is(&s, "m3", "unreachable"));
    assert_true(row_is(&s, "m4", "unreachable"));
    assert_true(du_file_has(s.log, "WARN  sender: #")); /* a failure is a WARN */

    /* member 5 unfollowed the official account (43004 on the template): not failed, their QQ
     * is the next channel; a WeChat-only recipient who unfollowed is on the phone list */
    assert_int_equal(du_fake_set(&f, "wechat_errcode=43004&errcode_count=1"), 0);
    queue_one(&s, "unf5", RCPT_MEMBER, "5", "取消关注后");
    assert_true(row_is(&s, "unf5", "sent"));
    assert_int_equal(du_db_int(&s, "SELECT count(*) FROM outbox WHERE idem_key='unf5' AND "
                                   "channel='onebot_private' AND target='10005'"),
                     1);
    assert_int_equal(du_fake_set(&f, "wechat_errcode=43004&errcode_count=1"), 0);
    queue_one(&s, "unf", RCPT_WECHAT, "oUnf", "只有微信");
    assert_true(row_is(&s, "unf", "unreachable"));
    assert_int_equal(status_of(&s, "unf", "attempts"), 1);

    /* OneBot retcode != 0 is retried */
    assert_int_equal(du_fake_set(&f, "onebot_retcode=100&retcode_count=1"), 0);
    queue_one(&s, "ob", RCPT_ONEBOT_USER, "10086", "重试");
    assert_true(row_is(&s, "ob", "sent"));
    assert_int_equal(status_of(&s, "ob", "attempts"), 2);

    /* expired before it could be sent */
    struct outbox_msg old = {.idem_key = "old",
                             .rcpt = RCPT_ONEBOT_USER,
                             .to = "10087",
                             .kind = OUTBOX_REMINDER,
                             .text = "过期",
                             .expires_at = (int64_t)time(NULL) - 5};
    queue(&s, &old, 1);
    assert_true(row_is(&s, "old", "failed"));

    /* QQ bot without active push: passive replies to UQ1's message, msg_seq 1 then 2; a
     * reply the platform saw before (same msg_id and msg_seq) counts as delivered */
    queue_one(&s, "qq1", RCPT_QQBOT_USER, "UQ1", "被动回复一");
    assert_true(row_is(&s, "qq1", "sent"));
    queue_one(&s, "qq2", RCPT_QQBOT_USER, "UQ1", "被动回复二");
    assert_true(row_is(&s, "qq2", "sent"));
    assert_int_equal(status_of(&s, "qq2", "seq"), 2);
    struct outbox_msg again = {.idem_key = "qq1-again",
                               .rcpt = RCPT_QQBOT_USER,
                               .to = "UQ1",
                               .kind = OUTBOX_REPLY,
                               .text = "被动回复一",
                               .reply_to = "QMSG1",
                               .seq = 1};
    queue(&s, &again, 1);
    assert_true(row_is(&s, "qq1-again", "sent"));
    queue_one(&s, "qq-none", RCPT_QQBOT_USER, "UQ2", "没有可回复的消息");
    assert_true(row_is(&s, "qq-none", "unreachable"));

    /* the CLI */
    assert_int_equal(du_cli(&s, out, sizeof out, "push", "--qq-group", "5555", "--key", "cli1",
                            "全体", "注意", NULL),
                     0);
    assert_non_null(strstr(out, "已加入发送队列"));
    assert_int_equal(du_cli(&s, out, sizeof out, "push", "--qq-group", "5555", "--key", "cli1",
                            "全体", "注意", NULL),
                     0);
    assert_non_null(strstr(out, "已在队列中"));
    assert_true(row_is(&s, "cli1", "sent"));
    assert_int_equal(du_cli(&s, out, sizeof out, "outbox", "--status", "failed", NULL), 0);
    assert_non_null(strstr(out, "40164"));
    assert_non_null(strstr(out, "白名单"));
    assert_non_null(strstr(out, "已过期"));
    assert_null(strstr(out, "已发送"));
    assert_int_equal(du_cli(&s, out, sizeof out, "outbox", "--status", "unreachable", NULL), 0);
    assert_non_null(strstr(out, "成员 3 没有绑定微信或 QQ"));
    assert_non_null(strstr(out, "小程序"));
    assert_non_null(strstr(out, "用户可能已取消关注公众号")); /* why oUnf */
    assert_int_equal(du_cli(&s, out, sizeof out, "outbox", "--limit", "3", NULL), 0);
    assert_non_null(strstr(out, "onebot_group 5555"));
    assert_int_equal(du_cli(&s, out, sizeof out, "outbox", "--status", "bogus", NULL), 2);
    assert_int_equal(du_cli(&s, out, sizeof out, "push", "--member", "abc", "x", NULL), 2);

    /* what the fake saw */
    size_t n = 0;
    struct du_rec *rec = du_records(&f, &n);
    int cs = 0, tmpl_m1 = 0, seq2 = 0, qq_dup = 0;
    for (size_t i = 0; i < n; i++) {
        cs += strcmp(rec[i].api, "wechat_cs") == 0 && strcmp(rec[i].to, "oM1") == 0;
        tmpl_m1 += strcmp(rec[i].api, "wechat_template") == 0 && strcmp(rec[i].to, "oM1") == 0;
        seq2 += strcmp(rec[i].api, "qqbot_c2c") == 0 && strcmp(rec[i].key, "QMSG1") == 0 &&
                rec[i].seq == 2 && !rec[i].dup;
        qq_dup += strcmp(rec[i].api, "qqbot_c2c") == 0 && rec[i].dup;
    }
    free(rec);
    assert_int_equal(cs, 1);
    assert_int_equal(tmpl_m1, 1);
    assert_int_equal(seq2, 1);
    assert_int_equal(qq_dup, 1);
    assert_false(du_file_has(s.log, DU_WX_SECRET));
    assert_false(du_file_has(s.log, "access_token="));
    assert_int_equal(du_server_stop(&s), 0);
    du_fake_stop(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(crash_and_restart),
        cmocka_unit_test(http_500_for_a_while),
        cmocka_unit_test(channels_and_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
