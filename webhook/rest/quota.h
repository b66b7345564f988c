/*
 * quota.h - requests per key per minute, for the REST door: a token's requests (its session
 * id) and the logins of a client address (a negative key). A fixed table of QUOTA_SLOTS counts
 * kept in RAM: a key takes a free or stale slot of its short probe run; when a crowd of keys
 * fills the run this minute, a newcomer shares a count, so a crowd can only be refused sooner,
 * never let through. Thread-safe.
 */
#ifndef ZHIBU_REST_QUOTA_H
#define ZHIBU_REST_QUOTA_H

#include <stdbool.h>
#include <stdint.h>

#define QUOTA_SLOTS 4096 /* keys counted at once */
#define QUOTA_PROBE 8    /* slots a key may take */

/* quota_take - count one request of key at now (Unix seconds); false when it is past limit in
 * this minute. */
bool quota_take(int64_t key, int64_t now, long limit);

/* quota_reset - forget every count (tests). */
void quota_reset(void);

#endif
