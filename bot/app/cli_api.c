/* cli_api.c - `zhibu api token` (see cli_api.h). */
#include "bot/app/cli_api.h"

#include <stdio.h>
#include <time.h>

#include "bot/app/cli_engine.h"
#include "bot/app/config.h"
#include "bot/base/clock.h"
#include "bot/org/apisession.h"
#include "bot/org/audit.h"
#include "bot/store/store.h"

/* One issuing, inside store_tx_run. */
struct issuing {
    struct apisession s;                  /* IN: the member; OUT: the session */
    int64_t ttl_s;                        /* its lifetime */
    char token[APISESSION_TOKEN_LEN + 1]; /* OUT: the token */
};

static int issue(void *arg)
{
    struct issuing *is = arg;
    int64_t now = clock_now();
    char who[AUDIT_ACTOR_MAX], target[48], detail[64];
    int rc = apisession_issue(&is->s, NULL, is->ttl_s, now, is->token);
    if (rc)
        return rc;
    audit_cli_actor(who, sizeof who);
    snprintf(target, sizeof target, "member:%lld", (long long)is->s.member_id);
    snprintf(detail, sizeof detail, "令牌 %lld，有效 %lld 秒", (long long)is->s.id,
             (long long)is->ttl_s);
    return audit_write(who, "api_token", target, detail, "cli", now);
}

static int cmd_token(struct cli_ctx *c)
{
    if (!actor_is_member(c->actor)) {
        fprintf(c->err, "错误：请用 --as 党员编号 指定令牌属于哪名党员\n");
        cli_usage(c->err, c->cmd);
        return 2;
    }
    struct config *cfg = cli_load_config(c->config_path);
    if (!cfg)
        return 1;
    struct issuing is = {.s = {.member_id = c->actor->member_id},
                         .ttl_s = cli_int(c->args, "--ttl", cfg->api.token_ttl_s)};
    config_free(cfg);
    int rc = store_tx_run(issue, &is);
    if (rc) {
        fprintf(c->err, "错误：无法签发令牌（%s）\n", zb_strerror(rc));
        return 1;
    }
    fprintf(c->out, "%s\n", is.token);
    return 0;
}

static const struct cli_opt token_opts[] = {
    {"--ttl", CLI_INT, 60, 365L * 86400, "秒", "有效期，默认 api.token_ttl_s（7 天）"},
    {0},
};

const struct cli_command api_cli[] = {
    {.noun = "api",
     .verb = "token",
     .usage = "--as 党员编号 [--ttl 秒]",
     .summary = "为党员签发接口令牌（小程序和管理台用，记入审计），令牌打印在标准输出",
     .opts = token_opts,
     .needs_store = true,
     .run = cmd_token},
    {0},
};
const size_t api_cli_count = 1;
