/*
 * jobs.h - tasks' background work: the reminder job (every minute), the fan-out backstop job,
 * and the server's fan-out thread that queues a task's recipients one batch per transaction.
 */
#ifndef ZHIBU_TASKS_JOBS_H
#define ZHIBU_TASKS_JOBS_H

#include "bot/base/err.h"

/* tasks_jobs - register "tasks.remind" and "tasks.fanout" with the scheduler. */
int tasks_jobs(void) ZB_MUST_USE;

/* tasks_fanout_start - start the fan-out thread (the server); it runs store_tx_run per batch
 * (so through the writer, one batch at a time) whenever a task waits. ZB_EIO. */
int tasks_fanout_start(void) ZB_MUST_USE;
/* tasks_fanout_stop - stop and join it (no-op when not started). */
void tasks_fanout_stop(void);
/* tasks_fanout_on_commit - writer_on_commit hook: wake the thread when a commit submitted or
 * approved a task. */
void tasks_fanout_on_commit(void *arg);
/* tasks_fanout_all - run every pending fan-out to the end on this thread, one store_tx_run per
 * batch (the CLI); *queued batches run. */
int tasks_fanout_all(int *batches) ZB_MUST_USE;

#endif
