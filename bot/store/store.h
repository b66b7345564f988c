/*
 * store.h - SQLite: one connection per thread, numbered migrations, cached prepared statements.
 *
 * store_init() opens the database once (creating its directory), sets WAL and applies the
 * migrations of bot/store/migrations.h. After that every thread gets its own connection from
 * store_db() and its own cache of prepared statements from store_stmt(). Writes that must be atomic
 * go between store_begin() and store_commit()/store_rollback(): a process-wide writer lock queues
 * threads on a mutex instead of SQLite's sleeping busy handler, and BEGIN IMMEDIATE keeps other
 * processes (the CLI) out for the duration.
 */
#ifndef ZHIBU_STORE_H
#define ZHIBU_STORE_H

#include <sqlite3.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bot/base/err.h"

struct migration_set;

/* The size a reset WAL file is truncated to (PRAGMA journal_size_limit): 64 MiB. The writer's
 * checkpointer also truncates it to zero when the writer has been idle (writer.c). */
#define STORE_WAL_LIMIT      (64LL << 20)
#define STORE_WAL_LIMIT_TEXT "67108864"

/*
 * store_init - remember path and durability, create the file (mode 0600; a warning is logged
 * when an existing file is readable by others) and apply pending migrations: the
 * engine's "core" set, then sets[0..nsets) (the capabilities', from the registry; may be NULL
 * with nsets 0). Call once per process before any other store function. ZB_EDB (logged, naming
 * the owner and step of a failed migration) on failure.
 */
int store_init(const char *path, bool durability_power, const struct migration_set *const *sets,
               size_t nsets) ZB_MUST_USE;

/* store_db - this thread's connection, opened on first use; NULL (logged) on failure. */
sqlite3 *store_db(void);

/*
 * store_stmt - this thread's prepared statement for sql, which must be a string with static
 * storage (it is cached by address). Returned reset with bindings cleared; do not finalize.
 * NULL (logged) when it does not prepare.
 */
sqlite3_stmt *store_stmt(const char *sql);

/*
 * store_begin - take the writer lock and BEGIN IMMEDIATE. ZB_EDB on failure (lock released).
 * ZB_ENESTED (logged, nothing taken) when this thread already holds a transaction: nesting is an
 * error, never a wait on the lock this thread holds.
 */
int store_begin(void) ZB_MUST_USE;
/* store_in_tx - true while this thread holds a transaction (between begin and commit/rollback,
 * or inside a writer job). Functions documented "call inside a transaction" assert it. */
bool store_in_tx(void);
/* store_commit - COMMIT and release the lock; on failure rolls back and returns ZB_EDB. */
int store_commit(void) ZB_MUST_USE;
/* store_rollback - ROLLBACK (if a transaction is open) and release the lock. */
void store_rollback(void);

/*
 * store_tx_run - run fn(arg) in one transaction: committed when fn returns 0, rolled back
 * otherwise; returns fn's code, ZB_EDB when the commit failed, ZB_ENESTED when this thread is
 * already inside a transaction. For CLI and REST writes. While a runner is registered (the
 * writer thread of the server, see store_set_tx_runner) the work goes through it, so writes stay
 * on the writer; otherwise (the CLI) it begins and commits on this thread. fn must not call
 * store_begin/commit.
 */
int store_tx_run(int (*fn)(void *arg), void *arg) ZB_MUST_USE;

/* A runner of store_tx_run jobs: writer_run's signature. */
typedef int (*store_tx_runner)(int (*fn)(void *arg), void *arg);
/* store_set_tx_runner - route store_tx_run through run (NULL: run on the calling thread). The
 * writer registers itself when it starts and removes itself when it stops. */
void store_set_tx_runner(store_tx_runner run);

/* store_exec_done - step a statement expected to finish (INSERT/UPDATE/DELETE). */
int store_exec_done(sqlite3_stmt *st) ZB_MUST_USE;

/* store_schema_version - PRAGMA user_version of this thread's connection, or -1. */
int store_schema_version(void);

/* store_close_thread - close this thread's connection (also done at thread exit). */
void store_close_thread(void);

/* store_text - column i as a C string, "" when NULL. Valid until the next step/reset. */
const char *store_text(sqlite3_stmt *st, int i);

#endif
