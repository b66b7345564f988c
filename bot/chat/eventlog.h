/*
 * eventlog.h - the events table: every inbound event with the reply sent for it.
 *
 * msg_key is unique: a redelivered event finds its stored reply here (when sender and content
 * match too; a different message under a reused id is stored under a suffixed key). Call inside
 * store_begin/commit so the event and its reply are written together.
 */
#ifndef ZHIBU_EVENTLOG_H
#define ZHIBU_EVENTLOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "bot/base/err.h"
#include "bot/chat/event.h"
#include "bot/chat/reply.h"

/* The longest key eventlog_find hands back: an adapter's msg_key plus a collision suffix. */
#define EVENTLOG_KEY_MAX 1100

/*
 * eventlog_find - is ev a redelivery of a logged event? A platform's message id is not proof:
 * OneBot ids are 32-bit and reused, so a duplicate must also match the logged event's platform,
 * account, sender, group, kind and text. ZB_OK: a duplicate, its stored reply in *out (caller
 * frees with reply_free). ZB_ENOTFOUND: a new event, to be logged under the key written to
 * key (size keysz, at least EVENTLOG_KEY_MAX): ev->msg_key itself, or - when other events hold
 * it - ev->msg_key "~N" with the next free N, and *collision set. ZB_EDB on failure.
 */
int eventlog_find(const struct event *ev, struct reply *out, char *key, size_t keysz,
                  bool *collision) ZB_MUST_USE;

/* eventlog_insert - log ev, the handler that answered (NULL: none), its reply and the time. */
int eventlog_insert(const struct event *ev, int64_t received_at, const char *handler,
                    const struct reply *r, int64_t handling_us) ZB_MUST_USE;

/* Where eventlog_last looks. */
enum eventlog_scope {
    EL_PRIVATE = 0,    /* messages of user in a private chat */
    EL_GROUP,          /* messages of anyone in group `who` */
    EL_USER_IN_GROUPS, /* messages of user in any group */
};

/* The newest matching message event. */
struct eventlog_last {
    int64_t at;        /* received_at */
    char msg_key[160]; /* its msg_key (the platform's message id where the adapter says so) */
    char group[160];   /* its group_id, "" in a private chat */
};

/*
 * eventlog_last - the newest message event (text, voice, image, location, link, media - not
 * follows, clicks or reports) on platform received at or after since, from user `who` or in
 * group `who` as scope says. ZB_ENOTFOUND when none, ZB_EDB on failure.
 */
int eventlog_last(const char *platform, enum eventlog_scope scope, const char *who, int64_t since,
                  struct eventlog_last *out) ZB_MUST_USE;

/* eventlog_received_at - when the event with msg_key arrived; ZB_ENOTFOUND when unknown. */
int eventlog_received_at(const char *msg_key, int64_t *at) ZB_MUST_USE;

/* eventlog_print - the newest `limit` events, oldest first, one per line, for `zhibu events`. */
int eventlog_print(FILE *f, int limit, const char *timezone) ZB_MUST_USE;

#endif
