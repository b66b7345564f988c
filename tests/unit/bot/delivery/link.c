/* link.c - unit tests for bot/delivery/link.c: round trip, every field tampered, expired,
 * malformed, a wrong secret, and the secret kept in the database across "restarts". */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "bot/delivery/link.c"
#include "tests/unit/unit_db.h"

#define SECRET "0123456789abcdef-test-secret"
#define NOW    1800000000LL

/* The parts of a signed URL, split back as a request would carry them. */
struct parts {
    char path[128];
    char m[32], e[32], sig[64];
};

static void split(const char *url, struct parts *p)
{
    const char *base = "https://zhibu.example.org";
    assert_int_equal(strncmp(url, base, strlen(base)), 0);
    const char *path = url + strlen(base);
    const char *q = strchr(path, '?');
    assert_non_null(q);
    snprintf(p->path, sizeof p->path, "%.*s", (int)(q - path), path);
    assert_int_equal(sscanf(q, "?m=%31[^&]&e=%31[^&]&sig=%63s", p->m, p->e, p->sig), 3);
}

static int setup(void **state)
{
    (void)state;
    return link_configure("https://zhibu.example.org", SECRET, strlen(SECRET));
}

static void test_round_trip(void **state)
{
    (void)state;
    char url[LINK_URL_MAX];
    struct parts p;
    struct link_claim c;
    assert_int_equal(link_sign("s", 42, "study-2026-11", NOW + 3600, url, sizeof url), ZB_OK);
    assert_non_null(
        strstr(url, "https://zhibu.example.org/s/study-2026-11?m=42&e=1800003600&sig="));
    split(url, &p);
    assert_int_equal(strlen(p.sig), 43);
    assert_null(strpbrk(p.sig, "+/="));
    assert_int_equal(link_verify(p.path, p.m, p.e, p.sig, NOW, &c), ZB_OK);
    assert_int_equal(c.member_id, 42);
    assert_string_equal(c.object, "study-2026-11");
    assert_int_equal(c.expires_at, NOW + 3600);
    /* valid up to and including its expiry second */
    assert_int_equal(link_verify(p.path, p.m, p.e, p.sig, NOW + 3600, &c), ZB_OK);
}

static void test_tampered(void **state)
{
    (void)state;
    char url[LINK_URL_MAX];
    struct parts p;
    struct link_claim c;
    assert_int_equal(link_sign("s", 42, "abc", NOW + 60, url, sizeof url), ZB_OK);
    split(url, &p);
    assert_int_equal(link_verify(p.path, "43", p.e, p.sig, NOW, &c), ZB_ESIG);
    assert_int_equal(c.member_id, 0);
    assert_int_equal(link_verify("/s/abd", p.m, p.e, p.sig, NOW, &c), ZB_ESIG);
    assert_int_equal(link_verify("/t/abc", p.m, p.e, p.sig, NOW, &c), ZB_ESIG);
    assert_int_equal(link_verify(p.path, p.m, "1800000061", p.sig, NOW, &c), ZB_ESIG);
    for (size_t i = 0; i < strlen(p.sig); i += 7) {
        char sig[64];
        memcpy(sig, p.sig, sizeof sig);
        sig[i] = sig[i] == 'A' ? 'B' : 'A';
        assert_int_equal(link_verify(p.path, p.m, p.e, sig, NOW, &c), ZB_ESIG);
    }
}

static void test_expired(void **state)
{
    (void)state;
    char url[LINK_URL_MAX];
    struct parts p;
    struct link_claim c;
    assert_int_equal(link_sign("t", 7, "9", NOW - 1, url, sizeof url), ZB_OK);
    split(url, &p);
    assert_int_equal(link_verify(p.path, p.m, p.e, p.sig, NOW, &c), ZB_ESTALE);
    /* a forged expiry is a bad signature, not a stale link */
    assert_int_equal(link_verify(p.path, p.m, "1900000000", p.sig, NOW, &c), ZB_ESIG);
}

