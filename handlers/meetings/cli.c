/* cli.c - the meetings' CLI face (see cli.h). */
#include "handlers/meetings/cli.h"

#include <stdlib.h>
#include <string.h>

#include "bot/base/xmalloc.h"
#include "bot/base/clock.h"
#include "bot/org/branch.h"
#include "bot/store/store.h"
#include "handlers/meetings/meetings.h"

/* branch_of - the --branch option's 支部, or the --as member's; 0 after saying why, with the exit
 * status in *status (2 when --branch is missing: a usage error; 1 when it names no branch). */
static int64_t branch_of(struct cli_ctx *c, int *status)
{
    const char *name = cli_str(c->args, "--branch");
    char err[BRANCH_ERR_MAX];
    int64_t id = 0;
    if (!name) {
        if (actor_is_member(c->actor) && meetings_member_branch(c->actor->member_id, &id) == ZB_OK)
            return id;
        fprintf(c->err, "错误：请用 --branch 指定支部\n");
        cli_usage(c->err, c->cmd);
        *status = 2;
        return 0;
    }
    if (branch_resolve(name, &id, err, sizeof err)) {
        fprintf(c->err, "错误：%s\n", err);
        *status = 1;
        return 0;
    }
    return id;
}

static int64_t id_word(struct cli_ctx *c)
{
    const char *w = cli_word(c->args, 0);
    char *end = NULL;
    long long v = w ? strtoll(w, &end, 10) : 0;
    if (!w || *end || v <= 0) {
        fprintf(c->err, "错误：会议编号应为正整数\n");
        return 0;
    }
    return v;
}

static int fail(struct cli_ctx *c, int rc)
{
    switch (rc) {
    case ZB_ENOTFOUND:
        fprintf(c->err, "错误：没有找到该会议（或人员、党小组）\n");
        return 1;
    case ZB_EDENIED:
        fprintf(c->err, "错误：%s 无权进行此操作\n", c->actor->label);
        return 1;
    case ZB_EDONE:
        fprintf(c->err, "错误：会议已取消\n");
        return 1;
    case ZB_EINVAL:
        fprintf(c->err, "错误：时间已过去（补录已开的会用 --held）或参数不对\n");
        return 2;
    case ZB_ETOOBIG:
        fprintf(c->err, "错误：内容太长\n");
        return 2;
    default:
        fprintf(c->err, "错误：操作失败：%s（见上方日志）\n", zb_strerror_zh(rc));
        return 1;
    }
}

struct add_call {
    struct cli_ctx *c;
    struct meetings_new nm;
    struct meeting m;
    int invited;
    const char *what;
};

static int add_tx(void *arg)
{
    struct add_call *k = arg;
    return meetings_add(k->c->actor, &k->nm, clock_now(), &k->m, &k->invited, &k->what);
}

static int run_add(struct cli_ctx *c)
{
    const char *kind = cli_str(c->args, "--kind"), *at_text = cli_str(c->args, "--at");
    if (!kind || !at_text || !cli_str(c->args, "--place")) {
        fprintf(c->err, "错误：需要 --kind、--at 和 --place\n");
        cli_usage(c->err, c->cmd);
        return 2;
    }
    int k = meeting_kind_parse(kind);
    if (k < 0) {
        fprintf(
            c->err,
            "错误：--kind 应为 支部党员大会、支委会、党小组会、党课、主题党日、组织生活会 之一\n");
        return 2;
    }
    char at[64];
    snprintf(at, sizeof at, "%s", at_text);
    int64_t when = 0;
    if (when_parse_at(at, clock_now() - 400 * 86400LL, &when, NULL) &&
        when_parse_at(at, clock_now(), &when, NULL)) {
        fprintf(c->err, "错误：--at 时间格式应为 \"2026-12-01 15:00\"\n");
        return 2;
    }
    int status = 1;
    int64_t branch = branch_of(c, &status);
    if (!branch)
        return status;
    struct add_call call = {.c = c,
                            .nm = {.org_id = branch,
                                   .kind = (enum meeting_kind)k,
                                   .group = cli_str(c->args, "--group"),
                                   .starts_at = when,
                                   .place = cli_str(c->args, "--place"),
                                   .topic = cli_str(c->args, "--topic"),
                                   .chair = cli_str(c->args, "--chair"),
                                   .recorder = cli_str(c->args, "--recorder"),
                                   .held = cli_has(c->args, "--held")}};
    int rc = store_tx_run(add_tx, &call);
    if (rc)
        return fail(c, rc);
    char w[64];
    when_format(call.m.starts_at, w, sizeof w);
    fprintf(c->out, "已安排会议 %lld：%s %s %s，通知 %d 人\n", (long long)call.m.id,
            meeting_kind_name(call.m.kind), w, call.m.place, call.nm.held ? 0 : call.invited);
    return 0;
}

