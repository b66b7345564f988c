/*
 * cli.c - study content for the operator and editors: import Markdown files into review, list,
 * show, who an item reaches, retire. Each command only translates to study.h.
 */
#include "handlers/study/cli.h"

#include <stdlib.h>
#include <string.h>

#include "bot/base/clock.h"
#include "bot/org/branch.h"
#include "bot/org/member.h"
#include "bot/store/store.h"
#include "handlers/study/study.h"
#include "handlers/todo/todo.h"

#define AUDIENCE_SHOWN 200 /* members listed by `content audience` */

struct import_job {
    const struct actor *a;
    int64_t org;
    const struct study_draft *d;
    size_t n;
    struct study_import_result res;
};

static int import_tx(void *arg)
{
    struct import_job *j = arg;
    return study_import(j->a, j->org, j->d, j->n, clock_now(), &j->res);
}

static int run_import(struct cli_ctx *c)
{
    const char *paths[64];
    size_t np = cli_nwords(c->args);
    if (np > 64)
        np = 64;
    for (size_t i = 0; i < np; i++)
        paths[i] = cli_word(c->args, i);
    if (!actor_is_member(c->actor)) {
        fprintf(c->err, "错误：导入需要用 --as 党员编号 指明撰稿人（审核人必须是另一位党员）\n");
        return 2;
    }
    int64_t org = 0;
    char err[STUDY_ERR_MAX + 600];
    const char *b = cli_str(c->args, "--branch");
    if (b && branch_resolve(b, &org, err, sizeof err)) {
        fprintf(c->err, "错误：%s\n", err);
        return 1;
    }
    struct study_draft *d = NULL;
    size_t n = 0;
    if (study_parse(paths, np, &d, &n, err, sizeof err)) {
        fprintf(c->err, "错误：%s\n没有导入任何内容。\n", err);
        return 1;
    }
    struct import_job j = {c->actor, org, d, n, {0, 0, 0}};
    int rc = store_tx_run(import_tx, &j);
    study_drafts_free(d, n);
    if (rc) {
        fprintf(c->err, "错误：%s\n没有导入任何内容。\n",
                rc == ZB_EDENIED     ? "只有支委委员可以为这个组织导入学习内容"
                : rc == ZB_ENOTFOUND ? "找不到撰稿人或组织"
                                     : zb_strerror_zh(rc));
        return 1;
    }
    fprintf(c->out,
            "已导入：新增 %d 篇，修订 %d 篇，未变 %d 篇。新增和修订的内容已进入审核。\n"
            "审核人（另一位宣传委员或书记）可用 zhibu todo --as 编号 查看。\n",
            j.res.added, j.res.revised, j.res.unchanged);
    return 0;
}

static int print_row(const struct study_item *it, void *arg)
{
    FILE *f = arg;
    fprintf(f, "%lld\t%s\t第%d版\t%s\t%s\n", (long long)it->id, study_status_name(it->status),
            it->version, it->h.title, it->h.audience[0] ? it->h.audience : "全体");
    return ZB_OK;
}

static int run_list(struct cli_ctx *c)
{
    int64_t root = 0;
    char err[BRANCH_ERR_MAX];
    const char *b = cli_str(c->args, "--branch");
    if (b && branch_resolve(b, &root, err, sizeof err)) {
        fprintf(c->err, "错误：%s\n", err);
        return 1;
    }
    fprintf(c->out, "编号\t状态\t版本\t标题\t对象\n");
    if (study_each(root, print_row, c->out)) {
        fprintf(c->err, "错误：读取学习内容失败\n");
        return 1;
    }
    return 0;
}

static int item_arg(struct cli_ctx *c, struct study_item *it)
{
    char *end = NULL;
    long long id = strtoll(cli_word(c->args, 0), &end, 10);
    if (!end || *end || id <= 0) {
        fprintf(c->err, "错误：编号应为数字\n");
        return 2;
    }
    if (study_get(id, it)) {
        fprintf(c->err, "错误：没有编号为 %lld 的学习内容\n", id);
        return 1;
    }
    return 0;
}

static void name_of(int64_t id, char *out, size_t outsz)
{
    struct member m;
    snprintf(out, outsz, "%s", id && member_get(id, &m) == ZB_OK ? m.name : "—");
}

