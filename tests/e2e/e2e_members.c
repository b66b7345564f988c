/*
 * e2e_members.c - the member registry end to end, against the real binary: import the shipped
 * example CSV with the CLI (dry run, unknown organisations, then for real), list, show and mask,
 * set a field, print binding codes, bind with a signed WeChat message, 我的, the menu an unbound
 * user sees, the brute-force lock-out, unbinding on unsubscribe, binding by hand, the
 * secretary's 成员, and the audit listing of all of it.
 *
 * One server for the whole program: the tests run in order and build on each other, as a
 * secretary's first day with zhibu would.
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
#include <curl/curl.h>

#include "bot/config.h"
#include "tests/e2e/delivery_util.h"
#include "webhook/wechat_crypto.h"
#include "webhook/wechat_say.h"

#define OUT_MAX (256 * 1024)

static struct du_fake dir; /* only its temp directory: no fake platform is needed here */
static struct du_server srv;
static struct config *cfg;
static char out[OUT_MAX];
static char example[512];

static int setup(void **state)
{
    (void)state;
    const char *src = getenv("ZHIBU_SRC");
    snprintf(example, sizeof example, "%s/config/members.example.csv", src ? src : ".");
    char tmpl[] = "/tmp/zhibu-e2e-members-XXXXXX";
    if (!mkdtemp(tmpl))
        return -1;
    snprintf(dir.dir, sizeof dir.dir, "%s", tmpl);
    dir.port = 9; /* the platforms' APIs are never called in this program */
    char err[256];
    if (du_server_config(&srv, &dir, 1, NULL, NULL, NULL) || du_server_start(&srv) ||
        config_load(srv.config, &cfg, err, sizeof err))
        return -1;
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    config_free(cfg);
    if (srv.pid)
        du_server_stop(&srv);
    du_fake_stop(&dir);
    return 0;
}

/* cli - run zhibu with the arguments (NULL-terminated); stdout in out; the exit status. */
#define cli(...) du_cli(&srv, out, sizeof out, __VA_ARGS__, (char *)NULL)

static void has(const char *hay, const char *needle)
{
    if (!strstr(hay, needle))
        fail_msg("expected \"%s\" in:\n%s", needle, hay);
}

static void lacks(const char *hay, const char *needle)
{
    if (strstr(hay, needle))
        fail_msg("did not expect \"%s\" in:\n%s", needle, hay);
}

/* say - a signed (plaintext-mode) WeChat text from openid; the reply (caller frees). */
static char *say(const char *from, const char *text)
{
    char *shown = NULL, err[256];
    if (wechat_say(cfg, from, text, &shown, err, sizeof err))
        fail_msg("wechat_say %s: %s", text, err);
    return shown;
}

static void say_has(const char *from, const char *text, const char *needle)
{
    char *r = say(from, text);
    has(r, needle);
    free(r);
}

