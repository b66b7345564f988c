/* metrics.c - atomic counters and their Prometheus text rendering (see metrics.h). */
#include "webhook/http/metrics.h"
#include "bot/base/clock.h"
#include "bot/chat/router.h"
#include "bot/delivery/stats.h"
#include "bot/store/writer.h"

#include <stdatomic.h>

#define STATUS_MAX 600
#define NBUCKETS   12

static const char *const ep_names[EP_COUNT] = {"wechat",  "onebot",  "qqbot", "wxmini",
                                               "healthz", "metrics", "api",   "other"};
/* Upper bounds of the duration buckets, in microseconds (the last bucket is +Inf). */
static const int64_t bucket_us[NBUCKETS] = {100,   250,   500,   1000,   2500,    5000,
                                            10000, 25000, 50000, 100000, 1000000, INT64_MAX};

static atomic_ullong requests[EP_COUNT][STATUS_MAX];
static atomic_ullong buckets[EP_COUNT][NBUCKETS];
static atomic_ullong dur_sum_us[EP_COUNT];
static atomic_ullong events[PLATFORM_COUNT][EV_KIND_COUNT];
static atomic_ullong duplicates[PLATFORM_COUNT];

void metrics_request(enum endpoint ep, int status, int64_t duration_us)
{
    if ((unsigned)ep >= EP_COUNT)
        ep = EP_OTHER;
    if (status < 0 || status >= STATUS_MAX)
        status = 0;
    if (duration_us < 0)
        duration_us = 0;
    atomic_fetch_add_explicit(&requests[ep][status], 1, memory_order_relaxed);
    int b = 0;
    while (b < NBUCKETS - 1 && duration_us > bucket_us[b])
        b++;
    atomic_fetch_add_explicit(&buckets[ep][b], 1, memory_order_relaxed);
    atomic_fetch_add_explicit(&dur_sum_us[ep], (unsigned long long)duration_us,
                              memory_order_relaxed);
}

void metrics_event(enum platform p, enum event_kind k, bool duplicate)
{
    if ((unsigned)p >= PLATFORM_COUNT || (unsigned)k >= EV_KIND_COUNT)
        return;
    atomic_fetch_add_explicit(&events[p][k], 1, memory_order_relaxed);
    if (duplicate)
        atomic_fetch_add_explicit(&duplicates[p], 1, memory_order_relaxed);
}

static unsigned long long get(atomic_ullong *v)
{
    return atomic_load_explicit(v, memory_order_relaxed);
}

/* render_delivery - the sender's counters and the outbox's rows (see bot/delivery/stats.h). A
 * failed outbox query leaves its gauges out (and is logged) rather than failing the scrape. */
static int render_delivery(struct buf *b)
{
    int rc = buf_appendz(b, "# HELP zhibu_sends_total Platform API sends by platform and result.\n"
                            "# TYPE zhibu_sends_total counter\n");
    for (int p = 0; p < PLATFORM_COUNT && !rc; p++)
        for (int o = 0; o < STATS_OUTCOMES && !rc; o++)
            rc = buf_appendf(b, "zhibu_sends_total{platform=\"%s\",result=\"%s\"} %llu\n",
                             platform_name((enum platform)p),
                             stats_outcome_name((enum send_outcome)o),
                             stats_sends((enum platform)p, (enum send_outcome)o));
    if (!rc)
        rc = buf_appendz(b, "# HELP zhibu_token_refreshes_total Access token fetches by platform "
                            "and result.\n# TYPE zhibu_token_refreshes_total counter\n");
    for (int p = 0; p < PLATFORM_COUNT && !rc; p++)
        for (int ok = 1; ok >= 0 && !rc; ok--)
            rc = buf_appendf(b, "zhibu_token_refreshes_total{platform=\"%s\",result=\"%s\"} %llu\n",
                             platform_name((enum platform)p), ok ? "ok" : "error",
                             stats_refreshes((enum platform)p, ok));
    struct stats_outbox ob;
    if (rc || stats_outbox(clock_now(), &ob))
        return rc;
    rc = buf_appendz(b, "# HELP zhibu_outbox_rows Outbox rows by status and platform (none: not "
                        "routed yet).\n# TYPE zhibu_outbox_rows gauge\n");
    for (int s = 0; s < STATS_STATUSES && !rc; s++)
        for (int p = 0; p < STATS_PLATFORMS && !rc; p++)
            if (ob.rows[s][p] || p < PLATFORM_COUNT)
                rc = buf_appendf(b, "zhibu_outbox_rows{status=\"%s\",platform=\"%s\"} %lld\n",
                                 stats_status_name(s), stats_platform_name(p), ob.rows[s][p]);
    if (!rc)
        rc = buf_appendf(b,
                         "# HELP zhibu_outbox_oldest_pending_seconds Age of the oldest due "
                         "pending outbox row (0 when none).\n"
                         "# TYPE zhibu_outbox_oldest_pending_seconds gauge\n"
                         "zhibu_outbox_oldest_pending_seconds %lld\n",
                         (long long)ob.oldest_pending_s);
    return rc;
}

