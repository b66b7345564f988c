/* ratelimit.c - token buckets (see ratelimit.h). */
#include "bot/delivery/ratelimit.h"

void ratelimit_init(struct ratelimit *r, double rate, double burst, int64_t now_ms)
{
    r->rate = rate > 0 ? rate : 0;
    r->burst = burst < 1 ? 1 : burst;
    r->tokens = r->burst;
    r->last_ms = now_ms;
    r->paused_until = 0;
}

static void refill(struct ratelimit *r, int64_t now_ms)
{
    if (now_ms > r->last_ms) {
        r->tokens += r->rate * (double)(now_ms - r->last_ms) / 1000.0;
        if (r->tokens > r->burst)
            r->tokens = r->burst;
        r->last_ms = now_ms;
    }
}

int64_t ratelimit_take(struct ratelimit *r, int64_t now_ms)
{
    if (now_ms < r->paused_until)
        return r->paused_until - now_ms;
    if (r->rate == 0)
        return 0;
    refill(r, now_ms);
    if (r->tokens >= 1.0) {
        r->tokens -= 1.0;
        return 0;
    }
    int64_t wait = (int64_t)((1.0 - r->tokens) * 1000.0 / r->rate) + 1;
    return wait > 0 ? wait : 1;
}

void ratelimit_pause(struct ratelimit *r, int64_t now_ms, int64_t ms)
{
    if (now_ms + ms > r->paused_until)
        r->paused_until = now_ms + ms;
    r->tokens = 0;
    r->last_ms = r->paused_until;
}
