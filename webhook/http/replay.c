/*
 * replay.c - the table behind replay_check (see replay.h): open addressing over REPLAY_SLOTS
 * entries, a short probe sequence, expired entries reused, the entry that expires first evicted
 * when a probe sequence is full. One mutex; the work under it is a few comparisons. Storage is
 * touched only by replay_key_store, on the writer thread (bot/chat/replay_log.h).
 */
#include "webhook/http/replay.h"

#include <mbedtls/sha256.h>
#include <pthread.h>
#include <stdbool.h>
#include <string.h>

#include "bot/base/ct.h"
#include "bot/base/xmalloc.h"
#include "bot/chat/replay_log.h"

#define PROBES  16
#define SIG_MAX REPLAY_SIG_MAX

_Static_assert(REPLAY_SIG_MAX == REPLAY_LOG_SIG_MAX && REPLAY_DIGEST == REPLAY_LOG_DIGEST,
               "the stored key is the remembered key");

struct entry {
    char sig[SIG_MAX + 1];            /* the signature, "" for a free slot */
    unsigned char dig[REPLAY_DIGEST]; /* SHA-256 of the body it came with */
    int64_t expires;                  /* Unix seconds after which the signature is refused anyway */
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

/* slot - under mu: the live entry for sig, or (*found false) the slot to fill. */
static struct entry *slot(const char *sig, int64_t now, bool *found)
{
    if (!table)
        table = xcalloc(REPLAY_SLOTS, sizeof *table);
    uint32_t h = hash(sig);
    struct entry *victim = NULL;
    for (uint32_t i = 0; i < PROBES; i++) {
        struct entry *e = &table[(h + i) & (REPLAY_SLOTS - 1)];
        bool live = e->sig[0] && e->expires >= now;
        if (live && strcmp(e->sig, sig) == 0) {
            *found = true;
            return e;
        }
        if (!live) {
            if (!victim || victim->sig[0])
                victim = e; /* prefer a free or expired slot */
        } else if (!victim || (victim->sig[0] && e->expires < victim->expires)) {
            victim = e;
        }
    }
    *found = false;
    return victim;
}

int replay_check_key(const char *sig, const void *body, size_t len, int64_t ts, int64_t now,
                     long window_s, struct replay_key *key)
{
    if (key)
        key->set = false;
    if (window_s <= 0)
        return ZB_OK;
    size_t sl = strlen(sig);
    if (sl > SIG_MAX)
        return ZB_ESIG;
    unsigned char dig[32];
    if (mbedtls_sha256_ret(body, len, dig, 0) != 0)
        return ZB_ESIG;
    int rc = ZB_OK;
    bool found;
    pthread_mutex_lock(&mu);
    struct entry *e = slot(sig, now, &found);
    if (found) {
        rc = ct_memeq(e->dig, dig, sizeof dig) ? ZB_OK : ZB_ESIG;
    } else {
        memcpy(e->sig, sig, sl + 1);
        memcpy(e->dig, dig, sizeof dig);
        e->expires = ts + window_s;
    }
    pthread_mutex_unlock(&mu);
    if (rc == ZB_OK && key) {
        key->set = true;
        memcpy(key->sig, sig, sl + 1);
        memcpy(key->dig, dig, sizeof dig);
        key->ts = ts;
    }
    return rc;
}

int replay_check(const char *sig, const void *body, size_t len, int64_t ts, int64_t now,
                 long window_s)
{
    return replay_check_key(sig, body, len, ts, now, window_s, NULL);
}

void replay_remember(const char *sig, const unsigned char dig[REPLAY_DIGEST], int64_t ts,
                     int64_t now, long window_s)
{
    size_t sl = strlen(sig);
    if (window_s <= 0 || sl == 0 || sl > SIG_MAX || ts + window_s < now)
        return;
    bool found;
    pthread_mutex_lock(&mu);
    struct entry *e = slot(sig, now, &found);
    if (!found) {
        memcpy(e->sig, sig, sl + 1);
        memcpy(e->dig, dig, REPLAY_DIGEST);
        e->expires = ts + window_s;
    }
    pthread_mutex_unlock(&mu);
}

int replay_key_store(const struct replay_key *key, int64_t now, long window_s)
{
    if (!key->set || !key->sig[0])
        return ZB_OK;
    return replay_log_record(key->sig, key->dig, key->ts, now - window_s) ? ZB_EDB : ZB_OK;
}
