/*
 * wechat_mode.h - the message encryption mode of a WeChat account (official account or
 * mini-program), as its console sets it: plain (明文), compatible (兼容) or safe (安全).
 *
 * In plain mode the signature covers only token, timestamp and nonce, never the body; in safe
 * mode msg_signature also covers the encrypted body. So a safe-mode account must refuse
 * plaintext bodies: otherwise a captured URL carries any forged plaintext message. With an
 * EncodingAESKey configured the default is safe; without one, plain; compatible accepts both.
 */
#ifndef ZHIBU_WECHAT_MODE_H
#define ZHIBU_WECHAT_MODE_H

#include <stdbool.h>

#include "bot/base/err.h"

enum wechat_mode { WECHAT_MODE_PLAIN = 0, WECHAT_MODE_COMPATIBLE, WECHAT_MODE_SAFE };

/*
 * wechat_mode_parse - the config value s ("plain", "compatible", "safe", or "" for the default
 * that has_key implies) into *out. ZB_ECONFIG for another word, or for compatible or safe
 * without a key (nothing could be decrypted).
 */
int wechat_mode_parse(const char *s, bool has_key, enum wechat_mode *out) ZB_MUST_USE;

/* wechat_mode_accepts - whether an account in mode m takes a message that is encrypted (an
 * Encrypt element under encrypt_type=aes) or not. */
bool wechat_mode_accepts(enum wechat_mode m, bool encrypted);

/* wechat_mode_name - "plain", "compatible" or "safe". */
const char *wechat_mode_name(enum wechat_mode m);

#endif
