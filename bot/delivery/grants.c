/*
 * grants.c - the mini-program's subscription grants (see grants.h). Owns wxmini_grants.
 */
#include "bot/delivery/grants.h"

#include <assert.h>
#include <sqlite3.h>
#include <string.h>

#include "bot/base/clock.h"
#include "bot/org/identity.h"
#include "bot/store/store.h"

#define MAX_IDENTITIES 16

static const char *const steps[] = {
    "CREATE TABLE wxmini_grants ("
    "  openid TEXT NOT NULL,"      /* the mini-program user */
    "  template_id TEXT NOT NULL," /* the subscribe-message template accepted */
    "  count INTEGER NOT NULL,"    /* sends left */
    "  created_at INTEGER NOT NULL,"
    "  updated_at INTEGER NOT NULL,"
    "  PRIMARY KEY(openid, template_id)"
    ") WITHOUT ROWID;",
};

const struct migration_set grants_migrations = {"grants", steps, sizeof steps / sizeof steps[0]};

static const char sql_rows[] = "SELECT count(*) FROM wxmini_grants WHERE openid=?1";
static const char sql_has[] = "SELECT 1 FROM wxmini_grants WHERE openid=?1 AND template_id=?2";
static const char sql_add[] =
    "INSERT INTO wxmini_grants(openid, template_id, count, created_at, updated_at) "
    "VALUES(?1, ?2, 1, ?3, ?3) ON CONFLICT(openid, template_id) DO UPDATE SET "
    "count=min(count + 1, ?4), updated_at=?3";
static const char sql_left[] = "SELECT count FROM wxmini_grants WHERE openid=?1 AND template_id=?2";
static const char sql_use[] = "UPDATE wxmini_grants SET count=count - 1, updated_at=?3 "
                              "WHERE openid=?1 AND template_id=?2 AND count > 0";
static const char sql_drop[] =
    "UPDATE wxmini_grants SET count=0, updated_at=?3 WHERE openid=?1 AND template_id=?2";

bool grants_id_ok(const char *id)
{
    size_t n = id ? strlen(id) : 0;
    if (n == 0 || n > GRANTS_ID_MAX)
        return false;
    for (; *id; id++) {
        char c = *id;
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '_' || c == '-'))
            return false;
    }
    return true;
}

static bool openid_ok(const char *s)
{
    size_t n = s ? strlen(s) : 0;
    if (n == 0 || n > GRANTS_OPENID_MAX)
        return false;
    for (; *s; s++)
        if ((unsigned char)*s <= ' ' || (unsigned char)*s >= 0x7f)
            return false;
    return true;
}

/* one_int - step st (bound) for one integer; *found whether there was a row. */
static int one_int(sqlite3_stmt *st, int64_t *v, bool *found)
{
    if (!st)
        return ZB_EDB;
    int rc = sqlite3_step(st);
    *found = rc == SQLITE_ROW;
    *v = *found ? sqlite3_column_int64(st, 0) : 0;
    sqlite3_reset(st);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? ZB_OK : ZB_EDB;
}

/* pair - the statement sql with openid and template_id bound as 1 and 2 (and now as 3). */
static sqlite3_stmt *pair(const char *sql, const char *openid, const char *template_id)
{
    sqlite3_stmt *st = store_stmt(sql);
    if (st) {
        sqlite3_bind_text(st, 1, openid, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, template_id, -1, SQLITE_STATIC);
        if (sqlite3_bind_parameter_count(st) >= 3)
            sqlite3_bind_int64(st, 3, clock_now());
    }
    return st;
}

int grants_add_openid(const char *openid, const char *const *ids, size_t n, int *added)
{
    assert(store_in_tx());
    if (added)
        *added = 0;
    if (!openid_ok(openid) || !ids || n == 0)
        return ZB_EINVAL;
    if (n > GRANTS_IDS_MAX)
        return ZB_ETOOBIG;
    for (size_t i = 0; i < n; i++)
        if (!grants_id_ok(ids[i]))
            return ZB_EINVAL;
    for (size_t i = 0; i < n; i++) {
        int64_t v = 0;
        bool found = false;
        int rc = one_int(pair(sql_has, openid, ids[i]), &v, &found);
        if (rc)
            return rc;
        if (!found) {
            sqlite3_stmt *st = store_stmt(sql_rows);
            if (st)
                sqlite3_bind_text(st, 1, openid, -1, SQLITE_STATIC);
            if ((rc = one_int(st, &v, &found)))
                return rc;
            if (v >= GRANTS_ROWS_MAX)
                return ZB_ETOOBIG;
        }
        sqlite3_stmt *st = pair(sql_add, openid, ids[i]);
        if (!st)
            return ZB_EDB;
        sqlite3_bind_int(st, 4, GRANTS_COUNT_MAX);
        if ((rc = store_exec_done(st)))
            return rc;
        if (added)
            (*added)++;
    }
    return ZB_OK;
}

int grants_add(const struct actor *a, const char *const *ids, size_t n, int *added)
{
    if (added)
        *added = 0;
    if (!a || !actor_is_member(a))
        return ZB_EDENIED;
    struct identity idv[MAX_IDENTITIES];
    size_t count = 0;
    int rc = identity_list(a->member_id, idv, MAX_IDENTITIES, &count);
    if (rc)
        return rc;
    for (size_t i = 0; i < count; i++) /* most recently seen first */
        if (strcmp(idv[i].platform, "wxmini") == 0)
            return grants_add_openid(idv[i].ext_id, ids, n, added);
    return ZB_ENOTFOUND;
}

int grants_left(const char *openid, const char *template_id, int *n)
{
    int64_t v = 0;
    bool found = false;
    *n = 0;
    int rc = one_int(pair(sql_left, openid, template_id), &v, &found);
    if (rc == ZB_OK)
        *n = v > 0 ? (int)v : 0;
    return rc;
}

int grants_use(const char *openid, const char *template_id)
{
    sqlite3_stmt *st = pair(sql_use, openid, template_id);
    return st ? store_exec_done(st) : ZB_EDB;
}

int grants_drop(const char *openid, const char *template_id)
{
    sqlite3_stmt *st = pair(sql_drop, openid, template_id);
    return st ? store_exec_done(st) : ZB_EDB;
}
