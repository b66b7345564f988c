/* demo.h - tasks' demo data: one notice from the demo secretary to the demo branch. */
#ifndef ZHIBU_TASKS_DEMO_H
#define ZHIBU_TASKS_DEMO_H

#include "bot/base/err.h"

/*
 * tasks_demo_seed - when no task exists yet and the demo secretary 李建国 is a member, write a
 * notice from him to his branch and submit it (the server's fan-out thread sends it). Idempotent;
 * nothing when the members' demo data is absent. Call inside a transaction.
 */
int tasks_demo_seed(void) ZB_MUST_USE;

#endif
