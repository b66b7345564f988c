/*
 * rest.c - the REST door (see rest.h): the table, authentication, the per-token rate limit, the
 * role check, and running a route's handler on the request thread or the writer thread.
 */
#include "webhook/rest/rest.h"

#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "bot/api/jsonbody.h"
#include "bot/api/problem.h"
#include "bot/base/clock.h"
#include "bot/base/log.h"
#include "bot/base/xmalloc.h"
#include "bot/org/identity.h"
#include "bot/org/role.h"
#include "webhook/http/async.h"
#include "webhook/rest/call.h"
#include "webhook/rest/quota.h"

#define JSON_TYPE "application/json; charset=utf-8"

static int h_login(struct api_ctx *c)
{
    (void)c;
    return ZB_EINVAL; /* never called: the door runs the login itself (login.c) */
}

static int h_logout(struct api_ctx *c)
{
    int rc = apisession_revoke(c->session->id, clock_now());
    if (rc)
        return rc;
    return buf_appendz(c->out, "{\"ok\":true}");
}

static int h_openapi(struct api_ctx *c)
{
    return rest_openapi(c->out);
}

/* The door's own routes. */
static const struct api_route door_routes[] = {
    {.method = API_POST,
     .pattern = "/api/v1/login",
     .writes = true,
     .handler = h_login,
     .summary = "Log in with the code of wx.login(); answers a bearer token",
     .access = API_OPEN},
    {.method = API_POST,
     .pattern = "/api/v1/logout",
     .writes = true,
     .handler = h_logout,
     .summary = "End the session of this token",
     .access = API_UNBOUND},
    {.method = API_GET,
     .pattern = "/api/v1/openapi.json",
     .handler = h_openapi,
     .summary = "This document",
     .access = API_OPEN},
};
const struct api_route *const rest_login_route = &door_routes[0];

static struct {
    const struct config *cfg;                     /* NULL in tests without a server */
    const struct api_route *api[REST_ROUTES_MAX]; /* the table */
    struct route edge[REST_ROUTES_MAX];           /* the same for route_find; tag = index */
    size_t n;                                     /* rows */
    bool login_on;                                /* the login worker runs */
} door;

