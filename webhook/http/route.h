/*
 * route.h - the HTTP route table: a path pattern and a set of methods per route.
 *
 * Patterns are absolute paths split on '/': a literal segment ("wechat"), a parameter segment
 * ("{id}", any non-empty segment, at most ROUTE_PARAM_MAX bytes), or a trailing '/' that makes
 * the route a prefix ("/s/" matches "/s/" and every path below it; the rest is the parameter
 * "*"). Matching is exact otherwise: "/healthz/" is not "/healthz", "//x" is not "/x".
 *
 * Precedence among routes whose path and method both match, segment by segment from the left:
 * a literal beats a parameter, a parameter beats a prefix's rest. When the path matches some
 * routes but none allows the method, the answer is 405 with the union of their methods.
 *
 * Percent-encoding: libmicrohttpd decodes the path before we see it (its default unescape
 * callback), so the matcher compares and returns decoded bytes and decodes nothing itself; an
 * encoded "/" (%2F) therefore splits segments like a plain one. Handlers validate parameters.
 *
 * The lookup walks the table once with a few string compares per route; no allocation.
 */
#ifndef ZHIBU_ROUTE_H
#define ZHIBU_ROUTE_H

#include <stdbool.h>
#include <stddef.h>

#include "bot/base/err.h"

#define ROUTE_PATH_MAX   2048 /* longer paths are refused (414) */
#define ROUTE_PARAMS_MAX 4    /* parameters (and the prefix rest) per pattern */
#define ROUTE_PARAM_MAX  256  /* bytes of one parameter value; longer does not match */
#define ROUTE_ALLOW_MAX  40   /* "GET, POST, PUT, PATCH, DELETE" and the NUL */

/* Methods as bits, so a route allows several. */
enum route_method {
    ROUTE_GET = 1 << 0,
    ROUTE_POST = 1 << 1,
    ROUTE_PUT = 1 << 2,
    ROUTE_PATCH = 1 << 3,
    ROUTE_DELETE = 1 << 4,
};

struct config;
struct http_request;
struct http_response;

/* A route's handler: called with the complete body (see http.h for the asynchronous case). */
typedef void route_handler(const struct config *cfg, struct http_request *req,
                           struct http_response *resp);

struct route {
    const char *pattern;   /* "/wechat", "/api/v1/members/{id}", "/s/" */
    unsigned methods;      /* enum route_method bits */
    int tag;               /* the caller's label (the metrics endpoint) */
    route_handler *handle; /* the handler */
};

/* The parameters of a match, NUL-terminated copies. */
struct route_match {
    int n;                                             /* parameters filled */
    const char *name[ROUTE_PARAMS_MAX];                /* into the pattern, or "*" */
    size_t name_len[ROUTE_PARAMS_MAX];                 /* bytes of name[i] */
    char value[ROUTE_PARAMS_MAX][ROUTE_PARAM_MAX + 1]; /* the path's bytes */
};

/* Outcomes of route_find besides an index. */
enum route_miss {
    ROUTE_NOT_FOUND = -1,  /* no route has this path: 404 */
    ROUTE_BAD_METHOD = -2, /* the path matches, the method does not: 405, allow filled */
    ROUTE_TOO_LONG = -3,   /* the path exceeds ROUTE_PATH_MAX: 414 */
};

/* route_method_bit - the bit of an HTTP method name ("GET"...), 0 for any other (HEAD...). */
unsigned route_method_bit(const char *method);

/*
 * route_find - the best route of table[0..n) for (path, method bit). Returns its index and
 * fills *m (may be NULL), or an enum route_miss; on ROUTE_BAD_METHOD allow (size allowsz, may
 * be NULL) holds the methods the path accepts, as for an Allow header ("GET, POST").
 */
int route_find(const struct route *table, size_t n, const char *path, unsigned method,
               struct route_match *m, char *allow, size_t allowsz);

/* route_param - the value of parameter name in m ("*" for a prefix's rest), or NULL. */
const char *route_param(const struct route_match *m, const char *name);

/*
 * route_check - a table's patterns are well formed: absolute, no empty segments, parameters
 * "{name}" of 1..31 bytes, at most ROUTE_PARAMS_MAX of them, at least one method. ZB_EINVAL
 * with the faulty pattern in err otherwise. Called once when the table is built.
 */
int route_check(const struct route *table, size_t n, char *err, size_t errsz) ZB_MUST_USE;

#endif
