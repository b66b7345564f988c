/*
 * replay_mem.h - the replay memory across restarts (webhook/http/replay.h,
 * bot/chat/replay_log.h): at start-up, before the server listens, drop the stored keys that left
 * the window (bounded) and load the others back into RAM.
 */
#ifndef ZHIBU_APP_REPLAY_MEM_H
#define ZHIBU_APP_REPLAY_MEM_H

#include <stdint.h>

#include "bot/base/err.h"

/*
 * replay_mem_restore - prune keys signed before now - window_s (at most REPLAY_LOG_PRUNE_MAX; the
 * writes sweep the rest) and remember the newest REPLAY_SLOTS keys inside the window. window_s 0:
 * nothing to do. Needs the store open, before the writer starts. ZB_EDB (logged) on failure.
 */
int replay_mem_restore(long window_s, int64_t now) ZB_MUST_USE;

#endif
