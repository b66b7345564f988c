/*
 * study.c - unit tests for handlers/study/study.c on a fresh database per test: import from
 * Markdown files (errors naming file and line, sensitive words refused with their positions,
 * unknown audience tags), the review rules through the inbox (self-approval refused at both
 * levels, the first reviewer refused at level 2, a plain member refused, a rejected item
 * invisible, an edited published item back in review), targeting by organisation subtree and
 * audience tags, reads and the daily points cap, the record, and the bundled content/study/
 * items (they parse with the example configuration's audience tags).
 *
 * The tree:  市交通运输局党委 (top) ─┬─ 船闸支部 (lock)
 *                                    └─ 航道支部 (channel)
 */
#include "tests/unit/unit_db.h"

#include <sys/stat.h>
#include <time.h>

#include "bot/org/branch.h"
#include "bot/org/member.h"
#include "bot/org/role.h"
#include "handlers/study/chat.h"
#include "handlers/study/study.h"
#include "handlers/todo/todo.h"

#define T0  1796004000LL /* 2026-11-30 10:00 in Asia/Shanghai */
#define DAY 86400LL

static int64_t top, lock, channel;
/* the 党委 secretary and publicity member; in lock: the secretary, two publicity members, a young
 * operator, a retired member; in channel: a plain member */
static int64_t top_sec, top_pub, sec, pub, pub2, worker, retiree, other;
static char dir[96], words_path[128];

static const char audiences[] =
    "{\"离退休党员\": {\"categories\": [\"离退休\"]}, \"一线\": {\"post_words\": [\"运行工\"]}}";

static int64_t person(const char *name, int64_t org, unsigned roles, enum member_category cat,
                      const char *post)
{
    struct member m;
    member_init(&m);
    snprintf(m.name, sizeof m.name, "%s", name);
    m.branch_id = org;
    m.roles = roles;
    m.category = cat;
    snprintf(m.post, sizeof m.post, "%s", post);
    assert_int_equal(member_insert(&m, 1), ZB_OK);
    return m.id;
}

static void configure(int levels, int cap)
{
    struct study_config c = {levels, words_path, audiences, "07:30", cap};
    char err[256];
    if (study_configure(&c, err, sizeof err))
        fail_msg("study_configure: %s", err);
}

static int setup(void **state)
{
    (void)state;
    setenv("TZ", "Asia/Shanghai", 1);
    tzset();
    char err[BRANCH_ERR_MAX];
    if (unit_db_open("h-study") || store_begin())
        return -1;
    for (size_t i = 0; i < todo_migrations.n; i++)
        unit_db_exec(todo_migrations.steps[i]);
    for (size_t i = 0; i < study_migrations.n; i++)
        unit_db_exec(study_migrations.steps[i]);
    if (branch_add("市交通运输局党委/船闸支部", 1, &lock, NULL, err, sizeof err) ||
        branch_resolve("市交通运输局党委", &top, err, sizeof err) ||
        branch_add("市交通运输局党委/航道支部", 1, &channel, NULL, err, sizeof err))
        return -1;
    top_sec = person("王书记", top, ROLE_SECRETARY, CAT_EMPLOYED, "局长");
    top_pub = person("赵宣传", top, ROLE_PUBLICITY, CAT_EMPLOYED, "处长");
    sec = person("李书记", lock, ROLE_SECRETARY, CAT_EMPLOYED, "所长");
    pub = person("张宣传", lock, ROLE_PUBLICITY, CAT_EMPLOYED, "科长");
    pub2 = person("陈宣传", lock, ROLE_PUBLICITY, CAT_EMPLOYED, "主任");
    worker = person("孙运行", lock, 0, CAT_EMPLOYED, "闸门运行工");
    retiree = person("周退休", lock, 0, CAT_RETIRED, "退休职工");
    other = person("钱航道", channel, 0, CAT_EMPLOYED, "航道工");
    if (store_commit())
        return -1;
    snprintf(dir, sizeof dir, "/tmp/zhibu-study-%d", (int)getpid());
    mkdir(dir, 0700);
    snprintf(words_path, sizeof words_path, "%s/words.txt", dir);
    FILE *f = fopen(words_path, "w");
    if (!f)
        return -1;
    fputs("反动\n赌博\n", f);
    fclose(f);
    todo_reset();
    if (todo_register(&study_decision_kind))
        return -1;
    configure(1, 5);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[160];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd) != 0)
        return -1;
    study_reset();
    todo_reset();
    unit_db_close();
    return 0;
}