/* render_writer - how long the writer thread held the database (bot/store/writer.h). */
static int render_writer(struct buf *b)
{
    struct writer_stats w;
    writer_stats(&w);
    return buf_appendf(
        b,
        "# HELP zhibu_writer_transactions_total Writer transactions (batches of jobs).\n"
        "# TYPE zhibu_writer_transactions_total counter\n"
        "zhibu_writer_transactions_total %llu\n"
        "# HELP zhibu_writer_transactions_over_10ms_total Writer transactions held over 10 ms.\n"
        "# TYPE zhibu_writer_transactions_over_10ms_total counter\n"
        "zhibu_writer_transactions_over_10ms_total %llu\n"
        "# HELP zhibu_writer_transaction_seconds_max The longest writer transaction, BEGIN to "
        "COMMIT.\n# TYPE zhibu_writer_transaction_seconds_max gauge\n"
        "zhibu_writer_transaction_seconds_max %.6f\n"
        "# HELP zhibu_writer_job_seconds_max The longest single writer job.\n"
        "# TYPE zhibu_writer_job_seconds_max gauge\n"
        "zhibu_writer_job_seconds_max %.6f\n",
        w.transactions, w.over_10ms, (double)w.transaction_max_us / 1e6,
        (double)w.job_max_us / 1e6);
}

int metrics_render(struct buf *b)
{
    int rc = buf_appendz(b, "# HELP zhibu_http_requests_total HTTP requests by endpoint and "
                            "status.\n# TYPE zhibu_http_requests_total counter\n");
    for (int e = 0; e < EP_COUNT && !rc; e++)
        for (int s = 0; s < STATUS_MAX && !rc; s++)
            if (get(&requests[e][s]))
                rc = buf_appendf(b,
                                 "zhibu_http_requests_total{endpoint=\"%s\",status=\"%d\"} %llu\n",
                                 ep_names[e], s, get(&requests[e][s]));
    if (!rc)
        rc = buf_appendz(b, "# HELP zhibu_http_request_duration_seconds Time from the first byte "
                            "to the response.\n"
                            "# TYPE zhibu_http_request_duration_seconds histogram\n");
    for (int e = 0; e < EP_COUNT && !rc; e++) {
        unsigned long long cum = 0;
        for (int i = 0; i < NBUCKETS; i++)
            cum += get(&buckets[e][i]);
        if (cum == 0)
            continue;
        cum = 0;
        for (int i = 0; i < NBUCKETS && !rc; i++) {
            cum += get(&buckets[e][i]);
            if (i == NBUCKETS - 1)
                rc = buf_appendf(b,
                                 "zhibu_http_request_duration_seconds_bucket{endpoint=\"%s\","
                                 "le=\"+Inf\"} %llu\n",
                                 ep_names[e], cum);
            else
                rc = buf_appendf(b,
                                 "zhibu_http_request_duration_seconds_bucket{endpoint=\"%s\","
                                 "le=\"%g\"} %llu\n",
                                 ep_names[e], (double)bucket_us[i] / 1e6, cum);
        }
        if (!rc)
            rc = buf_appendf(b,
                             "zhibu_http_request_duration_seconds_sum{endpoint=\"%s\"} %.6f\n"
                             "zhibu_http_request_duration_seconds_count{endpoint=\"%s\"} %llu\n",
                             ep_names[e], (double)get(&dur_sum_us[e]) / 1e6, ep_names[e], cum);
    }
    if (!rc)
        rc = buf_appendz(b, "# HELP zhibu_events_total Inbound events by platform and kind.\n"
                            "# TYPE zhibu_events_total counter\n");
    for (int p = 0; p < PLATFORM_COUNT && !rc; p++)
        for (int k = 0; k < EV_KIND_COUNT && !rc; k++)
            if (get(&events[p][k]))
                rc = buf_appendf(b, "zhibu_events_total{platform=\"%s\",kind=\"%s\"} %llu\n",
                                 platform_name((enum platform)p),
                                 event_kind_name((enum event_kind)k), get(&events[p][k]));
    if (!rc)
        rc = buf_appendz(b, "# HELP zhibu_events_duplicate_total Redelivered events answered "
                            "from the log.\n# TYPE zhibu_events_duplicate_total counter\n");
    for (int p = 0; p < PLATFORM_COUNT && !rc; p++)
        rc = buf_appendf(b, "zhibu_events_duplicate_total{platform=\"%s\"} %llu\n",
                         platform_name((enum platform)p), get(&duplicates[p]));
    if (!rc)
        rc = buf_appendz(b, "# HELP zhibu_dedupe_collisions_total Events that reused a logged "
                            "message id with another sender or content (logged as new).\n"
                            "# TYPE zhibu_dedupe_collisions_total counter\n");
    for (int p = 0; p < PLATFORM_COUNT && !rc; p++)
        rc = buf_appendf(b, "zhibu_dedupe_collisions_total{platform=\"%s\"} %llu\n",
                         platform_name((enum platform)p), router_collisions((enum platform)p));
    if (!rc)
        rc = render_delivery(b);
    if (!rc)
        rc = render_writer(b);
    return rc;
}