static long long db(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static long long db(const char *fmt, ...)
{
    char sql[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(sql, sizeof sql, fmt, ap);
    va_end(ap);
    return du_db_int(&srv, sql);
}

/* code_of - the binding code `member codes` prints for the member named name. */
static void code_of(const char *name, char *code)
{
    assert_int_equal(cli("member", "codes"), 0);
    char needle[96];
    snprintf(needle, sizeof needle, "  %s  ", name);
    const char *line = strstr(out, needle);
    assert_non_null(line);
    const char *c = strstr(line, "绑定码 ");
    assert_non_null(c);
    c += strlen("绑定码 ");
    memcpy(code, c, 6);
    code[6] = '\0';
    for (int i = 0; i < 6; i++)
        assert_true(code[i] >= '0' && code[i] <= '9');
}

static void test_import_example(void **state)
{
    (void)state;
    /* a dry run shows the changes and writes nothing */
    assert_int_equal(cli("member", "import", example, "--dry-run", "--create-branches"), 0);
    has(out, "试运行");
    has(out, "新增 #1 李建国");
    has(out, "将会新增 12 人");
    lacks(out, "13800138001");
    assert_int_equal(db("SELECT count(*) FROM members"), 0);
    /* the organisation does not exist yet: every row is a problem, nothing is written */
    assert_int_equal(cli("member", "import", example), 1);
    assert_int_equal(db("SELECT count(*) FROM members"), 0);
    assert_int_equal(db("SELECT count(*) FROM branches"), 0);
    /* for real */
    assert_int_equal(cli("member", "import", example, "--create-branches"), 0);
    has(out, "完成：新增 12 人");
    has(out, "新建组织 4 个");
    assert_int_equal(db("SELECT count(*) FROM members"), 12);
    /* importing again updates, never duplicates */
    assert_int_equal(cli("member", "import", example), 0);
    has(out, "未变 12 人");
    assert_int_equal(db("SELECT count(*) FROM members"), 12);
}

static void test_list_show_mask_set(void **state)
{
    (void)state;
    assert_int_equal(cli("member", "list"), 0);
    has(out, "共 12 人");
    /* one member per line, each starting with the member's ID */
    int lines = 0;
    for (const char *p = out; *p; p = strchr(p, '\n') + 1) {
        if (strncmp(p, "共", strlen("共")) != 0) {
            char *end;
            long id = strtol(p, &end, 10);
            assert_true(id >= 1 && id <= 12 && end[0] == ' ');
            lines++;
        }
        if (!strchr(p, '\n'))
            break;
    }
    assert_int_equal(lines, 12);
    has(out, "138****8001");
    lacks(out, "13800138001");
    assert_int_equal(cli("member", "list", "--branch", "第一党小组"), 0);
    has(out, "共 6 人");
    lacks(out, "张志强"); /* 第二党小组 */
    assert_int_equal(cli("member", "list", "--branch", "没有这个支部"), 1);

    assert_int_equal(cli("member", "show", "1"), 0);
    has(out, "姓名：李建国");
    has(out, "手机号：138****8001");
    has(out, "职务：书记");
    lacks(out, "13800138001");
    long long unmasks = db("SELECT count(*) FROM audit WHERE action='unmask'");
    assert_int_equal(cli("member", "show", "1", "--unmask"), 0);
    has(out, "手机号：13800138001");
    assert_int_equal(db("SELECT count(*) FROM audit WHERE action='unmask' AND "
                        "target='member:1' AND channel='cli'"),
                     unmasks + 1);

    assert_int_equal(cli("member", "set", "6", "月收入", "3,100.50"), 0);
    has(out, "月收入 3000.01 → 3100.50");
    assert_int_equal(db("SELECT monthly_income_fen FROM members WHERE id=6"), 310050);
    assert_int_equal(cli("member", "set", "6", "月收入", "三千"), 1);
    assert_int_equal(cli("member", "set", "11", "职务", "书记"), 1);         /* probationary */
    assert_int_equal(cli("member", "set", "6", "手机号", "13800138001"), 1); /* 李建国's */
    assert_int_equal(cli("member", "set", "99", "姓名", "某某"), 1);
    assert_int_equal(db("SELECT monthly_income_fen FROM members WHERE id=6"), 310050);

    assert_int_equal(cli("branch", "list"), 0);
    has(out, "市交通运输局党委/船闸支部  12 人（正式 10，预备 2）");
    has(out, "提醒："); /* a 党委 of 12 members needs approval */
    assert_int_equal(cli("branch", "add", "市交通运输局党委/航道支部"), 0);
    has(out, "已新建");
    assert_int_equal(cli("branch", "add", "市交通运输局党委/航道支部/船队"), 1);
}

static void test_unbound_sees_public_menu(void **state)
{
    (void)state;
    char *menu = say("o_e2e_new", "帮助");
    has(menu, "7 给支部留言");
    has(menu, "绑定 六位绑定码");
    lacks(menu, "我的信息");
    free(menu);
    say_has("o_e2e_new", "我的", "只对已绑定的党员开放");
    say_has("o_e2e_new", "8", "只对已绑定的党员开放");
}

static void test_bind_and_me(void **state)
{
    (void)state;
    char code[8], msg[32];
    code_of("赵海燕", code);
    snprintf(msg, sizeof msg, "绑定 %s", code);
    say_has("o_e2e_zhao", msg, "绑定成功！赵海燕同志");
    char *me = say("o_e2e_zhao", "我的");
    has(me, "【我的信息】");
    has(me, "姓名：赵海燕");
    has(me, "手机号：138****8005");
    has(me, "市交通运输局党委/船闸支部");
    has(me, "岗位：运行科,调度员");
    lacks(me, "13800138005");
    free(me);
    char *menu = say("o_e2e_zhao", "0");
    has(menu, "8 我的信息");
    lacks(menu, "绑定 六位绑定码");
    free(menu);
    /* the code was used up and replaced */
    char again[8];
    code_of("赵海燕", again);
    assert_string_not_equal(code, again);
    say_has("o_e2e_other", msg, "绑定码不对");
    /* a plain member may not list the branch */
    say_has("o_e2e_zhao", "成员", "只有支部书记");
}

static void test_brute_force_lockout(void **state)
{
    (void)state;
    char good[8], bad[8] = "000000", msg[32];
    code_of("孙立新", good);
    if (strcmp(good, bad) == 0)
        bad[5] = '1';
    snprintf(msg, sizeof msg, "绑定 %s", bad);
    for (int i = 0; i < 4; i++)
        say_has("o_e2e_guess", msg, "绑定码不对");
    say_has("o_e2e_guess", msg, "错误次数太多");
    snprintf(msg, sizeof msg, "绑定 %s", good);
    say_has("o_e2e_guess", msg, "错误次数太多"); /* the right code too, for an hour */
    assert_int_equal(db("SELECT count(*) FROM identities WHERE ext_id='o_e2e_guess' AND "
                        "member_id IS NOT NULL"),
                     0);
    assert_int_equal(db("SELECT locked_until > strftime('%%s','now') + 3500 FROM bind_guard "
                        "WHERE ext_id='o_e2e_guess'"),
                     1);
}

static size_t sink(void *p, size_t sz, size_t n, void *ud)
{
    (void)p;
    (void)ud;
    return sz * n;
}

/* unsubscribe - post the signed unsubscribe event WeChat sends for openid; the HTTP status. */
static long unsubscribe(const char *openid)
{
    char ts[24], nonce[24], sig[WECHAT_SIG_HEX], url[512], xml[512];
    snprintf(ts, sizeof ts, "%lld", (long long)time(NULL));
    snprintf(nonce, sizeof nonce, "%d", (int)getpid());
    const char *parts[] = {"t", ts, nonce};
    wechat_sign(parts, 3, sig);
    snprintf(url, sizeof url,
             "http://127.0.0.1:%d/wechat?signature=%s&timestamp=%s&nonce=%s&"
             "openid=%s",
             srv.port, sig, ts, nonce, openid);
    snprintf(xml, sizeof xml,
             "<xml><ToUserName><![CDATA[gh_zhibu_demo]]></ToUserName><FromUserName><![CDATA[%s]]>"
             "</FromUserName><CreateTime>%s</CreateTime><MsgType><![CDATA[event]]></MsgType>"
             "<Event><![CDATA[unsubscribe]]></Event><EventKey><![CDATA[]]></EventKey></xml>",
             openid, ts);
    CURL *c = curl_easy_init();
    long status = 0;
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, xml);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, sink);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 10L);
    if (curl_easy_perform(c) == CURLE_OK)
        curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    curl_easy_cleanup(c);
    return status;
}

