/* Unit tests of bot/org/apisession.c: issuing, finding, expiry, revocation, hashing at rest,
 * the clean-up of ended sessions. */
#include "tests/unit/unit_db.h"

#include "bot/org/apisession.h"

static int setup(void **state)
{
    (void)state;
    static const struct migration_set *sets[] = {&apisession_migrations};
    snprintf(unit_db_path, sizeof unit_db_path, "/tmp/zhibu-apisession-%d.db", (int)getpid());
    unlink(unit_db_path);
    return store_init(unit_db_path, false, sets, 1) ? -1 : 0;
}

static int teardown(void **state)
{
    (void)state;
    unit_db_close();
    return 0;
}

static void issue(struct apisession *s, int64_t member, int64_t ttl, int64_t now,
                  char token[APISESSION_TOKEN_LEN + 1])
{
    assert_int_equal(store_begin(), ZB_OK);
    assert_int_equal(apisession_issue(s, "sk-secret", ttl, now, token), ZB_OK);
    assert_int_equal(store_commit(), ZB_OK);
    (void)member;
}

static void test_issue_find(void **state)
{
    (void)state;
    struct apisession s = {.member_id = 7}, f;
    char tok[APISESSION_TOKEN_LEN + 1];
    issue(&s, 7, 3600, 1000, tok);
    assert_int_equal(strlen(tok), APISESSION_TOKEN_LEN);
    assert_int_equal(
        strspn(tok, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
        APISESSION_TOKEN_LEN);
    assert_int_equal(apisession_find(tok, 1001, &f), ZB_OK);
    assert_int_equal(f.id, s.id);
    assert_int_equal(f.member_id, 7);
    assert_int_equal(f.expires_at, 4600);
    /* two tokens differ */
    char tok2[APISESSION_TOKEN_LEN + 1];
    struct apisession s2 = {.member_id = 7};
    issue(&s2, 7, 3600, 1000, tok2);
    assert_string_not_equal(tok, tok2);
}

static void test_expiry(void **state)
{
    (void)state;
    struct apisession s = {.member_id = 3}, f;
    char tok[APISESSION_TOKEN_LEN + 1];
    issue(&s, 3, 60, 5000, tok);
    assert_int_equal(apisession_find(tok, 5059, &f), ZB_OK);
    assert_int_equal(apisession_find(tok, 5060, &f), ZB_ESTALE);
    assert_int_equal(apisession_find(tok, 99999, &f), ZB_ESTALE);
}

static void test_revoke(void **state)
{
    (void)state;
    struct apisession s = {.member_id = 4}, f;
    char tok[APISESSION_TOKEN_LEN + 1];
    issue(&s, 4, 600, 100, tok);
    assert_int_equal(store_begin(), ZB_OK);
    assert_int_equal(apisession_revoke(s.id, 150), ZB_OK);
    assert_int_equal(apisession_revoke(s.id, 151), ZB_ENOTFOUND);
    assert_int_equal(store_commit(), ZB_OK);
    assert_int_equal(apisession_find(tok, 160, &f), ZB_ESIG);
}

static void test_at_rest(void **state)
{
    (void)state;
    struct apisession s = {.platform = "wxmini", .account = "wxapp", .ext_id = "openid-1"}, f;
    char tok[APISESSION_TOKEN_LEN + 1], hash[65];
    issue(&s, 0, 600, 100, tok);
    assert_int_equal(apisession_find(tok, 200, &f), ZB_OK);
    assert_int_equal(f.member_id, 0);
    assert_string_equal(f.ext_id, "openid-1");
    /* the token appears in no column; its hash does */
    assert_int_equal(unit_db_int("SELECT count(*) FROM api_sessions WHERE token_hash='%s' OR "
                                 "platform='%s' OR account='%s' OR ext_id='%s' OR session_key='%s'",
                                 tok, tok, tok, tok, tok),
                     0);
    apisession_hash(tok, hash);
    assert_int_equal(strlen(hash), 64);
    assert_int_equal(unit_db_int("SELECT count(*) FROM api_sessions WHERE token_hash='%s'", hash),
                     1);
    /* SHA-256 known answer: "abc" */
    apisession_hash("abc", hash);
    assert_string_equal(hash, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

static void test_bad_tokens(void **state)
{
    (void)state;
    struct apisession f, none = {0};
    char tok[APISESSION_TOKEN_LEN + 1];
    assert_int_equal(apisession_find("", 1, &f), ZB_ESIG);
    assert_int_equal(apisession_find("short", 1, &f), ZB_ESIG);
    assert_int_equal(apisession_find("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=", 1, &f),
                     ZB_ESIG);
    assert_int_equal(apisession_find("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", 1, &f),
                     ZB_ESIG);
    assert_int_equal(apisession_find(NULL, 1, &f), ZB_ESIG);
    assert_int_equal(store_begin(), ZB_OK);
    assert_int_equal(apisession_issue(&none, NULL, 60, 1, tok), ZB_EINVAL);
    store_rollback();
}

static void test_sweep(void **state)
{
    (void)state;
    struct apisession live = {.member_id = 8}, old = {.member_id = 8}, gone = {.member_id = 8};
    struct apisession f;
    char t1[APISESSION_TOKEN_LEN + 1], t2[APISESSION_TOKEN_LEN + 1], t3[APISESSION_TOKEN_LEN + 1];
    issue(&live, 8, 100000, 200000, t1); /* until 300000 */
    issue(&old, 8, 100, 200000, t2);     /* expired at 200100 */
    issue(&gone, 8, 100000, 200000, t3);
    assert_int_equal(store_begin(), ZB_OK);
    assert_int_equal(apisession_revoke(gone.id, 200050), ZB_OK);
    int n = -1;
    /* the earlier tests' sessions all ended long before; ours not before 200050 */
    assert_int_equal(apisession_sweep(200050, &n), ZB_OK);
    assert_true(n >= 1);
    assert_int_equal(unit_db_int("SELECT count(*) FROM api_sessions"), 3);
    /* before 200101: the revoked one (200050) and the expired one (200100) go, the live stays */
    assert_int_equal(apisession_sweep(200101, &n), ZB_OK);
    assert_int_equal(n, 2);
    assert_int_equal(unit_db_int("SELECT id FROM api_sessions"), live.id);
    assert_int_equal(store_commit(), ZB_OK);
    assert_int_equal(apisession_find(t1, 200200, &f), ZB_OK);
    assert_int_equal(apisession_find(t2, 200200, &f), ZB_ESIG); /* no longer known at all */
    assert_int_equal(apisession_find(t3, 200200, &f), ZB_ESIG);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_issue_find), cmocka_unit_test(test_expiry),
        cmocka_unit_test(test_revoke),     cmocka_unit_test(test_at_rest),
        cmocka_unit_test(test_bad_tokens), cmocka_unit_test(test_sweep),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
