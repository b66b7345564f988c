/* jobs.c - every scheduler job of the process, and running them now (see jobs.h). */
#include "bot/app/jobs.h"

#include "bot/delivery/retention.h"
#include "bot/delivery/scheduler.h"
#include "handlers/registry.h"

int jobs_register_all(const struct config *cfg)
{
    int rc = retention_register(cfg->outbox.keep_days);
    return rc ? rc : registry_jobs();
}

static const char *period_name(enum sched_period p)
{
    return p == SCHED_MINUTE ? "每分钟" : p == SCHED_HOURLY ? "每小时" : "每天";
}

void jobs_list(FILE *out)
{
    for (size_t i = 0; i < scheduler_job_count(); i++) {
        const struct sched_job *j = scheduler_job_at(i);
        if (j->period == SCHED_DAILY)
            fprintf(out, "%s\t%s %d 点起\n", j->name, period_name(j->period), j->hour);
        else
            fprintf(out, "%s\t%s\n", j->name, period_name(j->period));
    }
}

int jobs_run(const char *name, int64_t now, FILE *out, FILE *err)
{
    int ran = 0;
    int rc = scheduler_run_now(name, now, &ran);
    if (rc == ZB_ENOTFOUND) {
        fprintf(err, "错误：没有名为 %s 的定时任务。现有任务：\n", name);
        jobs_list(err);
        return 2;
    }
    if (rc) {
        fprintf(err, "错误：有任务运行失败：%s（已运行 %d 个，见上方日志）\n", zb_strerror_zh(rc),
                ran);
        return 1;
    }
    fprintf(out, "已运行 %d 个定时任务%s%s。重复运行不会重复发送\n", ran, name ? "：" : "",
            name ? name : "");
    return 0;
}
