/*
 * todo.c - the inbox of decisions (see todo.h): the kind registry, the decisions table and its
 * SQL, and the rules of who may decide.
 */
#include "handlers/todo/todo.h"

#include <assert.h>
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>

#include "bot/org/audit.h"
#include "bot/store/store.h"

static const char *const todo_steps[] = {
    /* 1: one row per decision; one id space for every kind. */
    "CREATE TABLE decisions ("
    "  id INTEGER PRIMARY KEY,"
    "  kind TEXT NOT NULL,"         /* the registered kind's id */
    "  object_id INTEGER NOT NULL," /* the kind's object */
    "  org_id INTEGER,"             /* branches(id), NULL when none */
    "  author_id INTEGER,"          /* members(id) who asked, NULL when none */
    "  assignee_id INTEGER,"        /* members(id) who must decide, NULL: whoever may */
    "  state TEXT NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'approved', 'returned')),"
    "  opened_at INTEGER NOT NULL,"
    "  decided_at INTEGER,"
    "  decider_id INTEGER," /* members(id) who decided, NULL for the operator */
    "  decided_by TEXT,"    /* the decider's audit label */
    "  reason TEXT"         /* why it was returned */
    ");"
    "CREATE UNIQUE INDEX decisions_open_object ON decisions(kind, object_id) WHERE state = 'open';"
    "CREATE INDEX decisions_open ON decisions(id) WHERE state = 'open';",
};

const struct migration_set todo_migrations = {"todo", todo_steps,
                                              sizeof todo_steps / sizeof todo_steps[0]};

#define COLS                                                                                       \
    "id, kind, object_id, coalesce(org_id, 0), coalesce(author_id, 0), coalesce(assignee_id, 0), " \
    "state, opened_at, coalesce(decided_at, 0), coalesce(decider_id, 0), coalesce(decided_by, "    \
    "''), "                                                                                        \
    "coalesce(reason, '')"

static const char sql_find_open[] =
    "SELECT id FROM decisions WHERE kind=?1 AND object_id=?2 AND state='open'";
static const char sql_insert[] =
    "INSERT INTO decisions(kind, object_id, org_id, author_id, assignee_id, opened_at) "
    "VALUES(?1, ?2, nullif(?3, 0), nullif(?4, 0), nullif(?5, 0), ?6)";
static const char sql_get[] = "SELECT " COLS " FROM decisions WHERE id=?1";
static const char sql_open[] =
    "SELECT " COLS " FROM decisions WHERE state='open' ORDER BY id LIMIT ?1";
static const char sql_decide[] =
    "UPDATE decisions SET state=?2, decided_at=?3, decider_id=nullif(?4, 0), decided_by=?5, "
    "reason=nullif(?6, '') WHERE id=?1 AND state='open'";

static const struct decision_kind *kinds[TODO_KINDS_MAX];
static size_t n_kinds;

static const char *const state_ids[] = {"open", "approved", "returned"};

const char *todo_state_id(enum todo_state s)
{
    return (unsigned)s < 3 ? state_ids[s] : "?";
}

static int state_parse(const char *s)
{
    for (int i = 0; i < 3; i++)
        if (strcmp(s, state_ids[i]) == 0)
            return i;
    return -1;
}

static size_t count_words(const char *const *w)
{
    size_t n = 0;
    while (w && w[n])
        n++;
    return n;
}

/* word_known - whether w is an alias word of a registered kind already. */
static bool word_known(const char *w)
{
    for (size_t i = 0; i < n_kinds; i++) {
        const char *const *lists[2] = {kinds[i]->approve_words, kinds[i]->list_words};
        for (int l = 0; l < 2; l++)
            for (size_t j = 0; lists[l] && lists[l][j]; j++)
                if (strcmp(lists[l][j], w) == 0)
                    return true;
    }
    return false;
}

int todo_register(const struct decision_kind *k)
{
    if (!k || !k->id || !*k->id || !k->label || !*k->label || todo_kind(k->id))
        return ZB_EINVAL;
    if (n_kinds == TODO_KINDS_MAX)
        return ZB_ETOOBIG;
    size_t aliases = count_words(k->approve_words) + count_words(k->list_words);
    for (size_t i = 0; i < n_kinds; i++)
        aliases += count_words(kinds[i]->approve_words) + count_words(kinds[i]->list_words);
    if (aliases > TODO_ALIASES_MAX)
        return ZB_ETOOBIG;
    const char *const *lists[2] = {k->approve_words, k->list_words};
    for (int l = 0; l < 2; l++)
        for (size_t j = 0; lists[l] && lists[l][j]; j++) {
            if (!*lists[l][j] || word_known(lists[l][j]))
                return ZB_EINVAL;
            /* the same word twice within this kind */
            for (int m = 0; m <= l; m++)
                for (size_t i = 0; lists[m] && lists[m][i] && (m < l || i < j); i++)
                    if (strcmp(lists[m][i], lists[l][j]) == 0)
                        return ZB_EINVAL;
        }
    kinds[n_kinds++] = k;
    return ZB_OK;
}

