/* demo.c - the study demo (see demo.h). */
#include "handlers/study/demo.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "bot/base/clock.h"
#include "bot/base/log.h"
#include "bot/org/member.h"
#include "handlers/study/study.h"
#include "handlers/todo/todo.h"

#define DEMO_AUTHOR_PHONE   "13800138003" /* 张志强, 宣传委员 */
#define DEMO_REVIEWER_PHONE "13800138001" /* 李建国, 书记 */

int study_demo_seed(void)
{
    const char *dir = getenv("ZHIBU_CONTENT_DIR");
    dir = dir && *dir ? dir : STUDY_DEMO_DIR;
    struct stat st;
    if (stat(dir, &st) != 0) {
        log_warn("demo: %s not found; no study items seeded", dir);
        return ZB_OK;
    }
    int64_t author = 0, reviewer = 0, now = clock_now();
    if (member_find_phone(DEMO_AUTHOR_PHONE, &author) ||
        member_find_phone(DEMO_REVIEWER_PHONE, &reviewer))
        return ZB_OK; /* the members' demo was not seeded */
    struct study_draft *d = NULL;
    size_t n = 0;
    char err[STUDY_ERR_MAX + 600];
    const char *paths[] = {dir};
    if (study_parse(paths, 1, &d, &n, err, sizeof err)) {
        /* e.g. a configuration without the audience tags the bundled items name: the rest of
         * the demo still seeds (tests/unit/handlers/study/content.c checks the bundle itself) */
        log_warn("demo: study items not seeded: %s", err);
        return ZB_OK;
    }
    struct actor a = actor_member(author, "cli"), r = actor_member(reviewer, "cli");
    struct study_import_result res;
    int rc = study_import(&a, 0, d, n, now, &res);
    study_drafts_free(d, n);
    /* approve every open study decision the reviewer may sign (both levels when configured) */
    for (int round = 0; round < 2 && !rc; round++) {
        struct todo_item items[64];
        size_t k = 0;
        if ((rc = todo_list(&r, items, 64, &k, NULL)))
            break;
        for (size_t i = 0; i < k && !rc; i++)
            if (items[i].d.kind == &study_decision_kind)
                rc = todo_decide(&r, items[i].d.id, TODO_APPROVE, NULL, now, NULL);
    }
    return rc;
}
