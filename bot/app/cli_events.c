/*
 * cli_events.c - `zhibu events`, `zhibu push` and `zhibu outbox`: the event log and the outbox
 * as the operator sees them (see cli_engine.h).
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bot/base/clock.h"
#include "bot/app/cli_engine.h"
#include "bot/base/rand.h"
#include "bot/chat/eventlog.h"
#include "bot/delivery/outbox.h"
#include "bot/org/audit.h"
#include "bot/org/member.h"
#include "bot/org/role.h"
#include "bot/store/store.h"

#define KEY_MAX 128

static int cmd_events(struct cli_ctx *c)
{
    if (eventlog_print(stdout, (int)cli_int(c->args, "--limit", 20), c->timezone)) {
        fprintf(stderr, "错误：读取数据库失败\n");
        return 1;
    }
    return 0;
}

/* The recipient options of push, one of which names who gets the message. */
static const struct {
    const char *opt;
    enum outbox_rcpt rcpt;
} rcpts[] = {{"--member", RCPT_MEMBER},         {"--wechat", RCPT_WECHAT},
             {"--qq-user", RCPT_ONEBOT_USER},   {"--onebot-user", RCPT_ONEBOT_USER},
             {"--qq-group", RCPT_ONEBOT_GROUP}, {"--onebot-group", RCPT_ONEBOT_GROUP},
             {"--qqbot-user", RCPT_QQBOT_USER}, {"--qqbot-group", RCPT_QQBOT_GROUP}};
#define N_RCPTS (sizeof rcpts / sizeof rcpts[0])

/* refuse_unknown_member - --member names a member who exists: 0; else the error is printed and
 * the exit status comes back (2 not a number, 1 no such member or the database failed), so the
 * push is refused at once, not left to fail in the sender. */
static int refuse_unknown_member(const char *to)
{
    char *end;
    errno = 0;
    long long id = strtoll(to, &end, 10);
    if (errno || end == to || *end || id < 1) {
        fprintf(stderr, "错误：--member 需要党员编号（zhibu member list 每行开头的数字）\n");
        return 2;
    }
    struct member m;
    int rc = member_get(id, &m);
    if (rc == ZB_OK && m.left_at) {
        fprintf(stderr, "错误：#%lld 已移出名单，没有加入发送队列\n", id);
        return 1;
    }
    if (rc == ZB_ENOTFOUND)
        fprintf(stderr, "错误：没有编号为 %lld 的党员，没有加入发送队列\n", id);
    else if (rc)
        fprintf(stderr, "错误：读取数据库失败（见上方日志）\n");
    return rc != ZB_OK ? 1 : 0;
}

static int cmd_push(struct cli_ctx *c)
{
    int rcpt = -1, given = 0;
    const char *to = NULL;
    for (size_t i = 0; i < N_RCPTS; i++)
        if (cli_has(c->args, rcpts[i].opt)) {
            rcpt = (int)rcpts[i].rcpt;
            to = cli_str(c->args, rcpts[i].opt);
            given++;
        }
    if (given > 1) {
        fprintf(stderr, "错误：只能指定一个收件人\n");
        return 2;
    }
    if (rcpt < 0) {
        cli_usage(stderr, c->cmd);
        return 2;
    }
    int refused = rcpt == RCPT_MEMBER ? refuse_unknown_member(to) : 0;
    if (refused)
        return refused;
    const char *kind_s = cli_str(c->args, "--kind"), *key_s = cli_str(c->args, "--key");
    int kind = kind_s ? outbox_kind_parse(kind_s) : OUTBOX_BROADCAST;
    if (kind < 0) {
        fprintf(stderr, "错误：--kind 只能是 reply、reminder、broadcast 或 digest\n");
        return 2;
    }
    char key[KEY_MAX];
    if (key_s)
        snprintf(key, sizeof key, "%s", key_s);
    else
        snprintf(key, sizeof key, "cli:%lld:%016llx", (long long)clock_now(),
                 (unsigned long long)rand_u64());
    struct outbox_msg m = {.idem_key = key,
                           .rcpt = (enum outbox_rcpt)rcpt,
                           .to = to,
                           .kind = (enum outbox_kind)kind,
                           .text = cli_text(c->args, 0)};
    int64_t id = 0;
    long long before = 0, after = 0;
    int rc = store_begin();
    if (rc == ZB_OK)
        rc = outbox_count(NULL, &before);
    if (rc == ZB_OK)
        rc = outbox_push(&m, &id);
    if (rc == ZB_OK)
        rc = outbox_count(NULL, &after);
    if (rc == ZB_OK)
        rc = store_commit();
    else
        store_rollback();
    if (rc == ZB_EINVAL || rc == ZB_ETOOBIG) {
        fprintf(stderr, "错误：%s\n",
                rc == ZB_ETOOBIG ? "文字太长" : "收件人无效（成员编号、QQ 号和群号应为数字）");
        return 2;
    }
    if (rc) {
        fprintf(stderr, "错误：写入发送队列失败（见上方日志）\n");
        return 1;
    }
    if (after == before)
        printf("幂等键 %s 已在队列中：#%lld，没有重复加入\n", key, (long long)id);
    else
        printf("已加入发送队列：#%lld（幂等键 %s）。运行中的服务会在几秒内发出，"
               "用 zhibu outbox 查看结果\n",
               (long long)id, key);
    return 0;
}

