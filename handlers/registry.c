/* registry.c - one line per capability (see registry.h). */
#include "handlers/registry.h"

#include "handlers/ack/ack.h"
#include "handlers/dues/api.h"
#include "handlers/dues/chat.h"
#include "handlers/dues/cli.h"
#include "handlers/dues/demo.h"
#include "handlers/dues/jobs.h"
#include "handlers/dues/migrations.h"
#include "handlers/feedback/feedback.h"
#include "handlers/members/api.h"
#include "handlers/members/bind.h"
#include "handlers/members/cli.h"
#include "handlers/members/me.h"
#include "handlers/members/roster.h"
#include "handlers/menu/help.h"
#include "handlers/menu/welcome.h"
#include "handlers/members/demo.h"
#include "handlers/meetings/api.h"
#include "handlers/meetings/chat.h"
#include "handlers/meetings/cli.h"
#include "handlers/meetings/demo.h"
#include "handlers/meetings/jobs.h"
#include "handlers/meetings/meetings.h"
#include "handlers/meetings/page.h"
#include "handlers/tasks/api.h"
#include "handlers/tasks/chat.h"
#include "handlers/tasks/cli.h"
#include "handlers/tasks/demo.h"
#include "handlers/tasks/jobs.h"
#include "handlers/tasks/page.h"
#include "handlers/tasks/tasks.h"
#include "handlers/todo/api.h"
#include "handlers/todo/chat.h"
#include "handlers/todo/cli.h"
#include "handlers/todo/todo.h"
#include "handlers/study/api.h"
#include "handlers/study/chat.h"
#include "handlers/study/cli.h"
#include "handlers/study/demo.h"
#include "handlers/study/jobs.h"
#include "handlers/study/page.h"
#include "handlers/study/study.h"
#include "handlers/quiz/api.h"
#include "handlers/quiz/chat.h"
#include "handlers/quiz/cli.h"
#include "handlers/quiz/quiz.h"
#include "handlers/transfer/api.h"
#include "handlers/transfer/chat.h"
#include "handlers/transfer/cli.h"
#include "handlers/transfer/demo.h"
#include "handlers/transfer/jobs.h"
#include "handlers/transfer/transfer.h"
#include "bot/base/log.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* Public: help, fallback, welcome, feedback (anyone may leave the branch a message - the masses
 * and applicants too; it only writes), bind, unbind, unfollow. Members only: me, roster. */
static const struct handler *const menu_handlers[] = {&help_handler, &fallback_handler,
                                                      &welcome_handler};
static const struct handler *const ack_handlers[] = {&ack_handler};
static const struct handler *const feedback_handlers[] = {&feedback_handler, &feedback_list_handler,
                                                          &feedback_answer_handler};
static const struct handler *const members_handlers[] = {
    &bind_handler, &unbind_handler, &unfollow_handler, &me_handler, &roster_handler,
};
static const struct handler *const todo_handlers[] = {&todo_handler};
static const struct handler *const study_handlers[] = {
    &study_handler,     &study_next_handler,   &study_past_handler,
    &study_sub_handler, &study_points_handler,
};
static const struct decision_kind *const study_decisions[] = {&study_decision_kind};
static const struct handler *const quiz_handlers[] = {&quiz_handler, &quiz_wrong_handler,
                                                      &quiz_contest_handler, &quiz_answers_handler};
static const struct decision_kind *const quiz_decisions[] = {&quiz_review_kind, &quiz_sign_kind};
static const struct handler *const meetings_handlers[] = {&meetings_handler};
static const struct handler *const dues_handlers[] = {&dues_handler, &dues_pay_handler};
static const struct handler *const tasks_handlers[] = {
    &tasks_notice_handler, &tasks_progress_handler, &tasks_proxy_handler};
static const struct decision_kind *const tasks_decisions[] = {&tasks_review_kind};
static const struct handler *const transfer_handlers[] = {&transfer_handler,
                                                          &transfer_progress_handler};
static const struct decision_kind *const transfer_decisions[] = {&transfer_step_kind};

/* The notify kinds each capability sends (their templates are checked at start-up). */
static const char *const feedback_kinds[] = {"feedback.answer", NULL};
static const char *const study_kinds[] = {"study.digest", "study.returned", NULL};
static const char *const meetings_kinds[] = {"meeting.notice", "meeting.reminder", "meeting.quiet",
                                             NULL};
static const char *const dues_kinds[] = {"dues.reminder", "dues.arrears", "dues.receipt", NULL};
static const char *const tasks_kinds[] = {"tasks.issued", "tasks.reminder", "tasks.returned",
                                          "tasks.summary", NULL};
static const char *const transfer_kinds[] = {
    "transfer.step",   "transfer.returned", "transfer.done",    "transfer.receipt",
    "transfer.remind", "transfer.expiring", "transfer.expired", NULL};

