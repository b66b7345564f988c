/*
 * main.c - the zhibu command line: the composition root. It builds the one command table from
 * the engine's commands (serve, version and help here; say, group, events, push and outbox in
 * cli_*.c) and every capability's (handlers/registry.c), and hands argv to cli_main (cli.c).
 * `serve` wires config, storage, the handlers and the HTTP edge together.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bot/app/cli.h"
#include "bot/app/cli_engine.h"
#include "bot/app/config.h"
#include "bot/base/log.h"
#include "bot/base/version.h"
#include "bot/chat/router.h"
#include "bot/delivery/retention.h"
#include "bot/delivery/scheduler.h"
#include "bot/delivery/sender.h"
#include "bot/store/store.h"
#include "bot/store/writer.h"
#include "handlers/registry.h"
#include "webhook/http/server.h"
#include "webhook/qq/onebot_api.h"
#include "webhook/qq/qqbot_api.h"
#include "webhook/wechat/wechat_api.h"

#define ERR_MAX 512

/* load - the resolved config, with TZ and log level applied; exits 1 with the error. */
static struct config *load(const struct cli_ctx *c)
{
    struct config *cfg = cli_load_config(c->config_path);
    if (!cfg)
        exit(1);
    return cfg;
}

static int open_store(const struct config *cfg)
{
    if (store_init(cfg->database, cfg->durability_power)) {
        fprintf(stderr, "错误：无法打开数据库 %s（见上方日志）\n", cfg->database);
        return 1;
    }
    return 0;
}

/*
 * delivery_config - the sender's settings from cfg, with a client for each platform that can
 * send: WeChat with app_id and app_secret, OneBot and the QQ bot when enabled.
 */
static void delivery_config(const struct config *cfg, struct sender_config *sc,
                            struct send_client *clients[PLATFORM_COUNT])
{
    memset(sc, 0, sizeof *sc);
    sc->concurrency = cfg->outbox.concurrency;
    sc->max_attempts = cfg->outbox.max_attempts;
    sc->backoff_s = cfg->outbox.backoff_s;
    sc->backoff_max_s = cfg->outbox.backoff_max_s;
    sc->timeout_ms = cfg->outbox.timeout_ms;
    sc->rate_pause_s = cfg->outbox.rate_pause_s;
    sc->rate[PLATFORM_WECHAT] = cfg->ratelimit.wechat;
    sc->rate[PLATFORM_ONEBOT] = cfg->ratelimit.onebot;
    sc->rate[PLATFORM_QQBOT] = cfg->ratelimit.qqbot;
    struct channel_rules *r = &sc->rules;
    channel_rules_default(r);
    if (channel_parse_order(r, cfg->outbox.channel_order))
        log_warn("outbox.channel_order unreadable; using wechat,onebot,qqbot");
    r->cs_window_s = cfg->wechat.cs_window_s;
    r->cs_limit = cfg->wechat.cs_limit;
    for (int k = 0; k < OUTBOX_KIND_COUNT; k++) {
        r->template_id[k] = cfg->wechat.template_id[k];
        r->subscribe_id[k] = cfg->wechat.subscribe_id[k];
    }
    r->qq_active = cfg->qqbot.active_push;
    if (*cfg->wechat.app_id && *cfg->wechat.app_secret) {
        r->platform_on[PLATFORM_WECHAT] = true;
        clients[PLATFORM_WECHAT] = wechat_api_client(cfg);
    }
    if (cfg->onebot.enabled) {
        r->platform_on[PLATFORM_ONEBOT] = true;
        clients[PLATFORM_ONEBOT] = onebot_api_client(cfg);
    }
    if (cfg->qqbot.enabled) {
        r->platform_on[PLATFORM_QQBOT] = true;
        clients[PLATFORM_QQBOT] = qqbot_api_client(cfg);
    }
    for (int p = 0; p < PLATFORM_COUNT; p++)
        sc->client[p] = clients[p];
}

static int cmd_serve(struct cli_ctx *c)
{
    struct config *cfg = load(c);
    struct server *srv = NULL;
    struct sender *snd = NULL;
    struct scheduler *sch = NULL;
    struct sender_config scfg;
    struct send_client *clients[PLATFORM_COUNT] = {NULL};
    char err[ERR_MAX];
    int status = 1;
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &set, NULL); /* worker threads inherit the mask */
    signal(SIGPIPE, SIG_IGN);
    if (open_store(cfg))
        goto done;
    size_t n_handlers = 0;
    const struct handler *const *handlers = registry_handlers(&n_handlers);
    if (router_init(handlers, n_handlers, cfg->session_ttl_s)) {
        fprintf(stderr, "错误：处理器表有冲突（见上方日志）\n");
        goto done;
    }
    if (server_start(cfg, &srv, err, sizeof err)) {
        fprintf(stderr, "错误：%s\n", err);
        goto done;
    }
    delivery_config(cfg, &scfg, clients);
    if (sender_start(&scfg, &snd)) {
        fprintf(stderr, "错误：无法启动发送线程（见上方日志）\n");
        goto done;
    }
    if (retention_register(cfg->outbox.keep_days) || scheduler_start(&sch)) {
        fprintf(stderr, "错误：无法启动定时任务线程\n");
        goto done;
    }
    log_info("zhibu %s serving %s (config %s, database %s)", ZHIBU_VERSION, cfg->listen, cfg->path,
             cfg->database);
    int sig = 0;
    sigwait(&set, &sig);
    log_info("zhibu: signal %d, stopping", sig);
    server_stop(srv); /* no new requests, then the router's writer */
    srv = NULL;
    writer_stop();
    status = 0;
done:
    server_stop(srv);
    scheduler_stop(sch);
    sender_stop(snd);
    wechat_api_free(clients[PLATFORM_WECHAT]);
    onebot_api_free(clients[PLATFORM_ONEBOT]);
    qqbot_api_free(clients[PLATFORM_QQBOT]);
    store_close_thread();
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
    if (what && strcmp(what, "config") == 0)
        config_print_doc(stdout);
    else
        cli_help(stdout, &table, what);
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
        cli_table_add(&table, cli_events_cmds, cli_events_count, stderr))
        return 1;
    for (size_t i = 0; i < registry_caps_count; i++)
        if (cli_table_add(&table, registry_caps[i].cli, count(registry_caps[i].cli), stderr))
            return 1;
    if (cli_table_add(&table, main_cmds + 1, 2, stderr))
        return 1;
    return cli_main(&table, argc, argv);
}
