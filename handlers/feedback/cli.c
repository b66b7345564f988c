/* cli.c (feedback) - `zhibu feedback`: the members' messages for the secretary (feedback.h). */
#include <stdio.h>

#include "handlers/feedback/feedback.h"

static int cmd_feedback(struct cli_ctx *c)
{
    if (feedback_print(stdout, (int)cli_int(c->args, "--limit", 50))) {
        fprintf(stderr, "错误：读取数据库失败\n");
        return 1;
    }
    return 0;
}

static const struct cli_opt feedback_opts[] = {
    {"--limit", CLI_INT, 1, 100000, "N", "最多显示几条（默认 50）"},
    {0},
};

const struct cli_command feedback_cli[] = {
    {.noun = "feedback",
     .usage = "[--limit N]",
     .summary = "成员的留言（默认 50 条）",
     .opts = feedback_opts,
     .needs_store = true,
     .run = cmd_feedback},
    {0},
};
