/*
 * outbox.c - unit tests for bot/outbox.c: idempotent queuing, validation, msg_seq assignment,
 * claiming in order with one row in flight per recipient, results, recovery after a crash.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "bot/delivery/outbox.h"
#include "bot/store/store.h"

static char db_path[64];

static int setup(void **state)
{
    (void)state;
    snprintf(db_path, sizeof db_path, "/tmp/zhibu-outbox-%d.db", (int)getpid());
    unlink(db_path);
    return store_init(db_path, false, NULL, 0);
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

static int push(const char *key, enum outbox_rcpt rcpt, const char *to, int64_t *id)
{
    struct outbox_msg m = {
        .idem_key = key, .rcpt = rcpt, .to = to, .kind = OUTBOX_BROADCAST, .text = "t"};
    assert_int_equal(store_begin(), 0);
    int rc = outbox_push(&m, id);
    assert_int_equal(store_commit(), 0);
    return rc;
}

static void idempotent_and_validated(void **state)
{
    (void)state;
    int64_t a = 0, b = 0;
    assert_int_equal(push("k1", RCPT_ONEBOT_USER, "123", &a), 0);
    assert_int_equal(push("k1", RCPT_ONEBOT_USER, "456", &b), 0);
    assert_true(a > 0);
    assert_int_equal(a, b);
    long long n = 0;
    assert_int_equal(outbox_count(NULL, &n), 0);
    assert_int_equal(n, 1);
    assert_int_equal(push("k2", RCPT_MEMBER, "7x", NULL), ZB_EINVAL);
    assert_int_equal(push("", RCPT_WECHAT, "o1", NULL), ZB_EINVAL);
    assert_int_equal(push("k3", (enum outbox_rcpt)42, "o1", NULL), ZB_EINVAL);
    struct outbox_msg m = {
        .idem_key = "k4", .rcpt = RCPT_WECHAT, .to = "o1", .text = "t", .data_json = "[1]"};
    assert_int_equal(store_begin(), 0);
    assert_int_equal(outbox_push(&m, NULL), ZB_EINVAL);
    m.data_json = "{\"thing1\":{\"value\":\"x\"}}";
    assert_int_equal(outbox_push(&m, NULL), 0);
    static char big[OUTBOX_TEXT_MAX + 2];
    memset(big, 'a', sizeof big - 1);
    m.idem_key = "k5";
    m.data_json = NULL;
    m.text = big;
    assert_int_equal(outbox_push(&m, NULL), ZB_ETOOBIG);
    assert_int_equal(store_commit(), 0);
}

static void seq_assigned(void **state)
{
    (void)state;
    int seq = -1;
    assert_int_equal(store_begin(), 0);
    for (int i = 1; i <= 3; i++) {
        char key[16];
        snprintf(key, sizeof key, "r%d", i);
        struct outbox_msg m = {.idem_key = key,
                               .rcpt = RCPT_QQBOT_USER,
                               .to = "U1",
                               .text = "t",
                               .reply_to = "MSG1",
                               .seq = i == 3 ? 5 : 0};
        assert_int_equal(outbox_push(&m, NULL), 0);
    }
    assert_int_equal(store_commit(), 0);
    assert_int_equal(outbox_max_seq("MSG1", &seq), 0);
    assert_int_equal(seq, 5);
    assert_int_equal(outbox_max_seq("MSG2", &seq), 0);
    assert_int_equal(seq, 0);
}

static void claim_in_order_per_recipient(void **state)
{
    (void)state;
    assert_int_equal(sqlite3_exec(store_db(), "DELETE FROM outbox", NULL, NULL, NULL), 0);
    int64_t ids[6];
    assert_int_equal(push("a1", RCPT_ONEBOT_GROUP, "1", &ids[0]), 0);
    assert_int_equal(push("b1", RCPT_ONEBOT_GROUP, "2", &ids[1]), 0);
    assert_int_equal(push("a2", RCPT_ONEBOT_GROUP, "1", &ids[2]), 0);
    assert_int_equal(push("c1", RCPT_WECHAT, "1", &ids[3]), 0); /* another kind, same id */
    int64_t now = (int64_t)time(NULL);
    struct outbox_row rows[8];
    size_t n = 0;
    assert_int_equal(outbox_claim(now, rows, 8, &n), 0);
    assert_int_equal(n, 3); /* a1, b1, c1: a2 waits for a1 */
    int64_t got[3] = {rows[0].id, rows[1].id, rows[2].id};
    assert_true(got[0] == ids[0] || got[1] == ids[0] || got[2] == ids[0]);
    for (size_t i = 0; i < n; i++) {
        assert_int_equal(rows[i].attempts, 1);
        assert_true(rows[i].id != ids[2]);
    }
    size_t again = 9;
    struct outbox_row more[8];
    assert_int_equal(outbox_claim(now, more, 8, &again), 0);
    assert_int_equal(again, 0); /* all heads in flight */
    /* a1 fails transiently and backs off: a2 must still wait (order per recipient) */
    struct outbox_result res[3] = {0};
    for (size_t i = 0; i < n; i++) {
        res[i].id = rows[i].id;
        res[i].status = rows[i].id == ids[0] ? "pending" : "sent";
        res[i].next_try_at = now + 60;
        res[i].channel = "onebot_group";
        res[i].target = rows[i].to;
        if (rows[i].id == ids[0]) {
            res[i].error_code = "http_500";
            res[i].error_text = "平台错误";
        }
    }
    assert_int_equal(outbox_finish(res, n, now), 0);
    for (size_t i = 0; i < n; i++)
        outbox_row_free(&rows[i]);
    assert_int_equal(outbox_claim(now, more, 8, &again), 0);
    assert_int_equal(again, 0);
    int64_t due = 0;
    assert_int_equal(outbox_next_due(&due), 0);
    assert_true(due > 0 && due <= now); /* a2: due, though it waits behind a1 */
    assert_int_equal(outbox_claim(now + 60, more, 8, &again), 0);
    assert_int_equal(again, 1);
    assert_int_equal(more[0].id, ids[0]);
    assert_int_equal(more[0].attempts, 2);
    outbox_row_free(&more[0]);

    /* a crash: the row left "sending" goes back to pending, and a2 still waits behind it */
    int recovered = 0;
    assert_int_equal(outbox_recover(now, &recovered), 0);
    assert_int_equal(recovered, 1);
    assert_int_equal(outbox_claim(now + 60, more, 8, &again), 0);
    assert_int_equal(again, 1);
    assert_int_equal(more[0].id, ids[0]);
    struct outbox_result ok = {.id = ids[0], .status = "sent", .channel = "onebot_group"};
    assert_int_equal(outbox_finish(&ok, 1, now + 61), 0);
    outbox_row_free(&more[0]);
    assert_int_equal(outbox_claim(now + 61, more, 8, &again), 0);
    assert_int_equal(again, 1);
    assert_int_equal(more[0].id, ids[2]);
    outbox_row_free(&more[0]);

    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    assert_int_equal(outbox_print(f, "sent", 10, false), 0);
    fclose(f);
    assert_non_null(strstr(buf, "已发送"));
    assert_non_null(strstr(buf, "onebot_group"));
    assert_null(strstr(buf, "发送中"));
    free(buf);
    int swept = 0;
    assert_int_equal(store_begin(), 0);
    assert_int_equal(outbox_sweep(now + 62, &swept), 0);
    assert_int_equal(store_commit(), 0);
    assert_int_equal(swept, 3);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(idempotent_and_validated),
        cmocka_unit_test(seq_assigned),
        cmocka_unit_test(claim_in_order_per_recipient),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