/* write_md - dir/slug.md with a header and body. */
static void write_md(const char *slug, const char *title, const char *audience, const char *body)
{
    char p[192];
    snprintf(p, sizeof p, "%s/%s.md", dir, slug);
    FILE *f = fopen(p, "w");
    assert_non_null(f);
    fprintf(f, "---\ntitle: %s\n%s%s%ssummary: 摘要\nsource: 测试出处\n---\n%s\n", title,
            audience ? "audience: " : "", audience ? audience : "", audience ? "\n" : "", body);
    fclose(f);
}

static void rm_md(const char *slug)
{
    char p[192];
    snprintf(p, sizeof p, "%s/%s.md", dir, slug);
    unlink(p);
}

/* import - parse dir and import as member `as` into org (0: theirs), in a transaction. */
static int import(int64_t as, int64_t org, struct study_import_result *res, char *err, size_t errsz)
{
    const char *paths[] = {dir};
    struct study_draft *d = NULL;
    size_t n = 0;
    int rc = study_parse(paths, 1, &d, &n, err, errsz);
    if (rc)
        return rc;
    struct actor a = actor_member(as, "cli");
    struct study_import_result r;
    assert_int_equal(store_begin(), 0);
    rc = study_import(&a, org, d, n, T0, res ? res : &r);
    if (rc)
        store_rollback();
    else
        assert_int_equal(store_commit(), 0);
    study_drafts_free(d, n);
    return rc;
}

/* item_by_slug - the item id of slug. */
static int64_t item_by_slug(const char *slug)
{
    return unit_db_int("SELECT id FROM study_items WHERE slug='%s'", slug);
}

/* open_decision - the open inbox decision about item id (its current review step). */
static int64_t open_decision(int64_t id)
{
    return unit_db_int("SELECT d.id FROM decisions d JOIN study_reviews r ON r.id=d.object_id "
                       "WHERE d.kind='study' AND d.state='open' AND r.item_id=%lld "
                       "ORDER BY d.id DESC LIMIT 1",
                       (long long)id);
}

static int decide(int64_t as, int64_t did, enum todo_verdict v, const char *reason)
{
    struct actor a = actor_member(as, "wechat");
    assert_int_equal(store_begin(), 0);
    int rc = todo_decide(&a, did, v, reason, T0, NULL);
    if (rc)
        store_rollback();
    else
        assert_int_equal(store_commit(), 0);
    return rc;
}

static enum study_status status_of(int64_t id)
{
    struct study_item it;
    assert_int_equal(study_get(id, &it), ZB_OK);
    enum study_status s = it.status;
    study_item_clear(&it);
    return s;
}

/* visible - whether member sees item id among their items. */
static bool visible(int64_t member, int64_t id)
{
    struct study_entry e[STUDY_LIST_MAX];
    size_t n = 0;
    assert_int_equal(study_for_member(member, e, STUDY_LIST_MAX, &n), ZB_OK);
    for (size_t i = 0; i < n; i++)
        if (e[i].id == id)
            return true;
    return false;
}

static int read_item(int64_t member, int64_t id, int64_t now, bool *first)
{
    assert_int_equal(store_begin(), 0);
    int rc = study_read(member, id, "wechat", now, first);
    if (rc)
        store_rollback();
    else
        assert_int_equal(store_commit(), 0);
    return rc;
}

static void test_import_errors(void **state)
{
    (void)state;
    char err[STUDY_ERR_MAX + 600];
    /* a header error names the file and the line */
    char p[192];
    snprintf(p, sizeof p, "%s/bad.md", dir);
    FILE *f = fopen(p, "w");
    assert_non_null(f);
    fputs("---\ntitle: 标题\nsummary 没有冒号\n---\n正文\n", f);
    fclose(f);
    assert_int_equal(import(pub, 0, NULL, err, sizeof err), ZB_EPARSE);
    assert_non_null(strstr(err, "bad.md 第 3 行"));
    unlink(p);
    /* an unknown audience tag */
    write_md("aud", "对象不明", "青年", "正文");
    assert_int_equal(import(pub, 0, NULL, err, sizeof err), ZB_EINVAL);
    assert_non_null(strstr(err, "“青年”不在配置 study.audiences 中"));
    rm_md("aud");
    /* sensitive words, seen through spaces and full-width forms, with their positions */
    write_md("sens", "学习材料", NULL, "第一段正常。这里有赌 博和反－动字样。");
    assert_int_equal(import(pub, 0, NULL, err, sizeof err), ZB_EDENIED);
    assert_non_null(strstr(err, "sens.md：正文含有敏感词"));
    assert_non_null(strstr(err, "（第 10 字）"));
    assert_non_null(strstr(err, "“赌 博”"));
    assert_non_null(strstr(err, "“反－动”"));
    rm_md("sens");
    /* nothing was written */
    assert_int_equal(unit_db_int("SELECT count(*) FROM study_items"), 0);
    /* a plain member may not import */
    write_md("ok", "可以导入", NULL, "正文");
    assert_int_equal(import(worker, 0, NULL, err, sizeof err), ZB_EDENIED);
    struct study_import_result r;
    assert_int_equal(import(pub, 0, &r, err, sizeof err), ZB_OK);
    assert_int_equal(r.added, 1);
    assert_int_equal(status_of(item_by_slug("ok")), STUDY_IN_REVIEW);
    assert_int_equal(unit_db_int("SELECT count(*) FROM audit WHERE action='study.submit'"), 1);
}

