/*
 * cli.c - the quiz's CLI face: `zhibu quiz import FILE --as MEMBER [--branch ORG]` (a JSON bank or
 * a spreadsheet's CSV; all or nothing, then review through the inbox), `zhibu quiz list
 * [--batch ID]`, `zhibu quiz record MEMBER [--days N]`.
 */
#include "handlers/quiz/cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "bot/base/clock.h"
#include "bot/org/branch.h"
#include "bot/org/member.h"
#include "bot/store/store.h"
#include "handlers/quiz/quiz.h"

struct import_job {
    const struct actor *a;
    struct quiz_bank *b;
    int64_t org;
    const char *name;
    int64_t batch, decision;
};

static int import_tx(void *arg)
{
    struct import_job *j = arg;
    return quiz_import(j->a, j->b, j->org, j->name, clock_now(), &j->batch, &j->decision);
}

/* read_all - the file at path, at most QUIZ_FILE_MAX bytes, into *out (caller frees). */
static int read_all(const char *path, char **out, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return ZB_EIO;
    char *data = malloc(QUIZ_FILE_MAX + 1);
    size_t n = data ? fread(data, 1, QUIZ_FILE_MAX + 1, f) : 0;
    int bad = ferror(f);
    fclose(f);
    if (!data || bad || n > QUIZ_FILE_MAX) {
        free(data);
        return !data || bad ? ZB_EIO : ZB_ETOOBIG;
    }
    data[n] = '\0';
    *out = data;
    *len = n;
    return ZB_OK;
}

static bool ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcasecmp(s + n - m, suffix) == 0;
}

static int cmd_import(struct cli_ctx *c)
{
    const char *path = cli_word(c->args, 0);
    if (!actor_is_member(c->actor)) {
        fprintf(c->err, "错误：导入题库须指明导入人：--as 党员编号（审核时导入人不能自审）\n");
        return 2;
    }
    bool csv = ends_with(path, ".csv");
    if (!csv && !ends_with(path, ".json")) {
        fprintf(c->err, "错误：只能导入 .json 或 .csv 文件\n");
        return 2;
    }
    char *data = NULL;
    size_t len = 0;
    int rc = read_all(path, &data, &len);
    if (rc) {
        if (rc == ZB_ETOOBIG)
            fprintf(c->err, "错误：文件太大（最多 %d 字节）\n", QUIZ_FILE_MAX);
        else
            fprintf(c->err, "错误：无法读取文件 %s\n", path);
        return 1;
    }
    struct quiz_bank b;
    rc = csv ? quiz_parse_csv(data, len, &b) : quiz_parse_json(data, len, &b);
    free(data);
    int64_t org = 0;
    const char *branch = cli_str(c->args, "--branch");
    if (rc == ZB_OK && branch) {
        char err[BRANCH_ERR_MAX];
        if (branch_resolve(branch, &org, err, sizeof err)) {
            fprintf(c->err, "错误：%s\n", err);
            quiz_bank_free(&b);
            return 1;
        }
    }
    struct import_job j = {.a = c->actor, .b = &b, .org = org, .name = path};
    const char *slash = strrchr(path, '/');
    j.name = slash ? slash + 1 : path;
    if (rc == ZB_OK)
        rc = store_tx_run(import_tx, &j);
    int status = 0;
    if (rc == ZB_OK) {
        fprintf(c->out, "已导入 %zu 题（批次 %lld），等待审核：待办 %lld。\n", b.n,
                (long long)j.batch, (long long)j.decision);
        fprintf(c->out, "审核人用 zhibu decide %lld approve --as 审核人编号 通过。\n",
                (long long)j.decision);
    } else if (rc == ZB_EDENIED) {
        fprintf(c->err, "错误：%s\n", quiz_act_import.refusal);
        status = 1;
    } else {
        fprintf(c->err, "错误：题库有 %zu 处问题，没有导入任何题目：\n%s", b.problems,
                buf_str(&b.report));
        if (b.problems > QUIZ_PROBLEMS_MAX)
            fprintf(c->err, "……另有 %zu 处问题未列出\n", b.problems - QUIZ_PROBLEMS_MAX);
        if (!b.problems)
            fprintf(c->err, "（数据库写入失败，见上方日志）\n");
        status = 1;
    }
    quiz_bank_free(&b);
    return status;
}

static int cmd_list(struct cli_ctx *c)
{
    if (quiz_list(cli_int(c->args, "--batch", 0), c->out)) {
        fprintf(c->err, "错误：读取题库失败（见上方日志）\n");
        return 1;
    }
    return 0;
}

static int cmd_record(struct cli_ctx *c)
{
    const char *w = cli_word(c->args, 0);
    char *end = NULL;
    long long id = strtoll(w, &end, 10);
    if (*end || id <= 0) {
        fprintf(c->err, "错误：党员编号应为正整数\n");
        return 2;
    }
    struct member m;
    int rc = member_get(id, &m);
    if (rc == ZB_ENOTFOUND) {
        fprintf(c->err, "错误：没有编号为 %lld 的党员\n", id);
        return 1;
    }
    long days = cli_int(c->args, "--days", 7);
    struct quiz_stats s;
    if (rc || quiz_record(id, clock_now() - days * 86400, &s)) {
        fprintf(c->err, "错误：读取答题记录失败（见上方日志）\n");
        return 1;
    }
    fprintf(c->out, "%s 近 %ld 天：答题 %d 轮，作答 %d 题，答对 %d 题，积分 %d。\n", m.name, days,
            s.rounds, s.answered, s.right, s.points);
    return 0;
}

static const struct cli_opt import_opts[] = {
    {"--branch", CLI_STR, 0, 0, "组织", "题目所属组织（路径或唯一名称），默认导入人所在组织"},
    {0},
};
static const struct cli_opt list_opts[] = {
    {"--batch", CLI_INT, 1, 1000000000, "批次", "只列这一批"},
    {0},
};
static const struct cli_opt record_opts[] = {
    {"--days", CLI_INT, 1, 3660, "天数", "统计最近几天，默认 7"},
    {0},
};

const struct cli_command quiz_cli[] = {
    {"quiz", "import", "文件.json|文件.csv --as 党员编号 [--branch 组织]",
     "导入题库（JSON，或 Excel 另存的 CSV：UTF-8 或 GBK），整批送审", import_opts, 1, 1, true,
     &quiz_act_import, cmd_import},
    {"quiz", "list", "[--batch 批次]", "列出题库里的题目及状态", list_opts, 0, 0, true, NULL,
     cmd_list},
    {"quiz", "record", "党员编号 [--days 天数]", "查看一名党员的答题记录", record_opts, 1, 1, true,
     NULL, cmd_record},
    {0},
};
