/*
 * server.c - libmicrohttpd daemon, request lifecycle and the route table (see server.h).
 *
 * Per request: the first access-handler call creates struct http_request (route and method are
 * checked, a Content-Length over the cap is refused at once); following calls append the body
 * under the cap; the last call runs the route's handler and queues the response. The completion
 * callback records metrics and frees the request in one call.
 */
#include "webhook/http/server.h"

#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "bot/base/log.h"
#include "bot/chat/router.h"
#include "bot/store/health.h"
#include "bot/store/store.h"
#include "bot/base/xmalloc.h"
#include "webhook/http/guard.h"
#include "webhook/http/http.h"
#include "webhook/http/metrics.h"

#define RESPONSE_MAX   (1024 * 1024)
#define DISCARD_FACTOR 16 /* bytes dropped past the cap, in multiples of it, before closing */

#define ROUTES_MAX 32 /* routes of one server */

#define DRAIN_MS   7000 /* server_stop waits this long for requests in flight to be answered */
#define ABANDON_MS 2000 /* then this long for those it resumed unanswered */

struct server {
    struct MHD_Daemon *mhd;          /* the daemon */
    const struct config *cfg;        /* borrowed */
    struct sockaddr_storage addr;    /* bound address */
    struct route routes[ROUTES_MAX]; /* the table: the enabled platforms and the fixed routes */
    size_t nroutes;                  /* rows used */
    struct guard *guard;             /* request deadlines, connections per address */
};

/* handle_healthz - 200 "ok" while the database reads and the writer commits; else 503 with a
 * short JSON body naming what failed (the detail goes to the log). */
static void handle_healthz(const struct config *cfg, struct http_request *req,
                           struct http_response *resp)
{
    (void)req;
    struct store_health h = {0};
    int rc = store_schema_version() <= 0 ? ZB_EDB : store_health_check(cfg->database, &h);
    if (rc) {
        const char *failed = h.failed ? h.failed : "database";
        log_warn("healthz: %s failed: %s", failed, h.detail[0] ? h.detail : "no schema");
        resp->status = 503;
        resp->content_type = "application/json; charset=utf-8";
        buf_reset(&resp->body);
        if (buf_appendf(&resp->body, "{\"status\":\"fail\",\"failed\":\"%s\",\"message\":\"%s\"}\n",
                        failed,
                        strcmp(failed, "writer") == 0 ? "数据库写入失败" : "数据库无法读取"))
            buf_reset(&resp->body);
        return;
    }
    resp->status = 200;
    resp->content_type = "text/plain; charset=utf-8";
    if (buf_appendz(&resp->body, "ok\n"))
        resp->status = 500;
}

static void handle_metrics(const struct config *cfg, struct http_request *req,
                           struct http_response *resp)
{
    (void)cfg;
    (void)req;
    resp->status = 200;
    resp->content_type = "text/plain; version=0.0.4; charset=utf-8";
    if (metrics_render(&resp->body))
        resp->status = 500;
}

/* The routes every server has, after those the app attaches. */
static const struct route fixed_routes[] = {
    {"/healthz", ROUTE_GET, EP_HEALTHZ, handle_healthz},
    {"/metrics", ROUTE_GET, EP_METRICS, handle_metrics},
};

static atomic_ullong next_id;
static atomic_int n_busy;    /* requests past routing, until their completion callback */
static atomic_bool stopping; /* server_stop began: new work is refused with 503 */
static pthread_mutex_t async_mu = PTHREAD_MUTEX_INITIALIZER; /* ready/suspended of requests */
static struct http_request *suspended; /* requests suspended, under async_mu */

static int64_t mono_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

const char *http_query(const struct http_request *req, const char *name)
{
    return MHD_lookup_connection_value(req->conn, MHD_GET_ARGUMENT_KIND, name);
}

const char *http_header(const struct http_request *req, const char *name)
{
    return MHD_lookup_connection_value(req->conn, MHD_HEADER_KIND, name);
}

const char *http_param(const struct http_request *req, const char *name)
{
    return route_param(&req->match, name);
}

void http_pending(struct http_response *resp)
{
    resp->status = 0;
}

/* unlink_suspended - take req off the suspended list. Under async_mu. */
static void unlink_suspended(struct http_request *req)
{
    if (req->sprev)
        req->sprev->snext = req->snext;
    else if (suspended == req)
        suspended = req->snext;
    if (req->snext)
        req->snext->sprev = req->sprev;
    req->sprev = req->snext = NULL;
    req->suspended = false;
}

