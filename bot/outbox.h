/*
 * outbox.h - messages zhibu sends on its own initiative, queued durably for the sender thread.
 *
 * Anything slow or addressed to someone other than the sender of the current event goes here:
 * broadcasts, reminders, digests, and replies that must be sent through an API (QQ open
 * platform passive replies). outbox_push() only writes a row - call it inside
 * store_begin()/store_commit(), e.g. from a handler - and the sender thread delivers it after
 * the commit. The idempotency key makes queuing idempotent: the same key queued twice is one
 * message.
 */
#ifndef ZHIBU_OUTBOX_H
#define ZHIBU_OUTBOX_H

#include <stdint.h>

#include "bot/err.h"

enum outbox_kind { OUTBOX_REPLY = 0, OUTBOX_REMINDER, OUTBOX_BROADCAST, OUTBOX_DIGEST };

enum outbox_rcpt {
    RCPT_MEMBER = 0,   /* to: member id in decimal; the channel is chosen from its identities */
    RCPT_WECHAT,       /* to: WeChat openid of the configured official account */
    RCPT_ONEBOT_USER,  /* to: QQ number, private message through OneBot */
    RCPT_ONEBOT_GROUP, /* to: QQ group number through OneBot */
    RCPT_QQBOT_USER,   /* to: open-platform user_openid (C2C) */
    RCPT_QQBOT_GROUP,  /* to: open-platform group_openid */
};

struct outbox_msg {
    const char *idem_key;  /* required; e.g. "meeting:42:member:7:24h", "qqbot:reply:MSGID:2" */
    enum outbox_rcpt rcpt; /* recipient kind */
    const char *to;        /* recipient id, see enum outbox_rcpt */
    enum outbox_kind kind; /* what it is (chooses the template on WeChat) */
    const char *text;      /* the text, UTF-8 */
    const char *data_json; /* optional structured data (template fields), or NULL */
    const char *reply_to;  /* QQ open platform: msg_id (or event_id) being answered, or NULL */
    int seq;               /* QQ open platform: msg_seq of this reply to reply_to (1, 2, ...) */
    int64_t not_before;    /* Unix seconds; 0 = as soon as possible */
    int64_t expires_at;    /* Unix seconds after which it is not sent (marked failed); 0 = never */
};

/*
 * outbox_push - queue m. *id (may be NULL) receives the row id - of the existing row when the
 * key was queued before, which is not an error. ZB_EINVAL for a missing key, recipient or text.
 */
int outbox_push(const struct outbox_msg *m, int64_t *id) ZB_MUST_USE;

/* outbox_kick - wake the sender thread now (after the caller's commit); cheap, never blocks. */
void outbox_kick(void);

/*
 * outbox_wait - for the sender: wait up to timeout_ms for a kick newer than *seen (updated).
 * Returns 1 when kicked, 0 on timeout.
 */
int outbox_wait(unsigned *seen, int timeout_ms);

/* outbox_rcpt_name / outbox_kind_name - the names stored in the table; NULL when out of range. */
const char *outbox_rcpt_name(enum outbox_rcpt r);
const char *outbox_kind_name(enum outbox_kind k);

#endif
