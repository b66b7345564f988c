/*
 * backup.h - consistent copies of the database while it is in use, and putting one back.
 *
 * store_backup copies through SQLite's online backup API from this thread's connection: one
 * read transaction, so the copy is the database as of one commit, and the server keeps writing
 * meanwhile (WAL). The serving process holds an exclusive advisory lock on "DATABASE.lock"
 * (store_hold_serving) for its lifetime; store_restore takes the same lock without waiting, so
 * it refuses while a server runs, and holds it while it replaces the database.
 */
#ifndef ZHIBU_BACKUP_H
#define ZHIBU_BACKUP_H

#include <stddef.h>

#include "bot/base/err.h"

/*
 * store_backup - copy the open database (store_init first) into the new file dest, created
 * 0600. ZB_EBUSY when dest exists (never overwritten), ZB_EIO when it cannot be created,
 * ZB_EDB when the copy fails (dest removed).
 */
int store_backup(const char *dest) ZB_MUST_USE;

/*
 * store_hold_serving - take and keep (until the process exits) the exclusive lock on
 * db_path ".lock" that marks the database as served. ZB_EBUSY when another process holds it,
 * ZB_EIO when the lock file cannot be opened.
 */
int store_hold_serving(const char *db_path) ZB_MUST_USE;

/*
 * store_restore - replace the database at db_path (not opened by this process) with the backup
 * src, after src opens read-only and passes PRAGMA integrity_check. ZB_EBUSY when a server holds
 * the lock, ZB_ENOTFOUND when src does not exist, ZB_EPARSE when it is not a sound SQLite
 * database, ZB_EDB / ZB_EIO on failure (the database is then unchanged or, if the copy broke
 * half-way, SQLite's backup left it as it was: the copy runs in one transaction).
 */
int store_restore(const char *db_path, const char *src) ZB_MUST_USE;

#endif
