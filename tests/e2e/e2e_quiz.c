/*
 * e2e_quiz.c - the quiz end to end against the real binary with OneBot and the fake platform:
 * the demo's bank imported and approved, a round in private chat answered in every form (letter,
 * full-width letter, number, 对/错 and the other true/false words, "A C" for multiple choice),
 * the score at the end, 错题, a round idle for 30 minutes ending politely (testing clock), a
 * group contest with many members answering at once (first answers counted, the answer and the
 * totals posted to the group through the outbox when the timer fires), and the REST routes with
 * their auth failures.
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

#include <cjson/cJSON.h>
#include <cmocka.h>
#include <curl/curl.h>
#include <pthread.h>

#include "tests/e2e/qq_util.h"

#define GROUP   "5550001"
#define MEMBERS 12 /* the demo's members, bound to QQ 20000001.. */

static struct qq_env env;
static struct e2e_server *srv;
static long long next_id;
static char now_file[256];

static void set_now(long long t)
{
    FILE *f = fopen(now_file, "w");
    assert_non_null(f);
    fprintf(f, "%lld\n", t);
    fclose(f);
}

/* say - a OneBot message from user (group NULL: private); the quick reply's text or NULL. */
static char *say(const char *user, const char *group, const char *message)
{
    char *body = ob_message(user, group, ++next_id, message, false);
    struct e2e_resp r;
    ob_post(srv, body, OB_SIGNED, &r);
    free(body);
    bool at = false, has_at = false;
    char *text = r.status == 200 ? ob_reply_text(r.body, &at, &has_at) : NULL;
    e2e_resp_free(&r);
    return text;
}

static void qq_of(int i, char *out, size_t n)
{
    snprintf(out, n, "%d", 20000001 + i);
}

static int setup(void **state)
{
    (void)state;
    next_id = (long long)(time(NULL) % 100000) * 1000;
    snprintf(now_file, sizeof now_file, "/tmp/zhibu-e2e-quiz-now-%d", (int)getpid());
    set_now((long long)time(NULL));
    setenv("ZHIBU_TEST_NOW_FILE", now_file, 1);
    const char *src = getenv("ZHIBU_SRC");
    char top[1024];
    snprintf(top, sizeof top,
             "\"testing\": true, \"api\": {\"enabled\": true}, \"quiz\": {\"contest_seconds\": 5, "
             "\"bank_dir\": \"%s/content/quiz\"}",
             src ? src : ".");
    if (qq_env_up_top(&env, NULL, NULL, top))
        return -1;
    srv = env.srv;
    struct e2e_proc p;
    if (e2e_zhibu(srv->dir, &p, "demo", "seed", "--config", srv->config_path, NULL) || p.status)
        return -1;
    e2e_proc_free(&p);
    /* bind every demo member to a QQ number through the private chat */
    for (int i = 1; i <= MEMBERS; i++) {
        char *code = e2e_db_text(srv, "SELECT bind_code FROM members WHERE id=%d", i);
        if (!code)
            return -1;
        char qq[16], msg[64];
        qq_of(i, qq, sizeof qq);
        snprintf(msg, sizeof msg, "绑定 %s", code);
        free(code);
        free(say(qq, NULL, msg));
    }
    return e2e_db_int(srv, "SELECT count(*) FROM identities WHERE member_id IS NOT NULL") == MEMBERS
               ? 0
               : -1;
}

static int teardown(void **state)
{
    (void)state;
    unsetenv("ZHIBU_TEST_NOW_FILE");
    unlink(now_file);
    return qq_env_down(&env) == 0 ? 0 : -1;
}

