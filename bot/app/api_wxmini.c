/*
 * api_wxmini.c - the mini-program's REST routes (see bot/api/route.h), dispatched by the REST
 * door: POST /api/v1/wxmini/grants {"template_ids": [...]} records the one-time subscription
 * grants the mini-program obtained with wx.requestSubscribeMessage (grants.h).
 */
#include "bot/app/api_wxmini.h"

#include <stdbool.h>
#include <string.h>

#include "bot/delivery/grants.h"
#include "bot/org/apisession.h"

/* grants_post - {"template_ids": ["ID", ...]} -> {"added": N}. */
int api_wxmini_grants_post(struct api_ctx *c)
{
    const cJSON *ids = c->body ? cJSON_GetObjectItemCaseSensitive(c->body, "template_ids") : NULL;
    const char *v[GRANTS_IDS_MAX];
    size_t n = 0;
    c->field = "template_ids";
    if (!cJSON_IsArray(ids) || cJSON_GetArraySize(ids) == 0) {
        c->message = "必填，应为模板 ID 的列表";
        return ZB_EINVAL;
    }
    if (cJSON_GetArraySize(ids) > GRANTS_IDS_MAX) {
        c->message = "模板 ID 太多";
        return ZB_ETOOBIG;
    }
    const cJSON *it;
    cJSON_ArrayForEach(it, ids)
    {
        if (!cJSON_IsString(it) || !grants_id_ok(it->valuestring)) {
            c->message = "模板 ID 格式不对";
            return ZB_EINVAL;
        }
        bool seen = false; /* one acceptance is one grant, however often the id is listed */
        for (size_t k = 0; k < n && !seen; k++)
            seen = strcmp(v[k], it->valuestring) == 0;
        if (!seen)
            v[n++] = it->valuestring;
    }
    int added = 0;
    /* the grant belongs to the openid the mini-program logged in with: a member with two
     * mini-program identities is pushed on the one that accepted */
    const struct apisession *s = c->session;
    int rc = s && strcmp(s->platform, "wxmini") == 0 && *s->ext_id
                 ? grants_add_openid(s->ext_id, v, n, &added)
                 : grants_add(c->actor, v, n, &added);
    if (rc == ZB_ENOTFOUND) {
        c->message = "还没有在小程序里登录绑定";
        return rc;
    }
    if (rc) {
        c->message = rc == ZB_ETOOBIG ? "订阅的模板太多" : NULL;
        return rc;
    }
    c->field = NULL;
    return buf_appendf(c->out, "{\"added\":%d}", added) ? ZB_ETOOBIG : ZB_OK;
}

const struct api_route wxmini_api_routes[] = {
    {.method = API_POST,
     .pattern = "/api/v1/wxmini/grants",
     .writes = true,
     .handler = api_wxmini_grants_post,
     .summary = "Record one-time subscription grants (wx.requestSubscribeMessage) for the member"},
};
const size_t wxmini_api_routes_count = sizeof wxmini_api_routes / sizeof wxmini_api_routes[0];
