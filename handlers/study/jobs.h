/* jobs.h - the study capability's scheduler job (the daily digest) and its digest section. */
#ifndef ZHIBU_STUDY_JOBS_H
#define ZHIBU_STUDY_JOBS_H

#include "bot/base/err.h"
#include "bot/delivery/scheduler.h"

/* study_jobs - register the digest job ("study.digest", every minute: sends once the local time
 * passes study.digest_time) and the study section of the digest. */
int study_jobs(void) ZB_MUST_USE;
/* study_digest_run - the job's work at t (inside the scheduler's transaction). */
int study_digest_run(const struct sched_tick *t, void *arg) ZB_MUST_USE;

#endif
