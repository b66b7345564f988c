/*
 * main.c - the zhibu command line: the composition root that wires config, storage, handlers
 * and the HTTP edge together. Subcommands: serve, say, events, feedback, member, branch, audit,
 * version, help (member, branch and audit live in cli_member.c).
 * Messages for the operator are in Chinese; the help text names the commands.
 */
#include <curl/curl.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bot/buf.h"
#include "bot/cli_member.h"
#include "bot/config.h"
#include "bot/eventlog.h"
#include "bot/log.h"
#include "bot/outbox.h"
#include "bot/rand.h"
#include "bot/retention.h"
#include "bot/router.h"
#include "bot/scheduler.h"
#include "bot/sender.h"
#include "bot/store.h"
#include "bot/version.h"
#include "bot/writer.h"
#include "handlers/feedback.h"
#include "handlers/registry.h"
#include "webhook/onebot_api.h"
#include "webhook/qqbot_api.h"
#include "webhook/server.h"
#include "webhook/wechat_api.h"
#include "webhook/wechat_say.h"

#define ERR_MAX 512

static const char usage[] =
    "zhibu " ZHIBU_VERSION " — 支部小助手：公众号与 QQ 群里的党支部工作助手\n"
    "\n"
    "用法: zhibu 命令 [选项]\n"
    "\n"
    "命令:\n"
    "  serve                      启动服务（接收公众号消息，回复成员）\n"
    "  say [--from ID] 文字        模拟微信给运行中的服务发一条消息，打印成员看到的回复\n"
    "      [--platform wechat]    （加签名；配置了 EncodingAESKey 时按安全模式加密）\n"
    "  events [--limit N]         最近 N 条消息及回复（默认 20）\n"
    "  feedback [--limit N]       成员的留言（默认 50）\n"
    "  push 收件人 文字           把一条消息放入发送队列，由运行中的服务发出。收件人：\n"
    "      --member 成员编号       按成员绑定的微信/QQ 自动选择渠道\n"
    "      --wechat OPENID        公众号用户（客服消息窗口内发客服消息，否则发模板消息）\n"
    "      --qq-user QQ号 | --qq-group 群号        通过 OneBot 发私聊或群消息\n"
    "      --qqbot-user OPENID | --qqbot-group OPENID  通过 QQ 官方机器人发送\n"
    "      [--kind reply|reminder|broadcast|digest] [--key 幂等键]\n"
    "  outbox [--status S] [--limit N]  发送队列：S 为 "
    "pending|sent|failed|unreachable（默认全部、20 条）\n"
    "%s"
    "  version                    版本号\n"
    "  help [config]              本帮助；help config 列出全部配置项\n"
    "\n"
    "每个命令都可加 --config 文件。未指定时依次使用 $ZHIBU_CONFIG、config/zhibu.json、\n"
    "演示配置 config/zhibu.example.json。\n"
    "\n"
    "党员在公众号或 QQ 里发送“绑定 绑定码”完成绑定，之后发送“我的”查看本人信息。\n";

struct opts {
    const char *config;   /* --config */
    const char *from;     /* --from */
    const char *group;    /* --group */
    const char *platform; /* --platform */
    const char *status;   /* --status */
    const char *kind;     /* --kind */
    const char *key;      /* --key */
    int rcpt;             /* push: recipient kind, -1 = none given */
    const char *to;       /* push: recipient id */
    int limit;            /* --limit, 0 = default */
    struct buf text;      /* the remaining words joined by spaces */
};

/* rcpt_option - the recipient kind an option of `push` names, or -1. */
static int rcpt_option(const char *a)
{
    static const struct {
        const char *opt;
        enum outbox_rcpt rcpt;
    } map[] = {{"--member", RCPT_MEMBER},         {"--wechat", RCPT_WECHAT},
               {"--qq-user", RCPT_ONEBOT_USER},   {"--onebot-user", RCPT_ONEBOT_USER},
               {"--qq-group", RCPT_ONEBOT_GROUP}, {"--onebot-group", RCPT_ONEBOT_GROUP},
               {"--qqbot-user", RCPT_QQBOT_USER}, {"--qqbot-group", RCPT_QQBOT_GROUP}};
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
        if (strcmp(a, map[i].opt) == 0)
            return (int)map[i].rcpt;
    return -1;
}

