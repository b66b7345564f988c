/* transfer.c - the rules and tables of 关系接转 (see transfer.h). */
#include "handlers/transfer/transfer.h"

#include <assert.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bot/base/buf.h"
#include "bot/base/clock.h"
#include "bot/base/log.h"
#include "bot/delivery/notify.h"
#include "bot/org/audit.h"
#include "bot/org/member.h"
#include "bot/org/role.h"
#include "bot/store/store.h"
#include "handlers/dues/dues.h"
#include "handlers/todo/todo.h"

#define LEADS         (ROLE_SECRETARY | ROLE_ORGANIZER) /* who decides a step: 书记, 组织委员 */
#define APPROVERS_MAX 8                                 /* approvers notified per step */
#define DAY           86400

const struct role_action transfer_manage = {
    .id = "transfer.manage",
    .roles = ROLE_SECRETARY | ROLE_DEPUTY | ROLE_ORGANIZER,
    .operator_ok = true,
    .refusal = "抱歉，只有书记、副书记和组织委员可以办理他人的组织关系转接。",
};

static const char *const steps_sql[] = {
    "CREATE TABLE transfers ("
    "  id INTEGER PRIMARY KEY,"
    "  member_id INTEGER NOT NULL,"
    "  from_org INTEGER NOT NULL,"
    "  to_org INTEGER NOT NULL,"
    "  status TEXT NOT NULL," /* open | returned | expired | done | cancelled */
    "  reason TEXT NOT NULL DEFAULT '',"
    "  letter_no TEXT NOT NULL DEFAULT '',"
    "  dues_paid_through INTEGER NOT NULL DEFAULT -1," /* a dues month, -1 none */
    "  dues_arrears INTEGER NOT NULL DEFAULT 0,"
    "  validity_days INTEGER NOT NULL,"
    "  issued_at INTEGER NOT NULL DEFAULT 0,"
    "  expires_at INTEGER NOT NULL DEFAULT 0,"
    "  created_at INTEGER NOT NULL,"
    "  received_at INTEGER NOT NULL DEFAULT 0,"
    "  created_by TEXT NOT NULL"
    ");"
    "CREATE INDEX transfers_member ON transfers(member_id, status);"
    "CREATE TABLE transfer_steps ("
    "  id INTEGER PRIMARY KEY,"
    "  transfer_id INTEGER NOT NULL REFERENCES transfers(id),"
    "  seq INTEGER NOT NULL,"
    "  org_id INTEGER NOT NULL,"
    "  state TEXT NOT NULL," /* waiting | open | approved | returned */
    "  decision_id INTEGER NOT NULL DEFAULT 0,"
    "  opened_at INTEGER NOT NULL DEFAULT 0,"
    "  decided_at INTEGER NOT NULL DEFAULT 0,"
    "  decided_by TEXT NOT NULL DEFAULT '',"
    "  reason TEXT NOT NULL DEFAULT '',"
    "  UNIQUE (transfer_id, seq)"
    ");"
    "CREATE TABLE transfer_events ("
    "  id INTEGER PRIMARY KEY,"
    "  transfer_id INTEGER NOT NULL REFERENCES transfers(id),"
    "  at INTEGER NOT NULL,"
    "  actor TEXT NOT NULL,"
    "  what TEXT NOT NULL,"
    "  detail TEXT NOT NULL DEFAULT ''"
    ");"
    "CREATE INDEX transfer_events_t ON transfer_events(transfer_id, id);",
};
const struct migration_set transfer_migrations = {"transfer", steps_sql,
                                                  sizeof steps_sql / sizeof *steps_sql};

static struct transfer_config cfg = {3, 10, 30, 90, 3};
static struct transfer_rule rules[TRANSFER_RULES_MAX];
static size_t n_rules;

void transfer_configure(const struct transfer_config *c)
{
    cfg = *c;
}

static const char *const status_ids[] = {"open", "returned", "expired", "done", "cancelled"};
static const char *const state_ids[] = {"waiting", "open", "approved", "returned"};

const char *transfer_status_id(enum transfer_status s)
{
    return (unsigned)s < 5 ? status_ids[s] : "open";
}

/* The statuses as a secretary reads them; status_short is what one types (--status 已过期). */
static const char *const status_cn[] = {"办理中", "已退回", "介绍信已过期", "已完成", "已撤销"};
static const char *const status_short[] = {"办理中", "已退回", "已过期", "已完成", "已撤销"};

const char *transfer_status_text(enum transfer_status s)
{
    return (unsigned)s < 5 ? status_cn[s] : status_cn[0];
}

int transfer_status_parse(const char *s)
{
    for (int i = 0; i < 5; i++)
        if (strcmp(s, status_ids[i]) == 0 || strcmp(s, status_cn[i]) == 0 ||
            strcmp(s, status_short[i]) == 0)
            return i;
    return -1;
}

static int parse_of(const char *const *ids, int n, const char *s)
{
    for (int i = 0; i < n; i++)
        if (strcmp(s, ids[i]) == 0)
            return i;
    return 0;
}

/* ---- the rule grammar ---- */

/* trim - s[0..n) without surrounding blanks into out; false when it does not fit. */
static bool trim_copy(const char *s, size_t n, char *out, size_t outsz)
{
    while (n && (*s == ' ' || *s == '\t' || *s == '\r'))
        s++, n--;
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
        n--;
    if (n >= outsz)
        return false;
    memcpy(out, s, n);
    out[n] = '\0';
    return true;
}

/* parse_rule - one rule s[0..len) into r. */
static int parse_rule(const char *s, size_t len, struct transfer_rule *r, size_t no, char *err,
                      size_t errsz)
{
    const char *end = s + len, *arrow = NULL, *colon = NULL;
    for (const char *p = s; p + 1 < end; p++)
        if (p[0] == '-' && p[1] == '>') {
            arrow = p;
            break;
        }
    if (!arrow) {
        snprintf(err, errsz, "第 %zu 条规则缺少“->”", no);
        return ZB_EINVAL;
    }
    for (const char *p = arrow + 2; p < end; p++)
        if (*p == ':') {
            colon = p;
            break;
        }
    if (!colon) {
        snprintf(err, errsz, "第 %zu 条规则在经办组织前缺少“:”", no);
        return ZB_EINVAL;
    }
    memset(r, 0, sizeof *r);
    if (!trim_copy(s, (size_t)(arrow - s), r->from, sizeof r->from) ||
        !trim_copy(arrow + 2, (size_t)(colon - arrow - 2), r->to, sizeof r->to)) {
        snprintf(err, errsz, "第 %zu 条规则的路径太长", no);
        return ZB_ETOOBIG;
    }
    if (!r->from[0] || !r->to[0]) {
        snprintf(err, errsz, "第 %zu 条规则必须写明来源和去向", no);
        return ZB_EINVAL;
    }
    if (strcmp(r->from, "external") == 0) {
        snprintf(err, errsz, "第 %zu 条规则的来源不能是 external", no);
        return ZB_EINVAL;
    }
    const char *p = colon + 1;
    while (p <= end) {
        const char *q = p;
        while (q < end && *q != ',')
            q++;
        if (r->n_hops == TRANSFER_STEPS_MAX) {
            snprintf(err, errsz, "第 %zu 条规则的经办组织超过 %d 个", no, TRANSFER_STEPS_MAX);
            return ZB_ETOOBIG;
        }
        char *hop = r->hops[r->n_hops];
        if (!trim_copy(p, (size_t)(q - p), hop, BRANCH_PATH_MAX + 1)) {
            snprintf(err, errsz, "第 %zu 条规则的经办组织名称太长", no);
            return ZB_ETOOBIG;
        }
        if (!hop[0] || strcmp(hop, "*") == 0 || strcmp(hop, "external") == 0) {
            snprintf(err, errsz, "第 %zu 条规则的第 %zu 个经办组织必须写组织名", no, r->n_hops + 1);
            return ZB_EINVAL;
        }
        r->n_hops++;
        p = q + 1;
    }
    return ZB_OK;
}

/*
 * each_rule - split a rule list (rules separated by ';' or newlines, blank ones skipped) and call
 * fn(arg, slot, rule, len, no) for each, slot counting the rules kept, no numbering them as the
 * operator wrote them. what ("路由规则", "审批规则") names the list in errors: over
 * TRANSFER_RULES_BYTES, or more than max rules. *n gets the rules kept.
 */
