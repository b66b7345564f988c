/*
 * cli_wechat.c - `zhibu wechat menu publish`: the official account's custom menu, built from the
 * chat handler table (webhook/wechat/wechat_menu.h) and created through the WeChat API
 * (wechat_api_menu_create). `zhibu wechat menu show` prints the JSON without sending it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bot/app/cli_engine.h"
#include "bot/app/config.h"
#include "bot/base/clock.h"
#include "bot/org/audit.h"
#include "bot/org/role.h"
#include "bot/store/store.h"
#include "handlers/registry.h"
#include "webhook/wechat/wechat_api.h"
#include "webhook/wechat/wechat_menu.h"

#define ERR_MAX 512

static const struct role_action menu_action = {
    .id = "wechat.menu",
    .operator_ok = true,
    .refusal = "抱歉，只有管理员可以发布公众号菜单。",
};

/* build - the menu JSON of the handler table; NULL (message printed) when there is none. Caller
 * frees with free. */
static char *build(const struct cli_ctx *c)
{
    size_t n = 0, left = 0;
    const struct handler *const *t = registry_handlers(&n);
    cJSON *menu = wechat_menu_build(t, n, &left);
    if (!menu) {
        fprintf(c->err, "错误：菜单里没有可发布的功能\n");
        return NULL;
    }
    if (left)
        fprintf(c->err, "注意：公众号菜单最多 15 项，有 %zu 项没有放进去\n", left);
    char *json = cJSON_PrintUnformatted(menu);
    cJSON_Delete(menu);
    return json;
}

static int audit_tx(void *arg)
{
    const struct cli_ctx *c = arg;
    return audit_write(c->actor->label, "wechat_menu", "wechat", "发布公众号自定义菜单", "cli",
                       clock_now());
}

static int cmd_menu(struct cli_ctx *c)
{
    const char *what = cli_word(c->args, 0);
    if (strcmp(what, "show") && strcmp(what, "publish")) {
        fprintf(c->err, "错误：没有 wechat menu %s，可用 show 或 publish\n", what);
        cli_usage(c->err, c->cmd);
        return 2;
    }
    char *json = build(c);
    if (!json)
        return 1;
    int status = 0;
    struct config *cfg = NULL;
    if (strcmp(what, "show") == 0) {
        fprintf(c->out, "%s\n", json);
        goto done;
    }
    status = 1;
    if (!(cfg = cli_load_config(c->config_path)))
        goto done;
    if (!cfg->wechat.app_id[0] || !cfg->wechat.app_secret[0]) {
        fprintf(c->err, "错误：需要先配置 wechat.app_id 和 wechat.app_secret\n");
        goto done;
    }
    char err[ERR_MAX] = "";
    if (wechat_api_menu_create(cfg, json, err, sizeof err)) {
        fprintf(c->err, "错误：公众号菜单发布失败：%s\n", err);
        goto done;
    }
    if (store_tx_run(audit_tx, c))
        fprintf(c->err, "注意：菜单已发布，但审计记录写入失败\n");
    fprintf(c->out, "公众号菜单已发布。关注者重新进入公众号后可见（最多约 5 分钟）。\n");
    status = 0;
done:
    config_free(cfg);
    free(json);
    return status;
}

const struct cli_command cli_wechat_cmds[] = {
    {.noun = "wechat",
     .verb = "menu",
     .usage = "show|publish",
     .summary = "公众号自定义菜单：show 显示按菜单生成的内容，publish 发布到公众号",
     .min_words = 1,
     .max_words = 1,
     .needs_store = true,
     .action = &menu_action,
     .run = cmd_menu},
};
const size_t cli_wechat_count = sizeof cli_wechat_cmds / sizeof cli_wechat_cmds[0];