static void test_review_level_one(void **state)
{
    (void)state;
    char err[STUDY_ERR_MAX + 600];
    write_md("a1", "一审内容", NULL, "正文");
    assert_int_equal(import(pub, 0, NULL, err, sizeof err), ZB_OK);
    int64_t id = item_by_slug("a1"), did = open_decision(id);
    assert_true(did > 0);
    assert_false(visible(worker, id)); /* in review: no member sees it */
    /* the author may not approve their own item; a plain member may not either */
    assert_int_equal(decide(pub, did, TODO_APPROVE, NULL), ZB_EDENIED);
    assert_int_equal(decide(worker, did, TODO_APPROVE, NULL), ZB_EDENIED);
    assert_int_equal(decide(other, did, TODO_APPROVE, NULL), ZB_EDENIED); /* another branch */
    assert_int_equal(decide(pub2, did, TODO_APPROVE, NULL), ZB_OK);
    struct study_item it;
    assert_int_equal(study_get(id, &it), ZB_OK);
    assert_int_equal(it.status, STUDY_PUBLISHED);
    assert_int_equal(it.author_id, pub);
    assert_int_equal(it.reviewer1_id, pub2);
    assert_int_equal(it.reviewer2_id, 0);
    study_item_clear(&it);
    assert_true(visible(worker, id));
    assert_int_equal(unit_db_int("SELECT count(*) FROM audit WHERE action='study.approve' AND "
                                 "target='study:%lld'",
                                 (long long)id),
                     1);

    /* an edited published item goes back through review and out of sight */
    write_md("a1", "一审内容", NULL, "改过的正文");
    struct study_import_result r;
    assert_int_equal(import(pub, 0, &r, err, sizeof err), ZB_OK);
    assert_int_equal(r.revised, 1);
    assert_int_equal(study_get(id, &it), ZB_OK);
    assert_int_equal(it.status, STUDY_IN_REVIEW);
    assert_int_equal(it.version, 2);
    assert_int_equal(it.reviewer1_id, 0);
    study_item_clear(&it);
    assert_false(visible(worker, id));
    /* the same file again: unchanged, no new review step */
    int64_t did2 = open_decision(id);
    assert_true(did2 > did);
    assert_int_equal(import(pub, 0, &r, err, sizeof err), ZB_OK);
    assert_int_equal(r.unchanged, 1);
    assert_int_equal(open_decision(id), did2);

    /* returned: rejected, invisible, not readable */
    assert_int_equal(decide(sec, did2, TODO_RETURN, "出处不全"), ZB_OK);
    assert_int_equal(status_of(id), STUDY_REJECTED);
    assert_false(visible(worker, id));
    assert_int_equal(read_item(worker, id, T0, NULL), ZB_ENOTFOUND);
    assert_int_equal(unit_db_int("SELECT count(*) FROM audit WHERE action='study.return' AND "
                                 "detail LIKE '%%出处不全%%'"),
                     1);
    /* content show finds the reason and who gave it */
    char why[TODO_REASON_MAX + 1];
    int64_t by = -1;
    assert_int_equal(study_return_reason(id, why, sizeof why, &by), ZB_OK);
    assert_string_equal(why, "出处不全");
    assert_int_equal(by, sec);
    /* the author is told, with the reason, once */
    assert_int_equal(unit_db_int("SELECT count(*) FROM outbox WHERE rcpt='member' AND to_id='%lld' "
                                 "AND idem_key LIKE 'study:decision:%%:returned' AND text LIKE "
                                 "'%%被退回：出处不全%%'",
                                 (long long)pub),
                     1);
}

