/*
 * apitoken.c - unit tests for bot/apitoken.c: the token is fetched once and reused, refreshed
 * before expiry, survives a restart in SQLite, is dropped once per generation when refused,
 * fetched with force when the platform hands back the refused token, and a failed fetch is not
 * hammered.
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

#include "bot/delivery/apitoken.h"
#include "bot/store/store.h"

struct fake {
    int calls, forced;
    int rc;           /* what the next fetch returns */
    char next[64];    /* the token it hands out */
    int64_t lifetime; /* its expires_in */
};

static int fetch(void *ctx, bool force, char *token, size_t toksz, int64_t *expires_in, char *err,
                 size_t errsz)
{
    struct fake *f = ctx;
    f->calls++;
    f->forced += force;
    if (f->rc) {
        snprintf(err, errsz, "40125 invalid appsecret");
        return f->rc;
    }
    if (force)
        snprintf(f->next, sizeof f->next, "forced-%d", f->calls);
    snprintf(token, toksz, "%s", f->next);
    *expires_in = f->lifetime;
    return ZB_OK;
}

static char db_path[64];

static int setup(void **state)
{
    (void)state;
    snprintf(db_path, sizeof db_path, "/tmp/zhibu-apitoken-%d.db", (int)getpid());
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

static void cached_and_refreshed_before_expiry(void **state)
{
    (void)state;
    struct fake f = {.next = "tok-A", .lifetime = 7200};
    struct apitoken t;
    const char *tok;
    unsigned gen;
    char err[256];
    apitoken_init(&t, "wechat:wx1", 300, fetch, &f);
    assert_int_equal(apitoken_get(&t, 1000, &tok, &gen, err, sizeof err), 0);
    assert_string_equal(tok, "tok-A");
    for (int64_t now = 1000; now < 1000 + 7200 - 300; now += 60)
        assert_int_equal(apitoken_get(&t, now, &tok, NULL, err, sizeof err), 0);
    assert_int_equal(f.calls, 1);
    snprintf(f.next, sizeof f.next, "tok-B");
    assert_int_equal(apitoken_get(&t, 1000 + 7200 - 300, &tok, &gen, err, sizeof err), 0);
    assert_string_equal(tok, "tok-B");
    assert_int_equal(f.calls, 2);

    /* a restart: a new struct finds the token in SQLite and does not fetch */
    struct fake f2 = {.next = "tok-C", .lifetime = 7200};
    struct apitoken t2;
    apitoken_init(&t2, "wechat:wx1", 300, fetch, &f2);
    assert_int_equal(apitoken_get(&t2, 1000 + 7200, &tok, NULL, err, sizeof err), 0);
    assert_string_equal(tok, "tok-B");
    assert_int_equal(f2.calls, 0);
    /* another app's token is another row */
    struct apitoken t3;
    apitoken_init(&t3, "qqbot:1", 60, fetch, &f2);
    assert_int_equal(apitoken_get(&t3, 1000 + 7200, &tok, NULL, err, sizeof err), 0);
    assert_string_equal(tok, "tok-C");
    assert_int_equal(f2.calls, 1);
}

static void refused_once_per_generation(void **state)
{
    (void)state;
    struct fake f = {.next = "tok-1", .lifetime = 7200};
    struct apitoken t;
    const char *tok;
    unsigned g1, g2;
    char err[256];
    apitoken_init(&t, "wechat:wx2", 300, fetch, &f);
    assert_int_equal(apitoken_get(&t, 100, &tok, &g1, err, sizeof err), 0);
    /* many requests in flight saw 40001 with the same token: one refresh */
    snprintf(f.next, sizeof f.next, "tok-2");
    apitoken_invalid(&t, g1);
    assert_int_equal(apitoken_get(&t, 101, &tok, &g2, err, sizeof err), 0);
    assert_string_equal(tok, "tok-2");
    apitoken_invalid(&t, g1); /* late answers about the old token */
    apitoken_invalid(&t, g1);
    assert_int_equal(apitoken_get(&t, 102, &tok, NULL, err, sizeof err), 0);
    assert_string_equal(tok, "tok-2");
    assert_int_equal(f.calls, 2);
    assert_int_equal(f.forced, 0);

    /* the platform hands back the token it just refused: fetch again with force */
    apitoken_invalid(&t, g2);
    assert_int_equal(apitoken_get(&t, 200, &tok, NULL, err, sizeof err), 0);
    assert_int_equal(f.calls, 4);
    assert_int_equal(f.forced, 1);
    assert_string_equal(tok, "forced-4");
}

static void failed_fetch_is_not_hammered(void **state)
{
    (void)state;
    struct fake f = {.next = "tok", .lifetime = 7200, .rc = ZB_ECONFIG};
    struct apitoken t;
    const char *tok;
    char err[256];
    apitoken_init(&t, "wechat:wx3", 300, fetch, &f);
    for (int i = 0; i < 50; i++)
        assert_int_equal(apitoken_get(&t, 500, &tok, NULL, err, sizeof err), ZB_ECONFIG);
    assert_int_equal(f.calls, 1);
    assert_non_null(strstr(err, "40125"));
    f.rc = 0;
    assert_int_equal(apitoken_get(&t, 503, &tok, NULL, err, sizeof err), ZB_ECONFIG);
    assert_int_equal(apitoken_get(&t, 505, &tok, NULL, err, sizeof err), 0);
    assert_int_equal(f.calls, 2);
}

static void short_lifetime(void **state)
{
    (void)state;
    struct fake f = {.next = "short", .lifetime = 100}; /* shorter than the margin */
    struct apitoken t;
    const char *tok;
    char err[256];
    apitoken_init(&t, "qqbot:short", 300, fetch, &f);
    assert_int_equal(apitoken_get(&t, 0, &tok, NULL, err, sizeof err), 0);
    assert_int_equal(apitoken_get(&t, 40, &tok, NULL, err, sizeof err), 0);
    assert_int_equal(f.calls, 1);
    assert_int_equal(apitoken_get(&t, 60, &tok, NULL, err, sizeof err), 0);
    assert_int_equal(f.calls, 2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(cached_and_refreshed_before_expiry),
        cmocka_unit_test(refused_once_per_generation),
        cmocka_unit_test(failed_fetch_is_not_hammered),
        cmocka_unit_test(short_lifetime),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
