/*
 * sender.c - unit tests for bot/delivery/sender.c: exponential backoff with equal jitter, and
 * the running sender on a fresh database against a loopback HTTP server (libmicrohttpd) that
 * records what it receives: claims, per-recipient order, a recipient's queue delivered back to
 * back (counted in claims, not wall time), retry after a failure, unreachable recipients.
 */
#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>
#include <pthread.h>
#include <time.h>

#include "tests/unit/unit_db.h"

#include "bot/base/buf.h"
#include "bot/base/rand.h"
#include "bot/delivery/outbox.h"
#include "bot/delivery/sender.h"

#define SEEN_MAX 256

/* The loopback platform: answers 500 to the next fail_next requests, then 200. */
static struct {
    pthread_mutex_t mu;
    struct MHD_Daemon *d;
    int port;
    int fail_next;
    char seen[SEEN_MAX][64]; /* bodies accepted, in arrival order */
    int nseen;
    int requests;
} fake = {.mu = PTHREAD_MUTEX_INITIALIZER};

struct upload {
    char body[64];
    size_t len;
};

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
                                  const char *method, const char *version, const char *data,
                                  size_t *size, void **ctx)
{
    (void)cls;
    (void)url;
    (void)method;
    (void)version;
    struct upload *u = *ctx;
    if (!u) {
        *ctx = calloc(1, sizeof *u);
        return MHD_YES;
    }
    if (*size) {
        size_t n = *size < sizeof u->body - 1 - u->len ? *size : sizeof u->body - 1 - u->len;
        memcpy(u->body + u->len, data, n);
        u->len += n;
        *size = 0;
        return MHD_YES;
    }
    unsigned status = 200;
    pthread_mutex_lock(&fake.mu);
    fake.requests++;
    if (fake.fail_next > 0) {
        fake.fail_next--;
        status = 500;
    } else if (fake.nseen < SEEN_MAX) {
        snprintf(fake.seen[fake.nseen++], sizeof fake.seen[0], "%s", u->body);
    }
    pthread_mutex_unlock(&fake.mu);
    /* a body "id=X" is echoed: the judge takes X for the platform's message id */
    bool echo = status == 200 && strncmp(u->body, "id=", 3) == 0;
    struct MHD_Response *r = MHD_create_response_from_buffer(
        echo ? u->len : 2, echo ? u->body : "{}", MHD_RESPMEM_MUST_COPY);
    enum MHD_Result ret = MHD_queue_response(c, status, r);
    MHD_destroy_response(r);
    return ret;
}

static void on_done(void *cls, struct MHD_Connection *c, void **ctx,
                    enum MHD_RequestTerminationCode code)
{
    (void)cls;
    (void)c;
    (void)code;
    free(*ctx);
    *ctx = NULL;
}

static int send_port; /* the port requests go to: the loopback platform's, or a closed one */

static enum send_outcome prepare(void *ctx, const struct outbox_row *row,
                                 const struct channel_route *rt, int64_t now,
                                 struct send_request *req, struct send_error *err)
{
    (void)ctx;
    (void)rt;
    (void)now;
    (void)err;
    snprintf(req->url, sizeof req->url, "http://127.0.0.1:%d/send", send_port);
    return buf_appendz(&req->body, row->text) ? SEND_FATAL : SEND_OK;
}

static enum send_outcome judge(void *ctx, const struct channel_route *rt,
                               const struct send_request *req, long status, const char *body,
                               size_t len, char *msg_id, struct send_error *err)
{
    (void)ctx;
    (void)rt;
    (void)req;
    if (status == 200) {
        /* the loopback platform echoes the body: "id=X" answers with message id X */
        if (len > 3 && strncmp(body, "id=", 3) == 0 && len - 3 <= SEND_MSGID_MAX)
            snprintf(msg_id, SEND_MSGID_MAX + 1, "%s", body + 3);
        return SEND_OK;
    }
    snprintf(err->code, sizeof err->code, "http_%ld", status);
    snprintf(err->text, sizeof err->text, "平台错误");
    return SEND_RETRY;
}

static struct send_client client = {
    .platform = PLATFORM_ONEBOT, .prepare = prepare, .judge = judge};
static struct sender_config cfg;