/* Without links (QQ) the body comes as chat text: no Markdown marks for an older member. */
static void test_chat_plain_body(void **state)
{
    (void)state;
    char err[STUDY_ERR_MAX];
    write_md("md", "格式", NULL, "# 要点\n\n- 第一条 **重点** 内容\n* 第二条\n普通 **未闭合");
    assert_int_equal(import(pub, 0, NULL, err, sizeof err), ZB_OK);
    int64_t id = item_by_slug("md");
    assert_int_equal(decide(sec, open_decision(id), TODO_APPROVE, NULL), ZB_OK);
    struct buf b;
    buf_init(&b, 16 * 1024);
    assert_int_equal(store_begin(), 0);
    assert_int_equal(study_chat_item(worker, id, false, "onebot", T0, &b), ZB_OK);
    assert_int_equal(store_commit(), 0);
    const char *t = buf_str(&b);
    assert_non_null(strstr(t, "要点\n• 第一条 重点 内容\n• 第二条\n普通 **未闭合\n"));
    assert_null(strstr(t, "# "));
    assert_null(strstr(t, "- "));
    buf_free(&b);
}

static void test_review_level_two(void **state)
{
    (void)state;
    configure(2, 5);
    char err[STUDY_ERR_MAX + 600];
    /* the 支部 secretary writes it */
    write_md("b1", "二审内容", NULL, "正文");
    assert_int_equal(import(sec, 0, NULL, err, sizeof err), ZB_OK);
    int64_t id = item_by_slug("b1"), d1 = open_decision(id);
    /* level 1: not the author (a secretary), a publicity member signs */
    assert_int_equal(decide(sec, d1, TODO_APPROVE, NULL), ZB_EDENIED);
    assert_int_equal(decide(pub, d1, TODO_APPROVE, NULL), ZB_OK);
    assert_int_equal(status_of(id), STUDY_IN_REVIEW);
    assert_false(visible(worker, id));
    int64_t d2 = open_decision(id);
    assert_true(d2 > d1);
    /* level 2: not the author, not the first reviewer, not a publicity member */
    assert_int_equal(decide(sec, d2, TODO_APPROVE, NULL), ZB_EDENIED);
    assert_int_equal(decide(pub, d2, TODO_APPROVE, NULL), ZB_EDENIED);
    assert_int_equal(decide(pub2, d2, TODO_APPROVE, NULL), ZB_EDENIED);
    /* the secretary of the organisation above may */
    assert_int_equal(decide(top_sec, d2, TODO_APPROVE, NULL), ZB_OK);
    struct study_item it;
    assert_int_equal(study_get(id, &it), ZB_OK);
    assert_int_equal(it.status, STUDY_PUBLISHED);
    assert_int_equal(it.reviewer1_id, pub);
    assert_int_equal(it.reviewer2_id, top_sec);
    study_item_clear(&it);
    assert_true(visible(worker, id));

    /* a publicity member's item: the 支部 secretary signs level 2 after the other one */
    write_md("b2", "另一篇", NULL, "正文");
    assert_int_equal(import(pub, 0, NULL, err, sizeof err), ZB_OK);
    id = item_by_slug("b2");
    assert_int_equal(decide(pub2, open_decision(id), TODO_APPROVE, NULL), ZB_OK);
    d2 = open_decision(id);
    assert_int_equal(decide(pub, d2, TODO_APPROVE, NULL), ZB_EDENIED);  /* the author */
    assert_int_equal(decide(pub2, d2, TODO_APPROVE, NULL), ZB_EDENIED); /* the first reviewer */
    assert_int_equal(decide(sec, d2, TODO_APPROVE, NULL), ZB_OK);
    assert_int_equal(status_of(id), STUDY_PUBLISHED);

    /* study_review_may directly: level 2 refuses the first reviewer even as a secretary */
    struct actor s = actor_member(sec, "cli");
    assert_int_equal(study_review_may(&s, pub, lock, 2, sec), ZB_EDENIED);
    assert_int_equal(study_review_may(&s, pub, lock, 2, pub2), ZB_OK);
    assert_int_equal(study_review_may(&s, sec, lock, 1, 0), ZB_EDENIED);
    assert_int_equal(study_review_may(&s, pub, lock, 3, 0), ZB_EDENIED);
    /* the 支部 secretary has no say over the sibling branch */
    assert_int_equal(study_review_may(&s, other, channel, 2, pub), ZB_EDENIED);
}

