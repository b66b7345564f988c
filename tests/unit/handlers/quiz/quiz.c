/*
 * quiz.c - unit tests for handlers/quiz/: answers in every form, bank validation (JSON and CSV,
 * UTF-8 and GBK; answer not among options, duplicate id, empty question, all or nothing),
 * review through the inbox (self-approval refused at both levels, a reviewer without the role
 * refused, the second signature by a different 书记), unpublished questions never asked, rounds
 * with points under the daily cap, wrong answers replayed, a contest counting first answers.
 */
#include "handlers/study/study.h"
#include "tests/unit/unit_db.h"

#include <iconv.h>

#include "bot/org/branch.h"
#include "bot/org/member.h"
#include "handlers/quiz/internal.h"
#include "handlers/quiz/quiz.h"
#include "handlers/todo/todo.h"

static int64_t branch, author, publicity, secretary, plain;

static int64_t person(const char *name, const char *phone, const char *roles)
{
    struct member m;
    char err[MEMBER_ERR_MAX];
    member_init(&m);
    snprintf(m.name, sizeof m.name, "%s", name);
    snprintf(m.phone, sizeof m.phone, "%s", phone);
    m.branch_id = branch;
    if (*roles)
        assert_int_equal(member_field_set(&m, MF_ROLES, roles, err, sizeof err), ZB_OK);
    assert_int_equal(member_insert(&m, 1), ZB_OK);
    return m.id;
}

static const char bank_json[] =
    "{\"questions\": ["
    "{\"id\": \"q1\", \"type\": \"single\", \"question\": \"支部党员大会一般多久召开一次？\","
    " \"options\": [\"每月\", \"每季度\", \"每年\"], \"answer\": \"B\", \"explanation\": "
    "\"每季度。\","
    " \"source\": \"支部工作条例\"},"
    "{\"id\": \"q2\", \"type\": \"multiple\", \"question\": \"三会包括？\", \"options\": "
    "[\"党员大会\","
    " \"支委会\", \"民主生活会\", \"党小组会\"], \"answer\": [\"A\", \"B\", \"D\"], \"source\": "
    "\"条例\"},"
    "{\"id\": \"q3\", \"type\": \"truefalse\", \"question\": \"预备期为一年。\", \"answer\": "
    "\"对\","
    " \"source\": \"细则\"}"
    "]}";

static int setup(void **state)
{
    (void)state;
    char err[BRANCH_ERR_MAX];
    int created;
    if (unit_db_open("quiz") || store_begin())
        return -1;
    for (size_t i = 0; i < todo_migrations.n; i++)
        unit_db_exec(todo_migrations.steps[i]);
    for (size_t i = 0; i < quiz_migrations.n; i++)
        unit_db_exec(quiz_migrations.steps[i]);
    for (size_t i = 0; i < study_migrations.n; i++) /* the points cap is shared with study */
        unit_db_exec(study_migrations.steps[i]);
    if (branch_add("党委/船闸支部", 1, &branch, &created, err, sizeof err))
        return -1;
    author = person("甲", "13800138001", "组织委员");
    publicity = person("乙", "13800138002", "宣传委员");
    secretary = person("丙", "13800138003", "书记");
    plain = person("丁", "13800138004", "");
    todo_reset();
    if (todo_register(&quiz_review_kind) || todo_register(&quiz_sign_kind))
        return -1;
    struct quiz_settings s = {.per_round = 3,
                              .contest_seconds = 30,
                              .review_levels = 1,
                              .daily_cap = 2,
                              .bank_dir = "content/quiz"};
    quiz_configure(&s);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    store_rollback();
    unit_db_close();
    return 0;
}

/* import - parse and import bank_json as the author; the decision id. */
static int64_t import(const char *json)
{
    struct quiz_bank b;
    assert_int_equal(quiz_parse_json(json, strlen(json), &b), ZB_OK);
    struct actor a = actor_member(author, "cli");
    int64_t batch = 0, dec = 0;
    assert_int_equal(quiz_import(&a, &b, 0, "bank.json", 100, &batch, &dec), ZB_OK);
    quiz_bank_free(&b);
    return dec;
}