/* parse_opts - options after the subcommand; words go to o->text. Exit 2 on a bad option. */
static void parse_opts(int argc, char **argv, struct opts *o)
{
    buf_init(&o->text, 64 * 1024);
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        const char **slot = NULL;
        if (strcmp(a, "--config") == 0)
            slot = &o->config;
        else if (strcmp(a, "--from") == 0)
            slot = &o->from;
        else if (strcmp(a, "--group") == 0)
            slot = &o->group;
        else if (strcmp(a, "--platform") == 0)
            slot = &o->platform;
        else if (strcmp(a, "--status") == 0)
            slot = &o->status;
        else if (strcmp(a, "--kind") == 0)
            slot = &o->kind;
        else if (strcmp(a, "--key") == 0)
            slot = &o->key;
        else if (rcpt_option(a) >= 0) {
            if (i + 1 >= argc) {
                fprintf(stderr, "错误：%s 后面缺少取值\n", a);
                exit(2);
            }
            if (o->rcpt >= 0) {
                fprintf(stderr, "错误：只能指定一个收件人\n");
                exit(2);
            }
            o->rcpt = rcpt_option(a);
            o->to = argv[++i];
            continue;
        }
        if (slot || strcmp(a, "--limit") == 0) {
            if (i + 1 >= argc) {
                fprintf(stderr, "错误：%s 后面缺少取值\n", a);
                exit(2);
            }
            const char *v = argv[++i];
            if (slot) {
                *slot = v;
                continue;
            }
            char *end;
            long n = strtol(v, &end, 10);
            if (*end || n < 1 || n > 100000) {
                fprintf(stderr, "错误：--limit 需要 1 到 100000 的整数\n");
                exit(2);
            }
            o->limit = (int)n;
            continue;
        }
        if (strncmp(a, "--", 2) == 0 && a[2]) {
            fprintf(stderr, "错误：未知选项 %s（见 zhibu help）\n", a);
            exit(2);
        }
        if ((o->text.len && buf_append(&o->text, " ", 1)) || buf_appendz(&o->text, a)) {
            fprintf(stderr, "错误：文字太长\n");
            exit(2);
        }
    }
}

