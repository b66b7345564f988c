/*
 * apitoken.h - platform access tokens, cached in memory and in SQLite (table api_tokens).
 *
 * One struct apitoken per platform app, owned by the sender thread, so there is one refresh at
 * a time in the process; the SQLite copy survives restarts and is shared with other processes.
 * A token is used until `margin_s` before it expires, then fetched again with the platform's
 * fetch callback. When a call reports the token invalid (WeChat 40001/40014/42001, QQ 11244),
 * apitoken_invalid() drops it - once per token generation, however many calls in flight saw it -
 * and the next apitoken_get() fetches; if the platform hands back the very token that failed,
 * the fetch is repeated with force (WeChat stable_token force_refresh, at most every 30 s).
 * Tokens are secrets: they are never logged.
 */
#ifndef ZHIBU_APITOKEN_H
#define ZHIBU_APITOKEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bot/base/err.h"

#define APITOKEN_MAX 1024 /* longest token kept (WeChat says: reserve at least 512) */

/*
 * apitoken_fetch_fn - get a fresh token from the platform. force asks for a new one even when
 * the current is valid. On ZB_OK token (size toksz) and *expires_in (seconds) are set. Errors:
 * ZB_ECONFIG (bad app id or secret, IP not allowed: do not retry soon), ZB_EBUSY (rate limited),
 * ZB_EIO/ZB_EPARSE (transient); err (size errsz) says why in one line, without the secret.
 */
typedef int (*apitoken_fetch_fn)(void *ctx, bool force, char *token, size_t toksz,
                                 int64_t *expires_in, char *err, size_t errsz);

struct apitoken {
    char name[96];            /* key in api_tokens, "platform:appid" */
    int margin_s;             /* refresh this long before the platform's expiry */
    apitoken_fetch_fn fetch;  /* the platform's fetch */
    void *ctx;                /* its context */
    char token[APITOKEN_MAX]; /* current token, "" when none */
    int64_t expires_at;       /* Unix seconds */
    unsigned gen;             /* bumps with every new token */
    char bad[APITOKEN_MAX];   /* the token last reported invalid */
    int64_t last_force;       /* last forced fetch, Unix seconds */
    int64_t retry_at;         /* after a failed fetch: no new fetch before this */
    int last_rc;              /* the error of that fetch */
    char last_err[256];       /* and its reason */
    unsigned fetches;         /* fetches made (for tests and logs) */
};

/* apitoken_init - name (platform:appid), margin, fetch callback; no I/O. */
void apitoken_init(struct apitoken *t, const char *name, int margin_s, apitoken_fetch_fn fetch,
                   void *ctx);

/*
 * apitoken_get - a valid token at time now into *token (points into t, valid until the next
 * call) and its generation into *gen (may be NULL). Uses memory, then SQLite, then fetches. On
 * error returns the fetch's code with err set; a failed fetch is not repeated for 5 s.
 */
int apitoken_get(struct apitoken *t, int64_t now, const char **token, unsigned *gen, char *err,
                 size_t errsz) ZB_MUST_USE;

/* apitoken_invalid - the platform refused the token of generation gen: drop it (a no-op when a
 * newer token was fetched since). */
void apitoken_invalid(struct apitoken *t, unsigned gen);

#endif
