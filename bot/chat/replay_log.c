/* replay_log.c - the replay_seen table (see replay_log.h). */
#include "bot/chat/replay_log.h"

#include <assert.h>
#include <sqlite3.h>
#include <string.h>

#include "bot/store/store.h"

static const char *const steps[] = {
    "CREATE TABLE replay_seen ("
    " sig TEXT PRIMARY KEY," /* the signature (lower-case hex) */
    " digest BLOB NOT NULL," /* SHA-256 of the body it was admitted with */
    " ts INTEGER NOT NULL"   /* the timestamp it was signed with */
    ") WITHOUT ROWID;"
    "CREATE INDEX replay_seen_ts ON replay_seen(ts);",
};

const struct migration_set replay_log_migrations = {"replay", steps,
                                                    sizeof steps / sizeof steps[0]};

static const char sql_insert[] =
    "INSERT INTO replay_seen(sig, digest, ts) VALUES(?1, ?2, ?3) ON CONFLICT(sig) DO NOTHING";
static const char sql_sweep[] = "DELETE FROM replay_seen WHERE sig IN "
                                "(SELECT sig FROM replay_seen WHERE ts < ?1 LIMIT ?2)";
static const char sql_load[] = "SELECT sig, digest, ts FROM "
                               "(SELECT sig, digest, ts FROM replay_seen WHERE ts >= ?1 "
                               "ORDER BY ts DESC LIMIT ?2) ORDER BY ts";

/* sweep - remove up to max keys signed before `before`; *removed gets how many. */
static int sweep(int64_t before, size_t max, size_t *removed)
{
    sqlite3_stmt *st = store_stmt(sql_sweep);
    if (!st)
        return ZB_EDB;
    sqlite3_bind_int64(st, 1, before);
    sqlite3_bind_int64(st, 2, (sqlite3_int64)max);
    int rc = store_exec_done(st);
    if (rc == ZB_OK && removed)
        *removed = (size_t)sqlite3_changes(store_db());
    return rc;
}

int replay_log_record(const char *sig, const unsigned char dig[REPLAY_LOG_DIGEST], int64_t ts,
                      int64_t expired_before)
{
    assert(store_in_tx());
    size_t sl = strlen(sig);
    if (sl == 0 || sl > REPLAY_LOG_SIG_MAX)
        return ZB_EINVAL;
    int rc = sweep(expired_before, REPLAY_LOG_SWEEP, NULL);
    if (rc)
        return rc;
    sqlite3_stmt *st = store_stmt(sql_insert);
    if (!st)
        return ZB_EDB;
    sqlite3_bind_text(st, 1, sig, (int)sl, SQLITE_STATIC);
    sqlite3_bind_blob(st, 2, dig, REPLAY_LOG_DIGEST, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, ts);
    return store_exec_done(st);
}

int replay_log_load(int64_t since, size_t max,
                    int (*fn)(void *arg, const char *sig, const unsigned char *dig, int64_t ts),
                    void *arg, size_t *n)
{
    size_t count = 0;
    int rc = ZB_OK;
    sqlite3_stmt *st = store_stmt(sql_load);
    if (!st) {
        rc = ZB_EDB;
        goto done;
    }
    sqlite3_bind_int64(st, 1, since);
    sqlite3_bind_int64(st, 2, (sqlite3_int64)max);
    int s;
    while ((s = sqlite3_step(st)) == SQLITE_ROW) {
        const char *sig = store_text(st, 0);
        const void *dig = sqlite3_column_blob(st, 1);
        size_t sl = strlen(sig);
        if (sl == 0 || sl > REPLAY_LOG_SIG_MAX || !dig ||
            sqlite3_column_bytes(st, 1) != REPLAY_LOG_DIGEST)
            continue; /* not a row this module wrote */
        rc = fn(arg, sig, dig, sqlite3_column_int64(st, 2));
        if (rc)
            goto done;
        count++;
    }
    if (s != SQLITE_DONE)
        rc = ZB_EDB;
done:
    if (st)
        sqlite3_reset(st);
    if (n)
        *n = count;
    return rc;
}

int replay_log_prune(int64_t before, size_t max, size_t *removed)
{
    assert(store_in_tx());
    return sweep(before, max < REPLAY_LOG_PRUNE_MAX ? max : REPLAY_LOG_PRUNE_MAX, removed);
}
