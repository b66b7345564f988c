/*
 * health.h - is the database usable? What GET /healthz answers and what the systemd watchdog
 * pings on: the writer's last batch result and a cheap read check of the file itself.
 */
#ifndef ZHIBU_STORE_HEALTH_H
#define ZHIBU_STORE_HEALTH_H

#include "bot/base/err.h"

#define HEALTH_DETAIL_MAX 128 /* bytes of struct store_health.detail */

struct store_health {
    const char *failed;             /* NULL when healthy, else "database" or "writer" (static) */
    char detail[HEALTH_DETAIL_MAX]; /* one English line saying why, "" when healthy */
};

/*
 * store_health_check - check the database at path and fill *out. The check opens a fresh
 * read-only connection (a long-lived one would keep serving pages from its cache and miss a
 * file damaged underneath it), reads the schema and runs PRAGMA quick_check with a bounded
 * amount of work (HEALTH_STEPS virtual-machine steps: a large database is checked in part), then
 * looks at writer_last_result(). The result is cached for HEALTH_CACHE_MS so the check stays
 * cheap under load. ZB_OK when healthy, else ZB_EDB with out->failed set. Thread-safe.
 */
int store_health_check(const char *path, struct store_health *out) ZB_MUST_USE;

/* store_health_forget - drop the cached result (tests, and after a restore). */
void store_health_forget(void);

#endif