/* address_key - a negative rate key for the client's address (IPv4 or IPv6 bytes). */
static int64_t address_key(const struct http_request *req)
{
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(req->conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    uint64_t h = 1469598103934665603ULL; /* FNV-1a */
    const unsigned char *b = NULL;
    size_t n = 0;
    if (ci && ci->client_addr && ci->client_addr->sa_family == AF_INET) {
        b = (const unsigned char *)&((const struct sockaddr_in *)ci->client_addr)->sin_addr;
        n = 4;
    } else if (ci && ci->client_addr && ci->client_addr->sa_family == AF_INET6) {
        b = (const unsigned char *)&((const struct sockaddr_in6 *)ci->client_addr)->sin6_addr;
        n = 16;
    }
    for (size_t i = 0; i < n; i++)
        h = (h ^ b[i]) * 1099511628211ULL;
    return -(int64_t)(h >> 2) - 1;
}

static void never(const struct config *cfg, struct http_request *req, struct http_response *resp)
{
    (void)cfg;
    (void)req;
    resp->status = 500;
}

static int add(const struct api_route *r, char *err, size_t errsz)
{
    if (door.n >= REST_ROUTES_MAX) {
        snprintf(err, errsz, "too many REST routes (%d at most)", REST_ROUTES_MAX);
        return ZB_EINVAL;
    }
    if (!r->pattern || strncmp(r->pattern, REST_PREFIX, strlen(REST_PREFIX)) != 0 || !r->handler ||
        (r->method & (r->method - 1)) || !r->method) {
        snprintf(err, errsz, "REST route \"%s\": not under %s, no handler or not one method",
                 r->pattern ? r->pattern : "(null)", REST_PREFIX);
        return ZB_EINVAL;
    }
    for (size_t i = 0; i < door.n; i++)
        if (door.api[i]->method == r->method && strcmp(door.api[i]->pattern, r->pattern) == 0) {
            snprintf(err, errsz, "REST route \"%s\" is registered twice", r->pattern);
            return ZB_EINVAL;
        }
    door.api[door.n] = r;
    door.edge[door.n] = (struct route){r->pattern, r->method, (int)door.n, never};
    door.n++;
    return ZB_OK;
}

int rest_init(const struct config *cfg, const struct rest_table *tables, size_t n, char *err,
              size_t errsz)
{
    int rc = ZB_OK;
    door.n = 0;
    door.cfg = cfg;
    for (size_t i = 0; i < sizeof door_routes / sizeof door_routes[0] && !rc; i++)
        rc = add(&door_routes[i], err, errsz);
    for (size_t t = 0; t < n && !rc; t++)
        for (size_t i = 0; i < tables[t].n && !rc; i++)
            rc = add(&tables[t].routes[i], err, errsz);
    if (!rc)
        rc = route_check(door.edge, door.n, err, errsz);
    if (!rc && cfg && !door.login_on) {
        rc = rest_login_start(cfg);
        door.login_on = rc == ZB_OK;
        if (rc)
            snprintf(err, errsz, "cannot start the REST door's login worker");
    }
    return rc;
}

void rest_stop(void)
{
    if (door.login_on)
        rest_login_stop();
    door.login_on = false;
}

size_t rest_count(void)
{
    return door.n;
}

const struct api_route *rest_at(size_t i)
{
    return i < door.n ? door.api[i] : NULL;
}

bool rest_bearer(const char *header, char *out, size_t outsz)
{
    out[0] = '\0';
    if (!header || strncasecmp(header, "Bearer ", 7) != 0)
        return false;
    const char *t = header + 7;
    while (*t == ' ')
        t++;
    size_t len = strcspn(t, " \t");
    if (!len || len >= outsz || t[len + strspn(t + len, " \t")] != '\0')
        return false;
    memcpy(out, t, len);
    out[len] = '\0';
    return true;
}

void rest_problem(struct http_response *resp, int status, int code, const char *field,
                  const char *message)
{
    resp->status = status ? status : problem_status(code);
    resp->content_type = JSON_TYPE;
    if (problem_write(&resp->body, code, field, message)) {
        buf_reset(&resp->body);
        resp->status = 500;
    }
}

/* The edge's refusals under the prefix: the status, the problem code and its Chinese message
 * (the same words as the door's own 404 and 405). */
static const struct {
    int status;
    int code;
    const char *message;
} edge_refusals[] = {
    {400, ZB_EPARSE, "请求格式不对"},
    {404, ZB_ENOTFOUND, "没有这个接口"},
    {405, ZB_EINVAL, "不支持这种请求方法"},
    {413, ZB_ETOOBIG, "内容太长"},
    {414, ZB_ETOOBIG, "请求地址太长"},
    {429, ZB_EBUSY, "请求太频繁，请稍后再试"},
    {503, ZB_EBUSY, "服务器正在重启，请稍后再试"},
};

void rest_error(struct http_response *resp, int status, const char *why)
{
    log_warn("http %d: %s", status, why);
    for (size_t i = 0; i < sizeof edge_refusals / sizeof edge_refusals[0]; i++)
        if (edge_refusals[i].status == status) {
            rest_problem(resp, status, edge_refusals[i].code, NULL, edge_refusals[i].message);
            return;
        }
    rest_problem(resp, status, status >= 500 ? ZB_EDB : ZB_EINVAL, NULL, NULL);
}

void rest_call_free(void *p)
{
    struct rest_call *c = p;
    if (!c)
        return;
    cJSON_Delete(c->body);
    buf_free(&c->out);
    free(c);
}

void rest_render(struct http_response *resp, struct rest_call *c, int rc)
{
    resp->content_type = JSON_TYPE;
    buf_reset(&resp->body);
    if (rc == ZB_OK) {
        resp->status = c->ctx.status ? c->ctx.status : 200;
        if (buf_append(&resp->body, c->out.data ? c->out.data : "", c->out.len))
            rest_problem(resp, 500, ZB_ETOOBIG, NULL, NULL);
        return;
    }
    if (rc == ZB_EDB)
        log_error("rest: %s %s failed in the database", c->route->pattern,
                  c->route->writes ? "(write)" : "(read)");
    rest_problem(resp, 0, rc, c->ctx.field, c->ctx.message);
}

static const char *query_of(const struct api_ctx *ctx, const char *name)
{
    const struct rest_call *c = ctx->door;
    for (size_t i = 0; i < c->nq; i++)
        if (c->qset[i] && strcmp(c->qname[i], name) == 0)
            return c->qval[i];
    return NULL;
}

/* take_query - copy the route's declared query parameters off the connection (the handler may
 * run on another thread). ZB_EINVAL with *bad naming one over REST_QVAL_MAX. */
static int take_query(struct http_request *req, struct rest_call *c, const char **bad)
{
    const char *q = c->route->query;
    while (q && *q && c->nq < REST_QUERY_MAX) {
        size_t len = strcspn(q, ",");
        if (len && len < sizeof c->qname[0]) {
            memcpy(c->qname[c->nq], q, len);
            c->qname[c->nq][len] = '\0';
            const char *v = http_query(req, c->qname[c->nq]);
            if (v) {
                if (strlen(v) > REST_QVAL_MAX) {
                    *bad = c->route->query; /* the caller names the parameter from qname */
                    c->nq++;
                    return ZB_EINVAL;
                }
                snprintf(c->qval[c->nq], sizeof c->qval[0], "%s", v);
                c->qset[c->nq] = true;
            }
            c->nq++;
        }
        q += len + (q[len] == ',');
    }
    return ZB_OK;
}

/* authenticate - the token of req into c->session and c->actor. Answers resp and returns false
 * when the request may not go on. */
static bool authenticate(struct http_request *req, struct http_response *resp, struct rest_call *c)
{
    char token[APISESSION_TOKEN_LEN + 8];
    if (!rest_bearer(http_header(req, "Authorization"), token, sizeof token)) {
        rest_problem(resp, 401, ZB_ESIG, NULL, "请先登录");
        return false;
    }
    int64_t now = clock_now();
    int rc = apisession_find(token, now, &c->session);
    if (rc == ZB_ESTALE) {
        rest_problem(resp, 401, ZB_ESIG, NULL, "登录已过期，请重新登录");
        return false;
    }
    if (rc) {
        rest_problem(resp, rc == ZB_EDB ? 500 : 401, rc == ZB_EDB ? ZB_EDB : ZB_ESIG, NULL,
                     rc == ZB_EDB ? NULL : "登录已失效，请重新登录");
        return false;
    }
    c->has_session = true;
    int64_t member = c->session.member_id;
    if (!member && *c->session.platform &&
        identity_owner(c->session.platform, c->session.account, c->session.ext_id, &member)) {
        rest_problem(resp, 500, ZB_EDB, NULL, NULL);
        return false;
    }
    c->actor = actor_member(member, "api");
    if (!member)
        snprintf(c->actor.label, sizeof c->actor.label, "apisession:%lld",
                 (long long)c->session.id);
    long limit = door.cfg ? door.cfg->api.rate_per_min : 120;
    if (!quota_take(c->session.id, now, limit)) {
        rest_problem(resp, 429, ZB_EBUSY, NULL, "请求太频繁，请稍后再试");
        return false;
    }
    if (!member && c->route->access != API_UNBOUND) {
        rest_problem(resp, 403, ZB_EDENIED, NULL, "请先用绑定码绑定身份");
        return false;
    }
    if (member && c->route->action) {
        const char *refusal = NULL;
        rc = role_can(&c->actor, c->route->action, 0, &refusal);
        if (rc == ZB_ENOTFOUND) {
            rest_problem(resp, 401, ZB_ESIG, NULL, "这名党员已不在名册中");
            return false;
        }
        if (rc) {
            rest_problem(resp, 0, rc, NULL, rc == ZB_EDENIED ? refusal : NULL);
            return false;
        }
    }
    return true;
}

static int run_job(void *arg)
{
    struct rest_call *c = arg;
    return c->route->handler(&c->ctx);
}

static void job_done(struct http_request *req, void *arg, int rc, struct http_response *resp)
{
    (void)req;
    rest_render(resp, arg, rc);
}

/* rest_handle - the edge's handler of everything under REST_PREFIX. */
static void rest_handle(const struct config *cfg, struct http_request *req,
                        struct http_response *resp)
{
    resp->content_type = JSON_TYPE;
    struct route_match m;
    int i = route_find(door.edge, door.n, req->path, route_method_bit(req->method), &m, req->allow,
                       sizeof req->allow);
    if (i == ROUTE_BAD_METHOD) {
        resp->allow = req->allow;
        rest_problem(resp, 405, ZB_EINVAL, NULL, "不支持这种请求方法");
        return;
    }
    if (i < 0) {
        rest_problem(resp, 404, ZB_ENOTFOUND, NULL, "没有这个接口");
        return;
    }
    struct rest_call *c = xcalloc(1, sizeof *c);
    c->route = door.api[i];
    c->match = m;
    buf_init(&c->out, REST_OUT_MAX);
    for (int p = 0; p < m.n; p++)
        c->params[p] = c->match.value[p];
    const char *bad = NULL;
    if (c->route->access != API_OPEN && !authenticate(req, resp, c))
        goto done;
    if (take_query(req, c, &bad)) {
        rest_problem(resp, 400, ZB_EINVAL, c->qname[c->nq - 1], "太长");
        goto done;
    }
    if (req->body.len) {
        int rc = jsonbody_parse(req->body.data, req->body.len, (size_t)cfg->body_limit, &c->body);
        if (rc) {
            rest_problem(resp, 0, rc, NULL, rc == ZB_EPARSE ? "请求内容应为 JSON 对象" : NULL);
            goto done;
        }
    }
    c->ctx = (struct api_ctx){
        .route = c->route,
        .actor = &c->actor,
        .session = c->has_session ? &c->session : NULL,
        .params = c->params,
        .nparams = (size_t)m.n,
        .body = c->body,
        .out = &c->out,
        .query = query_of,
        .door = c,
    };
    if (c->route == rest_login_route) {
        /* each login costs a call to jscode2session, whose quota is the whole app's */
        if (cfg->api.login_per_min &&
            !quota_take(address_key(req), clock_now(), cfg->api.login_per_min)) {
            rest_problem(resp, 429, ZB_EBUSY, NULL, "登录太频繁，请稍后再试");
            rest_call_free(c);
            return;
        }
        rest_login(cfg, req, resp, c); /* c is the request's now */
        return;
    }
    if (c->route->writes) {
        http_async_write(req, resp, run_job, c, rest_call_free, job_done);
        return;
    }
    rest_render(resp, c, c->route->handler(&c->ctx));
done:
    rest_call_free(c);
}

struct route rest_route(int tag)
{
    return (struct route){REST_PREFIX,
                          ROUTE_GET | ROUTE_POST | ROUTE_PUT | ROUTE_PATCH | ROUTE_DELETE, tag,
                          rest_handle};
}
