/*
 * store.h - SQLite: one connection per thread, numbered migrations, cached prepared statements.
 *
 * store_init() opens the database once (creating its directory), sets WAL and applies the
 * migrations in bot/migrations.c. After that every thread gets its own connection from store_db()
 * and its own cache of prepared statements from store_stmt(). Writes that must be atomic go
 * between store_begin() and store_commit()/store_rollback(): a process-wide writer lock queues
 * threads on a mutex instead of SQLite's sleeping busy handler, and BEGIN IMMEDIATE keeps other
 * processes (the CLI) out for the duration.
 */
#ifndef ZHIBU_STORE_H
#define ZHIBU_STORE_H

#include <sqlite3.h>
#include <stdbool.h>
#include <stdint.h>

#include "bot/base/err.h"

/*
 * store_init - remember path and durability, create the file and apply pending migrations.
 * Call once per process before any other store function. ZB_EDB (logged) on failure.
 */
int store_init(const char *path, bool durability_power) ZB_MUST_USE;

/* store_db - this thread's connection, opened on first use; NULL (logged) on failure. */
sqlite3 *store_db(void);

/*
 * store_stmt - this thread's prepared statement for sql, which must be a string with static
 * storage (it is cached by address). Returned reset with bindings cleared; do not finalize.
 * NULL (logged) when it does not prepare.
 */
sqlite3_stmt *store_stmt(const char *sql);

/* store_begin - take the writer lock and BEGIN IMMEDIATE. ZB_EDB on failure (lock released). */
int store_begin(void) ZB_MUST_USE;
/* store_commit - COMMIT and release the lock; on failure rolls back and returns ZB_EDB. */
int store_commit(void) ZB_MUST_USE;
/* store_rollback - ROLLBACK (if a transaction is open) and release the lock. */
void store_rollback(void);

/* store_exec_done - step a statement expected to finish (INSERT/UPDATE/DELETE). */
int store_exec_done(sqlite3_stmt *st) ZB_MUST_USE;

/* store_schema_version - PRAGMA user_version of this thread's connection, or -1. */
int store_schema_version(void);

/* store_close_thread - close this thread's connection (also done at thread exit). */
void store_close_thread(void);

/* store_text - column i as a C string, "" when NULL. Valid until the next step/reset. */
const char *store_text(sqlite3_stmt *st, int i);

#endif
