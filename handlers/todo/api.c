/*
 * api.c - the inbox of decisions over REST (see api.h): the open decisions awaiting the caller,
 * and approving or returning one, through the same todo_list and todo_decide as chat and CLI.
 */
#include "handlers/todo/api.h"

#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

#include "bot/api/answer.h"
#include "bot/api/jsonbody.h"
#include "bot/base/clock.h"
#include "bot/base/textfmt.h"
#include "handlers/todo/todo.h"

#define TODO_API_SHOWN 100 /* decisions in one listing */

static cJSON *decision_json(const struct decision *d, const char *summary)
{
    cJSON *j = cJSON_CreateObject();
    cJSON_AddNumberToObject(j, "id", (double)d->id);
    cJSON_AddStringToObject(j, "kind", d->kind->id);
    cJSON_AddStringToObject(j, "label", d->kind->label);
    if (summary)
        cJSON_AddStringToObject(j, "summary", summary);
    cJSON_AddStringToObject(j, "state", todo_state_id(d->state));
    cJSON_AddNumberToObject(j, "org_id", (double)d->org_id);
    cJSON_AddNumberToObject(j, "opened_at", (double)d->opened_at);
    if (d->decided_at) {
        cJSON_AddNumberToObject(j, "decided_at", (double)d->decided_at);
        cJSON_AddStringToObject(j, "decided_by", d->decided_by);
        if (d->reason[0])
            cJSON_AddStringToObject(j, "reason", d->reason);
    }
    return j;
}

static int api_todo(struct api_ctx *c)
{
    struct todo_item *items = calloc(TODO_API_SHOWN, sizeof *items);
    size_t n = 0, total = 0;
    int rc = items ? todo_list(c->actor, items, TODO_API_SHOWN, &n, &total) : ZB_ETOOBIG;
    if (rc) {
        free(items);
        return rc;
    }
    cJSON *root = cJSON_CreateObject();
    cJSON *arr = cJSON_AddArrayToObject(root, "items");
    for (size_t i = 0; i < n; i++)
        cJSON_AddItemToArray(arr, decision_json(&items[i].d, items[i].summary));
    cJSON_AddNumberToObject(root, "total", (double)total);
    free(items);
    return api_emit(c, root);
}

static int api_decide(struct api_ctx *c)
{
    const char *s = c->nparams ? c->params[0] : "";
    if (!textfmt_digits(s, 1, 18, false))
        return api_fail(c, ZB_EINVAL, "id", "编号应为正整数");
    int64_t id = strtoll(s, NULL, 10);
    struct jsonbody_err e = {0};
    const char *verdict = NULL, *reason = NULL;
    if (jsonbody_str(c->body, "decision", true, 16, &verdict, &e) ||
        jsonbody_str(c->body, "reason", false, TODO_REASON_MAX, &reason, &e))
        return api_fail(c, ZB_EINVAL, e.field, e.message);
    bool approve = strcmp(verdict, "approve") == 0;
    if (!approve && strcmp(verdict, "return") != 0)
        return api_fail(c, ZB_EINVAL, "decision", "应为 approve 或 return");
    struct decision d;
    int rc =
        todo_decide(c->actor, id, approve ? TODO_APPROVE : TODO_RETURN, reason, clock_now(), &d);
    switch (rc) {
    case ZB_OK:
        return api_emit(c, decision_json(&d, NULL));
    case ZB_ENOTFOUND:
        return api_fail(c, rc, "id", "没有这项待办");
    case ZB_EDONE:
        return api_fail(c, rc, "id", "这项待办已经处理过了");
    case ZB_EDENIED:
        return api_fail(c, rc, NULL, "这项待办不归您处理");
    case ZB_EINVAL:
        if (approve)
            return api_fail(c, rc, NULL, "这项待办现在不能同意");
        return api_fail(c, rc, "reason", "退回时请写明原因");
    case ZB_ETOOBIG:
        return api_fail(c, ZB_EINVAL, "reason", "原因太长");
    default:
        return rc;
    }
}

const struct api_route todo_api_routes[TODO_API_COUNT] = {
    {.method = API_GET,
     .pattern = "/api/v1/todo",
     .handler = api_todo,
     .summary = "The open decisions awaiting the caller, oldest first"},
    {.method = API_POST,
     .pattern = "/api/v1/todo/{id}",
     .writes = true,
     .handler = api_decide,
     .summary = "Approve or return a decision: {\"decision\": \"approve\"|\"return\", \"reason\"}"},
};
_Static_assert(sizeof todo_api_routes / sizeof todo_api_routes[0] == TODO_API_COUNT, "count");
