/* jobs.h - the meetings' scheduler jobs: reminders (every minute) and quiet branches (daily). */
#ifndef ZHIBU_MEETINGS_JOBS_H
#define ZHIBU_MEETINGS_JOBS_H

#include "bot/base/err.h"

/* meetings_jobs - register "meetings.remind" (minute) and "meetings.quiet" (daily, 9:00). */
int meetings_jobs(void) ZB_MUST_USE;

#endif