/* The audit row of `outbox --unmask`, inside store_tx_run. */
struct unmask_audit {
    const struct actor *actor; /* who */
    const char *status;        /* the listing's --status, NULL for all */
};

static int unmask_audit_tx(void *arg)
{
    const struct unmask_audit *ua = arg;
    return audit_write(ua->actor->label, "unmask", "outbox", ua->status ? ua->status : "全部",
                       ua->actor->channel, clock_now());
}

static int cmd_outbox(struct cli_ctx *c)
{
    static const char *const ok[] = {"pending", "sending", "sent", "failed", "unreachable"};
    const char *status = cli_str(c->args, "--status");
    if (status) {
        size_t i = 0;
        while (i < sizeof ok / sizeof ok[0] && strcmp(ok[i], status) != 0)
            i++;
        if (i == sizeof ok / sizeof ok[0]) {
            fprintf(stderr,
                    "错误：--status 只能是 pending、sending、sent、failed 或 unreachable\n");
            return 2;
        }
    }
    bool unmask = cli_has(c->args, "--unmask");
    if (unmask && actor_is_member(c->actor)) {
        fprintf(stderr, "错误：只有服务器操作员可以查看完整手机号\n");
        return 1;
    }
    if (unmask) { /* full phones are personal data: audited before they are shown */
        struct unmask_audit ua = {c->actor, status};
        if (store_tx_run(unmask_audit_tx, &ua)) {
            fprintf(stderr, "错误：写入审计记录失败（见上方日志）\n");
            return 1;
        }
    }
    if (outbox_print(stdout, status, (int)cli_int(c->args, "--limit", 20), unmask)) {
        fprintf(stderr, "错误：读取数据库失败\n");
        return 1;
    }
    return 0;
}

/* Who may cancel or retry a queued message: the operator (the CLI without --as). The queue
 * holds every organisation's messages, so no member's scope covers it: the roles are the
 * elected ones, and a member is refused by outbox_change_run on top of role_can. */
static const struct role_action outbox_manage = {
    .id = "outbox.manage",
    .roles = ROLE_SECRETARY,
    .operator_ok = true,
    .refusal = "抱歉，只有服务器操作员可以取消或重发队列中的消息。",
};

/* One cancel or retry, inside store_tx_run. */
struct outbox_change {
    const struct actor *actor; /* who */
    int64_t id;                /* the row */
    bool retry;                /* retry, else cancel */
    char was[16];              /* OUT: its status before */
};

static int outbox_change_tx(void *arg)
{
    struct outbox_change *oc = arg;
    int64_t now = clock_now();
    int rc = oc->retry ? outbox_retry(oc->id, now, oc->was, sizeof oc->was)
                       : outbox_cancel(oc->id, now, oc->was, sizeof oc->was);
    if (rc)
        return rc;
    char target[32];
    snprintf(target, sizeof target, "outbox:%lld", (long long)oc->id);
    return audit_write(oc->actor->label, oc->retry ? "outbox_retry" : "outbox_cancel", target,
                       oc->was, oc->actor->channel, now);
}

