/*
 * replay.h - memory of signatures that do not cover the request body.
 *
 * WeChat's plaintext mode signs only token, timestamp and nonce, so whoever sees one signed URL
 * could post any body with it until the timestamp window closes. replay_check() remembers each
 * such signature with a digest of its body until its timestamp leaves the window: the same
 * signature with the same body (a retry) passes, with another body it is refused. The memory is
 * a fixed table (REPLAY_SLOTS); under more distinct requests per window than that, the oldest
 * are forgotten first.
 *
 * The table is in RAM; to survive a restart the adapter writes the key that replay_check_key
 * hands back in the writer job of the event it admitted (bot/chat/replay_log.h), and serve
 * loads the keys still inside the window back with replay_remember before it listens.
 */
#ifndef ZHIBU_REPLAY_H
#define ZHIBU_REPLAY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bot/base/err.h"

#define REPLAY_SLOTS   (1u << 16)
#define REPLAY_SIG_MAX 64 /* longest signature remembered (hex); a longer one is refused */
#define REPLAY_DIGEST  32 /* SHA-256 of the body */

/* A remembered key: what replay_check_key admitted, to be made durable with its event. */
struct replay_key {
    bool set;                         /* false: nothing to remember (no window) */
    char sig[REPLAY_SIG_MAX + 1];     /* the signature */
    unsigned char dig[REPLAY_DIGEST]; /* SHA-256 of the body it came with */
    int64_t ts;                       /* the timestamp it was signed with */
};

/*
 * replay_check - sig (the verified signature) arrived with len bytes of body, carrying timestamp
 * ts, at time now, with the window in seconds (0: no window, nothing is remembered).
 * ZB_OK, or ZB_ESIG when the same signature was seen with a different body.
 */
int replay_check(const char *sig, const void *body, size_t len, int64_t ts, int64_t now,
                 long window_s) ZB_MUST_USE;

/* replay_check_key - replay_check that also fills *key (when not NULL) on ZB_OK: key->set is
 * true when a window applies and the key should be remembered across restarts. */
int replay_check_key(const char *sig, const void *body, size_t len, int64_t ts, int64_t now,
                     long window_s, struct replay_key *key) ZB_MUST_USE;

/*
 * replay_remember - put a key read back from storage into the memory: sig with body digest dig,
 * refused with any other body until ts + window_s. A key already remembered is kept; a key out
 * of the window at now, a bad signature or no window is ignored. Used at start-up.
 */
void replay_remember(const char *sig, const unsigned char dig[REPLAY_DIGEST], int64_t ts,
                     int64_t now, long window_s);

/*
 * replay_key_store - write key (when key->set) to storage (replay_log_record), dropping a few keys
 * older than the window at now. Call inside the writer job of the event the key admitted (the
 * router's prepare hook), so it commits - or not - with the event. ZB_OK or ZB_EDB.
 */
int replay_key_store(const struct replay_key *key, int64_t now, long window_s) ZB_MUST_USE;

#endif