/* publish - import the files in dir as pub into org and approve every step as pub2 / sec. */
static void publish(int64_t org)
{
    char err[STUDY_ERR_MAX + 600];
    if (import(org == top ? top_sec : pub, org, NULL, err, sizeof err))
        fail_msg("import: %s", err);
    for (int round = 0; round < 4; round++) {
        int64_t did =
            unit_db_int("SELECT id FROM decisions WHERE kind='study' AND state='open' LIMIT 1");
        if (did <= 0)
            break;
        if (decide(pub2, did, TODO_APPROVE, NULL) && decide(sec, did, TODO_APPROVE, NULL))
            fail_msg("decision %lld: nobody could approve it", (long long)did);
    }
}

static int count_member(int64_t member_id, const char *name, void *arg)
{
    (void)member_id;
    (void)name;
    (*(int *)arg)++;
    return 0;
}

static void test_targeting(void **state)
{
    (void)state;
    write_md("all", "全体", NULL, "正文");
    write_md("old", "给离退休党员", "离退休党员", "正文");
    write_md("line", "给一线", "一线, 离退休党员", "正文");
    publish(0);
    int64_t all = item_by_slug("all"), old = item_by_slug("old"), line = item_by_slug("line");
    assert_int_equal(status_of(old), STUDY_PUBLISHED);
    assert_true(visible(worker, all) && visible(retiree, all));
    assert_false(visible(other, all)); /* a branch's item stays in the branch */
    assert_true(visible(retiree, old));
    assert_false(visible(worker, old));
    assert_true(visible(worker, line) && visible(retiree, line));
    assert_false(visible(sec, line));
    struct study_item it;
    assert_int_equal(study_get(old, &it), ZB_OK);
    int n = 0;
    assert_int_equal(study_audience_each(&it, count_member, &n), ZB_OK);
    assert_int_equal(n, 1);
    bool yes = true;
    assert_int_equal(study_reaches(&it, worker, &yes), ZB_OK);
    assert_false(yes);
    study_item_clear(&it);
    /* a 党委's item reaches every branch below it */
    rm_md("all");
    rm_md("old");
    rm_md("line");
    write_md("top", "党委的内容", NULL, "正文");
    char err[STUDY_ERR_MAX + 600];
    assert_int_equal(import(top_sec, top, NULL, err, sizeof err), ZB_OK);
    int64_t t = item_by_slug("top");
    /* reviewed at the 党委: a branch's secretary has no say over it */
    assert_int_equal(decide(sec, open_decision(t), TODO_APPROVE, NULL), ZB_EDENIED);
    assert_int_equal(decide(top_pub, open_decision(t), TODO_APPROVE, NULL), ZB_OK);
    assert_true(visible(other, t) && visible(worker, t));

    /* the pick: newest unread first, then 下一篇 moves on; reading removes it */
    int64_t id = 0;
    assert_int_equal(store_begin(), 0);
    assert_int_equal(study_pick(retiree, false, T0, &id), ZB_OK);
    assert_int_equal(store_commit(), 0);
    assert_int_equal(id, t);
    assert_int_equal(read_item(retiree, t, T0, NULL), ZB_OK);
    assert_int_equal(store_begin(), 0);
    assert_int_equal(study_pick(retiree, false, T0, &id), ZB_OK);
    assert_true(id != t && id > 0);
    int64_t next = 0;
    assert_int_equal(study_pick(retiree, true, T0, &next), ZB_OK);
    assert_int_equal(store_commit(), 0);
    assert_true(next != id && next != t && next > 0);
    /* retired: out of every list */
    struct actor s = actor_member(sec, "cli");
    assert_int_equal(store_begin(), 0);
    assert_int_equal(study_retire(&s, line, T0), ZB_OK);
    assert_int_equal(study_retire(&s, line, T0), ZB_EDONE);
    struct actor w = actor_member(worker, "cli");
    assert_int_equal(study_retire(&w, all, T0), ZB_EDENIED);
    assert_int_equal(store_commit(), 0);
    assert_false(visible(worker, line));
}

/* other_points - a points source standing for the quiz: the retiree already earned 2 today. */
static int64_t points_member;
static int other_points(int64_t member_id, int64_t since, int *points)
{
    (void)since;
    *points = member_id == points_member ? 2 : 0;
    return ZB_OK;
}

