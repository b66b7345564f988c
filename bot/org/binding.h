/*
 * binding.h - tying a platform identity to a member: by one-time code, by hand, and undoing it.
 *
 * A member sends "绑定 123456" with the code the secretary printed (`zhibu member codes`); the
 * code is used up and replaced. Wrong codes are counted per sender identity: after
 * BIND_MAX_FAILURES wrong codes within BIND_WINDOW_S the sender is refused for BIND_LOCK_S,
 * without the code being looked at. The state lives in SQLite (bind_guard), so restarts and
 * several processes share it. Every binding and unbinding writes the audit trail.
 * Call inside store_begin/commit.
 */
#ifndef ZHIBU_BINDING_H
#define ZHIBU_BINDING_H

#include <stdbool.h>
#include <stdint.h>

#include "bot/base/err.h"

#define BIND_MAX_FAILURES 5
#define BIND_WINDOW_S     3600
#define BIND_LOCK_S       3600

/* The sender, as identity.h names it. */
struct bind_who {
    const char *platform; /* wechat | wxmini | onebot | qqbot */
    const char *account;  /* scope of ext_id, "" when global */
    const char *ext_id;   /* openid, QQ number */
};

struct bind_outcome {
    int64_t member_id;    /* bound (ZB_OK) or already bound to (ZB_EDENIED) */
    int failures_left;    /* ZB_ENOTFOUND: wrong codes left before the lock (0: now locked) */
    int64_t locked_until; /* ZB_EBUSY, or ZB_ENOTFOUND with 0 left: refused until then */
};

/*
 * binding_redeem - bind the sender with code (6 digits, spaces ignored) at now; channel names the
 * platform for the audit trail. ZB_OK: bound, the member's code replaced. ZB_ENOTFOUND: no member
 * has the code (counted). ZB_EBUSY: the sender is locked out. ZB_EINVAL: not 6 digits (not
 * counted). ZB_EDENIED: the identity is bound already (out->member_id) - unbind first.
 */
int binding_redeem(const struct bind_who *who, const char *code, const char *channel, int64_t now,
                   struct bind_outcome *out) ZB_MUST_USE;

/*
 * binding_release - unbind the sender. reason is the audit action: "unbind_self" (the member
 * sent 解绑) or "unfollow" (they left the official account). *member_id receives whom it was
 * bound to. ZB_ENOTFOUND when it was not bound.
 */
int binding_release(const struct bind_who *who, const char *reason, const char *channel,
                    int64_t now, int64_t *member_id) ZB_MUST_USE;

/*
 * binding_by_hand - an operator or secretary (actor, see audit.h) binds (member_id > 0) or
 * unbinds (member_id 0) the identity. ZB_EBUSY when it is bound to another member already;
 * ZB_ENOTFOUND when unbinding an identity that is not bound.
 */
int binding_by_hand(const struct bind_who *who, int64_t member_id, const char *actor,
                    const char *channel, int64_t now) ZB_MUST_USE;

/*
 * binding_code_exposed - code was posted where others can read it (a group chat): if a member
 * holds it, it is replaced (the secretary sees the new one in `member codes`) and the audit
 * trail records "code_exposed"; *renewed (may be NULL) says whether one was. The sender is not
 * bound and no failure is counted. ZB_OK also when no member holds it.
 */
int binding_code_exposed(const char *code, const char *channel, int64_t now,
                         bool *renewed) ZB_MUST_USE;

#endif
