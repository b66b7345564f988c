/* tasks.c - the rules and the SQL of tasks, recipients and receipts (see tasks.h). */
#include "handlers/tasks/tasks.h"

#include <assert.h>
#include <sqlite3.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bot/base/sensitive.h"
#include "bot/delivery/link.h"
#include "bot/delivery/notify.h"
#include "bot/org/audit.h"
#include "bot/org/branch.h"
#include "bot/store/store.h"
#include "bot/chat/group_rules.h"
#include "bot/delivery/outbox.h"
#include "handlers/todo/todo.h"

#define LINK_DAYS (14 * 86400) /* a task's signed link stays valid this long */

const struct role_action tasks_send = {"tasks.send", ROLE_ALL, true,
                                       "只有支部委员和党小组长可以发通知。"};
const struct role_action tasks_view = {"tasks.view", ROLE_ALL, true,
                                       "只有支部委员和党小组长可以查看通知进度。"};
const struct role_action tasks_proxy = {"tasks.proxy", ROLE_ALL, false,
                                        "只有支部委员和党小组长可以代收。"};
const struct role_action tasks_approve = {"tasks.approve", ROLE_ELECTED, false,
                                          "只有支部委员可以审核通知。"};
const struct role_action tasks_unmask = {"tasks.unmask", ROLE_SECRETARY | ROLE_ORGANIZER, true,
                                         "只有书记和组织委员可以查看完整手机号。"};

static const char *const steps[] = {
    "CREATE TABLE tasks ("
    "  id INTEGER PRIMARY KEY,"
    "  org_id INTEGER NOT NULL,"
    "  author_id INTEGER NOT NULL DEFAULT 0,"
    "  author TEXT NOT NULL,"
    "  text TEXT NOT NULL,"
    "  deadline INTEGER NOT NULL DEFAULT 0,"
    "  state TEXT NOT NULL," /* draft | review | sending | sent | returned */
    "  decision_id INTEGER NOT NULL DEFAULT 0,"
    "  approved_by TEXT NOT NULL DEFAULT '',"
    "  cursor INTEGER NOT NULL DEFAULT 0," /* fan-out: the last member id looked at */
    "  created_at INTEGER NOT NULL,"
    "  sent_at INTEGER NOT NULL DEFAULT 0,"
    "  r1_cursor INTEGER NOT NULL DEFAULT 0, r1_done INTEGER NOT NULL DEFAULT 0,"
    "  r2_cursor INTEGER NOT NULL DEFAULT 0, r2_done INTEGER NOT NULL DEFAULT 0);"
    "CREATE INDEX tasks_state ON tasks(state, id);"
    "CREATE INDEX tasks_created ON tasks(created_at);"
    "CREATE TABLE task_recipients ("
    "  task_id INTEGER NOT NULL,"
    "  member_id INTEGER NOT NULL,"
    "  reach TEXT NOT NULL,"               /* queued | folded | unreachable */
    "  exempt INTEGER NOT NULL DEFAULT 0," /* 免于统计 when it was sent */
    "  received_at INTEGER NOT NULL DEFAULT 0,"
    "  channel TEXT NOT NULL DEFAULT '',"
    "  proxy_by TEXT NOT NULL DEFAULT '',"
    "  PRIMARY KEY (task_id, member_id)) WITHOUT ROWID;"
    "CREATE INDEX task_recipients_member ON task_recipients(member_id, task_id);",
};
const struct migration_set tasks_migrations = {"tasks", steps, sizeof steps / sizeof steps[0]};

static struct tasks_config cfg = {false, 24 * 3600, 24 * 3600, ""};
static const struct sensitive *words;
static atomic_bool fanout_flag;

void tasks_configure(const struct tasks_config *c)
{
    cfg = *c;
    if (!cfg.public_url)
        cfg.public_url = "";
}

void tasks_set_sensitive(const struct sensitive *s)
{
    words = s;
}

bool tasks_fanout_take(void)
{
    return atomic_exchange(&fanout_flag, false);
}

static const char *const state_ids[] = {"draft", "review", "sending", "sent", "returned"};

const char *tasks_state_id(enum tasks_state s)
{
    return (unsigned)s < 5 ? state_ids[s] : "draft";
}

static enum tasks_state state_parse(const char *s)
{
    for (int i = 0; i < 5; i++)
        if (strcmp(s, state_ids[i]) == 0)
            return (enum tasks_state)i;
    return TASK_DRAFT;
}

/* ---- organisations and their members ---- */

/* each_member - fn for the members of org_id (a 党小组: those whose group it is) with id >
 * after, at most limit looked at (-1: all); *last the last id looked at. */
struct each_call {
    int64_t group;                                /* filter on group_id, 0 none */
    int (*fn)(const struct member *m, void *arg); /* the caller's */
    void *arg;                                    /* its argument */
    int64_t last;                                 /* OUT: last id seen */
    long seen;                                    /* OUT: rows looked at */
};

static int each_filter(const struct member *m, void *arg)
{
    struct each_call *k = arg;
    k->last = m->id;
    k->seen++;
    if (k->group && m->group_id != k->group)
        return 0;
    return k->fn(m, k->arg);
}

static int each_member(int64_t org_id, int64_t after, long limit,
                       int (*fn)(const struct member *m, void *arg), void *arg, int64_t *last,
                       long *seen)
{
    struct branch b;
    int rc = branch_get(org_id, &b);
    if (rc)
        return rc;
    struct each_call k = {b.level == BRANCH_GROUP ? b.id : 0, fn, arg, after, 0};
    rc = member_page(b.level == BRANCH_GROUP ? b.parent_id : org_id, after, limit, each_filter, &k);
    if (last)
        *last = k.last;
    if (seen)
        *seen = k.seen;
    return rc;
}

