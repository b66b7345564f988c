/*
 * jobs.c - the dues scheduler jobs (see jobs.h): "dues.bill" makes this month's bills (daily, so
 * the 1st bills the month and a member added later in the month is billed too; bills are unique
 * per member and month, so running twice bills once); "dues.remind" sends the reminders of the
 * configured day and tells the committee about long arrears (idempotency keys in dues.c).
 */
#include "handlers/dues/jobs.h"

#include "bot/base/log.h"
#include "bot/delivery/scheduler.h"
#include "handlers/dues/dues.h"

static int bill_run(const struct sched_tick *t, void *arg)
{
    (void)arg;
    int made = 0, skipped = 0;
    int rc = dues_bill_month(dues_month_of(t->now), t->now, &made, &skipped);
    if (!rc && made)
        log_info("dues: %d bills made, %d members without a bill", made, skipped);
    return rc;
}

static int remind_run(const struct sched_tick *t, void *arg)
{
    (void)arg;
    int reminded = 0, escalated = 0;
    int made = 0, skipped = 0;
    int rc = dues_bill_month(dues_month_of(t->now), t->now, &made, &skipped);
    if (!rc)
        rc = dues_remind(t->now, &reminded, &escalated);
    if (!rc && (reminded || escalated))
        log_info("dues: %d reminders, %d arrears notices", reminded, escalated);
    return rc;
}

static const struct sched_job bill_job = {
    .name = "dues.bill", .period = SCHED_DAILY, .hour = 0, .run = bill_run};
static const struct sched_job remind_job = {
    .name = "dues.remind", .period = SCHED_DAILY, .hour = 9, .run = remind_run};

int dues_jobs(void)
{
    int rc = scheduler_register(&bill_job);
    return rc ? rc : scheduler_register(&remind_job);
}
