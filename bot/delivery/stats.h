/*
 * stats.h - delivery counters for /metrics: sends by platform and result, token refreshes by
 * platform and result, and the outbox's rows by status and platform with the oldest pending
 * row's age (one GROUP BY query, cached for a second so a scraper cannot load the database).
 * The counters are process-wide atomics (there is one sender per process); any thread.
 */
#ifndef ZHIBU_DELIVERY_STATS_H
#define ZHIBU_DELIVERY_STATS_H

#include <stdint.h>

#include "bot/base/err.h"
#include "bot/chat/event.h"
#include "bot/delivery/sender.h"

#define STATS_OUTCOMES  (SEND_FATAL + 1)     /* one counter per enum send_outcome */
#define STATS_STATUSES  6                    /* pending sending sent failed unreachable cancelled */
#define STATS_PLATFORMS (PLATFORM_COUNT + 1) /* the last: a row not routed to a platform yet */
#define STATS_CACHE_MS  1000                 /* outbox counts are reused for this long */

/* A snapshot of the outbox. */
struct stats_outbox {
    long long rows[STATS_STATUSES][STATS_PLATFORMS]; /* rows by status and platform */
    int64_t oldest_pending_s; /* age of the oldest due pending row in seconds, 0 when none */
};

/* stats_send - one answer (or failure to ask) of platform p's API, judged as o. */
void stats_send(enum platform p, enum send_outcome o);
/* stats_refresh - one token fetch for the app named "platform:appid" (apitoken's name). */
void stats_refresh(const char *token_name, bool ok);
/* stats_sends / stats_refreshes - the counters (0 out of range). */
unsigned long long stats_sends(enum platform p, enum send_outcome o);
unsigned long long stats_refreshes(enum platform p, bool ok);

/* stats_outbox - the outbox counts at now (Unix seconds), from the cache when it is younger
 * than STATS_CACHE_MS. ZB_EDB when the query fails (out is zeroed). */
int stats_outbox(int64_t now, struct stats_outbox *out) ZB_MUST_USE;

/* stats_status_name / stats_outcome_name / stats_platform_name - label values ("none" for the
 * unrouted platform column); NULL out of range. */
const char *stats_status_name(int i);
const char *stats_outcome_name(enum send_outcome o);
const char *stats_platform_name(int i);

#endif
