/*
 * http_client.h - what the platforms' API clients share: a blocking JSON POST for token fetches
 * (the sender's own messages go through its curl multi handle), answer-text helpers and the
 * construction of a capped request body from cJSON.
 */
#ifndef ZHIBU_HTTP_CLIENT_H
#define ZHIBU_HTTP_CLIENT_H

#include <cjson/cJSON.h>
#include <stddef.h>

#include "bot/base/buf.h"
#include "bot/base/err.h"

#define API_ANSWER_MAX (64 * 1024) /* largest token answer read */

/*
 * http_client_post - POST body (JSON) to url with an optional extra header line, wait at most
 * timeout_ms. On ZB_OK *status is the HTTP status and resp holds the body (the caller
 * initialises resp with a cap and frees it). ZB_EIO when no answer came (err says why).
 */
int http_client_post(const char *url, const char *header, const char *body, long timeout_ms,
                     long *status, struct buf *resp, char *err, size_t errsz) ZB_MUST_USE;

/* api_body - print j (not freed) into body, replacing its contents; ZB_ETOOBIG past the cap. */
int api_body(struct buf *body, const cJSON *j) ZB_MUST_USE;

/* api_str - the string member name of obj copied into out (size n), "" when absent or not a
 * string. Returns out. */
const char *api_str(const cJSON *obj, const char *name, char *out, size_t n);

/* api_id_ok - s is a non-empty id safe in a URL path: letters, digits, '_', '-', at most 128. */
int api_id_ok(const char *s);

#endif
