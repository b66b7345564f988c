/*
 * route.h - what a REST route is: the descriptor every capability's api.c lists.
 *
 * The REST door (webhook/rest) authenticates the bearer token to an actor, caps and
 * parses the body, finds the route in the table the capabilities register, calls
 * role_can(actor, route->action, 0) when action is set (see webhook/rest/rest.h), and then the
 * handler - on the writer thread inside one transaction when the route writes, on a request thread
 * with a read connection otherwise. The handler only translates: it reads its parameters and body,
 * calls domain functions, and writes a JSON answer to out; an error is a code from bot/base/err.h
 * (and, for a field, its name and a short Chinese message), which the door renders as
 * {"error":{"code","field","message"}} with problem.h. A failure that must still commit (a wrong
 * binding code is counted) returns ZB_OK with status set to the error's and out written by
 * problem_write.
 *
 * The method bits are the HTTP edge's (webhook/http/route.h); patterns use its syntax:
 * "/api/v1/members/{id}", a literal segment beats a parameter.
 */
#ifndef ZHIBU_API_ROUTE_H
#define ZHIBU_API_ROUTE_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>

#include "bot/base/buf.h"
#include "bot/org/actor.h"
#include "bot/org/apisession.h"

struct role_action;

#define API_NOTE_MAX 320 /* bytes of a composed error message */

enum api_method {
    API_GET = 1 << 0,
    API_POST = 1 << 1,
    API_PUT = 1 << 2,
    API_PATCH = 1 << 3,
    API_DELETE = 1 << 4,
};

/* Who may call a route besides what its action says. */
enum api_access {
    API_MEMBER = 0,  /* a token whose identity is bound to a member (the default) */
    API_UNBOUND = 1, /* any valid token, an identity not yet bound too (bind, me, logout) */
    API_OPEN = 2,    /* no token needed (login, the OpenAPI document) */
};

/* One call of a route, as its handler sees it. */
struct api_ctx {
    const struct api_route *route;    /* the route called */
    const struct actor *actor;        /* the token's member (member_id 0: an unbound identity) */
    const struct apisession *session; /* the token's session; NULL on an open route */
    const char *const *params;        /* the path parameters' values, in pattern order */
    size_t nparams;                   /* how many */
    const cJSON *body;                /* the parsed JSON body, NULL for none (GET, DELETE) */
    int status;                       /* OUT: the HTTP status of a success, 200 unless set */
    struct buf *out;                  /* OUT: the JSON answer (capped by the door) */
    const char *field;                /* OUT: on error, the field at fault (static), or NULL */
    const char *message;              /* OUT: on error, a short Chinese message (static), or NULL */
    const char *(*query)(const struct api_ctx *c, const char *name); /* a query parameter or NULL */
    void *door;              /* the door's own state for query (opaque) */
    char note[API_NOTE_MAX]; /* storage for a message the handler composes (message) */
};

struct api_route {
    unsigned method;                   /* one enum api_method bit */
    const char *pattern;               /* "/api/v1/members/{id}" */
    const struct role_action *action;  /* checked with role_can before the handler; NULL = any
                                          authenticated member */
    bool writes;                       /* runs on the writer thread, in one transaction */
    int (*handler)(struct api_ctx *c); /* ZB_OK with c->out written, or an error code */
    const char *summary;               /* one line for the OpenAPI document */
    enum api_access access;            /* who may call it; API_MEMBER unless set */
    const char *query;                 /* its optional query parameters, "branch,limit", or NULL */
};

#endif