static int count_one(const struct member *m, void *arg)
{
    (void)m;
    (*(int *)arg)++;
    return 0;
}

int tasks_target(const struct actor *a, const char *org, const char *group, int64_t *org_id,
                 int *count, struct tasks_why *why)
{
    char err[BRANCH_ERR_MAX], path[BRANCH_PATH_MAX + BRANCH_NAME_MAX + 2];
    int64_t root = 0;
    int rc;
    memset(why, 0, sizeof *why);
    if (org && *org) {
        rc = branch_resolve(org, &root, err, sizeof err);
        if (rc)
            return rc == ZB_EDB ? ZB_EDB : ZB_ENOTFOUND;
    } else {
        rc = role_scope(a, &tasks_send, &root, &why->refusal);
        if (rc)
            return rc;
        if (root == 0)
            return ZB_ENOTFOUND; /* the operator must name an organisation */
    }
    if (group && *group) {
        if ((rc = branch_path(root, path, BRANCH_PATH_MAX + 1)))
            return rc;
        size_t len = strlen(path);
        if (snprintf(path + len, sizeof path - len, "/%s", group) >= (int)(sizeof path - len))
            return ZB_ENOTFOUND;
        if ((rc = branch_resolve(path, &root, err, sizeof err)))
            return rc == ZB_EDB ? ZB_EDB : ZB_ENOTFOUND;
        struct branch b;
        if ((rc = branch_get(root, &b)))
            return rc;
        if (b.level != BRANCH_GROUP)
            return ZB_ENOTFOUND;
    }
    rc = role_can(a, &tasks_send, root, &why->refusal);
    if (rc)
        return rc;
    int n = 0;
    rc = each_member(root, 0, -1, count_one, &n, NULL, NULL);
    if (rc)
        return rc;
    *org_id = root;
    *count = n;
    return ZB_OK;
}

/* ---- tasks ---- */

static const char sql_insert[] = "INSERT INTO tasks (org_id, author_id, author, text, deadline, "
                                 "state, created_at) VALUES (?, ?, ?, ?, ?, 'draft', ?)";
static const char sql_get[] = "SELECT id, org_id, author_id, author, text, deadline, state, "
                              "approved_by, created_at, sent_at FROM tasks WHERE id = ?";
static const char sql_set_state[] = "UPDATE tasks SET state = ?, decision_id = ? WHERE id = ?";

static void read_task(sqlite3_stmt *st, struct task *t)
{
    memset(t, 0, sizeof *t);
    t->id = sqlite3_column_int64(st, 0);
    t->org_id = sqlite3_column_int64(st, 1);
    t->author_id = sqlite3_column_int64(st, 2);
    snprintf(t->author, sizeof t->author, "%s", store_text(st, 3));
    snprintf(t->text, sizeof t->text, "%s", store_text(st, 4));
    t->deadline = sqlite3_column_int64(st, 5);
    t->state = state_parse(store_text(st, 6));
    snprintf(t->approved_by, sizeof t->approved_by, "%s", store_text(st, 7));
    t->created_at = sqlite3_column_int64(st, 8);
    t->sent_at = sqlite3_column_int64(st, 9);
}

int tasks_get(int64_t id, struct task *out)
{
    sqlite3_stmt *st = store_stmt(sql_get);
    if (!st)
        return ZB_EDB;
    sqlite3_bind_int64(st, 1, id);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        read_task(st, out);
    sqlite3_reset(st);
    return rc == SQLITE_ROW ? ZB_OK : rc == SQLITE_DONE ? ZB_ENOTFOUND : ZB_EDB;
}

int tasks_draft(const struct actor *a, int64_t org_id, const char *text, int64_t deadline,
                int64_t now, int64_t *id, struct tasks_why *why)
{
    assert(store_in_tx());
    memset(why, 0, sizeof *why);
    size_t len = strlen(text);
    while (len && (text[len - 1] == ' ' || text[len - 1] == '\n'))
        len--;
    if (len == 0)
        return ZB_EINVAL;
    if (len > TASKS_TEXT_MAX)
        return ZB_ETOOBIG;
    int rc = role_can(a, &tasks_send, org_id, &why->refusal);
    if (rc)
        return rc;
    if (words) {
        struct sensitive_hit hits[TASKS_HITS_MAX];
        size_t n = 0, total = 0;
        if ((rc = sensitive_scan(words, text, len, hits, TASKS_HITS_MAX, &n, &total)))
            return rc;
        if (total) {
            why->nwords = total;
            size_t wl = hits[0].end - hits[0].start;
            if (wl >= sizeof why->word)
                wl = sizeof why->word - 1;
            memcpy(why->word, text + hits[0].start, wl);
            why->word[wl] = '\0';
            return ZB_EINVAL;
        }
    }
    sqlite3_stmt *st = store_stmt(sql_insert);
    if (!st)
        return ZB_EDB;
    sqlite3_bind_int64(st, 1, org_id);
    sqlite3_bind_int64(st, 2, a->member_id);
    sqlite3_bind_text(st, 3, a->label, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, text, (int)len, SQLITE_STATIC);
    sqlite3_bind_int64(st, 5, deadline);
    sqlite3_bind_int64(st, 6, now);
    if ((rc = store_exec_done(st)))
        return rc;
    *id = sqlite3_last_insert_rowid(store_db());
    return ZB_OK;
}

