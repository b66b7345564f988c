/*
 * rest.h - the REST door under /api/v1: bearer token to an actor, body caps, rate limit, the
 * route lookup over every registered api_route (bot/api/route.h), the role check, and the
 * handler on the right thread.
 *
 * The door's table is its own routes (POST /api/v1/login, POST /api/v1/logout, GET
 * /api/v1/openapi.json) followed by the tables bot/app passes in: each capability's `routes`
 * slot of the registry and the engine's extra arrays. One request: the path and method are
 * looked up (404, 405 with Allow); unless the route is API_OPEN the Authorization: Bearer token
 * is resolved to its session (401 when missing, unknown, revoked or expired), the session to an
 * actor (its member, or the member its identity is bound to, or an unbound identity that only
 * API_UNBOUND routes accept: 403), the token's requests are counted (429 past
 * api.rate_per_min in a minute), role_can(actor, route->action, 0) is asked (403 with its
 * refusal); a JSON body is parsed under server.body_limit (400, 413). Then the handler runs: on
 * the request thread for a read, on the writer thread inside one transaction for a route that
 * writes (the connection is suspended meanwhile). Every answer is JSON (application/json;
 * charset=utf-8); every error is {"error":{"code","field","message"}} (bot/api/problem.h).
 */
#ifndef ZHIBU_REST_H
#define ZHIBU_REST_H

#include <stddef.h>

#include "bot/api/route.h"
#include "bot/app/config.h"
#include "bot/base/buf.h"
#include "bot/base/err.h"
#include "webhook/http/http.h"

#define REST_PREFIX     "/api/v1/"
#define REST_ROUTES_MAX 128 /* routes of the door, its own included */

/* A list of routes handed to the door: a capability's or the engine's. */
struct rest_table {
    const struct api_route *routes; /* the routes */
    size_t n;                       /* how many (0: skipped) */
};

/*
 * rest_init - build the door's table from its own routes and tables[0..n), and, when cfg is not
 * NULL, start the login's outbound worker (cfg must outlive the door). ZB_EINVAL with err set
 * when a pattern is malformed or outside REST_PREFIX, a method and pattern appear twice, or the
 * table passes REST_ROUTES_MAX. Call once, before the server starts.
 */
int rest_init(const struct config *cfg, const struct rest_table *tables, size_t n, char *err,
              size_t errsz) ZB_MUST_USE;
/* rest_stop - stop the login worker (after the server stopped); the table stays. */
void rest_stop(void);

/* rest_route - the edge's route for the door: the prefix REST_PREFIX with every method. */
struct route rest_route(int tag);

/* rest_error - a server refusal (413, 503, ...) as a problem body; for server_error_format. */
void rest_error(struct http_response *resp, int status, const char *why);

/* rest_count / rest_at - the door's table, its own routes first (for the OpenAPI document and
 * tests). */
size_t rest_count(void);
const struct api_route *rest_at(size_t i);

/* rest_openapi - the OpenAPI 3.0 document of the table into out (replacing its contents).
 * ZB_ETOOBIG past out's cap. */
int rest_openapi(struct buf *out) ZB_MUST_USE;

/* rest_bearer - the token of an Authorization header value ("Bearer TOKEN", the scheme in any
 * case, one or more spaces), copied into out (size outsz); false when absent or malformed. */
bool rest_bearer(const char *header, char *out, size_t outsz);

#endif