static void test_reads_and_points_cap(void **state)
{
    (void)state;
    configure(1, 2);
    write_md("r1", "一", NULL, "正文");
    write_md("r2", "二", NULL, "正文");
    write_md("r3", "三", NULL, "正文");
    publish(0);
    int64_t r1 = item_by_slug("r1"), r2 = item_by_slug("r2"), r3 = item_by_slug("r3");
    bool first = false;
    assert_int_equal(read_item(worker, r1, T0, &first), ZB_OK);
    assert_true(first);
    assert_int_equal(read_item(worker, r1, T0 + 60, &first), ZB_OK);
    assert_false(first); /* once per item */
    assert_int_equal(read_item(worker, r2, T0 + 120, &first), ZB_OK);
    assert_int_equal(read_item(worker, r3, T0 + 180, &first), ZB_OK);
    assert_true(first);
    struct study_record rec;
    assert_int_equal(study_record_get(worker, T0 + 200, &rec), ZB_OK);
    assert_int_equal(rec.week.items, 3);
    assert_int_equal(rec.week.points, 2); /* the day's cap */
    assert_int_equal(rec.month.items, 3);
    assert_int_equal(rec.branch_week.items, 3);
    assert_int_equal(rec.branch_members, 5);
    /* another member's reads count for the branch, not for the worker */
    assert_int_equal(read_item(retiree, r1, T0 + 300, NULL), ZB_OK);
    assert_int_equal(study_record_get(worker, T0 + 400, &rec), ZB_OK);
    assert_int_equal(rec.week.items, 3);
    assert_int_equal(rec.branch_week.items, 4);
    /* the cap is shared with other capabilities' points (the quiz's right answers): a member who
     * earned the day's cap elsewhere reads for no points */
    points_member = retiree;
    assert_int_equal(study_points_register(other_points), ZB_OK);
    int before = 0, after = 0;
    assert_int_equal(study_points_today(retiree, T0 + 500, &before), ZB_OK);
    assert_int_equal(read_item(retiree, r2, T0 + 500, NULL), ZB_OK);
    assert_int_equal(study_points_today(retiree, T0 + 500, &after), ZB_OK);
    assert_int_equal(after, before);
    /* a member of another branch cannot read a branch's item */
    assert_int_equal(read_item(other, r1, T0, NULL), ZB_ENOTFOUND);
    /* subscription */
    bool changed = false, on = true;
    assert_int_equal(store_begin(), 0);
    assert_int_equal(study_subscribe(worker, true, T0, &changed), ZB_OK);
    assert_true(changed);
    assert_int_equal(study_subscribe(worker, true, T0, &changed), ZB_OK);
    assert_false(changed);
    assert_int_equal(store_commit(), 0);
    assert_int_equal(study_subscribed(worker, &on), ZB_OK);
    assert_true(on);
    assert_int_equal(store_begin(), 0);
    assert_int_equal(study_subscribe(worker, false, T0, &changed), ZB_OK);
    assert_int_equal(store_commit(), 0);
    assert_int_equal(study_subscribed(worker, &on), ZB_OK);
    assert_false(on);
}

/* The bundled items parse with the example configuration's audience tags, with no error. */
static void test_bundled_content(void **state)
{
    (void)state;
    struct study_config c = {
        1, "",
        "{\"离退休党员\": {\"categories\": [\"离退休\"]}, \"一线岗位\": {}, \"管理岗位\": {}}",
        "07:30", 5};
    char err[STUDY_ERR_MAX + 600];
    assert_int_equal(study_configure(&c, err, sizeof err), ZB_OK);
    const char *src = getenv("ZHIBU_SRC");
    char p[512];
    snprintf(p, sizeof p, "%s/content/study", src && *src ? src : ".");
    const char *paths[] = {p};
    struct study_draft *d = NULL;
    size_t n = 0;
    if (study_parse(paths, 1, &d, &n, err, sizeof err))
        fail_msg("%s", err);
    assert_true(n >= 10);
    for (size_t i = 0; i < n; i++)
        assert_true(d[i].h.source[0] && d[i].h.summary[0]);
    study_drafts_free(d, n);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_import_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_review_level_one, setup, teardown),
        cmocka_unit_test_setup_teardown(test_chat_plain_body, setup, teardown),
        cmocka_unit_test_setup_teardown(test_review_level_two, setup, teardown),
        cmocka_unit_test_setup_teardown(test_targeting, setup, teardown),
        cmocka_unit_test_setup_teardown(test_reads_and_points_cap, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bundled_content, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
