/*
 * session.c - the sessions and pages tables (see session.h). Expired rows are ignored when read
 * and replaced when written, so no sweeper is needed for correctness.
 */
#include "bot/chat/session.h"

#include <assert.h>
#include <sqlite3.h>
#include <stdlib.h>

#include "bot/store/store.h"
#include "bot/base/xmalloc.h"

static const char sql_get[] = "SELECT handler, state FROM sessions WHERE platform=?1 AND "
                              "user_id=?2 AND group_id=?3 AND expires_at>?4";
static const char sql_set[] =
    "INSERT INTO sessions(platform, user_id, group_id, handler, state, expires_at) "
    "VALUES(?1,?2,?3,?4,?5,?6) ON CONFLICT(platform, user_id, group_id) DO UPDATE SET "
    "handler=excluded.handler, state=excluded.state, expires_at=excluded.expires_at";
static const char sql_clear[] =
    "DELETE FROM sessions WHERE platform=?1 AND user_id=?2 AND group_id=?3";
static const char sql_pages_get[] = "SELECT rest FROM pages WHERE platform=?1 AND user_id=?2 AND "
                                    "group_id=?3 AND expires_at>?4";
static const char sql_pages_put[] =
    "INSERT INTO pages(platform, user_id, group_id, rest, expires_at) VALUES(?1,?2,?3,?4,?5) "
    "ON CONFLICT(platform, user_id, group_id) DO UPDATE SET rest=excluded.rest, "
    "expires_at=excluded.expires_at";
static const char sql_pages_clear[] =
    "DELETE FROM pages WHERE platform=?1 AND user_id=?2 AND group_id=?3";

static const char sql_sweep_sessions[] = "DELETE FROM sessions WHERE expires_at<?1";
static const char sql_sweep_pages[] = "DELETE FROM pages WHERE expires_at<?1";

/* bind_convo - bind ?1..?3 to ev's conversation; NULL st passes through. */
static sqlite3_stmt *bind_convo(sqlite3_stmt *st, const struct event *ev)
{
    if (!st)
        return NULL;
    sqlite3_bind_text(st, 1, platform_name(ev->platform), -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, ev->user, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, ev->group ? ev->group : "", -1, SQLITE_STATIC);
    return st;
}

int session_get(const struct event *ev, int64_t now, char **handler, char **state)
{
    sqlite3_stmt *st = bind_convo(store_stmt(sql_get), ev);
    if (!st)
        return ZB_EDB;
    sqlite3_bind_int64(st, 4, now);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        *handler = xstrdup(store_text(st, 0));
        *state = xstrdup(store_text(st, 1));
        sqlite3_reset(st);
        return ZB_OK;
    }
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? ZB_ENOTFOUND : ZB_EDB;
}

int session_set(const struct event *ev, const char *handler, const char *state, int64_t expires_at)
{
    assert(store_in_tx());
    sqlite3_stmt *st = bind_convo(store_stmt(sql_set), ev);
    if (!st)
        return ZB_EDB;
    sqlite3_bind_text(st, 4, handler, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, state ? state : "", -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 6, expires_at);
    return store_exec_done(st);
}

int session_clear(const struct event *ev)
{
    assert(store_in_tx());
    return store_exec_done(bind_convo(store_stmt(sql_clear), ev));
}

int pages_take(const struct event *ev, int64_t now, char **rest)
{
    assert(store_in_tx());
    sqlite3_stmt *st = bind_convo(store_stmt(sql_pages_get), ev);
    if (!st)
        return ZB_EDB;
    sqlite3_bind_int64(st, 4, now);
    int rc = sqlite3_step(st);
    if (rc != SQLITE_ROW) {
        sqlite3_reset(st);
        return rc == SQLITE_DONE ? ZB_ENOTFOUND : ZB_EDB;
    }
    *rest = xstrdup(store_text(st, 0));
    sqlite3_reset(st);
    if (pages_clear(ev)) {
        free(*rest);
        *rest = NULL;
        return ZB_EDB;
    }
    return ZB_OK;
}

int pages_put(const struct event *ev, const char *rest, int64_t expires_at)
{
    assert(store_in_tx());
    sqlite3_stmt *st = bind_convo(store_stmt(sql_pages_put), ev);
    if (!st)
        return ZB_EDB;
    sqlite3_bind_text(st, 4, rest, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 5, expires_at);
    return store_exec_done(st);
}

int pages_clear(const struct event *ev)
{
    assert(store_in_tx());
    return store_exec_done(bind_convo(store_stmt(sql_pages_clear), ev));
}

int session_sweep(int64_t now, int *n)
{
    assert(store_in_tx());
    int total = 0;
    const char *const sqls[] = {sql_sweep_sessions, sql_sweep_pages};
    for (int i = 0; i < 2; i++) {
        sqlite3_stmt *st = store_stmt(sqls[i]);
        if (!st)
            return ZB_EDB;
        sqlite3_bind_int64(st, 1, now);
        if (store_exec_done(st))
            return ZB_EDB;
        total += sqlite3_changes(store_db());
    }
    if (n)
        *n = total;
    return ZB_OK;
}
