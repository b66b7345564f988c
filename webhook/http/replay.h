/*
 * replay.h - memory of signatures that do not cover the request body.
 *
 * WeChat's plaintext mode signs only token, timestamp and nonce, so whoever sees one signed URL
 * could post any body with it until the timestamp window closes. replay_check() remembers each
 * such signature with a digest of its body until its timestamp leaves the window: the same
 * signature with the same body (a retry) passes, with another body it is refused. The memory is
 * a fixed table (REPLAY_SLOTS); under more distinct requests per window than that, the oldest
 * are forgotten first.
 */
#ifndef ZHIBU_REPLAY_H
#define ZHIBU_REPLAY_H

#include <stddef.h>
#include <stdint.h>

#include "bot/base/err.h"

#define REPLAY_SLOTS (1u << 16)

/*
 * replay_check - sig (the verified signature) arrived with len bytes of body, carrying timestamp
 * ts, at time now, with the window in seconds (0: no window, nothing is remembered).
 * ZB_OK, or ZB_ESIG when the same signature was seen with a different body.
 */
int replay_check(const char *sig, const void *body, size_t len, int64_t ts, int64_t now,
                 long window_s) ZB_MUST_USE;

#endif