static void test_answer_forms(void **state)
{
    (void)state;
    struct quiz_question q = {.kind = QUIZ_SINGLE, .n_options = 4, .answer = "B"};
    char out[QUIZ_OPTIONS_MAX + 1];
    const char *ok_b[] = {"B",  "b",   "Ｂ",     "ｂ",       "2",       "２",     " b ", "B。",
                          "乙", "选b", "我选 b", "答案是:b", "答案：B", "选择２", NULL};
    for (size_t i = 0; ok_b[i]; i++) {
        assert_int_equal(quiz_parse_answer(&q, ok_b[i], out), ZB_OK);
        assert_string_equal(out, "B");
    }
    assert_int_equal(quiz_parse_answer(&q, "E", out), ZB_EINVAL);  /* no such option */
    assert_int_equal(quiz_parse_answer(&q, "AB", out), ZB_EINVAL); /* single: one letter */
    assert_int_equal(quiz_parse_answer(&q, "对", out), ZB_EINVAL); /* not true/false */
    assert_int_equal(quiz_parse_answer(&q, "", out), ZB_EINVAL);
    assert_int_equal(quiz_parse_answer(&q, "选", out), ZB_EINVAL);     /* a lead word alone */
    assert_int_equal(quiz_parse_answer(&q, "答案", out), ZB_EINVAL);   /* the same */
    assert_int_equal(quiz_parse_answer(&q, "戊", out), ZB_EINVAL);     /* the fifth of four */
    assert_int_equal(quiz_parse_answer(&q, "选甲乙", out), ZB_EINVAL); /* single: one */
    q.kind = QUIZ_MULTIPLE;
    const char *ok_ac[] = {"AC", "ca", "A C", "a、c", "A,C", "1 3", "ＡＣ", "甲丙", "选 a c", NULL};
    for (size_t i = 0; ok_ac[i]; i++) {
        assert_int_equal(quiz_parse_answer(&q, ok_ac[i], out), ZB_OK);
        assert_string_equal(out, "AC");
    }
    q.kind = QUIZ_TRUEFALSE;
    q.n_options = 2;
    const char *yes[] = {"对", "是", "√", "A", "1", "正确", "选对", "甲", NULL};
    const char *no[] = {"错", "否", "×", "B", "2", "x", NULL};
    for (size_t i = 0; yes[i]; i++) {
        assert_int_equal(quiz_parse_answer(&q, yes[i], out), ZB_OK);
        assert_string_equal(out, "A");
    }
    for (size_t i = 0; no[i]; i++) {
        assert_int_equal(quiz_parse_answer(&q, no[i], out), ZB_OK);
        assert_string_equal(out, "B");
    }
}

static void test_json_validation(void **state)
{
    (void)state;
    struct quiz_bank b;
    assert_int_equal(quiz_parse_json(bank_json, strlen(bank_json), &b), ZB_OK);
    assert_int_equal(b.n, 3);
    assert_string_equal(b.q[1].answer, "ABD");
    assert_string_equal(b.q[2].options[0], "对");
    assert_string_equal(b.q[2].answer, "A");
    quiz_bank_free(&b);
    static const char bad[] =
        "[{\"id\": \"x1\", \"type\": \"single\", \"question\": \"题\", \"options\": [\"甲\", "
        "\"乙\"],"
        " \"answer\": \"C\"},"
        " {\"id\": \"x1\", \"type\": \"single\", \"question\": \"题二\", \"options\": [\"甲\", "
        "\"乙\"], \"answer\": \"A\"},"
        " {\"id\": \"x3\", \"type\": \"single\", \"question\": \"\", \"options\": [\"甲\", \"乙\"],"
        " \"answer\": \"A\"},"
        " {\"id\": \"x4\", \"type\": \"essay\", \"question\": \"题\", \"options\": [\"甲\", "
        "\"乙\"],"
        " \"answer\": \"A\"}]";
    assert_int_equal(quiz_parse_json(bad, strlen(bad), &b), ZB_EINVAL);
    const char *r = buf_str(&b.report);
    assert_non_null(strstr(r, "第 1 题（id=x1）：字段 answer：“C”不在选项中"));
    assert_non_null(strstr(r, "第 2 题（id=x1）：字段 id：编号 x1 重复"));
    assert_non_null(strstr(r, "第 3 题（id=x3）：字段 question（题目）为空"));
    assert_non_null(strstr(r, "第 4 题（id=x4）：字段 type"));
    quiz_bank_free(&b);
    assert_int_equal(quiz_parse_json("{", 1, &b), ZB_EPARSE);
    quiz_bank_free(&b);
    /* a syntax error names its line: the trailing comma on line 3 */
    static const char comma[] = "[\n {\"id\": \"c1\", \"type\": \"truefalse\",\n"
                                "  \"question\": \"题\", \"answer\": \"对\",}\n]";
    assert_int_equal(quiz_parse_json(comma, strlen(comma), &b), ZB_EPARSE);
    assert_non_null(strstr(buf_str(&b.report), "第 3 行附近：JSON 格式错误"));
    quiz_bank_free(&b);
}

