/*
 * fuzz_wechat_decrypt.c - libFuzzer driver for wechat_decrypt (webhook/wechat_crypto.c).
 *
 * The first 32 input bytes are the AES key when present (else an all-zero key), the rest is the
 * base64 ciphertext. Asserts that every result is a documented code, that a failure leaves
 * *msg NULL and *msg_len 0, and that a success is NUL-terminated and no longer than the input
 * allows. Then seals the same bytes with wechat_encrypt and checks that they open unchanged.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "webhook/wechat/wechat_crypto.h"

#define RECEIVE_ID "wx134c8103faa5a59e" /* V8's AppID, so the V8a seed decrypts */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_open(const unsigned char *key, const char *b64, size_t b64_len)
{
    char *msg = NULL;
    size_t len = 0;
    int rc = wechat_decrypt(key, b64, b64_len, RECEIVE_ID, &msg, &len);
    if (rc != ZB_OK) {
        if (rc != ZB_EPARSE && rc != ZB_ECRYPTO && rc != ZB_EAPPID && rc != ZB_ETOOBIG)
            abort();
        if (msg != NULL || len != 0)
            abort();
        return;
    }
    /* decoded bytes <= b64_len / 4 * 3 hold random, msg_len, msg, receive-id and >= 1 pad byte */
    if (msg == NULL || 20 + len + strlen(RECEIVE_ID) + 1 > b64_len / 4 * 3 || msg[len] != '\0')
        abort();
    free(msg);
}

static void check_round_trip(const unsigned char *key, const unsigned char *p, size_t n)
{
    unsigned char random[16] = {0};
    char rid[24] = "wx";
    char *b64 = NULL, *msg = NULL;
    size_t len = 0;
    for (size_t i = 0; i < n && i < sizeof random; i++)
        random[i] = p[i];
    /* a receive-id of 2..21 alphanumerics, chosen by the input */
    size_t rl = 2 + (n > 0 ? p[n - 1] % 20 : 0);
    for (size_t i = 2; i < rl; i++)
        rid[i] = (char)('a' + (i * 7 + (n > 0 ? p[0] : 0)) % 26);
    rid[rl] = '\0';
    if (wechat_encrypt(key, random, (const char *)p, n, rid, &b64) != ZB_OK)
        abort();
    size_t total = (20 + n + rl) / 32 * 32 + 32; /* PKCS#7 to 32 adds 1..32 bytes */
    if (strlen(b64) != (total + 2) / 3 * 4)
        abort();
    if (wechat_decrypt(key, b64, strlen(b64), rid, &msg, &len) != ZB_OK || len != n ||
        msg[len] != '\0')
        abort();
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)msg[i] != p[i])
            abort();
    free(msg);
    free(b64);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    unsigned char key[WECHAT_KEY_LEN] = {0};
    const uint8_t *rest = data;
    size_t n = size;
    if (size >= WECHAT_KEY_LEN) {
        memcpy(key, data, WECHAT_KEY_LEN);
        rest += WECHAT_KEY_LEN;
        n -= WECHAT_KEY_LEN;
    }
    check_open(key, (const char *)rest, n);
    check_round_trip(key, rest, n);
    return 0;
}
