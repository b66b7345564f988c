/* stats.c - delivery counters and the cached outbox counts (see stats.h). */
#include "bot/delivery/stats.h"

#include <pthread.h>
#include <sqlite3.h>
#include <stdatomic.h>
#include <string.h>
#include <time.h>

#include "bot/base/log.h"
#include "bot/store/store.h"

static const char *const status_names[STATS_STATUSES] = {"pending", "sending",     "sent",
                                                         "failed",  "unreachable", "cancelled"};
static const char *const outcome_names[STATS_OUTCOMES] = {"ok",    "retry",  "rate",
                                                          "token", "closed", "fatal"};

static atomic_ullong sends[PLATFORM_COUNT][STATS_OUTCOMES];
static atomic_ullong refreshes[PLATFORM_COUNT][2];

static pthread_mutex_t cache_mu = PTHREAD_MUTEX_INITIALIZER;
static struct stats_outbox cache; /* under cache_mu */
static int64_t cache_at_ms = -1;  /* monotonic time of cache, -1 = none; under cache_mu */
static int64_t cache_now = 0;     /* the now it was computed for; under cache_mu */

/* The platform of a row: from the channel it used or was tried on, else from its recipient
 * kind; a member's row that was never routed has none. Prefixes of channel_name/rcpt names. */
static const char SQL_COUNTS[] = "SELECT status, CASE"
                                 " WHEN coalesce(channel, rcpt) LIKE 'wechat%' THEN 'wechat'"
                                 " WHEN coalesce(channel, rcpt) LIKE 'wxmini%' THEN 'wxmini'"
                                 " WHEN coalesce(channel, rcpt) LIKE 'onebot%' THEN 'onebot'"
                                 " WHEN coalesce(channel, rcpt) LIKE 'qqbot%' THEN 'qqbot'"
                                 " ELSE 'none' END AS p, count(*) FROM outbox GROUP BY status, p";
static const char SQL_OLDEST[] = "SELECT min(max(not_before, created_at)) FROM outbox"
                                 " WHERE status = 'pending' AND not_before <= ?1";

const char *stats_status_name(int i)
{
    return i >= 0 && i < STATS_STATUSES ? status_names[i] : NULL;
}

const char *stats_outcome_name(enum send_outcome o)
{
    return (unsigned)o < STATS_OUTCOMES ? outcome_names[o] : NULL;
}

const char *stats_platform_name(int i)
{
    if (i == PLATFORM_COUNT)
        return "none";
    return i >= 0 && i < PLATFORM_COUNT ? platform_name((enum platform)i) : NULL;
}

void stats_send(enum platform p, enum send_outcome o)
{
    if ((unsigned)p < PLATFORM_COUNT && (unsigned)o < STATS_OUTCOMES)
        atomic_fetch_add_explicit(&sends[p][o], 1, memory_order_relaxed);
}

void stats_refresh(const char *token_name, bool ok)
{
    for (int p = 0; p < PLATFORM_COUNT && token_name; p++) {
        const char *n = platform_name((enum platform)p);
        size_t len = strlen(n);
        if (strncmp(token_name, n, len) == 0 && (token_name[len] == ':' || !token_name[len])) {
            atomic_fetch_add_explicit(&refreshes[p][ok], 1, memory_order_relaxed);
            return;
        }
    }
}

unsigned long long stats_sends(enum platform p, enum send_outcome o)
{
    if ((unsigned)p >= PLATFORM_COUNT || (unsigned)o >= STATS_OUTCOMES)
        return 0;
    return atomic_load_explicit(&sends[p][o], memory_order_relaxed);
}

unsigned long long stats_refreshes(enum platform p, bool ok)
{
    if ((unsigned)p >= PLATFORM_COUNT)
        return 0;
    return atomic_load_explicit(&refreshes[p][ok], memory_order_relaxed);
}

static int64_t mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int index_of(const char *s, int n, const char *(*name)(int))
{
    for (int i = 0; i < n; i++)
        if (strcmp(s, name(i)) == 0)
            return i;
    return -1;
}

/* query - the counts at now into *out; ZB_EDB on failure. */
static int query(int64_t now, struct stats_outbox *out)
{
    memset(out, 0, sizeof *out);
    sqlite3_stmt *st = store_stmt(SQL_COUNTS);
    if (!st)
        return ZB_EDB;
    int r;
    while ((r = sqlite3_step(st)) == SQLITE_ROW) {
        int s = index_of(store_text(st, 0), STATS_STATUSES, stats_status_name);
        int p = index_of(store_text(st, 1), STATS_PLATFORMS, stats_platform_name);
        if (s >= 0 && p >= 0)
            out->rows[s][p] += sqlite3_column_int64(st, 2);
    }
    sqlite3_reset(st);
    if (r != SQLITE_DONE)
        return ZB_EDB;
    if (!(st = store_stmt(SQL_OLDEST)))
        return ZB_EDB;
    sqlite3_bind_int64(st, 1, now);
    r = sqlite3_step(st);
    if (r == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL) {
        int64_t since = sqlite3_column_int64(st, 0);
        out->oldest_pending_s = now > since ? now - since : 0;
    }
    sqlite3_reset(st);
    return r == SQLITE_ROW ? ZB_OK : ZB_EDB;
}

int stats_outbox(int64_t now, struct stats_outbox *out)
{
    int rc = ZB_OK;
    pthread_mutex_lock(&cache_mu);
    int64_t t = mono_ms();
    if (cache_at_ms < 0 || t - cache_at_ms >= STATS_CACHE_MS) {
        rc = query(now, &cache);
        if (rc == ZB_OK) {
            cache_at_ms = t;
            cache_now = now;
        } else {
            log_warn("stats: outbox counts: query failed");
            cache_at_ms = -1;
        }
    }
    if (rc == ZB_OK) {
        *out = cache;
        if (out->oldest_pending_s && now > cache_now) /* the cached age, moved on */
            out->oldest_pending_s += now - cache_now;
    } else {
        memset(out, 0, sizeof *out);
    }
    pthread_mutex_unlock(&cache_mu);
    return rc;
}