/* outbox_change_run - outbox cancel|retry ID. */
static int outbox_change_run(struct cli_ctx *c, bool retry)
{
    char *end;
    const char *w = cli_word(c->args, 0);
    errno = 0;
    long long id = strtoll(w, &end, 10);
    if (errno || end == w || *end || id < 1) {
        fprintf(stderr, "错误：“%s”不是消息编号（zhibu outbox 每行 # 后的数字）\n", w);
        return 2;
    }
    if (actor_is_member(c->actor)) {
        fprintf(stderr, "错误：%s\n", outbox_manage.refusal);
        return 1;
    }
    struct outbox_change oc = {.actor = c->actor, .id = id, .retry = retry};
    int rc = store_tx_run(outbox_change_tx, &oc);
    if (rc == ZB_ENOTFOUND) {
        fprintf(stderr, "错误：没有编号为 %lld 的消息\n", id);
        return 1;
    }
    if (rc == ZB_EINVAL) {
        fprintf(stderr, "错误：#%lld %s，不能%s（只能处理待发送、失败或无法送达的消息）\n", id,
                strcmp(oc.was, "sent") == 0 ? "已送达" : "正在发送", retry ? "重发" : "取消");
        return 1;
    }
    if (rc) {
        fprintf(stderr, "错误：数据库操作失败（见上方日志）\n");
        return 1;
    }
    if (retry)
        printf("已安排重发 #%lld（运行中的服务会马上发送）\n", id);
    else
        printf("已取消 #%lld，不会再发送\n", id);
    return 0;
}

static int cmd_outbox_cancel(struct cli_ctx *c)
{
    return outbox_change_run(c, false);
}

static int cmd_outbox_retry(struct cli_ctx *c)
{
    return outbox_change_run(c, true);
}

static const struct cli_opt events_opts[] = {
    {"--limit", CLI_INT, 1, 100000, "N", "最多显示几条（默认 20）"},
    {0},
};

static const struct cli_opt push_opts[] = {
    {"--member", CLI_STR, 0, 0, "编号", "成员：按成员绑定的微信/QQ 自动选择渠道"},
    {"--wechat", CLI_STR, 0, 0, "OPENID", "公众号用户（窗口内发客服消息，否则发模板消息）"},
    {"--qq-user", CLI_STR, 0, 0, "QQ号", "通过 OneBot 发私聊"},
    {"--onebot-user", CLI_STR, 0, 0, "QQ号", "同 --qq-user"},
    {"--qq-group", CLI_STR, 0, 0, "群号", "通过 OneBot 发群消息"},
    {"--onebot-group", CLI_STR, 0, 0, "群号", "同 --qq-group"},
    {"--qqbot-user", CLI_STR, 0, 0, "OPENID", "通过 QQ 官方机器人发单聊"},
    {"--qqbot-group", CLI_STR, 0, 0, "OPENID", "通过 QQ 官方机器人发群消息"},
    {"--kind", CLI_STR, 0, 0, "K", "reply、reminder、broadcast（默认）或 digest"},
    {"--key", CLI_STR, 0, 0, "幂等键", "同一个键只入队一次"},
    {0},
};

static const struct cli_opt outbox_opts[] = {
    {"--status", CLI_STR, 0, 0, "S", "pending、sending、sent、failed 或 unreachable（默认全部）"},
    {"--limit", CLI_INT, 1, 100000, "N", "最多显示几条（默认 20）"},
    {"--unmask", CLI_FLAG, 0, 0, NULL, "显示完整手机号（记入审计）"},
    {0},
};

const struct cli_command cli_events_cmds[] = {
    {.noun = "events",
     .usage = "[--limit N]",
     .summary = "最近 N 条消息及回复（默认 20）",
     .opts = events_opts,
     .needs_store = true,
     .run = cmd_events},
    {.noun = "push",
     .usage = "--member 编号|--wechat OPENID|--qq-user QQ号|--qq-group 群号|--qqbot-user "
              "OPENID|--qqbot-group OPENID [--kind K] [--key 幂等键] 文字",
     .summary = "把一条消息放入发送队列，由运行中的服务发出",
     .opts = push_opts,
     .min_words = 1,
     .max_words = -1,
     .needs_store = true,
     .run = cmd_push},
    {.noun = "outbox",
     .usage = "[--status S] [--limit N] [--unmask]",
     .summary = "发送队列（默认全部、20 条）",
     .opts = outbox_opts,
     .needs_store = true,
     .run = cmd_outbox},
    {.noun = "outbox",
     .verb = "cancel",
     .usage = "编号",
     .summary = "取消一条待发送、失败或无法送达的消息（记入审计）",
     .min_words = 1,
     .max_words = 1,
     .needs_store = true,
     .action = &outbox_manage,
     .run = cmd_outbox_cancel},
    {.noun = "outbox",
     .verb = "retry",
     .usage = "编号",
     .summary = "重发一条失败、无法送达或待发送的消息（记入审计）",
     .min_words = 1,
     .max_words = 1,
     .needs_store = true,
     .action = &outbox_manage,
     .run = cmd_outbox_retry},
};
const size_t cli_events_count = sizeof cli_events_cmds / sizeof cli_events_cmds[0];
