/*
 * tasks.c - unit tests for handlers/tasks/tasks.c and the receipt hook in handlers/tasks/chat.c:
 * who may send and to whom, the sensitive-word check, fan-out in bounded batches with the
 * unreachable recorded, receipts (newest, by id, idempotent, refused, none), proxy receipts,
 * progress with exempt members left out, the review gate through the inbox (two-person rule),
 * reminder timing (after the delay, before the deadline, never after a receipt, once), the
 * monthly report, and tasks_receipt_hook in private chat and in groups.
 */
#include "tests/unit/unit_db.h"

#include <time.h>

#include "bot/base/sensitive.h"
#include "bot/chat/router.h"
#include "bot/delivery/channel.h"
#include "bot/delivery/notify.h"
#include "bot/org/branch.h"
#include "bot/org/identity.h"
#include "bot/org/member.h"
#include "bot/delivery/link.h"
#include "handlers/tasks/chat.h"
#include "handlers/tasks/page.h"
#include "bot/chat/group_rules.h"
#include "handlers/tasks/tasks.h"
#include "handlers/todo/todo.h"

#define T0 1796000000LL /* 2026-11-30 local time, the tests' "now" */

static int64_t lock_org, group_org, channel_org;
static int64_t secretary, organizer, leader, plain, grouped, exempt, nophone, outsider;
static struct channel_rules rules;
static struct sensitive *words;

static int64_t person(const char *name, const char *phone, int64_t branch, int64_t group,
                      unsigned roles, bool reachable)
{
    struct member m;
    member_init(&m);
    snprintf(m.name, sizeof m.name, "%s", name);
    snprintf(m.phone, sizeof m.phone, "%s", phone);
    m.branch_id = branch;
    m.group_id = group;
    m.roles = roles;
    assert_int_equal(member_insert(&m, 1), ZB_OK);
    if (reachable) {
        char ext[32];
        snprintf(ext, sizeof ext, "qq%lld", (long long)m.id);
        assert_int_equal(identity_bind("onebot", "", ext, m.id, 1), ZB_OK);
    }
    return m.id;
}

static int setup(void **state)
{
    (void)state;
    char err[BRANCH_ERR_MAX];
    setenv("TZ", "Asia/Shanghai", 1);
    tzset();
    if (unit_db_open("h-tasks") || store_begin())
        return -1;
    for (size_t i = 0; i < todo_migrations.n; i++)
        unit_db_exec(todo_migrations.steps[i]);
    for (size_t i = 0; i < tasks_migrations.n; i++)
        unit_db_exec(tasks_migrations.steps[i]);
    if (branch_add("交通局党委/船闸支部", 1, &lock_org, NULL, err, sizeof err) ||
        branch_add("交通局党委/船闸支部/第一党小组", 1, &group_org, NULL, err, sizeof err) ||
        branch_add("交通局党委/航道支部", 1, &channel_org, NULL, err, sizeof err))
        return -1;
    secretary = person("李书记", "13800138001", lock_org, 0, ROLE_SECRETARY, true);
    organizer = person("周委员", "13800138002", lock_org, 0, ROLE_ORGANIZER, true);
    leader = person("孙组长", "13800138003", lock_org, group_org, ROLE_GROUP_LEADER, true);
    plain = person("赵党员", "13800138004", lock_org, 0, 0, true);
    grouped = person("吴党员", "13800138005", lock_org, group_org, 0, true);
    exempt = person("郑老党员", "13800138006", lock_org, 0, 0, true);
    nophone = person("王大爷", "13800138007", lock_org, group_org, 0, false);
    outsider = person("钱党员", "13800138009", channel_org, 0, 0, true);
    struct member m;
    assert_int_equal(member_get(exempt, &m), ZB_OK);
    m.stats_exempt = true;
    assert_int_equal(member_update(&m, 1), ZB_OK);
    todo_reset();
    if (todo_register(&tasks_review_kind) || store_commit())
        return -1;
    channel_rules_default(&rules);
    rules.platform_on[PLATFORM_ONEBOT] = true;
    notify_configure(&rules);
    const char *list[] = {"法轮功", "翻墙"};
    words = sensitive_build(list, 2);
    return words ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    sensitive_free(words);
    unit_db_close();
    return 0;
}