/* form - the right answer of the open round's question seq in a form that varies with i. */
static void form(long long member, int seq, int i, char *out, size_t n, bool right)
{
    char *ans = e2e_db_text(srv,
                            "SELECT q.answer FROM quiz_round_items r JOIN quiz_questions q ON "
                            "q.id=r.question_id WHERE r.round_id=(SELECT max(id) FROM quiz_rounds "
                            "WHERE member_id=%lld) AND r.seq=%d",
                            member, seq);
    long long kind = e2e_db_int(srv,
                                "SELECT q.kind FROM quiz_round_items r JOIN quiz_questions q ON "
                                "q.id=r.question_id WHERE r.round_id=(SELECT max(id) FROM "
                                "quiz_rounds WHERE member_id=%lld) AND r.seq=%d",
                                member, seq);
    assert_non_null(ans);
    char a = ans[0];
    if (!right)
        a = a == 'A' ? 'B' : 'A';
    if (kind == 2) { /* true/false */
        static const char *const yes[] = {"对", "是", "√"}, *const no[] = {"错", "否", "×"};
        snprintf(out, n, "%s", a == 'A' ? yes[i % 3] : no[i % 3]);
    } else if (kind == 1) { /* multiple: "A C" or "ac" */
        if (!right)
            snprintf(out, n, "%c", a);
        else if (i % 2) {
            size_t k = 0;
            for (const char *p = ans; *p && k + 2 < n; p++) {
                out[k++] = *p;
                out[k++] = ' ';
            }
            out[k ? k - 1 : 0] = '\0';
        } else {
            size_t k = 0;
            for (const char *p = ans; *p && k + 1 < n; p++)
                out[k++] = (char)(*p + 32);
            out[k] = '\0';
        }
    } else if (i % 3 == 0) {
        snprintf(out, n, "%c", a);
    } else if (i % 3 == 1) {
        snprintf(out, n, "%d", a - 'A' + 1);
    } else {
        snprintf(out, n, "\xef\xbc%c", (char)(0xA1 + a - 'A')); /* Ａ.. */
    }
    free(ans);
}

static void private_round(void **state)
{
    (void)state;
    char qq[16];
    qq_of(5, qq, sizeof qq);
    char *t = say(qq, NULL, "答题");
    assert_non_null(t);
    assert_contains(t, "答题开始，共 5 题");
    assert_contains(t, "第 1/5 题");
    free(t);
    /* "好的" or a thumbs-up in passing keeps the round and shows the question again */
    static const char *const passing[] = {"好的", "👍", "收到"};
    for (size_t i = 0; i < 3; i++) {
        t = say(qq, NULL, passing[i]);
        assert_non_null(t);
        assert_contains(t, "这一题还在等您回答");
        assert_contains(t, "第 1/5 题");
        free(t);
    }
    for (int seq = 1; seq <= 5; seq++) {
        char a[32];
        bool right = seq != 3;
        form(5, seq, seq, a, sizeof a, right);
        t = say(qq, NULL, a);
        assert_non_null(t);
        assert_contains(t, right ? "回答正确" : "回答错误");
        assert_contains(t, "出处：");
        if (seq < 5)
            assert_contains(t, "题（");
        else
            assert_contains(t, "本轮结束：答对 4/5 题");
        free(t);
    }
    assert_int_equal(e2e_db_int(srv, "SELECT count(*) FROM quiz_answers WHERE member_id=5"), 5);
    /* a digit after the round is the menu again: 2 starts the next round */
    t = say(qq, NULL, "错题");
    assert_contains(t, "错题重练，共 1 题");
    free(t);
    /* idle for 31 minutes: the round ends politely */
    set_now((long long)time(NULL) + 31 * 60);
    t = say(qq, NULL, "A");
    assert_contains(t, "超过 30 分钟没有作答，已经结束");
    free(t);
    set_now((long long)time(NULL));
    /* 积分 (the study capability's record) shows the quiz's answers of the week */
    t = say(qq, NULL, "积分");
    assert_contains(t, "本周答题 ");
    assert_contains(t, "答对");
    free(t);
    /* asked in the group, the record is not posted there */
    t = say(qq, GROUP, "#积分");
    assert_non_null(t);
    assert_contains(t, "请私聊我");
    assert_null(strstr(t, "本周答题"));
    free(t);
    /* an unbound sender is told to bind */
    t = say("29999999", NULL, "答题");
    assert_contains(t, "只对已绑定的党员开放");
    free(t);
}

struct answerer {
    int member;
    const char *text;
};

static void *answer_thread(void *arg)
{
    struct answerer *a = arg;
    char qq[16];
    qq_of(a->member, qq, sizeof qq);
    free(say(qq, GROUP, a->text));
    free(say(qq, GROUP, "B")); /* a second answer never counts */
    return NULL;
}

