/* jobs.c - the meetings' scheduler jobs (see jobs.h); the work is in meetings.c. */
#include "handlers/meetings/jobs.h"

#include "bot/delivery/scheduler.h"
#include "handlers/meetings/meetings.h"

static int remind(const struct sched_tick *t, void *arg)
{
    (void)arg;
    return meetings_remind(t->now, NULL);
}

static int quiet(const struct sched_tick *t, void *arg)
{
    (void)arg;
    return meetings_quiet(t->now, NULL);
}

static const struct sched_job remind_job = {"meetings.remind", SCHED_MINUTE, 0, remind, NULL};
static const struct sched_job quiet_job = {"meetings.quiet", SCHED_DAILY, 9, quiet, NULL};

int meetings_jobs(void)
{
    int rc = scheduler_register(&remind_job);
    return rc ? rc : scheduler_register(&quiet_job);
}
