/*
 * e2e_replay.c - the replay memory survives a restart (issue 10, defect 5).
 *
 * In wechat.mode compatible and plain a plaintext body travels under a signature that covers
 * only token, timestamp and nonce. A URL captured before a restart, replayed after it inside the
 * window with another body, must still be refused (403) and write nothing; the same URL with its
 * own body is a retry, answered from the event log without a second event; a fresh URL is
 * accepted. In compatible mode the same holds for a captured encrypted URL replayed with a
 * plaintext body. Keys out of the window are removed at start-up.
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

#include "tests/e2e/e2e_util.h"

static char *text_xml(const char *from, const char *text)
{
    char id[24];
    e2e_msgid(id);
    return e2e_wx_xml(from, "text", (long long)time(NULL), id, "Content", text, NULL);
}

/* post - POST body under query; the status. */
static long post(struct e2e_server *s, const char *query, const char *body)
{
    struct e2e_resp r;
    e2e_http(s, "POST", query, body, strlen(body), 0, &r);
    long st = r.status;
    e2e_resp_free(&r);
    return st;
}

static long long events_of(struct e2e_server *s, const char *user)
{
    return e2e_db_int(s, "SELECT count(*) FROM events WHERE user_id='%s'", user);
}

/* restart - SIGTERM, then start again on the same database. */
static void restart(struct e2e_server *s)
{
    assert_int_equal(e2e_server_stop(s), 0);
    assert_int_equal(e2e_server_start(s), 0);
}

/* replay_after_restart - the scenario of the file comment in plaintext, for server s; users are
 * prefixed with tag so that the modes do not share rows. */
static void replay_after_restart(struct e2e_server *s, const char *tag)
{
    char user[64], victim[64], fresh[64];
    snprintf(user, sizeof user, "o_%s_member", tag);
    snprintf(victim, sizeof victim, "o_%s_victim", tag);
    snprintf(fresh, sizeof fresh, "o_%s_fresh", tag);
    char *xml = text_xml(user, "帮助");
    char *forged = text_xml(victim, "解绑");
    char ts[24], nonce[24], *query, *body;
    e2e_now(ts);
    e2e_nonce(nonce);
    e2e_wx_request(s, E2E_PLAIN, xml, ts, nonce, &query, &body);
    assert_int_equal(post(s, query, body), 200);
    assert_int_equal(events_of(s, user), 1);
    assert_true(e2e_db_int(s, "SELECT count(*) FROM replay_seen") >= 1);

    restart(s);
    long long rows = e2e_db_rows(s);
    long mark = e2e_log_mark(s);
    assert_int_equal(post(s, query, forged), 403); /* the captured URL, another body */
    assert_true(e2e_log_has(s, mark, "http 403:"));
    assert_int_equal(e2e_db_rows(s), rows); /* nothing written */
    assert_int_equal(events_of(s, victim), 0);
    assert_int_equal(post(s, query, body), 200); /* its own body: a retry */
    assert_int_equal(events_of(s, user), 1);     /* not duplicated */

    /* a fresh URL still works, with any body */
    char *fresh_xml = text_xml(fresh, "帮助");
    char ts2[24], nonce2[24], *query2, *body2;
    e2e_now(ts2);
    e2e_nonce(nonce2);
    e2e_wx_request(s, E2E_PLAIN, fresh_xml, ts2, nonce2, &query2, &body2);
    assert_int_equal(post(s, query2, body2), 200);
    assert_int_equal(events_of(s, fresh), 1);

    /* a second restart: both keys are still remembered */
    restart(s);
    assert_int_equal(post(s, query2, forged), 403);
    assert_int_equal(post(s, query, forged), 403);
    assert_int_equal(events_of(s, victim), 0);
    free(xml);
    free(forged);
    free(fresh_xml);
    free(query);
    free(body);
    free(query2);
    free(body2);
}

static void test_compatible(void **state)
{
    (void)state;
    struct e2e_server *s =
        e2e_server_up(&(struct e2e_config){.aes_key = E2E_AES_KEY, .wx_mode = "compatible"});
    assert_non_null(s);
    replay_after_restart(s, "compat");

    /* a captured encrypted URL, replayed after a restart with a plaintext body */
    char *xml = text_xml("o_compat_enc", "帮助");
    char *forged = text_xml("o_compat_enc_victim", "解绑");
    char ts[24], nonce[24], *query, *body, *pquery, *pbody;
    e2e_now(ts);
    e2e_nonce(nonce);
    e2e_wx_request(s, E2E_COMPAT, xml, ts, nonce, &query, &body);
    assert_int_equal(post(s, query, body), 200);
    restart(s);
    e2e_wx_request(s, E2E_PLAIN, forged, ts, nonce, &pquery, &pbody);
    assert_int_equal(post(s, pquery, pbody), 403);
    assert_int_equal(events_of(s, "o_compat_enc_victim"), 0);
    assert_int_equal(post(s, query, body), 200); /* the encrypted retry */
    assert_int_equal(events_of(s, "o_compat_enc"), 1);
    free(xml);
    free(forged);
    free(query);
    free(body);
    free(pquery);
    free(pbody);
    assert_int_equal(e2e_server_stop(s), 0);
    e2e_server_free(s);
}

static void test_plain(void **state)
{
    (void)state;
    struct e2e_server *s = e2e_server_up(&(struct e2e_config){0}); /* no key: plain */
    assert_non_null(s);
    replay_after_restart(s, "plain");
    assert_int_equal(e2e_server_stop(s), 0);
    e2e_server_free(s);
}

/* Keys out of the window are removed at start-up and not loaded: their signatures are refused
 * upstream by the timestamp window anyway. A key inside the window written by an earlier run
 * (here by hand, as that run would have) refuses another body. */
static void test_startup_prune_and_load(void **state)
{
    (void)state;
    struct e2e_server *s = e2e_server_up(&(struct e2e_config){0});
    assert_non_null(s);
    assert_int_equal(e2e_server_stop(s), 0);
    long long now = (long long)time(NULL);
    assert_int_equal(e2e_db_exec(s,
                                 "INSERT INTO replay_seen(sig, digest, ts) VALUES"
                                 "('00000000000000000000000000000000000000aa', zeroblob(32), %lld),"
                                 "('00000000000000000000000000000000000000bb', zeroblob(32), %lld)",
                                 now - 3600, now - 7200),
                     0);
    /* a key of the window, for a real URL, with a digest no body has */
    char *xml = text_xml("o_loaded", "帮助");
    char ts[24], nonce[24], *query, *body;
    e2e_now(ts);
    e2e_nonce(nonce);
    e2e_wx_request(s, E2E_PLAIN, xml, ts, nonce, &query, &body);
    char *sig = strstr(query, "signature=") + strlen("signature=");
    char sighex[41];
    snprintf(sighex, sizeof sighex, "%.40s", sig);
    assert_int_equal(e2e_db_exec(s,
                                 "INSERT INTO replay_seen(sig, digest, ts) "
                                 "VALUES(lower('%s'), zeroblob(32), %s)",
                                 sighex, ts),
                     0);
    assert_int_equal(e2e_server_start(s), 0);
    assert_int_equal(e2e_db_int(s, "SELECT count(*) FROM replay_seen WHERE ts < %lld", now - 600),
                     0);
    assert_int_equal(post(s, query, body), 403);
    assert_int_equal(events_of(s, "o_loaded"), 0);
    free(xml);
    free(query);
    free(body);
    assert_int_equal(e2e_server_stop(s), 0);
    e2e_server_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_compatible),
        cmocka_unit_test(test_plain),
        cmocka_unit_test(test_startup_prune_and_load),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