static int run_show(struct cli_ctx *c)
{
    struct study_item it;
    int st = item_arg(c, &it);
    if (st)
        return st;
    char org[BRANCH_PATH_MAX + 1] = "", a[MEMBER_NAME_MAX + 1], r1[MEMBER_NAME_MAX + 1],
                               r2[MEMBER_NAME_MAX + 1];
    if (branch_path(it.org_id, org, sizeof org))
        snprintf(org, sizeof org, "%lld", (long long)it.org_id);
    name_of(it.author_id, a, sizeof a);
    name_of(it.reviewer1_id, r1, sizeof r1);
    name_of(it.reviewer2_id, r2, sizeof r2);
    fprintf(c->out,
            "编号：%lld\n标题：%s\n状态：%s（第 %d 版）\n组织：%s\n对象：%s\n标签：%s\n日期：%s\n"
            "摘要：%s\n出处：%s\n撰稿：%s\n审核：%s%s%s\n\n%s\n",
            (long long)it.id, it.h.title, study_status_name(it.status), it.version, org,
            it.h.audience[0] ? it.h.audience : "全体", it.h.tags, it.h.date, it.h.summary,
            it.h.source, a, r1, it.reviewer2_id ? "、" : "", it.reviewer2_id ? r2 : "", it.body);
    char why[TODO_REASON_MAX + 1];
    int64_t by = 0;
    if (it.status == STUDY_REJECTED && study_return_reason(it.id, why, sizeof why, &by) == ZB_OK &&
        why[0]) {
        char who[MEMBER_NAME_MAX + 1];
        name_of(by, who, sizeof who);
        fprintf(c->out, "\n退回原因（%s）：%s\n", who, why);
    }
    study_item_clear(&it);
    return 0;
}

struct aud {
    FILE *f;
    int n;
};

static int print_member(int64_t id, const char *name, void *arg)
{
    struct aud *a = arg;
    if (a->n++ < AUDIENCE_SHOWN)
        fprintf(a->f, "%lld\t%s\n", (long long)id, name);
    return ZB_OK;
}

static int run_audience(struct cli_ctx *c)
{
    struct study_item it;
    int st = item_arg(c, &it);
    if (st)
        return st;
    struct aud a = {c->out, 0};
    int rc = study_audience_each(&it, print_member, &a);
    study_item_clear(&it);
    if (rc) {
        fprintf(c->err, "错误：读取党员失败\n");
        return 1;
    }
    fprintf(c->out, "共 %d 人%s\n", a.n, a.n > AUDIENCE_SHOWN ? "（只列出前 200 人）" : "");
    return 0;
}

struct retire_job {
    const struct actor *a;
    int64_t id;
};

static int retire_tx(void *arg)
{
    struct retire_job *j = arg;
    return study_retire(j->a, j->id, clock_now());
}

static int run_retire(struct cli_ctx *c)
{
    struct study_item it;
    int st = item_arg(c, &it);
    if (st)
        return st;
    struct retire_job j = {c->actor, it.id};
    study_item_clear(&it);
    int rc = store_tx_run(retire_tx, &j);
    if (rc) {
        fprintf(c->err, "错误：%s\n",
                rc == ZB_EDONE     ? "这篇内容不是已发布状态，无需下线"
                : rc == ZB_EDENIED ? "您没有管理这篇内容的权限"
                                   : zb_strerror_zh(rc));
        return 1;
    }
    fprintf(c->out, "已下线，党员将不再收到这篇内容。\n");
    return 0;
}

static const struct cli_opt branch_opt[] = {
    {"--branch", CLI_STR, 0, 0, "组织", "内容所属组织（路径或唯一名称），默认是撰稿人的组织"},
    {0},
};

const struct cli_command study_cli[] = {
    {"content", "import", "目录或文件... --as 编号 [--branch 组织]",
     "导入学习内容（Markdown），进入审核", branch_opt, 1, 64, true, NULL, run_import},
    {"content", "list", "[--branch 组织]", "列出学习内容及其状态", branch_opt, 0, 0, true,
     &study_manage_action, run_list},
    {"content", "show", "编号", "查看一篇学习内容", NULL, 1, 1, true, &study_manage_action,
     run_show},
    {"content", "audience", "编号", "这篇内容会发给哪些党员", NULL, 1, 1, true,
     &study_manage_action, run_audience},
    {"content", "retire", "编号", "下线一篇已发布的内容", NULL, 1, 1, true, &study_manage_action,
     run_retire},
    {0},
};
