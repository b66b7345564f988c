/*
 * jsonbody.h - a REST request's JSON body under caps, and its fields read by type with errors
 * that name the field.
 *
 * The body is refused past its byte cap (ZB_ETOOBIG) or JSONBODY_DEPTH_MAX levels of nesting,
 * and must be a JSON object of valid UTF-8. A field reader returns ZB_OK with the value, or
 * ZB_EINVAL and fills *e with the field's name and a short Chinese message - what the REST face
 * passes to problem_write. An absent (or null) optional field leaves *out unchanged.
 */
#ifndef ZHIBU_API_JSONBODY_H
#define ZHIBU_API_JSONBODY_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bot/base/err.h"

#define JSONBODY_DEPTH_MAX 16 /* nesting of objects and arrays */

/* Which field failed and why; both static or the caller's name. */
struct jsonbody_err {
    const char *field;   /* the field's name as passed */
    const char *message; /* short Chinese: "必填", "应为文字", ... */
};

/*
 * jsonbody_parse - body (len bytes) as a JSON object into *out (caller frees with cJSON_Delete).
 * ZB_ETOOBIG when len > cap or nesting passes JSONBODY_DEPTH_MAX, ZB_EPARSE when it is not a
 * JSON object in valid UTF-8 (empty bodies included), or when anything but white space follows
 * the object.
 */
int jsonbody_parse(const char *body, size_t len, size_t cap, cJSON **out) ZB_MUST_USE;

/* jsonbody_str - string field name of at most max bytes (UTF-8) into *out (borrowed from o). */
int jsonbody_str(const cJSON *o, const char *name, bool required, size_t max, const char **out,
                 struct jsonbody_err *e) ZB_MUST_USE;

/* jsonbody_int - whole-number field name in [min, max] into *out. */
int jsonbody_int(const cJSON *o, const char *name, bool required, int64_t min, int64_t max,
                 int64_t *out, struct jsonbody_err *e) ZB_MUST_USE;

/* jsonbody_bool - true/false field name into *out. */
int jsonbody_bool(const cJSON *o, const char *name, bool required, bool *out,
                  struct jsonbody_err *e) ZB_MUST_USE;

#endif