void todo_reset(void)
{
    n_kinds = 0;
}

const struct decision_kind *todo_kind(const char *id)
{
    for (size_t i = 0; id && i < n_kinds; i++)
        if (strcmp(kinds[i]->id, id) == 0)
            return kinds[i];
    return NULL;
}

const struct decision_kind *todo_kind_at(size_t i)
{
    return i < n_kinds ? kinds[i] : NULL;
}

int todo_open(const struct todo_new *n, int64_t now, int64_t *id)
{
    assert(store_in_tx());
    const struct decision_kind *k = todo_kind(n->kind);
    if (!k || n->object_id <= 0)
        return ZB_EINVAL;
    sqlite3_stmt *st = store_stmt(sql_find_open);
    if (!st)
        return ZB_EDB;
    sqlite3_bind_text(st, 1, k->id, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, n->object_id);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        *id = sqlite3_column_int64(st, 0);
        sqlite3_reset(st);
        return ZB_OK;
    }
    sqlite3_reset(st);
    if (rc != SQLITE_DONE)
        return ZB_EDB;
    if (!(st = store_stmt(sql_insert)))
        return ZB_EDB;
    sqlite3_bind_text(st, 1, k->id, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, n->object_id);
    sqlite3_bind_int64(st, 3, n->org_id);
    sqlite3_bind_int64(st, 4, n->author_id);
    sqlite3_bind_int64(st, 5, n->assignee_id);
    sqlite3_bind_int64(st, 6, now);
    if (store_exec_done(st))
        return ZB_EDB;
    *id = sqlite3_last_insert_rowid(store_db());
    return ZB_OK;
}

/* row - the decision at st's current row into d; ZB_ENOTFOUND when its kind is unknown. */
static int row(sqlite3_stmt *st, struct decision *d)
{
    memset(d, 0, sizeof *d);
    d->id = sqlite3_column_int64(st, 0);
    d->kind = todo_kind(store_text(st, 1));
    d->object_id = sqlite3_column_int64(st, 2);
    d->org_id = sqlite3_column_int64(st, 3);
    d->author_id = sqlite3_column_int64(st, 4);
    d->assignee_id = sqlite3_column_int64(st, 5);
    int s = state_parse(store_text(st, 6));
    d->state = s < 0 ? TODO_OPEN : (enum todo_state)s;
    d->opened_at = sqlite3_column_int64(st, 7);
    d->decided_at = sqlite3_column_int64(st, 8);
    d->decider_id = sqlite3_column_int64(st, 9);
    snprintf(d->decided_by, sizeof d->decided_by, "%s", store_text(st, 10));
    snprintf(d->reason, sizeof d->reason, "%s", store_text(st, 11));
    return d->kind ? ZB_OK : ZB_ENOTFOUND;
}

int todo_get(int64_t id, struct decision *out)
{
    sqlite3_stmt *st = store_stmt(sql_get);
    if (!st)
        return ZB_EDB;
    sqlite3_bind_int64(st, 1, id);
    int step = sqlite3_step(st);
    int rc = step == SQLITE_ROW ? row(st, out) : step == SQLITE_DONE ? ZB_ENOTFOUND : ZB_EDB;
    sqlite3_reset(st);
    return rc;
}

int todo_may(const struct actor *a, const struct decision *d)
{
    const struct decision_kind *k = d->kind;
    if (!k)
        return ZB_EDENIED;
    if (a->kind == ACTOR_SYSTEM)
        return ZB_EDENIED; /* a job never decides for a person */
    if (a->kind == ACTOR_OPERATOR && !k->operator_may)
        return ZB_EDENIED;
    if (a->kind == ACTOR_MEMBER && !actor_is_member(a))
        return ZB_EDENIED;
    if (d->assignee_id && !(actor_is_member(a) && a->member_id == d->assignee_id))
        return ZB_EDENIED;
    if (k->two_person && d->author_id) {
        struct actor author = actor_member(d->author_id, "");
        if (actor_same_person(&author, a))
            return ZB_EDENIED;
    }
    if (k->may_decide)
        return k->may_decide(a, d) == ZB_OK ? ZB_OK : ZB_EDENIED;
    return ZB_OK;
}

