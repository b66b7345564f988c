/* api.c - the transfer over REST (see api.h), through the same transfer.h as chat and CLI. */
#include "handlers/transfer/api.h"

#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

#include "bot/api/answer.h"
#include "bot/api/jsonbody.h"
#include "bot/base/clock.h"
#include "bot/base/textfmt.h"
#include "handlers/dues/dues.h"
#include "handlers/transfer/chat.h"
#include "handlers/transfer/transfer.h"

static const char *const step_states[] = {"waiting", "open", "approved", "returned"};

static cJSON *transfer_json(const struct transfer *t, int64_t now)
{
    cJSON *j = cJSON_CreateObject();
    cJSON_AddNumberToObject(j, "id", (double)t->id);
    cJSON_AddNumberToObject(j, "member_id", (double)t->member_id);
    char path[BRANCH_PATH_MAX + 1];
    cJSON_AddNumberToObject(j, "from_org", (double)t->from_org);
    if (!branch_path(t->from_org, path, sizeof path))
        cJSON_AddStringToObject(j, "from", path);
    cJSON_AddNumberToObject(j, "to_org", (double)t->to_org);
    if (!branch_path(t->to_org, path, sizeof path))
        cJSON_AddStringToObject(j, "to", path);
    cJSON_AddStringToObject(j, "status", transfer_status_id(t->status));
    cJSON_AddStringToObject(j, "reason", t->reason);
    cJSON *letter = cJSON_AddObjectToObject(j, "letter");
    cJSON_AddStringToObject(letter, "number", t->letter_no);
    cJSON_AddNumberToObject(letter, "validity_days", t->validity_days);
    cJSON_AddNumberToObject(letter, "issued_at", (double)t->issued_at);
    cJSON_AddNumberToObject(letter, "expires_at", (double)t->expires_at);
    if (t->issued_at)
        cJSON_AddNumberToObject(letter, "days_left", transfer_days_left(t, now));
    if (t->dues_paid_through >= 0) {
        char m[8];
        dues_month_text(t->dues_paid_through, m, sizeof m);
        cJSON_AddStringToObject(letter, "dues_paid_through", m);
    }
    cJSON_AddNumberToObject(j, "dues_arrears_months", t->dues_arrears);
    cJSON *steps = cJSON_AddArrayToObject(j, "steps");
    for (size_t i = 0; i < t->n_steps; i++) {
        const struct transfer_step *s = &t->steps[i];
        cJSON *o = cJSON_CreateObject();
        cJSON_AddNumberToObject(o, "seq", s->seq);
        cJSON_AddNumberToObject(o, "org_id", (double)s->org_id);
        struct branch b;
        if (!branch_get(s->org_id, &b))
            cJSON_AddStringToObject(o, "org", b.name);
        cJSON_AddStringToObject(o, "state", step_states[s->state]);
        if (s->decision_id)
            cJSON_AddNumberToObject(o, "decision_id", (double)s->decision_id);
        cJSON_AddNumberToObject(o, "opened_at", (double)s->opened_at);
        cJSON_AddNumberToObject(o, "decided_at", (double)s->decided_at);
        if (s->reason[0])
            cJSON_AddStringToObject(o, "reason", s->reason);
        cJSON_AddItemToArray(steps, o);
    }
    cJSON_AddNumberToObject(j, "created_at", (double)t->created_at);
    cJSON_AddNumberToObject(j, "received_at", (double)t->received_at);
    return j;
}

static int fail_why(struct api_ctx *c, int rc, const struct transfer_why *why)
{
    if (rc == ZB_EDB)
        return rc;
    char text[API_NOTE_MAX];
    transfer_why_text(rc, why, text, sizeof text);
    const char *field = why->field                        ? why->field
                        : why->reason == TR_NO_MEMBER     ? "member_id"
                        : why->reason == TR_BAD_VALIDITY  ? "validity_days"
                        : why->reason == TR_REASON_NEEDED ? "reason"
                        : why->reason == TR_DENIED        ? NULL
                                                          : "to";
    /* an open transfer already, or a phone another member has: a conflict (409), never "too
     * many requests" (429), which a client would retry */
    int code = rc == ZB_ETOOBIG ? ZB_EINVAL : rc == ZB_EBUSY ? ZB_EDONE : rc;
    return api_fail(c, code, field, text);
}

static int emit_created(struct api_ctx *c, int64_t id, int64_t member);

