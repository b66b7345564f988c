/*
 * wechat_crypto.c - WeChat's SHA-1 signatures and the AES-256-CBC "safe mode" envelope.
 *
 * Implements shared/protocols/wechat.md sections 1-3: the EncodingAESKey to AES key derivation,
 * the sort-concatenate-SHA-1 signature (3 fields for URL verification, 4 for msg_signature),
 * and the envelope random(16) | msg_len (u32 BE) | msg | receive-id, PKCS#7 padded to 32-byte
 * blocks, AES-256-CBC with IV = key[0..15], standard base64. Decryption validates every layer
 * strictly (base64 alphabet and padding, block length, pad bytes, msg_len, receive-id) because
 * its input comes from the network; buffers are bounded by WECHAT_MAX_CIPHER_B64.
 */
#include "webhook/wechat/wechat_crypto.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <mbedtls/aes.h>
#include <mbedtls/base64.h>
#include <mbedtls/platform_util.h>
#include <mbedtls/sha1.h>

#include "bot/base/ct.h"
#include "bot/base/xmalloc.h"

#define EAK_LEN    43 /* characters in an EncodingAESKey */
#define PAD_BLOCK  32 /* WeChat pads to 32 bytes, not AES's 16 */
#define RANDOM_LEN 16 /* random prefix of the plaintext */
#define HEAD_LEN   20 /* random prefix and msg_len */

static int is_alnum(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

/* b64val - the 6-bit value of a base64 alphabet character, or -1. */
static int b64val(unsigned char c)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    if (c == '+')
        return 62;
    if (c == '/')
        return 63;
    return -1;
}

/*
 * b64_strict - true when s[0..len) is canonical standard base64: a multiple of 4 characters from
 * the alphabet, at most two '=' and only at the end, and zero bits left over before the '='.
 * mbedtls_base64_decode alone would also accept line breaks, spaces and non-canonical tails.
 */
static int b64_strict(const char *s, size_t len)
{
    if (len % 4 != 0)
        return 0;
    size_t eq = 0;
    if (len >= 1 && s[len - 1] == '=')
        eq++;
    if (len >= 2 && s[len - 2] == '=')
        eq++;
    for (size_t i = 0; i < len - eq; i++)
        if (b64val((unsigned char)s[i]) < 0)
            return 0;
    if (eq > 0) {
        int last = b64val((unsigned char)s[len - eq - 1]);
        int spare = eq == 1 ? 0x03 : 0x0f; /* bits beyond the last whole byte */
        if ((last & spare) != 0)
            return 0;
    }
    return 1;
}

