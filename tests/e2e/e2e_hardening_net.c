/*
 * e2e_hardening_net.c - the network-and-process defects of issue 10, each against the real
 * binary over loopback: SIGTERM with clients that reset their sockets while their events are
 * suspended (shutdown is bounded, nothing answered 200 is lost); slow clients from 127.0.0.2
 * (dropped at the request deadline and capped per address, while /healthz on 127.0.0.1 keeps
 * answering); /healthz on a database damaged under the running server (503); two
 * Content-Length headers (400).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "tests/e2e/e2e_util.h"

#define RESET_N   300  /* clients that reset their sockets before the answer */
#define WAITER_N  16   /* clients that wait for theirs */
#define SLOW_N    200  /* slow clients from 127.0.0.2 */
#define SLOW_S    12   /* how long they keep trying, in seconds */
#define DEADLINE  3    /* server.request_timeout_s of the slow-client test */
#define PER_IP    32   /* server.max_conns_per_ip there */
#define PROBE_MAX 1500 /* ms a /healthz probe may take under the slow clients */

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* write_all - 0 when all n bytes of p went out on fd. */
static int write_all(int fd, const char *p, size_t n)
{
    while (n > 0) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

/* reset_close - close fd with an RST (SO_LINGER 0), as a client that gives up does. */
static void reset_close(int fd)
{
    struct linger lg = {.l_onoff = 1, .l_linger = 0};
    setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
    close(fd);
}

/* ---- defect 2: SIGTERM with clients gone while their requests are suspended ---- */

struct waiter {
    const struct e2e_server *s; /* the server */
    char msgid[24];             /* the event's MsgId */
    long status;                /* OUT: the HTTP status */
};

static void *wait_one(void *arg)
{
    struct waiter *w = arg;
    char *xml =
        e2e_wx_xml("o_waiter", "text", (long long)time(NULL), w->msgid, "Content", "帮助", NULL);
    struct e2e_resp r;
    e2e_wx_post(w->s, E2E_PLAIN, xml, &r);
    w->status = r.status;
    e2e_resp_free(&r);
    free(xml);
    return NULL;
}

static void test_sigterm_after_clients_reset(void **state)
{
    (void)state;
    struct e2e_server *s = e2e_server_up(&(struct e2e_config){0});
    assert_non_null(s);
    sqlite3 *db = NULL;
    assert_int_equal(sqlite3_open(s->db_path, &db), SQLITE_OK);
    sqlite3_busy_timeout(db, 5000);
    /* hold the write lock: every event waits, suspended, for the writer */
    assert_int_equal(sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL), SQLITE_OK);
    static int fds[RESET_N];
    int sent = 0;
    for (int i = 0; i < RESET_N; i++) {
        char id[24];
        e2e_msgid(id);
        char *xml =
            e2e_wx_xml("o_reset", "text", (long long)time(NULL), id, "Content", "你好", NULL);
        size_t len = 0;
        char *raw = e2e_wx_raw(s, E2E_PLAIN, xml, &len);
        fds[i] = e2e_connect(s);
        if (fds[i] >= 0 && write_all(fds[i], raw, len) == 0)
            sent++;
        free(raw);
        free(xml);
    }
    assert_int_equal(sent, RESET_N);
    struct waiter w[WAITER_N];
    pthread_t th[WAITER_N];
    for (int i = 0; i < WAITER_N; i++) {
        w[i] = (struct waiter){.s = s};
        e2e_msgid(w[i].msgid);
        assert_int_equal(pthread_create(&th[i], NULL, wait_one, &w[i]), 0);
    }
    e2e_sleep_ms(600);
    for (int i = 0; i < RESET_N; i++)
        reset_close(fds[i]);
    e2e_sleep_ms(200);
    assert_int_equal(sqlite3_exec(db, "COMMIT", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);
    e2e_sleep_ms(300);
    int64_t t0 = now_ms();
    assert_int_equal(kill(s->pid, SIGTERM), 0);
    int st = e2e_server_wait_exit(s, 10000);
    int64_t took = now_ms() - t0;
    if (st != 0)
        fail_msg("the server did not exit cleanly within 10 s of SIGTERM (status %d)", st);
    print_message("stopped %lld ms after SIGTERM\n", (long long)took);
    int answered = 0;
    for (int i = 0; i < WAITER_N; i++) {
        pthread_join(th[i], NULL);
        if (w[i].status != 200)
            continue;
        answered++;
        assert_int_equal(
            e2e_db_int(s, "SELECT count(*) FROM events WHERE msg_key LIKE '%%:' || %Q", w[i].msgid),
            1);
    }
    assert_int_equal(answered, WAITER_N); /* the lock was released before the signal */
    e2e_server_free(s);
}

/* ---- defect 4: slow clients ---- */

/* slow_open - a non-blocking connection from 127.0.0.2 to the server, or -1. */
static int slow_open(const struct e2e_server *s)
{
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -1;
    struct sockaddr_in me = {.sin_family = AF_INET};
    inet_pton(AF_INET, "127.0.0.2", &me.sin_addr);
    struct sockaddr_in to = {.sin_family = AF_INET, .sin_port = htons((uint16_t)s->port)};
    inet_pton(AF_INET, "127.0.0.1", &to.sin_addr);
    if (bind(fd, (struct sockaddr *)&me, sizeof me) ||
        connect(fd, (struct sockaddr *)&to, sizeof to)) {
        close(fd);
        return -1;
    }
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
    return fd;
}

/* closed_by_peer - the server has closed fd (EOF or reset); never blocks. */
static bool closed_by_peer(int fd)
{
    char c[256];
    ssize_t r = recv(fd, c, sizeof c, MSG_DONTWAIT);
    return r == 0 || (r < 0 && errno != EAGAIN && errno != EWOULDBLOCK);
}

static void test_slow_clients(void **state)
{
    (void)state;
    struct e2e_server *s = e2e_server_up(&(struct e2e_config){
        .extra = "\"server\": {\"connection_limit\": 64, \"request_timeout_s\": 3, "
                 "\"max_conns_per_ip\": 32, \"trusted_proxies\": [\"127.0.0.1\"]}"});
    assert_non_null(s);
    static int fd[SLOW_N];
    static int64_t opened[SLOW_N];
    int64_t t0 = now_ms();
    for (int i = 0; i < SLOW_N; i++) {
        fd[i] = slow_open(s);
        opened[i] = now_ms();
        if (fd[i] >= 0 && write_all(fd[i], "POST /wechat HTTP/1.1\r\n", 23))
            fd[i] = (close(fd[i]), -1);
    }
    long probes = 0, slow_probes = 0, dropped_in_time = 0, dropped_late = 0, max_open = 0;
    int64_t worst = 0;
    int64_t last_line = now_ms();
    while (now_ms() - t0 < SLOW_S * 1000) {
        /* one header line a second on every connection still open, reopening the closed */
        bool tick = now_ms() - last_line >= 1000;
        long open_now = 0;
        for (int i = 0; i < SLOW_N; i++) {
            if (fd[i] >= 0 && closed_by_peer(fd[i])) {
                int64_t lived = now_ms() - opened[i];
                /* accepted and timed out, or refused at once over the per-address cap */
                if (lived <= (DEADLINE + 2) * 1000)
                    dropped_in_time++;
                else
                    dropped_late++;
                close(fd[i]);
                fd[i] = -1;
            }
            if (fd[i] < 0 && tick) {
                fd[i] = slow_open(s);
                opened[i] = now_ms();
                if (fd[i] >= 0 && write_all(fd[i], "POST /wechat HTTP/1.1\r\n", 23))
                    fd[i] = (close(fd[i]), -1);
            } else if (fd[i] >= 0 && tick && write(fd[i], "X-Slow: 1\r\n", 11) < 0 &&
                       errno != EAGAIN) {
                close(fd[i]);
                fd[i] = -1;
            }
            if (fd[i] >= 0)
                open_now++;
        }
        if (open_now > max_open)
            max_open = open_now;
        if (tick)
            last_line = now_ms();
        int64_t p0 = now_ms();
        struct e2e_resp r;
        e2e_http(s, "GET", "/healthz", NULL, 0, 0, &r);
        int64_t took = now_ms() - p0;
        probes++;
        if (r.status != 200 || took > PROBE_MAX)
            slow_probes++;
        if (took > worst)
            worst = took;
        e2e_resp_free(&r);
        e2e_sleep_ms(100);
    }
    for (int i = 0; i < SLOW_N; i++)
        if (fd[i] >= 0)
            close(fd[i]);
    print_message("%ld probes, %ld failed or slow (worst %lld ms); %ld slow connections dropped "
                  "in time, %ld late\n",
                  probes, slow_probes, (long long)worst, dropped_in_time, dropped_late);
    assert_true(probes > 20);
    assert_int_equal(slow_probes, 0);
    assert_true(dropped_in_time >= SLOW_N); /* each connection at least once */
    assert_int_equal(dropped_late, 0);
    assert_true(e2e_log_has(s, 0, "request not received within 3 s"));
    assert_int_equal(e2e_server_stop(s), 0);
    e2e_server_free(s);
}

/* ---- defect 7: /healthz on a damaged database ---- */

static void test_healthz_corrupt_database(void **state)
{
    (void)state;
    struct e2e_server *s = e2e_server_up(&(struct e2e_config){0});
    assert_non_null(s);
    for (int i = 0; i < 5; i++)
        free(e2e_say_ok(s, E2E_PLAIN, "o_health", "帮助"));
    struct e2e_resp r;
    e2e_http(s, "GET", "/healthz", NULL, 0, 0, &r);
    assert_int_equal(r.status, 200);
    e2e_resp_free(&r);
    /* everything into the main file, then overwrite every page but the header page */
    assert_int_equal(e2e_db_exec(s, "PRAGMA wal_checkpoint(TRUNCATE)"), 0);
    FILE *f = fopen(s->db_path, "r+b");
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    assert_true(size > 4096 * 3);
    static char junk[4096];
    memset(junk, 0x5a, sizeof junk);
    for (long off = 4096; off < size; off += 4096) {
        fseek(f, off, SEEK_SET);
        assert_int_equal(fwrite(junk, 1, sizeof junk, f), sizeof junk);
    }
    fclose(f);
    e2e_sleep_ms(1200); /* past the check's cache */
    e2e_http(s, "GET", "/healthz", NULL, 0, 0, &r);
    assert_int_equal(r.status, 503);
    assert_contains(r.body, "\"failed\":\"database\"");
    char ctype[128] = "";
    assert_true(e2e_resp_header(&r, "Content-Type", ctype, sizeof ctype));
    assert_contains(ctype, "application/json");
    e2e_resp_free(&r);
    e2e_server_kill9(s);
    e2e_server_free(s);
}

/* ---- defect 11a: two Content-Length headers ---- */

/* with_second_length - raw with "Content-Length: value" added after its own one. Caller
 * frees. */
static char *with_second_length(const char *raw, const char *value, size_t *len)
{
    const char *cl = strstr(raw, "Content-Length: ");
    assert_non_null(cl);
    const char *eol = strstr(cl, "\r\n") + 2;
    size_t head = (size_t)(eol - raw);
    char extra[64];
    int n = snprintf(extra, sizeof extra, "Content-Length: %s\r\n", value);
    size_t rest = strlen(eol);
    char *out = malloc(head + (size_t)n + rest + 1);
    assert_non_null(out);
    memcpy(out, raw, head);
    memcpy(out + head, extra, (size_t)n);
    memcpy(out + head + (size_t)n, eol, rest + 1);
    *len = head + (size_t)n + rest;
    return out;
}

static void test_two_content_lengths(void **state)
{
    (void)state;
    struct e2e_server *s = e2e_server_up(&(struct e2e_config){0});
    assert_non_null(s);
    const char *seconds[] = {"5", "0", NULL};
    for (int k = 0; k <= 2; k++) {
        char id[24];
        e2e_msgid(id);
        char *xml =
            e2e_wx_xml("o_smuggle", "text", (long long)time(NULL), id, "Content", "帮助", NULL);
        size_t len = 0;
        char *raw = e2e_wx_raw(s, E2E_PLAIN, xml, &len);
        char *req = raw;
        if (k < 2) {
            req = with_second_length(raw, seconds[k], &len);
        } else { /* the same value twice is refused as well */
            const char *cl = strstr(raw, "Content-Length: ");
            char same[32];
            snprintf(same, sizeof same, "%ld", strtol(cl + 16, NULL, 10));
            req = with_second_length(raw, same, &len);
        }
        struct e2e_resp r;
        int fd = e2e_connect(s);
        assert_true(fd >= 0);
        e2e_raw_exchange(fd, req, len, &r);
        assert_int_equal(r.status, 400);
        e2e_resp_free(&r);
        assert_int_equal(
            e2e_db_int(s, "SELECT count(*) FROM events WHERE msg_key LIKE '%%:' || %Q", id), 0);
        /* the same request with one Content-Length is served */
        fd = e2e_connect(s);
        assert_true(fd >= 0);
        e2e_raw_exchange(fd, raw, strlen(raw), &r);
        assert_int_equal(r.status, 200);
        e2e_resp_free(&r);
        if (req != raw)
            free(req);
        free(raw);
        free(xml);
    }
    assert_true(e2e_log_has(s, 0, "more than one Content-Length"));
    assert_int_equal(e2e_server_stop(s), 0);
    e2e_server_free(s);
}

int main(void)
{
    signal(SIGPIPE, SIG_IGN);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_two_content_lengths),
        cmocka_unit_test(test_healthz_corrupt_database),
        cmocka_unit_test(test_sigterm_after_clients_reset),
        cmocka_unit_test(test_slow_clients),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