static int api_start(struct api_ctx *c)
{
    struct jsonbody_err e = {0};
    const char *to = NULL, *reason = "";
    int64_t member = c->actor->member_id, validity = 0;
    if (jsonbody_str(c->body, "to", true, BRANCH_PATH_MAX, &to, &e) ||
        jsonbody_str(c->body, "reason", false, TRANSFER_REASON_MAX, &reason, &e) ||
        jsonbody_int(c->body, "member_id", false, 1, INT64_MAX, &member, &e) ||
        jsonbody_int(c->body, "validity_days", false, 1, 366, &validity, &e))
        return api_fail(c, ZB_EINVAL, e.field, e.message);
    struct transfer_new n = {
        .member_id = member, .to = to, .reason = reason, .validity_days = (int)validity};
    struct transfer_why why = {0};
    int64_t id = 0;
    int rc = transfer_start(c->actor, &n, clock_now(), &id, &why);
    if (rc)
        return fail_why(c, rc, &why);
    return emit_created(c, id, 0);
}

/* emit_created - 201 with transfer id (and the member, when a new one was recorded). */
static int emit_created(struct api_ctx *c, int64_t id, int64_t member)
{
    struct transfer *t = malloc(sizeof *t);
    if (!t)
        return ZB_EDB;
    int64_t now = clock_now();
    int rc = transfer_get(id, t);
    if (!rc) {
        cJSON *j = transfer_json(t, now);
        if (member)
            cJSON_AddNumberToObject(j, "new_member_id", (double)member);
        c->status = 201;
        rc = api_emit(c, j);
    }
    free(t);
    return rc;
}

static int api_receive(struct api_ctx *c)
{
    struct jsonbody_err e = {0};
    struct transfer_incoming in = {.phone = "", .dues_paid_to = -1};
    const char *dues = NULL, *date = NULL;
    if (jsonbody_str(c->body, "name", true, MEMBER_NAME_MAX, &in.name, &e) ||
        jsonbody_str(c->body, "from", true, BRANCH_PATH_MAX, &in.from, &e) ||
        jsonbody_str(c->body, "letter", true, TRANSFER_LETTER_MAX, &in.letter, &e) ||
        jsonbody_str(c->body, "to", true, BRANCH_PATH_MAX, &in.to, &e) ||
        jsonbody_str(c->body, "phone", false, 32, &in.phone, &e) ||
        jsonbody_str(c->body, "dues_paid_to", false, 16, &dues, &e) ||
        jsonbody_str(c->body, "date", false, 32, &date, &e))
        return api_fail(c, ZB_EINVAL, e.field, e.message);
    if (dues && dues[0] && dues_month_parse(dues, &in.dues_paid_to))
        return api_fail(c, ZB_EINVAL, "dues_paid_to", "党费交至请写年月，如 2026-05");
    if (date && date[0] && transfer_letter_date(date, &in.issued_at))
        return api_fail(c, ZB_EINVAL, "date", "介绍信日期请写成 2026-05-20");
    struct transfer_why why = {0};
    int64_t id = 0, member = 0;
    int rc = transfer_receive(c->actor, &in, clock_now(), &id, &member, &why);
    if (rc)
        return fail_why(c, rc, &why);
    return emit_created(c, id, member);
}

static int api_show(struct api_ctx *c)
{
    const char *s = c->nparams ? c->params[0] : "";
    if (!textfmt_digits(s, 1, 18, false))
        return api_fail(c, ZB_EINVAL, "id", "编号应为正整数");
    struct transfer *t = malloc(sizeof *t);
    if (!t)
        return ZB_EDB;
    int rc = transfer_get(strtoll(s, NULL, 10), t);
    if (rc == ZB_ENOTFOUND) {
        free(t);
        return api_fail(c, rc, "id", "没有这件转接");
    }
    if (!rc && (rc = transfer_may_see(c->actor, t)) == ZB_EDENIED) {
        free(t);
        return api_fail(c, rc, NULL, "只有本人、路线上的审批人和两端的书记可以查看");
    }
    if (!rc)
        rc = api_emit(c, transfer_json(t, clock_now()));
    free(t);
    return rc;
}

const struct api_route transfer_api_routes[TRANSFER_API_COUNT] = {
    {.method = API_POST,
     .pattern = "/api/v1/transfers",
     .writes = true,
     .handler = api_start,
     .summary = "Start a transfer of organisation relations: {\"to\", \"reason\", \"member_id\"?, "
                "\"validity_days\"?}"},
    {.method = API_POST,
     .pattern = "/api/v1/transfers/incoming",
     .writes = true,
     .handler = api_receive,
     .summary = "Record a member transferred in from outside zhibu: {\"name\", \"from\", "
                "\"letter\", \"to\", \"phone\"?, \"dues_paid_to\"?, \"date\"?}"},
    {.method = API_GET,
     .pattern = "/api/v1/transfers/{id}",
     .handler = api_show,
     .summary = "One transfer: route, steps, letter, dues paid up to"},
};
_Static_assert(sizeof transfer_api_routes / sizeof transfer_api_routes[0] == TRANSFER_API_COUNT,
               "count");
