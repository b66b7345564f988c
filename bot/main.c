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
#include "bot/router.h"
#include "bot/store.h"
#include "bot/version.h"
#include "handlers/feedback.h"
#include "handlers/registry.h"
#include "webhook/server.h"
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
    int limit;            /* --limit, 0 = default */
    struct buf text;      /* the remaining words joined by spaces */
};

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

static int cmd_serve(const struct opts *o)
{
    struct config *cfg = load(o);
    struct server *srv = NULL;
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
    log_info("zhibu %s serving %s (config %s, database %s)", ZHIBU_VERSION, cfg->listen, cfg->path,
             cfg->database);
    int sig = 0;
    sigwait(&set, &sig);
    log_info("zhibu: signal %d, stopping", sig);
    server_stop(srv);
    status = 0;
done:
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
    struct opts o = {0};
    parse_opts(argc - 2, argv + 2, &o);
    curl_global_init(CURL_GLOBAL_DEFAULT);
    int status = cmd->run(&o);
    buf_free(&o.text);
    curl_global_cleanup();
    return status;
}
