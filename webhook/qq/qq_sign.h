/*
 * qq_sign.h - the signatures of both QQ transports (see shared/protocols/qq.md).
 *
 * OneBot v11 HTTP POST: "X-Signature: sha1=<hex>", HMAC-SHA1 of the raw body keyed with
 * onebot.secret. QQ open platform: Ed25519 with the key pair whose 32-byte seed is the bot
 * secret repeated until it is 32 bytes long; callbacks are signed over X-Signature-Timestamp
 * followed by the raw body, and the op 13 URL validation is answered with a signature over
 * event_ts followed by plain_token. Comparisons of secret-derived bytes are constant-time.
 */
#ifndef ZHIBU_QQ_SIGN_H
#define ZHIBU_QQ_SIGN_H

#include <stddef.h>

#include "bot/base/err.h"

#define ONEBOT_SIG_HEX 41  /* 40 lowercase hex digits of HMAC-SHA1 and the NUL */
#define QQBOT_SEED_LEN 32  /* Ed25519 seed */
#define QQBOT_PK_LEN   32  /* Ed25519 public key */
#define QQBOT_SK_LEN   64  /* libsodium's secret key: seed followed by public key */
#define QQBOT_SIG_HEX  129 /* 128 lowercase hex digits of a 64-byte signature and the NUL */

/* onebot_sign - lowercase hex HMAC-SHA1 of the len bytes at body, keyed with secret. */
void onebot_sign(const char *secret, const void *body, size_t len, char out[ONEBOT_SIG_HEX]);

/*
 * onebot_sig_check - header is "sha1=" and 40 hex digits (either case) equal to the body's
 * HMAC-SHA1 under secret. ZB_OK, or ZB_ESIG for a malformed header or a mismatch.
 */
int onebot_sig_check(const char *secret, const void *body, size_t len,
                     const char *header) ZB_MUST_USE;

/* qqbot_seed - the Ed25519 seed of a bot secret: its bytes repeated cyclically, cut to 32.
 * An empty secret gives 32 zero bytes. */
void qqbot_seed(const char *secret, unsigned char seed[QQBOT_SEED_LEN]);

/*
 * qqbot_keys - the key pair of a bot secret (seed as above, RFC 8032 key generation).
 * ZB_ECRYPTO when libsodium cannot be initialised. sk is secret: wipe it when done.
 */
int qqbot_keys(const char *secret, unsigned char pk[QQBOT_PK_LEN],
               unsigned char sk[QQBOT_SK_LEN]) ZB_MUST_USE;

/*
 * qqbot_sign_hex - lowercase hex Ed25519 signature of a (alen bytes) followed by b (blen
 * bytes), with no separator: event_ts ‖ plain_token for validation, timestamp ‖ body for a
 * callback (what the platform does; used by `zhibu say` and the tests).
 */
void qqbot_sign_hex(const unsigned char sk[QQBOT_SK_LEN], const void *a, size_t alen, const void *b,
                    size_t blen, char out[QQBOT_SIG_HEX]);

/*
 * qqbot_verify - sig_hex (128 hex digits, either case) is a valid signature by pk of ts
 * followed by the len bytes at body. Refused before any curve arithmetic: bad hex, a length
 * other than 64 bytes, or sig[63] & 0xE0 set. ZB_OK or ZB_ESIG.
 */
int qqbot_verify(const unsigned char pk[QQBOT_PK_LEN], const char *ts, const void *body, size_t len,
                 const char *sig_hex) ZB_MUST_USE;

#endif