static int set_state(int64_t id, enum tasks_state s, int64_t decision)
{
    sqlite3_stmt *st = store_stmt(sql_set_state);
    if (!st)
        return ZB_EDB;
    sqlite3_bind_text(st, 1, tasks_state_id(s), -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, decision);
    sqlite3_bind_int64(st, 3, id);
    return store_exec_done(st);
}

int tasks_submit(const struct actor *a, int64_t id, int64_t now, enum tasks_state *state,
                 int64_t *decision)
{
    assert(store_in_tx());
    struct task t;
    int rc = tasks_get(id, &t);
    if (rc)
        return rc;
    if (t.state != TASK_DRAFT)
        return ZB_EDONE;
    if (t.author_id != a->member_id || strcmp(t.author, a->label) != 0)
        return ZB_EDENIED;
    char target[32], detail[96];
    snprintf(target, sizeof target, "task:%lld", (long long)id);
    *decision = 0;
    if (cfg.require_review) {
        struct todo_new n = {"task_review", id, t.org_id, a->member_id, 0};
        if ((rc = todo_open(&n, now, decision)))
            return rc;
        *state = TASK_REVIEW;
    } else {
        *state = TASK_SENDING;
    }
    if ((rc = set_state(id, *state, *decision)))
        return rc;
    snprintf(detail, sizeof detail, "发出通知（%s）", *state == TASK_REVIEW ? "待审核" : "发送");
    if ((rc = audit_write(a->label, "task_send", target, detail, a->channel, now)))
        return rc;
    if (*state == TASK_SENDING)
        atomic_store(&fanout_flag, true);
    return ZB_OK;
}

/* ---- the review gate ---- */

/* utf8_cut - the length of s cut to at most max bytes at a character boundary. */
static size_t utf8_cut(const char *s, size_t max)
{
    size_t len = strlen(s);
    if (len <= max)
        return len;
    while (max > 0 && ((unsigned char)s[max] & 0xC0) == 0x80)
        max--;
    return max;
}

static int review_summary(const struct decision *d, char *out, size_t outsz)
{
    struct task t;
    int rc = tasks_get(d->object_id, &t);
    if (rc)
        return rc;
    size_t n = utf8_cut(t.text, outsz > 64 ? 60 : outsz - 4);
    snprintf(out, outsz, "%.*s%s", (int)n, t.text, n < strlen(t.text) ? "……" : "");
    return ZB_OK;
}

static int review_may(const struct actor *a, const struct decision *d)
{
    const char *refusal = NULL;
    return role_can(a, &tasks_approve, d->org_id, &refusal) ? ZB_EDENIED : ZB_OK;
}

static int review_approve(const struct actor *a, const struct decision *d)
{
    struct task t;
    int rc = tasks_get(d->object_id, &t);
    if (rc)
        return rc;
    if (t.state != TASK_REVIEW)
        return ZB_EINVAL;
    sqlite3_stmt *st = store_stmt("UPDATE tasks SET state = 'sending', approved_by = ? "
                                  "WHERE id = ?");
    if (!st)
        return ZB_EDB;
    sqlite3_bind_text(st, 1, a->label, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, t.id);
    if ((rc = store_exec_done(st)))
        return rc;
    char target[32];
    snprintf(target, sizeof target, "task:%lld", (long long)t.id);
    if ((rc = audit_write(a->label, "task_approve", target, "审核通过通知", a->channel,
                          d->decided_at ? d->decided_at : d->opened_at)))
        return rc;
    atomic_store(&fanout_flag, true);
    return ZB_OK;
}

static int review_return(const struct actor *a, const struct decision *d, const char *reason)
{
    (void)a;
    struct task t;
    int rc = tasks_get(d->object_id, &t);
    if (rc)
        return rc;
    if ((rc = set_state(t.id, TASK_RETURNED, d->id)))
        return rc;
    if (t.author_id <= 0)
        return ZB_OK;
    char key[64], text[TODO_REASON_MAX + 160];
    size_t n = utf8_cut(t.text, 60);
    snprintf(key, sizeof key, "task:%lld:returned", (long long)t.id);
    snprintf(text, sizeof text, "你的通知“%.*s”被退回：%s", (int)n, t.text, reason);
    struct notify_fields f = {.title = "通知被退回", .status = "已退回", .text = text};
    return notify_send(t.author_id, "tasks.returned", NOTIFY_URGENT, key, &f, NULL);
}

const struct decision_kind tasks_review_kind = {.id = "task_review",
                                                .label = "通知审核",
                                                .summary = review_summary,
                                                .may_decide = review_may,
                                                .on_approve = review_approve,
                                                .on_return = review_return,
                                                .two_person = true};

/* ---- fan-out ---- */

static const char sql_sending[] =
    "SELECT id, cursor FROM tasks WHERE state = 'sending' ORDER BY id LIMIT 1";
static const char sql_recipient[] = "INSERT OR IGNORE INTO task_recipients (task_id, member_id, "
                                    "reach, exempt) VALUES (?, ?, ?, ?)";

/* format_day - the local date of t as "12月5日" into out. */
static void format_day(int64_t t, char *out, size_t outsz)
{
    time_t tt = (time_t)t;
    struct tm tm;
    if (!localtime_r(&tt, &tm)) {
        snprintf(out, outsz, "-");
        return;
    }
    snprintf(out, outsz, "%d月%d日", tm.tm_mon + 1, tm.tm_mday);
}

