/* problem.c - REST error bodies (see problem.h). */
#include "bot/api/problem.h"

#include <cjson/cJSON.h>
#include <stdlib.h>

struct problem {
    int code;            /* enum zb_err */
    int status;          /* HTTP status */
    const char *word;    /* the stable code */
    const char *message; /* the default message */
};

static const struct problem problems[] = {
    {ZB_EINVAL, 400, "invalid", "请求内容有误"},
    {ZB_ETOOBIG, 413, "too_big", "内容太长"},
    {ZB_EPARSE, 400, "malformed", "请求格式不对"},
    {ZB_ESIG, 401, "unauthenticated", "身份验证失败"},
    {ZB_ECRYPTO, 400, "malformed", "请求格式不对"},
    {ZB_EAPPID, 403, "forbidden", "没有权限"},
    {ZB_ESTALE, 410, "expired", "链接或请求已过期"},
    {ZB_EDB, 500, "internal", "服务器出错，请稍后再试"},
    {ZB_EIO, 502, "upstream", "外部服务暂时不可用，请稍后再试"},
    {ZB_ENOTFOUND, 404, "not_found", "没有找到"},
    {ZB_ECONFIG, 500, "internal", "服务器出错，请稍后再试"},
    {ZB_EDENIED, 403, "forbidden", "没有权限"},
    {ZB_EBUSY, 429, "busy", "操作太频繁，请稍后再试"},
    {ZB_EDONE, 409, "conflict", "已经处理过了"},
};

static const struct problem *find(int code)
{
    static const struct problem unknown = {0, 500, "internal", "服务器出错，请稍后再试"};
    for (size_t i = 0; i < sizeof problems / sizeof problems[0]; i++)
        if (problems[i].code == code)
            return &problems[i];
    return &unknown;
}

int problem_status(int code)
{
    return find(code)->status;
}

const char *problem_code(int code)
{
    return find(code)->word;
}

const char *problem_message(int code)
{
    return find(code)->message;
}

int problem_write(struct buf *out, int code, const char *field, const char *message)
{
    const struct problem *p = find(code);
    cJSON *root = cJSON_CreateObject();
    cJSON *e = cJSON_AddObjectToObject(root, "error");
    cJSON_AddStringToObject(e, "code", p->word);
    if (field)
        cJSON_AddStringToObject(e, "field", field);
    cJSON_AddStringToObject(e, "message", message ? message : p->message);
    char *s = cJSON_PrintUnformatted(root);
    cJSON_Delete(root);
    buf_reset(out);
    int rc = s ? buf_appendz(out, s) : ZB_ETOOBIG;
    free(s);
    if (rc)
        buf_reset(out);
    return rc;
}
