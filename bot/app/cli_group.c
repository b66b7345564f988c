/*
 * cli_group.c - `zhibu group list|set|reset`: the reply rules of each QQ group (see
 * cli_engine.h, group_rules.h).
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "bot/base/clock.h"
#include "bot/app/cli_engine.h"
#include "bot/chat/group_rules.h"
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
};
const size_t cli_group_count = sizeof cli_group_cmds / sizeof cli_group_cmds[0];
