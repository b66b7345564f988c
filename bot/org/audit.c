/* audit.c - the audit table (see audit.h). */
#include "bot/org/audit.h"
#include "bot/base/textfmt.h"

#include <pwd.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bot/org/member_names.h"
#include "bot/store/store.h"

static const char sql_add[] =
    "INSERT INTO audit(at, actor, action, target, detail, channel) VALUES(?1,?2,?3,?4,?5,?6)";
/* the newest `limit` matching rows, shown oldest first */
static const char sql_list[] =
    "SELECT * FROM (SELECT id, at, actor, action, coalesce(target, ''), coalesce(detail, ''), "
    "channel FROM audit WHERE at>=?1 AND (?2 IS NULL OR actor=?2) ORDER BY id DESC LIMIT ?3) "
    "ORDER BY id";

static const char sql_newest[] =
    "SELECT id, at, actor, action, coalesce(target, ''), coalesce(detail, ''), channel FROM audit "
    "ORDER BY id DESC LIMIT ?1";

static const struct {
    const char *id;   /* stored action */
    const char *name; /* shown */
} actions[] = {
    {"import", "导入名单"},
    {"bind", "手工绑定"},
    {"unbind", "手工解绑"},
    {"bind_code", "绑定码绑定"},
    {"unbind_self", "本人解绑"},
    {"unfollow", "取消关注解绑"},
    {"set", "修改信息"},
    {"role", "调整职务"},
    {"unmask", "查看完整手机号"},
    {"view_members", "查看名单"},
    {"branch_add", "新建组织"},
    {"codes", "打印绑定码"},
    {"approve", "同意"},
    {"return", "退回"},
    {"withdraw", "撤回待办"},
    {"api_token", "签发接口令牌"},
    {"add", "新增党员"},
    {"remove", "移出名单"},
    {"code_renew", "更换绑定码"},
    {"branch_rename", "组织改名"},
    {"outbox_cancel", "取消发送"},
    {"outbox_retry", "重发消息"},
    /* the capabilities' actions */
    {"dues_pay", "登记缴费"},
    {"dues_reverse", "冲正缴费"},
    {"dues_relief", "登记减免"},
    {"dues_voluntary", "自愿多交"},
    {"dues_income", "登记收入变化"},
    {"dues_approval", "登记预备党员批准"},
    {"meeting.add", "安排会议"},
    {"meeting.change", "变更会议"},
    {"meeting.cancel", "取消会议"},
    {"meeting.code", "生成签到码"},
    {"meeting.proxy", "代签"},
    {"meeting.minutes", "保存会议纪要"},
    {"transfer_start", "发起转接"},
    {"transfer_approve", "转接同意"},
    {"transfer_return", "转接退回"},
    {"transfer_resubmit", "转接重新提交"},
    {"transfer_issue", "开具介绍信"},
    {"transfer_reissue", "重开介绍信"},
    {"transfer_receive", "转接接收"},
    {"transfer_receive_in", "登记系统外转入"},
    {"transfer_cancel", "撤销转接"},
    {"transfer_expire", "介绍信过期"},
    {"task_send", "发通知"},
    {"task_approve", "通知审核同意"},
    {"task_proxy", "代收通知"},
    {"task_report", "导出通知台账"},
    {"study.submit", "学习内容送审"},
    {"study.approve", "学习内容审核同意"},
    {"study.return", "学习内容退回"},
    {"study.retire", "学习内容下线"},
    {"study.subscribe", "订阅学习"},
    {"study.unsubscribe", "退订学习"},
    {"publish", "发布"},
    {"feedback_answer", "答复留言"},
    {"group_bind", "绑定 QQ 群"},
    {"group_unbind", "解绑 QQ 群"},
    {"branch_move", "移动组织"},
    {"branch_kind", "修改组织类别"},
    {"code_exposed", "绑定码作废"},
    {"wechat_menu", "发布公众号菜单"},
};

const char *audit_action_name(const char *action)
{
    for (size_t i = 0; i < sizeof actions / sizeof actions[0]; i++)
        if (strcmp(actions[i].id, action) == 0)
            return actions[i].name;
    return action;
}

int audit_write(const char *actor, const char *action, const char *target, const char *detail,
                const char *channel, int64_t now)
{
    sqlite3_stmt *st = store_stmt(sql_add);
    if (!st)
        return ZB_EDB;
    sqlite3_bind_int64(st, 1, now);
    sqlite3_bind_text(st, 2, actor, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, action, -1, SQLITE_STATIC);
    if (target)
        sqlite3_bind_text(st, 4, target, -1, SQLITE_STATIC);
    if (detail)
        sqlite3_bind_text(st, 5, detail, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 6, channel, -1, SQLITE_STATIC);
    return store_exec_done(st);
}

