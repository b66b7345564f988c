/*
 * e2e_study.c - study end to end against the real binary with the demo data (the bundled
 * content/study/ items imported and approved by `demo seed`): `学习` / `1` / `１` / `学习。`
 * give an item with a signed link; opening /s/ID records the read and shows escaped HTML; a
 * tampered or expired link (the testing clock) is refused; `下一篇`, `往期`, `订阅` / `退订`,
 * `积分`; `zhibu content import/list/show/audience/retire --as`, review through chat (`待办`,
 * `同意 ID`, `退回 ID 原因`) and through `zhibu decide` (self-approval refused); the REST routes
 * with their auth failures.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <cjson/cJSON.h>
#include <cmocka.h>
#include <curl/curl.h>

#include "tests/e2e/delivery_util.h"

#define OUT_MAX (32 * 1024)

static struct du_fake fake;
static struct du_server srv;
static char now_file[400], items_dir[400];
static long long now0;
static char out[OUT_MAX];

struct reply {
    long status;
    char body[1 << 17];
    size_t len;
};

static size_t on_body(char *p, size_t size, size_t n, void *ud)
{
    struct reply *r = ud;
    size_t k = size * n;
    if (r->len + k >= sizeof r->body)
        k = sizeof r->body - 1 - r->len;
    memcpy(r->body + r->len, p, k);
    r->len += k;
    r->body[r->len] = '\0';
    return size * n;
}

/* get - GET url (a path on the server, or a full URL) with token (NULL: none). */
static struct reply *get(const char *url, const char *token)
{
    static struct reply r;
    memset(&r, 0, sizeof r);
    char full[1024], auth[160];
    if (strncmp(url, "http", 4) == 0)
        snprintf(full, sizeof full, "%s", url);
    else
        snprintf(full, sizeof full, "http://127.0.0.1:%d%s", srv.port, url);
    CURL *h = curl_easy_init();
    struct curl_slist *hd = NULL;
    if (token) {
        snprintf(auth, sizeof auth, "Authorization: Bearer %s", token);
        hd = curl_slist_append(hd, auth);
    }
    curl_easy_setopt(h, CURLOPT_URL, full);
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, hd);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &r);
    curl_easy_setopt(h, CURLOPT_TIMEOUT, 20L);
    if (curl_easy_perform(h) == CURLE_OK)
        curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &r.status);
    curl_slist_free_all(hd);
    curl_easy_cleanup(h);
    return &r;
}

static void set_now(long long t)
{
    FILE *f = fopen(now_file, "w");
    assert_non_null(f);
    fprintf(f, "%lld\n", t);
    fclose(f);
}

static void has(const char *hay, const char *needle)
{
    if (!strstr(hay, needle))
        fail_msg("expected to contain \"%s\", got \"%s\"", needle, hay);
}

static void lacks(const char *hay, const char *needle)
{
    if (strstr(hay, needle))
        fail_msg("expected not to contain \"%s\", got \"%s\"", needle, hay);
}

/* say - a WeChat text from openid through `zhibu say`; the reply in out. Every reply ends with
 * what to send next. */