static char *to_gbk(const char *utf8, size_t *len)
{
    iconv_t cd = iconv_open("GBK", "UTF-8");
    assert_true(cd != (iconv_t)-1);
    size_t in = strlen(utf8), outsz = in * 2 + 1, left = outsz;
    char *out = calloc(1, outsz), *src = (char *)utf8, *dst = out;
    assert_true(iconv(cd, &src, &in, &dst, &left) != (size_t)-1);
    iconv_close(cd);
    *len = outsz - left;
    return out;
}

static void test_csv(void **state)
{
    (void)state;
    static const char csv[] =
        "编号,题型,题目,A,B,C,D,答案,解析,出处\r\n"
        "c1,单选,党支部党员人数一般不超过多少人？,30 人,50 人,100 人,,B,,条例\r\n"
        "c2,多选,\"三会包括，下列哪些？\",党员大会,支委会,民主生活会,党小组会,"
        "A B D,,条例\r\n"
        "c3,判断,预备期为一年。,,,,,对,,细则\r\n";
    struct quiz_bank b;
    size_t len = 0;
    char *gbk = to_gbk(csv, &len);
    assert_int_equal(quiz_parse_csv(gbk, len, &b), ZB_OK);
    free(gbk);
    assert_int_equal(b.n, 3);
    assert_string_equal(b.q[0].text, "党支部党员人数一般不超过多少人？");
    assert_int_equal(b.q[0].n_options, 3);
    assert_string_equal(b.q[1].answer, "ABD");
    assert_string_equal(b.q[2].answer, "A");
    quiz_bank_free(&b);
    static const char bad[] = "编号,题型,题目,A,B,答案\n"
                              "c1,单选,题,甲,乙,C\n"
                              "c1,单选,,甲,乙,A\n"
                              "c4,单选,题,甲,乙,\n";
    assert_int_equal(quiz_parse_csv(bad, strlen(bad), &b), ZB_EINVAL);
    assert_non_null(strstr(buf_str(&b.report), "第 2 行：字段 answer：“C”不在选项中"));
    assert_non_null(strstr(buf_str(&b.report), "第 3 行：字段 question（题目）为空"));
    assert_non_null(strstr(buf_str(&b.report), "第 3 行：字段 id：编号 c1 重复"));
    assert_non_null(strstr(buf_str(&b.report), "第 4 行：字段 answer（答案）为空"));
    /* each problem named once: a wrong answer is not also reported as empty */
    assert_int_equal(b.problems, 4);
    quiz_bank_free(&b);
    static const char nohead[] = "a,b\n1,2\n";
    assert_int_equal(quiz_parse_csv(nohead, strlen(nohead), &b), ZB_EINVAL);
    quiz_bank_free(&b);
}

