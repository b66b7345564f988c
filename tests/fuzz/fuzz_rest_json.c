/*
 * fuzz_rest_json.c - libFuzzer driver for REST request bodies (bot/api/jsonbody.c) and the
 * field reading of the routes' handlers: login and bind's "code", the inbox's "decision" and
 * "reason", and PATCH /api/v1/members/{id}'s fields parsed and validated as the registry does
 * (member_field_lookup, member_field_set, member_check - no database).
 *
 * Asserts: a parsed body is a JSON object; a string read is within its cap and the field at
 * fault is named on every refusal with a message; a field that validates leaves a record that
 * member_check can judge without crashing, and every refusal has a sentence.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bot/api/jsonbody.h"
#include "bot/org/member.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CAP 4096

static void str_field(const cJSON *o, const char *name, bool required, size_t max)
{
    struct jsonbody_err e = {0};
    const char *v = NULL;
    int rc = jsonbody_str(o, name, required, max, &v, &e);
    if (rc == ZB_OK && v && strlen(v) > max)
        abort();
    if (rc && (!e.field || strcmp(e.field, name) != 0 || !e.message || !*e.message))
        abort();
    if (rc == ZB_OK && required && !v)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    cJSON *j = NULL;
    int rc = jsonbody_parse((const char *)data, size, CAP, &j);
    if (rc) {
        if (j || (rc != ZB_ETOOBIG && rc != ZB_EPARSE) || (size > CAP && rc != ZB_ETOOBIG))
            abort();
        return 0;
    }
    if (!cJSON_IsObject(j))
        abort();
    str_field(j, "code", true, 128);
    str_field(j, "decision", true, 16);
    str_field(j, "reason", false, 600);
    int64_t n;
    bool b;
    struct jsonbody_err e = {0};
    if (jsonbody_int(j, "limit", false, 1, 200, &n, &e) == ZB_OK && e.field)
        abort();
    if (jsonbody_bool(j, "flag", false, &b, &e) && !e.message)
        abort();
    struct member m;
    member_init(&m);
    snprintf(m.name, sizeof m.name, "测试");
    int fields = 0;
    for (const cJSON *f = j->child; f && fields < 16; f = f->next, fields++) {
        int id = f->string ? member_field_lookup(f->string) : -1;
        const char *v = NULL;
        struct jsonbody_err fe = {0};
        if (id < 0 || id == MF_BRANCH || id == MF_GROUP ||
            jsonbody_str(j, f->string, true, 800, &v, &fe))
            continue;
        char err[MEMBER_ERR_MAX] = "";
        if (member_field_set(&m, (enum member_field)id, v, err, sizeof err)) {
            if (!err[0])
                abort();
            continue;
        }
        char cerr[MEMBER_ERR_MAX] = "";
        if (member_check(&m, cerr, sizeof cerr) && !cerr[0])
            abort();
    }
    cJSON_Delete(j);
    return 0;
}
