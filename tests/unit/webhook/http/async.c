/* async.c - unit tests for webhook/http/async.c through a real server on loopback: a writer job's
 * result reaches the response after the connection is resumed, a failing job rolls back and says
 * so, many requests suspended at once all complete, and server_stop waits for them. */
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
#include <curl/curl.h>
#include <pthread.h>

#include "bot/base/xmalloc.h"
#include "bot/store/store.h"
#include "bot/store/writer.h"
#include "tests/unit/unit_db.h"
#include "webhook/http/async.h"
#include "webhook/http/server.h"

static const char sql_put[] = "INSERT INTO secrets(name, value, created_at) VALUES (?1, x'00', 0)";
static const char sql_count[] = "SELECT count(*) FROM secrets";

struct put {
    char name[64]; /* the row's name, from the path parameter */
};

/* put_row - the writer job: insert the row; a name starting with "fail" inserts, then fails. */
static int put_row(void *arg)
{
    struct put *p = arg;
    sqlite3_stmt *st = store_stmt(sql_put);
    if (!st)
        return ZB_EDB;
    sqlite3_bind_text(st, 1, p->name, -1, SQLITE_STATIC);
    int rc = store_exec_done(st);
    if (strncmp(p->name, "stuck", 5) == 0)
        usleep(8500 * 1000); /* a writer slower than server_stop waits */
    if (rc == ZB_OK && strncmp(p->name, "fail", 4) == 0)
        rc = ZB_EINVAL;
    return rc;
}

static void put_done(struct http_request *req, void *arg, int rc, struct http_response *resp)
{
    (void)req;
    struct put *p = arg;
    resp->status = rc ? 409 : 201;
    if (buf_appendf(&resp->body, "%s %d\n", p->name, rc))
        resp->status = 500;
}

static void handle_put(const struct config *cfg, struct http_request *req,
                       struct http_response *resp)
{
    (void)cfg;
    struct put *p = xcalloc(1, sizeof *p);
    snprintf(p->name, sizeof p->name, "%s", http_param(req, "name"));
    http_async_write(req, resp, put_row, p, free, put_done);
}

static const struct route routes[] = {{"/put/{name}", ROUTE_POST, 0, handle_put}};

static char listen_at[32]; /* "127.0.0.1:PORT" */
static char base[64];      /* "http://" listen_at */

static size_t collect(char *p, size_t size, size_t n, void *ud)
{
    struct buf *b = ud;
    return buf_append(b, p, size * n) ? 0 : size * n;
}

/* post - POST base + path; the status, the body into out (may be NULL). */
static long post(const char *path, char *out, size_t outsz)
{
    char url[256];
    snprintf(url, sizeof url, "%s%s", base, path);
    struct buf b;
    buf_init(&b, 4096);
    CURL *c = curl_easy_init();
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, "");
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, collect);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &b);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 10L);
    long status = 0;
    if (curl_easy_perform(c) == CURLE_OK)
        curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    curl_easy_cleanup(c);
    if (out)
        snprintf(out, outsz, "%s", buf_str(&b));
    buf_free(&b);
    return status;
}

static long count_rows(void)
{
    sqlite3_stmt *st = store_stmt(sql_count);
    long n = sqlite3_step(st) == SQLITE_ROW ? (long)sqlite3_column_int64(st, 0) : -1;
    sqlite3_reset(st);
    return n;
}

static struct server *srv;
static struct config cfg;

static int setup(void **state)
{
    (void)state;
    if (unit_db_open("http-async"))
        return -1;
    cfg.listen = listen_at;
    cfg.body_limit = 65536;
    cfg.connection_limit = 64;
    cfg.threads = 2;
    char err[256];
    /* a port from the pid; one taken by another process meanwhile is retried on the next few */
    for (int i = 0; i < 16; i++) {
        int port = 20000 + (int)((getpid() + i * 1009) % 20000);
        snprintf(listen_at, sizeof listen_at, "127.0.0.1:%d", port);
        snprintf(base, sizeof base, "http://%s", listen_at);
        if (server_start(&cfg, routes, 1, &srv, err, sizeof err) == 0)
            return 0;
    }
    fprintf(stderr, "server_start: %s\n", err);
    return -1;
}

static int teardown(void **state)
{
    (void)state;
    server_stop(srv);
    writer_stop();
    unit_db_close();
    return 0;
}

static void test_write_then_answer(void **state)
{
    (void)state;
    char body[128];
    long before = count_rows();
    assert_int_equal(post("/put/alpha", body, sizeof body), 201);
    assert_string_equal(body, "alpha 0\n");
    assert_int_equal(count_rows(), before + 1);
    /* the job fails: its insert rolled back, the completion sees the code */
    assert_int_equal(post("/put/failing", body, sizeof body), 409);
    assert_string_equal(body, "failing -1\n");
    assert_int_equal(count_rows(), before + 1);
    /* a second insert of the same name: the constraint fails inside the job */
    assert_int_equal(post("/put/alpha", body, sizeof body), 409);
    assert_int_equal(count_rows(), before + 1);
}

static void *poster(void *arg)
{
    char path[64];
    snprintf(path, sizeof path, "/put/many-%d", (int)(intptr_t)arg);
    return (void *)(intptr_t)post(path, NULL, 0);
}

static void test_many_suspended_at_once(void **state)
{
    (void)state;
    enum { N = 24 };
    pthread_t t[N];
    long before = count_rows();
    for (int i = 0; i < N; i++)
        assert_int_equal(pthread_create(&t[i], NULL, poster, (void *)(intptr_t)i), 0);
    for (int i = 0; i < N; i++) {
        void *st;
        pthread_join(t[i], &st);
        assert_int_equal((long)(intptr_t)st, 201);
    }
    assert_int_equal(count_rows(), before + N);
}

static void *post_stuck(void *arg)
{
    (void)arg;
    return (void *)(intptr_t)post("/put/stuck", NULL, 0);
}

static int64_t mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* server_stop is bounded: a request whose writer job outlasts the wait is answered 503 and
 * freed when the job completes; the job still commits. Runs last: the server stays stopped. */
static void test_stop_abandons_a_stuck_job(void **state)
{
    (void)state;
    long before = count_rows();
    pthread_t t;
    assert_int_equal(pthread_create(&t, NULL, post_stuck, NULL), 0);
    usleep(300 * 1000);
    int64_t t0 = mono_ms();
    server_stop(srv);
    srv = NULL;
    int64_t took = mono_ms() - t0;
    assert_true(took >= 6000 && took < 10000);
    void *st;
    pthread_join(t, &st);
    assert_int_equal((long)(intptr_t)st, 503);
    writer_stop(); /* the job finishes, commits, and frees the abandoned request */
    assert_int_equal(count_rows(), before + 1);
}

int main(void)
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_write_then_answer),
        cmocka_unit_test(test_many_suspended_at_once),
        cmocka_unit_test(test_stop_abandons_a_stuck_job),
    };
    int rc = cmocka_run_group_tests(tests, setup, teardown);
    curl_global_cleanup();
    return rc;
}