static void test_review_and_rounds(void **state)
{
    (void)state;
    int64_t dec = import(bank_json);
    assert_int_equal(unit_db_int("SELECT count(*) FROM quiz_questions WHERE state='in_review'"), 3);
    /* unpublished: never asked */
    struct quiz_round r;
    assert_int_equal(quiz_round_start(plain, "wechat", 200, &r), ZB_ENOTFOUND);
    /* the same ids again are refused while in review */
    struct quiz_bank b;
    assert_int_equal(quiz_parse_json(bank_json, strlen(bank_json), &b), ZB_OK);
    struct actor a = actor_member(author, "cli");
    int64_t x, y;
    assert_int_equal(quiz_import(&a, &b, 0, "again.json", 100, &x, &y), ZB_EINVAL);
    assert_non_null(strstr(buf_str(&b.report), "题库里已有这个编号"));
    quiz_bank_free(&b);
    /* a plain member cannot import */
    struct actor p = actor_member(plain, "cli");
    assert_int_equal(quiz_parse_json(bank_json, strlen(bank_json), &b), ZB_OK);
    assert_int_equal(quiz_import(&p, &b, 0, "p.json", 100, &x, &y), ZB_EDENIED);
    quiz_bank_free(&b);
    /* self-approval and a member without the role are refused */
    assert_int_equal(todo_decide(&a, dec, TODO_APPROVE, NULL, 150, NULL), ZB_EDENIED);
    assert_int_equal(todo_decide(&p, dec, TODO_APPROVE, NULL, 150, NULL), ZB_EDENIED);
    struct actor pub = actor_member(publicity, "wechat");
    assert_int_equal(todo_decide(&pub, dec, TODO_APPROVE, NULL, 150, NULL), ZB_OK);
    assert_int_equal(unit_db_int("SELECT count(*) FROM quiz_questions WHERE state='published'"), 3);
    /* a round: three questions, answers recorded, points capped at 2 a day */
    assert_int_equal(quiz_round_start(plain, "wechat", 200, &r), ZB_OK);
    assert_int_equal(r.n, 3);
    struct quiz_result res;
    int right = 0, points = 0;
    for (int i = 1; i <= 3; i++) {
        struct quiz_question q;
        assert_int_equal(quiz_round_question(r.id, i, &q), ZB_OK);
        assert_int_equal(quiz_round_answer(plain, r.id, 0, "乱答", 210, &res), ZB_EINVAL);
        assert_int_equal(quiz_round_answer(plain, r.id, 0, q.answer, 210 + i, &res), ZB_OK);
        assert_true(res.correct);
        right++;
        points += res.points;
    }
    assert_false(res.round.open);
    assert_int_equal(res.round.right, 3);
    assert_int_equal(points, 2); /* the daily cap */
    assert_int_equal(quiz_round_answer(plain, r.id, 0, "A", 300, &res), ZB_EDONE);
    struct quiz_stats st;
    assert_int_equal(quiz_record(plain, 0, &st), ZB_OK);
    assert_int_equal(st.answered, 3);
    assert_int_equal(st.right, right);
    assert_int_equal(st.points, 2);
    /* a wrong answer is replayed by 错题 */
    assert_int_equal(quiz_round_start(plain, "wechat", 400, &r), ZB_OK);
    struct quiz_question q;
    assert_int_equal(quiz_round_question(r.id, 1, &q), ZB_OK);
    const char *wrong = q.kind == QUIZ_TRUEFALSE ? "错" : q.kind == QUIZ_MULTIPLE ? "AC" : "A";
    assert_int_equal(quiz_round_answer(plain, r.id, 1, wrong, 401, &res), ZB_OK);
    assert_false(res.correct);
    struct quiz_question ws[4];
    size_t n = 0;
    assert_int_equal(quiz_wrong(plain, ws, 4, &n), ZB_OK);
    assert_int_equal(n, 1);
    assert_int_equal(ws[0].id, q.id);
    assert_int_equal(quiz_round_replay(plain, "wechat", 402, &r), ZB_OK);
    assert_int_equal(r.n, 1);
    assert_int_equal(quiz_round_question(r.id, 1, &ws[1]), ZB_OK);
    assert_int_equal(ws[1].id, q.id);
}

