/* cli_demo.c - `zhibu demo seed` (see cli_demo.h); the lead wires the row. */
#include "bot/app/cli_demo.h"

#include "bot/app/demo.h"

static int run_seed(struct cli_ctx *c)
{
    return demo_seed_print(c->out, c->err);
}

const struct cli_command demo_cli[] = {
    {.noun = "demo",
     .verb = "seed",
     .usage = "",
     .summary = "写入演示数据：演示组织和党员（可重复运行，不会重复添加）",
     .min_words = 0,
     .max_words = 0,
     .needs_store = true,
     .run = run_seed},
};

const size_t demo_cli_count = sizeof demo_cli / sizeof demo_cli[0];
