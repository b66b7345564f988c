/*
 * e2e_hard_data.c - the data half of the hardening issue, against the real binary: a OneBot
 * message id reused by another member is a new event (never the first member's stored reply),
 * while a true retry still gets the stored reply; listings neutralise forged lines and bidi
 * controls; `member bind` refuses control characters; the database and its WAL are 0600, with
 * a warning for a file readable by others.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <cmocka.h>

#include "tests/e2e/qq_util.h"

#define USER_A "123456789" /* bound to member 1 (李建国) */
#define USER_B "987654321" /* not bound */

static struct qq_env env;
static struct e2e_server *srv;
static long long next_id;
static struct e2e_proc proc; /* the last CLI run */

static int setup(void **state)
{
    (void)state;
    next_id = (long long)(time(NULL) % 100000) * 1000;
    if (qq_env_up(&env, NULL, NULL))
        return -1;
    srv = env.srv;
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    e2e_proc_free(&proc);
    return qq_env_down(&env) == 0 ? 0 : -1;
}

/* cli - zhibu with the arguments and the server's config; its exit status (output in proc). */
#define cli(...) run_cli(__VA_ARGS__, "--config", srv->config_path, (char *)NULL)
static int run_cli(const char *a0, ...)
{
    const char *a[12] = {a0};
    int n = 1;
    va_list ap;
    va_start(ap, a0);
    for (const char *x; n < 11 && (x = va_arg(ap, const char *)) != NULL;)
        a[n++] = x;
    va_end(ap);
    e2e_proc_free(&proc);
    assert_int_equal(e2e_zhibu(srv->dir, &proc, a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7],
                               a[8], a[9], a[10], (char *)NULL),
                     0);
    return proc.status;
}

/* ob_say - a private OneBot message from user with message id id; the quick reply's text
 * (caller frees), "" when zhibu answered 204. */
static char *ob_say(const char *user, long long id, const char *message)
{
    char *body = ob_message(user, NULL, id, message, false);
    struct e2e_resp r;
    ob_post(srv, body, OB_SIGNED, &r);
    free(body);
    if (r.status != 200 && r.status != 204)
        fail_msg("\"%s\": status %ld", message, r.status);
    bool at = false, has_at = false;
    char *text = r.status == 200 ? ob_reply_text(r.body, &at, &has_at) : strdup("");
    e2e_resp_free(&r);
    assert_non_null(text);
    return text;
}

static void import_and_bind_a(void)
{
    const char *src = getenv("ZHIBU_SRC");
    char csv[512];
    snprintf(csv, sizeof csv, "%s/config/members.example.csv", src ? src : ".");
    if (cli("member", "import", csv, "--create-branches") != 0)
        fail_msg("import: %s", proc.err);
    free(ob_say(USER_A, ++next_id, "帮助")); /* the bot's account becomes known */
    assert_int_equal(cli("member", "bind", "1", "--onebot", USER_A), 0);
}

/* Defect 1: B reuses A's message id. B gets B's own answer and both are logged; A's retry still
 * gets A's stored reply; /metrics counts the collision. */
static void test_reused_message_id(void **state)
{
    (void)state;
    import_and_bind_a();
    long long id = ++next_id;
    char *a = ob_say(USER_A, id, "我的");
    assert_contains(a, "李建国");
    char *b = ob_say(USER_B, id, "我的");
    assert_not_contains(b, "李建国");
    assert_contains(b, "只对已绑定的党员开放");
    char *b2 = ob_say(USER_B, id, "帮助"); /* same id, same sender, other text: new again */
    assert_not_contains(b2, "李建国");
    char like[64];
    snprintf(like, sizeof like, "ob:%s:%lld", QQ_OB_SELF, id);
    assert_int_equal(e2e_db_int(srv,
                                "SELECT count(*) FROM events WHERE msg_key=%Q OR msg_key LIKE "
                                "%Q || '~%%'",
                                like, like),
                     3);
    assert_int_equal(
        e2e_db_int(srv, "SELECT count(*) FROM events WHERE user_id=%Q AND text='我的'", USER_B), 1);
    /* true retries: the stored replies, nothing logged again */
    char *a_again = ob_say(USER_A, id, "我的");
    assert_string_equal(a_again, a);
    char *b_again = ob_say(USER_B, id, "我的");
    assert_string_equal(b_again, b);
    assert_int_equal(e2e_db_int(srv,
                                "SELECT count(*) FROM events WHERE msg_key=%Q OR msg_key LIKE "
                                "%Q || '~%%'",
                                like, like),
                     3);
    struct e2e_resp m;
    e2e_http(srv, "GET", "/metrics", NULL, 0, 0, &m);
    assert_int_equal(m.status, 200);
    assert_contains(m.body, "zhibu_dedupe_collisions_total{platform=\"onebot\"} 2");
    e2e_resp_free(&m);
    free(a);
    free(b);
    free(b2);
    free(a_again);
    free(b_again);
}

