/*
 * outbox.h - messages zhibu sends on its own initiative, queued durably for the sender thread.
 *
 * Anything slow or addressed to someone other than the sender of the current event goes here:
 * broadcasts, reminders, digests, and replies that must be sent through an API (QQ open
 * platform passive replies). outbox_push() only writes a row - call it inside
 * store_begin()/store_commit(), e.g. from a handler - and the sender thread (bot/sender.h)
 * delivers it after the commit. The idempotency key makes queuing idempotent: the same key queued
 * twice is one message.
 *
 * Row life: pending -> sending (claimed by the sender) -> sent | failed | unreachable, or back to
 * pending with a later next_try_at after a transient failure. The functions below the queue API
 * are the sender's and the CLI's; all SQL on the outbox table lives in outbox.c.
 */
#ifndef ZHIBU_OUTBOX_H
#define ZHIBU_OUTBOX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "bot/base/err.h"

#define OUTBOX_TEXT_MAX (16 * 1024) /* longest text accepted by outbox_push, bytes */
#define OUTBOX_DATA_MAX (8 * 1024)  /* longest data_json accepted */

enum outbox_kind { OUTBOX_REPLY = 0, OUTBOX_REMINDER, OUTBOX_BROADCAST, OUTBOX_DIGEST };
#define OUTBOX_KIND_COUNT 4

enum outbox_rcpt {
    RCPT_MEMBER = 0,   /* to: member id in decimal; the channel is chosen from its identities */
    RCPT_WECHAT,       /* to: WeChat openid of the configured official account */
    RCPT_ONEBOT_USER,  /* to: QQ number, private message through OneBot */
    RCPT_ONEBOT_GROUP, /* to: QQ group number through OneBot */
    RCPT_QQBOT_USER,   /* to: open-platform user_openid (C2C) */
    RCPT_QQBOT_GROUP,  /* to: open-platform group_openid */
    RCPT_WXMINI,       /* to: mini-program openid (customer service, or a subscription grant) */
};
#define OUTBOX_RCPT_COUNT 7

struct outbox_msg {
    const char *idem_key;  /* required; e.g. "meeting:42:member:7:24h", "qqbot:reply:MSGID:2" */
    enum outbox_rcpt rcpt; /* recipient kind */
    const char *to;        /* recipient id, see enum outbox_rcpt */
    enum outbox_kind kind; /* what it is (chooses the template on WeChat) */
    const char *text;      /* the text, UTF-8, at most OUTBOX_TEXT_MAX bytes */
    const char *data_json; /* optional template data: a JSON object as WeChat's "data", or NULL */
    const char *reply_to;  /* QQ open platform: msg_id being answered, or NULL */
    int seq;               /* QQ open platform: msg_seq of this reply (1..5); 0 = the next free */
    int64_t not_before;    /* Unix seconds; 0 = as soon as possible */
    int64_t expires_at;    /* Unix seconds after which it is not sent (marked failed); 0 = never */
    const char *topic;     /* notify's message kind ("meeting.reminder") or NULL */
    const char *fields_json; /* notify's fields as a JSON object of strings, or NULL */
    const char *unreachable; /* non-NULL: queued as "unreachable" with this reason (notify) */
};

/*
 * outbox_push - queue m. *id (may be NULL) receives the row id - of the existing row when the
 * key was queued before, which is not an error. ZB_EINVAL for a missing key, recipient or text,
 * a non-numeric member/QQ id or data_json / fields_json that is not a JSON object; ZB_ETOOBIG
 * past the caps.
 * Call inside store_begin()/store_commit(); then outbox_kick_pushed() after the commit.
 */
int outbox_push(const struct outbox_msg *m, int64_t *id) ZB_MUST_USE;

/* outbox_kick - wake the sender thread now (after the caller's commit); cheap, never blocks. */
void outbox_kick(void);
/* outbox_kick_pushed - outbox_kick() if this thread pushed a row since its last call. */
void outbox_kick_pushed(void);
/* outbox_set_waker - fn(arg) is called by every kick (the sender wakes its curl multi handle);
 * NULL removes it. */
void outbox_set_waker(void (*fn)(void *arg), void *arg);

/*
 * outbox_wait - for the sender: wait up to timeout_ms for a kick newer than *seen (updated).
 * Returns 1 when kicked, 0 on timeout.
 */
int outbox_wait(unsigned *seen, int timeout_ms);

/* outbox_rcpt_name / outbox_kind_name - the names stored in the table; NULL when out of range. */
const char *outbox_rcpt_name(enum outbox_rcpt r);
const char *outbox_kind_name(enum outbox_kind k);
/* outbox_rcpt_parse / outbox_kind_parse - the reverse; -1 when unknown. */
int outbox_rcpt_parse(const char *s);
int outbox_kind_parse(const char *s);

/* ---- the sender's side ---- */

/* A claimed row. Strings are owned by the row; free with outbox_row_free. */
struct outbox_row {
    int64_t id;            /* row id */
    enum outbox_rcpt rcpt; /* recipient kind */
    char *to;              /* recipient id */
    enum outbox_kind kind; /* message kind */
    char *idem_key;        /* the idempotency key (WeChat client_msg_id) */
    char *text;            /* the text */
    char *data_json;       /* template data or NULL */
    char *reply_to;        /* QQ passive reply msg_id or NULL */
    char *topic;           /* notify's message kind or NULL */
    char *fields_json;     /* notify's fields (JSON object of strings) or NULL */
    int seq;               /* msg_seq for reply_to */
    int attempts;          /* attempts including this one */
    int64_t expires_at;    /* 0 = never */
    int64_t created_at;    /* when queued */
    unsigned closed;       /* bit (1 << channel) for every channel that refused the recipient */
};

