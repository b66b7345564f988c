/*
 * notify.h - the one way a capability tells a member something on its own initiative.
 *
 * A capability never writes an outbox row for a member itself: it calls notify_send() with the
 * member, its message kind ("meeting.reminder": the capability before the first dot), an
 * urgency, an idempotency key ("meeting:42:member:7:24h") and structured fields. notify applies
 * the reach policy of DESIGN.md ("Reach: pull first, one digest, few pushes"):
 *
 *   urgent   queued in the outbox now, through the member's best channel (as `push --member`).
 *   routine  recorded in the member's fold queue (the notify_items table, owned here). The first
 *            routine item of a capability on a local calendar day (config `timezone`) goes out
 *            at once; later ones that day stay folded. Folded items are released with the next
 *            routine item of the same capability on a later day: that message carries its own
 *            fields and, in its text, one line per earlier folded item. The daily digest (study
 *            issue) will read the fold queue with notify_folded() and render it instead.
 *   quotas   the sender chooses the channel when it sends (channel.h: WeChat's customer-service
 *            window and count, then a template or subscription message configured for the kind,
 *            QQ's passive-reply windows). When notify_configure() gave the channel rules, notify
 *            asks the same question at queue time: a member nothing can reach gets an outbox row
 *            in status "unreachable" at once, naming the member and why, so the secretary's
 *            phone list (`zhibu outbox --status unreachable`) shows it.
 *
 * Calling twice with the same key records and queues once. All writes run inside the caller's
 * transaction (store_begin()/store_commit() on the writer thread, or the CLI's own): notify never
 * begins or commits. The transaction assertion (store_in_tx) comes with the store's transaction
 * contract; until the store offers it, the contract is this comment.
 */
#ifndef ZHIBU_NOTIFY_H
#define ZHIBU_NOTIFY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bot/base/err.h"

#define NOTIFY_KIND_MAX   64         /* bytes of a kind, e.g. "meeting.reminder" */
#define NOTIFY_KEY_MAX    200        /* bytes of an idempotency key */
#define NOTIFY_FIELD_MAX  512        /* bytes of one field other than text */
#define NOTIFY_TEXT_MAX   (4 * 1024) /* bytes of the plain text body */
#define NOTIFY_FOLD_LINES 10         /* folded items listed in a released message, at most */

enum notify_urgency { NOTIFY_ROUTINE = 0, NOTIFY_URGENT };

/* The fields of a notification; each is UTF-8 or NULL / "" when absent. */
enum notify_field { NF_TITLE = 0, NF_TIME, NF_PLACE, NF_STATUS, NF_LINK, NF_TEXT, NF_COUNT };

struct notify_fields {
    const char *title;  /* what it is about, short: "支部党员大会" */
    const char *time;   /* when, as a member reads it: "12月1日 14:30" */
    const char *place;  /* where: "三楼会议室" */
    const char *status; /* state of the thing: "待参加", "已退回" */
    const char *link;   /* a signed H5 page, or NULL */
    const char *text;   /* required: the plain text body, what chat channels send */
};

/* What notify_send did. */
enum notify_outcome {
    NOTIFY_QUEUED = 0,  /* an outbox row was queued now */
    NOTIFY_FOLDED,      /* kept in the fold queue (a routine item after the day's first) */
    NOTIFY_DUPLICATE,   /* the key was seen before; nothing new was written */
    NOTIFY_UNREACHABLE, /* nothing can reach the member: an "unreachable" outbox row lists it */
};

struct notify_result {
    enum notify_outcome outcome; /* see above */
    int64_t outbox_id;           /* the outbox row (queued, unreachable, or the duplicate's), 0 */
    int released;                /* folded items released with this message */
};

struct channel_rules;

/* notify_field_name - "title", "time", "place", "status", "link", "text"; NULL out of range. */
const char *notify_field_name(enum notify_field f);
/* notify_field_parse - the reverse; -1 when unknown. */
int notify_field_parse(const char *name);

/*
 * notify_configure - the channel rules used to tell at queue time whether a member can be
 * reached (the sender's own rules; the pointer is kept, not copied). NULL: no check at queue
 * time, the sender decides when it sends. Call once at start-up, before any notify_send.
 */
void notify_configure(const struct channel_rules *rules);

/*
 * notify_send - tell member_id about something (see the policy above). kind: "cap.what",
 * [a-z0-9_.] only; key: the idempotency key; f->text required. *out (may be NULL) says what
 * happened. ZB_EINVAL for a bad kind, key or missing text; ZB_ETOOBIG past the caps;
 * ZB_ENOTFOUND when no such member; ZB_EDB. Call inside the caller's transaction; after its
 * commit, outbox_kick_pushed() wakes the sender.
 */
int notify_send(int64_t member_id, const char *kind, enum notify_urgency urgency, const char *key,
                const struct notify_fields *f, struct notify_result *out) ZB_MUST_USE;

/* notify_gave_up - *yes when the message queued under key was given up by the sender (its
 * outbox row failed or found no channel: unfollowed, every channel refused, attempts used up);
 * false while it is pending, sent or folded, or when key is unknown. ZB_EDB. */
int notify_gave_up(const char *key, bool *yes) ZB_MUST_USE;

/* A folded item, as notify_folded gives it; strings valid during the callback only. */
struct notify_item {
    int64_t id;         /* row id */
    const char *kind;   /* "meeting.reminder" */
    const char *key;    /* its idempotency key */
    const char *title;  /* "" when none */
    const char *text;   /* the body */
    const char *day;    /* local day it was folded, YYYY-MM-DD */
    int64_t created_at; /* Unix seconds */
};

/*
 * notify_folded - member_id's folded items, oldest first, at most max of them: fn(item, arg)
 * for each; a non-zero return from fn stops and is returned. For the daily digest and tests.
 */
int notify_folded(int64_t member_id, size_t max, int (*fn)(const struct notify_item *it, void *arg),
                  void *arg) ZB_MUST_USE;

/*
 * notify_release_folded - mark member_id's folded items with row id up to upto_id released: they
 * went out inside the message of outbox row outbox_id (the daily digest, which listed them with
 * notify_folded). *n (may be NULL) gets how many. ZB_OK, ZB_EINVAL for an id <= 0, ZB_EDB. Call
 * inside the transaction that queued that message.
 */
int notify_release_folded(int64_t member_id, int64_t upto_id, int64_t outbox_id,
                          int *n) ZB_MUST_USE;

#endif
