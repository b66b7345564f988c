/*
 * link.h - signed links: a URL that tells an H5 page which member opened it, without a login.
 *
 *   PUBLIC_URL/PREFIX/OBJECT?m=MEMBER&e=EXPIRES&sig=SIG
 *
 * SIG is HMAC-SHA256, keyed with the server's link secret, over "zhibu-link-v1", PREFIX, OBJECT,
 * MEMBER and EXPIRES joined by '\n', in unpadded base64url (43 characters). PREFIX names the
 * page family ("s" study, "t" tasks, "m" meetings), so a link for one family never opens
 * another. OBJECT is 1..LINK_OBJECT_MAX bytes of [A-Za-z0-9_-], MEMBER a positive member id,
 * EXPIRES Unix seconds. A link is an invitation, not a login: keep expiries short (days).
 *
 * The secret is server.link_secret (ZHIBU_LINK_SECRET), or - when that is empty - 32 random
 * bytes generated on first use and kept in the database (table secrets), so links survive
 * restarts and the CLI signs with the same key as the server.
 */
#ifndef ZHIBU_LINK_H
#define ZHIBU_LINK_H

#include <stddef.h>
#include <stdint.h>

#include "bot/base/err.h"

#define LINK_SECRET_MIN 16  /* bytes of a configured secret, at least */
#define LINK_SECRET_MAX 128 /* and at most */
#define LINK_OBJECT_MAX 64  /* bytes of an object id */
#define LINK_PREFIX_MAX 16  /* bytes of a prefix */
#define LINK_URL_MAX    512 /* a signed URL with its NUL, at most */

/* What a verified link says. */
struct link_claim {
    int64_t member_id;                /* who it was sent to */
    char object[LINK_OBJECT_MAX + 1]; /* what it opens */
    int64_t expires_at;               /* Unix seconds */
};

/*
 * link_configure - set the base URL (http(s)://HOST, no trailing '/') and the secret (len
 * bytes, LINK_SECRET_MIN..LINK_SECRET_MAX) for this process; both are copied. ZB_EINVAL when
 * either is out of bounds. Call once at start-up, before any thread signs or verifies.
 */
int link_configure(const char *public_url, const void *secret, size_t len) ZB_MUST_USE;

/*
 * link_init - link_configure with secret, or, when secret is "", with the secret kept in the
 * database (generated and stored on first use; a concurrent first use by another process is
 * settled by the database). The store must be initialised. ZB_EDB, ZB_EINVAL.
 */
int link_init(const char *public_url, const char *secret) ZB_MUST_USE;

/*
 * link_sign - the signed URL for member_id opening object under prefix until expires_at, into
 * out (size outsz). ZB_EINVAL for a bad prefix, object or member id, or when not configured;
 * ZB_ETOOBIG when out is too small.
 */
int link_sign(const char *prefix, int64_t member_id, const char *object, int64_t expires_at,
              char *out, size_t outsz) ZB_MUST_USE;

/*
 * link_verify - check a request for a signed link: path is the URL path ("/s/OBJECT"), m, e and
 * sig the query parameters as received (NULL when absent), now the current time. On ZB_OK *out
 * says who and what. ZB_EPARSE when the link is malformed (path, a missing or non-numeric
 * parameter), ZB_ESIG when the signature does not match (compared in constant time), ZB_ESTALE
 * when it verifies but expired (expires_at < now), ZB_EINVAL when not configured.
 */
int link_verify(const char *path, const char *m, const char *e, const char *sig, int64_t now,
                struct link_claim *out) ZB_MUST_USE;

#endif
