/* cli_api.c - `zhibu api token` (see cli_api.h). */
#include "bot/app/cli_api.h"

#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include "bot/app/cli_engine.h"
#include "bot/app/config.h"
#include "bot/base/clock.h"
#include "bot/org/apisession.h"
#include "bot/org/audit.h"
#include "bot/org/member.h"
#include "bot/org/role.h"
#include "bot/store/store.h"

/* Who may issue a member's token: the operator, or a secretary for a member in their scope. */
static const struct role_action token_action = {
    .id = "api.token",
    .roles = ROLE_SECRETARY | ROLE_DEPUTY,
    .operator_ok = true,
    .refusal = "抱歉，只有书记、副书记（或服务器操作员）可以签发接口令牌。",
};

/* One issuing, inside store_tx_run. */
struct issuing {
    const struct actor *actor;            /* who issues */
    struct apisession s;                  /* IN: the member; OUT: the session */
    int64_t ttl_s;                        /* its lifetime */
    char token[APISESSION_TOKEN_LEN + 1]; /* OUT: the token */
};

static int issue(void *arg)
{
    struct issuing *is = arg;
    int64_t now = clock_now();
    char target[48], detail[64];
    int rc = apisession_issue(&is->s, NULL, is->ttl_s, now, is->token);
    if (rc)
        return rc;
    snprintf(target, sizeof target, "member:%lld", (long long)is->s.member_id);
    snprintf(detail, sizeof detail, "令牌 %lld，有效 %lld 秒", (long long)is->s.id,
             (long long)is->ttl_s);
    return audit_write(is->actor->label, "api_token", target, detail, is->actor->channel, now);
}

static int cmd_token(struct cli_ctx *c)
{
    if (!cli_has(c->args, "--member")) {
        fprintf(c->err, "错误：请用 --member 党员编号 指定令牌属于哪名党员\n");
        cli_usage(c->err, c->cmd);
        return 2;
    }
    long long id = cli_int(c->args, "--member", 0);
    struct member m;
    int rc = member_get(id, &m);
    if (rc) {
        fprintf(c->err,
                rc == ZB_ENOTFOUND ? "错误：没有编号为 %lld 的党员\n" : "错误：读取数据库失败\n",
                id);
        return 1;
    }
    const char *refusal = NULL;
    rc = role_can(c->actor, &token_action, m.branch_id, &refusal);
    if (rc) {
        fprintf(c->err, "错误：%s\n", rc == ZB_EDENIED && refusal ? refusal : "读取数据库失败");
        return 1;
    }
    struct config *cfg = cli_load_config(c->config_path);
    if (!cfg)
        return 1;
    struct issuing is = {.actor = c->actor,
                         .s = {.member_id = id},
                         .ttl_s = cli_int(c->args, "--ttl", cfg->api.token_ttl_s)};
    config_free(cfg);
    rc = store_tx_run(issue, &is);
    if (rc) {
        fprintf(c->err, "错误：无法签发令牌（%s）\n", zb_strerror_zh(rc));
        return 1;
    }
    fprintf(c->out, "%s\n", is.token);
    return 0;
}

static const struct cli_opt token_opts[] = {
    {"--member", CLI_INT, 1, INT64_MAX, "编号", "令牌属于哪名党员（必填）"},
    {"--ttl", CLI_INT, 60, 365L * 86400, "秒", "有效期，默认 api.token_ttl_s（7 天）"},
    {0},
};

const struct cli_command api_cli[] = {
    {.noun = "api",
     .verb = "token",
     .usage = "--member 党员编号 [--ttl 秒]",
     .summary = "为党员签发接口令牌（小程序和管理台用，记入审计），令牌打印在标准输出",
     .opts = token_opts,
     .needs_store = true,
     .action = &token_action,
     .run = cmd_token},
    {0},
};
const size_t api_cli_count = 1;