struct id_call {
    struct cli_ctx *c;
    int64_t id;
    int64_t at;
    const char *text;
    char code[8];
};

static int cancel_tx(void *arg)
{
    struct id_call *k = arg;
    return meetings_cancel(k->c->actor, k->id, clock_now());
}

static int change_tx(void *arg)
{
    struct id_call *k = arg;
    return meetings_change(k->c->actor, k->id, k->at, k->text, clock_now());
}

static int code_tx(void *arg)
{
    struct id_call *k = arg;
    return meetings_set_code(k->c->actor, k->id, k->code, sizeof k->code, clock_now());
}

static int minutes_tx(void *arg)
{
    struct id_call *k = arg;
    return meetings_minutes(k->c->actor, k->id, k->text, clock_now());
}

/* held_fail - a refused change or cancel of a meeting that took place gets its own sentence. */
static int held_fail(struct cli_ctx *c, int64_t id, int rc)
{
    bool held = false;
    if (rc == ZB_EINVAL && meetings_held(id, clock_now(), &held) == ZB_OK && held) {
        fprintf(c->err,
                "错误：会议 %lld 已经开过（有人签到或已有纪要），已记入台账，不能变更或取消\n",
                (long long)id);
        return 1;
    }
    return fail(c, rc);
}

static int run_cancel(struct cli_ctx *c)
{
    struct id_call k = {.c = c, .id = id_word(c)};
    int rc = k.id ? store_tx_run(cancel_tx, &k) : ZB_EINVAL;
    if (rc)
        return k.id ? held_fail(c, k.id, rc) : 2;
    fprintf(c->out, "已取消会议 %lld，并通知参会人\n", (long long)k.id);
    return 0;
}

static int run_change(struct cli_ctx *c)
{
    struct id_call k = {.c = c, .id = id_word(c), .text = cli_str(c->args, "--place")};
    if (!k.id)
        return 2;
    const char *at = cli_str(c->args, "--at");
    if (at && when_parse_at(at, clock_now(), &k.at, NULL)) {
        fprintf(c->err, "错误：--at 时间格式应为 \"2026-12-01 15:00\"\n");
        return 2;
    }
    int rc = store_tx_run(change_tx, &k);
    if (rc)
        return held_fail(c, k.id, rc);
    fprintf(c->out, "已变更会议 %lld，并重新通知参会人\n", (long long)k.id);
    return 0;
}

static int run_code(struct cli_ctx *c)
{
    struct id_call k = {.c = c, .id = id_word(c)};
    int rc = k.id ? store_tx_run(code_tx, &k) : ZB_EINVAL;
    if (rc)
        return k.id ? fail(c, rc) : 2;
    fprintf(c->out, "会议 %lld 的签到码：%s\n", (long long)k.id, k.code);
    return 0;
}

static const char *how_text(const char *how)
{
    return strcmp(how, "proxy") == 0 ? "代签" : strcmp(how, "api") == 0 ? "小程序" : "本人";
}

