/* retention.c - the daily clean-up job (see retention.h). */
#include "bot/delivery/retention.h"

#include "bot/base/log.h"
#include "bot/delivery/outbox.h"
#include "bot/delivery/scheduler.h"
#include "bot/chat/session.h"
#include "bot/org/apisession.h"

#define API_SESSION_GRACE_S (7 * 86400) /* an expired token is still known as such for a week */

static long keep;

static int sweep(const struct sched_tick *t, void *arg)
{
    (void)arg;
    int sessions = 0, rows = 0, tokens = 0;
    int rc = session_sweep(t->now, &sessions);
    if (rc == ZB_OK)
        rc = apisession_sweep(t->now - API_SESSION_GRACE_S, &tokens);
    if (rc == ZB_OK && keep > 0)
        rc = outbox_sweep(t->now - (int64_t)keep * 86400, &rows);
    if (rc == ZB_OK)
        log_info("retention: removed %d expired sessions/pages, %d old API tokens and %d old sent "
                 "messages",
                 sessions, tokens, rows);
    return rc;
}

static const struct sched_job job = {
    .name = "retention", .period = SCHED_DAILY, .hour = 4, .run = sweep};

int retention_register(long keep_days)
{
    keep = keep_days;
    return scheduler_register(&job);
}
