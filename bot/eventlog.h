/*
 * eventlog.h - the events table: every inbound event with the reply sent for it.
 *
 * msg_key is unique: a redelivered event finds its stored reply here. Call inside
 * store_begin/commit so the event and its reply are written together.
 */
#ifndef ZHIBU_EVENTLOG_H
#define ZHIBU_EVENTLOG_H

#include <stdint.h>
#include <stdio.h>

#include "bot/err.h"
#include "bot/event.h"
#include "bot/reply.h"

/* eventlog_find - the reply stored for msg_key into *out (caller frees with reply_free).
 * ZB_ENOTFOUND when the key is new, ZB_EDB on failure. */
int eventlog_find(const char *msg_key, struct reply *out) ZB_MUST_USE;

/* eventlog_insert - log ev, the handler that answered (NULL: none), its reply and the time. */
int eventlog_insert(const struct event *ev, int64_t received_at, const char *handler,
                    const struct reply *r, int64_t handling_us) ZB_MUST_USE;

/* eventlog_print - the newest `limit` events, oldest first, one per line, for `zhibu events`. */
int eventlog_print(FILE *f, int limit, const char *timezone) ZB_MUST_USE;

#endif
