/*
 * call.h - one REST request's state inside the door (rest.c, login.c, openapi.c): created when
 * the route is found, freed with the request (rest_call_free) whether it ran on the request
 * thread, the writer thread or waited for the login's outbound call.
 */
#ifndef ZHIBU_REST_CALL_H
#define ZHIBU_REST_CALL_H

#include <cjson/cJSON.h>
#include <stdbool.h>

#include "bot/api/route.h"
#include "bot/app/config.h"
#include "bot/org/apisession.h"
#include "webhook/http/http.h"

#define REST_QUERY_MAX 4         /* query parameters a route declares */
#define REST_QVAL_MAX  256       /* bytes of one query value; longer is a 400 */
#define REST_OUT_MAX   (1 << 20) /* bytes of an answer */
#define REST_CODE_MAX  128       /* bytes of a login code */

struct rest_call {
    const struct api_route *route;                /* the route called */
    struct api_ctx ctx;                           /* what the handler sees */
    struct actor actor;                           /* who acts */
    struct apisession session;                    /* the token's session, when has_session */
    bool has_session;                             /* a token was given and is valid */
    cJSON *body;                                  /* the parsed body, or NULL */
    struct buf out;                               /* the answer */
    const char *params[ROUTE_PARAMS_MAX];         /* into match */
    struct route_match match;                     /* the path parameters */
    char qname[REST_QUERY_MAX][32];               /* the route's query parameter names */
    char qval[REST_QUERY_MAX][REST_QVAL_MAX + 1]; /* their values */
    bool qset[REST_QUERY_MAX];                    /* given */
    size_t nq;                                    /* names */
    /* the login's outbound call (login.c) */
    char code[REST_CODE_MAX + 1]; /* wx.login()'s code */
    int up_rc;                    /* ZB_OK: an answer came; ZB_EIO; ZB_ESTALE: timed out */
    long errcode;                 /* jscode2session's errcode, 0 for none */
    char openid[128];             /* the answer's openid */
    char session_key[APISESSION_KEY_MAX + 1]; /* the answer's session_key (never logged) */
    char app_id[96];                          /* wxmini.app_id at the time */
    int64_t ttl_s;                            /* api.token_ttl_s */
    char token[APISESSION_TOKEN_LEN + 1];     /* the token issued */
    int64_t member_id;                        /* the identity's member after login */
    struct http_request *req;                 /* to resume */
};

/* rest_call_free - everything of c, c included; NULL is fine. */
void rest_call_free(void *p);

/* rest_render - resp from c after its handler returned rc. */
void rest_render(struct http_response *resp, struct rest_call *c, int rc);

/* rest_problem - resp set to the problem for code with the status given (0: the code's own). */
void rest_problem(struct http_response *resp, int status, int code, const char *field,
                  const char *message);

/* rest_login - POST /api/v1/login (login.c): validates the code, then suspends req while the
 * outbound worker calls jscode2session; c is owned by req from here on. */
void rest_login(const struct config *cfg, struct http_request *req, struct http_response *resp,
                struct rest_call *c);
/* rest_login_start / rest_login_stop - the outbound worker threads. */
int rest_login_start(const struct config *cfg) ZB_MUST_USE;
void rest_login_stop(void);
/* The door's login route (identity compared by rest.c). */
extern const struct api_route *const rest_login_route;

#endif