static int each_rule(const char *text, const char *what, size_t max,
                     int (*fn)(void *arg, size_t slot, const char *rule, size_t len, size_t no,
                               char *err, size_t errsz),
                     void *arg, size_t *n, char *err, size_t errsz)
{
    *n = 0;
    size_t len = strlen(text);
    if (len > TRANSFER_RULES_BYTES) {
        snprintf(err, errsz, "%s超过 %d 字节", what, TRANSFER_RULES_BYTES);
        return ZB_ETOOBIG;
    }
    const char *p = text, *end = text + len;
    size_t no = 0;
    while (p < end) {
        const char *q = p;
        while (q < end && *q != ';' && *q != '\n')
            q++;
        no++;
        const char *a = p;
        while (a < q && (*a == ' ' || *a == '\t' || *a == '\r'))
            a++;
        if (a < q) {
            if (*n == max) {
                snprintf(err, errsz, "%s超过 %zu 条", what, max);
                return ZB_ETOOBIG;
            }
            int rc = fn(arg, *n, a, (size_t)(q - a), no, err, errsz);
            if (rc)
                return rc;
            (*n)++;
        }
        p = q + 1;
    }
    return ZB_OK;
}

static int route_rule(void *arg, size_t slot, const char *rule, size_t len, size_t no, char *err,
                      size_t errsz)
{
    return parse_rule(rule, len, &((struct transfer_rule *)arg)[slot], no, err, errsz);
}

int transfer_rules_parse(const char *text, struct transfer_rule *out, size_t max, size_t *n,
                         char *err, size_t errsz)
{
    return each_rule(text, "路由规则", max, route_rule, out, n, err, errsz);
}

int transfer_set_rules(const char *text, char *err, size_t errsz)
{
    static struct transfer_rule tmp[TRANSFER_RULES_MAX];
    size_t n = 0;
    int rc = transfer_rules_parse(text ? text : "", tmp, TRANSFER_RULES_MAX, &n, err, errsz);
    if (rc)
        return rc;
    memcpy(rules, tmp, sizeof rules);
    n_rules = n;
    return ZB_OK;
}

/* ---- the approver rules ---- */

static struct transfer_approver_rule approver_rules[TRANSFER_APPROVER_RULES_MAX];
static size_t n_approver_rules;
static bool approver_rules_set; /* false: the default until transfer_set_approvers */

/* parse_approver_rule - one rule s[0..len) into r. */
static int parse_approver_rule(const char *s, size_t len, struct transfer_approver_rule *r,
                               size_t no, char *err, size_t errsz)
{
    const char *end = s + len, *colon = NULL;
    for (const char *p = s; p < end && !colon; p++)
        if (*p == ':')
            colon = p;
    if (!colon) {
        snprintf(err, errsz, "第 %zu 条审批规则在职务前缺少“:”", no);
        return ZB_EINVAL;
    }
    memset(r, 0, sizeof *r);
    if (!trim_copy(s, (size_t)(colon - s), r->org, sizeof r->org)) {
        snprintf(err, errsz, "第 %zu 条审批规则的组织名太长", no);
        return ZB_ETOOBIG;
    }
    if (!r->org[0]) {
        snprintf(err, errsz, "第 %zu 条审批规则必须写组织或 *", no);
        return ZB_EINVAL;
    }
    char roles[ROLE_TEXT_MAX * 2 + 1], bad[64] = "";
    if (!trim_copy(colon + 1, (size_t)(end - colon - 1), roles, sizeof roles)) {
        snprintf(err, errsz, "第 %zu 条审批规则的职务太长", no);
        return ZB_ETOOBIG;
    }
    if (role_parse(roles, &r->roles, bad, sizeof bad)) {
        snprintf(err, errsz, "第 %zu 条审批规则有不认识的职务“%s”", no, bad);
        return ZB_EINVAL;
    }
    if (!r->roles) {
        snprintf(err, errsz, "第 %zu 条审批规则至少要有一个职务（书记、组织委员等）", no);
        return ZB_EINVAL;
    }
    return ZB_OK;
}

static int approver_rule(void *arg, size_t slot, const char *rule, size_t len, size_t no, char *err,
                         size_t errsz)
{
    return parse_approver_rule(rule, len, &((struct transfer_approver_rule *)arg)[slot], no, err,
                               errsz);
}

int transfer_approver_rules_parse(const char *text, struct transfer_approver_rule *out, size_t max,
                                  size_t *n, char *err, size_t errsz)
{
    return each_rule(text, "审批规则", max, approver_rule, out, n, err, errsz);
}

int transfer_set_approvers(const char *text, char *err, size_t errsz)
{
    static struct transfer_approver_rule tmp[TRANSFER_APPROVER_RULES_MAX];
    size_t n = 0;
    const char *t = text && text[0] ? text : TRANSFER_APPROVERS_DEFAULT;
    int rc = transfer_approver_rules_parse(t, tmp, TRANSFER_APPROVER_RULES_MAX, &n, err, errsz);
    if (rc)
        return rc;
    memcpy(approver_rules, tmp, sizeof approver_rules);
    n_approver_rules = n;
    approver_rules_set = true;
    return ZB_OK;
}

int transfer_approver_roles(int64_t org, unsigned *roles)
{
    *roles = LEADS;
    if (!approver_rules_set)
        return ZB_OK;
    for (size_t i = 0; i < n_approver_rules; i++) {
        const struct transfer_approver_rule *r = &approver_rules[i];
        if (strcmp(r->org, "*") != 0) {
            int64_t id = 0;
            char err[BRANCH_ERR_MAX];
            int rc = branch_resolve(r->org, &id, err, sizeof err);
            if (rc == ZB_EDB)
                return rc;
            if (rc || id != org)
                continue; /* a rule about an organisation not in the tree matches nothing */
        }
        *roles = r->roles;
        return ZB_OK;
    }
    return ZB_OK;
}

/* ---- the route ---- */

/* chain - org and its ancestors, org first, into c (at most BRANCH_DEPTH_MAX); *n the count. */
static int chain(int64_t org, int64_t *c, size_t *n)
{
    *n = 0;
    while (org && *n < BRANCH_DEPTH_MAX) {
        struct branch b;
        int rc = branch_get(org, &b);
        if (rc)
            return rc;
        c[(*n)++] = org;
        org = b.parent_id;
    }
    return ZB_OK;
}

/* matches - may rule side pat (a path, "*", or for TO "external") take org? */
static int side_matches(const char *pat, int64_t org, bool *yes)
{
    *yes = false;
    if (strcmp(pat, "*") == 0) {
        *yes = true;
        return ZB_OK;
    }
    if (strcmp(pat, "external") == 0) {
        struct branch b;
        int rc = branch_get(org, &b);
        if (!rc)
            *yes = b.external;
        return rc;
    }
    int64_t root = 0;
    char err[BRANCH_ERR_MAX];
    if (branch_resolve(pat, &root, err, sizeof err))
        return ZB_OK; /* a rule about an organisation that is not in the tree matches nothing */
    return branch_within(org, root, yes);
}

static bool has(const int64_t *v, size_t n, int64_t x)
{
    for (size_t i = 0; i < n; i++)
        if (v[i] == x)
            return true;
    return false;
}

int transfer_route(int64_t from_org, int64_t to_org, struct transfer_route *out,
                   struct transfer_why *why)
{
    memset(out, 0, sizeof *out);
    out->rule = -1;
    if (from_org == to_org) {
        why->reason = TR_SAME;
        return ZB_EINVAL;
    }
    int64_t f[BRANCH_DEPTH_MAX], t[BRANCH_DEPTH_MAX];
    size_t nf = 0, nt = 0;
    int rc = chain(from_org, f, &nf);
    if (!rc)
        rc = chain(to_org, t, &nt);
    if (rc)
        return rc;
    size_t top = nf; /* index in f of the lowest common ancestor, nf when none */
    for (size_t i = 0; i < nf && top == nf; i++)
        if (has(t, nt, f[i]))
            top = i;
    out->in_city = top < nf;
    size_t climb = out->in_city ? top + 1 : nf;
    for (size_t i = 0; i < climb; i++)
        out->orgs[out->n++] = f[i];
    if (out->in_city && f[top] == to_org)
        return ZB_OK; /* the receiver is on the way up: it is the last step already */
    for (size_t r = 0; r < n_rules; r++) {
        bool a = false, b = false;
        if ((rc = side_matches(rules[r].from, from_org, &a)) ||
            (a && (rc = side_matches(rules[r].to, to_org, &b))))
            return rc;
        if (!a || !b)
            continue;
        out->rule = (int)r;
        for (size_t h = 0; h < rules[r].n_hops; h++) {
            int64_t hop = 0;
            char err[BRANCH_ERR_MAX];
            if (branch_resolve(rules[r].hops[h], &hop, err, sizeof err)) {
                why->reason = TR_BAD_HOP;
                snprintf(why->detail, sizeof why->detail, "transfer.routes 第 %d 条：%s",
                         (int)r + 1, err);
                return ZB_EINVAL;
            }
            if (hop == to_org || has(out->orgs, out->n, hop))
                continue;
            if (out->n + 1 >= TRANSFER_STEPS_MAX) {
                why->reason = TR_TOO_LONG;
                return ZB_EINVAL;
            }
            out->orgs[out->n++] = hop;
        }
        break;
    }
    if (!out->in_city && out->rule < 0) {
        struct branch fr, tr;
        if ((rc = branch_get(f[nf - 1], &fr)) || (rc = branch_get(t[nt - 1], &tr)))
            return rc;
        struct branch to;
        if ((rc = branch_get(to_org, &to)))
            return rc;
        why->reason = TR_NO_ROUTE;
        snprintf(why->detail, sizeof why->detail,
                 "缺少路由规则：从“%s”到“%s”。请在 transfer.routes 中加一条，例如 "
                 "\"%s -> %s : 市委组织部\"",
                 fr.name, tr.name, fr.name, to.external ? "external" : tr.name);
        return ZB_EINVAL;
    }
    if (out->n + 1 > TRANSFER_STEPS_MAX) {
        why->reason = TR_TOO_LONG;
        return ZB_EINVAL;
    }
    out->orgs[out->n++] = to_org;
    return ZB_OK;
}