void audit_cli_actor(char *out, size_t outsz)
{
    const char *user = NULL;
    struct passwd pw, *res = NULL;
    char pwbuf[1024];
    if (getpwuid_r(getuid(), &pw, pwbuf, sizeof pwbuf, &res) == 0 && res)
        user = res->pw_name;
    if (!user)
        user = getenv("USER");
    snprintf(out, outsz, "cli:%s", user && *user ? user : "?");
}

void audit_member_actor(int64_t member_id, char *out, size_t outsz)
{
    snprintf(out, outsz, "member:%lld", (long long)member_id);
}

/* label_member - the member a "member:7" label names, 0 for any other label. */
static int64_t label_member(const char *label)
{
    const char *p = strncmp(label, "member:", 7) == 0 ? label + 7 : NULL;
    if (!p || !textfmt_digits(p, 1, 18, false))
        return 0;
    return strtoll(p, NULL, 10);
}

/* print_label - the label as stored, cleaned, and the member's name when it names one. */
static void print_label(FILE *f, struct member_names *names, const char *label)
{
    textfmt_clean(f, label);
    int64_t id = label_member(label);
    if (id) {
        fputc(' ', f);
        member_names_print(f, names, id, false, false);
    }
}

int audit_print(FILE *f, int64_t since, const char *actor, int limit)
{
    char who[AUDIT_ACTOR_MAX];
    sqlite3_stmt *st = store_stmt(sql_list);
    if (!st)
        return ZB_EDB;
    sqlite3_bind_int64(st, 1, since);
    if (actor) {
        if (textfmt_digits(actor, 1, 0, true))
            snprintf(who, sizeof who, "member:%s", actor);
        else
            snprintf(who, sizeof who, "%s", actor);
        sqlite3_bind_text(st, 2, who, -1, SQLITE_STATIC);
    }
    sqlite3_bind_int(st, 3, limit);
    struct member_names *names = member_names_new();
    int rc, n = 0;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) { /* first the members, for one name query */
        member_names_add(names, label_member(store_text(st, 2)));
        member_names_add(names, label_member(store_text(st, 4)));
    }
    sqlite3_reset(st);
    if (rc != SQLITE_DONE || member_names_load(names)) {
        member_names_free(names);
        return ZB_EDB;
    }
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        time_t t = (time_t)sqlite3_column_int64(st, 1);
        struct tm tm;
        char when[32];
        localtime_r(&t, &tm);
        strftime(when, sizeof when, "%Y-%m-%d %H:%M:%S", &tm);
        const char *target = store_text(st, 4), *detail = store_text(st, 5);
        fprintf(f, "%lld  %s  ", (long long)sqlite3_column_int64(st, 0), when);
        textfmt_clean(f, store_text(st, 6)); /* names, ids and details may come from outside */
        fputs("  ", f);
        print_label(f, names, store_text(st, 2));
        fprintf(f, "  %s%s", audit_action_name(store_text(st, 3)), *target ? "  " : "");
        print_label(f, names, target);
        fputs(*detail ? "  " : "", f);
        textfmt_clean(f, detail);
        fputc('\n', f);
        n++;
    }
    sqlite3_reset(st);
    member_names_free(names);
    if (rc == SQLITE_DONE && n == 0)
        fprintf(f, "（没有符合条件的审计记录）\n");
    return rc == SQLITE_DONE ? ZB_OK : ZB_EDB;
}

int audit_each(int scan, int (*fn)(const struct audit_row *r, void *arg), void *arg)
{
    sqlite3_stmt *st = store_stmt(sql_newest);
    if (!st)
        return ZB_EDB;
    sqlite3_bind_int(st, 1, scan);
    int rc, out = ZB_OK;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        struct audit_row r = {
            .id = sqlite3_column_int64(st, 0),
            .at = sqlite3_column_int64(st, 1),
            .actor = store_text(st, 2),
            .action = store_text(st, 3),
            .target = store_text(st, 4),
            .detail = store_text(st, 5),
            .channel = store_text(st, 6),
        };
        if ((out = fn(&r, arg)))
            break;
    }
    sqlite3_reset(st);
    if (out == AUDIT_STOP)
        return ZB_OK;
    if (out)
        return out;
    return rc == SQLITE_DONE ? ZB_OK : ZB_EDB;
}
