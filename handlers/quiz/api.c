/*
 * api.c - the quiz over REST (see api.h): POST /api/v1/quiz starts a round and returns its
 * questions (without answers), POST /api/v1/quiz/{id}/answer answers one, GET /api/v1/quiz/wrong
 * lists the member's wrong answers with the right ones - the same domain functions as chat.
 */
#include "handlers/quiz/api.h"

#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

#include "bot/api/answer.h"
#include "bot/api/jsonbody.h"
#include "bot/base/clock.h"
#include "bot/base/textfmt.h"
#include "bot/base/xmalloc.h"
#include "handlers/quiz/quiz.h"

static const char *const kind_ids[] = {"single", "multiple", "truefalse"};

/* question_json - q for a member; with the answer, explanation and source when reveal. */
static cJSON *question_json(const struct quiz_question *q, int seq, bool reveal)
{
    cJSON *j = cJSON_CreateObject();
    if (seq)
        cJSON_AddNumberToObject(j, "seq", seq);
    cJSON_AddNumberToObject(j, "question_id", (double)q->id);
    cJSON_AddStringToObject(j, "type", kind_ids[q->kind]);
    cJSON_AddStringToObject(j, "question", q->text);
    cJSON *o = cJSON_AddArrayToObject(j, "options");
    for (size_t i = 0; i < q->n_options; i++)
        cJSON_AddItemToArray(o, cJSON_CreateString(q->options[i]));
    if (reveal) {
        cJSON_AddStringToObject(j, "answer", q->answer);
        cJSON_AddStringToObject(j, "explanation", q->explanation);
        cJSON_AddStringToObject(j, "source", q->source);
    }
    return j;
}

static cJSON *round_json(const struct quiz_round *r)
{
    cJSON *j = cJSON_CreateObject();
    cJSON_AddNumberToObject(j, "id", (double)r->id);
    cJSON_AddNumberToObject(j, "total", r->n);
    cJSON_AddNumberToObject(j, "answered", r->answered);
    cJSON_AddNumberToObject(j, "right", r->right);
    cJSON_AddBoolToObject(j, "done", !r->open);
    return j;
}

static int api_start(struct api_ctx *c)
{
    struct quiz_round r;
    int rc = quiz_round_start(c->actor->member_id, "api", clock_now(), &r);
    if (rc == ZB_ENOTFOUND)
        return api_fail(c, rc, NULL, "题库里暂时没有可答的题目");
    if (rc)
        return rc;
    cJSON *j = round_json(&r);
    cJSON *arr = cJSON_AddArrayToObject(j, "questions");
    for (int i = 1; i <= r.n; i++) {
        struct quiz_question q;
        if ((rc = quiz_round_question(r.id, i, &q))) {
            cJSON_Delete(j);
            return rc;
        }
        cJSON_AddItemToArray(arr, question_json(&q, i, false));
    }
    c->status = 201;
    return api_emit(c, j);
}

static int api_answer(struct api_ctx *c)
{
    const char *s = c->nparams ? c->params[0] : "";
    if (!textfmt_digits(s, 1, 18, false))
        return api_fail(c, ZB_EINVAL, "id", "编号应为正整数");
    int64_t id = strtoll(s, NULL, 10);
    struct jsonbody_err e = {0};
    const char *answer = NULL;
    int64_t seq = 0;
    if (jsonbody_int(c->body, "seq", false, 1, QUIZ_ROUND_MAX, &seq, &e) ||
        jsonbody_str(c->body, "answer", true, 32, &answer, &e))
        return api_fail(c, ZB_EINVAL, e.field, e.message);
    struct quiz_round r;
    int rc = quiz_round_get(c->actor->member_id, id, &r);
    if (rc == ZB_ENOTFOUND)
        return api_fail(c, rc, "id", "没有这轮答题");
    if (rc)
        return rc;
    if (seq > r.n)
        return api_fail(c, ZB_ENOTFOUND, "seq", "这轮答题没有这道题");
    struct quiz_result *res = xcalloc(1, sizeof *res);
    rc = quiz_round_answer(c->actor->member_id, id, (int)seq, answer, clock_now(), res);
    switch (rc) {
    case ZB_OK:
        break;
    case ZB_ENOTFOUND:
        rc = api_fail(c, rc, "id", "没有这轮答题");
        goto done;
    case ZB_EDONE:
        rc = api_fail(c, rc, "seq", "这道题已经答过，或这轮答题已经结束");
        goto done;
    case ZB_EINVAL:
        rc = api_fail(c, rc, "answer", "答案应为选项字母，如 A 或 AC");
        goto done;
    default:
        goto done;
    }
    cJSON *j = cJSON_CreateObject();
    cJSON_AddBoolToObject(j, "correct", res->correct);
    cJSON_AddStringToObject(j, "given", res->given);
    cJSON_AddNumberToObject(j, "points", res->points);
    cJSON_AddItemToObject(j, "question", question_json(&res->q, 0, true));
    cJSON_AddItemToObject(j, "round", round_json(&res->round));
    rc = api_emit(c, j);
done:
    free(res);
    return rc;
}

static int api_wrong(struct api_ctx *c)
{
    struct quiz_question *qs = xcalloc(QUIZ_WRONG_MAX, sizeof *qs);
    size_t n = 0;
    int rc = quiz_wrong(c->actor->member_id, qs, QUIZ_WRONG_MAX, &n);
    if (rc == ZB_OK) {
        cJSON *j = cJSON_CreateObject();
        cJSON *arr = cJSON_AddArrayToObject(j, "items");
        for (size_t i = 0; i < n; i++)
            cJSON_AddItemToArray(arr, question_json(&qs[i], 0, true));
        rc = api_emit(c, j);
    }
    free(qs);
    return rc;
}

const struct api_route quiz_api_routes[QUIZ_API_COUNT] = {
    {.method = API_POST,
     .pattern = "/api/v1/quiz",
     .writes = true,
     .handler = api_start,
     .summary = "Start a round: its questions without answers"},
    {.method = API_POST,
     .pattern = "/api/v1/quiz/{id}/answer",
     .writes = true,
     .handler = api_answer,
     .summary = "Answer a question of a round: {\"seq\", \"answer\": \"AC\"}"},
    {.method = API_GET,
     .pattern = "/api/v1/quiz/wrong",
     .handler = api_wrong,
     .summary = "The caller's questions last answered wrong, with the right answers"},
};
_Static_assert(sizeof quiz_api_routes / sizeof quiz_api_routes[0] == QUIZ_API_COUNT, "count");