int wechat_key_decode(const char *encoding_aes_key, unsigned char key[WECHAT_KEY_LEN])
{
    char b64[EAK_LEN + 1];
    size_t olen = 0;
    if (encoding_aes_key == NULL || key == NULL)
        return ZB_EINVAL;
    for (size_t i = 0; i < EAK_LEN; i++)
        if (!is_alnum((unsigned char)encoding_aes_key[i])) /* also stops at a short string's NUL */
            return ZB_EINVAL;
    if (encoding_aes_key[EAK_LEN] != '\0')
        return ZB_EINVAL;
    memcpy(b64, encoding_aes_key, EAK_LEN);
    b64[EAK_LEN] = '=';
    /* 43 characters carry 258 bits; the 2 spare bits of the last one are ignored, as by every
     * peer SDK, so any 43-character alphanumeric string is a key. */
    unsigned char out[WECHAT_KEY_LEN + 2];
    int rc = mbedtls_base64_decode(out, sizeof out, &olen, (const unsigned char *)b64, sizeof b64);
    if (rc != 0 || olen != WECHAT_KEY_LEN) {
        mbedtls_platform_zeroize(out, sizeof out);
        mbedtls_platform_zeroize(b64, sizeof b64);
        return ZB_EINVAL;
    }
    memcpy(key, out, WECHAT_KEY_LEN);
    mbedtls_platform_zeroize(out, sizeof out);
    mbedtls_platform_zeroize(b64, sizeof b64);
    return ZB_OK;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/*
 * sign_raw - SHA-1 of the n strings sorted byte-wise and concatenated, as 40 lowercase hex digits
 * and a NUL in out. ZB_EINVAL when parts (n > 0) or one of them is NULL, ZB_ECRYPTO when mbedTLS
 * fails. The sorted pointer array is n pointers from xmalloc; n comes from our code, never input.
 */
static int sign_raw(const char *const *parts, size_t n, char out[WECHAT_SIG_HEX])
{
    static const char hex[] = "0123456789abcdef";
    const char **sorted = NULL;
    unsigned char digest[20];
    mbedtls_sha1_context sha;
    int rc = ZB_OK;

    mbedtls_sha1_init(&sha);
    if (n > 0 && parts == NULL) {
        rc = ZB_EINVAL;
        goto done;
    }
    if (n > SIZE_MAX / sizeof *sorted) {
        rc = ZB_EINVAL;
        goto done;
    }
    sorted = xmalloc(n > 0 ? n * sizeof *sorted : 1);
    for (size_t i = 0; i < n; i++) {
        if (parts[i] == NULL) {
            rc = ZB_EINVAL;
            goto done;
        }
        sorted[i] = parts[i];
    }
    if (n > 1)
        qsort(sorted, n, sizeof *sorted, cmp_str);
    if (mbedtls_sha1_starts_ret(&sha) != 0) {
        rc = ZB_ECRYPTO;
        goto done;
    }
    for (size_t i = 0; i < n; i++) {
        if (mbedtls_sha1_update_ret(&sha, (const unsigned char *)sorted[i], strlen(sorted[i])) !=
            0) {
            rc = ZB_ECRYPTO;
            goto done;
        }
    }
    if (mbedtls_sha1_finish_ret(&sha, digest) != 0) {
        rc = ZB_ECRYPTO;
        goto done;
    }
    for (size_t i = 0; i < sizeof digest; i++) {
        out[2 * i] = hex[digest[i] >> 4];
        out[2 * i + 1] = hex[digest[i] & 0x0f];
    }
    out[2 * sizeof digest] = '\0';
done:
    mbedtls_sha1_free(&sha);
    free(sorted);
    return rc;
}

/*
 * wechat_sign - the signature of parts[0..n) into out. Every part must be a non-NULL C string;
 * if one is NULL (or mbedTLS fails) out is set to "", which no wechat_sign_check accepts.
 */
void wechat_sign(const char *const *parts, size_t n, char out[WECHAT_SIG_HEX])
{
    if (sign_raw(parts, n, out) != ZB_OK)
        out[0] = '\0';
}

/*
 * wechat_sign_check - ZB_OK when sig is exactly 40 hex digits (either case) equal to the
 * signature of parts; ZB_ESIG otherwise, including a NULL sig, a NULL part, or a wrong length.
 * The hex check depends only on the caller-supplied sig; the comparison with the expected
 * signature is constant-time (ct_memeq).
 */
int wechat_sign_check(const char *const *parts, size_t n, const char *sig)
{
    char want[WECHAT_SIG_HEX];
    char got[WECHAT_SIG_HEX];
    size_t len;

    if (sig == NULL)
        return ZB_ESIG;
    len = strnlen(sig, WECHAT_SIG_HEX);
    if (len != WECHAT_SIG_HEX - 1)
        return ZB_ESIG;
    for (size_t i = 0; i < len; i++) {
        char c = sig[i];
        if (c >= 'A' && c <= 'F')
            c = (char)(c - 'A' + 'a');
        else if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
            return ZB_ESIG;
        got[i] = c;
    }
    got[len] = '\0';
    if (sign_raw(parts, n, want) != ZB_OK)
        return ZB_ESIG;
    return ct_memeq(want, got, WECHAT_SIG_HEX - 1) ? ZB_OK : ZB_ESIG;
}

/*
 * wechat_decrypt - see the header. NULL arguments give ZB_EINVAL. The decoded ciphertext is held
 * in one buffer of at most WECHAT_MAX_CIPHER_B64 * 3 / 4 bytes, decrypted in place and wiped
 * before it is freed; *msg (caller frees) is a separate copy of msg_len + 1 bytes.
 * The order of checks is: size cap, base64, block length, padding, msg_len, receive-id.
 */
int wechat_decrypt(const unsigned char key[WECHAT_KEY_LEN], const char *b64, size_t b64_len,
                   const char *receive_id, char **msg, size_t *msg_len)
{
    unsigned char *buf = NULL;
    size_t cap = 0, len = 0, pad, body, rid_len;
    uint32_t mlen;
    const unsigned char *rid;
    unsigned char iv[16];
    mbedtls_aes_context aes;
    int rc;

    mbedtls_aes_init(&aes);
    if (msg != NULL)
        *msg = NULL;
    if (msg_len != NULL)
        *msg_len = 0;
    if (key == NULL || (b64 == NULL && b64_len > 0) || receive_id == NULL || msg == NULL ||
        msg_len == NULL) {
        rc = ZB_EINVAL;
        goto done;
    }
    if (b64_len > WECHAT_MAX_CIPHER_B64) {
        rc = ZB_ETOOBIG;
        goto done;
    }
    if (!b64_strict(b64, b64_len)) {
        rc = ZB_EPARSE;
        goto done;
    }
    if (b64_len == 0) {
        rc = ZB_ECRYPTO;
        goto done;
    }
    cap = b64_len / 4 * 3;
    buf = xmalloc(cap);
    if (mbedtls_base64_decode(buf, cap, &len, (const unsigned char *)b64, b64_len) != 0) {
        rc = ZB_EPARSE;
        goto done;
    }
    if (len == 0 || len % 16 != 0) {
        rc = ZB_ECRYPTO;
        goto done;
    }
    memcpy(iv, key, sizeof iv);
    if (mbedtls_aes_setkey_dec(&aes, key, WECHAT_KEY_LEN * 8) != 0 ||
        mbedtls_aes_crypt_cbc(&aes, MBEDTLS_AES_DECRYPT, len, iv, buf, buf) != 0) {
        rc = ZB_ECRYPTO;
        goto done;
    }

    pad = buf[len - 1];
    if (pad < 1 || pad > PAD_BLOCK || pad > len) {
        rc = ZB_ECRYPTO;
        goto done;
    }
    for (size_t i = len - pad; i < len; i++) {
        if (buf[i] != pad) {
            rc = ZB_ECRYPTO;
            goto done;
        }
    }
    body = len - pad; /* random | msg_len | msg | receive-id */
    if (body < HEAD_LEN) {
        rc = ZB_ECRYPTO;
        goto done;
    }
    mlen = (uint32_t)buf[RANDOM_LEN] << 24 | (uint32_t)buf[RANDOM_LEN + 1] << 16 |
           (uint32_t)buf[RANDOM_LEN + 2] << 8 | (uint32_t)buf[RANDOM_LEN + 3];
    if (mlen > body - HEAD_LEN) {
        rc = ZB_ECRYPTO;
        goto done;
    }

    /* The receive-id is not secret: a plain byte loop (memcmp is banned by lint). */
    rid = buf + HEAD_LEN + mlen;
    rid_len = body - HEAD_LEN - mlen;
    if (strlen(receive_id) != rid_len) {
        rc = ZB_EAPPID;
        goto done;
    }
    for (size_t i = 0; i < rid_len; i++) {
        if (rid[i] != (unsigned char)receive_id[i]) {
            rc = ZB_EAPPID;
            goto done;
        }
    }

    *msg = xmalloc((size_t)mlen + 1);
    memcpy(*msg, buf + HEAD_LEN, mlen);
    (*msg)[mlen] = '\0';
    *msg_len = mlen;
    rc = ZB_OK;
done:
    if (buf != NULL) {
        mbedtls_platform_zeroize(buf, cap);
        free(buf);
    }
    mbedtls_platform_zeroize(iv, sizeof iv);
    mbedtls_aes_free(&aes);
    return rc;
}

/*
 * wechat_encrypt - see the header. NULL key, receive_id or b64 (or a NULL msg with len > 0) give
 * ZB_EINVAL. Besides len, the whole envelope is capped so that its base64 never exceeds
 * WECHAT_MAX_CIPHER_B64 (a very long receive_id gives ZB_ETOOBIG): whatever we seal, we can open.
 * Padding is PKCS#7 to 32 bytes, a full block of 0x20 when the plaintext is already aligned.
 */
int wechat_encrypt(const unsigned char key[WECHAT_KEY_LEN], const unsigned char random[16],
                   const char *msg, size_t len, const char *receive_id, char **b64)
{
    unsigned char *buf = NULL;
    char *out = NULL;
    size_t rid_len, plain, pad, total = 0, out_cap, olen = 0;
    unsigned char iv[16];
    mbedtls_aes_context aes;
    int rc;

    mbedtls_aes_init(&aes);
    if (b64 != NULL)
        *b64 = NULL;
    if (key == NULL || random == NULL || (msg == NULL && len > 0) || receive_id == NULL ||
        b64 == NULL) {
        rc = ZB_EINVAL;
        goto done;
    }
    if (len > WECHAT_MAX_CIPHER_B64 / 2) {
        rc = ZB_ETOOBIG;
        goto done;
    }
    rid_len = strnlen(receive_id, WECHAT_MAX_CIPHER_B64);
    plain = HEAD_LEN + len + rid_len;
    pad = PAD_BLOCK - plain % PAD_BLOCK;
    total = plain + pad;
    out_cap = (total + 2) / 3 * 4 + 1;
    if (rid_len >= WECHAT_MAX_CIPHER_B64 || out_cap - 1 > WECHAT_MAX_CIPHER_B64) {
        rc = ZB_ETOOBIG;
        goto done;
    }

    buf = xmalloc(total);
    memcpy(buf, random, RANDOM_LEN);
    buf[RANDOM_LEN] = (unsigned char)(len >> 24);
    buf[RANDOM_LEN + 1] = (unsigned char)(len >> 16);
    buf[RANDOM_LEN + 2] = (unsigned char)(len >> 8);
    buf[RANDOM_LEN + 3] = (unsigned char)len;
    if (len > 0)
        memcpy(buf + HEAD_LEN, msg, len);
    memcpy(buf + HEAD_LEN + len, receive_id, rid_len);
    memset(buf + plain, (int)pad, pad);

    memcpy(iv, key, sizeof iv);
    if (mbedtls_aes_setkey_enc(&aes, key, WECHAT_KEY_LEN * 8) != 0 ||
        mbedtls_aes_crypt_cbc(&aes, MBEDTLS_AES_ENCRYPT, total, iv, buf, buf) != 0) {
        rc = ZB_ECRYPTO;
        goto done;
    }
    out = xmalloc(out_cap);
    if (mbedtls_base64_encode((unsigned char *)out, out_cap, &olen, buf, total) != 0) {
        rc = ZB_ECRYPTO;
        goto done;
    }
    *b64 = out;
    out = NULL;
    rc = ZB_OK;
done:
    if (buf != NULL) {
        mbedtls_platform_zeroize(buf, total);
        free(buf);
    }
    free(out);
    mbedtls_platform_zeroize(iv, sizeof iv);
    mbedtls_aes_free(&aes);
    return rc;
}
