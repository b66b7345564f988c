/*
 * api.c - meetings over REST (see api.h): GET /api/v1/meetings, POST /api/v1/meetings/{id}/checkin
 * {"code"}, POST /api/v1/meetings/{id}/leave {"reason"}; for secretaries POST /api/v1/meetings
 * {"kind","at","place","topic","group","chair","recorder","held"}, PATCH and DELETE
 * /api/v1/meetings/{id}, GET /api/v1/meetings/{id}/attendance, PUT /api/v1/meetings/{id}/minutes
 * {"text"}, GET /api/v1/meetings/report?branch=&quarter=. Same domain functions as chat and CLI.
 */
#include "handlers/meetings/api.h"

#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

#include "bot/api/answer.h"
#include "bot/api/jsonbody.h"
#include "bot/base/clock.h"
#include "bot/base/textfmt.h"
#include "bot/org/branch.h"
#include "handlers/meetings/meetings.h"

/* the meeting id of the path, 0 (with the error set) when malformed */
static int64_t path_id(struct api_ctx *c)
{
    const char *s = c->nparams ? c->params[0] : "";
    return textfmt_digits(s, 1, 18, false) ? strtoll(s, NULL, 10) : 0;
}

static cJSON *meeting_json(const struct meeting *m)
{
    cJSON *j = cJSON_CreateObject();
    char when[64];
    when_format(m->starts_at, when, sizeof when);
    cJSON_AddNumberToObject(j, "id", (double)m->id);
    cJSON_AddStringToObject(j, "kind", meeting_kind_id(m->kind));
    cJSON_AddStringToObject(j, "kind_name", meeting_kind_name(m->kind));
    cJSON_AddNumberToObject(j, "starts_at", (double)m->starts_at);
    cJSON_AddStringToObject(j, "when", when);
    cJSON_AddStringToObject(j, "place", m->place);
    cJSON_AddStringToObject(j, "topic", m->topic);
    cJSON_AddBoolToObject(j, "cancelled", m->status == MS_CANCELLED);
    cJSON_AddBoolToObject(j, "code_required", m->has_code);
    return j;
}

static const char *state_id(enum attend_state s)
{
    return s == AS_PRESENT ? "present" : s == AS_LEAVE ? "leave" : "invited";
}

static int api_list(struct api_ctx *c)
{
    struct meetings_row rows[20];
    cJSON *root = cJSON_CreateObject();
    int rc = ZB_OK;
    for (int past = 0; rc == ZB_OK && past < 2; past++) {
        size_t n = 0;
        cJSON *arr = cJSON_AddArrayToObject(root, past ? "past" : "upcoming");
        rc = meetings_for_member(c->actor->member_id, clock_now(), past, rows, 20, &n);
        for (size_t i = 0; rc == ZB_OK && i < n; i++) {
            cJSON *j = meeting_json(&rows[i].m);
            cJSON_AddStringToObject(j, "my_state", state_id(rows[i].state));
            cJSON_AddItemToArray(arr, j);
        }
    }
    if (rc) {
        cJSON_Delete(root);
        return rc;
    }
    return api_emit(c, root);
}

static int attend_fail(struct api_ctx *c, int rc)
{
    switch (rc) {
    case ZB_ENOTFOUND:
        return api_fail(c, rc, "id", "没有这个会议，或您不在参会名单中");
    case ZB_ESTALE:
        return api_fail(c, ZB_EINVAL, NULL, "现在不在签到或请假的时间内");
    case ZB_ESIG:
        return api_fail(c, ZB_EINVAL, "code", "签到码不对");
    case ZB_EDONE:
        return api_fail(c, rc, NULL, "已经签到过了");
    case ZB_EINVAL:
        return api_fail(c, rc, "reason", "请写明请假原因");
    case ZB_ETOOBIG:
        return api_fail(c, ZB_EINVAL, "reason", "原因太长");
    default:
        return rc;
    }
}

static int api_checkin(struct api_ctx *c)
{
    int64_t id = path_id(c);
    if (!id)
        return api_fail(c, ZB_EINVAL, "id", "编号应为正整数");
    struct jsonbody_err e = {0};
    const char *code = NULL;
    if (c->body && jsonbody_str(c->body, "code", false, 16, &code, &e))
        return api_fail(c, ZB_EINVAL, e.field, e.message);
    struct meeting m;
    int rc = meetings_checkin(c->actor->member_id, id, code ? code : "", "api", clock_now(), &m);
    if (rc)
        return attend_fail(c, rc);
    return api_emit(c, meeting_json(&m));
}