int todo_list(const struct actor *a, struct todo_item *out, size_t max, size_t *n, size_t *total)
{
    size_t got = 0, all = 0;
    int rc = ZB_OK;
    sqlite3_stmt *st = store_stmt(sql_open);
    if (!st)
        return ZB_EDB;
    sqlite3_bind_int(st, 1, TODO_SCAN_MAX);
    int step;
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        struct decision d;
        if (row(st, &d) != ZB_OK || todo_may(a, &d) != ZB_OK)
            continue;
        all++;
        if (got == max)
            continue;
        out[got].d = d;
        out[got].summary[0] = '\0';
        if (d.kind->summary &&
            d.kind->summary(&out[got].d, out[got].summary, sizeof out[got].summary))
            out[got].summary[0] = '\0';
        got++;
    }
    if (step != SQLITE_DONE)
        rc = ZB_EDB;
    sqlite3_reset(st);
    *n = got;
    if (total)
        *total = all;
    return rc;
}

/* reason_len - the length of reason without surrounding ASCII spaces; *start its first byte. */
static size_t reason_len(const char *reason, const char **start)
{
    const char *s = reason ? reason : "";
    while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
        s++;
    size_t len = strlen(s);
    while (len &&
           (s[len - 1] == ' ' || s[len - 1] == '\t' || s[len - 1] == '\n' || s[len - 1] == '\r'))
        len--;
    *start = s;
    return len;
}

int todo_decide(const struct actor *a, int64_t id, enum todo_verdict v, const char *reason,
                int64_t now, struct decision *out)
{
    assert(store_in_tx());
    struct decision d;
    char why[TODO_REASON_MAX + 1] = "";
    int rc = todo_get(id, &d);
    if (rc)
        return rc;
    if (out)
        *out = d;
    if (d.state != TODO_OPEN)
        return ZB_EDONE;
    if ((rc = todo_may(a, &d)))
        return rc;
    if (v == TODO_RETURN) {
        const char *s;
        size_t len = reason_len(reason, &s);
        if (len == 0)
            return ZB_EINVAL;
        if (len > TODO_REASON_MAX)
            return ZB_ETOOBIG;
        memcpy(why, s, len);
        why[len] = '\0';
    }
    d.state = v == TODO_APPROVE ? TODO_APPROVED : TODO_RETURNED;
    d.decided_at = now;
    d.decider_id = actor_is_member(a) ? a->member_id : 0;
    snprintf(d.decided_by, sizeof d.decided_by, "%s", a->label);
    snprintf(d.reason, sizeof d.reason, "%s", why);
    if (v == TODO_APPROVE && d.kind->on_approve)
        rc = d.kind->on_approve(a, &d);
    else if (v == TODO_RETURN && d.kind->on_return)
        rc = d.kind->on_return(a, &d, why);
    if (rc)
        return rc;
    sqlite3_stmt *st = store_stmt(sql_decide);
    if (!st)
        return ZB_EDB;
    sqlite3_bind_int64(st, 1, d.id);
    sqlite3_bind_text(st, 2, todo_state_id(d.state), -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, now);
    sqlite3_bind_int64(st, 4, d.decider_id);
    sqlite3_bind_text(st, 5, d.decided_by, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 6, why, -1, SQLITE_STATIC);
    if (store_exec_done(st) || sqlite3_changes(store_db()) != 1)
        return ZB_EDB;
    char target[48], detail[TODO_REASON_MAX + 160];
    snprintf(target, sizeof target, "decision:%lld", (long long)d.id);
    if (v == TODO_APPROVE)
        snprintf(detail, sizeof detail, "%s #%lld：同意", d.kind->label, (long long)d.id);
    else
        snprintf(detail, sizeof detail, "%s #%lld：退回，原因：%s", d.kind->label, (long long)d.id,
                 why);
    rc = audit_write(a->label, v == TODO_APPROVE ? "approve" : "return", target, detail,
                     a->channel ? a->channel : "cli", now);
    if (rc)
        return rc;
    if (out)
        *out = d;
    return ZB_OK;
}

int todo_close(const char *kind_id, int64_t object_id, const struct actor *a, const char *reason,
               int64_t now)
{
    assert(store_in_tx());
    sqlite3_stmt *st = store_stmt(sql_find_open);
    if (!st)
        return ZB_EDB;
    sqlite3_bind_text(st, 1, kind_id, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, object_id);
    int rc = sqlite3_step(st);
    int64_t id = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
    sqlite3_reset(st);
    if (rc != SQLITE_ROW)
        return rc == SQLITE_DONE ? ZB_OK : ZB_EDB;
    if (!(st = store_stmt(sql_decide)))
        return ZB_EDB;
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_text(st, 2, todo_state_id(TODO_RETURNED), -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, now);
    sqlite3_bind_int64(st, 4, actor_is_member(a) ? a->member_id : 0);
    sqlite3_bind_text(st, 5, a->label, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 6, reason ? reason : "", -1, SQLITE_STATIC);
    if (store_exec_done(st) || sqlite3_changes(store_db()) != 1)
        return ZB_EDB;
    char target[48];
    snprintf(target, sizeof target, "decision:%lld", (long long)id);
    return audit_write(a->label, "withdraw", target, reason ? reason : "",
                       a->channel ? a->channel : "cli", now);
}
