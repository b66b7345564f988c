/* replay_mem.c - load the replay memory at start-up (see replay_mem.h). */
#include "bot/app/replay_mem.h"

#include "bot/base/log.h"
#include "bot/chat/replay_log.h"
#include "bot/store/store.h"
#include "webhook/http/replay.h"

struct restore {
    int64_t now;
    long window_s;
    size_t pruned;
};

static int prune(void *arg)
{
    struct restore *r = arg;
    return replay_log_prune(r->now - r->window_s, REPLAY_LOG_PRUNE_MAX, &r->pruned);
}

static int remember(void *arg, const char *sig, const unsigned char *dig, int64_t ts)
{
    const struct restore *r = arg;
    replay_remember(sig, dig, ts, r->now, r->window_s);
    return ZB_OK;
}

int replay_mem_restore(long window_s, int64_t now)
{
    if (window_s <= 0)
        return ZB_OK;
    struct restore r = {.now = now, .window_s = window_s};
    size_t loaded = 0;
    int rc = store_tx_run(prune, &r);
    if (rc == ZB_OK)
        rc = replay_log_load(now - window_s, REPLAY_SLOTS, remember, &r, &loaded);
    if (rc) {
        log_error("replay: cannot restore the memory of seen signatures: %s", zb_strerror(rc));
        return ZB_EDB;
    }
    log_info("replay: %zu signatures remembered from storage, %zu expired removed", loaded,
             r.pruned);
    return ZB_OK;
}
