/*
 * unit_db.h - a fresh SQLite database per test program for the unit tests that need storage,
 * and two small query helpers. Header-only: each test program includes it once.
 */
#ifndef ZHIBU_UNIT_DB_H
#define ZHIBU_UNIT_DB_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "bot/store/store.h"

static char unit_db_path[96];

/* unit_db_open - a new database /tmp/zhibu-NAME-PID.db with every migration applied. */
__attribute__((unused)) static int unit_db_open(const char *name)
{
    snprintf(unit_db_path, sizeof unit_db_path, "/tmp/zhibu-%s-%d.db", name, (int)getpid());
    unlink(unit_db_path);
    return store_init(unit_db_path, false, NULL, 0) ? -1 : 0;
}

/* unit_db_close - close and remove it (with its WAL files). */
static void unit_db_close(void)
{
    char p[128];
    store_close_thread();
    unlink(unit_db_path);
    snprintf(p, sizeof p, "%s-wal", unit_db_path);
    unlink(p);
    snprintf(p, sizeof p, "%s-shm", unit_db_path);
    unlink(p);
}

/* unit_db_int - the first column of the first row of sql (printf-formatted); -1 when no row. */
static long long unit_db_int(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
__attribute__((unused)) static long long unit_db_int(const char *fmt, ...)
{
    char sql[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(sql, sizeof sql, fmt, ap);
    va_end(ap);
    sqlite3_stmt *st = NULL;
    assert_int_equal(sqlite3_prepare_v2(store_db(), sql, -1, &st, NULL), SQLITE_OK);
    long long v = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : -1;
    sqlite3_finalize(st);
    return v;
}

/* unit_db_text - the same as text; caller frees; NULL when no row or NULL. */
__attribute__((unused)) static char *unit_db_text(const char *fmt, ...)
    __attribute__((format(printf, 1, 2)));
__attribute__((unused)) static char *unit_db_text(const char *fmt, ...)
{
    char sql[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(sql, sizeof sql, fmt, ap);
    va_end(ap);
    sqlite3_stmt *st = NULL;
    assert_int_equal(sqlite3_prepare_v2(store_db(), sql, -1, &st, NULL), SQLITE_OK);
    char *v = NULL;
    if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
        v = strdup((const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    return v;
}

/* unit_db_exec - run sql (no formatting), asserting success. */
__attribute__((unused)) static void unit_db_exec(const char *sql)
{
    char *err = NULL;
    int rc = sqlite3_exec(store_db(), sql, NULL, NULL, &err);
    if (rc != SQLITE_OK)
        fail_msg("sql failed: %s: %s", sql, err ? err : "?");
}

#endif
