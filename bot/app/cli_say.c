/*
 * cli_say.c - `zhibu say`: pretend to be a platform, send one message to the running server and
 * print what the member would see (see cli_engine.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bot/app/open.h"
#include "bot/app/cli_engine.h"
#include "bot/app/config.h"
#include "bot/base/textfmt.h"
#include "bot/store/store.h"
#include "webhook/wechat/wxmini_say.h"
#include "webhook/qq/qq_say.h"
#include "webhook/wechat/wechat_say.h"

#define ERR_MAX 512

/* say_qq - `say --platform onebot|qqbot`: check the ids, open the database, send, print. */
static int say_qq(const struct cli_args *a, const struct config *cfg, bool onebot)
{
    const char *group = cli_str(a, "--group");
    const char *from = cli_str(a, "--from");
    if (!from)
        from = onebot ? "12345678" : "ZHIBUSAYUSER0001";
    char err[ERR_MAX], *shown = NULL;
    if (onebot &&
        (!textfmt_digits(from, 1, 19, false) || (group && !textfmt_digits(group, 1, 19, false)))) {
        fprintf(stderr, "错误：OneBot 的 --from 和 --group 是 QQ 号、群号（数字）\n");
        return 2;
    }
    if ((onebot && !cfg->onebot.enabled) || (!onebot && !cfg->qqbot.enabled)) {
        fprintf(stderr, "错误：配置 %s 中 %s.enabled 为 false\n", cfg->path,
                onebot ? "onebot" : "qqbot");
        return 1;
    }
    if (app_store_init(cfg->database, cfg->durability_power)) {
        fprintf(stderr, "错误：无法打开数据库 %s（见上方日志）\n", cfg->database);
        return 1;
    }
    const char *text = cli_text(a, 0);
    int rc = onebot
                 ? onebot_say(cfg, from, group, cli_has(a, "--at"), text, &shown, err, sizeof err)
                 : qqbot_say(cfg, from, group, text, 2000, &shown, err, sizeof err);
    int status = 0;
    if (rc) {
        fprintf(stderr, "错误：%s\n", err);
        status = 1;
    } else if (*shown) {
        printf("%s\n", shown);
    } else if (group) {
        fprintf(stderr, "（没有回复：在群里，只有 @机器人、以前缀开头、整条是菜单词，或正在进行的"
                        "对话才会得到回复；见 zhibu group list）\n");
    } else {
        fprintf(stderr, "（服务器没有回复内容）\n");
    }
    free(shown);
    store_close_thread();
    return status;
}

/* say_wxmini - the mini-program's push; prints the reply queued for customer service. */
static int say_wxmini(const struct cli_args *a, const struct config *cfg)
{
    const char *from = cli_str(a, "--from");
    char err[ERR_MAX], *shown = NULL;
    if (!cfg->wxmini.enabled) {
        fprintf(stderr, "错误：配置 %s 中 wxmini.enabled 为 false\n", cfg->path);
        return 1;
    }
    if (app_store_init(cfg->database, cfg->durability_power)) {
        fprintf(stderr, "错误：无法打开数据库 %s（见上方日志）\n", cfg->database);
        return 1;
    }
    int status = 0;
    if (wxmini_say(cfg, from ? from : "o_zhibu_mini_say", cli_text(a, 0), 2000, &shown, err,
                   sizeof err)) {
        fprintf(stderr, "错误：%s\n", err);
        status = 1;
    } else if (*shown) {
        printf("%s\n", shown);
    } else {
        fprintf(stderr, "（服务器没有回复内容）\n");
    }
    free(shown);
    store_close_thread();
    return status;
}

static int cmd_say(struct cli_ctx *c)
{
    const char *platform = cli_str(c->args, "--platform");
    if (!platform)
        platform = "wechat";
    bool wechat = strcmp(platform, "wechat") == 0, onebot = strcmp(platform, "onebot") == 0;
    bool wxmini = strcmp(platform, "wxmini") == 0;
    if (!wechat && !onebot && !wxmini && strcmp(platform, "qqbot") != 0) {
        fprintf(stderr, "错误：--platform 只能是 wechat、onebot、qqbot 或 wxmini\n");
        return 2;
    }
    if ((wechat || wxmini) && (cli_has(c->args, "--group") || cli_has(c->args, "--at"))) {
        fprintf(stderr, "错误：--group 和 --at 只用于 QQ（--platform onebot 或 qqbot）\n");
        return 2;
    }
    struct config *cfg = cli_load_config(c->config_path);
    if (!cfg)
        return 1;
    if (!wechat) {
        int status = wxmini ? say_wxmini(c->args, cfg) : say_qq(c->args, cfg, onebot);
        config_free(cfg);
        return status;
    }
    const char *from = cli_str(c->args, "--from");
    char err[ERR_MAX], *shown = NULL;
    int status = 0;
    if (!cfg->wechat.enabled) {
        fprintf(stderr, "错误：配置 %s 中 wechat.enabled 为 false\n", cfg->path);
        status = 1;
    } else if (wechat_say(cfg, from ? from : "o_zhibu_say", cli_text(c->args, 0), &shown, err,
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

static const struct cli_opt say_opts[] = {
    {"--platform", CLI_STR, 0, 0, "P",
     "wechat（默认，公众号；配置了 EncodingAESKey 时按安全模式加密）、onebot（QQ OneBot v11，按 "
     "onebot.secret 签名，打印快速回复）或 qqbot（QQ 开放平台机器人，打印服务为这条消息放进发件箱"
     "的被动回复）或 wxmini（微信小程序消息推送，打印服务为这条消息放进发件箱的客服消息）"},
    {"--from", CLI_STR, 0, 0, "ID", "发送者：openid 或 QQ 号"},
    {"--group", CLI_STR, 0, 0, "ID", "QQ 群号或 group_openid（不加为私聊）"},
    {"--at", CLI_FLAG, 0, 0, NULL, "在消息前 @ 机器人（OneBot）"},
    {0},
};

const struct cli_command cli_say_cmds[] = {
    {.noun = "say",
     .usage = "[--platform wechat|onebot|qqbot|wxmini] [--from ID] [--group ID] [--at] 文字",
     .summary = "模拟平台给运行中的服务发一条消息，打印成员看到的回复（长回复分条时用一行 ------ "
                "隔开）",
     .opts = say_opts,
     .min_words = 1,
     .max_words = -1,
     .run = cmd_say},
};
const size_t cli_say_count = sizeof cli_say_cmds / sizeof cli_say_cmds[0];
