/* api.c - tasks' REST face (see api.h): JSON over the same domain functions as chat and CLI. */
#include "handlers/tasks/api.h"

#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

#include "bot/api/answer.h"
#include "bot/api/jsonbody.h"
#include "bot/base/clock.h"
#include "bot/base/textfmt.h"
#include "handlers/tasks/tasks.h"

#define API_ROWS_MAX 2000 /* members listed in one progress answer */

static cJSON *task_json(const struct task *t)
{
    cJSON *j = cJSON_CreateObject();
    cJSON_AddNumberToObject(j, "id", (double)t->id);
    cJSON_AddStringToObject(j, "text", t->text);
    cJSON_AddNumberToObject(j, "org_id", (double)t->org_id);
    cJSON_AddStringToObject(j, "state", tasks_state_id(t->state));
    cJSON_AddNumberToObject(j, "created_at", (double)t->created_at);
    if (t->deadline)
        cJSON_AddNumberToObject(j, "deadline", (double)t->deadline);
    return j;
}

static int api_mine(struct api_ctx *c)
{
    struct tasks_mine *rows = calloc(TASKS_LIST_MAX, sizeof *rows);
    size_t n = 0;
    int rc = rows ? tasks_of_member(c->actor->member_id, rows, TASKS_LIST_MAX, &n) : ZB_ETOOBIG;
    if (rc) {
        free(rows);
        return rc;
    }
    cJSON *root = cJSON_CreateObject(), *arr = cJSON_AddArrayToObject(root, "items");
    for (size_t i = 0; i < n; i++) {
        cJSON *j = task_json(&rows[i].t);
        cJSON_AddBoolToObject(j, "received", rows[i].received_at != 0);
        if (rows[i].received_at)
            cJSON_AddNumberToObject(j, "received_at", (double)rows[i].received_at);
        cJSON_AddItemToArray(arr, j);
    }
    free(rows);
    return api_emit(c, root);
}

static bool path_id(struct api_ctx *c, int64_t *id)
{
    const char *s = c->nparams ? c->params[0] : "";
    if (!textfmt_digits(s, 1, 18, false))
        return false;
    *id = strtoll(s, NULL, 10);
    return *id > 0;
}

static int api_receipt(struct api_ctx *c)
{
    int64_t id = 0;
    if (!path_id(c, &id))
        return api_fail(c, ZB_EINVAL, "id", "编号应为正整数");
    struct tasks_receipt_result r;
    int rc = tasks_receipt(c->actor->member_id, id, "api", clock_now(), &r);
    switch (rc) {
    case ZB_OK: {
        cJSON *j = cJSON_CreateObject();
        cJSON_AddNumberToObject(j, "task_id", (double)r.task_id);
        cJSON_AddBoolToObject(j, "already", r.already);
        cJSON_AddNumberToObject(j, "open", r.open);
        return api_emit(c, j);
    }
    case ZB_ENOTFOUND:
        return api_fail(c, rc, "id", "没有这条通知");
    case ZB_EDENIED:
        return api_fail(c, rc, "id", "这条通知没有发给您");
    default:
        return rc;
    }
}

static int api_create(struct api_ctx *c)
{
    struct jsonbody_err e = {0};
    const char *text = NULL, *branch = NULL, *group = NULL, *deadline = NULL;
    if (jsonbody_str(c->body, "text", true, TASKS_TEXT_MAX, &text, &e) ||
        jsonbody_str(c->body, "branch", false, 800, &branch, &e) ||
        jsonbody_str(c->body, "group", false, 200, &group, &e) ||
        jsonbody_str(c->body, "deadline", false, 32, &deadline, &e))
        return api_fail(c, ZB_EINVAL, e.field, e.message);
    int64_t now = clock_now(), dl = 0, org = 0, id = 0, decision = 0;
    if (deadline && *deadline && (tasks_parse_date(deadline, now, &dl) || dl < now))
        return api_fail(c, ZB_EINVAL, "deadline", "截止日期应为今天或以后，如 2026-12-05");
    struct tasks_why why;
    int count = 0;
    enum tasks_state s = TASK_DRAFT;
    int rc = tasks_target(c->actor, branch, group, &org, &count, &why);
    if (!rc)
        rc = tasks_draft(c->actor, org, text, dl, now, &id, &why);
    if (!rc)
        rc = tasks_submit(c->actor, id, now, &s, &decision);
    switch (rc) {
    case ZB_OK:
        break;
    case ZB_EDENIED:
        return api_fail(c, rc, NULL, why.refusal ? why.refusal : "您不能发通知");
    case ZB_ENOTFOUND:
        return api_fail(c, rc, group ? "group" : "branch", "找不到这个组织");
    case ZB_EINVAL:
        if (why.nwords) {
            snprintf(c->note, sizeof c->note, "内容含有不宜发布的词“%s”", why.word);
            return api_fail(c, rc, "text", c->note);
        }
        return api_fail(c, rc, "text", "通知内容是空的");
    case ZB_ETOOBIG:
        return api_fail(c, ZB_EINVAL, "text", "通知太长");
    default:
        return rc;
    }
    struct task t;
    if ((rc = tasks_get(id, &t)))
        return rc;
    cJSON *j = task_json(&t);
    cJSON_AddNumberToObject(j, "recipients", count);
    if (decision)
        cJSON_AddNumberToObject(j, "decision_id", (double)decision);
    c->status = 201;
    return api_emit(c, j);
}

