/*
 * main.c - the zhibu command line: the composition root that wires config, storage, handlers
 * and the HTTP edge together. Subcommands: serve, say, group, events, feedback, push, outbox,
 * member, branch, audit, version, help (member, branch and audit live in cli_member.c).
 * Messages for the operator are in Chinese; the help text names the commands.
 */
#include <curl/curl.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bot/base/buf.h"
#include "bot/base/clock.h"
#include "bot/app/cli_member.h"
#include "bot/app/config.h"
#include "bot/app/demo.h"
#include "bot/app/jobs.h"
#include "bot/chat/eventlog.h"
#include "bot/chat/group_rules.h"
#include "bot/base/log.h"
#include "bot/delivery/outbox.h"
#include "bot/base/rand.h"
#include "bot/chat/router.h"
#include "bot/delivery/scheduler.h"
#include "bot/delivery/sender.h"
#include "bot/store/store.h"
#include "bot/base/version.h"
#include "bot/store/writer.h"
#include "handlers/feedback/feedback.h"
#include "handlers/registry.h"
#include "webhook/qq/onebot_api.h"
#include "webhook/qq/qq_say.h"
#include "webhook/qq/qqbot_api.h"
#include "webhook/http/server.h"
#include "webhook/wechat/wechat_api.h"
#include "webhook/wechat/wechat_say.h"

#define ERR_MAX 512

