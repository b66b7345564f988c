/*
 * session.h - per-conversation state in SQLite: multi-turn sessions and "+ more" pages.
 *
 * A conversation is (platform, user, group); a private chat has no group. A session names the
 * handler that expects the next message and an opaque state string of that handler; pages hold
 * the rest of a reply too long for one message. Both expire. Call inside store_begin/commit.
 */
#ifndef ZHIBU_SESSION_H
#define ZHIBU_SESSION_H

#include <stdint.h>

#include "bot/base/err.h"
#include "bot/chat/event.h"

/*
 * session_get - the unexpired session of ev's conversation at time now. On ZB_OK *handler and
 * *state are copies the caller frees; ZB_ENOTFOUND when none; ZB_EDB on failure.
 */
int session_get(const struct event *ev, int64_t now, char **handler, char **state) ZB_MUST_USE;
int session_set(const struct event *ev, const char *handler, const char *state,
                int64_t expires_at) ZB_MUST_USE;
int session_clear(const struct event *ev) ZB_MUST_USE;

/* pages_take - remove and return (caller frees) the pending rest; ZB_ENOTFOUND when none. */
int pages_take(const struct event *ev, int64_t now, char **rest) ZB_MUST_USE;
int pages_put(const struct event *ev, const char *rest, int64_t expires_at) ZB_MUST_USE;
int pages_clear(const struct event *ev) ZB_MUST_USE;

/* session_sweep - delete sessions and pages expired before now; *n (may be NULL) gets how many
 * rows went. Call inside store_begin/commit. */
int session_sweep(int64_t now, int *n) ZB_MUST_USE;

#endif