struct fan_call {
    const struct task *t; /* the task */
    int64_t now;          /* Unix seconds */
};

/* member_key - the notify key of task's message to member. */
static void member_key(int64_t task, int64_t member, char key[NOTIFY_KEY_MAX])
{
    snprintf(key, NOTIFY_KEY_MAX, "task:%lld:member:%lld", (long long)task, (long long)member);
}

static int fan_one(const struct member *m, void *arg)
{
    struct fan_call *k = arg;
    const struct task *t = k->t;
    char key[NOTIFY_KEY_MAX], text[TASKS_TEXT_MAX + 200], day[32] = "", link[LINK_URL_MAX] = "",
                                                          obj[24];
    member_key(t->id, m->id, key);
    if (t->deadline)
        format_day(t->deadline, day, sizeof day);
    snprintf(obj, sizeof obj, "%lld", (long long)t->id);
    if (cfg.public_url[0] &&
        link_sign("t", m->id, obj, k->now + LINK_DAYS, link, sizeof link) != ZB_OK)
        link[0] = '\0';
    snprintf(text, sizeof text, "【%s %lld】%s\n%s%s%s回复“收到”确认。",
             t->deadline ? "任务" : "通知", (long long)t->id, t->text, t->deadline ? "截止：" : "",
             day, t->deadline ? "\n" : "");
    struct notify_fields f = {.title = t->deadline ? "支部任务" : "支部通知",
                              .time = t->deadline ? day : NULL,
                              .status = "请回复收到",
                              .link = link[0] ? link : NULL,
                              .text = text};
    struct notify_result r = {0};
    int rc = notify_send(m->id, "tasks.issued", NOTIFY_URGENT, key, &f, &r);
    if (rc)
        return rc;
    sqlite3_stmt *st = store_stmt(sql_recipient);
    if (!st)
        return ZB_EDB;
    sqlite3_bind_int64(st, 1, t->id);
    sqlite3_bind_int64(st, 2, m->id);
    sqlite3_bind_text(st, 3,
                      r.outcome == NOTIFY_UNREACHABLE ? "unreachable"
                      : r.outcome == NOTIFY_FOLDED    ? "folded"
                                                      : "queued",
                      -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 4, m->stats_exempt ? 1 : 0);
    return store_exec_done(st);
}

/* post_group - the task posted once into a QQ group bound to its organisation (or one below):
 * members there see it where they talk; their 收到 there counts when it addresses zhibu or
 * quotes this post (the sender keeps the platform's id of the post with its row). */
static int post_group(void *arg, const char *platform, const char *group)
{
    const struct fan_call *k = arg;
    const struct task *t = k->t;
    enum outbox_rcpt rcpt = strcmp(platform, "onebot") == 0  ? RCPT_ONEBOT_GROUP
                            : strcmp(platform, "qqbot") == 0 ? RCPT_QQBOT_GROUP
                                                             : (enum outbox_rcpt) - 1;
    if ((int)rcpt < 0)
        return ZB_OK;
    char key[NOTIFY_KEY_MAX], text[TASKS_TEXT_MAX + 200], day[32] = "";
    snprintf(key, sizeof key, "task:%lld:group:%s:%s", (long long)t->id, platform, group);
    if (t->deadline)
        format_day(t->deadline, day, sizeof day);
    snprintf(text, sizeof text, "【%s %lld】%s\n%s%s%s收到请 @我 回复“收到”。",
             t->deadline ? "任务" : "通知", (long long)t->id, t->text, t->deadline ? "截止：" : "",
             day, t->deadline ? "\n" : "");
    struct outbox_msg msg = {.idem_key = key,
                             .rcpt = rcpt,
                             .to = group,
                             .kind = OUTBOX_BROADCAST,
                             .text = text,
                             .topic = "tasks.issued"};
    return outbox_push(&msg, NULL);
}

int tasks_fanout_step(int64_t now, size_t max, bool *more)
{
    assert(store_in_tx());
    *more = false;
    sqlite3_stmt *st = store_stmt(sql_sending);
    if (!st)
        return ZB_EDB;
    int rc = sqlite3_step(st);
    int64_t id = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
    int64_t cursor = rc == SQLITE_ROW ? sqlite3_column_int64(st, 1) : 0;
    sqlite3_reset(st);
    if (rc == SQLITE_DONE)
        return ZB_OK;
    if (rc != SQLITE_ROW)
        return ZB_EDB;
    struct task t;
    if ((rc = tasks_get(id, &t)))
        return rc;
    struct fan_call k = {&t, now};
    if (cursor == 0 && (rc = group_rule_each_bound(t.org_id, post_group, &k)))
        return rc; /* the first batch also posts into the bound QQ groups (idempotent keys) */
    int64_t last = cursor;
    long seen = 0;
    if ((rc = each_member(t.org_id, cursor, (long)max, fan_one, &k, &last, &seen)))
        return rc;
    bool done = seen < (long)max;
    st = store_stmt(done ? "UPDATE tasks SET cursor = ?, state = 'sent', sent_at = ? WHERE id = ?"
                         : "UPDATE tasks SET cursor = ?, sent_at = ? WHERE id = ?");
    if (!st)
        return ZB_EDB;
    sqlite3_bind_int64(st, 1, last);
    sqlite3_bind_int64(st, 2, done ? now : 0);
    sqlite3_bind_int64(st, 3, id);
    if ((rc = store_exec_done(st)))
        return rc;
    /* more when this task has more, or another task waits */
    if (!done) {
        *more = true;
        return ZB_OK;
    }
    st = store_stmt(sql_sending);
    if (!st)
        return ZB_EDB;
    *more = sqlite3_step(st) == SQLITE_ROW;
    sqlite3_reset(st);
    return ZB_OK;
}