static int setup(void **state)
{
    (void)state;
    if (unit_db_open("sender"))
        return -1;
    fake.d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG, 0, NULL, NULL,
                              on_request, NULL, MHD_OPTION_NOTIFY_COMPLETED, on_done, NULL,
                              MHD_OPTION_END);
    if (!fake.d)
        return -1;
    fake.port = MHD_get_daemon_info(fake.d, MHD_DAEMON_INFO_BIND_PORT)->port;
    send_port = fake.port;
    cfg.concurrency = 4;
    cfg.max_attempts = 3;
    cfg.backoff_s = 1;
    cfg.backoff_max_s = 1;
    cfg.timeout_ms = 3000;
    cfg.rate_pause_s = 1;
    channel_rules_default(&cfg.rules);
    cfg.rules.platform_on[PLATFORM_ONEBOT] = true;
    cfg.client[PLATFORM_ONEBOT] = &client;
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    MHD_stop_daemon(fake.d);
    unit_db_close();
    return 0;
}

/* reset - an empty outbox and a fresh recording. */
static void reset(int fail_next)
{
    assert_int_equal(sqlite3_exec(store_db(), "DELETE FROM outbox", NULL, NULL, NULL), SQLITE_OK);
    pthread_mutex_lock(&fake.mu);
    fake.nseen = 0;
    fake.requests = 0;
    fake.fail_next = fail_next;
    pthread_mutex_unlock(&fake.mu);
}

static void queue(const char *key, enum outbox_rcpt rcpt, const char *to, const char *text)
{
    struct outbox_msg m = {
        .idem_key = key, .rcpt = rcpt, .to = to, .kind = OUTBOX_BROADCAST, .text = text};
    assert_int_equal(outbox_push(&m, NULL), 0);
}

/* settle - wait (at most 15 s) until no row is pending or sending. */
static void settle(void)
{
    for (int i = 0; i < 1500; i++) {
        if (unit_db_int("SELECT count(*) FROM outbox WHERE status IN ('pending','sending')") == 0)
            return;
        struct timespec ts = {0, 10 * 1000000L};
        nanosleep(&ts, NULL);
    }
    fprintf(stderr, "sent %lld pending %lld sending %lld\n",
            unit_db_int("SELECT count(*) FROM outbox WHERE status='sent'"),
            unit_db_int("SELECT count(*) FROM outbox WHERE status='pending'"),
            unit_db_int("SELECT count(*) FROM outbox WHERE status='sending'"));
    fail_msg("the outbox did not drain");
}

/* A recipient's 50 rows go out back to back, in order, in a couple of claims (with one claim
 * per row, as before, this took 50 claims a second apart). */
static void back_to_back(void **state)
{
    (void)state;
    reset(0);
    enum { N = 50 };
    assert_int_equal(store_begin(), 0);
    for (int i = 0; i < N; i++) {
        char key[32], text[32];
        snprintf(key, sizeof key, "b2b:%d", i);
        snprintf(text, sizeof text, "m%02d", i);
        queue(key, RCPT_ONEBOT_GROUP, "9001", text);
    }
    assert_int_equal(store_commit(), 0);
    struct sender *s = NULL;
    assert_int_equal(sender_start(&cfg, &s), 0);
    settle();
    struct sender_stats st;
    sender_stats(s, &st);
    sender_stop(s);
    assert_int_equal(unit_db_int("SELECT count(*) FROM outbox WHERE status='sent'"), N);
    assert_int_equal(fake.nseen, N);
    for (int i = 0; i < N; i++) {
        char text[32];
        snprintf(text, sizeof text, "m%02d", i);
        assert_string_equal(fake.seen[i], text);
    }
    assert_true(st.claims <= 3);
    assert_true(st.follow_ups >= N - 3);
}

/* Rows to 12 recipients under a rate limit of 2 a second: every job waits for the bucket most
 * of the time, and the thread sleeps until the bucket releases instead of spinning (before,
 * it looped millions of times a second). Counted in loop rounds, not wall time. */
static void throttled_no_spin(void **state)
{
    (void)state;
    reset(0);
    enum { N = 12 };
    assert_int_equal(store_begin(), 0);
    for (int i = 0; i < N; i++) {
        char key[32], to[32];
        snprintf(key, sizeof key, "rl:%d", i);
        snprintf(to, sizeof to, "%d", 7000 + i);
        queue(key, RCPT_ONEBOT_GROUP, to, "hello");
    }
    assert_int_equal(store_commit(), 0);
    struct sender_config c = cfg;
    c.rate[PLATFORM_ONEBOT] = 2;
    struct sender *s = NULL;
    assert_int_equal(sender_start(&c, &s), 0);
    settle();
    struct sender_stats st;
    sender_stats(s, &st);
    sender_stop(s);
    assert_int_equal(unit_db_int("SELECT count(*) FROM outbox WHERE status='sent'"), N);
    /* a few rounds per message (claim, start, finish, flush) and one per second idle */
    if (st.loops > 20 * N + 50)
        fail_msg("%lu loop rounds for %d throttled messages", st.loops, (int)N);
}

