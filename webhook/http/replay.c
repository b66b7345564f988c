/*
 * replay.c - the table behind replay_check (see replay.h): open addressing over REPLAY_SLOTS
 * entries, a short probe sequence, expired entries reused, the entry that expires first evicted
 * when a probe sequence is full. One mutex; the work under it is a few comparisons.
 */
#include "webhook/http/replay.h"

#include <mbedtls/sha256.h>
#include <pthread.h>
#include <stdbool.h>
#include <string.h>

#include "bot/base/ct.h"
#include "bot/base/xmalloc.h"

#define PROBES  16
#define SIG_MAX 64

struct entry {
    char sig[SIG_MAX + 1]; /* the signature, "" for a free slot */
    unsigned char dig[32]; /* SHA-256 of the body it came with */
    int64_t expires;       /* Unix seconds after which the signature is refused anyway */
};

static struct entry *table;
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;

static uint32_t hash(const char *s)
{
    uint32_t h = 2166136261u; /* FNV-1a: the key is a signature, already uniform */
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 16777619u;
    return h;
}

int replay_check(const char *sig, const void *body, size_t len, int64_t ts, int64_t now,
                 long window_s)
{
    if (window_s <= 0)
        return ZB_OK;
    size_t sl = strlen(sig);
    if (sl > SIG_MAX)
        return ZB_ESIG;
    unsigned char dig[32];
    if (mbedtls_sha256_ret(body, len, dig, 0) != 0)
        return ZB_ESIG;
    int rc = ZB_OK;
    pthread_mutex_lock(&mu);
    if (!table)
        table = xcalloc(REPLAY_SLOTS, sizeof *table);
    uint32_t h = hash(sig);
    struct entry *victim = NULL;
    for (uint32_t i = 0; i < PROBES; i++) {
        struct entry *e = &table[(h + i) & (REPLAY_SLOTS - 1)];
        bool live = e->sig[0] && e->expires >= now;
        if (live && strcmp(e->sig, sig) == 0) {
            rc = ct_memeq(e->dig, dig, sizeof dig) ? ZB_OK : ZB_ESIG;
            goto done;
        }
        if (!live) {
            if (!victim || victim->sig[0])
                victim = e; /* prefer a free or expired slot */
        } else if (!victim || (victim->sig[0] && e->expires < victim->expires)) {
            victim = e;
        }
    }
    memcpy(victim->sig, sig, sl + 1);
    memcpy(victim->dig, dig, sizeof dig);
    victim->expires = ts + window_s;
done:
    pthread_mutex_unlock(&mu);
    return rc;
}