/* ---- rows ---- */

static const char sql_t_get[] =
    "SELECT id, member_id, from_org, to_org, status, reason, letter_no, dues_paid_through, "
    "dues_arrears, validity_days, issued_at, expires_at, created_at, received_at, created_by "
    "FROM transfers WHERE id=?1";
static const char sql_s_get[] =
    "SELECT id, seq, org_id, state, decision_id, opened_at, decided_at, decided_by, reason "
    "FROM transfer_steps WHERE transfer_id=?1 ORDER BY seq";
static const char sql_t_insert[] =
    "INSERT INTO transfers(member_id, from_org, to_org, status, reason, dues_paid_through, "
    "dues_arrears, validity_days, created_at, created_by) VALUES(?1, ?2, ?3, 'open', ?4, ?5, ?6, "
    "?7, ?8, ?9)";
static const char sql_s_insert[] = "INSERT INTO transfer_steps(transfer_id, seq, org_id, state) "
                                   "VALUES(?1, ?2, ?3, 'waiting')";
static const char sql_s_open[] =
    "UPDATE transfer_steps SET state='open', decision_id=?2, opened_at=?3, decided_at=0, "
    "decided_by='', reason='' WHERE id=?1";
static const char sql_s_decide[] = "UPDATE transfer_steps SET state=?2, decided_at=?3, "
                                   "decided_by=?4, reason=?5 WHERE id=?1";
static const char sql_s_by_id[] = "SELECT transfer_id FROM transfer_steps WHERE id=?1";
static const char sql_t_status[] = "UPDATE transfers SET status=?2 WHERE id=?1";
static const char sql_t_letter[] =
    "UPDATE transfers SET letter_no=?2, issued_at=?3, expires_at=?4, "
    "validity_days=?5 WHERE id=?1";
static const char sql_t_done[] = "UPDATE transfers SET status='done', received_at=?2 WHERE id=?1";
static const char sql_event[] =
    "INSERT INTO transfer_events(transfer_id, at, actor, what, detail) VALUES(?1, ?2, ?3, ?4, ?5)";
static const char sql_events[] = "SELECT at, actor, what, detail FROM transfer_events "
                                 "WHERE transfer_id=?1 ORDER BY id LIMIT ?2";
static const char sql_current[] = "SELECT id FROM transfers WHERE member_id=?1 AND status IN "
                                  "('open', 'returned', 'expired') ORDER BY id DESC LIMIT 1";
static const char sql_latest[] = "SELECT id FROM transfers WHERE member_id=?1 AND created_at>=?2 "
                                 "ORDER BY id DESC LIMIT 1";
static const char sql_list[] = "SELECT id FROM transfers WHERE (?1 = '' OR status=?1) "
                               "ORDER BY id DESC LIMIT ?2";
static const char sql_open_steps[] =
    "SELECT s.id, s.transfer_id, s.seq, s.org_id, s.opened_at FROM transfer_steps s JOIN "
    "transfers t ON t.id=s.transfer_id WHERE s.state='open' AND t.status='open' AND s.opened_at<?1 "
    "ORDER BY s.id LIMIT 1000";
static const char sql_letters[] =
    "SELECT id FROM transfers WHERE status='open' AND expires_at>0 AND expires_at<?1 "
    "ORDER BY id LIMIT 1000";
static const char sql_year[] = "SELECT id FROM transfers WHERE issued_at>=?1 AND issued_at<?2 "
                               "ORDER BY issued_at, id";

int transfer_get(int64_t id, struct transfer *out)
{
    memset(out, 0, sizeof *out);
    sqlite3_stmt *st = store_stmt(sql_t_get);
    if (!st)
        return ZB_EDB;
    sqlite3_bind_int64(st, 1, id);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        out->id = sqlite3_column_int64(st, 0);
        out->member_id = sqlite3_column_int64(st, 1);
        out->from_org = sqlite3_column_int64(st, 2);
        out->to_org = sqlite3_column_int64(st, 3);
        out->status = (enum transfer_status)parse_of(status_ids, 5, store_text(st, 4));
        snprintf(out->reason, sizeof out->reason, "%s", store_text(st, 5));
        snprintf(out->letter_no, sizeof out->letter_no, "%s", store_text(st, 6));
        out->dues_paid_through = sqlite3_column_int(st, 7);
        out->dues_arrears = sqlite3_column_int(st, 8);
        out->validity_days = sqlite3_column_int(st, 9);
        out->issued_at = sqlite3_column_int64(st, 10);
        out->expires_at = sqlite3_column_int64(st, 11);
        out->created_at = sqlite3_column_int64(st, 12);
        out->received_at = sqlite3_column_int64(st, 13);
        snprintf(out->created_by, sizeof out->created_by, "%s", store_text(st, 14));
    }
    sqlite3_reset(st);
    if (rc != SQLITE_ROW)
        return rc == SQLITE_DONE ? ZB_ENOTFOUND : ZB_EDB;
    if (!(st = store_stmt(sql_s_get)))
        return ZB_EDB;
    sqlite3_bind_int64(st, 1, id);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW && out->n_steps < TRANSFER_STEPS_MAX) {
        struct transfer_step *s = &out->steps[out->n_steps++];
        s->id = sqlite3_column_int64(st, 0);
        s->seq = sqlite3_column_int(st, 1);
        s->org_id = sqlite3_column_int64(st, 2);
        s->state = (enum step_state)parse_of(state_ids, 4, store_text(st, 3));
        s->decision_id = sqlite3_column_int64(st, 4);
        s->opened_at = sqlite3_column_int64(st, 5);
        s->decided_at = sqlite3_column_int64(st, 6);
        snprintf(s->decided_by, sizeof s->decided_by, "%s", store_text(st, 7));
        snprintf(s->reason, sizeof s->reason, "%s", store_text(st, 8));
    }
    sqlite3_reset(st);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? ZB_OK : ZB_EDB;
}

static int event(int64_t id, const struct actor *a, const char *what, const char *detail,
                 int64_t now)
{
    sqlite3_stmt *st = store_stmt(sql_event);
    if (!st)
        return ZB_EDB;
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_int64(st, 2, now);
    sqlite3_bind_text(st, 3, a->label, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 4, what, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, detail ? detail : "", -1, SQLITE_TRANSIENT);
    int rc = store_exec_done(st);
    if (rc)
        return rc;
    char target[40], d[600];
    snprintf(target, sizeof target, "transfer:%lld", (long long)id);
    snprintf(d, sizeof d, "%s", detail ? detail : "");
    char action[48];
    snprintf(action, sizeof action, "transfer_%s", what);
    return audit_write(a->label, action, target, d, a->channel, now);
}

static int set_status(int64_t id, enum transfer_status s)
{
    sqlite3_stmt *st = store_stmt(sql_t_status);
    if (!st)
        return ZB_EDB;
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_text(st, 2, status_ids[s], -1, SQLITE_STATIC);
    return store_exec_done(st);
}

struct approvers {
    int64_t org;    /* the step's organisation */
    unsigned roles; /* who decides there (transfer_approver_roles) */
    int64_t *ids;   /* OUT */
    size_t max, n;  /* capacity and count */
};

static int approver_cb(const struct member *m, void *arg)
{
    struct approvers *ap = arg;
    if (m->branch_id == ap->org && (m->roles & ap->roles) && ap->n < ap->max)
        ap->ids[ap->n++] = m->id;
    return 0;
}

int transfer_approvers(int64_t org, int64_t *ids, size_t max, size_t *n)
{
    struct approvers ap = {org, 0, ids, max, 0};
    *n = 0;
    int rc = transfer_approver_roles(org, &ap.roles);
    if (rc)
        return rc;
    rc = member_each(org, approver_cb, &ap);
    *n = ap.n;
    return rc;
}

/* is_lead - whether member_id decides at org. */
static int is_lead(int64_t member_id, int64_t org, bool *yes)
{
    struct member m;
    *yes = false;
    unsigned roles = 0;
    int rc = transfer_approver_roles(org, &roles);
    if (!rc)
        rc = member_get(member_id, &m);
    if (rc == ZB_ENOTFOUND)
        return ZB_OK;
    if (!rc)
        *yes = !m.left_at && m.branch_id == org && (m.roles & roles);
    return rc;
}

