/*
 * answer.h - the two ways a REST route handler (route.h) ends: with a JSON answer, or with an
 * error code naming the field at fault and a short Chinese message, which the door renders as a
 * problem ({"error":{"code","field","message"}}, problem.h).
 */
#ifndef ZHIBU_API_ANSWER_H
#define ZHIBU_API_ANSWER_H

#include <cjson/cJSON.h>

#include "bot/api/route.h"
#include "bot/base/err.h"

/* api_emit - j printed (unformatted) into c->out; j is freed. ZB_OK, or ZB_ETOOBIG when the
 * answer passes the door's cap. */
int api_emit(struct api_ctx *c, cJSON *j) ZB_MUST_USE;

/* api_fail - returns code after setting c->field (static string or NULL) and c->message: message
 * is copied into c->note, so it may be built on the caller's stack; NULL keeps the default text
 * of the code. */
int api_fail(struct api_ctx *c, int code, const char *field, const char *message) ZB_MUST_USE;

#endif
