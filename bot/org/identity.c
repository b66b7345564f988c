/* identity.c - the identities table (see identity.h). */
#include "bot/org/identity.h"

#include <assert.h>
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>

#include "bot/store/store.h"

#define TOUCH_GRAIN_S 60 /* last_seen is kept to this precision */

static const char sql_touch[] =
    "INSERT INTO identities(platform, account, ext_id, first_seen, last_seen) "
    "VALUES(?1,?2,?3,?4,?4) ON CONFLICT(platform, account, ext_id) DO UPDATE SET "
    "last_seen=excluded.last_seen RETURNING coalesce(member_id, 0)";
static const char sql_seen[] = "SELECT coalesce(member_id, 0), last_seen FROM identities "
                               "WHERE platform=?1 AND account=?2 AND ext_id=?3";
static const char sql_owner[] =
    "SELECT coalesce(member_id, 0) FROM identities WHERE platform=?1 AND account=?2 AND ext_id=?3";
static const char sql_bind[] =
    "INSERT INTO identities(platform, account, ext_id, member_id, first_seen, last_seen, "
    "bound_at) VALUES(?1,?2,?3,nullif(?4,0),?5,?5,?5) ON CONFLICT(platform, account, ext_id) "
    "DO UPDATE SET member_id=nullif(?4,0), bound_at=?5";
static const char sql_list[] =
    "SELECT id, platform, account, ext_id, coalesce(member_id, 0), last_seen FROM identities "
    "WHERE member_id=?1 ORDER BY last_seen DESC, id LIMIT ?2";

static const char sql_lookup[] =
    "SELECT id, platform, account, ext_id, coalesce(member_id, 0), last_seen FROM identities "
    "WHERE platform=?1 AND ext_id=?2 ORDER BY id LIMIT ?3";
static const char sql_accounts[] =
    "SELECT DISTINCT account FROM identities WHERE platform=?1 ORDER BY account LIMIT 2";

static void bind_triple(sqlite3_stmt *st, const char *platform, const char *account,
                        const char *ext_id)
{
    sqlite3_bind_text(st, 1, platform, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, account ? account : "", -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, ext_id, -1, SQLITE_STATIC);
}

int identity_touch(const char *platform, const char *account, const char *ext_id, int64_t now,
                   int64_t *member_id)
{
    assert(store_in_tx());
    /* Most events come from someone seen a moment ago: read, and write only when last_seen is
     * more than TOUCH_GRAIN_S old, so the common case adds no page to the transaction. */
    sqlite3_stmt *st = store_stmt(sql_seen);
    if (!st)
        return ZB_EDB;
    bind_triple(st, platform, account, ext_id);
    if (sqlite3_step(st) == SQLITE_ROW && now - sqlite3_column_int64(st, 1) < TOUCH_GRAIN_S) {
        if (member_id)
            *member_id = sqlite3_column_int64(st, 0);
        sqlite3_reset(st);
        return ZB_OK;
    }
    sqlite3_reset(st);
    st = store_stmt(sql_touch);
    if (!st)
        return ZB_EDB;
    bind_triple(st, platform, account, ext_id);
    sqlite3_bind_int64(st, 4, now);
    int rc = sqlite3_step(st);
    int64_t m = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
    if (rc == SQLITE_ROW)
        rc = sqlite3_step(st);
    sqlite3_reset(st);
    if (rc != SQLITE_DONE)
        return ZB_EDB;
    if (member_id)
        *member_id = m;
    return ZB_OK;
}

int identity_bind(const char *platform, const char *account, const char *ext_id, int64_t member_id,
                  int64_t now)
{
    assert(store_in_tx());
    sqlite3_stmt *st = store_stmt(sql_owner);
    if (!st)
        return ZB_EDB;
    bind_triple(st, platform, account, ext_id);
    int rc = sqlite3_step(st);
    int64_t owner = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
    sqlite3_reset(st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return ZB_EDB;
    if (member_id && owner && owner != member_id)
        return ZB_EBUSY;
    st = store_stmt(sql_bind);
    if (!st)
        return ZB_EDB;
    bind_triple(st, platform, account, ext_id);
    sqlite3_bind_int64(st, 4, member_id);
    sqlite3_bind_int64(st, 5, now);
    return store_exec_done(st);
}

static void copy(char *dst, size_t n, const char *src)
{
    snprintf(dst, n, "%s", src);
}

/* read_rows - step st (bound already) into out, up to max. */
static int read_rows(sqlite3_stmt *st, struct identity *out, size_t max, size_t *n)
{
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW && *n < max) {
        struct identity *i = &out[(*n)++];
        i->id = sqlite3_column_int64(st, 0);
        copy(i->platform, sizeof i->platform, store_text(st, 1));
        copy(i->account, sizeof i->account, store_text(st, 2));
        copy(i->ext_id, sizeof i->ext_id, store_text(st, 3));
        i->member_id = sqlite3_column_int64(st, 4);
        i->last_seen = sqlite3_column_int64(st, 5);
    }
    sqlite3_reset(st);
    return rc == SQLITE_DONE || rc == SQLITE_ROW ? ZB_OK : ZB_EDB;
}

int identity_list(int64_t member_id, struct identity *out, size_t max, size_t *n)
{
    *n = 0;
    sqlite3_stmt *st = store_stmt(sql_list);
    if (!st)
        return ZB_EDB;
    sqlite3_bind_int64(st, 1, member_id);
    sqlite3_bind_int64(st, 2, (sqlite3_int64)max);
    return read_rows(st, out, max, n);
}

int identity_lookup(const char *platform, const char *ext_id, struct identity *out, size_t max,
                    size_t *n)
{
    *n = 0;
    sqlite3_stmt *st = store_stmt(sql_lookup);
    if (!st)
        return ZB_EDB;
    sqlite3_bind_text(st, 1, platform, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, ext_id, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, (sqlite3_int64)max);
    return read_rows(st, out, max, n);
}

int identity_accounts(const char *platform, char *out, size_t outsz, int *count)
{
    *count = 0;
    out[0] = '\0';
    sqlite3_stmt *st = store_stmt(sql_accounts);
    if (!st)
        return ZB_EDB;
    sqlite3_bind_text(st, 1, platform, -1, SQLITE_STATIC);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (*count == 0)
            copy(out, outsz, store_text(st, 0));
        (*count)++;
    }
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? ZB_OK : ZB_EDB;
}

int identity_owner(const char *platform, const char *account, const char *ext_id,
                   int64_t *member_id)
{
    *member_id = 0;
    sqlite3_stmt *st = store_stmt(sql_owner);
    if (!st)
        return ZB_EDB;
    bind_triple(st, platform, account, ext_id);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        *member_id = sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? ZB_OK : ZB_EDB;
}
