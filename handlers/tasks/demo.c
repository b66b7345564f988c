/* demo.c - tasks' demo data (see demo.h). */
#include "handlers/tasks/demo.h"

#include "bot/base/clock.h"
#include "bot/org/actor.h"
#include "bot/org/member.h"
#include "handlers/tasks/tasks.h"

int tasks_demo_seed(void)
{
    struct task t;
    int rc = tasks_get(1, &t); /* the first task exists: seeded already, or real data */
    if (rc != ZB_ENOTFOUND)
        return rc;
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
