/* cli.c - `zhibu todo` and `zhibu decide` (see cli.h): the inbox's CLI face. */
#include "handlers/todo/cli.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bot/base/clock.h"
#include "bot/store/store.h"
#include "handlers/todo/todo.h"

static int run_todo(struct cli_ctx *c)
{
    struct todo_item *items = calloc(TODO_CLI_SHOWN, sizeof *items);
    size_t n = 0, total = 0;
    int rc = items ? todo_list(c->actor, items, TODO_CLI_SHOWN, &n, &total) : ZB_EDB;
    if (rc) {
        fprintf(c->err, "错误：读取待办失败（见上方日志）\n");
        free(items);
        return 1;
    }
    if (n == 0)
        fprintf(c->out, "暂无待办\n");
    for (size_t i = 0; i < n; i++) {
        char when[32] = "";
        time_t t = (time_t)items[i].d.opened_at;
        struct tm tm;
        if (localtime_r(&t, &tm))
            strftime(when, sizeof when, "%Y-%m-%d %H:%M", &tm);
        fprintf(c->out, "%lld\t%s\t%s\t%s\n", (long long)items[i].d.id, when,
                items[i].d.kind->label, items[i].summary);
    }
    if (total > n)
        fprintf(c->out, "……另有 %zu 项未列出\n", total - n);
    free(items);
    return 0;
}

/* One decision, run in store_tx_run. */
struct decide_call {
    const struct actor *actor; /* who decides */
    long long id;              /* the decision */
    enum todo_verdict verdict; /* approve or return */
    const char *reason;        /* the return's reason, "" for none */
    struct decision d;         /* OUT: the decision as decided (or found) */
};

static int decide_tx(void *arg)
{
    struct decide_call *k = arg;
    return todo_decide(k->actor, k->id, k->verdict, k->reason, clock_now(), &k->d);
}

static int run_decide(struct cli_ctx *c)
{
    const char *idw = cli_word(c->args, 0), *verb = cli_word(c->args, 1);
    char *end = NULL;
    long long id = idw ? strtoll(idw, &end, 10) : 0;
    if (!idw || *end || id <= 0) {
        fprintf(c->err, "错误：待办编号应为正整数\n");
        cli_usage(c->err, c->cmd);
        return 2;
    }
    /* the verbs in English or as the inbox says them in chat */
    bool approve = verb && (strcmp(verb, "approve") == 0 || strcmp(verb, "同意") == 0 ||
                            strcmp(verb, "通过") == 0 || strcmp(verb, "批准") == 0);
    if (!approve && !(verb && (strcmp(verb, "return") == 0 || strcmp(verb, "退回") == 0))) {
        fprintf(c->err, "错误：第二个词只能是 approve（同意）或 return（退回）\n");
        cli_usage(c->err, c->cmd);
        return 2;
    }
    const char *reason = cli_text(c->args, 2);
    if (!approve && !*reason) {
        fprintf(c->err, "错误：退回需要写明原因：zhibu decide %lld return 原因\n", id);
        return 2;
    }
    struct decide_call call = {c->actor, id, approve ? TODO_APPROVE : TODO_RETURN, reason, {0}};
    int rc = store_tx_run(decide_tx, &call);
    const struct decision d = call.d;
    switch (rc) {
    case ZB_OK:
        fprintf(c->out, "已%s待办 %lld（%s）\n", approve ? "同意" : "退回", id, d.kind->label);
        return 0;
    case ZB_ENOTFOUND:
        fprintf(c->err, "错误：没有编号为 %lld 的待办\n", id);
        return 1;
    case ZB_EDONE:
        fprintf(c->err, "错误：待办 %lld 已由 %s %s\n", id, d.decided_by,
                d.state == TODO_APPROVED ? "同意" : "退回");
        return 1;
    case ZB_EDENIED:
        fprintf(c->err,
                "错误：%s 不能处理待办 %lld：不由这个身份处理，或它的事项已撤销、办完（用 --as "
                "成员编号 以有权处理的党员身份）\n",
                c->actor->label, id);
        return 1;
    case ZB_ETOOBIG:
        fprintf(c->err, "错误：原因太长（最多 %d 字节）\n", TODO_REASON_MAX);
        return 2;
    case ZB_EINVAL:
        if (!approve) {
            fprintf(c->err, "错误：退回需要写明原因：zhibu decide %lld return 原因\n", id);
            return 2;
        }
        fprintf(c->err, "错误：待办 %lld 现在不能同意（%s 不接受）\n", id,
                d.kind ? d.kind->label : "");
        return 1;
    default:
        fprintf(c->err, "错误：处理失败：%s（见上方日志）\n", zb_strerror_zh(rc));
        return 1;
    }
}

const struct cli_command todo_cli[] = {
    {.noun = "todo",
     .usage = "",
     .summary = "列出等待本人处理的事项（审核、审批、接收），每项带编号",
     .min_words = 0,
     .max_words = 0,
     .needs_store = true,
     .run = run_todo},
    {.noun = "decide",
     .usage = "编号 approve|return [原因]",
     .summary = "同意（approve 或 同意）或退回（return 或 退回，须写原因）一项待办",
     .min_words = 2,
     .max_words = -1,
     .needs_store = true,
     .run = run_decide},
    {0},
};

const size_t todo_cli_count = sizeof todo_cli / sizeof todo_cli[0] - 1;