/* ---- receipts ---- */

static const char sql_rec_get[] =
    "SELECT received_at FROM task_recipients WHERE task_id = ? AND member_id = ?";
static const char sql_rec_set[] = "UPDATE task_recipients SET received_at = ?, channel = ?, "
                                  "proxy_by = ? WHERE task_id = ? AND member_id = ? "
                                  "AND received_at = 0";
static const char sql_newest_open[] =
    "SELECT r.task_id FROM task_recipients r JOIN tasks t ON t.id = r.task_id "
    "WHERE r.member_id = ? AND r.received_at = 0 ORDER BY r.task_id DESC LIMIT 1";
static const char sql_count_open[] =
    "SELECT count(*) FROM task_recipients WHERE member_id = ? AND received_at = 0";
static const char sql_newest[] =
    "SELECT task_id FROM task_recipients WHERE member_id = ? ORDER BY task_id DESC LIMIT 1";

static int64_t one_int(const char *sql, int64_t a, int64_t b, int *rcp)
{
    sqlite3_stmt *st = store_stmt(sql);
    if (!st) {
        *rcp = ZB_EDB;
        return 0;
    }
    sqlite3_bind_int64(st, 1, a);
    if (sqlite3_bind_parameter_count(st) > 1)
        sqlite3_bind_int64(st, 2, b);
    int rc = sqlite3_step(st);
    int64_t v = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : -1;
    sqlite3_reset(st);
    *rcp = rc == SQLITE_ROW || rc == SQLITE_DONE ? ZB_OK : ZB_EDB;
    return v;
}

static int record(int64_t task_id, int64_t member_id, const char *channel, const char *proxy,
                  int64_t now)
{
    sqlite3_stmt *st = store_stmt(sql_rec_set);
    if (!st)
        return ZB_EDB;
    sqlite3_bind_int64(st, 1, now);
    sqlite3_bind_text(st, 2, channel, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, proxy, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 4, task_id);
    sqlite3_bind_int64(st, 5, member_id);
    return store_exec_done(st);
}

int tasks_receipt(int64_t member_id, int64_t task_id, const char *channel, int64_t now,
                  struct tasks_receipt_result *r)
{
    assert(store_in_tx());
    memset(r, 0, sizeof *r);
    int rc = ZB_OK;
    if (task_id <= 0) {
        task_id = one_int(sql_newest_open, member_id, 0, &rc);
        if (rc)
            return rc;
        if (task_id <= 0) {
            int64_t newest = one_int(sql_newest, member_id, 0, &rc);
            if (rc)
                return rc;
            r->task_id = newest > 0 ? newest : 0;
            return newest > 0 ? ZB_EDONE : ZB_ENOTFOUND;
        }
    } else {
        struct task t;
        if ((rc = tasks_get(task_id, &t)))
            return rc;
    }
    r->task_id = task_id;
    int64_t at = one_int(sql_rec_get, task_id, member_id, &rc);
    if (rc)
        return rc;
    if (at < 0)
        return ZB_EDENIED;
    if (at > 0) {
        r->already = true;
    } else if ((rc = record(task_id, member_id, channel, "", now))) {
        return rc;
    }
    int64_t open = one_int(sql_count_open, member_id, 0, &rc);
    r->open = open > 0 ? (int)open : 0;
    return rc;
}

/* the member's task whose post into the group (post_group's key) went out as message ?4 */
static const char sql_quoted[] =
    "SELECT r.task_id FROM task_recipients r JOIN outbox o ON o.idem_key = "
    "'task:' || r.task_id || ':group:' || ?2 || ':' || ?3 "
    "WHERE r.member_id = ?1 AND o.platform_msg_id = ?4 ORDER BY r.task_id DESC LIMIT 1";