static const char *say(const char *from, const char *text)
{
    assert_int_equal(du_cli(&srv, out, sizeof out, "say", "--from", from, text, NULL), 0);
    if (!strstr(out, "回复") && !strstr(out, "发送"))
        fail_msg("reply to \"%s\" does not say what to send next: %s", text, out);
    return out;
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

/* bind_to - bind openid to member id with the member's code. */
static void bind_to(const char *openid, int member)
{
    char text[64];
    snprintf(text, sizeof text, "绑定 %06lld",
             db("SELECT bind_code FROM members WHERE id=%d", member));
    has(say(openid, text), "绑定成功");
}

/* link_in - the first http link in text into url. */
static void link_in(const char *text, char *url, size_t n)
{
    const char *u = strstr(text, "http://");
    assert_non_null(u);
    size_t k = strcspn(u, "\n ");
    snprintf(url, n, "%.*s", (int)k, u);
}

/* write_item - items_dir/slug.md. */
static void write_item(const char *slug, const char *title, const char *body)
{
    char p[512];
    snprintf(p, sizeof p, "%s/%s.md", items_dir, slug);
    FILE *f = fopen(p, "w");
    assert_non_null(f);
    fprintf(f, "---\ntitle: %s\nsummary: 测试摘要\nsource: 测试出处\n---\n%s\n", title, body);
    fclose(f);
}

static long long item_of(const char *slug)
{
    return db("SELECT id FROM study_items WHERE slug='%s'", slug);
}

static long long decision_of(const char *slug)
{
    return db("SELECT d.id FROM decisions d JOIN study_reviews r ON r.id=d.object_id JOIN "
              "study_items i ON i.id=r.item_id WHERE d.kind='study' AND d.state='open' AND "
              "i.slug='%s'",
              slug);
}

static int setup(void **state)
{
    (void)state;
    curl_global_init(CURL_GLOBAL_DEFAULT);
    if (du_fake_start(&fake, NULL))
        return -1;
    snprintf(now_file, sizeof now_file, "%s/now", fake.dir);
    now0 = (long long)time(NULL);
    set_now(now0);
    setenv("ZHIBU_TEST_NOW_FILE", now_file, 1);
    const char *src = getenv("ZHIBU_SRC");
    char content[400];
    snprintf(content, sizeof content, "%s/content/study", src && *src ? src : ".");
    setenv("ZHIBU_CONTENT_DIR", content, 1);
    snprintf(items_dir, sizeof items_dir, "%s/items", fake.dir);
    mkdir(items_dir, 0700);
    static const char extra[] =
        "\"testing\":true,\"api\":{\"enabled\":true,\"rate_per_min\":1000},"
        "\"study\":{\"audiences\":{\"离退休党员\":{\"categories\":[\"离退休\"]},"
        "\"一线岗位\":{\"post_words\":[\"运行工\",\"调度员\"]},\"管理岗位\":{\"post_words\":"
        "[\"所长\",\"主任\",\"科长\"]}}}";
    if (du_server_config(&srv, &fake, 4, NULL, NULL, extra) ||
        du_cli(&srv, out, sizeof out, "demo", "seed", NULL) != 0 || du_server_start(&srv))
        return -1;
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    du_server_stop(&srv);
    du_fake_stop(&fake);
    unsetenv("ZHIBU_TEST_NOW_FILE");
    unsetenv("ZHIBU_CONTENT_DIR");
    return 0;
}

static void chat_and_page(void **state)
{
    (void)state;
    assert_true(db("SELECT count(*) FROM study_items WHERE status='published'") >= 10);
    /* not bound: members only */
    has(say("o_stranger", "学习"), "只对已绑定的党员开放");
    bind_to("o_old", 7); /* 周桂兰, retired */
    char url[512], first_title[256];
    const char *r = say("o_old", "1");
    has(r, "《");
    has(r, "出处：");
    has(r, "审核：李建国");
    has(r, "回复“下一篇”");
    link_in(r, url, sizeof url);
    has(url, "/s/");
    const char *t = strstr(r, "《");
    snprintf(first_title, sizeof first_title, "%.*s", (int)(strstr(t, "》") - t), t);
    /* the same item for 学习, full-width １ and a voice-style 学习。 while it is unread */
    has(say("o_old", "学习"), first_title);
    has(say("o_old", "１"), first_title);
    has(say("o_old", "学习。"), first_title);
    assert_int_equal(db("SELECT count(*) FROM study_reads WHERE member_id=7"), 0);

    /* a tampered link: refused, nothing recorded */
    char bad[512];
    snprintf(bad, sizeof bad, "%s", url);
    char *sig = strstr(bad, "sig=");
    assert_non_null(sig);
    sig[4] = sig[4] == 'A' ? 'B' : 'A';
    struct reply *p = get(bad, NULL);
    assert_int_equal(p->status, 403);
    has(p->body, "链接不完整或已被改动");
    char *m = strstr(bad, "m=7");
    assert_non_null(m);
    snprintf(bad, sizeof bad, "%s", url);
    m = strstr(bad, "m=7");
    m[2] = '8'; /* another member */
    assert_int_equal(get(bad, NULL)->status, 403);
    assert_int_equal(db("SELECT count(*) FROM study_reads WHERE member_id IN (7, 8)"), 0);

    /* the page: read recorded, phone-sized, no scripts */
    p = get(url, NULL);
    assert_int_equal(p->status, 200);
    has(p->body, first_title + strlen("《"));
    has(p->body, "name=\"viewport\"");
    lacks(p->body, "<script");
    lacks(p->body, "src=");
    assert_int_equal(db("SELECT count(*) FROM study_reads WHERE member_id=7 AND channel='page'"),
                     1);
    /* a week and a day later the link has expired */
    set_now(now0 + 8 * 86400);
    p = get(url, NULL);
    assert_int_equal(p->status, 410);
    has(p->body, "已过期");
    set_now(now0);

    /* read: 学习 moves on; 下一篇 gives another */
    r = say("o_old", "学习");
    lacks(r, first_title);
    char second[256];
    t = strstr(r, "《");
    snprintf(second, sizeof second, "%.*s", (int)(strstr(t, "》") - t), t);
    r = say("o_old", "下一篇");
    has(r, "《");
    lacks(r, second);
    r = say("o_old", "往期");
    has(r, "近期学习内容");
    has(r, "（已读）");
    r = say("o_old", "积分");
    has(r, "本周：读了 1 篇，积分 1");
    has(r, "本支部 12 人");
    has(say("o_old", "订阅"), "已订阅");
    has(say("o_old", "订阅"), "您已订阅");
    assert_int_equal(db("SELECT count(*) FROM study_subs WHERE member_id=7"), 1);
    has(say("o_old", "退订"), "已退订");
    assert_int_equal(db("SELECT count(*) FROM study_subs WHERE member_id=7"), 0);
    /* said the other ways: 订阅提要 turns it on, 取消订阅 / 退订了 / 不订了 off */
    has(say("o_old", "订阅提要"), "已订阅");
    has(say("o_old", "取消订阅"), "已退订");
    has(say("o_old", "退订了"), "您没有订阅");
    has(say("o_old", "不订了"), "您没有订阅");
    /* 学习 N: a number that is not there */
    has(say("o_old", "学习 99999"), "没有这一篇");

    /* targeting: the retirees' item reaches the two retired members only */
    char id[24];
    snprintf(id, sizeof id, "%lld", item_of("03-dues-retired"));
    assert_int_equal(du_cli(&srv, out, sizeof out, "content", "audience", id, "--as", "3", NULL),
                     0);
    has(out, "周桂兰");
    has(out, "吴长生");
    lacks(out, "李建国");
    has(out, "共 2 人");
}

static void content_and_review(void **state)
{
    (void)state;
    write_item("x-script", "<script>alert(1)</script>党费小测", "正文 **重点** 在这里");
    /* a plain member may not import; the 宣传委员 may */
    assert_true(du_cli(&srv, out, sizeof out, "content", "import", items_dir, "--as", "5", NULL) !=
                0);
    assert_int_equal(item_of("x-script"), -1);
    assert_int_equal(
        du_cli(&srv, out, sizeof out, "content", "import", items_dir, "--as", "3", NULL), 0);
    has(out, "新增 1 篇");
    long long id = item_of("x-script");
    assert_true(id > 0);
    char ids[24];
    snprintf(ids, sizeof ids, "%lld", id);
    assert_int_equal(du_cli(&srv, out, sizeof out, "content", "list", "--as", "3", NULL), 0);
    has(out, "审核中");
    has(out, "党费小测");
    assert_int_equal(du_cli(&srv, out, sizeof out, "content", "show", ids, "--as", "3", NULL), 0);
    has(out, "正文 **重点**");
    /* nobody sees it yet */
    has(say("o_old", "学习 99999"), "没有这一篇");
    char text[64];
    snprintf(text, sizeof text, "学习 %lld", id);
    has(say("o_old", text), "没有这一篇");

    /* the author may not approve it; the secretary does, in chat */
    long long did = decision_of("x-script");
    char dids[24];
    snprintf(dids, sizeof dids, "%lld", did);
    assert_true(du_cli(&srv, out, sizeof out, "decide", dids, "approve", "--as", "3", NULL) != 0);
    bind_to("o_sec", 1);
    const char *r = say("o_sec", "待办");
    has(r, "党费小测");
    has(r, dids);
    snprintf(text, sizeof text, "同意 %lld", did);
    has(say("o_sec", text), "已同意");
    assert_int_equal(
        db("SELECT count(*) FROM study_items WHERE id=%lld AND status='published'", id), 1);
    assert_int_equal(db("SELECT count(*) FROM audit WHERE action='study.approve' AND "
                        "target='study:%lld'",
                        id),
                     1);
    /* the newest item: today's for the member; its page escapes the title */
    r = say("o_old", "学习");
    has(r, "党费小测");
    char url[512];
    link_in(r, url, sizeof url);
    struct reply *p = get(url, NULL);
    assert_int_equal(p->status, 200);
    has(p->body, "&lt;script&gt;alert(1)&lt;/script&gt;党费小测");
    lacks(p->body, "<script>");
    has(p->body, "<strong>重点</strong>");

    /* two more: one returned in chat, one approved with zhibu decide */
    write_item("y-return", "退回的内容", "正文");
    write_item("z-decide", "命令行审核", "正文");
    assert_int_equal(
        du_cli(&srv, out, sizeof out, "content", "import", items_dir, "--as", "3", NULL), 0);
    has(out, "新增 2 篇");
    has(out, "未变 1 篇");
    snprintf(text, sizeof text, "退回 %lld 出处不全", decision_of("y-return"));
    has(say("o_sec", text), "退回");
    assert_int_equal(db("SELECT count(*) FROM study_items WHERE slug='y-return' AND "
                        "status='rejected'"),
                     1);
    snprintf(dids, sizeof dids, "%lld", decision_of("z-decide"));
    assert_int_equal(du_cli(&srv, out, sizeof out, "decide", dids, "approve", "--as", "1", NULL),
                     0);
    assert_int_equal(db("SELECT count(*) FROM study_items WHERE slug='z-decide' AND "
                        "status='published'"),
                     1);
    snprintf(text, sizeof text, "学习 %lld", item_of("y-return"));
    has(say("o_old", text), "没有这一篇");

    /* retire: gone for the member */
    assert_int_equal(du_cli(&srv, out, sizeof out, "content", "retire", ids, "--as", "3", NULL), 0);
    has(out, "已下线");
    snprintf(text, sizeof text, "学习 %lld", id);
    has(say("o_old", text), "没有这一篇");
    assert_true(du_cli(&srv, out, sizeof out, "content", "retire", ids, "--as", "5", NULL) != 0);
}

static void rest_routes(void **state)
{
    (void)state;
    char tok[64], tok1[64];
    assert_int_equal(du_cli(&srv, out, sizeof out, "api", "token", "--member", "7", NULL), 0);
    snprintf(tok, sizeof tok, "%.*s", (int)strcspn(out, "\n"), out);
    assert_int_equal(du_cli(&srv, out, sizeof out, "api", "token", "--member", "1", NULL), 0);
    snprintf(tok1, sizeof tok1, "%.*s", (int)strcspn(out, "\n"), out);
    /* auth failures */
    assert_int_equal(get("/api/v1/study", NULL)->status, 401);
    assert_int_equal(get("/api/v1/study", "not-a-token")->status, 401);
    assert_int_equal(get("/api/v1/me/study", NULL)->status, 401);
    assert_int_equal(get("/api/v1/study/1", NULL)->status, 401);
    /* the list */
    struct reply *r = get("/api/v1/study", tok);
    assert_int_equal(r->status, 200);
    cJSON *j = cJSON_Parse(r->body);
    assert_non_null(j);
    cJSON_Delete(j);
    has(r->body, "\"title\"");
    /* one item: marks it read through the API */
    long long retired_item = item_of("03-dues-retired");
    char path[96];
    snprintf(path, sizeof path, "/api/v1/study/%lld", retired_item);
    long long before = db("SELECT count(*) FROM study_reads WHERE member_id=7 AND channel='api'");
    r = get(path, tok);
    assert_int_equal(r->status, 200);
    has(r->body, "离退休党员怎样交党费");
    has(r->body, "\"reviewer\":\"李建国\"");
    assert_int_equal(db("SELECT count(*) FROM study_reads WHERE member_id=7 AND channel='api'"),
                     before + 1);
    /* not aimed at the secretary (not retired): 404; unknown and malformed ids */
    assert_int_equal(get(path, tok1)->status, 404);
    assert_int_equal(get("/api/v1/study/999999", tok)->status, 404);
    assert_int_equal(get("/api/v1/study/abc", tok)->status, 400);
    r = get("/api/v1/me/study", tok);
    assert_int_equal(r->status, 200);
    has(r->body, "\"week\"");
    has(r->body, "\"items\"");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(chat_and_page),
        cmocka_unit_test(content_and_review),
        cmocka_unit_test(rest_routes),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