/* request_free - free req and everything it holds. */
static void request_free(struct http_request *req)
{
    if (req->state_free)
        req->state_free(req->state);
    buf_free(&req->body);
    free(req);
}

void http_ready(struct http_request *req)
{
    pthread_mutex_lock(&async_mu);
    req->ready = true;
    req->awaiting = false;
    bool orphan = req->orphan;
    if (!orphan && req->suspended) {
        unlink_suspended(req);
        MHD_resume_connection(req->conn);
    }
    pthread_mutex_unlock(&async_mu);
    if (orphan)
        request_free(req); /* its connection is gone; the work it waited for is done */
}

/* count_header - MHD_get_connection_values' iterator: count the Content-Length headers. */
static enum MHD_Result count_header(void *cls, enum MHD_ValueKind kind, const char *key,
                                    const char *value)
{
    (void)kind;
    (void)value;
    if (key && strcasecmp(key, MHD_HTTP_HEADER_CONTENT_LENGTH) == 0)
        ++*(int *)cls;
    return MHD_YES;
}

void http_dispatched(struct router_call *call)
{
    http_ready(call->ud);
}

void http_error(struct http_response *resp, int status, const char *why)
{
    log_warn("http %d: %s", status, why);
    resp->status = status;
    resp->content_type = "text/plain; charset=utf-8";
    buf_reset(&resp->body);
    if (buf_appendf(&resp->body, "%d %s\n", status, why))
        buf_reset(&resp->body);
}

/* table_build - the app's routes, then the fixed ones. */
static int table_build(struct server *s, const struct route *routes, size_t n, char *err,
                       size_t errsz)
{
    size_t nfixed = sizeof fixed_routes / sizeof fixed_routes[0];
    if (n > ROUTES_MAX - nfixed) {
        snprintf(err, errsz, "too many routes (%zu)", n);
        return ZB_EINVAL;
    }
    memcpy(s->routes, routes, n * sizeof *routes);
    memcpy(s->routes + n, fixed_routes, sizeof fixed_routes);
    s->nroutes = n + nfixed;
    return route_check(s->routes, s->nroutes, err, errsz);
}

/* find_route - the route of req (method and path) into req->route, or the miss to answer. */
static void find_route(const struct server *s, struct http_request *req)
{
    int i = route_find(s->routes, s->nroutes, req->path, route_method_bit(req->method), &req->match,
                       req->allow, sizeof req->allow);
    if (i >= 0) {
        req->route = &s->routes[i];
        return;
    }
    req->miss = i;
    if (i == ROUTE_BAD_METHOD) {
        /* labelled in the metrics by the path's route, as before methods were table data */
        unsigned any = ROUTE_GET | ROUTE_POST | ROUTE_PUT | ROUTE_PATCH | ROUTE_DELETE;
        int j = route_find(s->routes, s->nroutes, req->path, any, NULL, NULL, 0);
        req->route = j >= 0 ? &s->routes[j] : NULL;
    }
}

/* send_response - queue resp on the connection; the body buffer is handed to libmicrohttpd. */
static enum MHD_Result send_response(struct MHD_Connection *conn, struct http_request *req,
                                     struct http_response *resp)
{
    size_t len = resp->body.len;
    char *data = buf_steal(&resp->body);
    struct MHD_Response *r = MHD_create_response_from_buffer(len, data, MHD_RESPMEM_MUST_FREE);
    if (!r) {
        free(data);
        return MHD_NO;
    }
    if (resp->content_type)
        MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, resp->content_type);
    if (resp->allow)
        MHD_add_response_header(r, MHD_HTTP_HEADER_ALLOW, resp->allow);
    req->status = resp->status;
    enum MHD_Result ok = MHD_queue_response(conn, (unsigned)resp->status, r);
    MHD_destroy_response(r);
    if (ok != MHD_YES)
        req->status = 0;
    return ok;
}

static const char *err_prefix;
static void (*err_render)(struct http_response *resp, int status, const char *why);

void server_error_format(const char *prefix,
                         void (*render)(struct http_response *resp, int status, const char *why))
{
    err_prefix = prefix;
    err_render = render;
}

