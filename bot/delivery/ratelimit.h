/*
 * ratelimit.h - token buckets, one per platform, shared by the sender.
 *
 * A bucket holds up to `burst` tokens and gains `rate` tokens per second; each send takes one.
 * A platform that answers "too many requests" pauses its bucket for a while, so every message
 * to that platform waits, not just the one that was refused. Times are monotonic milliseconds
 * given by the caller (tests pass their own clock). Not thread-safe: the sender owns them.
 */
#ifndef ZHIBU_RATELIMIT_H
#define ZHIBU_RATELIMIT_H

#include <stdint.h>

struct ratelimit {
    double rate;          /* tokens per second; 0 = unlimited */
    double burst;         /* most tokens held */
    double tokens;        /* tokens now */
    int64_t last_ms;      /* when tokens was last brought up to date */
    int64_t paused_until; /* no token before this (ms), after a platform's rate-limit answer */
};

/* ratelimit_init - rate per second (0 = unlimited) and burst (< 1 means 1); starts full. */
void ratelimit_init(struct ratelimit *r, double rate, double burst, int64_t now_ms);

/* ratelimit_take - take one token: 0 when granted, else the milliseconds until one is there. */
int64_t ratelimit_take(struct ratelimit *r, int64_t now_ms);

/* ratelimit_pause - grant nothing for ms milliseconds from now, and empty the bucket. */
void ratelimit_pause(struct ratelimit *r, int64_t now_ms, int64_t ms);

#endif
