/* group_rules.c - the group_rules table (see group_rules.h). */
#include "bot/chat/group_rules.h"

#include <assert.h>
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "bot/org/branch.h"
#include "bot/store/store.h"

static const char sql_get[] = "SELECT mode, prefix, welcome, branch_id FROM group_rules "
                              "WHERE platform=?1 AND group_id=?2";
static const char sql_put[] =
    "INSERT INTO group_rules(platform, group_id, mode, prefix, welcome, updated_at) "
    "VALUES(?1,?2,?3,?4,?5,?6) ON CONFLICT(platform, group_id) DO UPDATE SET "
    "mode=excluded.mode, prefix=excluded.prefix, welcome=excluded.welcome, "
    "updated_at=excluded.updated_at";
static const char sql_bind[] =
    "INSERT INTO group_rules(platform, group_id, mode, prefix, welcome, branch_id, updated_at) "
    "VALUES(?1,?2,'normal',NULL,1,?3,?4) ON CONFLICT(platform, group_id) DO UPDATE SET "
    "branch_id=excluded.branch_id, updated_at=excluded.updated_at";
static const char sql_del[] = "DELETE FROM group_rules WHERE platform=?1 AND group_id=?2";
static const char sql_list[] =
    "SELECT platform, group_id, mode, prefix, welcome, updated_at, branch_id "
    "FROM group_rules ORDER BY platform, group_id";

static const char *const mode_names[GROUP_MODE_COUNT] = {"normal", "mention", "all", "off"};
static const char *const mode_docs[GROUP_MODE_COUNT] = {
    "@、前缀、整条是菜单词时回复", "只在 @ 或前缀时回复", "每条都回复", "不发言，只记录"};

const char *group_mode_name(enum group_mode m)
{
    return (unsigned)m < GROUP_MODE_COUNT ? mode_names[m] : "normal";
}

const char *group_mode_doc(enum group_mode m)
{
    return (unsigned)m < GROUP_MODE_COUNT ? mode_docs[m] : mode_docs[0];
}

int group_mode_parse(const char *s)
{
    for (int i = 0; i < GROUP_MODE_COUNT; i++)
        if (strcmp(s, mode_names[i]) == 0)
            return i;
    return -1;
}

static void defaults(struct group_rule *r)
{
    memset(r, 0, sizeof *r);
    r->mode = GROUP_NORMAL;
    r->welcome = true;
}

int group_rule_get(const char *platform, const char *group, struct group_rule *out)
{
    defaults(out);
    sqlite3_stmt *st = store_stmt(sql_get);
    if (!st)
        return ZB_EDB;
    sqlite3_bind_text(st, 1, platform, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, group, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        int m = group_mode_parse(store_text(st, 0));
        out->mode = m < 0 ? GROUP_NORMAL : (enum group_mode)m;
        if (sqlite3_column_type(st, 1) != SQLITE_NULL) {
            const char *p = store_text(st, 1);
            size_t n = strlen(p);
            if (n <= GROUP_PREFIX_MAX) {
                memcpy(out->prefix, p, n + 1);
                out->has_prefix = true;
            }
        }
        out->welcome = sqlite3_column_int(st, 2) != 0;
        out->branch_id = sqlite3_column_int64(st, 3);
    }
    sqlite3_reset(st);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? ZB_OK : ZB_EDB;
}

bool group_rule_prefix_ok(const char *p)
{
    if (strlen(p) > GROUP_PREFIX_MAX)
        return false;
    for (; *p; p++)
        if ((unsigned char)*p <= ' ' || *p == 0x7f)
            return false;
    return true;
}

