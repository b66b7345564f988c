/*
 * serve.h - `zhibu serve`: the composition of the running server. Each platform of the platform
 * table (bot/chat/platform.h) gets its adapter (a webhook route and its start-up check) and its
 * send client from webhook/ here, in one table, so that adding a platform is one row.
 */
#ifndef ZHIBU_SERVE_H
#define ZHIBU_SERVE_H

#include "bot/app/config.h"

/*
 * serve_run - open the store, start the writer, the HTTP edge, the sender and the scheduler, and
 * serve until SIGINT or SIGTERM; then stop in order. Returns the exit status (0 after a signal,
 * 1 when something could not start, said on stderr in Chinese).
 */
int serve_run(const struct config *cfg);

/* serve_group_prefix - the configured default group prefix of the platform named platform
 * (onebot.group_prefix, qqbot.group_prefix), "" for a platform without groups. */
const char *serve_group_prefix(const struct config *cfg, const char *platform);

#endif
