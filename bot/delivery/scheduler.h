/*
 * scheduler.h - one thread that wakes at every minute and runs the registered jobs.
 *
 * A job is due once per period (minute, hour or day) of the configured time zone: the period's
 * key ("2026-11-27" for a daily job) is written to sched_runs in the same transaction as
 * whatever the job wrote, so a job runs once per period even across restarts, and a crash in
 * the middle leaves nothing half done. Jobs that queue messages give each an idempotency key made
 * from what it is about ("meeting:42:member:7:24h"), so a job that runs twice queues once.
 * A daily job with an hour runs at the first minute at or after that local hour.
 */
#ifndef ZHIBU_SCHEDULER_H
#define ZHIBU_SCHEDULER_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "bot/base/err.h"

enum sched_period { SCHED_MINUTE = 0, SCHED_HOURLY, SCHED_DAILY };

/* What a job sees when it runs. */
struct sched_tick {
    int64_t now;            /* Unix seconds */
    struct tm local;        /* now in the configured time zone */
    const char *period_key; /* the period this run is for, e.g. "2026-11-27" */
};

struct sched_job {
    const char *name;         /* unique; the key in sched_runs */
    enum sched_period period; /* how often */
    int hour;                 /* SCHED_DAILY: not before this local hour (0..23) */
    /* run - do the work inside the scheduler's transaction; non-zero rolls it back (the job is
     * tried again at the next minute). */
    int (*run)(const struct sched_tick *t, void *arg);
    void *arg; /* passed to run */
};

/* scheduler_register - add job (kept by pointer: static storage). ZB_EBUSY when full,
 * ZB_EINVAL for a name registered already. Call before scheduler_start. */
int scheduler_register(const struct sched_job *job) ZB_MUST_USE;
/* scheduler_reset - forget every registered job (tests). */
void scheduler_reset(void);

/* scheduler_job_count / scheduler_job_at - the registered jobs, in registration order;
 * scheduler_job_at gives NULL past the end. */
size_t scheduler_job_count(void);
const struct sched_job *scheduler_job_at(size_t i);

/*
 * scheduler_run_now - run the job called name (NULL: every registered job) now, whatever its
 * period and hour say, each in its own transaction, for the period now falls in. The period is
 * not marked as run, so the scheduler still runs the job at its time; the job's idempotency
 * keys make a second run queue nothing new. *ran (may be NULL) gets how many ran. ZB_ENOTFOUND
 * when no job has that name; otherwise the first failing job's code (the others still run).
 */
int scheduler_run_now(const char *name, int64_t now, int *ran) ZB_MUST_USE;

/* scheduler_run_due - run every job due at now, each in its own transaction; *ran (may be
 * NULL) gets how many ran. Used by the thread and by tests with their own clock. */
int scheduler_run_due(int64_t now, int *ran) ZB_MUST_USE;

struct scheduler;

/* scheduler_start - the thread; runs due jobs now and then at every minute. */
int scheduler_start(struct scheduler **out) ZB_MUST_USE;
/* scheduler_stop - wake and join the thread (a running job finishes first). NULL is a no-op. */
void scheduler_stop(struct scheduler *s);

#endif
