/* jsonbody.c - capped JSON bodies and typed fields (see jsonbody.h). */
#include "bot/api/jsonbody.h"

#include <string.h>

#include "bot/base/charset.h"

#define SAFE_INT 9007199254740992.0 /* 2^53: doubles are exact below */

static bool depth_ok(const cJSON *j, int depth)
{
    if (depth > JSONBODY_DEPTH_MAX)
        return false;
    for (const cJSON *c = j->child; c; c = c->next)
        if ((cJSON_IsObject(c) || cJSON_IsArray(c)) && !depth_ok(c, depth + 1))
            return false;
    return true;
}

int jsonbody_parse(const char *body, size_t len, size_t cap, cJSON **out)
{
    *out = NULL;
    if (len > cap)
        return ZB_ETOOBIG;
    if (!charset_json_text_ok(body, len)) /* the edge's one UTF-8 rule: no \u0000 cutting text */
        return ZB_EPARSE;
    const char *end = NULL;
    cJSON *j = cJSON_ParseWithLengthOpts(body, len, &end, false);
    /* one object and then only white space: "{...} junk" or "{...}{...}" is not one body */
    while (j && end && end < body + len && strchr(" \t\r\n", *end) && *end)
        end++;
    if (!cJSON_IsObject(j) || !end || end != body + len) {
        cJSON_Delete(j);
        return ZB_EPARSE;
    }
    if (!depth_ok(j, 1)) {
        cJSON_Delete(j);
        return ZB_ETOOBIG;
    }
    *out = j;
    return ZB_OK;
}

/* field - the member name of o, NULL when absent or null; *rc says whether that is an error. */
static const cJSON *field(const cJSON *o, const char *name, bool required, int *rc,
                          struct jsonbody_err *e)
{
    const cJSON *j = cJSON_GetObjectItemCaseSensitive(o, name);
    *rc = ZB_OK;
    if (j && !cJSON_IsNull(j))
        return j;
    if (required) {
        e->field = name;
        e->message = "必填";
        *rc = ZB_EINVAL;
    }
    return NULL;
}

static int fail(struct jsonbody_err *e, const char *name, const char *message)
{
    e->field = name;
    e->message = message;
    return ZB_EINVAL;
}

int jsonbody_str(const cJSON *o, const char *name, bool required, size_t max, const char **out,
                 struct jsonbody_err *e)
{
    int rc;
    const cJSON *j = field(o, name, required, &rc, e);
    if (!j)
        return rc;
    if (!cJSON_IsString(j))
        return fail(e, name, "应为文字");
    if (strlen(j->valuestring) > max)
        return fail(e, name, "太长");
    *out = j->valuestring;
    return ZB_OK;
}

int jsonbody_int(const cJSON *o, const char *name, bool required, int64_t min, int64_t max,
                 int64_t *out, struct jsonbody_err *e)
{
    int rc;
    const cJSON *j = field(o, name, required, &rc, e);
    if (!j)
        return rc;
    double d = cJSON_GetNumberValue(j);
    if (!cJSON_IsNumber(j) || !(d > -SAFE_INT && d < SAFE_INT) || d != (double)(int64_t)d)
        return fail(e, name, "应为整数");
    int64_t v = (int64_t)d;
    if (v < min || v > max)
        return fail(e, name, "超出范围");
    *out = v;
    return ZB_OK;
}

int jsonbody_bool(const cJSON *o, const char *name, bool required, bool *out,
                  struct jsonbody_err *e)
{
    int rc;
    const cJSON *j = field(o, name, required, &rc, e);
    if (!j)
        return rc;
    if (!cJSON_IsBool(j))
        return fail(e, name, "应为 true 或 false");
    *out = cJSON_IsTrue(j);
    return ZB_OK;
}