static const char usage[] =
    "zhibu " ZHIBU_VERSION " — 支部小助手：公众号与 QQ 群里的党支部工作助手\n"
    "\n"
    "用法: zhibu 命令 [选项]\n"
    "\n"
    "命令:\n"
    "  serve                      启动服务（接收公众号、QQ 的消息，回复成员）\n"
    "  say [--platform P] [--from ID] [--group ID] [--at] 文字\n"
    "                             模拟平台给运行中的服务发一条消息，打印成员看到的回复：\n"
    "      --platform wechat      （默认）微信公众号：加签名，配置了 EncodingAESKey "
    "时按安全模式加密\n"
    "      --platform onebot      QQ（OneBot v11）：--from QQ 号，--group 群号（不加为私聊），\n"
    "                             --at 在消息前 @ 机器人；按 onebot.secret 签名，打印快速回复\n"
    "      --platform qqbot       QQ 开放平台机器人：--from openid，--group group_openid（群里\n"
    "                             总是 @ 机器人；不加为单聊）；用 qqbot.secret 派生的 Ed25519\n"
    "                             密钥签名。开放平台的回复不在 HTTP 应答里（应答只是 op 12 "
    "确认），\n"
    "                             "
    "所以打印的是服务为这条消息放进发件箱的被动回复（读配置里的数据库）\n"
    "                             长回复分成几条时，条与条之间用一行 ------ 隔开\n"
    "  group list                 各 QQ 群的回复规则（没有列出的群用默认规则）\n"
    "  group set --platform onebot|qqbot --group ID [--mode M] [--prefix P] [--welcome on|off]\n"
    "                             设置一个群：--mode "
    "normal（默认：@、前缀、整条是菜单词时回复）、\n"
    "                             mention（只在 @ "
    "或前缀时回复）、all（每条都回复）、off（不发言，\n"
    "                             只记录）；--prefix 群内前缀（\"\" 不用前缀，default "
    "用配置里的）；\n"
    "                             --welcome 新成员入群时是否欢迎。进行中的对话在任何模式下都继续\n"
    "  group reset --platform onebot|qqbot --group ID\n"
    "                             这个群恢复默认规则\n"
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
    "  jobs list | jobs run [任务名]  "
    "列出定时任务；立即运行一个（不写任务名则全部），不会重复发送\n"
    "  demo seed                  写入演示数据（演示组织和党员），可重复运行\n"
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
    const char *mode;     /* --mode (group set) */
    const char *prefix;   /* --prefix (group set) */
    const char *welcome;  /* --welcome on|off (group set) */
    bool at;              /* --at: the say message @s the bot */
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
        else if (strcmp(a, "--mode") == 0)
            slot = &o->mode;
        else if (strcmp(a, "--prefix") == 0)
            slot = &o->prefix;
        else if (strcmp(a, "--welcome") == 0)
            slot = &o->welcome;
        else if (strcmp(a, "--status") == 0)
            slot = &o->status;
        else if (strcmp(a, "--kind") == 0)
            slot = &o->kind;
        else if (strcmp(a, "--key") == 0)
            slot = &o->key;
        else if (strcmp(a, "--at") == 0) {
            o->at = true;
            continue;
        } else if (rcpt_option(a) >= 0) {
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
    if (jobs_register_all(cfg) || scheduler_start(&sch)) {
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

/* digits - a QQ number or group number: 1 to 19 digits, not starting with 0. */
static bool digits(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > 19 || s[0] == '0')
        return false;
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return false;
    return true;
}

/* say_qq - `say --platform onebot|qqbot`: check the ids, open the database, send, print. */
static int say_qq(const struct opts *o, const struct config *cfg, bool onebot)
{
    const char *from = o->from ? o->from : onebot ? "12345678" : "ZHIBUSAYUSER0001";
    char err[ERR_MAX], *shown = NULL;
    if (onebot && (!digits(from) || (o->group && !digits(o->group)))) {
        fprintf(stderr, "错误：OneBot 的 --from 和 --group 是 QQ 号、群号（数字）\n");
        return 2;
    }
    if ((onebot && !cfg->onebot.enabled) || (!onebot && !cfg->qqbot.enabled)) {
        fprintf(stderr, "错误：配置 %s 中 %s.enabled 为 false\n", cfg->path,
                onebot ? "onebot" : "qqbot");
        return 1;
    }
    if (open_store(cfg))
        return 1;
    int rc =
        onebot ? onebot_say(cfg, from, o->group, o->at, buf_str(&o->text), &shown, err, sizeof err)
               : qqbot_say(cfg, from, o->group, buf_str(&o->text), 2000, &shown, err, sizeof err);
    int status = 0;
    if (rc) {
        fprintf(stderr, "错误：%s\n", err);
        status = 1;
    } else if (*shown) {
        printf("%s\n", shown);
    } else if (o->group) {
        fprintf(stderr, "（没有回复：在群里，只有 @机器人、以前缀开头、整条是菜单词，或正在进行的"
                        "对话才会得到回复；见 zhibu group list）\n");
    } else {
        fprintf(stderr, "（服务器没有回复内容）\n");
    }
    free(shown);
    store_close_thread();
    return status;
}

static int cmd_say(const struct opts *o)
{
    const char *platform = o->platform ? o->platform : "wechat";
    bool wechat = strcmp(platform, "wechat") == 0, onebot = strcmp(platform, "onebot") == 0;
    if (!wechat && !onebot && strcmp(platform, "qqbot") != 0) {
        fprintf(stderr, "错误：--platform 只能是 wechat、onebot 或 qqbot\n");
        return 2;
    }
    if (o->text.len == 0) {
        fprintf(stderr, "用法：zhibu say [--platform wechat|onebot|qqbot] [--from ID] "
                        "[--group ID] [--at] 文字\n");
        return 2;
    }
    if (wechat && (o->group || o->at)) {
        fprintf(stderr, "错误：--group 和 --at 只用于 QQ（--platform onebot 或 qqbot）\n");
        return 2;
    }
    struct config *cfg = load(o);
    if (!wechat) {
        int status = say_qq(o, cfg, onebot);
        config_free(cfg);
        return status;
    }
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

/* group_show - one line on the rule now in force for (platform, group). */
static int group_show(const struct config *cfg, const char *platform, const char *group)
{
    struct group_rule r;
    if (group_rule_get(platform, group, &r))
        return ZB_EDB;
    const char *def =
        strcmp(platform, "onebot") == 0 ? cfg->onebot.group_prefix : cfg->qqbot.group_prefix;
    const char *prefix = r.has_prefix ? r.prefix : def;
    printf("%s 群 %s：模式 %s（%s），前缀 %s%s，入群欢迎 %s\n", platform, group,
           group_mode_name(r.mode), group_mode_doc(r.mode), *prefix ? prefix : "（不用前缀）",
           r.has_prefix ? "" : "（配置默认）", r.welcome ? "开" : "关");
    return ZB_OK;
}

static int cmd_group(const struct opts *o)
{
    const char *sub = buf_str(&o->text);
    bool list = strcmp(sub, "list") == 0, set = strcmp(sub, "set") == 0,
         reset = strcmp(sub, "reset") == 0;
    if (!list && !set && !reset) {
        fprintf(stderr, "用法：zhibu group list | set --platform onebot|qqbot --group ID "
                        "[--mode M] [--prefix P] [--welcome on|off] | reset --platform P --group ID"
                        "（见 zhibu help）\n");
        return 2;
    }
    const char *platform = o->platform ? o->platform : "";
    if (!list &&
        ((strcmp(platform, "onebot") && strcmp(platform, "qqbot")) || !o->group || !*o->group)) {
        fprintf(stderr, "错误：group %s 需要 --platform onebot|qqbot 和 --group 群号\n", sub);
        return 2;
    }
    if (set && o->mode && group_mode_parse(o->mode) < 0) {
        fprintf(stderr, "错误：--mode 只能是 normal、mention、all 或 off\n");
        return 2;
    }
    if (set && o->prefix && strcmp(o->prefix, "default") && !group_rule_prefix_ok(o->prefix)) {
        fprintf(stderr, "错误：--prefix 最多 %d 个字节，不能有空格\n", GROUP_PREFIX_MAX);
        return 2;
    }
    int welcome = -1;
    if (set && o->welcome) {
        welcome = strcmp(o->welcome, "on") == 0 ? 1 : strcmp(o->welcome, "off") == 0 ? 0 : -2;
        if (welcome == -2) {
            fprintf(stderr, "错误：--welcome 只能是 on 或 off\n");
            return 2;
        }
    }
    if (set && !o->mode && !o->prefix && welcome < 0) {
        fprintf(stderr, "错误：group set 至少要有 --mode、--prefix 或 --welcome 之一\n");
        return 2;
    }
    struct config *cfg = load(o);
    int status = open_store(cfg);
    int rc = ZB_OK;
    if (status) {
        /* already reported */
    } else if (list) {
        rc = group_rule_print(stdout);
    } else if ((rc = store_begin()) == ZB_OK) {
        rc = set ? group_rule_set(platform, o->group, o->mode, o->prefix, welcome,
                                  (int64_t)time(NULL))
                 : group_rule_reset(platform, o->group);
        if (rc == ZB_OK)
            rc = store_commit();
        else
            store_rollback();
        if (rc == ZB_ENOTFOUND) {
            printf("%s 群 %s 本来就用默认规则\n", platform, o->group);
            rc = ZB_OK;
        } else if (rc == ZB_OK) {
            printf(set ? "已设置。" : "已恢复默认。");
            rc = group_show(cfg, platform, o->group);
        }
    }
    if (!status && rc) {
        fprintf(stderr, "错误：%s\n",
                rc == ZB_EINVAL ? "取值不对（见 zhibu help）" : "读写数据库失败");
        status = 1;
    }
    store_close_thread();
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

/* cmd_jobs - `jobs list | run [NAME]` until the command table takes cli_jobs.c's rows. */
static int cmd_jobs(const struct opts *o)
{
    const char *words = buf_str(&o->text);
    bool list = strcmp(words, "list") == 0, run = strncmp(words, "run", 3) == 0;
    const char *name = run && words[3] == ' ' ? words + 4 : NULL;
    if (!list && !(run && (!words[3] || name))) {
        fprintf(stderr, "用法：zhibu jobs list | jobs run [任务名]\n");
        return 2;
    }
    struct config *cfg = load(o);
    int status = jobs_register_all(cfg) ? 1 : 0;
    if (!status && list)
        jobs_list(stdout);
    else if (!status && !(status = open_store(cfg)))
        status = jobs_run(name, clock_now(), stdout, stderr);
    store_close_thread();
    config_free(cfg);
    return status;
}

/* cmd_demo - `demo seed` until the command table takes cli_demo.c's row. */
static int cmd_demo(const struct opts *o)
{
    if (strcmp(buf_str(&o->text), "seed") != 0) {
        fprintf(stderr, "用法：zhibu demo seed\n");
        return 2;
    }
    struct config *cfg = load(o);
    int status = open_store(cfg);
    if (!status)
        status = demo_seed_print(stdout, stderr);
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
    {"group", cmd_group, NULL},       {"events", cmd_events, NULL},
    {"feedback", cmd_feedback, NULL}, {"push", cmd_push, NULL},
    {"outbox", cmd_outbox, NULL},     {"member", NULL, cli_member},
    {"branch", NULL, cli_branch},     {"audit", NULL, cli_audit},
    {"version", cmd_version, NULL},   {"--version", cmd_version, NULL},
    {"help", cmd_help, NULL},         {"--help", cmd_help, NULL},
    {"-h", cmd_help, NULL},           {"jobs", cmd_jobs, NULL},
    {"demo", cmd_demo, NULL},
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