/* Defect 8: a member's feedback with line breaks and U+202E cannot forge listing lines. */
static void test_listing_forgery(void **state)
{
    (void)state;
    free(ob_say(USER_B, ++next_id, "留言"));
    free(ob_say(USER_B, ++next_id,
                "谢谢\n99  2026-01-01 08:00:00  onebot:10000:伪造的留言\xe2\x80\xae"
                "abc"));
    assert_int_equal(cli("feedback"), 0);
    const char *out = proc.out;
    assert_contains(out, "谢谢");
    assert_contains(out, "伪造的留言");
    assert_null(strstr(out, "\xe2\x80\xae"));
    assert_null(strstr(out, "\n99  "));
    assert_contains(out, "\n    "
                         "  | 99  2026-01-01");
    assert_int_equal(cli("events"), 0);
    assert_null(strstr(proc.out, "\xe2\x80\xae"));
}

/* Defect 11b: account ids with line breaks or control characters are refused. */
static void test_bind_refuses_controls(void **state)
{
    (void)state;
    assert_int_equal(cli("member", "bind", "2", "--wechat", "o_x\n3  伪造", "--account", "gh_e2e"),
                     1);
    assert_contains(proc.err, "不能有空格或换行");
    assert_int_equal(cli("member", "bind", "2", "--qqbot", "ABC\x1b[2J", "--account", "1234"), 1);
    assert_int_equal(
        cli("member", "bind", "2", "--wechat", "o_ok\xe2\x80\xae", "--account", "gh_e2e"), 1);
    assert_int_equal(e2e_db_int(srv, "SELECT count(*) FROM identities WHERE member_id=2"), 0);
}

/* Defect 10: the database and its WAL are not readable by others; a loose file is warned of. */
static void test_database_mode(void **state)
{
    (void)state;
    struct stat sb;
    char wal[400];
    assert_int_equal(stat(srv->db_path, &sb), 0);
    assert_int_equal(sb.st_mode & 077, 0);
    snprintf(wal, sizeof wal, "%s-wal", srv->db_path);
    if (stat(wal, &sb) == 0)
        assert_int_equal(sb.st_mode & 077, 0);
    assert_int_equal(chmod(srv->db_path, 0644), 0);
    assert_int_equal(cli("events"), 0);
    assert_contains(proc.err, "readable by other users");
    assert_int_equal(chmod(srv->db_path, 0600), 0);
    assert_int_equal(cli("events"), 0);
    assert_not_contains(proc.err, "readable by other users");
}

/* replace - s with the first `from` replaced by `to` (caller frees). */
static char *replace(const char *s, const char *from, const char *to)
{
    const char *at = strstr(s, from);
    assert_non_null(at);
    size_t n = strlen(s) - strlen(from) + strlen(to) + 1;
    char *out = malloc(n);
    assert_non_null(out);
    snprintf(out, n, "%.*s%s%s", (int)(at - s), s, to, at + strlen(from));
    return out;
}

/* Defect 6: one UTF-8 rule on every platform - invalid UTF-8 and an escaped NUL are refused
 * with 400 and nothing is stored (the WeChat adapter's XML parser already did so). */
