/* demo.c - the meetings' demo data (see demo.h). */
#include "handlers/meetings/demo.h"

#include <stdio.h>
#include <time.h>

#include "bot/base/clock.h"
#include "bot/org/actor.h"
#include "bot/org/branch.h"
#include "bot/store/store.h"
#include "handlers/meetings/meetings.h"

/* The demo branch that members' demo seeding creates (DEMO_BRANCH_PATH of
 * handlers/members/demo.h, a face of another capability that the dependency rule keeps out). */
#define DEMO_BRANCH "市级机关工委/市交通运输局党委/市航道处党总支/船闸支部"

static const char sql_any[] = "SELECT count(*) FROM meetings WHERE branch_id = ?1";

/* at_local - the local 15:00 days from now. */
static int64_t at_local(int64_t now, int days)
{
    time_t t = (time_t)(now + (int64_t)days * 86400);
    struct tm tm;
    if (!localtime_r(&t, &tm))
        return now + (int64_t)days * 86400;
    tm.tm_hour = 15;
    tm.tm_min = 0;
    tm.tm_sec = 0;
    tm.tm_isdst = -1;
    return (int64_t)mktime(&tm);
}

int meetings_demo_seed(void)
{
    char err[BRANCH_ERR_MAX];
    int64_t branch = 0, now = clock_now();
    if (branch_resolve(DEMO_BRANCH, &branch, err, sizeof err))
        return ZB_OK; /* no demo tree: nothing to hang meetings on */
    sqlite3_stmt *st = store_stmt(sql_any);
    if (!st)
        return ZB_EDB;
    sqlite3_bind_int64(st, 1, branch);
    long long n = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : -1;
    sqlite3_reset(st);
    if (n != 0)
        return n < 0 ? ZB_EDB : ZB_OK;
    struct actor sys = actor_system();
    struct meeting m;
    struct meetings_new held = {.org_id = branch,
                                .kind = MK_GENERAL,
                                .starts_at = at_local(now, -20),
                                .place = "船闸管理所三楼会议室",
                                .topic = "学习党的二十届四中全会精神",
                                .held = true};
    int rc = meetings_add(&sys, &held, now, &m, NULL, NULL);
    static const char *const present[] = {"李建国", "陈秀英", "张志强", "刘德明",
                                          "赵海燕", "孙立新", "郑晓东", "何宇航"};
    for (size_t i = 0; rc == ZB_OK && i < sizeof present / sizeof *present; i++) {
        int64_t who = 0;
        rc = meetings_proxy(&sys, m.id, present[i], NULL, now, &who);
    }
    int64_t who = 0;
    if (rc == ZB_OK)
        rc = meetings_proxy(&sys, m.id, "王丽娜", "出差", now, &who);
    if (rc == ZB_OK)
        rc = meetings_minutes(&sys, m.id,
                              "一、传达学习全会精神（李建国）。\n二、交流发言：陈秀英、张志强。\n"
                              "三、部署下季度组织生活。",
                              now);
    struct meetings_new next = {.org_id = branch,
                                .kind = MK_THEME_DAY,
                                .starts_at = at_local(now, 10),
                                .place = "船闸广场",
                                .topic = "志愿服务：航道安全宣传",
                                .silent = true};
    if (rc == ZB_OK)
        rc = meetings_add(&sys, &next, now, &m, NULL, NULL);
    return rc;
}