/* load - the resolved config, with TZ and log level applied; exits 1 with the error. */
static struct config *load(const struct opts *o)
{
    char err[ERR_MAX];
    struct config *cfg = NULL;
    if (config_load(config_resolve_path(o->config), &cfg, err, sizeof err)) {
        fprintf(stderr, "错误：%s\n", err);
        exit(1);
    }
    setenv("TZ", cfg->timezone, 1);
    tzset();
    log_set_level((enum log_level)log_parse_level(cfg->log_level));
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

static int cmd_serve(const struct opts *o)
{
    struct config *cfg = load(o);
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
    if (router_init(registry, registry_count, cfg->session_ttl_s)) {
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

static int cmd_say(const struct opts *o)
{
    if (o->platform && strcmp(o->platform, "wechat") != 0) {
        fprintf(stderr, "错误：--platform %s 暂不支持，目前只支持 wechat\n", o->platform);
        return 2;
    }
    if (o->text.len == 0) {
        fprintf(stderr, "用法：zhibu say [--from OPENID] 文字\n");
        return 2;
    }
    struct config *cfg = load(o);
    char err[ERR_MAX], *shown = NULL;
    int status = 0;
    if (!cfg->wechat.enabled) {
        fprintf(stderr, "错误：配置 %s 中 wechat.enabled 为 false\n", cfg->path);
        status = 1;
    } else if (wechat_say(cfg, o->from ? o->from : "o_zhibu_say", buf_str(&o->text), &shown, err,
                          sizeof err)) {
        fprintf(stderr, "错误：%s\n", err);
        status = 1;
    } else if (*shown) {
        printf("%s\n", shown);
    } else {
        fprintf(stderr, "（服务器没有回复内容）\n");
    }
    free(shown);
    config_free(cfg);
    return status;
}

static int cmd_list(const struct opts *o, int which)
{
    struct config *cfg = load(o);
    int status = open_store(cfg);
    if (!status) {
        int rc = which == 0 ? eventlog_print(stdout, o->limit ? o->limit : 20, cfg->timezone)
                            : feedback_print(stdout, o->limit ? o->limit : 50);
        if (rc) {
            fprintf(stderr, "错误：读取数据库失败\n");
            status = 1;
        }
    }
    store_close_thread();
    config_free(cfg);
    return status;
}

static int cmd_events(const struct opts *o)
{
    return cmd_list(o, 0);
}

static int cmd_feedback(const struct opts *o)
{
    return cmd_list(o, 1);
}

static int cmd_push(const struct opts *o)
{
    if (o->rcpt < 0 || o->text.len == 0) {
        fprintf(stderr, "用法：zhibu push --member 成员编号|--wechat OPENID|--qq-user QQ号|"
                        "--qq-group 群号|--qqbot-user OPENID|--qqbot-group OPENID 文字\n");
        return 2;
    }
    int kind = o->kind ? outbox_kind_parse(o->kind) : OUTBOX_BROADCAST;
    if (kind < 0) {
        fprintf(stderr, "错误：--kind 只能是 reply、reminder、broadcast 或 digest\n");
        return 2;
    }
    char key[128];
    if (o->key)
        snprintf(key, sizeof key, "%s", o->key);
    else
        snprintf(key, sizeof key, "cli:%lld:%016llx", (long long)time(NULL),
                 (unsigned long long)rand_u64());
    struct config *cfg = load(o);
    int status = open_store(cfg);
    if (status)
        goto done;
    struct outbox_msg m = {.idem_key = key,
                           .rcpt = (enum outbox_rcpt)o->rcpt,
                           .to = o->to,
                           .kind = (enum outbox_kind)kind,
                           .text = buf_str(&o->text)};
    int64_t id = 0, before = 0;
    long long had = 0;
    int rc = store_begin();
    if (rc == ZB_OK) {
        rc = outbox_count(NULL, &had);
        before = had;
    }
    if (rc == ZB_OK)
        rc = outbox_push(&m, &id);
    long long after = 0;
    if (rc == ZB_OK)
        rc = outbox_count(NULL, &after);
    if (rc == ZB_OK)
        rc = store_commit();
    else
        store_rollback();
    if (rc == ZB_EINVAL || rc == ZB_ETOOBIG) {
        fprintf(stderr, "错误：%s\n",
                rc == ZB_ETOOBIG ? "文字太长" : "收件人无效（成员编号、QQ 号和群号应为数字）");
        status = 2;
    } else if (rc) {
        fprintf(stderr, "错误：写入发送队列失败（见上方日志）\n");
        status = 1;
    } else if (after == before) {
        printf("幂等键 %s 已在队列中：#%lld，没有重复加入\n", key, (long long)id);
    } else {
        printf("已加入发送队列：#%lld（幂等键 %s）。运行中的服务会在几秒内发出，"
               "用 zhibu outbox 查看结果\n",
               (long long)id, key);
    }
done:
    store_close_thread();
    config_free(cfg);
    return status;
}

static int cmd_outbox(const struct opts *o)
{
    static const char *const ok[] = {"pending", "sending", "sent", "failed", "unreachable"};
    if (o->status) {
        size_t i = 0;
        while (i < sizeof ok / sizeof ok[0] && strcmp(ok[i], o->status) != 0)
            i++;
        if (i == sizeof ok / sizeof ok[0]) {
            fprintf(stderr,
                    "错误：--status 只能是 pending、sending、sent、failed 或 unreachable\n");
            return 2;
        }
    }
    struct config *cfg = load(o);
    int status = open_store(cfg);
    if (!status && outbox_print(stdout, o->status, o->limit ? o->limit : 20)) {
        fprintf(stderr, "错误：读取数据库失败\n");
        status = 1;
    }
    store_close_thread();
    config_free(cfg);
    return status;
}

static int cmd_version(const struct opts *o)
{
    (void)o;
    printf("zhibu %s\n", ZHIBU_VERSION);
    return 0;
}

static int cmd_help(const struct opts *o)
{
    if (strcmp(buf_str(&o->text), "config") == 0)
        config_print_doc(stdout);
    else
        printf(usage, cli_member_usage);
    return 0;
}

struct command {
    const char *name;                       /* first argument */
    int (*run)(const struct opts *o);       /* returns the exit status */
    int (*run_args)(int argc, char **argv); /* or: parses its own words (after the name) */
};

static const struct command commands[] = {
    {"serve", cmd_serve, NULL},       {"say", cmd_say, NULL},
    {"events", cmd_events, NULL},     {"feedback", cmd_feedback, NULL},
    {"push", cmd_push, NULL},         {"outbox", cmd_outbox, NULL},
    {"member", NULL, cli_member},     {"branch", NULL, cli_branch},
    {"audit", NULL, cli_audit},       {"version", cmd_version, NULL},
    {"--version", cmd_version, NULL}, {"help", cmd_help, NULL},
    {"--help", cmd_help, NULL},       {"-h", cmd_help, NULL},
};

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, usage, cli_member_usage);
        return 2;
    }
    const struct command *cmd = NULL;
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (strcmp(argv[1], commands[i].name) == 0)
            cmd = &commands[i];
    if (!cmd) {
        fprintf(stderr, "错误：未知命令 %s\n\n", argv[1]);
        fprintf(stderr, usage, cli_member_usage);
        return 2;
    }
    if (cmd->run_args)
        return cmd->run_args(argc - 2, argv + 2);
    struct opts o = {.rcpt = -1};
    parse_opts(argc - 2, argv + 2, &o);
    curl_global_init(CURL_GLOBAL_DEFAULT);
    int status = cmd->run(&o);
    buf_free(&o.text);
    curl_global_cleanup();
    return status;
}