/* step_org_decider - the organisation whose leads decide step s of t: the step's own, or for an
 * organisation outside zhibu, the sender's (it records the receipt that comes back). */
static int step_decider_org(const struct transfer *t, const struct transfer_step *s, int64_t *org)
{
    struct branch b;
    int rc = branch_get(s->org_id, &b);
    if (rc)
        return rc;
    *org = b.external ? t->from_org : s->org_id;
    return ZB_OK;
}

int transfer_may_see(const struct actor *a, const struct transfer *t)
{
    if (!actor_is_member(a))
        return a->kind == ACTOR_OPERATOR || a->kind == ACTOR_SYSTEM ? ZB_OK : ZB_EDENIED;
    if (a->member_id == t->member_id)
        return ZB_OK;
    const int64_t ends[] = {t->from_org, t->to_org}; /* the secretaries of both ends */
    for (size_t i = 0; i < 2; i++) {
        bool yes = false;
        int rc = is_lead(a->member_id, ends[i], &yes);
        if (rc || yes)
            return rc;
    }
    for (size_t i = 0; i < t->n_steps; i++) {
        bool yes = false;
        int64_t org = 0;
        int rc = step_decider_org(t, &t->steps[i], &org);
        if (!rc)
            rc = is_lead(a->member_id, org, &yes);
        if (rc)
            return rc;
        if (yes)
            return ZB_OK;
    }
    return ZB_EDENIED;
}

int transfer_current(int64_t member_id, int64_t *id)
{
    *id = 0;
    sqlite3_stmt *st = store_stmt(sql_current);
    if (!st)
        return ZB_EDB;
    sqlite3_bind_int64(st, 1, member_id);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        *id = sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? ZB_OK : ZB_EDB;
}

int transfer_latest(int64_t member_id, int64_t since, int64_t *id)
{
    *id = 0;
    sqlite3_stmt *st = store_stmt(sql_latest);
    if (!st)
        return ZB_EDB;
    sqlite3_bind_int64(st, 1, member_id);
    sqlite3_bind_int64(st, 2, since);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        *id = sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? ZB_OK : ZB_EDB;
}

int transfer_list(const struct actor *a, int status, int64_t *ids, size_t max, size_t *n)
{
    *n = 0;
    int64_t *all = calloc(TRANSFER_LIST_MAX, sizeof *all);
    if (!all)
        return ZB_EDB;
    size_t k = 0;
    sqlite3_stmt *st = store_stmt(sql_list);
    if (!st) {
        free(all);
        return ZB_EDB;
    }
    sqlite3_bind_text(st, 1, status < 0 ? "" : status_ids[status], -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 2, TRANSFER_LIST_MAX);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        all[k++] = sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    rc = rc == SQLITE_DONE ? ZB_OK : ZB_EDB;
    struct transfer *t = malloc(sizeof *t);
    if (!t)
        rc = ZB_EDB;
    for (size_t i = 0; !rc && i < k && *n < max; i++) {
        if ((rc = transfer_get(all[i], t)))
            break;
        int see = transfer_may_see(a, t);
        if (see == ZB_OK)
            ids[(*n)++] = all[i];
        else if (see != ZB_EDENIED)
            rc = see;
    }
    free(t);
    free(all);
    return rc;
}

int transfer_events(int64_t id, struct transfer_event *out, size_t max, size_t *n)
{
    *n = 0;
    sqlite3_stmt *st = store_stmt(sql_events);
    if (!st)
        return ZB_EDB;
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_int64(st, 2, (sqlite3_int64)max);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW && *n < max) {
        struct transfer_event *e = &out[(*n)++];
        e->at = sqlite3_column_int64(st, 0);
        snprintf(e->actor, sizeof e->actor, "%s", store_text(st, 1));
        snprintf(e->what, sizeof e->what, "%s", store_text(st, 2));
        snprintf(e->detail, sizeof e->detail, "%s", store_text(st, 3));
    }
    sqlite3_reset(st);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? ZB_OK : ZB_EDB;
}

int transfer_days_left(const struct transfer *t, int64_t now)
{
    if (!t->expires_at)
        return 0;
    int64_t left = t->expires_at - now;
    return left >= 0 ? (int)((left + DAY - 1) / DAY) : -(int)((-left + DAY - 1) / DAY);
}

/* ---- notifications ---- */

static void org_name(int64_t org, char *out, size_t outsz)
{
    struct branch b;
    if (branch_get(org, &b))
        snprintf(out, outsz, "组织%lld", (long long)org);
    else
        snprintf(out, outsz, "%s", b.name);
}

/* tell - notify member_id (a quiet miss when unreachable or removed). */
static int tell(int64_t member_id, const char *kind, enum notify_urgency u, const char *key,
                const char *title, const char *status, const char *text)
{
    struct notify_fields f = {.title = title, .status = status, .text = text};
    int rc = notify_send(member_id, kind, u, key, &f, NULL);
    return rc == ZB_ENOTFOUND ? ZB_OK : rc;
}

/* tell_leads - notify the approvers of org. */
static int tell_leads(int64_t org, const char *kind, enum notify_urgency u, const char *key,
                      const char *status, const char *text)
{
    int64_t ids[APPROVERS_MAX];
    size_t n = 0;
    int rc = transfer_approvers(org, ids, APPROVERS_MAX, &n);
    for (size_t i = 0; !rc && i < n; i++) {
        char k[NOTIFY_KEY_MAX];
        snprintf(k, sizeof k, "%s:to:%lld", key, (long long)ids[i]);
        rc = tell(ids[i], kind, u, k, "组织关系转接", status, text);
    }
    return rc;
}

/* open_step - open step i of t: a decision in the inbox, its approvers told. */
static int open_step(const struct transfer *t, size_t i, int64_t now)
{
    const struct transfer_step *s = &t->steps[i];
    int64_t did = 0, dorg = 0;
    int rc = step_decider_org(t, s, &dorg);
    struct todo_new n = {.kind = transfer_step_kind.id,
                         .object_id = s->id,
                         .org_id = s->org_id,
                         .author_id = t->member_id};
    if (!rc)
        rc = todo_open(&n, now, &did);
    sqlite3_stmt *st = rc ? NULL : store_stmt(sql_s_open);
    if (!rc && !st)
        rc = ZB_EDB;
    if (rc)
        return rc;
    sqlite3_bind_int64(st, 1, s->id);
    sqlite3_bind_int64(st, 2, did);
    sqlite3_bind_int64(st, 3, now);
    if ((rc = store_exec_done(st)))
        return rc;
    struct member m;
    if ((rc = member_get(t->member_id, &m)))
        return rc;
    char org[BRANCH_NAME_MAX + 1], to[BRANCH_NAME_MAX + 1], text[600], key[NOTIFY_KEY_MAX];
    org_name(s->org_id, org, sizeof org);
    org_name(t->to_org, to, sizeof to);
    bool last = i + 1 == t->n_steps;
    snprintf(text, sizeof text,
             "组织关系转接待您%s：%s 转往 %s（第 %d/%zu 步，%s）。\n回复“待办”查看，“%s %lld”%s，"
             "“退回 %lld 原因”退回。",
             last ? "接收" : "审批", m.name, to, s->seq, t->n_steps, org, last ? "接收" : "同意",
             (long long)did, last ? "确认接收" : "同意", (long long)did);
    snprintf(key, sizeof key, "transfer:%lld:step:%d:decision:%lld", (long long)t->id, s->seq,
             (long long)did);
    return tell_leads(dorg, "transfer.step", NOTIFY_URGENT, key, last ? "待接收" : "待审批", text);
}

/* ---- start, resubmit, renew, cancel ---- */

/* may_act - a is the member themself, or may manage the member's organisation. */
static int may_act(const struct actor *a, int64_t member_id, int64_t org, struct transfer_why *why)
{
    if (actor_is_member(a) && a->member_id == member_id)
        return ZB_OK;
    int rc = role_can(a, &transfer_manage, org, &why->refusal);
    if (rc == ZB_EDENIED)
        why->reason = TR_DENIED;
    return rc;
}

