/*
 * server.h - the HTTP edge: libmicrohttpd with its thread pool and the route table (route.h).
 *
 * Routes: the platforms' webhooks the app attaches (GET|POST /wechat, POST /qq/onebot, POST
 * /qq/bot when enabled), GET /healthz, GET /metrics. Unknown path 404, path over
 * ROUTE_PATH_MAX 414, wrong method 405 (with Allow), body over server.body_limit 413, each with
 * a log line; more than one Content-Length 400; adapters
 * answer 400/401/403 for bad input and signatures. Handlers run only with a complete body.
 *
 * Connections are guarded (guard.h): each request must arrive within server.request_timeout_s,
 * and one client address holds at most server.max_conns_per_ip (server.trusted_proxies exempt).
 * A config with those left zero (built by hand) gets 15 s and no per-address cap.
 */
#ifndef ZHIBU_SERVER_H
#define ZHIBU_SERVER_H

#include <stddef.h>

#include "bot/app/config.h"
#include "bot/base/err.h"
#include "webhook/http/route.h"

struct server;

/*
 * server_start - bind cfg->listen and serve routes[0..n) (copied; their tag is the metrics
 * endpoint) and the fixed ones. cfg must outlive the server. On error err says why (one line)
 * and *out is NULL.
 */
int server_start(const struct config *cfg, const struct route *routes, size_t n,
                 struct server **out, char *err, size_t errsz) ZB_MUST_USE;
/*
 * server_error_format - the server's own refusals (413, 503) of requests whose path starts with
 * prefix are rendered by render instead of as plain text (the REST door answers JSON problems).
 * One prefix per process; set it before server_start. prefix must be static.
 */
struct http_response;
void server_error_format(const char *prefix,
                         void (*render)(struct http_response *resp, int status, const char *why));
/*
 * server_stop - stop accepting, finish running requests, free everything. Bounded: requests
 * still suspended after 7 s are answered 503 (their work still completes), and the daemon stops
 * within about 9 s whatever the clients do. NULL is a no-op.
 */
void server_stop(struct server *s);

#endif