static void test_two_levels(void **state)
{
    (void)state;
    struct quiz_settings s = *quiz_settings();
    s.review_levels = 2;
    quiz_configure(&s);
    int64_t dec = import(bank_json);
    struct actor pub = actor_member(publicity, "wechat"), sec = actor_member(secretary, "wechat");
    assert_int_equal(todo_decide(&pub, dec, TODO_APPROVE, NULL, 150, NULL), ZB_OK);
    assert_int_equal(unit_db_int("SELECT count(*) FROM quiz_questions WHERE state='published'"), 0);
    long long d2 = unit_db_int("SELECT id FROM decisions WHERE kind='quiz_sign' AND state='open'");
    assert_true(d2 > 0);
    /* the first reviewer may not sign, nor may the publicity member who is no 书记 */
    assert_int_equal(todo_decide(&pub, d2, TODO_APPROVE, NULL, 160, NULL), ZB_EDENIED);
    struct actor a = actor_member(author, "cli");
    assert_int_equal(todo_decide(&a, d2, TODO_APPROVE, NULL, 160, NULL), ZB_EDENIED);
    assert_int_equal(todo_decide(&sec, d2, TODO_APPROVE, NULL, 160, NULL), ZB_OK);
    assert_int_equal(unit_db_int("SELECT count(*) FROM quiz_questions WHERE state='published'"), 3);
    s.review_levels = 1;
    quiz_configure(&s);
}

static void test_returned_never_asked(void **state)
{
    (void)state;
    int64_t dec = import(bank_json);
    struct actor sec = actor_member(secretary, "wechat");
    assert_int_equal(todo_decide(&sec, dec, TODO_RETURN, "出处不全", 150, NULL), ZB_OK);
    assert_int_equal(unit_db_int("SELECT count(*) FROM quiz_questions WHERE state='rejected'"), 3);
    struct quiz_round r;
    assert_int_equal(quiz_round_start(plain, "wechat", 200, &r), ZB_ENOTFOUND);
}

static void test_contest(void **state)
{
    (void)state;
    int64_t dec = import(bank_json);
    struct actor pub = actor_member(publicity, "wechat");
    assert_int_equal(todo_decide(&pub, dec, TODO_APPROVE, NULL, 150, NULL), ZB_OK);
    struct quiz_contest c;
    struct buf post;
    buf_init(&post, 4096);
    assert_int_equal(quiz_contest_start(secretary, branch, "onebot", "9001", 2, 200, &c, &post),
                     ZB_OK);
    assert_non_null(strstr(buf_str(&post), "第 1/2 题"));
    struct buf again;
    buf_init(&again, 4096);
    assert_int_equal(quiz_contest_start(secretary, branch, "onebot", "9001", 2, 200, &c, &again),
                     ZB_EBUSY);
    buf_free(&again);
    long long qid = unit_db_int("SELECT question_id FROM quiz_contest_items WHERE contest_id=%lld "
                                "AND seq=1",
                                (long long)c.id);
    struct quiz_question q;
    assert_int_equal(quiz_question_by_id(qid, &q), ZB_OK);
    assert_int_equal(quiz_contest_answer(c.id, plain, q.answer, 201), ZB_OK);
    assert_int_equal(quiz_contest_answer(c.id, plain, "A", 202), ZB_EDONE); /* first counts */
    assert_int_equal(quiz_contest_answer(c.id, author, "乱答", 202), ZB_EINVAL);
    bool moved, over;
    assert_int_equal(quiz_contest_advance(c.id, 1, 230, &moved, &over), ZB_OK);
    assert_true(moved);
    assert_false(over);
    assert_int_equal(quiz_contest_advance(c.id, 1, 231, &moved, &over), ZB_OK); /* late timer */
    assert_false(moved);
    assert_int_equal(quiz_contest_advance(c.id, 2, 260, &moved, &over), ZB_OK);
    assert_true(over);
    assert_int_equal(unit_db_int("SELECT count(*) FROM outbox WHERE to_id='9001'"), 2);
    assert_int_equal(quiz_contest_answer(c.id, plain, "A", 270), ZB_ENOTFOUND);
    buf_free(&post);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_answer_forms),
        cmocka_unit_test(test_json_validation),
        cmocka_unit_test(test_csv),
        cmocka_unit_test_setup_teardown(test_review_and_rounds, setup, teardown),
        cmocka_unit_test_setup_teardown(test_two_levels, setup, teardown),
        cmocka_unit_test_setup_teardown(test_returned_never_asked, setup, teardown),
        cmocka_unit_test_setup_teardown(test_contest, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
