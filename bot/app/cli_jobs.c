/* cli_jobs.c - `zhibu jobs list|run [NAME]` (see cli_jobs.h); the lead wires the rows. */
#include "bot/app/cli_jobs.h"

#include "bot/app/config.h"
#include "bot/app/jobs.h"
#include "bot/base/clock.h"
#include "bot/delivery/scheduler.h"

#define ERR_MAX 512

/* with_jobs - load the config, register the jobs, then list or run. */
static int with_jobs(struct cli_ctx *c, bool run)
{
    char err[ERR_MAX];
    struct config *cfg = NULL;
    if (config_load(c->config_path, &cfg, err, sizeof err)) {
        fprintf(c->err, "错误：%s\n", err);
        return 1;
    }
    int status = 0;
    scheduler_reset();
    if (jobs_register_all(cfg)) {
        fprintf(c->err, "错误：定时任务注册失败\n");
        status = 1;
    } else if (run) {
        status = jobs_run(cli_word(c->args, 0), clock_now(), c->out, c->err);
    } else {
        jobs_list(c->out);
    }
    config_free(cfg);
    return status;
}

static int run_list(struct cli_ctx *c)
{
    return with_jobs(c, false);
}

static int run_run(struct cli_ctx *c)
{
    return with_jobs(c, true);
}

const struct cli_command jobs_cli[] = {
    {.noun = "jobs",
     .verb = "list",
     .usage = "",
     .summary = "列出定时任务",
     .min_words = 0,
     .max_words = 0,
     .run = run_list},
    {.noun = "jobs",
     .verb = "run",
     .usage = "[任务名]",
     .summary = "立即运行一个定时任务（不写任务名则运行全部）；重复运行不会重复发送",
     .min_words = 0,
     .max_words = 1,
     .needs_store = true,
     .run = run_run},
};

const size_t jobs_cli_count = sizeof jobs_cli / sizeof jobs_cli[0];
