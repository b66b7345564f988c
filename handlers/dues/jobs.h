/* jobs.h - the dues capability's scheduler jobs, "dues.bill" and "dues.remind" (see jobs.c). */
#ifndef ZHIBU_DUES_JOBS_H
#define ZHIBU_DUES_JOBS_H

#include "bot/base/err.h"

/* dues_jobs - register both jobs (the registry's jobs slot). */
int dues_jobs(void) ZB_MUST_USE;

#endif