const struct capability registry_caps[] = {
    {.name = "menu", .handlers = menu_handlers, .n_handlers = N(menu_handlers)},
    {.name = "ack", .handlers = ack_handlers, .n_handlers = N(ack_handlers)},
    {.name = "feedback",
     .notify_kinds = feedback_kinds,
     .handlers = feedback_handlers,
     .n_handlers = N(feedback_handlers),
     .cli = feedback_cli,
     .migrations = &feedback_migrations},
    {.name = "members",
     .handlers = members_handlers,
     .n_handlers = N(members_handlers),
     .cli = members_cli,
     .routes = members_api_routes,
     .n_routes = MEMBERS_API_COUNT,
     .demo_seed = members_demo_seed},
    {.name = "todo",
     .handlers = todo_handlers,
     .n_handlers = N(todo_handlers),
     .cli = todo_cli,
     .routes = todo_api_routes,
     .n_routes = TODO_API_COUNT,
     .migrations = &todo_migrations},
    {.name = "study",
     .notify_kinds = study_kinds,
     .handlers = study_handlers,
     .n_handlers = N(study_handlers),
     .cli = study_cli,
     .routes = study_api_routes,
     .n_routes = STUDY_API_COUNT,
     .migrations = &study_migrations,
     .decisions = study_decisions,
     .n_decisions = N(study_decisions),
     .jobs = study_jobs,
     .page_prefix = "/s/",
     .page = study_page_door,
     .page_max = STUDY_PAGE_MAX,
     .demo_seed = study_demo_seed},
    {.name = "quiz",
     .handlers = quiz_handlers,
     .n_handlers = N(quiz_handlers),
     .cli = quiz_cli,
     .routes = quiz_api_routes,
     .n_routes = QUIZ_API_COUNT,
     .migrations = &quiz_migrations,
     .decisions = quiz_decisions,
     .n_decisions = N(quiz_decisions),
     .demo_seed = quiz_demo_seed},
    {.name = "meetings",
     .notify_kinds = meetings_kinds,
     .handlers = meetings_handlers,
     .n_handlers = N(meetings_handlers),
     .cli = meetings_cli,
     .routes = meetings_api_routes,
     .n_routes = MEETINGS_API_COUNT,
     .migrations = &meetings_migrations,
     .jobs = meetings_jobs,
     .page_prefix = "/m/",
     .page = meetings_page,
     .page_max = MEETINGS_PAGE_MAX,
     .demo_seed = meetings_demo_seed},
    {.name = "dues",
     .notify_kinds = dues_kinds,
     .handlers = dues_handlers,
     .n_handlers = N(dues_handlers),
     .cli = dues_cli,
     .routes = dues_api_routes,
     .n_routes = DUES_API_COUNT,
     .migrations = &dues_migrations,
     .jobs = dues_jobs,
     .demo_seed = dues_demo_seed},
    {.name = "tasks",
     .notify_kinds = tasks_kinds,
     .handlers = tasks_handlers,
     .n_handlers = N(tasks_handlers),
     .cli = tasks_cli,
     .routes = tasks_api_routes,
     .n_routes = TASKS_API_COUNT,
     .migrations = &tasks_migrations,
     .decisions = tasks_decisions,
     .n_decisions = N(tasks_decisions),
     .jobs = tasks_jobs,
     .ack_hook = tasks_receipt_hook, /* 收到 is the acknowledgement handler's word */
     .page_prefix = "/t/",
     .page = tasks_page,
     .page_max = TASKS_PAGE_MAX,
     .demo_seed = tasks_demo_seed},
    {.name = "transfer",
     .notify_kinds = transfer_kinds,
     .handlers = transfer_handlers,
     .n_handlers = N(transfer_handlers),
     .cli = transfer_cli,
     .routes = transfer_api_routes,
     .n_routes = TRANSFER_API_COUNT,
     .migrations = &transfer_migrations,
     .decisions = transfer_decisions,
     .n_decisions = N(transfer_decisions),
     .jobs = transfer_jobs,
     .demo_seed = transfer_demo_seed},
};
const size_t registry_caps_count = N(registry_caps);

const struct handler *const *registry_handlers(size_t *n)
{
    static const struct handler *table[REGISTRY_HANDLERS_MAX];
    static size_t count;
    if (!count)
        for (size_t c = 0; c < registry_caps_count; c++)
            for (size_t i = 0; i < registry_caps[c].n_handlers && count < REGISTRY_HANDLERS_MAX;
                 i++)
                table[count++] = registry_caps[c].handlers[i];
    *n = count;
    return table;
}

int registry_init(void)
{
    static bool done;
    if (done)
        return ZB_OK;
    for (size_t c = 0; c < registry_caps_count; c++)
        for (size_t i = 0; i < registry_caps[c].n_decisions; i++) {
            int rc = todo_register(registry_caps[c].decisions[i]);
            if (rc) {
                log_error("registry: %s's decision kind %s collides with another",
                          registry_caps[c].name, registry_caps[c].decisions[i]->id);
                return rc;
            }
        }
    for (size_t c = 0; c < registry_caps_count; c++) {
        int rc = registry_caps[c].ack_hook ? ack_register(registry_caps[c].ack_hook) : ZB_OK;
        if (rc) {
            log_error("registry: too many acknowledgement hooks (%s)", registry_caps[c].name);
            return rc;
        }
    }
    /* the quiz's right answers share study's daily points cap, and show in 积分 */
    int rc = study_points_register(quiz_points_since);
    if (!rc)
        rc = study_record_register(quiz_record_section);
    if (!rc)
        rc = todo_chat_prepare();
    done = rc == ZB_OK;
    return rc;
}

const struct migration_set *const *registry_migrations(size_t *n)
{
    static const struct migration_set *sets[REGISTRY_CAPS_MAX];
    static size_t count;
    if (!count)
        for (size_t c = 0; c < registry_caps_count && count < REGISTRY_CAPS_MAX; c++)
            if (registry_caps[c].migrations)
                sets[count++] = registry_caps[c].migrations;
    *n = count;
    return sets;
}

int registry_jobs(void)
{
    for (size_t c = 0; c < registry_caps_count; c++) {
        int rc = registry_caps[c].jobs ? registry_caps[c].jobs() : ZB_OK;
        if (rc)
            return rc;
    }
    return ZB_OK;
}