static int api_leave(struct api_ctx *c)
{
    int64_t id = path_id(c);
    if (!id)
        return api_fail(c, ZB_EINVAL, "id", "编号应为正整数");
    struct jsonbody_err e = {0};
    const char *reason = NULL;
    if (!c->body || jsonbody_str(c->body, "reason", true, MEETINGS_REASON_MAX, &reason, &e))
        return api_fail(c, ZB_EINVAL, c->body ? e.field : "reason",
                        c->body ? e.message : "请写明请假原因");
    struct meeting m;
    int rc = meetings_leave(c->actor->member_id, id, reason, clock_now(), &m);
    if (rc)
        return attend_fail(c, rc);
    return api_emit(c, meeting_json(&m));
}

static int manage_fail(struct api_ctx *c, int rc, const char *what)
{
    switch (rc) {
    case ZB_ENOTFOUND:
        return api_fail(c, rc, what ? what : "id",
                        what ? "没有找到（党小组或人员）" : "没有这个会议");
    case ZB_EDENIED:
        return api_fail(c, rc, NULL, "您无权管理这个会议");
    case ZB_EDONE:
        return api_fail(c, rc, "id", "会议已取消");
    case ZB_EINVAL:
        return api_fail(c, rc, "at", "时间已过去（补录请设 held）或内容不对");
    case ZB_ETOOBIG:
        return api_fail(c, ZB_EINVAL, NULL, "内容太长");
    default:
        return rc;
    }
}

/* edit_fail - a refused change or cancel: a meeting that took place gets its own sentence. */
static int edit_fail(struct api_ctx *c, int64_t id, int rc)
{
    bool held = false;
    if (rc == ZB_EINVAL && meetings_held(id, clock_now(), &held) == ZB_OK && held)
        return api_fail(c, ZB_EDONE, "id",
                        "会议已经开过（有人签到或已有纪要），已记入台账，不能变更或取消");
    return manage_fail(c, rc, NULL);
}

/* at_of - "at": Unix seconds or "2026-12-01 15:00"; 0 when absent, -1 when malformed */
static int64_t at_of(const cJSON *body)
{
    const cJSON *at = cJSON_GetObjectItemCaseSensitive(body, "at");
    int64_t t = 0;
    if (!at)
        return 0;
    if (cJSON_IsNumber(at) && at->valuedouble > 0 && at->valuedouble < 4102444800.0)
        return (int64_t)at->valuedouble;
    if (cJSON_IsString(at) && strlen(at->valuestring) < 64 &&
        (when_parse_at(at->valuestring, clock_now(), &t, NULL) == ZB_OK ||
         when_parse_at(at->valuestring, clock_now() - 400 * 86400LL, &t, NULL) == ZB_OK))
        return t;
    return -1;
}

static int api_add(struct api_ctx *c)
{
    struct jsonbody_err e = {0};
    const char *kind = NULL, *place = NULL, *topic = NULL, *group = NULL, *chair = NULL,
               *recorder = NULL;
    bool held = false;
    if (!c->body || jsonbody_str(c->body, "kind", true, 32, &kind, &e) ||
        jsonbody_str(c->body, "place", true, WHEN_WORD_MAX, &place, &e) ||
        jsonbody_str(c->body, "topic", false, WHEN_TOPIC_MAX, &topic, &e) ||
        jsonbody_str(c->body, "group", false, WHEN_WORD_MAX, &group, &e) ||
        jsonbody_str(c->body, "chair", false, WHEN_WORD_MAX, &chair, &e) ||
        jsonbody_str(c->body, "recorder", false, WHEN_WORD_MAX, &recorder, &e) ||
        jsonbody_bool(c->body, "held", false, &held, &e))
        return api_fail(c, ZB_EINVAL, c->body ? e.field : "kind", c->body ? e.message : "缺少内容");
    int k = meeting_kind_parse(kind);
    if (k < 0)
        return api_fail(c, ZB_EINVAL, "kind", "会议类型不对");
    int64_t at = at_of(c->body);
    if (at <= 0)
        return api_fail(c, ZB_EINVAL, "at", "时间格式应为 2026-12-01 15:00");
    struct meetings_new nm = {.kind = (enum meeting_kind)k,
                              .group = group,
                              .starts_at = at,
                              .place = place,
                              .topic = topic,
                              .chair = chair,
                              .recorder = recorder,
                              .held = held};
    struct meeting m;
    const char *what = NULL;
    int invited = 0;
    int rc = meetings_add(c->actor, &nm, clock_now(), &m, &invited, &what);
    if (rc)
        return manage_fail(c, rc, what);
    cJSON *j = meeting_json(&m);
    cJSON_AddNumberToObject(j, "invited", invited);
    c->status = 201;
    return api_emit(c, j);
}

