/*
 * problem.h - how a REST error looks: {"error":{"code":"not_found","field":"id","message":"..."}}
 *
 * code is a stable English word per error code of bot/base/err.h (clients switch on it), field
 * names the request field at fault (absent when none), message is short plain Chinese for the
 * person at the console or in the mini-program. The HTTP status follows from the code.
 */
#ifndef ZHIBU_API_PROBLEM_H
#define ZHIBU_API_PROBLEM_H

#include "bot/base/buf.h"
#include "bot/base/err.h"

/* problem_status - the HTTP status for an error code (400 for input, 401, 403, 404, 409 for
 * ZB_EDONE, 413, 429, 500, 502). */
int problem_status(int code);

/* problem_code - the stable word for an error code ("invalid", "not_found", ...); static. */
const char *problem_code(int code);

/* problem_message - the default Chinese message for an error code; static. */
const char *problem_message(int code);

/*
 * problem_write - replace out's contents with the error body for code; field may be NULL (left
 * out), message NULL for problem_message(code). ZB_ETOOBIG when out's cap is too small.
 */
int problem_write(struct buf *out, int code, const char *field, const char *message) ZB_MUST_USE;

#endif
