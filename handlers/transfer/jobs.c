/* jobs.c - the transfer's scheduler job (see jobs.h). */
#include "handlers/transfer/jobs.h"

#include "bot/base/log.h"
#include "bot/delivery/scheduler.h"
#include "handlers/transfer/transfer.h"

static int remind_run(const struct sched_tick *t, void *arg)
{
    (void)arg;
    int reminded = 0, warned = 0, expired = 0;
    int rc = transfer_remind(t->now, &reminded, &warned, &expired);
    if (!rc && (reminded || warned || expired))
        log_info("transfer: %d step reminders, %d letters close to expiry, %d expired", reminded,
                 warned, expired);
    return rc;
}

static const struct sched_job remind_job = {
    .name = "transfer.remind", .period = SCHED_DAILY, .hour = 9, .run = remind_run};

int transfer_jobs(void)
{
    return scheduler_register(&remind_job);
}