/* Three recipients, rows interleaved: each gets its own in queue order; nothing twice. */
static void order_per_recipient(void **state)
{
    (void)state;
    reset(0);
    const char *const tos[] = {"101", "102", "103"};
    assert_int_equal(store_begin(), 0);
    for (int i = 0; i < 15; i++) {
        char key[32], text[32];
        snprintf(key, sizeof key, "ord:%d", i);
        snprintf(text, sizeof text, "%s-%02d", tos[i % 3], i / 3);
        queue(key, RCPT_ONEBOT_USER, tos[i % 3], text);
    }
    queue("ord:0", RCPT_ONEBOT_USER, "101", "again"); /* the same key: one message */
    assert_int_equal(store_commit(), 0);
    struct sender *s = NULL;
    assert_int_equal(sender_start(&cfg, &s), 0);
    settle();
    sender_stop(s);
    assert_int_equal(fake.nseen, 15);
    for (int r = 0; r < 3; r++) {
        int next = 0;
        for (int i = 0; i < fake.nseen; i++) {
            if (strncmp(fake.seen[i], tos[r], 3) != 0)
                continue;
            char want[32];
            snprintf(want, sizeof want, "%s-%02d", tos[r], next++);
            assert_string_equal(fake.seen[i], want);
        }
        assert_int_equal(next, 5);
    }
}

/* The first send fails (HTTP 500): that row is retried after its backoff, and the rows behind
 * it wait for it, so the order holds. */
static void retry_after_failure(void **state)
{
    (void)state;
    reset(1);
    assert_int_equal(store_begin(), 0);
    queue("retry:1", RCPT_ONEBOT_GROUP, "9002", "first");
    queue("retry:2", RCPT_ONEBOT_GROUP, "9002", "second");
    assert_int_equal(store_commit(), 0);
    struct sender *s = NULL;
    assert_int_equal(sender_start(&cfg, &s), 0);
    settle();
    sender_stop(s);
    assert_int_equal(fake.requests, 3);
    assert_int_equal(fake.nseen, 2);
    assert_string_equal(fake.seen[0], "first");
    assert_string_equal(fake.seen[1], "second");
    assert_int_equal(unit_db_int("SELECT attempts FROM outbox WHERE idem_key='retry:1'"), 2);
    assert_int_equal(unit_db_int("SELECT count(*) FROM outbox WHERE status='sent'"), 2);
}

/* A member with no identity and a platform that is off: unreachable / failed at once, without
 * a request, and the rows behind the member's go on. */
static void unreachable(void **state)
{
    (void)state;
    reset(0);
    assert_int_equal(store_begin(), 0);
    queue("un:1", RCPT_MEMBER, "999", "nobody");
    queue("un:2", RCPT_MEMBER, "999", "nobody again");
    queue("un:3", RCPT_QQBOT_USER, "U1", "platform off");
    assert_int_equal(store_commit(), 0);
    struct sender *s = NULL;
    assert_int_equal(sender_start(&cfg, &s), 0);
    settle();
    sender_stop(s);
    assert_int_equal(fake.requests, 0);
    assert_int_equal(unit_db_int("SELECT count(*) FROM outbox WHERE to_id='999' AND "
                                 "status='unreachable' AND error_code='unreachable'"),
                     2);
    assert_int_equal(unit_db_int("SELECT count(*) FROM outbox WHERE idem_key='un:3' AND "
                                 "status IN ('unreachable','failed')"),
                     1);
}

/* The platform's id of a sent message is kept with the row; an answer without one, or with a
 * garbled one, keeps none and the row is sent all the same. The first request fails (500):
 * that row keeps the id of the attempt that got through. */
static void keeps_message_id(void **state)
{
    (void)state;
    reset(1);
    assert_int_equal(store_begin(), 0);
    queue("mid:neg", RCPT_ONEBOT_GROUP, "9003", "id=-2147483000");
    queue("mid:ok", RCPT_ONEBOT_GROUP, "9004", "id=m42_ab-C");
    queue("mid:space", RCPT_ONEBOT_GROUP, "9005", "id=bad id");
    queue("mid:ctl", RCPT_ONEBOT_GROUP, "9006", "id=bad\x01");
    queue("mid:none", RCPT_ONEBOT_GROUP, "9007", "no id here");
    queue("mid:empty", RCPT_ONEBOT_GROUP, "9008", "id=");
    assert_int_equal(store_commit(), 0);
    struct sender *s = NULL;
    assert_int_equal(sender_start(&cfg, &s), 0);
    settle();
    sender_stop(s);
    assert_int_equal(unit_db_int("SELECT count(*) FROM outbox WHERE status='sent'"), 6);
    assert_int_equal(unit_db_int("SELECT count(*) FROM outbox WHERE idem_key='mid:ok' AND "
                                 "platform_msg_id='m42_ab-C'"),
                     1);
    assert_int_equal(unit_db_int("SELECT count(*) FROM outbox WHERE idem_key='mid:neg' AND "
                                 "platform_msg_id='-2147483000'"),
                     1);
    assert_int_equal(unit_db_int("SELECT sum(attempts) FROM outbox"), 7);
    assert_int_equal(unit_db_int("SELECT count(*) FROM outbox WHERE platform_msg_id IS NOT NULL"),
                     2);
}