/* respond_error - build and queue a plain error response (or the prefix's format). */
static enum MHD_Result respond_error(struct MHD_Connection *conn, struct http_request *req,
                                     int status, const char *why, const char *allow)
{
    struct http_response resp = {0};
    buf_init(&resp.body, 4096);
    if (err_prefix && err_render && strncmp(req->path, err_prefix, strlen(err_prefix)) == 0)
        err_render(&resp, status, why);
    else
        http_error(&resp, status, why);
    resp.allow = allow;
    enum MHD_Result ok = send_response(conn, req, &resp);
    buf_free(&resp.body);
    return ok;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
                                  const char *method, const char *version, const char *upload_data,
                                  size_t *upload_data_size, void **con_cls)
{
    (void)version;
    struct server *s = cls;
    struct http_request *req = *con_cls;
    if (!req) {
        req = xcalloc(1, sizeof *req);
        req->conn = conn;
        req->method = method;
        req->path = url;
        req->id = atomic_fetch_add(&next_id, 1) + 1;
        req->started_us = mono_us();
        buf_init(&req->body, (size_t)s->cfg->body_limit);
        find_route(s, req);
        *con_cls = req;
        log_set_request(req->id);
        int ncl = 0;
        MHD_get_connection_values(conn, MHD_HEADER_KIND, count_header, &ncl);
        if (ncl > 1) /* which one frames the body is ambiguous: request smuggling */
            return respond_error(conn, req, 400, "more than one Content-Length", NULL);
        const char *cl =
            MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
        if (cl && strtoull(cl, NULL, 10) > (unsigned long long)s->cfg->body_limit)
            return respond_error(conn, req, 413, "request body too large", NULL);
        return MHD_YES;
    }
    log_set_request(req->id);
    if (*upload_data_size) {
        /* libmicrohttpd cannot answer in the middle of an upload: past the cap (a chunked
         * body without Content-Length) the rest is counted and dropped, and 413 follows at the
         * end; a sender that keeps going far past the cap is disconnected. */
        if (!req->too_big && buf_append(&req->body, upload_data, *upload_data_size)) {
            req->too_big = true;
            buf_free(&req->body);
        }
        req->received += *upload_data_size;
        *upload_data_size = 0;
        if (req->too_big && req->received / DISCARD_FACTOR > (size_t)s->cfg->body_limit) {
            log_warn("http: request body far over the limit, closing the connection");
            return MHD_NO;
        }
        return MHD_YES;
    }
    if (req->status)
        return MHD_YES;   /* already answered */
    guard_received(conn); /* the request is complete: no deadline while it is answered */
    if (req->too_big)
        return respond_error(conn, req, 413, "request body too large", NULL);

    if (req->miss == ROUTE_TOO_LONG)
        return respond_error(conn, req, 414, "path too long", NULL);
    if (req->miss == ROUTE_BAD_METHOD)
        return respond_error(conn, req, 405, "method not allowed", req->allow);
    if (!req->route)
        return respond_error(conn, req, 404, "no such path", NULL);
    const struct route *rt = req->route;

    /* In flight from here until libmicrohttpd's completion callback, which comes once for every
     * request whatever the client does (a client gone while the request was suspended gets no
     * further handler call): server_stop waits for n_busy to drain, since libmicrohttpd must
     * not be stopped with a suspended connection. The increment comes before the stopping
     * check, so a request either sees stopping or is waited for. */
    if (!req->counted) {
        req->counted = true;
        atomic_fetch_add(&n_busy, 1);
        if (atomic_load(&stopping))
            return respond_error(conn, req, 503, "shutting down", NULL);
    }
    pthread_mutex_lock(&async_mu);
    bool abandoned = req->abandoned && !req->ready;
    pthread_mutex_unlock(&async_mu);
    if (abandoned) /* server_stop gave up waiting; the work still finishes, unacknowledged */
        return respond_error(conn, req, 503, "shutting down", NULL);
    struct http_response resp = {.content_type = "text/plain; charset=utf-8"};
    buf_init(&resp.body, RESPONSE_MAX);
    for (;;) {
        pthread_mutex_lock(&async_mu);
        req->ready = false;
        pthread_mutex_unlock(&async_mu);
        resp.status = 500;
        if (req->resume)
            req->resume(s->cfg, req, &resp);
        else
            rt->handle(s->cfg, req, &resp);
        if (resp.status != 0)
            break;
        /* Pending: suspend until http_ready, unless it already came. */
        pthread_mutex_lock(&async_mu);
        bool ready = req->ready;
        if (!ready) {
            MHD_suspend_connection(conn);
            req->suspended = true;
            req->awaiting = true;
            req->snext = suspended;
            if (suspended)
                suspended->sprev = req;
            suspended = req;
        }
        pthread_mutex_unlock(&async_mu);
        if (!ready) {
            buf_free(&resp.body);
            return MHD_YES;
        }
    }
    enum MHD_Result ok = send_response(conn, req, &resp);
    buf_free(&resp.body);
    return ok;
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
    struct server *s = cls;
    struct http_request *req = *con_cls;
    if (!req)
        return;
    guard_next(s->guard, conn); /* a kept-alive connection's next request is timed anew */
    pthread_mutex_lock(&async_mu);
    bool orphan = req->awaiting; /* only when server_stop abandoned it */
    req->orphan = orphan;
    if (req->suspended)
        unlink_suspended(req);
    pthread_mutex_unlock(&async_mu);
    enum endpoint ep = req->route ? (enum endpoint)req->route->tag : EP_OTHER;
    int status = req->status;
    if (toe != MHD_REQUEST_TERMINATED_COMPLETED_OK && !status)
        log_info("http: connection closed before a response (%d)", (int)toe);
    metrics_request(ep, status, mono_us() - req->started_us);
    bool counted = req->counted;
    if (!orphan)
        request_free(req);
    *con_cls = NULL;
    log_set_request(0);
    if (counted)
        atomic_fetch_sub(&n_busy, 1); /* last: server_stop may free the server after it */
}