int tasks_quoted(int64_t member_id, const char *platform, const char *group, const char *quote_id,
                 int64_t *task_id)
{
    assert(store_in_tx());
    *task_id = 0;
    sqlite3_stmt *st = store_stmt(sql_quoted);
    if (!st)
        return ZB_EDB;
    sqlite3_bind_int64(st, 1, member_id);
    sqlite3_bind_text(st, 2, platform, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, group, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, quote_id, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        *task_id = sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? ZB_OK : ZB_EDB;
}

int tasks_proxy_receipt(const struct actor *a, int64_t task_id, const char *name, int64_t now,
                        int64_t *member, const char **refusal)
{
    assert(store_in_tx());
    struct task t;
    int rc = tasks_get(task_id, &t);
    if (rc)
        return rc;
    int64_t root = 0;
    if ((rc = role_scope(a, &tasks_proxy, &root, refusal)))
        return rc;
    int64_t ids[8];
    size_t n = 0;
    if ((rc = member_find_name(name, -1, ids, 8, &n)))
        return rc;
    int64_t found = 0;
    int matches = 0;
    for (size_t i = 0; i < n; i++) {
        struct member m;
        bool in = root == 0;
        if ((rc = member_get(ids[i], &m)))
            return rc;
        if (!in && (rc = branch_within(m.branch_id, root, &in)))
            return rc;
        if (!in && m.group_id == root)
            in = true;
        int64_t at = one_int(sql_rec_get, task_id, m.id, &rc);
        if (rc)
            return rc;
        if (in && at >= 0) {
            found = m.id;
            matches++;
        }
    }
    if (matches == 0)
        return ZB_ENOTFOUND;
    if (matches > 1)
        return ZB_EBUSY;
    *member = found;
    if (one_int(sql_rec_get, task_id, found, &rc) > 0)
        return ZB_EDONE;
    if ((rc = record(task_id, found, "proxy", a->label, now)))
        return rc;
    char target[48], detail[64];
    snprintf(target, sizeof target, "member:%lld", (long long)found);
    snprintf(detail, sizeof detail, "代收通知 %lld", (long long)task_id);
    return audit_write(a->label, "task_proxy", target, detail, a->channel, now);
}

/* ---- progress ---- */

static const char sql_recipients[] =
    "SELECT member_id, reach, exempt, received_at, channel, proxy_by FROM task_recipients "
    "WHERE task_id = ? ORDER BY member_id";

/* tally - every recipient of task id into p; fn (when set) for the listed ones. */
static int tally(int64_t id, bool unmask, bool all, int (*fn)(const struct tasks_row *r, void *arg),
                 void *arg, struct tasks_progress *p)
{
    sqlite3_stmt *st = store_stmt(sql_recipients);
    if (!st)
        return ZB_EDB;
    sqlite3_bind_int64(st, 1, id);
    int rc, out = ZB_OK;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        struct tasks_row r = {0};
        r.member_id = sqlite3_column_int64(st, 0);
        bool unreachable = strcmp(store_text(st, 1), "unreachable") == 0;
        bool exempt = sqlite3_column_int(st, 2) != 0;
        r.received_at = sqlite3_column_int64(st, 3);
        if (!unreachable && !exempt && !r.received_at) {
            /* reach as it stands now: a message queued at fan-out that the sender gave up on
             * later puts its member on the list to phone */
            char key[NOTIFY_KEY_MAX];
            member_key(id, r.member_id, key);
            if ((out = notify_gave_up(key, &unreachable)))
                break;
        }
        snprintf(r.channel, sizeof r.channel, "%s", store_text(st, 4));
        bool proxy = store_text(st, 5)[0] != '\0';
        p->recipients++;
        if (r.received_at) {
            p->answered++;
            p->counted++;
            p->proxy += proxy;
            r.mark = proxy ? MARK_PROXY : MARK_ANSWERED;
        } else if (exempt) {
            r.mark = MARK_EXEMPT;
        } else if (unreachable) {
            p->counted++;
            p->unreachable++;
            r.mark = MARK_UNREACHABLE;
        } else {
            p->counted++;
            p->silent++;
            r.mark = MARK_SILENT;
        }
        bool listed = all || r.mark == MARK_SILENT || r.mark == MARK_UNREACHABLE;
        if (!fn || !listed)
            continue;
        struct member m;
        if ((out = member_get(r.member_id, &m)))
            break;
        snprintf(r.name, sizeof r.name, "%s", m.name);
        if (unmask)
            snprintf(r.phone, sizeof r.phone, "%s", m.phone);
        else if (m.phone[0])
            member_mask_phone(m.phone, r.phone, sizeof r.phone);
        if ((out = fn(&r, arg)))
            break;
    }
    sqlite3_reset(st);
    if (out)
        return out;
    return rc == SQLITE_DONE ? ZB_OK : ZB_EDB;
}

int tasks_progress_get(const struct actor *a, int64_t id, bool unmask, bool all,
                       int (*fn)(const struct tasks_row *r, void *arg), void *arg,
                       struct tasks_progress *p, const char **refusal)
{
    memset(p, 0, sizeof *p);
    int rc = tasks_get(id, &p->t);
    if (rc)
        return rc;
    if ((rc = role_can(a, &tasks_view, p->t.org_id, refusal)))
        return rc;
    if (unmask) {
        if ((rc = role_can(a, &tasks_unmask, p->t.org_id, refusal)))
            return rc;
        char target[32];
        snprintf(target, sizeof target, "task:%lld", (long long)id);
        if ((rc = audit_write(a->label, "unmask", target, "查看通知进度的完整手机号", a->channel,
                              p->t.created_at)))
            return rc;
    }
    return tally(id, unmask, all, fn, arg, p);
}

static const char sql_mine[] =
    "SELECT r.task_id, r.received_at FROM task_recipients r WHERE r.member_id = ? "
    "ORDER BY r.task_id DESC LIMIT ?";

int tasks_of_member(int64_t member_id, struct tasks_mine *out, size_t max, size_t *n)
{
    *n = 0;
    sqlite3_stmt *st = store_stmt(sql_mine);
    if (!st)
        return ZB_EDB;
    sqlite3_bind_int64(st, 1, member_id);
    sqlite3_bind_int64(st, 2, (int64_t)max);
    int rc;
    int64_t ids[TASKS_LIST_MAX], at[TASKS_LIST_MAX];
    size_t k = 0;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW && k < max && k < TASKS_LIST_MAX) {
        ids[k] = sqlite3_column_int64(st, 0);
        at[k++] = sqlite3_column_int64(st, 1);
    }
    sqlite3_reset(st);
    if (rc != SQLITE_DONE && rc != SQLITE_ROW)
        return ZB_EDB;
    for (size_t i = 0; i < k; i++) {
        if ((rc = tasks_get(ids[i], &out[i].t)))
            return rc;
        out[i].received_at = at[i];
    }
    *n = k;
    return ZB_OK;
}

/* ---- the report ---- */