int group_rule_set(const char *platform, const char *group, const char *mode, const char *prefix,
                   int welcome, int64_t now)
{
    assert(store_in_tx());
    struct group_rule r;
    int rc = group_rule_get(platform, group, &r);
    if (rc)
        return rc;
    if (mode) {
        int m = group_mode_parse(mode);
        if (m < 0)
            return ZB_EINVAL;
        r.mode = (enum group_mode)m;
    }
    if (prefix && strcmp(prefix, "default") == 0) {
        r.has_prefix = false;
        r.prefix[0] = '\0';
    } else if (prefix) {
        if (!group_rule_prefix_ok(prefix))
            return ZB_EINVAL;
        memcpy(r.prefix, prefix, strlen(prefix) + 1);
        r.has_prefix = true;
    }
    if (welcome == 0 || welcome == 1)
        r.welcome = welcome;
    sqlite3_stmt *st = store_stmt(sql_put);
    if (!st)
        return ZB_EDB;
    sqlite3_bind_text(st, 1, platform, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, group, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, group_mode_name(r.mode), -1, SQLITE_STATIC);
    if (r.has_prefix)
        sqlite3_bind_text(st, 4, r.prefix, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int(st, 5, r.welcome);
    sqlite3_bind_int64(st, 6, now);
    return store_exec_done(st);
}

int group_rule_reset(const char *platform, const char *group)
{
    assert(store_in_tx());
    sqlite3_stmt *st = store_stmt(sql_del);
    if (!st)
        return ZB_EDB;
    sqlite3_bind_text(st, 1, platform, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, group, -1, SQLITE_STATIC);
    int rc = store_exec_done(st);
    if (rc)
        return rc;
    return sqlite3_changes(store_db()) > 0 ? ZB_OK : ZB_ENOTFOUND;
}

int group_rule_bind(const char *platform, const char *group, int64_t branch_id, int64_t now)
{
    assert(store_in_tx());
    if (!*group || branch_id < 0)
        return ZB_EINVAL;
    sqlite3_stmt *st = store_stmt(sql_bind);
    if (!st)
        return ZB_EDB;
    sqlite3_bind_text(st, 1, platform, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, group, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, branch_id);
    sqlite3_bind_int64(st, 4, now);
    return store_exec_done(st);
}

static const char sql_bound[] =
    "WITH RECURSIVE sub(id) AS (SELECT ?1 UNION SELECT b.id FROM branches b JOIN sub "
    "ON b.parent_id=sub.id) SELECT platform, group_id FROM group_rules "
    "WHERE branch_id IN sub AND branch_id<>0 ORDER BY platform, group_id";

int group_rule_each_bound(int64_t root,
                          int (*fn)(void *arg, const char *platform, const char *group), void *arg)
{
    sqlite3_stmt *st = store_stmt(sql_bound);
    if (!st)
        return ZB_EDB;
    sqlite3_bind_int64(st, 1, root);
    int rc, out = ZB_OK;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        if ((out = fn(arg, store_text(st, 0), store_text(st, 1))) != 0)
            break;
    sqlite3_reset(st);
    if (out)
        return out;
    return rc == SQLITE_DONE ? ZB_OK : ZB_EDB;
}

int group_rule_branch(const char *platform, const char *group, int64_t *branch_id)
{
    struct group_rule r;
    int rc = group_rule_get(platform, group, &r);
    *branch_id = rc ? 0 : r.branch_id;
    return rc;
}

int group_rule_print(FILE *f)
{
    sqlite3_stmt *st = store_stmt(sql_list);
    if (!st)
        return ZB_EDB;
    int rc, n = 0;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        int m = group_mode_parse(store_text(st, 2));
        char when[32];
        time_t t = (time_t)sqlite3_column_int64(st, 5);
        struct tm tm;
        localtime_r(&t, &tm);
        strftime(when, sizeof when, "%Y-%m-%d %H:%M", &tm);
        const char *prefix = sqlite3_column_type(st, 3) == SQLITE_NULL ? "（配置默认）"
                             : *store_text(st, 3)                      ? store_text(st, 3)
                                                                       : "（不用前缀）";
        char org[BRANCH_PATH_MAX + 1] = "";
        int64_t b = sqlite3_column_int64(st, 6);
        if (b && branch_path(b, org, sizeof org))
            snprintf(org, sizeof org, "#%lld", (long long)b);
        fprintf(f, "%s 群 %s：模式 %s（%s），前缀 %s，入群欢迎 %s，所属组织 %s（%s 更新）\n",
                store_text(st, 0), store_text(st, 1), store_text(st, 2),
                group_mode_doc(m < 0 ? GROUP_NORMAL : (enum group_mode)m), prefix,
                sqlite3_column_int(st, 4) ? "开" : "关", b ? org : "未绑定", when);
        n++;
    }
    sqlite3_reset(st);
    if (rc == SQLITE_DONE && n == 0)
        fprintf(
            f,
            "（没有单独设置的群：所有群都按默认规则，@、前缀或整条是菜单词时回复，欢迎新成员）\n");
    return rc == SQLITE_DONE ? ZB_OK : ZB_EDB;
}

const char *group_rule_prefix(const struct group_rule *r, const char *platform_default)
{
    return r->has_prefix ? r->prefix : platform_default;
}

enum event_scope group_rule_scope(const struct group_rule *r, bool addressed)
{
    switch (r->mode) {
    case GROUP_OFF:
        return SCOPE_RECORD;
    case GROUP_ALL:
        return SCOPE_ALL;
    case GROUP_MENTION:
        return addressed ? SCOPE_ALL : SCOPE_SESSIONS;
    default:
        return addressed ? SCOPE_ALL : SCOPE_KEYWORDS;
    }
}