/* parse_listen - "HOST:PORT" or "[V6]:PORT" into addr. */
static int parse_listen(const char *listen, struct sockaddr_storage *addr)
{
    char host[256];
    const char *colon = strrchr(listen, ':');
    size_t hl = (size_t)(colon - listen);
    if (!colon || hl >= sizeof host)
        return ZB_EINVAL;
    memcpy(host, listen, hl);
    host[hl] = '\0';
    long port = strtol(colon + 1, NULL, 10);
    memset(addr, 0, sizeof *addr);
    if (host[0] == '[' && hl > 2 && host[hl - 1] == ']') {
        struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)addr;
        host[hl - 1] = '\0';
        a6->sin6_family = AF_INET6;
        a6->sin6_port = htons((uint16_t)port);
        return inet_pton(AF_INET6, host + 1, &a6->sin6_addr) == 1 ? ZB_OK : ZB_EINVAL;
    }
    struct sockaddr_in *a4 = (struct sockaddr_in *)addr;
    a4->sin_family = AF_INET;
    a4->sin_port = htons((uint16_t)port);
    if (strcmp(host, "localhost") == 0)
        return inet_pton(AF_INET, "127.0.0.1", &a4->sin_addr) == 1 ? ZB_OK : ZB_EINVAL;
    return inet_pton(AF_INET, host, &a4->sin_addr) == 1 ? ZB_OK : ZB_EINVAL;
}

static void on_connection(void *cls, struct MHD_Connection *c, void **socket_ctx,
                          enum MHD_ConnectionNotificationCode code)
{
    struct server *s = cls;
    if (code == MHD_CONNECTION_NOTIFY_STARTED)
        guard_opened(s->guard, c, socket_ctx);
    else
        guard_closed(s->guard, socket_ctx);
}

static enum MHD_Result on_accept(void *cls, const struct sockaddr *addr, socklen_t addrlen)
{
    struct server *s = cls;
    return guard_accept(s->guard, addr, addrlen) ? MHD_YES : MHD_NO;
}

/* open_listener - a listening socket on addr, so a port in use is our own one line and not
 * libmicrohttpd's; the socket, or -1 with err naming the address and the cause. */
static int open_listener(const struct sockaddr_storage *addr, const char *listen_text, char *err,
                         size_t errsz)
{
    int fd = socket(addr->ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    int one = 1;
    socklen_t len =
        addr->ss_family == AF_INET6 ? sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in);
    if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) ||
        bind(fd, (const struct sockaddr *)addr, len) || listen(fd, SOMAXCONN)) {
        int e = errno;
        snprintf(err, errsz, "无法监听 %s：%s", listen_text,
                 e == EADDRINUSE ? "端口已被占用（另一个 zhibu 或其他程序正在使用）"
                 : e == EADDRNOTAVAIL ? "这台机器没有这个地址"
                 : e == EACCES        ? "没有权限使用这个端口"
                                      : strerror(e));
        if (fd >= 0)
            close(fd);
        return -1;
    }
    return fd;
}