static int run_attendance(struct cli_ctx *c)
{
    int64_t id = id_word(c);
    if (!id)
        return 2;
    struct meetings_sheet s;
    int rc = meetings_attendance(c->actor, id, &s);
    if (rc)
        return fail(c, rc);
    char w[64];
    when_format(s.m.starts_at, w, sizeof w);
    fprintf(c->out, "%s %s %s\n", meeting_kind_name(s.m.kind), w, s.m.place);
    /* before the start nobody is absent yet: they have not checked in */
    const char *absent = s.m.starts_at > clock_now() ? "未签到" : "缺席";
    for (size_t i = 0; i < s.n; i++) {
        const struct meetings_person *p = &s.people[i];
        char t[64] = "";
        if (p->at)
            when_format_short(p->at, t, sizeof t);
        if (p->state == AS_PRESENT)
            fprintf(c->out, "%s\t出席\t%s\t%s\n", p->name, t, how_text(p->how));
        else if (p->state == AS_LEAVE)
            fprintf(c->out, "%s\t请假\t%s\t%s\n", p->name, p->reason, how_text(p->how));
        else
            fprintf(c->out, "%s\t%s\n", p->name, p->exempt ? "免于统计" : absent);
    }
    fprintf(c->out, "实到 %d，请假 %d，%s %d，免于统计 %d\n", s.present, s.leave, absent, s.absent,
            s.exempt);
    if (s.has_quorum)
        fprintf(c->out, "法定人数：应到 %d，到会 %d，%s\n", s.quorum_due, s.quorum_present,
                s.quorum_met ? "已达到" : "未达到");
    free(s.people);
    return 0;
}

static int run_minutes(struct cli_ctx *c)
{
    struct id_call k = {.c = c, .id = id_word(c)};
    const char *file = cli_word(c->args, 1);
    if (!k.id)
        return 2;
    if (!file) {
        char *text = NULL;
        int rc = meetings_minutes_get(c->actor, k.id, &text);
        if (rc == ZB_ENOTFOUND) {
            fprintf(c->err, "错误：会议 %lld 还没有纪要\n", (long long)k.id);
            return 1;
        }
        if (rc)
            return fail(c, rc);
        fputs(text, c->out);
        free(text);
        return 0;
    }
    FILE *f = fopen(file, "rb");
    if (!f) {
        fprintf(c->err, "错误：无法打开 %s\n", file);
        return 1;
    }
    char *buf = xcalloc(1, MEETINGS_MINUTES_MAX + 2);
    size_t n = fread(buf, 1, MEETINGS_MINUTES_MAX + 1, f);
    fclose(f);
    int rc = ZB_ETOOBIG;
    if (n <= MEETINGS_MINUTES_MAX) {
        k.text = buf;
        rc = store_tx_run(minutes_tx, &k);
    }
    free(buf);
    if (rc)
        return fail(c, rc);
    fprintf(c->out, "已保存会议 %lld 的纪要\n", (long long)k.id);
    return 0;
}

struct mark_call {
    struct cli_ctx *c;
    int64_t id;
    const char *name, *reason;
    int64_t who;
};

static int mark_tx(void *arg)
{
    struct mark_call *k = arg;
    return meetings_proxy(k->c->actor, k->id, k->name, k->reason, clock_now(), &k->who);
}

static int run_mark(struct cli_ctx *c)
{
    struct mark_call k = {.c = c,
                          .id = id_word(c),
                          .name = cli_word(c->args, 1),
                          .reason = cli_str(c->args, "--leave")};
    if (!k.id)
        return 2;
    int rc = store_tx_run(mark_tx, &k);
    if (rc == ZB_ESTALE) {
        fprintf(c->err, "错误：不在签到时间内（会前会后各半小时；补录的会议不受限）\n");
        return 1;
    }
    if (rc == ZB_EDONE) {
        fprintf(c->err, "错误：%s 已经签到\n", k.name);
        return 1;
    }
    if (rc)
        return fail(c, rc);
    fprintf(c->out, "已为 %s %s（代签）\n", k.name, k.reason ? "请假" : "签到");
    return 0;
}

