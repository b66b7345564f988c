/*
 * qq_sign.c - HMAC-SHA1 for OneBot (mbedTLS) and Ed25519 for the open platform (libsodium); see
 * qq_sign.h. Hex input from outside is decoded strictly; secret-derived bytes are compared with
 * ct_memeq and wiped after use.
 */
#include "webhook/qq/qq_sign.h"

#include <mbedtls/md.h>
#include <mbedtls/platform_util.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "bot/base/ct.h"
#include "bot/base/log.h"
#include "bot/base/xmalloc.h"

#define SHA1_LEN 20
#define SIG_LEN  64

static void to_hex(const unsigned char *in, size_t n, char *out)
{
    static const char hex[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = hex[in[i] >> 4];
        out[2 * i + 1] = hex[in[i] & 0x0f];
    }
    out[2 * n] = '\0';
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* from_hex - exactly 2*n hex digits of s into out; ZB_ESIG otherwise. */
static int from_hex(const char *s, unsigned char *out, size_t n)
{
    if (strlen(s) != 2 * n)
        return ZB_ESIG;
    for (size_t i = 0; i < n; i++) {
        int hi = hexval(s[2 * i]), lo = hexval(s[2 * i + 1]);
        if (hi < 0 || lo < 0)
            return ZB_ESIG;
        out[i] = (unsigned char)(hi << 4 | lo);
    }
    return ZB_OK;
}

/* hmac_sha1 - raw HMAC-SHA1; false only if mbedTLS lacks SHA-1 (a broken build). */
static bool hmac_sha1(const char *secret, const void *body, size_t len, unsigned char out[SHA1_LEN])
{
    const mbedtls_md_info_t *md = mbedtls_md_info_from_type(MBEDTLS_MD_SHA1);
    return md &&
           mbedtls_md_hmac(md, (const unsigned char *)secret, strlen(secret), body, len, out) == 0;
}

void onebot_sign(const char *secret, const void *body, size_t len, char out[ONEBOT_SIG_HEX])
{
    unsigned char mac[SHA1_LEN];
    if (!hmac_sha1(secret, body, len, mac)) {
        log_error("qq_sign: HMAC-SHA1 unavailable in mbedTLS");
        memset(mac, 0, sizeof mac);
    }
    to_hex(mac, sizeof mac, out);
    mbedtls_platform_zeroize(mac, sizeof mac);
}

int onebot_sig_check(const char *secret, const void *body, size_t len, const char *header)
{
    unsigned char want[SHA1_LEN], got[SHA1_LEN];
    if (!header || strncmp(header, "sha1=", 5) != 0 || from_hex(header + 5, got, sizeof got))
        return ZB_ESIG;
    if (!hmac_sha1(secret, body, len, want))
        return ZB_ESIG;
    bool ok = ct_memeq(want, got, sizeof want);
    mbedtls_platform_zeroize(want, sizeof want);
    return ok ? ZB_OK : ZB_ESIG;
}

void qqbot_seed(const char *secret, unsigned char seed[QQBOT_SEED_LEN])
{
    size_t n = strlen(secret);
    for (size_t i = 0; i < QQBOT_SEED_LEN; i++)
        seed[i] = n ? (unsigned char)secret[i % n] : 0;
}

int qqbot_keys(const char *secret, unsigned char pk[QQBOT_PK_LEN], unsigned char sk[QQBOT_SK_LEN])
{
    if (sodium_init() < 0)
        return ZB_ECRYPTO;
    unsigned char seed[QQBOT_SEED_LEN];
    qqbot_seed(secret, seed);
    int rc = crypto_sign_seed_keypair(pk, sk, seed) == 0 ? ZB_OK : ZB_ECRYPTO;
    sodium_memzero(seed, sizeof seed);
    return rc;
}

/* joined - a (alen bytes) followed by b (blen bytes) in one allocation; caller frees. */
static unsigned char *joined(const void *a, size_t alen, const void *b, size_t blen)
{
    unsigned char *m = xmalloc(alen + blen + 1);
    if (alen)
        memcpy(m, a, alen);
    if (blen)
        memcpy(m + alen, b, blen);
    return m;
}

void qqbot_sign_hex(const unsigned char sk[QQBOT_SK_LEN], const void *a, size_t alen, const void *b,
                    size_t blen, char out[QQBOT_SIG_HEX])
{
    unsigned char sig[SIG_LEN];
    unsigned char *m = joined(a, alen, b, blen);
    crypto_sign_detached(sig, NULL, m, alen + blen, sk);
    free(m);
    to_hex(sig, sizeof sig, out);
}

int qqbot_verify(const unsigned char pk[QQBOT_PK_LEN], const char *ts, const void *body, size_t len,
                 const char *sig_hex)
{
    unsigned char sig[SIG_LEN];
    if (!ts || !sig_hex || from_hex(sig_hex, sig, sizeof sig) || (sig[63] & 0xE0) != 0)
        return ZB_ESIG;
    size_t tl = strlen(ts);
    unsigned char *m = joined(ts, tl, body, len);
    int ok = crypto_sign_verify_detached(sig, m, tl + len, pk);
    free(m);
    return ok == 0 ? ZB_OK : ZB_ESIG;
}
