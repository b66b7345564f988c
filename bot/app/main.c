/*
 * main.c - the zhibu command line: the composition root. It builds the one command table from
 * the engine's commands (serve, version and help here; say, group, events, push and outbox in
 * cli_*.c) and every capability's (handlers/registry.c), and hands argv to cli_main (cli.c).
 * `serve` wires config, storage, the handlers and the HTTP edge together.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bot/app/cli.h"
#include "bot/app/cli_api.h"
#include "bot/app/cli_demo.h"
#include "bot/app/cli_engine.h"
#include "bot/app/cli_backup.h"
#include "bot/app/cli_jobs.h"
#include "bot/app/config.h"
#include "bot/app/serve.h"
#include "bot/base/version.h"
#include "handlers/registry.h"

/* load - the resolved config, with TZ and log level applied; exits 1 with the error. */
static struct config *load(const struct cli_ctx *c)
{
    struct config *cfg = cli_load_config(c->config_path);
    if (!cfg)
        exit(1);
    return cfg;
}

static int cmd_serve(struct cli_ctx *c)
{
    struct config *cfg = load(c);
    int status = serve_run(cfg);
    config_free(cfg);
    return status;
}

static int cmd_version(struct cli_ctx *c)
{
    (void)c;
    printf("zhibu %s\n", ZHIBU_VERSION);
    return 0;
}

static struct cli_table table; /* every command: the engine's and the capabilities' */

static int cmd_help(struct cli_ctx *c)
{
    const char *what = cli_word(c->args, 0);
    if (what && strcmp(what, "config") == 0) {
        config_print_doc(stdout);
    } else if (what && !cli_noun_known(&table, what)) {
        fprintf(stderr, "错误：没有名为 %s 的命令\n\n", what);
        cli_help(stderr, &table, NULL);
        return 2;
    } else {
        cli_help(stdout, &table, what);
    }
    return 0;
}

static const struct cli_command main_cmds[] = {
    {.noun = "serve", .summary = "启动服务（接收公众号、QQ 的消息，回复成员）", .run = cmd_serve},
    {.noun = "version", .summary = "版本号", .run = cmd_version},
    {.noun = "help",
     .usage = "[config|名词]",
     .summary = "本帮助；help config 列出全部配置项，help 名词 列出该名词的命令",
     .max_words = 1,
     .run = cmd_help},
};

/* count - the entries of a command array ended by {0}. */
static size_t count(const struct cli_command *cmds)
{
    size_t n = 0;
    while (cmds && cmds[n].noun)
        n++;
    return n;
}

int main(int argc, char **argv)
{
    if (cli_table_add(&table, main_cmds, 1, stderr) ||
        cli_table_add(&table, cli_say_cmds, cli_say_count, stderr) ||
        cli_table_add(&table, cli_group_cmds, cli_group_count, stderr) ||
        cli_table_add(&table, cli_events_cmds, cli_events_count, stderr) ||
        cli_table_add(&table, cli_wechat_cmds, cli_wechat_count, stderr) ||
        cli_table_add(&table, jobs_cli, jobs_cli_count, stderr) ||
        cli_table_add(&table, backup_cli, backup_cli_count, stderr) ||
        cli_table_add(&table, demo_cli, demo_cli_count, stderr) ||
        cli_table_add(&table, api_cli, api_cli_count, stderr))
        return 1;
    for (size_t i = 0; i < registry_caps_count; i++)
        if (cli_table_add(&table, registry_caps[i].cli, count(registry_caps[i].cli), stderr))
            return 1;
    if (cli_table_add(&table, main_cmds + 1, 2, stderr))
        return 1;
    if (registry_init())
        return 1;
    return cli_main(&table, argc, argv);
}
