/*
 * rest_util.h - the REST door as an e2e test calls it: one request with an optional bearer token
 * and JSON body, the answer's status, body and headers; the problem shape of an error checked;
 * a token issued by `zhibu api token`.
 */
#ifndef ZHIBU_REST_UTIL_H
#define ZHIBU_REST_UTIL_H

#include <stddef.h>

#include "tests/e2e/delivery_util.h"

/* One answer (the body capped, always NUL-terminated). */
struct rest_reply {
    long status;        /* HTTP status, 0 when the request failed */
    char body[1 << 17]; /* the body */
    size_t len;         /* its bytes */
    char allow[256];    /* the Allow header */
    char type[256];     /* the Content-Type header */
};

/* rest_call - method path on 127.0.0.1:port with token (NULL: none) and body (NULL: none); the
 * answer in static storage, overwritten by the next call. */
struct rest_reply *rest_call(int port, const char *method, const char *path, const char *token,
                             const char *body);

/* rest_expect - assert status, a JSON content type, and for an error the problem's code and
 * field (NULL: not checked / absent). */
void rest_expect(const struct rest_reply *r, long status, const char *code, const char *field);

/* rest_token - `zhibu api token --member member [--ttl ttl]` against srv into out (size > 43). */
void rest_token(const struct du_server *srv, const char *member, const char *ttl, char *out,
                size_t n);

#endif
