/*
 * cli_group.c - `zhibu group list|set|reset|bind|unbind`: the reply rules of each QQ group and
 * the organisation it belongs to (see
 * cli_engine.h, group_rules.h).
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "bot/base/clock.h"
#include "bot/app/cli_engine.h"
#include "bot/chat/group_rules.h"
#include "bot/org/audit.h"
#include "bot/org/branch.h"
#include "bot/org/role.h"
#include "bot/store/store.h"

/* group_show - one line on the rule now in force for (platform, group). */
static int group_show(const struct cli_ctx *c, const char *platform, const char *group)
{
    struct group_rule r;
    if (group_rule_get(platform, group, &r))
        return ZB_EDB;
    const char *def =
        c->setting(strcmp(platform, "onebot") == 0 ? "onebot.group_prefix" : "qqbot.group_prefix");
    const char *prefix = r.has_prefix ? r.prefix : def ? def : "";
    printf("%s 群 %s：模式 %s（%s），前缀 %s%s，入群欢迎 %s\n", platform, group,
           group_mode_name(r.mode), group_mode_doc(r.mode), *prefix ? prefix : "（不用前缀）",
           r.has_prefix ? "" : "（配置默认）", r.welcome ? "开" : "关");
    return ZB_OK;
}

static int report(int rc)
{
    if (!rc)
        return 0;
    fprintf(stderr, "错误：%s\n", rc == ZB_EINVAL ? "取值不对（见 zhibu help）" : "读写数据库失败");
    return 1;
}

static int cmd_list(struct cli_ctx *c)
{
    (void)c;
    return report(group_rule_print(stdout));
}

/* target - the --platform and --group a set or reset needs; false (message printed) if absent. */
static bool target(const struct cli_ctx *c, const char **platform, const char **group)
{
    *platform = cli_str(c->args, "--platform");
    *group = cli_str(c->args, "--group");
    if (!*platform || (strcmp(*platform, "onebot") && strcmp(*platform, "qqbot")) || !*group ||
        !**group) {
        fprintf(stderr, "错误：group %s 需要 --platform onebot|qqbot 和 --group 群号\n",
                c->cmd->verb);
        return false;
    }
    return true;
}

/* write - set (or reset) inside one transaction, then show the rule. */
static int write(struct cli_ctx *c, bool set, const char *platform, const char *group,
                 const char *mode, const char *prefix, int welcome)
{
    int rc = store_begin();
    if (rc)
        return report(rc);
    rc = set ? group_rule_set(platform, group, mode, prefix, welcome, clock_now())
             : group_rule_reset(platform, group);
    if (rc == ZB_OK)
        rc = store_commit();
    else
        store_rollback();
    if (rc == ZB_ENOTFOUND) {
        printf("%s 群 %s 本来就用默认规则\n", platform, group);
        return 0;
    }
    if (rc == ZB_OK) {
        printf(set ? "已设置。" : "已恢复默认。");
        rc = group_show(c, platform, group);
    }
    return report(rc);
}

static int cmd_set(struct cli_ctx *c)
{
    const char *platform, *group;
    if (!target(c, &platform, &group))
        return 2;
    const char *mode = cli_str(c->args, "--mode"), *prefix = cli_str(c->args, "--prefix");
    const char *welcome_s = cli_str(c->args, "--welcome");
    if (mode && group_mode_parse(mode) < 0) {
        fprintf(stderr, "错误：--mode 只能是 normal、mention、all 或 off\n");
        return 2;
    }
    if (prefix && strcmp(prefix, "default") && !group_rule_prefix_ok(prefix)) {
        fprintf(stderr, "错误：--prefix 最多 %d 个字节，不能有空格\n", GROUP_PREFIX_MAX);
        return 2;
    }
    int welcome = -1;
    if (welcome_s) {
        welcome = strcmp(welcome_s, "on") == 0 ? 1 : strcmp(welcome_s, "off") == 0 ? 0 : -2;
        if (welcome == -2) {
            fprintf(stderr, "错误：--welcome 只能是 on 或 off\n");
            return 2;
        }
    }
    if (!mode && !prefix && welcome < 0) {
        fprintf(stderr, "错误：group set 至少要有 --mode、--prefix 或 --welcome 之一\n");
        return 2;
    }
    return write(c, true, platform, group, mode, prefix, welcome);
}

static int cmd_reset(struct cli_ctx *c)
{
    const char *platform, *group;
    if (!target(c, &platform, &group))
        return 2;
    return write(c, false, platform, group, NULL, NULL, -1);
}

/* Who may tie a group to an organisation: its committee (in their own subtree) or the operator. */
static const struct role_action bind_action = {
    .id = "group.bind",
    .roles = ROLE_SECRETARY | ROLE_DEPUTY | ROLE_ORGANIZER,
    .operator_ok = true,
    .refusal = "抱歉，只有书记、副书记、组织委员可以把 QQ 群绑定到支部。",
};

/* One bind or unbind, inside store_tx_run. */
struct binding_job {
    const struct actor *actor; /* who binds */
    const char *platform;      /* onebot | qqbot */
    const char *group;         /* the group's id */
    int64_t branch_id;         /* the organisation, 0 to unbind */
    const char *path;          /* its path, for the audit row */
};

static int bind_tx(void *arg)
{
    const struct binding_job *b = arg;
    int64_t now = clock_now();
    char target[160];
    snprintf(target, sizeof target, "group:%s:%s", b->platform, b->group);
    int rc = group_rule_bind(b->platform, b->group, b->branch_id, now);
    return rc ? rc
              : audit_write(b->actor->label, b->branch_id ? "group_bind" : "group_unbind", target,
                            b->branch_id ? b->path : "", b->actor->channel, now);
}