static void doubles_and_caps(void **state)
{
    (void)state;
    /* rnd at the top of the range gives the full delay */
    assert_int_equal(sender_backoff_s(1, 2, 1800, UINT64_MAX), 2);
    for (int a = 1; a <= 6; a++) {
        int64_t d = 2LL << (a - 1);
        assert_int_equal(sender_backoff_s(a, 2, 1800, (uint64_t)(d / 2)), d);
    }
    assert_int_equal(sender_backoff_s(20, 2, 1800, 900), 1800);  /* capped */
    assert_int_equal(sender_backoff_s(200, 2, 1800, 900), 1800); /* no overflow */
}

static void jitter_stays_in_half_to_full(void **state)
{
    (void)state;
    for (int a = 1; a <= 12; a++) {
        int64_t full = 1;
        for (int i = 1; i < a; i++)
            full *= 2;
        if (full > 600)
            full = 600;
        int64_t lo = full, hi = 0;
        for (int i = 0; i < 2000; i++) {
            int64_t d = sender_backoff_s(a, 1, 600, rand_u64());
            assert_true(d >= 1 && d <= full);
            assert_true(d >= full - full / 2);
            lo = d < lo ? d : lo;
            hi = d > hi ? d : hi;
        }
        if (full >= 8) /* the jitter actually spreads the retries */
            assert_true(hi - lo >= full / 4);
    }
}

static void bad_settings(void **state)
{
    (void)state;
    assert_int_equal(sender_backoff_s(1, 0, 0, 0), 1);
    assert_int_equal(sender_backoff_s(0, 5, 2, 2), 5); /* max below base: base... */
    assert_int_equal(sender_backoff_s(0, 5, 2, 0), 3); /* ...with its jitter, 3..5 */
}

/* closed_port - a loopback port nobody listens on (bound, then closed). */
static int closed_port(void)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    assert_true(fd >= 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof a;
    assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof a), 0);
    assert_int_equal(getsockname(fd, (struct sockaddr *)&a, &len), 0);
    close(fd);
    return ntohs(a.sin_port);
}

/* The platform is down (connection refused): the row's reason, which the secretary reads in
 * `zhibu outbox`, is Chinese, not curl's English ("Couldn't connect to server"). */
static void platform_down_reason(void **state)
{
    (void)state;
    reset(0);
    assert_int_equal(store_begin(), 0);
    queue("down:1", RCPT_ONEBOT_GROUP, "9009", "down");
    assert_int_equal(store_commit(), 0);
    struct sender_config c = cfg;
    c.max_attempts = 1;
    send_port = closed_port();
    struct sender *s = NULL;
    assert_int_equal(sender_start(&c, &s), 0);
    settle();
    sender_stop(s);
    send_port = fake.port;
    sqlite3_stmt *st = NULL;
    assert_int_equal(sqlite3_prepare_v2(store_db(),
                                        "SELECT status, error_text FROM outbox "
                                        "WHERE idem_key='down:1'",
                                        -1, &st, NULL),
                     SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    assert_string_equal((const char *)sqlite3_column_text(st, 0), "failed");
    const char *why = (const char *)sqlite3_column_text(st, 1);
    assert_non_null(strstr(why, "连不上平台"));
    assert_null(strstr(why, "connect"));
    sqlite3_finalize(st);
    for (int cc = 0; cc < 100; cc++) /* every curl code has a Chinese reason */
        assert_true((unsigned char)sender_net_reason(cc)[0] >= 0x80);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(doubles_and_caps),    cmocka_unit_test(jitter_stays_in_half_to_full),
        cmocka_unit_test(bad_settings),        cmocka_unit_test(back_to_back),
        cmocka_unit_test(throttled_no_spin),   cmocka_unit_test(order_per_recipient),
        cmocka_unit_test(retry_after_failure), cmocka_unit_test(unreachable),
        cmocka_unit_test(keeps_message_id),    cmocka_unit_test(platform_down_reason),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