static void test_unsubscribe_unbinds(void **state)
{
    (void)state;
    assert_int_equal(db("SELECT member_id FROM identities WHERE ext_id='o_e2e_zhao'"), 5);
    assert_int_equal(unsubscribe("o_e2e_zhao"), 200);
    assert_true(du_wait_db(&srv,
                           "SELECT count(*) FROM identities WHERE ext_id='o_e2e_zhao' AND "
                           "member_id IS NULL",
                           1, 5000));
    assert_int_equal(db("SELECT count(*) FROM members WHERE id=5"), 1); /* the member stays */
    assert_int_equal(db("SELECT count(*) FROM audit WHERE action='unfollow' AND "
                        "actor='member:5' AND channel='wechat'"),
                     1);
    say_has("o_e2e_zhao", "我的", "只对已绑定的党员开放");
}

static void test_bind_by_hand_and_roster(void **state)
{
    (void)state;
    /* the account (the official account's gh_ id) is taken from the identities already seen */
    assert_int_equal(cli("member", "bind", "1", "--wechat", "o_e2e_li"), 0);
    has(out, "已绑定：#1 李建国");
    assert_int_equal(cli("member", "bind", "2", "--wechat", "o_e2e_li"), 1); /* taken */
    assert_int_equal(cli("member", "bind", "1", "--onebot", "123456789"), 0);
    assert_int_equal(cli("member", "show", "1"), 0);
    has(out, "QQ  123****6789");
    say_has("o_e2e_li", "我的", "姓名：李建国");
    char *list = say("o_e2e_li", "成员");
    has(list, "船闸支部 党员名单");
    has(list, "共 12 人");
    has(list, "赵海燕 138****8005");
    lacks(list, "13800138005");
    free(list);
    assert_int_equal(cli("member", "unbind", "1", "--onebot", "123456789"), 0);
    assert_int_equal(cli("member", "unbind", "1", "--onebot", "123456789"), 1);
}

static void test_audit_listing(void **state)
{
    (void)state;
    assert_int_equal(cli("audit"), 0);
    has(out, "导入名单  members.example.csv");
    has(out, "调整职务  member:1");
    has(out, "查看完整手机号  member:1");
    has(out, "修改信息  member:6  孙立新：月收入 3000.01 → 3100.50");
    has(out, "绑定码绑定  member:5");
    has(out, "取消关注解绑  member:5");
    has(out, "手工绑定  member:1  wechat:");
    has(out, "手工解绑  member:1  onebot:123456789");
    has(out, "wechat  member:1  查看名单");
    has(out, "打印绑定码");
    lacks(out, "13800138001");
    assert_int_equal(cli("audit", "--actor", "5"), 0);
    has(out, "绑定码绑定");
    lacks(out, "导入名单");
    assert_int_equal(cli("audit", "--since", "2000-01-01", "--limit", "3"), 0);
    assert_int_equal((int)(strlen(out) > 0), 1);
    assert_int_equal(cli("audit", "--since", "2099-01-01"), 0);
    has(out, "没有符合条件的审计记录");
    assert_int_equal(cli("audit", "--since", "昨天"), 2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_import_example),           cmocka_unit_test(test_list_show_mask_set),
        cmocka_unit_test(test_unbound_sees_public_menu), cmocka_unit_test(test_bind_and_me),
        cmocka_unit_test(test_brute_force_lockout),      cmocka_unit_test(test_unsubscribe_unbinds),
        cmocka_unit_test(test_bind_by_hand_and_roster),  cmocka_unit_test(test_audit_listing),
    };
    curl_global_init(CURL_GLOBAL_DEFAULT);
    int rc = cmocka_run_group_tests(tests, setup, teardown);
    curl_global_cleanup();
    return rc;
}