/* text_is - the query's text equals want (the result is freed). */
#define text_is(want, ...)                                                                         \
    do {                                                                                           \
        char *got_ = unit_db_text(__VA_ARGS__);                                                    \
        assert_non_null(got_);                                                                     \
        if (strcmp(got_, want) != 0)                                                               \
            fail_msg("expected \"%s\", got \"%s\"", want, got_);                                   \
        free(got_);                                                                                \
    } while (0)

static void configure(bool review)
{
    struct tasks_config c = {review, 24 * 3600, 24 * 3600, ""};
    tasks_configure(&c);
    tasks_set_sensitive(words);
}

/* send_task - target, draft and submit as a; the task id. */
static int64_t send_task(const struct actor *a, const char *org, const char *group,
                         const char *text, int64_t deadline, int64_t now, int *count)
{
    struct tasks_why why;
    int64_t id = 0, org_id = 0, decision = 0;
    enum tasks_state s;
    assert_int_equal(store_begin(), ZB_OK);
    assert_int_equal(tasks_target(a, org, group, &org_id, count, &why), ZB_OK);
    assert_int_equal(tasks_draft(a, org_id, text, deadline, now, &id, &why), ZB_OK);
    assert_int_equal(tasks_submit(a, id, now, &s, &decision), ZB_OK);
    assert_int_equal(store_commit(), ZB_OK);
    return id;
}

/* fan_all - run fan-out steps of max until done; the number of steps. */
static int fan_all(size_t max, int64_t now)
{
    int steps = 0;
    bool more = true;
    while (more) {
        assert_int_equal(store_begin(), ZB_OK);
        assert_int_equal(tasks_fanout_step(now, max, &more), ZB_OK);
        assert_int_equal(store_commit(), ZB_OK);
        steps++;
        assert_true(steps < 100);
    }
    return steps;
}

static int receipt(int64_t member, int64_t task, int64_t now, struct tasks_receipt_result *r)
{
    assert_int_equal(store_begin(), ZB_OK);
    int rc = tasks_receipt(member, task, "onebot", now, r);
    assert_int_equal(store_commit(), ZB_OK);
    return rc;
}

