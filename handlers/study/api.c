/* api.c - study over REST (see api.h), through the same study.h functions as chat. */
#include "handlers/study/api.h"

#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

#include "bot/api/answer.h"
#include "bot/base/clock.h"
#include "bot/org/member.h"
#include "handlers/study/study.h"

static int api_list(struct api_ctx *c)
{
    struct study_entry *e = calloc(STUDY_LIST_MAX, sizeof *e);
    size_t n = 0;
    int rc = e ? study_for_member(c->actor->member_id, e, STUDY_LIST_MAX, &n) : ZB_ETOOBIG;
    if (rc) {
        free(e);
        return rc;
    }
    cJSON *j = cJSON_CreateObject(), *arr = cJSON_AddArrayToObject(j, "items");
    for (size_t i = 0; i < n; i++) {
        cJSON *o = cJSON_CreateObject();
        cJSON_AddNumberToObject(o, "id", (double)e[i].id);
        cJSON_AddStringToObject(o, "title", e[i].title);
        cJSON_AddNumberToObject(o, "published_at", (double)e[i].published_at);
        cJSON_AddBoolToObject(o, "read", e[i].read);
        cJSON_AddItemToArray(arr, o);
    }
    free(e);
    return api_emit(c, j);
}

static void add_name(cJSON *j, const char *key, int64_t id)
{
    struct member m;
    if (id && member_get(id, &m) == ZB_OK)
        cJSON_AddStringToObject(j, key, m.name);
}

static int api_item(struct api_ctx *c)
{
    char *end = NULL;
    long long id = c->nparams ? strtoll(c->params[0], &end, 10) : 0;
    if (!end || *end || id <= 0)
        return api_fail(c, ZB_EINVAL, "id", "编号应为正整数");
    int rc = study_read(c->actor->member_id, id, "api", clock_now(), NULL);
    if (rc == ZB_ENOTFOUND)
        return api_fail(c, ZB_ENOTFOUND, "id", "没有这篇学习内容");
    struct study_item it;
    if (rc || (rc = study_get(id, &it)))
        return rc;
    cJSON *j = cJSON_CreateObject();
    cJSON_AddNumberToObject(j, "id", (double)it.id);
    cJSON_AddStringToObject(j, "title", it.h.title);
    cJSON_AddStringToObject(j, "date", it.h.date);
    cJSON_AddStringToObject(j, "summary", it.h.summary);
    cJSON_AddStringToObject(j, "source", it.h.source);
    cJSON_AddStringToObject(j, "body", it.body);
    cJSON_AddNumberToObject(j, "version", it.version);
    add_name(j, "author", it.author_id);
    add_name(j, "reviewer", it.reviewer1_id);
    add_name(j, "second_reviewer", it.reviewer2_id);
    study_item_clear(&it);
    return api_emit(c, j);
}

static cJSON *tally_json(const struct study_tally *t)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "items", t->items);
    cJSON_AddNumberToObject(o, "points", t->points);
    return o;
}

static int api_record(struct api_ctx *c)
{
    struct study_record r;
    int rc = study_record_get(c->actor->member_id, clock_now(), &r);
    if (rc)
        return rc;
    cJSON *j = cJSON_CreateObject(), *b = cJSON_CreateObject();
    cJSON_AddItemToObject(j, "week", tally_json(&r.week));
    cJSON_AddItemToObject(j, "month", tally_json(&r.month));
    cJSON_AddNumberToObject(b, "members", r.branch_members);
    cJSON_AddItemToObject(b, "week", tally_json(&r.branch_week));
    cJSON_AddItemToObject(b, "month", tally_json(&r.branch_month));
    cJSON_AddItemToObject(j, "branch", b);
    return api_emit(c, j);
}

const struct api_route study_api_routes[STUDY_API_COUNT] = {
    {API_GET, "/api/v1/study", NULL, false, api_list, "the caller's study items, newest first",
     API_MEMBER, NULL},
    {API_GET, "/api/v1/study/{id}", NULL, true, api_item, "one study item; records the read",
     API_MEMBER, NULL},
    {API_GET, "/api/v1/me/study", NULL, false, api_record, "the caller's study record", API_MEMBER,
     NULL},
};