static bool wait_group(const char *text, int ms)
{
    for (int i = 0; i < ms / 50; i++) {
        size_t n = 0;
        struct du_rec *recs = du_records(&env.fake, &n);
        bool found = false;
        for (size_t k = 0; k < n && !found; k++)
            found = strcmp(recs[k].api, "onebot_group") == 0 && strcmp(recs[k].to, GROUP) == 0 &&
                    strstr(recs[k].text, text);
        free(recs);
        if (found)
            return true;
        e2e_sleep_ms(50);
    }
    return false;
}

static void group_contest(void **state)
{
    (void)state;
    char qq[16];
    qq_of(5, qq, sizeof qq); /* 赵海燕: a plain member may not start one */
    char *t = say(qq, GROUP, "#开始竞答 2");
    assert_contains(t, "书记、副书记或党小组长");
    free(t);
    qq_of(1, qq, sizeof qq); /* 李建国, 书记 */
    t = say(qq, GROUP, "#开始竞答 2");
    assert_non_null(t);
    assert_contains(t, "竞答开始！共 2 题，每题 5 秒");
    free(t);
    long long cid = e2e_db_int(srv, "SELECT max(id) FROM quiz_contests");
    char *ans = e2e_db_text(srv,
                            "SELECT q.answer FROM quiz_contest_items i JOIN quiz_questions q ON "
                            "q.id=i.question_id WHERE i.contest_id=%lld AND i.seq=1",
                            cid);
    assert_non_null(ans);
    pthread_t th[MEMBERS];
    struct answerer a[MEMBERS];
    for (int i = 0; i < MEMBERS; i++) {
        a[i].member = i + 1;
        a[i].text = i % 3 == 0 ? "A" : ans; /* some wrong (unless A is right), most right */
        assert_int_equal(pthread_create(&th[i], NULL, answer_thread, &a[i]), 0);
    }
    for (int i = 0; i < MEMBERS; i++)
        pthread_join(th[i], NULL);
    assert_int_equal(
        e2e_db_int(srv, "SELECT count(*) FROM quiz_answers WHERE contest_id=%lld AND seq=1", cid),
        MEMBERS);
    char head[64];
    snprintf(head, sizeof head, "第 1 题答案：%s", ans);
    free(ans);
    assert_true(wait_group(head, 12000)); /* delivered to the group (the fake keeps 256 bytes) */
    char *post =
        e2e_db_text(srv, "SELECT text FROM outbox WHERE idem_key='quiz:contest:%lld:q:1'", cid);
    assert_non_null(post);
    assert_contains(post, "作答 12 人");
    assert_contains(post, "第 2/2 题");
    free(post);
    assert_true(wait_group("第 2 题答案", 12000));
    post = e2e_db_text(srv, "SELECT text FROM outbox WHERE idem_key='quiz:contest:%lld:q:2'", cid);
    assert_non_null(post);
    assert_contains(post, "竞答结束！共 2 题，12 人参加");
    assert_null(strstr(post, "答对最多")); /* no names unless study.show_rankings */
    free(post);
    /* the activity ended: chatter in the group is left alone */
    qq_of(4, qq, sizeof qq);
    t = say(qq, GROUP, "A");
    assert_null(t);
}

struct body {
    char data[16384];
    size_t len;
};

static size_t on_body(char *p, size_t size, size_t n, void *ud)
{
    struct body *b = ud;
    size_t k = size * n;
    if (b->len + k >= sizeof b->data)
        k = sizeof b->data - b->len - 1;
    memcpy(b->data + b->len, p, k);
    b->len += k;
    b->data[b->len] = '\0';
    return size * n;
}

static long call(const char *method, const char *path, const char *token, const char *body,
                 struct body *out)
{
    memset(out, 0, sizeof *out);
    char url[512], auth[160];
    snprintf(url, sizeof url, "http://127.0.0.1:%d%s", srv->port, path);
    CURL *h = curl_easy_init();
    struct curl_slist *hd = NULL;
    if (token) {
        snprintf(auth, sizeof auth, "Authorization: Bearer %s", token);
        hd = curl_slist_append(hd, auth);
    }
    hd = curl_slist_append(hd, "Content-Type: application/json");
    curl_easy_setopt(h, CURLOPT_URL, url);
    curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, method);
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, hd);
    if (body)
        curl_easy_setopt(h, CURLOPT_POSTFIELDS, body);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, out);
    curl_easy_setopt(h, CURLOPT_TIMEOUT, 20L);
    long status = 0;
    if (curl_easy_perform(h) == CURLE_OK)
        curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
    curl_slist_free_all(hd);
    curl_easy_cleanup(h);
    return status;
}