void outbox_row_free(struct outbox_row *r);

/* outbox_recover - rows left "sending" by a crash go back to pending; *n (may be NULL) gets
 * how many. Call once before the sender starts. */
int outbox_recover(int64_t now, int *n) ZB_MUST_USE;

/*
 * outbox_claim - in one transaction, mark up to max due rows "sending" (attempts + 1) and copy
 * them into rows (*n of them; free each with outbox_row_free). A row is due when it is pending,
 * next_try_at <= now, and no earlier row to the same recipient is still pending or sending: so
 * each recipient has at most one row in flight and gets its rows in queue order.
 */
int outbox_claim(int64_t now, struct outbox_row *rows, size_t max, size_t *n) ZB_MUST_USE;

/*
 * outbox_claim_next - claim the next row to one recipient, if it is due: the oldest row to
 * (rcpt, to) that is pending or sending, when it is pending with next_try_at <= now. Marks it
 * "sending" (attempts + 1) and copies it into *row (free with outbox_row_free); *got says
 * whether a row was claimed. The sender calls it after a row to the same recipient ended, so a
 * recipient's queue is delivered back to back instead of one row per claim. ZB_EDB on failure
 * (nothing claimed).
 */
int outbox_claim_next(int64_t now, enum outbox_rcpt rcpt, const char *to, struct outbox_row *row,
                      bool *got) ZB_MUST_USE;

/* The outcome of one attempt, written by outbox_finish. */
struct outbox_result {
    int64_t id;             /* row id */
    const char *status;     /* "sent", "pending" (retry), "failed" or "unreachable" */
    int64_t next_try_at;    /* for "pending" */
    const char *channel;    /* channel tried or used, or NULL to leave as is */
    const char *target;     /* id the channel addressed, or NULL */
    const char *reply_to;   /* QQ passive reply chosen, or NULL to leave as is */
    int seq;                /* its msg_seq */
    unsigned closed;        /* the row's closed-channel bits after this attempt */
    const char *error_code; /* platform code or our own ("http_500", "timeout"); NULL = none */
    const char *error_text; /* reason, Chinese or the platform's errmsg; NULL = none */
    int uncount;            /* 1: the attempt does not count (shutdown, token refresh) */
    const char *msg_id;     /* "sent": the platform's id of the message, or NULL (none kept) */
};

/* outbox_finish - write n results in one transaction at time now. */
int outbox_finish(const struct outbox_result *res, size_t n, int64_t now) ZB_MUST_USE;

/* outbox_next_due - the earliest next_try_at of a pending row into *at; 0 when none. */
int outbox_next_due(int64_t *at) ZB_MUST_USE;

/* outbox_cs_count - WeChat customer-service messages to openid sent since `since` or in flight. */
int outbox_cs_count(const char *openid, int64_t since, int *n) ZB_MUST_USE;
/* outbox_channel_count - messages to target on channel (a channel_name) sent since `since`. */
int outbox_channel_count(const char *channel, const char *target, int64_t since,
                         int *n) ZB_MUST_USE;
/* outbox_max_seq - the highest msg_seq used or reserved for QQ message reply_to (0 when none). */
int outbox_max_seq(const char *reply_to, int *seq) ZB_MUST_USE;

/*
 * outbox_texts_by_key - call fn(arg, text) for each row whose idempotency key starts with
 * key_prefix, in the order they are delivered (for `zhibu say`, which shows a platform's queued
 * passive replies). Stops at fn's first non-zero result and returns it; ZB_EDB on failure.
 */
int outbox_texts_by_key(const char *key_prefix, int (*fn)(void *arg, const char *text),
                        void *arg) ZB_MUST_USE;

/*
 * outbox_cancel - row id will not be sent: marked failed with error_code "cancelled".
 * outbox_retry - row id is tried again now, from scratch (attempts, closed channels and expiry
 * cleared). Both only for a pending, failed or unreachable row: ZB_EINVAL for one sending or
 * sent, ZB_ENOTFOUND when there is none; *was (size wassz) receives the status before. Call
 * inside a transaction (the caller writes the audit row in it); outbox_kick after the commit.
 */
int outbox_cancel(int64_t id, int64_t now, char *was, size_t wassz) ZB_MUST_USE;
int outbox_retry(int64_t id, int64_t now, char *was, size_t wassz) ZB_MUST_USE;

/* outbox_count - rows with status (NULL = all) into *n. */
int outbox_count(const char *status, long long *n) ZB_MUST_USE;

/* outbox_sweep - delete sent rows sent before `before`; failed and unreachable rows stay for
 * the secretaries. *n (may be NULL) gets how many. Call inside store_begin/commit. */
int outbox_sweep(int64_t before, int *n) ZB_MUST_USE;

/*
 * outbox_print - the newest `limit` rows with status (NULL = any), newest first, for
 * `zhibu outbox`: id, status, times in the local zone, recipient, kind, channel, attempts,
 * error code and text, and the start of the text. Labels are Chinese. A row addressed to a
 * member shows the member's name and branch; an unreachable one also the phone (the list to
 * phone), masked unless unmask.
 */
int outbox_print(FILE *f, const char *status, int limit, bool unmask) ZB_MUST_USE;

#endif
