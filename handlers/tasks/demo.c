/* demo.c - tasks' demo data (see demo.h). */
#include "handlers/tasks/demo.h"

#include <sqlite3.h>

#include "bot/base/clock.h"
#include "bot/org/actor.h"
#include "bot/org/member.h"
#include "bot/store/store.h"
#include "handlers/tasks/tasks.h"

int tasks_demo_seed(void)
{
    sqlite3_stmt *st = store_stmt("SELECT count(*) FROM tasks");
    if (!st)
        return ZB_EDB;
    int rc = sqlite3_step(st);
    long long n = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : -1;
    sqlite3_reset(st);
    if (n < 0)
        return ZB_EDB;
    if (n > 0)
        return ZB_OK;
    int64_t ids[2];
    size_t found = 0;
    if ((rc = member_find_name("李建国", -1, ids, 2, &found)))
        return rc;
    if (found != 1)
        return ZB_OK;
    struct member m;
    if ((rc = member_get(ids[0], &m)))
        return rc;
    struct actor a = actor_member(m.id, "cli");
    struct tasks_why why;
    int64_t id = 0, decision = 0, now = clock_now();
    enum tasks_state s;
    if ((rc = tasks_draft(&a, m.branch_id, "请各位党员本周五前上报本月学习心得，回复“收到”确认。",
                          0, now, &id, &why)))
        return rc;
    return tasks_submit(&a, id, now, &s, &decision);
}
