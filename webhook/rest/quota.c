/* quota.c - per-minute counts per key (see quota.h). */
#include "webhook/rest/quota.h"

#include <pthread.h>
#include <string.h>

/* One key's count in the current minute: a token (its session id), or a client address
 * (negative keys) for the login. */
struct slot {
    int64_t key;    /* what is counted */
    int64_t minute; /* the minute (Unix seconds / 60) */
    long count;     /* requests in it */
};
static struct slot rates[QUOTA_SLOTS];
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;

/*
 * quota_take - count one request of key at now; false past limit in this minute. A key takes the
 * first slot of its probe run that is its own or stale (an old minute); when all QUOTA_PROBE are
 * taken by other keys this minute, it shares the first one's count, so a crowd of keys can only
 * be refused sooner, never let through.
 */
bool quota_take(int64_t key, int64_t now, long limit)
{
    int64_t minute = now / 60;
    uint64_t h = (uint64_t)key * 0x9E3779B97F4A7C15ULL;
    struct slot *hit = NULL, *stale = NULL;
    pthread_mutex_lock(&mu);
    for (size_t k = 0; k < QUOTA_PROBE && !hit; k++) {
        struct slot *s = &rates[(h + k) % QUOTA_SLOTS];
        if (s->minute == minute && s->key == key)
            hit = s;
        else if (!stale && s->minute != minute)
            stale = s;
    }
    if (!hit && stale) {
        *stale = (struct slot){key, minute, 0};
        hit = stale;
    }
    if (!hit)
        hit = &rates[h % QUOTA_SLOTS];
    bool ok = ++hit->count <= limit;
    pthread_mutex_unlock(&mu);
    return ok;
}

void quota_reset(void)
{
    pthread_mutex_lock(&mu);
    memset(rates, 0, sizeof rates);
    pthread_mutex_unlock(&mu);
}