int server_start(const struct config *cfg, const struct route *routes, size_t n,
                 struct server **out, char *err, size_t errsz)
{
    *out = NULL;
    struct server *s = xcalloc(1, sizeof *s);
    s->cfg = cfg;
    if (table_build(s, routes, n, err, errsz)) {
        free(s);
        return ZB_EINVAL;
    }
    if (parse_listen(cfg->listen, &s->addr)) {
        snprintf(err, errsz, "key \"listen\": \"%s\" is not an IP address and port", cfg->listen);
        free(s);
        return ZB_ECONFIG;
    }
    /* a config built by hand (tests) may leave these zero: the defaults of config.c, no cap */
    s->guard = guard_start(cfg->request_timeout_s > 0 ? cfg->request_timeout_s : 15,
                           cfg->max_conns_per_ip > 0 ? cfg->max_conns_per_ip : LONG_MAX,
                           cfg->trusted_proxies ? cfg->trusted_proxies : "", err, errsz);
    if (!s->guard) {
        free(s);
        return ZB_ECONFIG;
    }
    int lfd = open_listener(&s->addr, cfg->listen, err, errsz);
    if (lfd < 0) {
        guard_stop(s->guard);
        free(s);
        return ZB_EIO;
    }
    long threads = cfg->threads ? cfg->threads : sysconf(_SC_NPROCESSORS_ONLN);
    if (threads < 1)
        threads = 1;
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ERROR_LOG |
                     MHD_ALLOW_SUSPEND_RESUME;
    if (s->addr.ss_family == AF_INET6)
        flags |= MHD_USE_IPv6;
    s->mhd = MHD_start_daemon(
        flags, 0, on_accept, s, on_request, s, MHD_OPTION_LISTEN_SOCKET, (MHD_socket)lfd,
        MHD_OPTION_THREAD_POOL_SIZE, (unsigned)threads, MHD_OPTION_CONNECTION_LIMIT,
        (unsigned)cfg->connection_limit, MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)32 * 1024,
        MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)30, MHD_OPTION_NOTIFY_COMPLETED, on_completed, s,
        MHD_OPTION_NOTIFY_CONNECTION, on_connection, s, MHD_OPTION_END);
    if (!s->mhd) {
        snprintf(err, errsz, "无法在 %s 上启动 HTTP 服务（见上方日志）", cfg->listen);
        close(lfd);
        guard_stop(s->guard);
        free(s);
        return ZB_EIO;
    }
    log_info("server: listening on %s with %ld threads", cfg->listen, threads);
    *out = s;
    return ZB_OK;
}

void server_stop(struct server *s)
{
    if (!s)
        return;
    /* Stop accepting, refuse new work on open connections, let the requests in handlers or
     * suspended finish (the writer always completes its jobs), then stop: libmicrohttpd aborts
     * if stopped with a suspended connection. The wait is bounded: after DRAIN_MS the requests
     * still suspended are resumed and answered 503 (their work still completes, and is
     * freed by http_ready), then libmicrohttpd stops whatever the clients do. */
    MHD_socket lsock = MHD_quiesce_daemon(s->mhd);
    if (lsock != MHD_INVALID_SOCKET)
        close(lsock);
    atomic_store(&stopping, true);
    int64_t t0 = mono_us();
    while (atomic_load(&n_busy) > 0 && mono_us() - t0 < (int64_t)DRAIN_MS * 1000)
        usleep(10000);
    if (atomic_load(&n_busy) > 0) {
        int n = 0;
        pthread_mutex_lock(&async_mu);
        while (suspended) {
            struct http_request *req = suspended;
            unlink_suspended(req);
            req->abandoned = true;
            MHD_resume_connection(req->conn);
            n++;
        }
        pthread_mutex_unlock(&async_mu);
        log_warn("server: %d requests still in flight after %d s; answering %d of them 503",
                 atomic_load(&n_busy), DRAIN_MS / 1000, n);
        t0 = mono_us();
        while (atomic_load(&n_busy) > 0 && mono_us() - t0 < (int64_t)ABANDON_MS * 1000)
            usleep(10000);
    }
    MHD_stop_daemon(s->mhd);
    guard_stop(s->guard);
    free(s);
}