static int run_list(struct cli_ctx *c)
{
    int64_t member = actor_is_member(c->actor) ? c->actor->member_id : 0;
    if (!member) {
        fprintf(c->err, "错误：请用 --as 成员编号 查看该党员的会议\n");
        return 2;
    }
    struct meetings_row rows[MEETINGS_LIST_MAX];
    size_t n = 0;
    int rc = meetings_for_member(member, clock_now(), cli_has(c->args, "--past"), rows,
                                 MEETINGS_LIST_MAX, &n);
    if (rc)
        return fail(c, rc);
    if (!n)
        fprintf(c->out, "没有会议\n");
    for (size_t i = 0; i < n; i++) {
        char w[64];
        when_format(rows[i].m.starts_at, w, sizeof w);
        fprintf(c->out, "%lld\t%s\t%s\t%s\n", (long long)rows[i].m.id,
                meeting_kind_name(rows[i].m.kind), w, rows[i].m.place);
    }
    return 0;
}

static int run_report(struct cli_ctx *c)
{
    int year, q;
    const char *quarter = cli_str(c->args, "--quarter");
    if (!quarter || meetings_quarter_parse(quarter, &year, &q)) {
        fprintf(c->err, "错误：--quarter 应写成 2026Q4\n");
        return 2;
    }
    int status = 1;
    int64_t branch = branch_of(c, &status);
    if (!branch)
        return status;
    struct meetings_report_row rows[MEETINGS_REPORT_MAX];
    size_t n = 0;
    bool quiet = false;
    int rc = meetings_report(c->actor, branch, year, q, clock_now(), rows, MEETINGS_REPORT_MAX, &n,
                             &quiet);
    if (rc)
        return fail(c, rc);
    const char *csv = cli_str(c->args, "--csv");
    FILE *f = csv ? fopen(csv, "w") : NULL;
    if (csv && !f) {
        fprintf(c->err, "错误：无法写入 %s\n", csv);
        return 1;
    }
    if (f) /* with the UTF-8 BOM, so that Excel opens it as UTF-8 */
        fprintf(f, "\xEF\xBB\xBF类型,党小组,已开,应开,统计期,日期\n");
    fprintf(c->out, "%d年第%d季度 三会一课台账\n", year, q);
    for (size_t i = 0; i < n; i++) {
        const struct meetings_report_row *r = &rows[i];
        fprintf(c->out, "%s%s%s\t已开 %d / 应开 %d%s%s\t%s\n", meeting_kind_name(r->kind),
                r->group[0] ? " " : "", r->group, r->held, r->required, r->yearly ? "（全年）" : "",
                r->short_of ? " 未达标" : "", r->dates);
        if (f)
            fprintf(f, "%s,%s,%d,%d,%s,%s\n", meeting_kind_name(r->kind), r->group, r->held,
                    r->required, r->yearly ? "全年" : "本季度", r->dates);
    }
    if (quiet)
        fprintf(c->out, "提醒：支部已有 %d 天以上没有开会\n", meetings_settings()->quiet_days);
    if (f && fclose(f)) {
        fprintf(c->err, "错误：写入 %s 失败\n", csv);
        return 1;
    }
    return 0;
}