static void test_malformed(void **state)
{
    (void)state;
    char url[LINK_URL_MAX];
    struct parts p;
    struct link_claim c;
    assert_int_equal(link_sign("s", 42, "abc", NOW + 60, url, sizeof url), ZB_OK);
    split(url, &p);
    const char *paths[] = {"",
                           "/",
                           "/s",
                           "/s/",
                           "s/abc",
                           "//abc",
                           "/s/abc/d",
                           "/s/a.b",
                           "/s/a%2Fb",
                           "/s/\xe5\x85\x9a",
                           "/abcdefghijklmnopq/abc"};
    for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++)
        assert_int_equal(link_verify(paths[i], p.m, p.e, p.sig, NOW, &c), ZB_EPARSE);
    assert_int_equal(link_verify(NULL, p.m, p.e, p.sig, NOW, &c), ZB_EPARSE);
    const char *nums[] = {"", "0", "-42", "042", "4x", " 42", "1234567890123456789"};
    for (size_t i = 0; i < sizeof nums / sizeof nums[0]; i++) {
        assert_int_equal(link_verify(p.path, nums[i], p.e, p.sig, NOW, &c), ZB_EPARSE);
        assert_int_equal(link_verify(p.path, p.m, nums[i], p.sig, NOW, &c), ZB_EPARSE);
    }
    assert_int_equal(link_verify(p.path, NULL, p.e, p.sig, NOW, &c), ZB_EPARSE);
    assert_int_equal(link_verify(p.path, p.m, NULL, p.sig, NOW, &c), ZB_EPARSE);
    assert_int_equal(link_verify(p.path, p.m, p.e, NULL, NOW, &c), ZB_EPARSE);
    char shorter[64];
    snprintf(shorter, sizeof shorter, "%.42s", p.sig);
    assert_int_equal(link_verify(p.path, p.m, p.e, shorter, NOW, &c), ZB_EPARSE);
    /* what link_sign refuses */
    assert_int_equal(link_sign("s", 0, "abc", NOW, url, sizeof url), ZB_EINVAL);
    assert_int_equal(link_sign("s", 1, "", NOW, url, sizeof url), ZB_EINVAL);
    assert_int_equal(link_sign("s", 1, "a/b", NOW, url, sizeof url), ZB_EINVAL);
    assert_int_equal(link_sign("s/x", 1, "ab", NOW, url, sizeof url), ZB_EINVAL);
    assert_int_equal(link_sign("s", 1, "ab", 0, url, sizeof url), ZB_EINVAL);
    assert_int_equal(link_sign("s", 1, "ab", NOW, url, 40), ZB_ETOOBIG);
}

static void test_wrong_secret(void **state)
{
    (void)state;
    char url[LINK_URL_MAX];
    struct parts p;
    struct link_claim c;
    assert_int_equal(link_sign("s", 42, "abc", NOW + 60, url, sizeof url), ZB_OK);
    split(url, &p);
    const char other[] = "0123456789abcdef-test-secreT";
    assert_int_equal(link_configure("https://zhibu.example.org", other, strlen(other)), ZB_OK);
    assert_int_equal(link_verify(p.path, p.m, p.e, p.sig, NOW, &c), ZB_ESIG);
    assert_int_equal(link_configure("https://zhibu.example.org", "short", 5), ZB_EINVAL);
    assert_int_equal(link_configure("https://zhibu.example.org/", SECRET, strlen(SECRET)),
                     ZB_EINVAL);
    assert_int_equal(setup(NULL), ZB_OK);
    assert_int_equal(link_verify(p.path, p.m, p.e, p.sig, NOW, &c), ZB_OK);
}

static void test_secret_kept_in_database(void **state)
{
    (void)state;
    char url1[LINK_URL_MAX], url2[LINK_URL_MAX];
    struct parts p;
    struct link_claim c;
    assert_int_equal(unit_db_open("link"), 0);
    assert_int_equal(link_init("https://zhibu.example.org", ""), ZB_OK);
    assert_int_equal(key_len, DB_SECRET_LEN);
    assert_int_equal(link_sign("s", 5, "x", NOW + 60, url1, sizeof url1), ZB_OK);
    /* a restart: another secret in between, then the database's again */
    assert_int_equal(setup(NULL), ZB_OK);
    assert_int_equal(link_init("https://zhibu.example.org", ""), ZB_OK);
    assert_int_equal(link_sign("s", 5, "x", NOW + 60, url2, sizeof url2), ZB_OK);
    assert_string_equal(url1, url2);
    split(url1, &p);
    assert_int_equal(link_verify(p.path, p.m, p.e, p.sig, NOW, &c), ZB_OK);
    /* a configured secret wins over the stored one */
    assert_int_equal(link_init("https://zhibu.example.org", SECRET), ZB_OK);
    assert_int_equal(link_verify(p.path, p.m, p.e, p.sig, NOW, &c), ZB_ESIG);
    unit_db_close();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_round_trip, setup),
        cmocka_unit_test_setup(test_tampered, setup),
        cmocka_unit_test_setup(test_expired, setup),
        cmocka_unit_test_setup(test_malformed, setup),
        cmocka_unit_test_setup(test_wrong_secret, setup),
        cmocka_unit_test(test_secret_kept_in_database),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