static void test_utf8_rule(void **state)
{
    (void)state;
    static const char *const forms[] = {"\xff\xfe", "\\u0000", "\\ud800", "\xed\xa0\x80"};
    for (size_t i = 0; i < sizeof forms / sizeof *forms; i++) {
        long long before = e2e_db_int(srv, "SELECT count(*) FROM events");
        char *ob = ob_message(USER_B, NULL, ++next_id, "帮助MARK", false);
        char *body = replace(ob, "MARK", forms[i]);
        struct e2e_resp r;
        ob_post(srv, body, OB_SIGNED, &r);
        assert_int_equal(r.status, 400);
        e2e_resp_free(&r);
        free(ob);
        free(body);
        char id[32];
        snprintf(id, sizeof id, "m%lld", ++next_id);
        char *qb = qb_message("QBUSER0001", NULL, id, "帮助MARK", (long long)time(NULL));
        body = replace(qb, "MARK", forms[i]);
        qb_post(srv, body, QB_SIGNED, &r);
        assert_int_equal(r.status, 400);
        e2e_resp_free(&r);
        free(qb);
        free(body);
        assert_int_equal(e2e_db_int(srv, "SELECT count(*) FROM events"), before);
    }
    /* WeChat: the same bytes in a message are refused the same way */
    char *xml = e2e_wx_xml("o_utf8", "text", (long long)time(NULL), "900001", "Content",
                           "帮助\xff\xfe", NULL);
    struct e2e_resp r;
    e2e_wx_post(srv, srv->have_key ? E2E_SAFE : E2E_PLAIN, xml, &r);
    assert_int_equal(r.status, 400);
    e2e_resp_free(&r);
    free(xml);
    /* valid text still passes on both */
    char *ok = ob_say(USER_B, ++next_id, "帮助");
    assert_true(*ok);
    free(ok);
}

/* post_status - POST xml to s as WeChat would in mode (signed now); the HTTP status. */
static long post_status(struct e2e_server *s, enum e2e_mode mode, const char *xml)
{
    struct e2e_resp r;
    e2e_wx_post(s, mode, xml, &r);
    long st = r.status;
    e2e_resp_free(&r);
    return st;
}

/* Defect 5: wechat.mode. With a key and no mode, safe: plaintext refused (also a captured
 * safe-mode URL with a forged plaintext body after a restart, when the RAM replay memory is
 * empty); compatible takes both; plain refuses encrypted messages; a bad mode is a config
 * error. */