static int api_change(struct api_ctx *c)
{
    int64_t id = path_id(c);
    if (!id)
        return api_fail(c, ZB_EINVAL, "id", "编号应为正整数");
    struct jsonbody_err e = {0};
    const char *place = NULL;
    if (!c->body || jsonbody_str(c->body, "place", false, WHEN_WORD_MAX, &place, &e))
        return api_fail(c, ZB_EINVAL, c->body ? e.field : "at", c->body ? e.message : "缺少内容");
    int64_t at = at_of(c->body);
    if (at < 0)
        return api_fail(c, ZB_EINVAL, "at", "时间格式应为 2026-12-01 15:00");
    int rc = meetings_change(c->actor, id, at, place, clock_now());
    struct meeting m;
    if (rc)
        return edit_fail(c, id, rc);
    if ((rc = meetings_get(id, &m)))
        return manage_fail(c, rc, NULL);
    return api_emit(c, meeting_json(&m));
}

static int api_cancel(struct api_ctx *c)
{
    int64_t id = path_id(c);
    if (!id)
        return api_fail(c, ZB_EINVAL, "id", "编号应为正整数");
    int rc = meetings_cancel(c->actor, id, clock_now());
    struct meeting m;
    if (rc)
        return edit_fail(c, id, rc);
    if ((rc = meetings_get(id, &m)))
        return manage_fail(c, rc, NULL);
    return api_emit(c, meeting_json(&m));
}

static int api_attendance(struct api_ctx *c)
{
    int64_t id = path_id(c);
    if (!id)
        return api_fail(c, ZB_EINVAL, "id", "编号应为正整数");
    struct meetings_sheet s;
    int rc = meetings_attendance(c->actor, id, &s);
    if (rc)
        return manage_fail(c, rc, NULL);
    cJSON *j = meeting_json(&s.m);
    cJSON *arr = cJSON_AddArrayToObject(j, "people");
    for (size_t i = 0; i < s.n; i++) {
        const struct meetings_person *p = &s.people[i];
        cJSON *o = cJSON_CreateObject();
        cJSON_AddNumberToObject(o, "member_id", (double)p->member_id);
        cJSON_AddStringToObject(o, "name", p->name);
        cJSON_AddStringToObject(o, "state",
                                p->state == AS_INVITED && p->exempt ? "exempt"
                                : p->state == AS_INVITED            ? "absent"
                                                                    : state_id(p->state));
        if (p->at)
            cJSON_AddNumberToObject(o, "at", (double)p->at);
        if (p->how[0])
            cJSON_AddStringToObject(o, "how", p->how);
        if (p->reason[0])
            cJSON_AddStringToObject(o, "reason", p->reason);
        cJSON_AddItemToArray(arr, o);
    }
    cJSON_AddNumberToObject(j, "present", s.present);
    cJSON_AddNumberToObject(j, "leave", s.leave);
    cJSON_AddNumberToObject(j, "absent", s.absent);
    cJSON_AddNumberToObject(j, "exempt", s.exempt);
    if (s.has_quorum) {
        cJSON *q = cJSON_AddObjectToObject(j, "quorum");
        cJSON_AddNumberToObject(q, "due", s.quorum_due);
        cJSON_AddNumberToObject(q, "present", s.quorum_present);
        cJSON_AddBoolToObject(q, "met", s.quorum_met);
    }
    free(s.people);
    return api_emit(c, j);
}

static int api_minutes(struct api_ctx *c)
{
    int64_t id = path_id(c);
    if (!id)
        return api_fail(c, ZB_EINVAL, "id", "编号应为正整数");
    struct jsonbody_err e = {0};
    const char *text = NULL;
    if (!c->body || jsonbody_str(c->body, "text", true, MEETINGS_MINUTES_MAX, &text, &e))
        return api_fail(c, ZB_EINVAL, c->body ? e.field : "text", c->body ? e.message : "缺少纪要");
    int rc = meetings_minutes(c->actor, id, text, clock_now());
    if (rc == ZB_EINVAL)
        return api_fail(c, rc, "text", "纪要不能为空");
    if (rc)
        return manage_fail(c, rc, NULL);
    char *stored = NULL;
    if ((rc = meetings_minutes_get(c->actor, id, &stored)))
        return manage_fail(c, rc, NULL);
    cJSON *j = cJSON_CreateObject();
    cJSON_AddNumberToObject(j, "id", (double)id);
    cJSON_AddStringToObject(j, "minutes", stored);
    free(stored);
    return api_emit(c, j);
}

