/*
 * health.c - the database check behind /healthz and the watchdog (see health.h).
 */
#include "bot/store/health.h"

#include <pthread.h>
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "bot/store/writer.h"

#define HEALTH_CACHE_MS 1000    /* a result is reused this long */
#define HEALTH_STEPS    2000000 /* quick_check work at most, in VM steps (~tens of ms) */
#define HEALTH_BUSY_MS  2000    /* wait this long for a lock before calling the file busy */

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static int64_t cached_at_ms = -1;  /* monotonic ms of the cached result, -1 when none */
static int cached_rc;              /* its code */
static struct store_health cached; /* its result */

static int64_t mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* budget - the progress handler: interrupt the check once it has done its share. */
static int budget(void *arg)
{
    long *left = arg;
    return --*left < 0;
}

/* check_file - the read check of path into out. ZB_OK or ZB_EDB. */
static int check_file(const char *path, struct store_health *out)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;
    int rc = ZB_EDB;
    long left = HEALTH_STEPS / 1000;
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
        snprintf(out->detail, sizeof out->detail, "cannot open: %s",
                 db ? sqlite3_errmsg(db) : "out of memory");
        goto done;
    }
    sqlite3_busy_timeout(db, HEALTH_BUSY_MS);
    if (sqlite3_prepare_v2(db, "SELECT count(*) FROM sqlite_schema", -1, &st, NULL) != SQLITE_OK ||
        sqlite3_step(st) != SQLITE_ROW || sqlite3_column_int(st, 0) <= 0) {
        snprintf(out->detail, sizeof out->detail, "schema unreadable: %s", sqlite3_errmsg(db));
        goto done;
    }
    sqlite3_finalize(st);
    st = NULL;
    sqlite3_progress_handler(db, 1000, budget, &left);
    if (sqlite3_prepare_v2(db, "PRAGMA quick_check(1)", -1, &st, NULL) != SQLITE_OK) {
        snprintf(out->detail, sizeof out->detail, "quick_check: %s", sqlite3_errmsg(db));
        goto done;
    }
    int s = sqlite3_step(st);
    if (s == SQLITE_INTERRUPT || (s != SQLITE_ROW && left < 0)) {
        rc = ZB_OK; /* the part the budget allowed was sound */
        goto done;
    }
    const unsigned char *txt = s == SQLITE_ROW ? sqlite3_column_text(st, 0) : NULL;
    if (!txt || strcmp((const char *)txt, "ok") != 0) {
        snprintf(out->detail, sizeof out->detail, "quick_check: %.100s",
                 txt ? (const char *)txt : sqlite3_errmsg(db));
        goto done;
    }
    rc = ZB_OK;
done:
    sqlite3_finalize(st);
    sqlite3_close(db);
    return rc;
}

int store_health_check(const char *path, struct store_health *out)
{
    pthread_mutex_lock(&mu);
    int64_t now = mono_ms();
    if (cached_at_ms >= 0 && now - cached_at_ms < HEALTH_CACHE_MS) {
        *out = cached;
        int rc = cached_rc;
        pthread_mutex_unlock(&mu);
        return rc;
    }
    memset(out, 0, sizeof *out);
    int rc = check_file(path, out);
    if (rc)
        out->failed = "database";
    else if (writer_last_result() != ZB_OK) {
        out->failed = "writer";
        snprintf(out->detail, sizeof out->detail, "the last commit failed");
        rc = ZB_EDB;
    }
    cached = *out;
    cached_rc = rc;
    cached_at_ms = mono_ms();
    pthread_mutex_unlock(&mu);
    return rc;
}

void store_health_forget(void)
{
    pthread_mutex_lock(&mu);
    cached_at_ms = -1;
    pthread_mutex_unlock(&mu);
}