static void test_wechat_mode(void **state)
{
    (void)state;
    struct e2e_server *s =
        e2e_server_up(&(struct e2e_config){.aes_key = E2E_AES_KEY, .wx_mode = ""});
    assert_non_null(s);
    char *xml =
        e2e_wx_xml("o_mode", "text", (long long)time(NULL), "880001", "Content", "帮助", NULL);
    char *forged = e2e_wx_xml("o_mode_victim", "text", (long long)time(NULL), "880002", "Content",
                              "解绑", NULL);
    assert_int_equal(post_status(s, E2E_SAFE, xml), 200);
    assert_int_equal(post_status(s, E2E_PLAIN, xml), 400);
    /* a captured safe-mode URL, replayed after a restart with a forged plaintext body */
    char ts[24], nonce[24], *query, *body, *pquery, *pbody;
    e2e_now(ts);
    e2e_nonce(nonce);
    e2e_wx_request(s, E2E_SAFE, xml, ts, nonce, &query, &body);
    struct e2e_resp r;
    e2e_http(s, "POST", query, body, strlen(body), 0, &r);
    assert_int_equal(r.status, 200);
    e2e_resp_free(&r);
    assert_int_equal(e2e_server_stop(s), 0);
    assert_int_equal(e2e_server_start(s), 0);
    e2e_wx_request(s, E2E_PLAIN, forged, ts, nonce, &pquery, &pbody);
    e2e_http(s, "POST", pquery, pbody, strlen(pbody), 0, &r);
    assert_true(r.status == 400 || r.status == 403);
    e2e_resp_free(&r);
    assert_int_equal(e2e_db_int(s, "SELECT count(*) FROM events WHERE user_id='o_mode_victim'"), 0);
    assert_int_equal(e2e_server_stop(s), 0);
    /* compatible: both forms */
    s->cfg.wx_mode = "compatible";
    assert_int_equal(e2e_write_config(s), 0);
    assert_int_equal(e2e_server_start(s), 0);
    assert_int_equal(post_status(s, E2E_PLAIN, forged), 200);
    assert_int_equal(post_status(s, E2E_SAFE, xml), 200);
    assert_int_equal(e2e_server_stop(s), 0);
    /* plain with a key: encrypted messages refused */
    s->cfg.wx_mode = "plain";
    assert_int_equal(e2e_write_config(s), 0);
    assert_int_equal(e2e_server_start(s), 0);
    assert_int_equal(post_status(s, E2E_SAFE, xml), 400);
    assert_int_equal(e2e_server_stop(s), 0);
    /* a mode that is not one, and safe without a key, are config errors */
    s->cfg.wx_mode = "secure";
    assert_int_equal(e2e_write_config(s), 0);
    assert_int_not_equal(e2e_server_start(s), 0);
    s->cfg.aes_key = NULL;
    s->cfg.wx_mode = "safe";
    assert_int_equal(e2e_write_config(s), 0);
    assert_int_not_equal(e2e_server_start(s), 0);
    free(xml);
    free(forged);
    free(query);
    free(body);
    free(pquery);
    free(pbody);
    e2e_server_free(s);
}

/* Beyond: `zhibu backup` while messages keep arriving makes a sound 0600 copy with every row of
 * its moment; `zhibu restore` is refused while the server runs and puts the copy back when it
 * is stopped. */
static void test_backup_restore(void **state)
{
    (void)state;
    char dest[400], bad[400];
    snprintf(dest, sizeof dest, "%s/backup.db", srv->dir);
    snprintf(bad, sizeof bad, "%s/not-a-db.db", srv->dir);
    for (int i = 0; i < 10; i++)
        free(ob_say(USER_B, ++next_id, "帮助"));
    assert_int_equal(cli("backup", dest), 0); /* while serving */
    long long at_backup = e2e_db_int(srv, "SELECT count(*) FROM events");
    struct stat sb;
    assert_int_equal(stat(dest, &sb), 0);
    assert_int_equal(sb.st_mode & 077, 0);
    assert_int_equal(cli("backup", dest), 1); /* never overwrites */
    assert_contains(proc.err, "已存在");
    for (int i = 0; i < 5; i++)
        free(ob_say(USER_B, ++next_id, "帮助"));
    long long later = e2e_db_int(srv, "SELECT count(*) FROM events");
    assert_true(later > at_backup);
    assert_int_equal(cli("restore", dest), 1);
    assert_contains(proc.err, "服务正在运行");
    assert_int_equal(e2e_db_int(srv, "SELECT count(*) FROM events"), later);
    assert_int_equal(e2e_server_stop(srv), 0);
    FILE *f = fopen(bad, "w");
    assert_non_null(f);
    fputs("not a database", f);
    fclose(f);
    assert_int_equal(cli("restore", bad), 1);
    assert_contains(proc.err, "不是完好的数据库备份");
    assert_int_equal(cli("restore", dest), 0);
    long long restored = e2e_db_int(srv, "SELECT count(*) FROM events");
    assert_true(restored >= at_backup - 0 && restored < later);
    assert_int_equal(e2e_server_start(srv), 0);
    char *again = ob_say(USER_B, ++next_id, "帮助");
    assert_true(*again);
    free(again);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_reused_message_id),
        cmocka_unit_test(test_listing_forgery),
        cmocka_unit_test(test_bind_refuses_controls),
        cmocka_unit_test(test_database_mode),
        cmocka_unit_test(test_utf8_rule),
        cmocka_unit_test(test_wechat_mode),
        cmocka_unit_test(test_backup_restore),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