static void test_who_may_send(void **state)
{
    (void)state;
    configure(false);
    struct actor sec = actor_member(secretary, "wechat"), pl = actor_member(plain, "wechat"),
                 lead = actor_member(leader, "wechat"), op = actor_operator();
    struct tasks_why why;
    int64_t org = 0, id = 0;
    int n = 0;
    assert_int_equal(store_begin(), ZB_OK);
    assert_int_equal(tasks_target(&sec, NULL, NULL, &org, &n, &why), ZB_OK);
    assert_int_equal(org, lock_org);
    assert_int_equal(n, 7); /* the branch and its 党小组, not 航道支部 */
    assert_int_equal(tasks_target(&pl, NULL, NULL, &org, &n, &why), ZB_EDENIED);
    assert_non_null(why.refusal);
    /* a group leader reaches their own group only */
    assert_int_equal(tasks_target(&lead, NULL, NULL, &org, &n, &why), ZB_OK);
    assert_int_equal(org, group_org);
    assert_int_equal(n, 3);
    assert_int_equal(tasks_target(&lead, "交通局党委/船闸支部", NULL, &org, &n, &why), ZB_EDENIED);
    /* the secretary may name the group; a 党委 path reaches the whole subtree */
    assert_int_equal(tasks_target(&sec, NULL, "第一党小组", &org, &n, &why), ZB_OK);
    assert_int_equal(n, 3);
    assert_int_equal(tasks_target(&sec, "航道支部", NULL, &org, &n, &why), ZB_EDENIED);
    assert_int_equal(tasks_target(&op, NULL, NULL, &org, &n, &why), ZB_ENOTFOUND);
    assert_int_equal(tasks_target(&op, "交通局党委", NULL, &org, &n, &why), ZB_OK);
    assert_int_equal(n, 8);
    assert_int_equal(tasks_target(&op, "没有这个支部", NULL, &org, &n, &why), ZB_ENOTFOUND);
    /* text rules */
    assert_int_equal(tasks_draft(&sec, lock_org, "  ", 0, T0, &id, &why), ZB_EINVAL);
    assert_int_equal(why.nwords, 0);
    assert_int_equal(tasks_draft(&sec, lock_org, "周五前学习，不要 翻-墙", 0, T0, &id, &why),
                     ZB_EINVAL);
    assert_int_equal(why.nwords, 1);
    assert_string_equal(why.word, "翻-墙");
    char big[TASKS_TEXT_MAX + 2];
    memset(big, 'a', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    assert_int_equal(tasks_draft(&sec, lock_org, big, 0, T0, &id, &why), ZB_ETOOBIG);
    assert_int_equal(tasks_draft(&pl, lock_org, "通知", 0, T0, &id, &why), ZB_EDENIED);
    store_rollback();
}

static void test_fanout_receipts_progress(void **state)
{
    (void)state;
    configure(false);
    struct actor sec = actor_member(secretary, "wechat");
    int n = 0;
    int64_t t1 = send_task(&sec, NULL, NULL, "周五前上报学习心得", 0, T0, &n);
    assert_int_equal(unit_db_int("SELECT count(*) FROM task_recipients"), 0); /* not yet */
    assert_int_equal(fan_all(3, T0), 3); /* 7 members in batches of 3: 3 + 3 + 1 */
    assert_int_equal(
        unit_db_int("SELECT count(*) FROM task_recipients WHERE task_id = %lld", (long long)t1), 7);
    assert_int_equal(unit_db_int("SELECT count(*) FROM outbox WHERE kind != '' AND status = "
                                 "'unreachable'"),
                     1);
    assert_int_equal(unit_db_int("SELECT reach = 'unreachable' FROM task_recipients WHERE "
                                 "member_id = %lld",
                                 (long long)nophone),
                     1);
    struct task t;
    assert_int_equal(tasks_get(t1, &t), ZB_OK);
    assert_int_equal(t.state, TASK_SENT);
    assert_int_equal(unit_db_int("SELECT count(*) FROM audit WHERE action = 'task_send'"), 1);

    struct tasks_receipt_result r;
    assert_int_equal(receipt(plain, 0, T0 + 10, &r), ZB_OK);
    assert_int_equal(r.task_id, t1);
    assert_false(r.already);
    assert_int_equal(receipt(plain, 0, T0 + 20, &r), ZB_EDONE); /* nothing open any more */
    assert_int_equal(receipt(plain, t1, T0 + 30, &r), ZB_OK);   /* by id: idempotent */
    assert_true(r.already);
    assert_int_equal(unit_db_int("SELECT received_at FROM task_recipients WHERE member_id = %lld",
                                 (long long)plain),
                     T0 + 10);
    assert_int_equal(receipt(outsider, t1, T0, &r), ZB_EDENIED);  /* not sent to them */
    assert_int_equal(receipt(outsider, 0, T0, &r), ZB_ENOTFOUND); /* they got none */
    assert_int_equal(receipt(plain, 999, T0, &r), ZB_ENOTFOUND);

    /* a second task: 收到 takes the newest, and says one more is open */
    int64_t t2 = send_task(&sec, NULL, NULL, "下周一开会", 0, T0 + 100, &n);
    fan_all(TASKS_BATCH, T0 + 100);
    assert_int_equal(receipt(grouped, 0, T0 + 200, &r), ZB_OK);
    assert_int_equal(r.task_id, t2);
    assert_int_equal(r.open, 1);

    /* proxy: the leader for the member without a phone; not for someone outside the group */
    struct actor lead = actor_member(leader, "wechat"), pl = actor_member(plain, "wechat");
    int64_t who = 0;
    const char *refusal = NULL;
    assert_int_equal(store_begin(), ZB_OK);
    assert_int_equal(tasks_proxy_receipt(&lead, t1, "王大爷", T0 + 300, &who, &refusal), ZB_OK);
    assert_int_equal(who, nophone);
    assert_int_equal(tasks_proxy_receipt(&lead, t1, "王大爷", T0 + 301, &who, &refusal), ZB_EDONE);
    assert_int_equal(tasks_proxy_receipt(&lead, t1, "周委员", T0 + 301, &who, &refusal),
                     ZB_ENOTFOUND);
    assert_int_equal(tasks_proxy_receipt(&pl, t1, "王大爷", T0 + 301, &who, &refusal), ZB_EDENIED);
    assert_int_equal(store_commit(), ZB_OK);
    text_is("proxy,member:3",
            "SELECT channel || ',' || proxy_by FROM task_recipients WHERE member_id = "
            "%lld AND task_id = %lld",
            (long long)nophone, (long long)t1);
    assert_int_equal(unit_db_int("SELECT count(*) FROM audit WHERE action = 'task_proxy'"), 1);

    /* progress: 7 recipients; the exempt member is neither counted nor listed */
    struct tasks_progress p;
    assert_int_equal(tasks_progress_get(&sec, t1, false, false, NULL, NULL, &p, &refusal), ZB_OK);
    assert_int_equal(p.recipients, 7);
    assert_int_equal(p.counted, 6);
    assert_int_equal(p.answered, 2);
    assert_int_equal(p.proxy, 1);
    assert_int_equal(p.silent, 4);
    assert_int_equal(p.unreachable, 0);
    assert_int_equal(tasks_progress_get(&pl, t1, false, false, NULL, NULL, &p, &refusal),
                     ZB_EDENIED);
}

struct listed {
    int n;
    bool exempt_seen;
    char phone[32];
};

static int collect(const struct tasks_row *r, void *arg)
{
    struct listed *l = arg;
    l->n++;
    if (r->member_id == exempt)
        l->exempt_seen = true;
    if (r->member_id == nophone)
        snprintf(l->phone, sizeof l->phone, "%s|%d", r->phone, (int)r->mark);
    return 0;
}

static void test_progress_lists_and_unmask(void **state)
{
    (void)state;
    configure(false);
    struct actor sec = actor_member(secretary, "wechat"), lead = actor_member(leader, "wechat");
    int n = 0;
    int64_t t = send_task(&sec, NULL, NULL, "核对党员信息", 0, T0, &n);
    fan_all(TASKS_BATCH, T0);
    struct tasks_progress p;
    struct listed l = {0};
    const char *refusal = NULL;
    assert_int_equal(tasks_progress_get(&sec, t, false, false, collect, &l, &p, &refusal), ZB_OK);
    assert_int_equal(l.n, 6); /* 5 silent + the one to phone */
    assert_false(l.exempt_seen);
    assert_int_equal(p.unreachable, 1);
    assert_string_equal(l.phone, "138****8007|3");
    memset(&l, 0, sizeof l);
    assert_int_equal(store_begin(), ZB_OK);
    assert_int_equal(tasks_progress_get(&sec, t, true, false, collect, &l, &p, &refusal), ZB_OK);
    assert_int_equal(store_commit(), ZB_OK);
    assert_string_equal(l.phone, "13800138007|3");
    assert_int_equal(unit_db_int("SELECT count(*) FROM audit WHERE action = 'unmask' AND "
                                 "target = 'task:%lld'",
                                 (long long)t),
                     1);
    assert_int_equal(tasks_progress_get(&lead, t, true, false, collect, &l, &p, &refusal),
                     ZB_EDENIED);
    /* a message the sender later gave up on (unfollowed, attempts used up) moves its member
     * from 未回复 to the list to phone */
    memset(&l, 0, sizeof l);
    assert_int_equal(tasks_progress_get(&sec, t, false, false, collect, &l, &p, &refusal), ZB_OK);
    long long silent_before = p.silent;
    assert_true(silent_before > 0);
    char sql[300];
    snprintf(sql, sizeof sql,
             "UPDATE outbox SET status = 'unreachable' WHERE id = (SELECT n.outbox_id FROM "
             "notify_items n JOIN task_recipients r ON n.idem_key = 'task:' || r.task_id || "
             "':member:' || r.member_id WHERE r.task_id = %lld AND r.reach = 'queued' AND "
             "r.exempt = 0 AND n.outbox_id IS NOT NULL ORDER BY r.member_id LIMIT 1)",
             (long long)t);
    unit_db_exec(sql);
    memset(&l, 0, sizeof l);
    assert_int_equal(tasks_progress_get(&sec, t, false, false, collect, &l, &p, &refusal), ZB_OK);
    assert_int_equal(p.unreachable, 2);
    assert_int_equal(p.silent, silent_before - 1);
}

static void test_review_gate(void **state)
{
    (void)state;
    configure(true);
    struct actor sec = actor_member(secretary, "wechat"), org = actor_member(organizer, "wechat"),
                 pl = actor_member(plain, "wechat");
    struct tasks_why why;
    int64_t id = 0, decision = 0, org_id = 0;
    int n = 0;
    enum tasks_state s;
    assert_int_equal(store_begin(), ZB_OK);
    assert_int_equal(tasks_target(&sec, NULL, NULL, &org_id, &n, &why), ZB_OK);
    assert_int_equal(tasks_draft(&sec, org_id, "学习十九届六中全会精神", 0, T0, &id, &why), ZB_OK);
    assert_int_equal(tasks_submit(&org, id, T0, &s, &decision), ZB_EDENIED); /* not the author */
    assert_int_equal(tasks_submit(&sec, id, T0, &s, &decision), ZB_OK);
    assert_int_equal(s, TASK_REVIEW);
    assert_true(decision > 0);
    assert_int_equal(tasks_submit(&sec, id, T0, &s, &decision), ZB_EDONE);
    assert_int_equal(store_commit(), ZB_OK);
    bool more = true;
    assert_int_equal(store_begin(), ZB_OK);
    assert_int_equal(tasks_fanout_step(T0, 10, &more), ZB_OK);
    assert_false(more); /* nothing goes out before the approval */
    assert_int_equal(todo_decide(&sec, decision, TODO_APPROVE, NULL, T0 + 1, NULL), ZB_EDENIED);
    assert_int_equal(todo_decide(&pl, decision, TODO_APPROVE, NULL, T0 + 1, NULL), ZB_EDENIED);
    assert_int_equal(todo_decide(&org, decision, TODO_APPROVE, NULL, T0 + 1, NULL), ZB_OK);
    assert_int_equal(store_commit(), ZB_OK);
    struct task t;
    assert_int_equal(tasks_get(id, &t), ZB_OK);
    assert_int_equal(t.state, TASK_SENDING);
    assert_string_equal(t.approved_by, org.label);
    assert_true(tasks_fanout_take());
    fan_all(TASKS_BATCH, T0 + 2);
    assert_int_equal(
        unit_db_int("SELECT count(*) FROM task_recipients WHERE task_id = %lld", (long long)id), 7);
    assert_int_equal(unit_db_int("SELECT count(*) FROM audit WHERE action = 'task_approve'"), 1);
    /* a return tells the author and never sends */
    assert_int_equal(store_begin(), ZB_OK);
    assert_int_equal(tasks_draft(&sec, org_id, "第二条", 0, T0, &id, &why), ZB_OK);
    assert_int_equal(tasks_submit(&sec, id, T0, &s, &decision), ZB_OK);
    assert_int_equal(todo_decide(&org, decision, TODO_RETURN, "措辞再改改", T0 + 5, NULL), ZB_OK);
    assert_int_equal(store_commit(), ZB_OK);
    assert_int_equal(tasks_get(id, &t), ZB_OK);
    assert_int_equal(t.state, TASK_RETURNED);
    assert_int_equal(unit_db_int("SELECT count(*) FROM notify_items WHERE idem_key = "
                                 "'task:%lld:returned' AND member_id = %lld",
                                 (long long)id, (long long)secretary),
                     1);
    configure(false);
}

static int remind(int64_t now)
{
    int queued = -1;
    assert_int_equal(store_begin(), ZB_OK);
    assert_int_equal(tasks_remind_run(now, &queued), ZB_OK);
    assert_int_equal(store_commit(), ZB_OK);
    return queued;
}

static void test_reminders(void **state)
{
    (void)state;
    configure(false);
    struct actor sec = actor_member(secretary, "wechat");
    int n = 0;
    int64_t deadline = T0 + 5 * 86400;
    unit_db_exec("UPDATE tasks SET r1_done = 1, r2_done = 1"); /* earlier tests' tasks */
    int64_t t = send_task(&sec, NULL, "第一党小组", "周五前交心得", deadline, T0, &n);
    assert_int_equal(n, 3); /* 孙组长, 吴党员, 王大爷 */
    fan_all(TASKS_BATCH, T0);
    struct tasks_receipt_result r;
    assert_int_equal(receipt(grouped, t, T0 + 60, &r), ZB_OK);
    char like[64];
    snprintf(like, sizeof like, "task:%lld:member:%%:r%%", (long long)t);
    assert_int_equal(remind(T0 + 24 * 3600 - 60), 0); /* not yet */
    /* after 24 h: only 孙组长 (吴党员 answered, 王大爷 cannot be reached: he is on the list to
     * phone, not reminded) */
    assert_int_equal(remind(T0 + 24 * 3600), 1);
    assert_int_equal(remind(T0 + 24 * 3600 + 60), 0); /* once */
    assert_int_equal(unit_db_int("SELECT count(*) FROM notify_items WHERE idem_key LIKE "
                                 "'task:%lld:summary:r1'",
                                 (long long)t),
                     1);
    /* 24 h before the deadline: the second round, once */
    assert_int_equal(remind(deadline - 24 * 3600 - 1), 0);
    assert_int_equal(remind(deadline - 24 * 3600), 1);
    assert_int_equal(remind(deadline - 3600), 0);
    /* answered in between: no more reminders for that member */
    assert_int_equal(receipt(leader, t, deadline - 10, &r), ZB_OK);
    assert_int_equal(remind(deadline + 10), 0);
    /* past the deadline the task is closed for reminders, so the job stops looking at it */
    assert_int_equal(
        unit_db_int("SELECT r1_done > 0 AND r2_done > 0 FROM tasks WHERE id = %lld", (long long)t),
        1);
}

static int count_row(const struct tasks_report_row *r, void *arg)
{
    int *k = arg;
    k[0]++;
    k[1] += r->p.answered;
    k[2] += r->p.recipients;
    return 0;
}

static void test_report(void **state)
{
    (void)state;
    struct actor sec = actor_member(secretary, "cli"), pl = actor_member(plain, "cli");
    int k[3] = {0};
    const char *refusal = NULL;
    assert_int_equal(store_begin(), ZB_OK);
    assert_int_equal(tasks_report(&sec, NULL, "2026-13", count_row, k, &refusal), ZB_EINVAL);
    assert_int_equal(tasks_report(&pl, NULL, "2026-11", count_row, k, &refusal), ZB_EDENIED);
    assert_int_equal(tasks_report(&sec, NULL, "2026-10", count_row, k, &refusal), ZB_OK);
    assert_int_equal(k[0], 0);
    assert_int_equal(tasks_report(&sec, NULL, "2026-11", count_row, k, &refusal), ZB_OK);
    assert_int_equal(store_commit(), ZB_OK);
    /* every task sent by the tests above but the returned one's recipients (none) */
    long long tasks = unit_db_int("SELECT count(*) FROM tasks WHERE state != 'draft'");
    assert_int_equal(k[0], tasks);
    assert_int_equal(k[1], unit_db_int("SELECT count(*) FROM task_recipients WHERE received_at > "
                                       "0"));
    assert_int_equal(k[2], unit_db_int("SELECT count(*) FROM task_recipients"));
}

static char *hook(int64_t member, const char *group, enum event_scope scope, const char *word,
                  const char *arg, bool *handled, bool *silent)
{
    struct event ev = {.platform = PLATFORM_ONEBOT,
                       .kind = EV_TEXT,
                       .user = "u",
                       .group = group,
                       .text = word,
                       .msg_key = "k",
                       .scope = scope};
    struct handler_ctx c = {
        .ev = &ev, .norm = word, .arg = arg, .now = T0 + 9000, .member_id = member};
    struct reply out = {0};
    assert_int_equal(store_begin(), ZB_OK);
    assert_int_equal(tasks_receipt_hook(&c, word, handled, silent, &out), ZB_OK);
    assert_int_equal(store_commit(), ZB_OK);
    char *s = strdup(out.kind == REPLY_TEXT && out.text ? out.text : "");
    reply_free(&out);
    return s;
}

static void test_receipt_hook(void **state)
{
    (void)state;
    configure(false);
    struct actor op = actor_operator();
    int n = 0;
    int64_t t = send_task(&op, "航道支部", NULL, "航道支部的通知", 0, T0, &n);
    (void)t;
    fan_all(TASKS_BATCH, T0);
    bool handled = true, silent = true;
    char *s = hook(outsider, NULL, SCOPE_ALL, "好的", "", &handled, &silent);
    assert_false(handled); /* not ours */
    free(s);
    /* in a group without an @: not a receipt, and nothing said */
    s = hook(outsider, "g1", SCOPE_KEYWORDS, "收到", "", &handled, &silent);
    assert_false(handled);
    free(s);
    assert_int_equal(unit_db_int("SELECT received_at FROM task_recipients WHERE member_id = %lld",
                                 (long long)outsider),
                     0);
    /* addressed in the group: recorded, silently */
    s = hook(outsider, "g1", SCOPE_ALL, "收到", "", &handled, &silent);
    assert_true(handled);
    assert_true(silent);
    assert_string_equal(s, "");
    free(s);
    assert_int_equal(unit_db_int("SELECT received_at FROM task_recipients WHERE member_id = %lld",
                                 (long long)outsider),
                     T0 + 9000);
    /* private chat: answered kindly when nothing is open, politely for another's task */
    s = hook(outsider, NULL, SCOPE_ALL, "收到", "", &handled, &silent);
    assert_true(handled);
    assert_false(silent);
    assert_non_null(strstr(s, "都已确认"));
    free(s);
    s = hook(outsider, NULL, SCOPE_ALL, "收到", "1", &handled, &silent);
    assert_true(handled);
    assert_non_null(strstr(s, "没有发给你"));
    free(s);
    s = hook(plain, NULL, SCOPE_ALL, "好的", "", &handled, &silent);
    assert_false(handled); /* 好的 is kind, not a receipt */
    free(s);
    s = hook(plain, NULL, SCOPE_ALL, "收到了", "", &handled,
             &silent); /* as older members write it */
    assert_true(handled);
    assert_non_null(strstr(s, "已确认收到通知"));
    free(s);
}

/* quoted - the hook for a group message from member in group quoting message quote (not
 * addressed to zhibu unless scope is SCOPE_ALL); whether it was taken as a receipt. */
static bool quoted(int64_t member, const char *group, const char *quote, enum event_scope scope,
                   bool *silent)
{
    struct event ev = {.platform = PLATFORM_ONEBOT,
                       .kind = EV_TEXT,
                       .user = "u",
                       .group = group,
                       .text = "收到",
                       .msg_key = "kq",
                       .scope = scope,
                       .quote_id = quote};
    struct handler_ctx c = {
        .ev = &ev, .norm = "收到", .arg = "", .now = T0 + 9000, .member_id = member};
    struct reply out = {0};
    bool handled = false;
    *silent = false;
    assert_int_equal(store_begin(), ZB_OK);
    assert_int_equal(tasks_receipt_hook(&c, "收到", &handled, silent, &out), ZB_OK);
    assert_int_equal(store_commit(), ZB_OK);
    reply_free(&out);
    return handled;
}

/* received - when member's receipt of task was recorded (0: not yet). */
static long long received(int64_t member, int64_t task)
{
    return unit_db_int("SELECT received_at FROM task_recipients WHERE member_id = %lld AND "
                       "task_id = %lld",
                       (long long)member, (long long)task);
}

/* A 收到 in a bound group counts, silently, only when it quotes the task's own post there: the
 * post's platform message id as the sender kept it. A quote of any other message, of a post
 * whose id was not kept, or in a group the task was not posted to, is chatter; so is a quote
 * by someone the task was not sent to. Quoting the post again stays one receipt. */
static void test_quoted_receipt(void **state)
{
    (void)state;
    configure(false);
    assert_int_equal(store_begin(), ZB_OK);
    assert_int_equal(group_rule_bind("onebot", "5100", channel_org, T0), ZB_OK);
    assert_int_equal(store_commit(), ZB_OK);
    struct actor op = actor_operator();
    int n = 0;
    int64_t t = send_task(&op, "航道支部", NULL, "航道支部的通知", 0, T0, &n);
    fan_all(TASKS_BATCH, T0);
    char key[64];
    snprintf(key, sizeof key, "task:%lld:group:onebot:5100", (long long)t);
    assert_int_equal(unit_db_int("SELECT count(*) FROM outbox WHERE idem_key = '%s'", key), 1);
    bool silent = false;
    assert_false(quoted(outsider, "5100", NULL, SCOPE_KEYWORDS, &silent)); /* no quote */
    assert_false(quoted(outsider, "5100", "77", SCOPE_KEYWORDS, &silent)); /* id not kept */
    assert_int_equal(received(outsider, t), 0);

    /* the sender kept the post's id: only a quote of that id counts */
    char sql[256];
    snprintf(sql, sizeof sql,
             "UPDATE outbox SET status = 'sent', platform_msg_id = '-4242' WHERE idem_key = '%s'",
             key);
    unit_db_exec(sql);
    assert_int_equal(unit_db_int("SELECT count(*) FROM outbox WHERE platform_msg_id = '-4242' "
                                 "AND idem_key = '%s'",
                                 key),
                     1);
    assert_false(quoted(outsider, "5100", "77", SCOPE_KEYWORDS, &silent));    /* another msg */
    assert_false(quoted(outsider, "5100", "-424", SCOPE_KEYWORDS, &silent));  /* a prefix */
    assert_false(quoted(outsider, "5200", "-4242", SCOPE_KEYWORDS, &silent)); /* other group */
    assert_false(quoted(plain, "5100", "-4242", SCOPE_KEYWORDS, &silent));    /* not theirs */
    assert_int_equal(received(outsider, t), 0);
    assert_int_equal(received(plain, t), -1); /* no row: never sent to them */
    assert_true(quoted(outsider, "5100", "-4242", SCOPE_KEYWORDS, &silent)); /* the post */
    assert_true(silent);
    assert_int_equal(received(outsider, t), T0 + 9000);
    snprintf(sql, sizeof sql,
             "UPDATE task_recipients SET received_at = 123 WHERE member_id = %lld AND "
             "task_id = %lld",
             (long long)outsider, (long long)t);
    unit_db_exec(sql);
    assert_true(quoted(outsider, "5100", "-4242", SCOPE_KEYWORDS, &silent)); /* again */
    assert_true(silent);
    assert_int_equal(received(outsider, t), 123); /* idempotent: the first time stays */

    /* addressed to zhibu: a quote of a post names its task (not the newest open one); without
     * a quote, the newest open task as before */
    int64_t t2 = send_task(&op, "航道支部", NULL, "航道支部的第二条通知", 0, T0, &n);
    fan_all(TASKS_BATCH, T0);
    assert_true(quoted(outsider, "5100", "-4242", SCOPE_ALL, &silent));
    assert_true(silent);
    assert_int_equal(received(outsider, t), 123);
    assert_int_equal(received(outsider, t2), 0);
    assert_true(quoted(outsider, "5100", "77", SCOPE_ALL, &silent));
    assert_true(silent);
    assert_int_equal(received(outsider, t2), T0 + 9000);
}

/* page - tasks_page for member's signed link to task (expires at exp; sig_tamper flips a
 * character of the signature); the status, the HTML in out (caller frees). */
static int page(const char *method, int64_t member, int64_t task, int64_t exp, bool tamper,
                char **out)
{
    char url[LINK_URL_MAX], obj[24], path[32], m[32], e[32], sig[64];
    snprintf(obj, sizeof obj, "%lld", (long long)task);
    assert_int_equal(link_sign("t", member, obj, exp, url, sizeof url), ZB_OK);
    assert_int_equal(
        sscanf(strstr(url, "/t/"), "%31[^?]?m=%31[^&]&e=%31[^&]&sig=%63s", path, m, e, sig), 4);
    if (tamper)
        sig[0] = sig[0] == 'A' ? 'B' : 'A';
    struct buf b;
    buf_init(&b, TASKS_PAGE_MAX);
    int status = 0;
    assert_int_equal(tasks_page(method, path, m, e, sig, T0 + 100, &status, &b), ZB_OK);
    *out = strdup(buf_str(&b));
    buf_free(&b);
    return status;
}

static void test_page(void **state)
{
    (void)state;
    configure(false);
    assert_int_equal(link_configure("https://zb.example.org", "0123456789abcdef0123", 20), ZB_OK);
    struct actor op = actor_operator();
    int n = 0;
    int64_t t =
        send_task(&op, "交通局党委/船闸支部/第一党小组", NULL, "带上<党章>&笔记", 0, T0, &n);
    fan_all(TASKS_BATCH, T0);
    char *html = NULL;
    assert_int_equal(page("GET", grouped, t, T0 + 3600, false, &html), 200);
    assert_non_null(strstr(html, "带上&lt;党章&gt;&amp;笔记")); /* escaped */
    assert_non_null(strstr(html, "<button type=\"submit\">收到</button>"));
    free(html);
    assert_int_equal(page("POST", grouped, t, T0 + 3600, false, &html), 200);
    assert_non_null(strstr(html, "已确认收到"));
    assert_null(strstr(html, "<button"));
    free(html);
    text_is("page",
            "SELECT channel FROM task_recipients WHERE task_id = %lld AND "
            "member_id = %lld",
            (long long)t, (long long)grouped);
    assert_int_equal(page("POST", grouped, t, T0 + 3600, true, &html), 403); /* forged */
    free(html);
    assert_int_equal(page("GET", grouped, t, T0 + 50, false, &html), 410); /* expired */
    free(html);
    assert_int_equal(page("POST", outsider, t, T0 + 3600, false, &html), 403); /* not theirs */
    free(html);
    assert_int_equal(page("GET", grouped, 9999, T0 + 3600, false, &html), 404);
    free(html);
    assert_int_equal(unit_db_int("SELECT count(*) FROM task_recipients WHERE member_id = %lld "
                                 "AND task_id = %lld",
                                 (long long)outsider, (long long)t),
                     0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_who_may_send),
        cmocka_unit_test(test_fanout_receipts_progress),
        cmocka_unit_test(test_progress_lists_and_unmask),
        cmocka_unit_test(test_review_gate),
        cmocka_unit_test(test_reminders),
        cmocka_unit_test(test_report),
        cmocka_unit_test(test_receipt_hook),
        cmocka_unit_test(test_page),
        cmocka_unit_test(test_quoted_receipt),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