int tasks_parse_date(const char *s, int64_t now, int64_t *deadline)
{
    int y = 0, mo = 0, d = 0;
    char tail = 0;
    time_t tn = (time_t)now;
    struct tm cur;
    if (!localtime_r(&tn, &cur))
        return ZB_EINVAL;
    if (sscanf(s, "%4d-%2d-%2d%c", &y, &mo, &d, &tail) == 3 ||
        sscanf(s, "%4d/%2d/%2d%c", &y, &mo, &d, &tail) == 3) {
    } else if (sscanf(s, "%2d月%2d日%c", &mo, &d, &tail) == 2 ||
               sscanf(s, "%2d-%2d%c", &mo, &d, &tail) == 2) {
        y = cur.tm_year + 1900;
    } else {
        return ZB_EINVAL;
    }
    if (y < 2000 || y > 2200 || mo < 1 || mo > 12 || d < 1 || d > 31)
        return ZB_EINVAL;
    struct tm tm = {0};
    tm.tm_year = y - 1900;
    tm.tm_mon = mo - 1;
    tm.tm_mday = d;
    tm.tm_hour = 23;
    tm.tm_min = 59;
    tm.tm_sec = 59;
    tm.tm_isdst = -1;
    time_t t = mktime(&tm);
    if (t == (time_t)-1 || tm.tm_mday != d || tm.tm_mon != mo - 1)
        return ZB_EINVAL;
    *deadline = (int64_t)t;
    return ZB_OK;
}

static int month_bounds(const char *month, int64_t *from, int64_t *to)
{
    int y = 0, m = 0;
    char tail = 0;
    if (sscanf(month, "%4d-%2d%c", &y, &m, &tail) != 2 || y < 2000 || y > 2200 || m < 1 || m > 12)
        return ZB_EINVAL;
    struct tm a = {.tm_year = y - 1900, .tm_mon = m - 1, .tm_mday = 1, .tm_isdst = -1};
    struct tm b = {.tm_year = y - 1900 + (m == 12), .tm_mon = m % 12, .tm_mday = 1, .tm_isdst = -1};
    *from = (int64_t)mktime(&a);
    *to = (int64_t)mktime(&b);
    return ZB_OK;
}

static const char sql_month[] = "SELECT id FROM tasks WHERE created_at >= ? AND created_at < ? "
                                "AND state != 'draft' AND id > ? ORDER BY id LIMIT 1";

int tasks_report(const struct actor *a, const char *org, const char *month,
                 int (*fn)(const struct tasks_report_row *r, void *arg), void *arg,
                 const char **refusal)
{
    int64_t from, to, root = 0;
    int rc = month_bounds(month, &from, &to);
    if (rc)
        return rc;
    if (org && *org) {
        char err[BRANCH_ERR_MAX];
        if ((rc = branch_resolve(org, &root, err, sizeof err)))
            return rc == ZB_EDB ? ZB_EDB : ZB_ENOTFOUND;
        if ((rc = role_can(a, &tasks_view, root, refusal)))
            return rc;
    } else if ((rc = role_scope(a, &tasks_view, &root, refusal))) {
        return rc;
    }
    struct tasks_report_row *row = calloc(1, sizeof *row);
    if (!row)
        return ZB_EDB;
    int64_t after = 0;
    int rows = 0;
    for (;;) {
        sqlite3_stmt *st = store_stmt(sql_month);
        if (!st) {
            rc = ZB_EDB;
            break;
        }
        sqlite3_bind_int64(st, 1, from);
        sqlite3_bind_int64(st, 2, to);
        sqlite3_bind_int64(st, 3, after);
        int s = sqlite3_step(st);
        int64_t id = s == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
        sqlite3_reset(st);
        if (s == SQLITE_DONE)
            break;
        if (s != SQLITE_ROW) {
            rc = ZB_EDB;
            break;
        }
        after = id;
        memset(row, 0, sizeof *row);
        if ((rc = tasks_get(id, &row->t)))
            break;
        bool in = root == 0;
        if (!in && (rc = branch_within(row->t.org_id, root, &in)))
            break;
        if (!in)
            continue;
        struct branch b;
        if (branch_get(row->t.org_id, &b) == ZB_OK)
            snprintf(row->org, sizeof row->org, "%s", b.name);
        row->p.t = row->t;
        if ((rc = tally(id, false, false, NULL, NULL, &row->p)) || (rc = fn(row, arg)))
            break;
        rows++;
    }
    free(row);
    if (rc)
        return rc;
    char detail[64];
    snprintf(detail, sizeof detail, "导出 %s 通知台账 %d 条", month, rows);
    return audit_write(a->label, "task_report", org && *org ? org : NULL, detail, a->channel, from);
}

/* ---- reminders ---- */

static const char sql_remind_tasks[] =
    "SELECT id, sent_at, deadline, r1_cursor, r1_done, r2_cursor, r2_done FROM tasks "
    "WHERE state = 'sent' AND (r1_done = 0 OR (deadline > 0 AND r2_done = 0)) AND id > ? "
    "ORDER BY id LIMIT 1";
static const char sql_silent_page[] =
    "SELECT member_id FROM task_recipients WHERE task_id = ? AND member_id > ? "
    "AND received_at = 0 AND exempt = 0 AND reach != 'unreachable' ORDER BY member_id LIMIT ?";