int transfer_start(const struct actor *a, const struct transfer_new *n, int64_t now, int64_t *id,
                   struct transfer_why *why)
{
    assert(store_in_tx());
    *id = 0;
    struct member m;
    int rc = member_get(n->member_id, &m);
    if (rc == ZB_ENOTFOUND || (!rc && m.left_at)) {
        why->reason = TR_NO_MEMBER;
        return ZB_EINVAL;
    }
    if (rc)
        return rc;
    if (!m.branch_id) {
        why->reason = TR_NO_BRANCH;
        return ZB_EINVAL;
    }
    if ((rc = may_act(a, m.id, m.branch_id, why)))
        return rc;
    int64_t cur = 0;
    if ((rc = transfer_current(m.id, &cur)))
        return rc;
    if (cur) {
        why->reason = TR_OPEN_ALREADY;
        why->other = cur;
        return ZB_EBUSY;
    }
    int64_t to = 0;
    if (!n->to || branch_resolve(n->to, &to, why->detail, sizeof why->detail)) {
        why->reason = TR_NO_TARGET;
        return ZB_EINVAL;
    }
    struct branch tb;
    if ((rc = branch_get(to, &tb)))
        return rc;
    if (tb.level == BRANCH_GROUP || tb.kind != BRANCH_KIND_PARTY) {
        why->reason = TR_NO_TARGET;
        snprintf(why->detail, sizeof why->detail,
                 "“%s”不接收党员，请写接收的党组织（支部、总支或党委）", tb.name);
        return ZB_EINVAL;
    }
    int64_t from = m.branch_id;
    struct transfer_route r;
    if ((rc = transfer_route(from, to, &r, why)))
        return rc;
    int validity = n->validity_days
                       ? n->validity_days
                       : (r.in_city ? cfg.validity_city_days : cfg.validity_outside_days);
    if (!n->validity_days && validity > cfg.validity_max_days)
        validity = cfg.validity_max_days;
    if (validity < 1 || validity > cfg.validity_max_days) {
        why->reason = TR_BAD_VALIDITY;
        return ZB_EINVAL;
    }
    const char *reason = n->reason ? n->reason : "";
    if (strlen(reason) > TRANSFER_REASON_MAX) {
        why->reason = TR_REASON_NEEDED;
        return ZB_ETOOBIG;
    }
    struct dues_status ds = {.paid_through = -1};
    if ((rc = dues_status(m.id, dues_month_of(now), &ds)) && rc != ZB_ENOTFOUND)
        return rc;
    sqlite3_stmt *st = store_stmt(sql_t_insert);
    if (!st)
        return ZB_EDB;
    sqlite3_bind_int64(st, 1, m.id);
    sqlite3_bind_int64(st, 2, from);
    sqlite3_bind_int64(st, 3, to);
    sqlite3_bind_text(st, 4, reason, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int(st, 5, ds.paid_through);
    sqlite3_bind_int(st, 6, ds.arrears_months);
    sqlite3_bind_int(st, 7, validity);
    sqlite3_bind_int64(st, 8, now);
    sqlite3_bind_text(st, 9, a->label, -1, SQLITE_TRANSIENT);
    if ((rc = store_exec_done(st)))
        return rc;
    *id = sqlite3_last_insert_rowid(store_db());
    for (size_t i = 0; i < r.n; i++) {
        if (!(st = store_stmt(sql_s_insert)))
            return ZB_EDB;
        sqlite3_bind_int64(st, 1, *id);
        sqlite3_bind_int(st, 2, (int)i + 1);
        sqlite3_bind_int64(st, 3, r.orgs[i]);
        if ((rc = store_exec_done(st)))
            return rc;
    }
    char detail[400], fn[BRANCH_NAME_MAX + 1], tn[BRANCH_NAME_MAX + 1];
    org_name(from, fn, sizeof fn);
    org_name(to, tn, sizeof tn);
    snprintf(detail, sizeof detail, "%s 从 %s 转往 %s，共 %zu 步%s", m.name, fn, tn, r.n,
             ds.arrears_months ? "，有欠交党费" : "");
    if ((rc = event(*id, a, "start", detail, now)))
        return rc;
    struct transfer *t = malloc(sizeof *t);
    if (!t)
        return ZB_EDB;
    rc = transfer_get(*id, t);
    if (!rc)
        rc = open_step(t, 0, now);
    free(t);
    return rc;
}

/* the open-or-returned step of t, -1 when none */
static int pending_step(const struct transfer *t)
{
    for (size_t i = 0; i < t->n_steps; i++)
        if (t->steps[i].state == SS_OPEN || t->steps[i].state == SS_RETURNED)
            return (int)i;
    return -1;
}

/* load_for - t = transfer id, checking the actor (the member, or a manager of the sender). */
static int load_for(const struct actor *a, int64_t id, struct transfer *t, bool manager_only,
                    struct transfer_why *why)
{
    int rc = transfer_get(id, t);
    if (rc)
        return rc;
    if (manager_only) {
        rc = role_can(a, &transfer_manage, t->from_org, &why->refusal);
        if (rc == ZB_EDENIED)
            why->reason = TR_DENIED;
        return rc;
    }
    return may_act(a, t->member_id, t->from_org, why);
}

int transfer_resubmit(const struct actor *a, int64_t id, int64_t now, struct transfer_why *why)
{
    assert(store_in_tx());
    struct transfer *t = malloc(sizeof *t);
    if (!t)
        return ZB_EDB;
    int rc = load_for(a, id, t, false, why);
    int i = rc ? -1 : pending_step(t);
    if (!rc && (t->status == TS_DONE || t->status == TS_CANCELLED)) {
        why->reason = TR_CLOSED;
        rc = ZB_EINVAL;
    } else if (!rc && (t->status != TS_RETURNED || i < 0)) {
        why->reason = TR_NOT_RETURNED;
        rc = ZB_EINVAL;
    }
    if (!rc)
        rc = set_status(id, TS_OPEN);
    if (!rc)
        rc = event(id, a, "resubmit", "", now);
    if (!rc)
        rc = open_step(t, (size_t)i, now);
    free(t);
    return rc;
}

/* issue - write the letter of t at now (a fresh number on a re-issue). */
static int issue(const struct transfer *t, const struct actor *a, int validity, int64_t now,
                 bool again)
{
    char no[TRANSFER_LETTER_MAX + 1];
    time_t tt = (time_t)now;
    struct tm tm;
    localtime_r(&tt, &tm);
    if (again && t->letter_no[0]) {
        int k = 1;
        const char *dash = strrchr(t->letter_no, '-');
        if (dash && dash > t->letter_no + 5 && strchr(t->letter_no, '-') != dash)
            k = (int)strtol(dash + 1, NULL, 10) + 1;
        snprintf(no, sizeof no, "%d-%05lld-%d", tm.tm_year + 1900, (long long)t->id, k < 2 ? 2 : k);
    } else
        snprintf(no, sizeof no, "%d-%05lld", tm.tm_year + 1900, (long long)t->id);
    sqlite3_stmt *st = store_stmt(sql_t_letter);
    if (!st)
        return ZB_EDB;
    sqlite3_bind_int64(st, 1, t->id);
    sqlite3_bind_text(st, 2, no, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 3, now);
    sqlite3_bind_int64(st, 4, now + (int64_t)validity * DAY);
    sqlite3_bind_int(st, 5, validity);
    int rc = store_exec_done(st);
    char d[96];
    snprintf(d, sizeof d, "介绍信 %s，有效期 %d 天", no, validity);
    return rc ? rc : event(t->id, a, again ? "reissue" : "issue", d, now);
}

int transfer_renew(const struct actor *a, int64_t id, int validity_days, int64_t now,
                   struct transfer_why *why)
{
    assert(store_in_tx());
    struct transfer *t = malloc(sizeof *t);
    if (!t)
        return ZB_EDB;
    int rc = load_for(a, id, t, true, why);
    if (!rc && (t->status == TS_DONE || t->status == TS_CANCELLED)) {
        why->reason = TR_CLOSED;
        rc = ZB_EINVAL;
    } else if (!rc && t->status == TS_OPEN && !t->expires_at) {
        why->reason = TR_NO_LETTER;
        rc = ZB_EINVAL;
    } else if (!rc && t->status != TS_EXPIRED &&
               !(t->status == TS_OPEN && t->expires_at &&
                 t->expires_at - now <= (int64_t)cfg.expiry_warn_days * DAY)) {
        why->reason = TR_NOT_EXPIRED;
        rc = ZB_EINVAL;
    }
    int v = validity_days ? validity_days : t->validity_days;
    if (!rc && (v < 1 || v > cfg.validity_max_days)) {
        why->reason = TR_BAD_VALIDITY;
        rc = ZB_EINVAL;
    }
    if (!rc)
        rc = issue(t, a, v, now, true);
    if (!rc)
        rc = set_status(id, TS_OPEN);
    free(t);
    return rc;
}

int transfer_cancel(const struct actor *a, int64_t id, const char *reason, int64_t now,
                    struct transfer_why *why)
{
    assert(store_in_tx());
    struct transfer *t = malloc(sizeof *t);
    if (!t)
        return ZB_EDB;
    int rc = load_for(a, id, t, true, why);
    if (!rc && (t->status == TS_DONE || t->status == TS_CANCELLED)) {
        why->reason = TR_CLOSED;
        rc = ZB_EINVAL;
    }
    if (!rc && (!reason || !*reason)) {
        why->reason = TR_REASON_NEEDED;
        rc = ZB_EINVAL;
    }
    /* the open step's decision is closed with the reason: it leaves every inbox, and 同意 on
     * it says it was handled */
    for (size_t i = 0; !rc && i < t->n_steps; i++) {
        if (t->steps[i].state != SS_OPEN)
            continue;
        char why_closed[TRANSFER_REASON_MAX + 32];
        snprintf(why_closed, sizeof why_closed, "转接已撤销：%s", reason);
        rc = todo_close(transfer_step_kind.id, t->steps[i].id, a, why_closed, now);
    }
    if (!rc)
        rc = set_status(id, TS_CANCELLED);
    if (!rc)
        rc = event(id, a, "cancel", reason, now);
    free(t);
    return rc;
}

/* ---- the decision kind ---- */

/* step_of - the transfer of step step_id into t and the step's index into *i. */
static int step_of(int64_t step_id, struct transfer *t, size_t *i)
{
    sqlite3_stmt *st = store_stmt(sql_s_by_id);
    if (!st)
        return ZB_EDB;
    sqlite3_bind_int64(st, 1, step_id);
    int rc = sqlite3_step(st);
    int64_t tid = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
    sqlite3_reset(st);
    if (rc != SQLITE_ROW)
        return rc == SQLITE_DONE ? ZB_ENOTFOUND : ZB_EDB;
    if ((rc = transfer_get(tid, t)))
        return rc;
    for (size_t k = 0; k < t->n_steps; k++)
        if (t->steps[k].id == step_id) {
            *i = k;
            return ZB_OK;
        }
    return ZB_ENOTFOUND;
}

static int step_summary(const struct decision *d, char *out, size_t outsz)
{
    struct transfer *t = malloc(sizeof *t);
    size_t i = 0;
    int rc = t ? step_of(d->object_id, t, &i) : ZB_EDB;
    if (!rc) {
        struct member m;
        char from[BRANCH_NAME_MAX + 1], to[BRANCH_NAME_MAX + 1];
        if ((rc = member_get(t->member_id, &m)) == ZB_OK) {
            org_name(t->from_org, from, sizeof from);
            org_name(t->to_org, to, sizeof to);
            char dues[64] = "";
            if (t->dues_arrears > 0)
                snprintf(dues, sizeof dues, "；注意：欠交党费 %d 个月", t->dues_arrears);
            snprintf(out, outsz, "%s 从%s转往%s（第 %d/%zu 步%s）%s", m.name, from, to,
                     t->steps[i].seq, t->n_steps, i + 1 == t->n_steps ? "，接收" : "", dues);
        }
    }
    free(t);
    return rc;
}

static int step_may(const struct actor *a, const struct decision *d)
{
    if (!actor_is_member(a) && a->kind != ACTOR_OPERATOR)
        return ZB_EDENIED;
    struct transfer *t = malloc(sizeof *t);
    size_t i = 0;
    int64_t org = 0;
    bool yes = false;
    int rc = t ? step_of(d->object_id, t, &i) : ZB_EDB;
    if (!rc && !actor_is_member(a) && t->status != TS_CANCELLED && t->status != TS_DONE) {
        free(t);
        return ZB_OK; /* the operator */
    }
    if (!rc && (t->status == TS_CANCELLED || t->status == TS_DONE))
        rc = ZB_EDENIED; /* nothing left to decide */
    if (!rc)
        rc = step_decider_org(t, &t->steps[i], &org);
    if (!rc)
        rc = is_lead(a->member_id, org, &yes);
    free(t);
    return rc ? rc : yes ? ZB_OK : ZB_EDENIED;
}

static int decide_step(int64_t step_id, const char *state, const struct actor *a,
                       const char *reason, int64_t now)
{
    sqlite3_stmt *st = store_stmt(sql_s_decide);
    if (!st)
        return ZB_EDB;
    sqlite3_bind_int64(st, 1, step_id);
    sqlite3_bind_text(st, 2, state, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, now);
    sqlite3_bind_text(st, 4, a->label, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 5, reason ? reason : "", -1, SQLITE_TRANSIENT);
    return store_exec_done(st);
}

/* complete - the receiver accepted: move the member, tell both sides. */
static int complete(const struct transfer *t, const struct actor *a, int64_t now)
{
    sqlite3_stmt *st = store_stmt(sql_t_done);
    if (!st)
        return ZB_EDB;
    sqlite3_bind_int64(st, 1, t->id);
    sqlite3_bind_int64(st, 2, now);
    int rc = store_exec_done(st);
    struct member m;
    struct branch to;
    if (!rc)
        rc = member_get(t->member_id, &m);
    if (!rc)
        rc = branch_get(t->to_org, &to);
    if (rc)
        return rc;
    char from[BRANCH_NAME_MAX + 1], text[600], key[NOTIFY_KEY_MAX];
    org_name(t->from_org, from, sizeof from);
    if (to.external)
        rc = member_remove(m.id, "转出", now);
    else {
        m.branch_id = t->to_org;
        m.group_id = 0;
        m.roles = 0;
        rc = member_update(&m, now);
    }
    char d[300];
    snprintf(d, sizeof d, "%s 已由 %s 接收%s", m.name, to.name,
             to.external ? "（转出系统外）" : "");
    if (!rc)
        rc = event(t->id, a, "receive", d, now);
    snprintf(text, sizeof text,
             "您的组织关系已由%s接收，转接完成。%s\n今后请在新的组织参加组织生活、交纳党费。",
             to.name, to.external ? "" : "原职务已随转出解除。");
    snprintf(key, sizeof key, "transfer:%lld:done", (long long)t->id);
    if (!rc)
        rc = tell(m.id, "transfer.done", NOTIFY_URGENT, key, "组织关系转接", "已接收", text);
    snprintf(text, sizeof text, "回执：%s 的组织关系已从%s转至%s（介绍信 %s），转出方责任结束。",
             m.name, from, to.name, t->letter_no[0] ? t->letter_no : "未开具");
    if (!rc)
        rc = tell_leads(t->from_org, "transfer.receipt", NOTIFY_ROUTINE, key, "已接收", text);
    if (!rc && !to.external)
        rc = tell_leads(t->to_org, "transfer.receipt", NOTIFY_ROUTINE, key, "已接收", text);
    return rc;
}

static int step_approve(const struct actor *a, const struct decision *d)
{
    struct transfer *t = malloc(sizeof *t);
    size_t i = 0;
    int64_t now = d->decided_at ? d->decided_at : clock_now();
    int rc = t ? step_of(d->object_id, t, &i) : ZB_EDB;
    if (!rc && (t->status != TS_OPEN || t->steps[i].state != SS_OPEN))
        rc = ZB_EINVAL; /* expired, returned or cancelled: nothing to approve now */
    if (!rc)
        rc = decide_step(t->steps[i].id, "approved", a, "", now);
    char org[BRANCH_NAME_MAX + 1], detail[200];
    org_name(t ? t->steps[i].org_id : 0, org, sizeof org);
    snprintf(detail, sizeof detail, "第 %zu 步 %s 同意", i + 1, org);
    if (!rc)
        rc = event(t->id, a, "approve", detail, now);
    struct branch b = {0};
    if (!rc)
        rc = branch_get(t->steps[i].org_id, &b);
    if (!rc && i == 0)
        rc = issue(t, a, t->validity_days, now, false);
    else if (!rc && b.kind == BRANCH_KIND_ORGDEPT && i + 1 < t->n_steps)
        rc = issue(t, a, t->validity_days, now, true); /* the 组织部 re-issues the letter */
    if (!rc) {
        t->steps[i].state = SS_APPROVED;
        if (i + 1 == t->n_steps)
            rc = complete(t, a, now);
        else {
            struct transfer *fresh = malloc(sizeof *fresh);
            rc = fresh ? transfer_get(t->id, fresh) : ZB_EDB;
            if (!rc)
                rc = open_step(fresh, i + 1, now);
            free(fresh);
        }
    }
    free(t);
    return rc;
}

static int step_return(const struct actor *a, const struct decision *d, const char *reason)
{
    struct transfer *t = malloc(sizeof *t);
    size_t i = 0;
    int64_t now = d->decided_at ? d->decided_at : clock_now();
    int rc = t ? step_of(d->object_id, t, &i) : ZB_EDB;
    if (!rc && (t->status == TS_DONE || t->status == TS_CANCELLED))
        rc = ZB_EINVAL;
    if (!rc)
        rc = decide_step(t->steps[i].id, "returned", a, reason, now);
    if (!rc)
        rc = set_status(t->id, TS_RETURNED);
    char org[BRANCH_NAME_MAX + 1], detail[TRANSFER_REASON_MAX + 200], key[NOTIFY_KEY_MAX];
    org_name(t ? t->steps[i].org_id : 0, org, sizeof org);
    snprintf(detail, sizeof detail, "第 %zu 步 %s 退回：%s", i + 1, org, reason);
    if (!rc)
        rc = event(t->id, a, "return", detail, now);
    char text[TRANSFER_REASON_MAX + 300];
    snprintf(text, sizeof text,
             "您的组织关系转接被%s退回。\n原因：%s\n请按原因改正后发送“转关系”重新提交。", org,
             reason);
    snprintf(key, sizeof key, "transfer:%lld:return:%lld", (long long)(t ? t->id : 0),
             (long long)d->id);
    if (!rc)
        rc = tell(t->member_id, "transfer.returned", NOTIFY_URGENT, key, "组织关系转接", "已退回",
                  text);
    free(t);
    return rc;
}

static const char *const step_approve_words[] = {"接收", NULL};

const struct decision_kind transfer_step_kind = {
    .id = "transfer_step",
    .label = "组织关系转接",
    .summary = step_summary,
    .may_decide = step_may,
    .on_approve = step_approve,
    .on_return = step_return,
    .approve_words = step_approve_words,
    .operator_may = true,
};

/* ---- the daily job ---- */

int transfer_remind(int64_t now, int *reminded, int *warned, int *expired)
{
    assert(store_in_tx());
    int nr = 0, nw = 0, ne = 0, rc = ZB_OK;
    int64_t idle = (int64_t)cfg.remind_after_days * DAY;
    struct {
        int64_t step, tid, org, opened;
        int seq;
    } *rows = calloc(1000, sizeof *rows);
    size_t k = 0;
    sqlite3_stmt *st = rows ? store_stmt(sql_open_steps) : NULL;
    if (!st) {
        free(rows);
        return ZB_EDB;
    }
    sqlite3_bind_int64(st, 1, now - idle);
    int r;
    while ((r = sqlite3_step(st)) == SQLITE_ROW && k < 1000) {
        rows[k].step = sqlite3_column_int64(st, 0);
        rows[k].tid = sqlite3_column_int64(st, 1);
        rows[k].seq = sqlite3_column_int(st, 2);
        rows[k].org = sqlite3_column_int64(st, 3);
        rows[k].opened = sqlite3_column_int64(st, 4);
        k++;
    }
    sqlite3_reset(st);
    if (r != SQLITE_DONE && r != SQLITE_ROW)
        rc = ZB_EDB;
    struct transfer *t = malloc(sizeof *t);
    if (!t)
        rc = ZB_EDB;
    for (size_t i = 0; !rc && i < k; i++) {
        if ((rc = transfer_get(rows[i].tid, t)))
            break;
        struct member m;
        if ((rc = member_get(t->member_id, &m)))
            break;
        int64_t org = rows[i].org;
        if ((rc = step_decider_org(t, &t->steps[rows[i].seq - 1], &org)))
            break;
        int days = (int)((now - rows[i].opened) / DAY);
        char text[400], key[NOTIFY_KEY_MAX];
        snprintf(text, sizeof text,
                 "提醒：%s 的组织关系转接在您处已等待 %d 天，请尽快处理（回复“待办”查看）。",
                 m.name, days);
        snprintf(key, sizeof key, "transfer:step:%lld:remind:%d", (long long)rows[i].step,
                 days / (cfg.remind_after_days ? cfg.remind_after_days : 1));
        if (!(rc = tell_leads(org, "transfer.remind", NOTIFY_ROUTINE, key, "待处理", text)))
            nr++;
    }
    /* letters: warn before expiry, mark past it */
    k = 0;
    if (!rc && !(st = store_stmt(sql_letters)))
        rc = ZB_EDB;
    if (!rc) {
        sqlite3_bind_int64(st, 1, now + (int64_t)cfg.expiry_warn_days * DAY + 1);
        while ((r = sqlite3_step(st)) == SQLITE_ROW && k < 1000)
            rows[k++].tid = sqlite3_column_int64(st, 0);
        sqlite3_reset(st);
        if (r != SQLITE_DONE && r != SQLITE_ROW)
            rc = ZB_EDB;
    }
    struct actor sys = actor_system();
    for (size_t i = 0; !rc && i < k; i++) {
        if ((rc = transfer_get(rows[i].tid, t)))
            break;
        struct member m;
        if ((rc = member_get(t->member_id, &m)))
            break;
        char text[400], key[NOTIFY_KEY_MAX];
        if (t->expires_at <= now) {
            rc = set_status(t->id, TS_EXPIRED);
            if (!rc)
                rc = event(t->id, &sys, "expire", t->letter_no, now);
            snprintf(text, sizeof text,
                     "%s 的组织关系介绍信（%s）已过有效期，需要支部出具证明并由本人申请，"
                     "重新开具介绍信后才能继续。",
                     m.name, t->letter_no);
            snprintf(key, sizeof key, "transfer:%lld:letter:%s:expired", (long long)t->id,
                     t->letter_no);
            if (!rc)
                rc = tell(m.id, "transfer.expired", NOTIFY_URGENT, key, "组织关系转接", "已过期",
                          text);
            if (!rc)
                rc =
                    tell_leads(t->from_org, "transfer.expired", NOTIFY_URGENT, key, "已过期", text);
            if (!rc)
                ne++;
        } else {
            snprintf(text, sizeof text,
                     "提醒：%s 的组织关系介绍信（%s）还有 %d 天到期，请尽快办完接转。", m.name,
                     t->letter_no, transfer_days_left(t, now));
            snprintf(key, sizeof key, "transfer:%lld:letter:%s:warn", (long long)t->id,
                     t->letter_no);
            rc = tell(m.id, "transfer.expiring", NOTIFY_ROUTINE, key, "组织关系转接", "将到期",
                      text);
            if (!rc)
                rc = tell_leads(t->from_org, "transfer.expiring", NOTIFY_ROUTINE, key, "将到期",
                                text);
            if (!rc)
                nw++;
        }
    }
    free(t);
    free(rows);
    if (reminded)
        *reminded = nr;
    if (warned)
        *warned = nw;
    if (expired)
        *expired = ne;
    return rc;
}

/* ---- the export ---- */

static void csv_field(FILE *f, const char *s, bool last)
{
    fputc('"', f);
    for (; *s; s++) {
        if (*s == '"')
            fputc('"', f);
        fputc(*s, f);
    }
    fputc('"', f);
    fputc(last ? '\n' : ',', f);
}

static void day_text(int64_t t, char *out, size_t outsz)
{
    if (!t) {
        snprintf(out, outsz, "%s", "");
        return;
    }
    time_t tt = (time_t)t;
    struct tm tm;
    localtime_r(&tt, &tm);
    strftime(out, outsz, "%Y-%m-%d", &tm);
}

int transfer_export_csv(int year, FILE *f)
{
    struct tm a = {.tm_year = year - 1900, .tm_mday = 1, .tm_isdst = -1};
    struct tm b = {.tm_year = year + 1 - 1900, .tm_mday = 1, .tm_isdst = -1};
    int64_t from = (int64_t)mktime(&a), to = (int64_t)mktime(&b);
    sqlite3_stmt *st = store_stmt(sql_year);
    if (!st)
        return ZB_EDB;
    sqlite3_bind_int64(st, 1, from);
    sqlite3_bind_int64(st, 2, to);
    int64_t *ids = calloc(TRANSFER_LIST_MAX * 10, sizeof *ids);
    size_t n = 0;
    int r;
    while (ids && (r = sqlite3_step(st)) == SQLITE_ROW && n < TRANSFER_LIST_MAX * 10)
        ids[n++] = sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    if (!ids)
        return ZB_EDB;
    fputs("编号,党员,转出组织,转入组织,介绍信编号,党费交至,有效期（天）,开具日期,接收日期,状态,"
          "原因,各步审批\n",
          f);
    struct transfer *t = malloc(sizeof *t);
    int rc = t ? ZB_OK : ZB_EDB;
    for (size_t i = 0; !rc && i < n; i++) {
        if ((rc = transfer_get(ids[i], t)))
            break;
        struct member m;
        if ((rc = member_get(t->member_id, &m)))
            break;
        char fp[BRANCH_PATH_MAX + 1], tp[BRANCH_PATH_MAX + 1], no[24], dues[8] = "", d1[16], d2[16];
        if ((rc = branch_path(t->from_org, fp, sizeof fp)) ||
            (rc = branch_path(t->to_org, tp, sizeof tp)))
            break;
        snprintf(no, sizeof no, "%lld", (long long)t->id);
        if (t->dues_paid_through >= 0)
            dues_month_text(t->dues_paid_through, dues, sizeof dues);
        char v[16];
        snprintf(v, sizeof v, "%d", t->validity_days);
        day_text(t->issued_at, d1, sizeof d1);
        day_text(t->received_at, d2, sizeof d2);
        struct buf steps;
        buf_init(&steps, 4096);
        for (size_t s = 0; !rc && s < t->n_steps; s++) {
            char on[BRANCH_NAME_MAX + 1], dd[16];
            org_name(t->steps[s].org_id, on, sizeof on);
            day_text(t->steps[s].decided_at, dd, sizeof dd);
            static const char *const cn[] = {"未开始", "办理中", "同意", "退回"};
            char who[MEMBER_NAME_MAX + 1];
            long long mid = 0;
            struct member dm;
            if (sscanf(t->steps[s].decided_by, "member:%lld", &mid) == 1 && !member_get(mid, &dm))
                snprintf(who, sizeof who, "%s", dm.name);
            else
                snprintf(who, sizeof who, "%s", t->steps[s].decided_by);
            rc = buf_appendf(&steps, "%s%s %s %s %s", s ? "；" : "", on, cn[t->steps[s].state], who,
                             dd);
        }
        csv_field(f, no, false);
        csv_field(f, m.name, false);
        csv_field(f, fp, false);
        csv_field(f, tp, false);
        csv_field(f, t->letter_no, false);
        csv_field(f, dues, false);
        csv_field(f, v, false);
        csv_field(f, d1, false);
        csv_field(f, d2, false);
        csv_field(f, transfer_status_text(t->status), false);
        csv_field(f, t->reason, false);
        csv_field(f, buf_str(&steps), true);
        buf_free(&steps);
    }
    free(t);
    free(ids);
    if (!rc && ferror(f))
        rc = ZB_EIO;
    return rc;
}

/* ---- a member transferred in from outside zhibu ---- */

static const char sql_t_received[] =
    "INSERT INTO transfers(member_id, from_org, to_org, status, reason, letter_no, "
    "dues_paid_through, validity_days, issued_at, created_at, received_at, created_by) "
    "VALUES(?1, ?2, ?3, 'done', '系统外转入', ?4, ?5, 0, ?6, ?7, ?7, ?8)";
static const char sql_s_received[] =
    "INSERT INTO transfer_steps(transfer_id, seq, org_id, state, opened_at, decided_at, "
    "decided_by) VALUES(?1, 1, ?2, 'approved', ?3, ?3, ?4)";

int transfer_letter_date(const char *s, int64_t *t)
{
    char iso[16];
    struct tm tm = {0};
    if (member_parse_date(s, iso, sizeof iso))
        return ZB_EINVAL;
    if (sscanf(iso, "%d-%d-%d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday) != 3)
        return ZB_EINVAL;
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    tm.tm_hour = 12;
    tm.tm_isdst = -1;
    time_t v = mktime(&tm);
    if (v == (time_t)-1)
        return ZB_EINVAL;
    *t = (int64_t)v;
    return ZB_OK;
}

static int bad_incoming(struct transfer_why *why, const char *field, const char *text)
{
    why->reason = TR_BAD_INCOMING;
    why->field = field;
    snprintf(why->detail, sizeof why->detail, "%s", text);
    return ZB_EINVAL;
}

/* sender_of - the external node named from, added when missing. */
static int sender_of(const char *from, int64_t now, int64_t *org, struct transfer_why *why)
{
    struct branch b;
    int rc = branch_resolve(from, org, why->detail, sizeof why->detail);
    if (rc == ZB_ENOTFOUND) {
        int created = 0;
        rc = branch_add(from, now, org, &created, why->detail, sizeof why->detail);
        /* every node the path made is outside zhibu: the leaf and the new ones above it */
        int64_t node = *org;
        for (int i = 0; !rc && i < created && node; i++) {
            struct branch nb;
            if (!(rc = branch_set_kind(node, BRANCH_KIND_PARTY, true)) &&
                !(rc = branch_get(node, &nb)))
                node = nb.parent_id;
        }
        if (!rc)
            return ZB_OK;
    }
    if (rc == ZB_EINVAL || rc == ZB_ETOOBIG) {
        why->reason = TR_BAD_FROM;
        why->field = "from";
        return ZB_EINVAL;
    }
    if (!rc)
        rc = branch_get(*org, &b);
    if (!rc && !b.external) {
        snprintf(why->detail, sizeof why->detail, "%s 在本系统内，请用发起转接", b.name);
        why->reason = TR_BAD_FROM;
        why->field = "from";
        return ZB_EINVAL;
    }
    return rc;
}

int transfer_receive(const struct actor *a, const struct transfer_incoming *in, int64_t now,
                     int64_t *id, int64_t *member, struct transfer_why *why)
{
    assert(store_in_tx());
    memset(why, 0, sizeof *why);
    *id = *member = 0;
    int64_t to = 0, from = 0;
    struct branch tb;
    if (!in->name || !in->name[0] || strlen(in->name) > MEMBER_NAME_MAX)
        return bad_incoming(why, "name", "请写姓名（不超过 20 个字）");
    if (!in->letter || !in->letter[0] || strlen(in->letter) > TRANSFER_LETTER_MAX)
        return bad_incoming(why, "letter", "请写介绍信编号（不超过 32 个字母或数字）");
    int rc = branch_resolve(in->to ? in->to : "", &to, why->detail, sizeof why->detail);
    if (rc == ZB_EDB)
        return rc;
    if (!rc && !(rc = branch_get(to, &tb)) && tb.external)
        rc = ZB_EINVAL;
    if (rc) {
        why->reason = TR_NO_TARGET;
        return ZB_EINVAL;
    }
    if ((rc = role_can(a, &transfer_manage, to, &why->refusal))) {
        if (rc == ZB_EDENIED)
            why->reason = TR_DENIED;
        return rc;
    }
    char phone[MEMBER_PHONE_MAX + 1] = "";
    if (in->phone && in->phone[0] && member_parse_phone(in->phone, phone, sizeof phone))
        return bad_incoming(why, "phone", "手机号不对，请写 11 位手机号");
    struct member m;
    member_init(&m);
    if (phone[0]) {
        int64_t found = 0;
        rc = member_find_phone(phone, &found);
        if (!rc && !(rc = member_get(found, &m)) && !m.left_at) {
            why->reason = TR_DUPLICATE;
            why->field = "phone";
            why->other = found;
            return ZB_EBUSY;
        }
        if (rc && rc != ZB_ENOTFOUND)
            return rc;
        if (rc == ZB_ENOTFOUND)
            member_init(&m);
    }
    if ((rc = sender_of(in->from ? in->from : "", now, &from, why)))
        return rc;
    snprintf(m.name, sizeof m.name, "%s", in->name);
    snprintf(m.phone, sizeof m.phone, "%s", phone);
    m.branch_id = to;
    m.group_id = 0;
    m.roles = 0;
    m.left_at = 0;
    bool restored = m.id != 0;
    if (restored && ((rc = member_restore(m.id, now)) || (rc = member_code_renew(m.id))))
        return rc;
    rc = restored ? member_update(&m, now) : member_insert(&m, now);
    if (rc == ZB_EBUSY) {
        why->reason = TR_DUPLICATE;
        why->field = "phone";
        return rc;
    }
    if (rc)
        return rc;
    *member = m.id;
    int64_t issued = in->issued_at ? in->issued_at : now;
    sqlite3_stmt *st = store_stmt(sql_t_received);
    if (!st)
        return ZB_EDB;
    sqlite3_bind_int64(st, 1, m.id);
    sqlite3_bind_int64(st, 2, from);
    sqlite3_bind_int64(st, 3, to);
    sqlite3_bind_text(st, 4, in->letter, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int(st, 5, in->dues_paid_to);
    sqlite3_bind_int64(st, 6, issued);
    sqlite3_bind_int64(st, 7, now);
    sqlite3_bind_text(st, 8, a->label, -1, SQLITE_TRANSIENT);
    if ((rc = store_exec_done(st)))
        return rc;
    *id = sqlite3_last_insert_rowid(store_db());
    if (!(st = store_stmt(sql_s_received)))
        return ZB_EDB;
    sqlite3_bind_int64(st, 1, *id);
    sqlite3_bind_int64(st, 2, to); /* the one step: the receiving side took the letter */
    sqlite3_bind_int64(st, 3, now);
    sqlite3_bind_text(st, 4, a->label, -1, SQLITE_TRANSIENT);
    if ((rc = store_exec_done(st)))
        return rc;
    struct branch fb;
    if ((rc = branch_get(from, &fb)))
        return rc;
    char month[16] = "不详", date[16];
    char d[MEMBER_NAME_MAX + 2 * BRANCH_NAME_MAX + TRANSFER_LETTER_MAX + 160];
    if (in->dues_paid_to >= 0)
        dues_month_text(in->dues_paid_to, month, sizeof month);
    time_t tt = (time_t)issued;
    struct tm tm;
    localtime_r(&tt, &tm);
    strftime(date, sizeof date, "%Y-%m-%d", &tm);
    snprintf(d, sizeof d, "%s 由系统外 %s 转入 %s，介绍信 %s，开具 %s，党费交至 %s%s", m.name,
             fb.name, tb.name, in->letter, date, month, restored ? "（恢复原档案）" : "");
    return event(*id, a, "receive_in", d, now);
}
