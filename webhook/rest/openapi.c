/*
 * openapi.c - GET /api/v1/openapi.json: an OpenAPI 3.0 document generated from the door's
 * table, so the document and the routes cannot disagree. Each route is one operation: its
 * path parameters ({id}) and declared query parameters, the bearer security unless open, a JSON
 * request body for POST/PUT/PATCH, a JSON 200 answer and the error schema for every failure.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bot/base/version.h"
#include "webhook/rest/rest.h"

static const char *method_name(unsigned m)
{
    switch (m) {
    case API_GET:
        return "get";
    case API_POST:
        return "post";
    case API_PUT:
        return "put";
    case API_PATCH:
        return "patch";
    default:
        return "delete";
    }
}

static void add_param(cJSON *params, const char *name, size_t len, const char *in)
{
    cJSON *p = cJSON_CreateObject();
    char n[64];
    snprintf(n, sizeof n, "%.*s", (int)len, name);
    cJSON_AddStringToObject(p, "name", n);
    cJSON_AddStringToObject(p, "in", in);
    cJSON_AddBoolToObject(p, "required", strcmp(in, "path") == 0);
    cJSON_AddStringToObject(cJSON_AddObjectToObject(p, "schema"), "type", "string");
    cJSON_AddItemToArray(params, p);
}

/* operation_id - "get_api_v1_members_id" from the method and pattern. */
static void operation_id(const struct api_route *r, char *out, size_t outsz)
{
    size_t o = (size_t)snprintf(out, outsz, "%s", method_name(r->method));
    for (const char *s = r->pattern; *s && o + 1 < outsz; s++) {
        char ch = *s;
        if (ch == '{' || ch == '}')
            continue;
        out[o++] = (ch == '/' || ch == '.' || ch == '-') ? '_' : ch;
    }
    out[o] = '\0';
}

static cJSON *json_content(const char *schema_ref)
{
    cJSON *content = cJSON_CreateObject();
    cJSON *media = cJSON_AddObjectToObject(content, "application/json");
    cJSON *schema = cJSON_AddObjectToObject(media, "schema");
    if (schema_ref)
        cJSON_AddStringToObject(schema, "$ref", schema_ref);
    else
        cJSON_AddStringToObject(schema, "type", "object");
    return content;
}

static cJSON *operation(const struct api_route *r)
{
    cJSON *op = cJSON_CreateObject();
    char id[160];
    operation_id(r, id, sizeof id);
    cJSON_AddStringToObject(op, "operationId", id);
    cJSON_AddStringToObject(op, "summary", r->summary ? r->summary : id);
    cJSON *params = cJSON_AddArrayToObject(op, "parameters");
    for (const char *s = r->pattern; (s = strchr(s, '{'));) {
        const char *e = strchr(s, '}');
        if (!e)
            break;
        add_param(params, s + 1, (size_t)(e - s - 1), "path");
        s = e;
    }
    for (const char *q = r->query; q && *q;) {
        size_t len = strcspn(q, ",");
        if (len)
            add_param(params, q, len, "query");
        q += len + (q[len] == ',');
    }
    if (r->access == API_OPEN)
        cJSON_AddArrayToObject(op, "security");
    if (r->method == API_POST || r->method == API_PUT || r->method == API_PATCH) {
        cJSON *body = cJSON_AddObjectToObject(op, "requestBody");
        cJSON_AddBoolToObject(body, "required", false); /* logout takes none */
        cJSON_AddItemToObject(body, "content", json_content(NULL));
    }
    cJSON *resp = cJSON_AddObjectToObject(op, "responses");
    cJSON *ok = cJSON_AddObjectToObject(resp, "200");
    cJSON_AddStringToObject(ok, "description", "success");
    cJSON_AddItemToObject(ok, "content", json_content(NULL));
    cJSON *err = cJSON_AddObjectToObject(resp, "default");
    cJSON_AddStringToObject(err, "description",
                            "an error: 400 bad input (field), 401 no or expired token, 403, 404, "
                            "405, 409, 413, 429, 5xx");
    cJSON_AddItemToObject(err, "content", json_content("#/components/schemas/Problem"));
    return op;
}

static cJSON *problem_schema(void)
{
    cJSON *s = cJSON_CreateObject();
    cJSON_AddStringToObject(s, "type", "object");
    cJSON *req = cJSON_AddArrayToObject(s, "required");
    cJSON_AddItemToArray(req, cJSON_CreateString("error"));
    cJSON *e = cJSON_AddObjectToObject(cJSON_AddObjectToObject(s, "properties"), "error");
    cJSON_AddStringToObject(e, "type", "object");
    cJSON *ereq = cJSON_AddArrayToObject(e, "required");
    cJSON_AddItemToArray(ereq, cJSON_CreateString("code"));
    cJSON_AddItemToArray(ereq, cJSON_CreateString("message"));
    cJSON *props = cJSON_AddObjectToObject(e, "properties");
    const char *names[] = {"code", "field", "message"};
    for (size_t i = 0; i < 3; i++)
        cJSON_AddStringToObject(cJSON_AddObjectToObject(props, names[i]), "type", "string");
    return s;
}

int rest_openapi(struct buf *out)
{
    cJSON *doc = cJSON_CreateObject();
    cJSON_AddStringToObject(doc, "openapi", "3.0.3");
    cJSON *info = cJSON_AddObjectToObject(doc, "info");
    cJSON_AddStringToObject(info, "title", "zhibu API");
    cJSON_AddStringToObject(info, "version", ZHIBU_VERSION);
    cJSON *paths = cJSON_AddObjectToObject(doc, "paths");
    for (size_t i = 0; i < rest_count(); i++) {
        const struct api_route *r = rest_at(i);
        cJSON *item = cJSON_GetObjectItemCaseSensitive(paths, r->pattern);
        if (!item)
            item = cJSON_AddObjectToObject(paths, r->pattern);
        cJSON_AddItemToObject(item, method_name(r->method), operation(r));
    }
    cJSON *comp = cJSON_AddObjectToObject(doc, "components");
    cJSON *bearer =
        cJSON_AddObjectToObject(cJSON_AddObjectToObject(comp, "securitySchemes"), "bearer");
    cJSON_AddStringToObject(bearer, "type", "http");
    cJSON_AddStringToObject(bearer, "scheme", "bearer");
    cJSON_AddItemToObject(cJSON_AddObjectToObject(comp, "schemas"), "Problem", problem_schema());
    cJSON *sec = cJSON_CreateObject();
    cJSON_AddArrayToObject(sec, "bearer");
    cJSON_AddItemToArray(cJSON_AddArrayToObject(doc, "security"), sec);
    char *text = cJSON_PrintUnformatted(doc);
    cJSON_Delete(doc);
    buf_reset(out);
    int rc = text ? buf_appendz(out, text) : ZB_ETOOBIG;
    free(text);
    return rc;
}