/* remind_round - one batch of round (1 or 2) of task t from cursor; *done when finished. */
static int remind_round(const struct task *t, int round, int64_t cursor, int64_t now, int *queued)
{
    sqlite3_stmt *st = store_stmt(sql_silent_page);
    if (!st)
        return ZB_EDB;
    sqlite3_bind_int64(st, 1, t->id);
    sqlite3_bind_int64(st, 2, cursor);
    sqlite3_bind_int64(st, 3, TASKS_REMIND_BATCH);
    int64_t ids[TASKS_REMIND_BATCH];
    int n = 0, rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW && n < TASKS_REMIND_BATCH)
        ids[n++] = sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    if (rc != SQLITE_DONE && rc != SQLITE_ROW)
        return ZB_EDB;
    char key[NOTIFY_KEY_MAX], text[TASKS_TEXT_MAX + 200], day[32] = "";
    if (t->deadline)
        format_day(t->deadline, day, sizeof day);
    snprintf(text, sizeof text, "提醒：%s %lld 还没有回复。\n%s\n%s%s%s回复“收到 %lld”确认。",
             t->deadline ? "任务" : "通知", (long long)t->id, t->text, t->deadline ? "截止：" : "",
             day, t->deadline ? "\n" : "", (long long)t->id);
    for (int i = 0; i < n; i++) {
        snprintf(key, sizeof key, "task:%lld:member:%lld:r%d", (long long)t->id, (long long)ids[i],
                 round);
        struct notify_fields f = {.title = "通知提醒", .status = "请回复收到", .text = text};
        struct notify_result r = {0};
        if ((rc = notify_send(ids[i], "tasks.reminder", NOTIFY_ROUTINE, key, &f, &r)))
            return rc;
        if (r.outcome != NOTIFY_DUPLICATE)
            (*queued)++;
    }
    bool done = n < TASKS_REMIND_BATCH;
    st = store_stmt(round == 1 ? "UPDATE tasks SET r1_cursor = ?, r1_done = ? WHERE id = ?"
                               : "UPDATE tasks SET r2_cursor = ?, r2_done = ? WHERE id = ?");
    if (!st)
        return ZB_EDB;
    sqlite3_bind_int64(st, 1, n ? ids[n - 1] : cursor);
    sqlite3_bind_int64(st, 2, done ? now : 0);
    sqlite3_bind_int64(st, 3, t->id);
    if ((rc = store_exec_done(st)))
        return rc;
    if (!done || t->author_id <= 0)
        return ZB_OK;
    struct tasks_progress p = {0};
    if ((rc = tally(t->id, false, false, NULL, NULL, &p)))
        return rc;
    snprintf(key, sizeof key, "task:%lld:summary:r%d", (long long)t->id, round);
    snprintf(text, sizeof text,
             "通知 %lld：已收到 %d/%d，未回复 %d 人已提醒，联系不上 %d 人。\n发送“任务进度 "
             "%lld”查看名单。",
             (long long)t->id, p.answered, p.counted, p.silent, p.unreachable, (long long)t->id);
    struct notify_fields f = {.title = "通知进度", .text = text};
    return notify_send(t->author_id, "tasks.summary", NOTIFY_ROUTINE, key, &f, NULL);
}

int tasks_remind_run(int64_t now, int *queued)
{
    assert(store_in_tx());
    *queued = 0;
    int64_t after = 0;
    for (;;) {
        sqlite3_stmt *st = store_stmt(sql_remind_tasks);
        if (!st)
            return ZB_EDB;
        sqlite3_bind_int64(st, 1, after);
        int s = sqlite3_step(st);
        if (s != SQLITE_ROW) {
            sqlite3_reset(st);
            return s == SQLITE_DONE ? ZB_OK : ZB_EDB;
        }
        int64_t id = sqlite3_column_int64(st, 0), sent = sqlite3_column_int64(st, 1),
                deadline = sqlite3_column_int64(st, 2), c1 = sqlite3_column_int64(st, 3),
                d1 = sqlite3_column_int64(st, 4), c2 = sqlite3_column_int64(st, 5),
                d2 = sqlite3_column_int64(st, 6);
        sqlite3_reset(st);
        after = id;
        struct task t;
        int rc = tasks_get(id, &t);
        if (rc)
            return rc;
        /* round 2 (before the deadline) first: when both are due, the nearer deadline wins and
         * round 1 is then skipped, so nobody gets two reminders at once */
        bool r2_due = deadline > 0 && !d2 && cfg.remind_before_s > 0 &&
                      now >= deadline - cfg.remind_before_s && now < deadline;
        bool r1_due = !d1 && cfg.remind_after_s > 0 && now >= sent + cfg.remind_after_s &&
                      (deadline == 0 || now < deadline);
        if (deadline > 0 && now >= deadline) {
            /* past the deadline nobody is chased any more: close both rounds */
            st = store_stmt("UPDATE tasks SET r1_done = ?, r2_done = ? WHERE id = ?");
            if (!st)
                return ZB_EDB;
            sqlite3_bind_int64(st, 1, d1 ? d1 : now);
            sqlite3_bind_int64(st, 2, d2 ? d2 : now);
            sqlite3_bind_int64(st, 3, id);
            if ((rc = store_exec_done(st)))
                return rc;
        } else if (r2_due) {
            if ((rc = remind_round(&t, 2, c2, now, queued)))
                return rc;
            if (!d1) {
                st = store_stmt("UPDATE tasks SET r1_done = ? WHERE id = ?");
                if (!st)
                    return ZB_EDB;
                sqlite3_bind_int64(st, 1, now);
                sqlite3_bind_int64(st, 2, id);
                if ((rc = store_exec_done(st)))
                    return rc;
            }
        } else if (r1_due && (rc = remind_round(&t, 1, c1, now, queued))) {
            return rc;
        }
    }
}
