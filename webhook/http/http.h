/*
 * http.h - the request and response as platform adapters see them.
 *
 * server.c creates one struct http_request per request on libmicrohttpd's first callback,
 * collects the body under the configured cap, calls the route's handler with the complete body,
 * and frees everything in the completion callback. A handler that starts asynchronous work
 * (router_submit, a writer job) hands its state and a resume function to http_async_begin
 * (async.h) and arranges for http_ready() when the work is done: the connection is suspended
 * meanwhile - no thread waits - and the resume function is called with the same request to
 * write the response.
 */
#ifndef ZHIBU_HTTP_H
#define ZHIBU_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bot/base/buf.h"
#include "webhook/http/route.h"

struct MHD_Connection;

struct http_request {
    struct MHD_Connection *conn; /* for query and header lookups */
    const char *method;          /* "GET", "POST", ... (libmicrohttpd's storage) */
    const char *path;            /* URL path without the query */
    struct buf body;             /* the request body, capped at server.body_limit */
    uint64_t id;                 /* request id, also in log lines */
    int64_t started_us;          /* monotonic start time */
    const struct route *route;   /* the route matched, NULL when none */
    struct route_match match;    /* its path parameters (http_param) */
    int miss;                    /* 0, or the enum route_miss answered after the body */
    char allow[ROUTE_ALLOW_MAX]; /* ROUTE_BAD_METHOD: the Allow header */
    route_handler *resume;       /* set by http_async_begin: writes the response when resumed */
    int status;                  /* the status queued, 0 before a response */
    bool too_big;                /* the body passed the cap; the rest is dropped */
    size_t received;             /* body bytes received, kept or not */
    void *state;                 /* the handler's state across the suspension, or NULL */
    void (*state_free)(void *);  /* frees state when the request ends */
    bool ready;                  /* http_ready was called (server's, under its lock) */
    bool suspended;              /* the connection is suspended (server's, under its lock) */
    bool counted;                /* counted in flight until its completion (server's) */
    bool awaiting;               /* http_pending given, http_ready not yet (under the lock) */
    bool abandoned;              /* resumed by server_stop before http_ready (under the lock) */
    bool orphan;                 /* completed while awaiting: http_ready frees it (lock) */
    struct http_request *sprev, *snext; /* the server's list of suspended requests (lock) */
};

struct http_response {
    int status;               /* HTTP status code */
    const char *content_type; /* static string */
    struct buf body;          /* response body (cap 1 MiB) */
    const char *allow;        /* Allow header for 405, static, or NULL */
};

/* http_query - the URL-decoded query parameter name, or NULL when absent. */
const char *http_query(const struct http_request *req, const char *name);
/* http_header - the request header name (case-insensitive), or NULL when absent. */
const char *http_header(const struct http_request *req, const char *name);
/* http_param - the path parameter name of the route matched ("id" of "/x/{id}", "*" for a
 * prefix route's rest), or NULL. Storage of the request. */
const char *http_param(const struct http_request *req, const char *name);

/* http_pending - the handler started asynchronous work; req->resume (or else the handler) will be
 * called after http_ready(req). Prefer http_async_begin, which sets both. */
void http_pending(struct http_response *resp);
/* http_ready - the asynchronous work for req finished; any thread, once per http_pending. */
void http_ready(struct http_request *req);

/* http_dispatched - a router_call's done callback for handlers whose call->ud is their
 * struct http_request: http_ready on it. */
struct router_call;
void http_dispatched(struct router_call *call);

/* http_error - set resp to status with a one-line plain-text body and log why at warn level. */
void http_error(struct http_response *resp, int status, const char *why);

#endif