static const struct cli_opt add_opts[] = {
    {"--branch", CLI_STR, 0, 0, "支部", "支部（路径或唯一名称）"},
    {"--kind", CLI_STR, 0, 0, "类型", "支部党员大会、支委会、党小组会、党课、主题党日、组织生活会"},
    {"--group", CLI_STR, 0, 0, "党小组", "党小组会的党小组名称"},
    {"--at", CLI_STR, 0, 0, "时间", "开始时间，如 \"2026-12-01 15:00\""},
    {"--place", CLI_STR, 0, 0, "地点", "地点"},
    {"--topic", CLI_STR, 0, 0, "内容", "议题"},
    {"--chair", CLI_STR, 0, 0, "姓名", "主持人（默认书记）"},
    {"--recorder", CLI_STR, 0, 0, "姓名", "记录人（默认组织委员）"},
    {"--held", CLI_FLAG, 0, 0, NULL, "补录已经开过的会议（允许过去的时间）"},
    {0},
};
static const struct cli_opt change_opts[] = {
    {"--at", CLI_STR, 0, 0, "时间", "新的开始时间"},
    {"--place", CLI_STR, 0, 0, "地点", "新的地点"},
    {0},
};
static const struct cli_opt list_opts[] = {
    {"--past", CLI_FLAG, 0, 0, NULL, "列出已经开过的会议"},
    {0},
};
static const struct cli_opt mark_opts[] = {
    {"--leave", CLI_STR, 0, 0, "原因", "记为请假（会前），而不是出席"},
    {0},
};
static const struct cli_opt report_opts[] = {
    {"--branch", CLI_STR, 0, 0, "支部", "支部（路径或唯一名称）"},
    {"--quarter", CLI_STR, 0, 0, "季度", "如 2026Q4"},
    {"--csv", CLI_STR, 0, 0, "文件", "另存为 CSV 文件"},
    {0},
};

const struct cli_command meetings_cli[] = {
    {.noun = "meeting",
     .verb = "add",
     .usage = "--kind 类型 --at 时间 --place 地点 [--branch 支部]",
     .summary = "安排会议并通知参会人",
     .opts = add_opts,
     .max_words = 0,
     .needs_store = true,
     .run = run_add},
    {.noun = "meeting",
     .verb = "list",
     .usage = "[--past]",
     .summary = "列出某党员的会议（配合 --as）",
     .opts = list_opts,
     .max_words = 0,
     .needs_store = true,
     .run = run_list},
    {.noun = "meeting",
     .verb = "change",
     .usage = "编号 [--at 时间] [--place 地点]",
     .summary = "变更会议时间或地点并重新通知",
     .opts = change_opts,
     .min_words = 1,
     .max_words = 1,
     .needs_store = true,
     .run = run_change},
    {.noun = "meeting",
     .verb = "cancel",
     .usage = "编号",
     .summary = "取消会议并通知参会人",
     .min_words = 1,
     .max_words = 1,
     .needs_store = true,
     .run = run_cancel},
    {.noun = "meeting",
     .verb = "code",
     .usage = "编号",
     .summary = "生成会议签到码",
     .min_words = 1,
     .max_words = 1,
     .needs_store = true,
     .run = run_code},
    {.noun = "meeting",
     .verb = "checkin",
     .usage = "编号 姓名 [--leave 原因]",
     .summary = "代签：为党员登记出席或请假（补录的会议也用它）",
     .opts = mark_opts,
     .min_words = 2,
     .max_words = 2,
     .needs_store = true,
     .run = run_mark},
    {.noun = "meeting",
     .verb = "attendance",
     .usage = "编号",
     .summary = "出勤情况：出席、请假、缺席与法定人数",
     .min_words = 1,
     .max_words = 1,
     .needs_store = true,
     .run = run_attendance},
    {.noun = "meeting",
     .verb = "minutes",
     .usage = "编号 [文件]",
     .summary = "保存会议纪要（给出文件）或查看纪要",
     .min_words = 1,
     .max_words = 2,
     .needs_store = true,
     .run = run_minutes},
    {.noun = "meeting",
     .verb = "report",
     .usage = "--quarter 2026Q4 [--branch 支部] [--csv 文件]",
     .summary = "三会一课台账：各类会议已开与应开次数",
     .opts = report_opts,
     .max_words = 0,
     .needs_store = true,
     .run = run_report},
    {0},
};