static const char *const mark_ids[] = {"answered", "proxy", "silent", "unreachable", "exempt"};

struct rows {
    cJSON *silent, *unreachable; /* the lists */
    int n;                       /* rows written */
};

static int add_row(const struct tasks_row *r, void *arg)
{
    struct rows *k = arg;
    if (++k->n > API_ROWS_MAX)
        return 0;
    cJSON *j = cJSON_CreateObject();
    cJSON_AddNumberToObject(j, "member_id", (double)r->member_id);
    cJSON_AddStringToObject(j, "name", r->name);
    cJSON_AddStringToObject(j, "phone", r->phone);
    cJSON_AddStringToObject(j, "mark", mark_ids[r->mark]);
    cJSON_AddItemToArray(r->mark == MARK_UNREACHABLE ? k->unreachable : k->silent, j);
    return 0;
}

static int api_progress(struct api_ctx *c)
{
    int64_t id = 0;
    if (!path_id(c, &id))
        return api_fail(c, ZB_EINVAL, "id", "编号应为正整数");
    cJSON *root = cJSON_CreateObject();
    struct rows k = {cJSON_CreateArray(), cJSON_CreateArray(), 0};
    struct tasks_progress p;
    const char *refusal = NULL;
    int rc = tasks_progress_get(c->actor, id, false, false, add_row, &k, &p, &refusal);
    if (rc) {
        cJSON_Delete(root);
        cJSON_Delete(k.silent);
        cJSON_Delete(k.unreachable);
        if (rc == ZB_ENOTFOUND)
            return api_fail(c, rc, "id", "没有这条通知");
        if (rc == ZB_EDENIED)
            return api_fail(c, rc, NULL, refusal ? refusal : "您不能查看这条通知");
        return rc;
    }
    cJSON_AddItemToObject(root, "task", task_json(&p.t));
    cJSON_AddNumberToObject(root, "recipients", p.recipients);
    cJSON_AddNumberToObject(root, "counted", p.counted);
    cJSON_AddNumberToObject(root, "answered", p.answered);
    cJSON_AddNumberToObject(root, "proxy", p.proxy);
    cJSON_AddItemToObject(root, "silent", k.silent);
    cJSON_AddItemToObject(root, "unreachable", k.unreachable);
    cJSON_AddBoolToObject(root, "truncated", k.n > API_ROWS_MAX);
    return api_emit(c, root);
}

const struct api_route tasks_api_routes[TASKS_API_COUNT] = {
    {.method = API_GET,
     .pattern = "/api/v1/tasks",
     .handler = api_mine,
     .summary = "The caller's recent tasks, newest first, with whether each was acknowledged"},
    {.method = API_POST,
     .pattern = "/api/v1/tasks",
     .action = &tasks_send,
     .writes = true,
     .handler = api_create,
     .summary = "Send a task: {\"text\", \"branch\"?, \"group\"?, \"deadline\"?: \"YYYY-MM-DD\"}"},
    {.method = API_GET,
     .pattern = "/api/v1/tasks/{id}",
     .action = &tasks_view,
     .handler = api_progress,
     .summary = "A task's progress: answered of counted, the silent and the unreachable"},
    {.method = API_POST,
     .pattern = "/api/v1/tasks/{id}/receipt",
     .writes = true,
     .handler = api_receipt,
     .summary = "Acknowledge a task (收到); idempotent"},
};
_Static_assert(sizeof tasks_api_routes / sizeof tasks_api_routes[0] == TASKS_API_COUNT, "count");