/* bind_or_unbind - `group bind` (with --branch) and `group unbind`. */
static int bind_or_unbind(struct cli_ctx *c, bool bind)
{
    const char *platform, *group;
    if (!target(c, &platform, &group))
        return 2;
    /* a OneBot (QQ) group number is digits; a QQ open-platform group_openid is letters and
     * digits */
    bool onebot = strcmp(platform, "onebot") == 0;
    size_t n = strlen(group);
    if (n > 128 ||
        (onebot
             ? strspn(group, "0123456789") != n || n > 20
             : strspn(group, "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_") !=
                   n)) {
        fprintf(stderr, onebot ? "错误：--group 应为 QQ 群号（数字）\n"
                               : "错误：--group 应为群的 group_openid（字母和数字）\n");
        return 2;
    }
    char err[BRANCH_ERR_MAX], path[BRANCH_PATH_MAX + 1] = "";
    struct binding_job b = {c->actor, platform, group, 0, path};
    if (bind) {
        const char *org = cli_str(c->args, "--branch");
        if (!org || !*org) {
            fprintf(stderr, "错误：group bind 需要 --branch 组织（路径或唯一的名称）\n");
            cli_usage(stderr, c->cmd);
            return 2;
        }
        if (branch_resolve(org, &b.branch_id, err, sizeof err)) {
            fprintf(stderr, "错误：%s\n", err);
            return 1;
        }
        if (branch_path(b.branch_id, path, sizeof path))
            return report(ZB_EDB);
    } else if (group_rule_branch(platform, group, &b.branch_id) || !b.branch_id) {
        printf("%s 群 %s 没有绑定组织\n", platform, group);
        return 0;
    }
    const char *refusal = NULL;
    int rc = role_can(c->actor, &bind_action, b.branch_id, &refusal);
    if (rc == ZB_EDENIED) {
        fprintf(stderr, "错误：%s\n", refusal);
        return 1;
    }
    if (!bind)
        b.branch_id = 0;
    if (rc || (rc = store_tx_run(bind_tx, &b)))
        return report(rc);
    if (bind)
        printf("已把 %s 群 %s 绑定到 %s：群里的竞答、通知回执和入群欢迎按这个组织的党员计算。\n",
               platform, group, path);
    else
        printf("已解除 %s 群 %s 与组织的绑定。\n", platform, group);
    return 0;
}

static int cmd_bind(struct cli_ctx *c)
{
    return bind_or_unbind(c, true);
}

static int cmd_unbind(struct cli_ctx *c)
{
    return bind_or_unbind(c, false);
}

static const struct cli_opt bind_opts[] = {
    {"--platform", CLI_STR, 0, 0, "onebot|qqbot", "哪个 QQ 接入"},
    {"--group", CLI_STR, 0, 0, "ID", "群号（OneBot）或 group_openid（QQ 机器人）"},
    {"--branch", CLI_STR, 0, 0, "组织", "组织的路径或唯一的名称，如 船闸支部"},
    {0},
};

static const struct cli_opt target_opts[] = {
    {"--platform", CLI_STR, 0, 0, "onebot|qqbot", "哪个 QQ 接入"},
    {"--group", CLI_STR, 0, 0, "ID", "群号（OneBot）或 group_openid（QQ 机器人）"},
    {0},
};

static const struct cli_opt set_opts[] = {
    {"--platform", CLI_STR, 0, 0, "onebot|qqbot", "哪个 QQ 接入"},
    {"--group", CLI_STR, 0, 0, "ID", "群号（OneBot）或 group_openid（QQ 机器人）"},
    {"--mode", CLI_STR, 0, 0, "M",
     "normal（默认：@、前缀、整条是菜单词时回复）、mention（只在 @ 或前缀时回复）、all（每条都"
     "回复）、off（不发言，只记录）"},
    {"--prefix", CLI_STR, 0, 0, "P", "群内前缀（\"\" 不用前缀，default 用配置里的）"},
    {"--welcome", CLI_STR, 0, 0, "on|off", "新成员入群时是否欢迎"},
    {0},
};

const struct cli_command cli_group_cmds[] = {
    {.noun = "group",
     .verb = "list",
     .summary = "各 QQ 群的回复规则（没有列出的群用默认规则）",
     .needs_store = true,
     .run = cmd_list},
    {.noun = "group",
     .verb = "set",
     .usage = "--platform onebot|qqbot --group ID [--mode M] [--prefix P] [--welcome on|off]",
     .summary = "设置一个群的回复规则；进行中的对话在任何模式下都继续",
     .opts = set_opts,
     .needs_store = true,
     .run = cmd_set},
    {.noun = "group",
     .verb = "reset",
     .usage = "--platform onebot|qqbot --group ID",
     .summary = "这个群恢复默认规则",
     .opts = target_opts,
     .needs_store = true,
     .run = cmd_reset},
    {.noun = "group",
     .verb = "bind",
     .usage = "--platform onebot|qqbot --group ID --branch 组织",
     .summary = "把 QQ 群绑定到支部：群里的竞答、通知回执和入群欢迎按这个组织的党员计算",
     .opts = bind_opts,
     .needs_store = true,
     .action = &bind_action,
     .run = cmd_bind},
    {.noun = "group",
     .verb = "unbind",
     .usage = "--platform onebot|qqbot --group ID",
     .summary = "解除 QQ 群与组织的绑定",
     .opts = target_opts,
     .needs_store = true,
     .action = &bind_action,
     .run = cmd_unbind},
};
const size_t cli_group_count = sizeof cli_group_cmds / sizeof cli_group_cmds[0];
