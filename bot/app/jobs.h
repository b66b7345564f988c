/*
 * jobs.h - the scheduler's jobs of this process: the one place that registers every job (for
 * `serve` and for `zhibu jobs run` alike), and running them now from the CLI with the jobs' own
 * idempotency keys, so running twice queues once.
 */
#ifndef ZHIBU_APP_JOBS_H
#define ZHIBU_APP_JOBS_H

#include <stdint.h>
#include <stdio.h>

#include "bot/app/config.h"
#include "bot/base/err.h"

/* jobs_register_all - register every scheduler job the server runs, configured from cfg. */
int jobs_register_all(const struct config *cfg) ZB_MUST_USE;

/* jobs_list - one line per registered job (name, how often) to out. */
void jobs_list(FILE *out);

/*
 * jobs_run - run job name (NULL: all) now, at time now (scheduler_run_now); says what ran on out
 * and what failed on err, in Chinese. Returns the exit status: 0 done, 1 a job failed, 2 no
 * such job. Needs the store open.
 */
int jobs_run(const char *name, int64_t now, FILE *out, FILE *err);

#endif
