/*
 * wechat_crypto.h - WeChat's message signatures and the AES "safe mode" envelope.
 *
 * See shared/protocols/wechat.md sections 1-3. Signatures are SHA-1 over the byte-wise sorted
 * concatenation of the given strings, lowercase hex. The envelope is AES-256-CBC with IV =
 * key[0..15] over random(16) | msg_len (u32 big-endian) | msg | receive-id, PKCS#7 padded to 32
 * bytes, base64.
 */
#ifndef ZHIBU_WECHAT_CRYPTO_H
#define ZHIBU_WECHAT_CRYPTO_H

#include <stddef.h>

#include "bot/base/err.h"

#define WECHAT_KEY_LEN 32
#define WECHAT_SIG_HEX 41 /* 40 hex digits and the NUL */
/* Largest base64 ciphertext accepted by wechat_decrypt (bodies are capped below this anyway). */
#define WECHAT_MAX_CIPHER_B64 (1024 * 1024)

/*
 * wechat_key_decode - EncodingAESKey (exactly 43 chars of [A-Za-z0-9]) to the 32-byte AES key.
 * Returns ZB_OK, or ZB_EINVAL for any other input.
 */
int wechat_key_decode(const char *encoding_aes_key, unsigned char key[WECHAT_KEY_LEN]) ZB_MUST_USE;

/* wechat_sign - the signature of n strings (sorted byte-wise, concatenated, SHA-1) into out.
 * On a NULL part (or a SHA-1 failure) out is "", which wechat_sign_check never accepts. */
void wechat_sign(const char *const *parts, size_t n, char out[WECHAT_SIG_HEX]);

/*
 * wechat_sign_check - ZB_OK when sig (40 hex digits, either case) is the signature of parts;
 * ZB_ESIG otherwise (also when sig is NULL or malformed). Compares in constant time.
 */
int wechat_sign_check(const char *const *parts, size_t n, const char *sig) ZB_MUST_USE;

/*
 * wechat_decrypt - open a base64 ciphertext of b64_len bytes with key. Checks, strictly: base64,
 * a positive multiple of 16 bytes, PKCS#7 pad 1..32 with every pad byte equal, msg_len in
 * bounds, and that the receive-id after the message equals receive_id exactly.
 * On ZB_OK *msg is a NUL-terminated copy of the message (caller frees with free()) and *msg_len
 * its length; the message may contain NUL bytes, so use *msg_len. Errors: ZB_EINVAL (NULL
 * argument), ZB_EPARSE (base64, strictly: no whitespace, canonical padding), ZB_ECRYPTO
 * (length/padding/layout), ZB_EAPPID (receive-id), ZB_ETOOBIG (over WECHAT_MAX_CIPHER_B64).
 */
int wechat_decrypt(const unsigned char key[WECHAT_KEY_LEN], const char *b64, size_t b64_len,
                   const char *receive_id, char **msg, size_t *msg_len) ZB_MUST_USE;

/*
 * wechat_encrypt - seal msg (len bytes) for receive_id with the given 16 random bytes (fresh per
 * message; fixed only in tests). On ZB_OK *b64 is the NUL-terminated base64 ciphertext (caller
 * frees with free()). ZB_EINVAL for a NULL argument, ZB_ETOOBIG when the result would exceed
 * WECHAT_MAX_CIPHER_B64, ZB_ECRYPTO when the cipher fails.
 */
int wechat_encrypt(const unsigned char key[WECHAT_KEY_LEN], const unsigned char random[16],
                   const char *msg, size_t len, const char *receive_id, char **b64) ZB_MUST_USE;

#endif