static int api_report(struct api_ctx *c)
{
    const char *bq = c->query(c, "branch"), *qq = c->query(c, "quarter");
    int year, q;
    if (!qq || meetings_quarter_parse(qq, &year, &q))
        return api_fail(c, ZB_EINVAL, "quarter", "季度应写成 2026Q4");
    int64_t branch = 0;
    char err[BRANCH_ERR_MAX];
    if (bq && *bq) {
        if (branch_resolve(bq, &branch, err, sizeof err))
            return api_fail(c, ZB_ENOTFOUND, "branch", "没有找到这个支部");
    } else if (!actor_is_member(c->actor) || meetings_member_branch(c->actor->member_id, &branch)) {
        return api_fail(c, ZB_EINVAL, "branch", "请指定支部");
    }
    struct meetings_report_row rows[MEETINGS_REPORT_MAX];
    size_t n = 0;
    bool quiet = false;
    int rc = meetings_report(c->actor, branch, year, q, clock_now(), rows, MEETINGS_REPORT_MAX, &n,
                             &quiet);
    if (rc)
        return manage_fail(c, rc, NULL);
    cJSON *j = cJSON_CreateObject();
    cJSON_AddStringToObject(j, "quarter", qq);
    cJSON_AddBoolToObject(j, "quiet", quiet);
    cJSON *arr = cJSON_AddArrayToObject(j, "rows");
    for (size_t i = 0; i < n; i++) {
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "kind", meeting_kind_id(rows[i].kind));
        cJSON_AddStringToObject(o, "kind_name", meeting_kind_name(rows[i].kind));
        if (rows[i].group[0])
            cJSON_AddStringToObject(o, "group", rows[i].group);
        cJSON_AddNumberToObject(o, "held", rows[i].held);
        cJSON_AddNumberToObject(o, "required", rows[i].required);
        cJSON_AddBoolToObject(o, "yearly", rows[i].yearly);
        cJSON_AddBoolToObject(o, "short", rows[i].short_of);
        cJSON_AddStringToObject(o, "dates", rows[i].dates);
        cJSON_AddItemToArray(arr, o);
    }
    return api_emit(c, j);
}

const struct api_route meetings_api_routes[MEETINGS_API_COUNT] = {
    {.method = API_GET,
     .pattern = "/api/v1/meetings",
     .handler = api_list,
     .summary = "The caller's upcoming and past meetings with their own state"},
    {.method = API_POST,
     .pattern = "/api/v1/meetings/{id}/checkin",
     .writes = true,
     .handler = api_checkin,
     .summary = "Check in during the window: {\"code\"} when the meeting has one"},
    {.method = API_POST,
     .pattern = "/api/v1/meetings/{id}/leave",
     .writes = true,
     .handler = api_leave,
     .summary = "Take leave before the start: {\"reason\"}"},
    {.method = API_POST,
     .pattern = "/api/v1/meetings",
     .action = &meetings_schedule,
     .writes = true,
     .handler = api_add,
     .summary = "Schedule: {\"kind\",\"at\",\"place\",\"topic\",\"group\",\"chair\",\"recorder\","
                "\"held\"}"},
    {.method = API_PATCH,
     .pattern = "/api/v1/meetings/{id}",
     .action = &meetings_schedule,
     .writes = true,
     .handler = api_change,
     .summary = "Move a meeting: {\"at\", \"place\"}; attendees are told again"},
    {.method = API_DELETE,
     .pattern = "/api/v1/meetings/{id}",
     .action = &meetings_schedule,
     .writes = true,
     .handler = api_cancel,
     .summary = "Cancel a meeting; attendees are told, reminders stop"},
    {.method = API_GET,
     .pattern = "/api/v1/meetings/{id}/attendance",
     .action = &meetings_records,
     .handler = api_attendance,
     .summary = "Present, on leave, absent (the exempt never), and the quorum"},
    {.method = API_PUT,
     .pattern = "/api/v1/meetings/{id}/minutes",
     .action = &meetings_records,
     .writes = true,
     .handler = api_minutes,
     .summary = "Store the minutes: {\"text\"}; the header comes from the records"},
    {.method = API_GET,
     .pattern = "/api/v1/meetings/report",
     .action = &meetings_records,
     .handler = api_report,
     .summary = "The ledger of a quarter: held vs required per kind and group",
     .query = "branch,quarter"},
};
_Static_assert(sizeof meetings_api_routes / sizeof meetings_api_routes[0] == MEETINGS_API_COUNT,
               "count");
