/*
 * apisession.h - the REST API's bearer tokens: who holds one, until when, and how it ends.
 *
 * A token is 32 random bytes in base64url (APISESSION_TOKEN_LEN characters, no padding), given
 * once to its holder and never stored: the table api_sessions keeps its SHA-256, so a copy of the
 * database opens no session. A session belongs to a member (a token issued by the operator with
 * `zhibu api token`) or to a platform identity that logged in (the mini-program's openid, with
 * the session_key WeChat gave for it, kept here and never answered); such a session acts as the
 * member the identity is bound to, or as an unbound identity until it is. A session expires at
 * its expires_at and ends early when revoked (logout). Write functions run inside a transaction.
 */
#ifndef ZHIBU_APISESSION_H
#define ZHIBU_APISESSION_H

#include <stdint.h>

#include "bot/base/err.h"
#include "bot/store/migrations.h"

#define APISESSION_TOKEN_LEN 43  /* base64url characters of 32 bytes, unpadded */
#define APISESSION_KEY_MAX   128 /* bytes of a platform's session key */

struct apisession {
    int64_t id;         /* row id */
    int64_t member_id;  /* the member it was issued to; 0: the identity's owner (or none) */
    char platform[16];  /* the identity's platform ("wxmini"), "" for a member's token */
    char account[96];   /* the identity's account (the mini-program's AppID) */
    char ext_id[128];   /* the identity's id (openid) */
    int64_t created_at; /* Unix seconds */
    int64_t expires_at; /* Unix seconds; the token is refused from then on */
};

/* The api_sessions table's schema steps (owner "apisession"). */
extern const struct migration_set apisession_migrations;

/*
 * apisession_issue - a new session for s's member or identity (s->member_id, s->platform,
 * s->account, s->ext_id; id and times are filled in) valid for ttl_s from now, with the
 * platform's session_key (NULL or "" for none; at most APISESSION_KEY_MAX bytes). The raw token
 * goes to token (APISESSION_TOKEN_LEN + 1 bytes) and exists nowhere else. ZB_EINVAL for a session
 * with neither a member nor an identity; ZB_EDB. Call inside a transaction.
 */
int apisession_issue(struct apisession *s, const char *session_key, int64_t ttl_s, int64_t now,
                     char token[APISESSION_TOKEN_LEN + 1]) ZB_MUST_USE;

/*
 * apisession_find - the session of token at now into *out. ZB_ESIG when there is none, it was
 * revoked, or the token is malformed; ZB_ESTALE when it expired; ZB_EDB.
 */
int apisession_find(const char *token, int64_t now, struct apisession *out) ZB_MUST_USE;

/* apisession_revoke - end session id at now; ZB_ENOTFOUND when it is not open. Call inside a
 * transaction. */
int apisession_revoke(int64_t id, int64_t now) ZB_MUST_USE;

/* apisession_sweep - delete sessions that expired, or were revoked, before `before` (the daily
 * clean-up keeps a week, so a late caller still hears "expired" rather than "unknown"); their
 * count into *n (may be NULL). Call inside a transaction. */
int apisession_sweep(int64_t before, int *n) ZB_MUST_USE;

/* apisession_hash - the stored form of token: SHA-256 as 64 lower-case hex digits in out (65
 * bytes). Exported for tests. */
void apisession_hash(const char *token, char out[65]);

#endif