static void rest_routes(void **state)
{
    (void)state;
    struct body b;
    assert_int_equal(call("POST", "/api/v1/quiz", NULL, "{}", &b), 401);
    assert_int_equal(call("POST", "/api/v1/quiz", "not-a-token", "{}", &b), 401);
    assert_int_equal(call("GET", "/api/v1/quiz/wrong", NULL, NULL, &b), 401);
    struct e2e_proc p;
    assert_int_equal(e2e_zhibu(srv->dir, &p, "api", "token", "--member", "6", "--config",
                               srv->config_path, NULL),
                     0);
    char tok[128] = "";
    sscanf(p.out, "%127s", tok);
    e2e_proc_free(&p);
    assert_true(strlen(tok) > 20);
    assert_int_equal(call("POST", "/api/v1/quiz", tok, "{}", &b), 201);
    cJSON *j = cJSON_Parse(b.data);
    assert_non_null(j);
    long long rid = (long long)cJSON_GetObjectItemCaseSensitive(j, "id")->valuedouble;
    const cJSON *qs = cJSON_GetObjectItemCaseSensitive(j, "questions");
    assert_int_equal(cJSON_GetArraySize(qs), 5);
    assert_null(cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(qs, 0), "answer"));
    cJSON_Delete(j);
    char path[96];
    snprintf(path, sizeof path, "/api/v1/quiz/%lld/answer", rid);
    /* a question the round does not have: the seq is at fault, not the round */
    assert_int_equal(call("POST", path, tok, "{\"seq\": 6, \"answer\": \"A\"}", &b), 404);
    assert_contains(b.data, "\"field\":\"seq\"");
    assert_int_equal(call("POST", path, tok, "{\"seq\": 1, \"answer\": \"乱答\"}", &b), 400);
    assert_contains(b.data, "\"field\":\"answer\"");
    assert_int_equal(call("POST", path, tok, "{\"seq\": 1, \"answer\": \"Z\"}", &b), 400);
    char *ans = e2e_db_text(srv,
                            "SELECT q.answer FROM quiz_round_items r JOIN quiz_questions q ON "
                            "q.id=r.question_id WHERE r.round_id=%lld AND r.seq=1",
                            rid);
    char body[96];
    snprintf(body, sizeof body, "{\"seq\": 1, \"answer\": \"%s\"}", ans[0] == 'A' ? "B" : "A");
    free(ans);
    assert_int_equal(call("POST", path, tok, body, &b), 200);
    assert_contains(b.data, "\"correct\":false");
    assert_int_equal(call("POST", path, tok, body, &b), 409);
    /* another member's round is not theirs */
    snprintf(path, sizeof path, "/api/v1/quiz/%lld/answer",
             e2e_db_int(srv, "SELECT min(id) FROM quiz_rounds WHERE member_id=5"));
    assert_int_equal(call("POST", path, tok, "{\"answer\": \"A\"}", &b), 404);
    assert_int_equal(call("GET", "/api/v1/quiz/wrong", tok, NULL, &b), 200);
    assert_contains(b.data, "\"explanation\"");
}

/* quiz record: one member's own figures by name; a member who does not exist is an error. */
static void cli_record(void **state)
{
    (void)state;
    struct e2e_proc p;
    assert_int_equal(
        e2e_zhibu(srv->dir, &p, "quiz", "record", "999", "--config", srv->config_path, NULL), 0);
    assert_int_equal(p.status, 1);
    assert_non_null(strstr(p.err, "没有编号为 999 的党员"));
    e2e_proc_free(&p);
    assert_int_equal(
        e2e_zhibu(srv->dir, &p, "quiz", "record", "6", "--config", srv->config_path, NULL), 0);
    assert_int_equal(p.status, 0);
    assert_non_null(strstr(p.out, "孙立新 近 7 天：答题"));
    e2e_proc_free(&p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(private_round),
        cmocka_unit_test(group_contest),
        cmocka_unit_test(rest_routes),
        cmocka_unit_test(cli_record),
    };
    curl_global_init(CURL_GLOBAL_DEFAULT);
    int rc = cmocka_run_group_tests(tests, setup, teardown);
    curl_global_cleanup();
    return rc;
}
