/*
 * http.h - the request and response as platform adapters see them.
 *
 * server.c creates one struct http_request per request on libmicrohttpd's first callback,
 * collects the body under the configured cap, calls the route's handler with the complete body,
 * and frees everything in the completion callback. A handler that starts asynchronous work
 * (router_submit) keeps its state in req->state, answers http_pending(), and calls http_ready()
 * when the work is done: the connection is suspended meanwhile - no thread waits - and the
 * handler is called again with the same request to write the response.
 */
#ifndef ZHIBU_HTTP_H
#define ZHIBU_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bot/base/buf.h"

struct MHD_Connection;

struct http_request {
    struct MHD_Connection *conn; /* for query and header lookups */
    const char *method;          /* "GET", "POST", ... (libmicrohttpd's storage) */
    const char *path;            /* URL path without the query */
    struct buf body;             /* the request body, capped at server.body_limit */
    uint64_t id;                 /* request id, also in log lines */
    int64_t started_us;          /* monotonic start time */
    int route;                   /* index in the route table, -1 when unknown */
    int status;                  /* the status queued, 0 before a response */
    bool too_big;                /* the body passed the cap; the rest is dropped */
    size_t received;             /* body bytes received, kept or not */
    void *state;                 /* the handler's state across http_pending, or NULL */
    void (*state_free)(void *);  /* frees state when the request ends */
    bool ready;                  /* http_ready was called (server's, under its lock) */
    bool suspended;              /* the connection is suspended (server's, under its lock) */
    bool waiting;                /* suspended, counted busy (server thread only) */
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

/* http_pending - the handler started asynchronous work; it will be called again after
 * http_ready(req). */
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
