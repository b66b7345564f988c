/*
 * replay_log.h - the durable half of the replay memory (webhook/http/replay.h): the table
 * replay_seen of signatures that do not cover their body, each with the digest of the body it
 * was admitted with and the timestamp it was signed with.
 *
 * An adapter writes a key in the writer job of the event it admitted (router_opts.prepare), so
 * the key is durable exactly when the event is and costs no transaction of its own; each write
 * also removes a few keys that left the window, so the table holds about one window of traffic.
 * At start-up serve prunes what is left (bounded) and loads the keys still inside the window
 * back into RAM before it listens.
 */
#ifndef ZHIBU_REPLAY_LOG_H
#define ZHIBU_REPLAY_LOG_H

#include <stddef.h>
#include <stdint.h>

#include "bot/base/err.h"
#include "bot/store/migrations.h"

#define REPLAY_LOG_SIG_MAX   64     /* longest signature stored */
#define REPLAY_LOG_DIGEST    32     /* SHA-256 */
#define REPLAY_LOG_SWEEP     4      /* expired keys removed by each replay_log_record */
#define REPLAY_LOG_PRUNE_MAX 200000 /* keys replay_log_prune removes at most per call */

/* The table's migrations ("replay"), passed to store_init by bot/app/open.c. */
extern const struct migration_set replay_log_migrations;

/*
 * replay_log_record - remember sig (1..REPLAY_LOG_SIG_MAX chars) with body digest dig, signed
 * at ts, and remove up to REPLAY_LOG_SWEEP keys signed before expired_before. A key already
 * stored is kept as it is (the first body wins, as in RAM). Call inside a transaction (the
 * writer job). ZB_EINVAL for a bad signature, ZB_EDB on failure.
 */
int replay_log_record(const char *sig, const unsigned char dig[REPLAY_LOG_DIGEST], int64_t ts,
                      int64_t expired_before) ZB_MUST_USE;

/*
 * replay_log_load - call fn for each stored key signed at or after since, at most max of them
 * (the newest), oldest first. fn's non-zero code stops the walk and is returned. *n (may be
 * NULL) gets how many were passed. ZB_EDB on failure.
 */
int replay_log_load(int64_t since, size_t max,
                    int (*fn)(void *arg, const char *sig, const unsigned char *dig, int64_t ts),
                    void *arg, size_t *n) ZB_MUST_USE;

/*
 * replay_log_prune - remove keys signed before `before`, at most max (capped at
 * REPLAY_LOG_PRUNE_MAX) of them; *removed (may be NULL) gets how many. Call inside a
 * transaction. ZB_EDB on failure.
 */
int replay_log_prune(int64_t before, size_t max, size_t *removed) ZB_MUST_USE;

#endif
