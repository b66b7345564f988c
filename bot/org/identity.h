/*
 * identity.h - platform identities and the member each belongs to.
 *
 * An identity is (platform, account, ext_id): a WeChat openid is scoped to one official
 * account, a QQ number is global (account ""), open-platform openids are scoped to the bot's
 * app id. Every inbound event touches its sender's identity (identity_touch); binding ties it
 * to a member. Call inside store_begin/commit when writing.
 */
#ifndef ZHIBU_IDENTITY_H
#define ZHIBU_IDENTITY_H

#include <stddef.h>
#include <stdint.h>

#include "bot/base/err.h"

struct identity {
    int64_t id;        /* row id */
    char platform[16]; /* wechat | wxmini | onebot | qqbot */
    char account[96];  /* scope of ext_id, "" when global */
    char ext_id[128];  /* openid, QQ number, ... */
    int64_t member_id; /* 0 when unbound */
    int64_t last_seen; /* Unix seconds of the last inbound event */
};

/*
 * identity_touch - record that (platform, account, ext_id) was seen at now (to the minute),
 * creating it if new.
 * *member_id (may be NULL) receives the bound member or 0. ZB_EDB on failure.
 */
int identity_touch(const char *platform, const char *account, const char *ext_id, int64_t now,
                   int64_t *member_id) ZB_MUST_USE;

/* identity_bind - tie the identity (created if needed) to member_id; member_id 0 unbinds.
 * ZB_EBUSY when it is bound to another member already (unbind first). */
int identity_bind(const char *platform, const char *account, const char *ext_id, int64_t member_id,
                  int64_t now) ZB_MUST_USE;

/* identity_list - up to max identities of member_id into out, most recently seen first;
 * *n receives the count. */
int identity_list(int64_t member_id, struct identity *out, size_t max, size_t *n) ZB_MUST_USE;

/* identity_lookup - the identities (platform, *, ext_id) in any account, up to max, into out;
 * *n receives the count. */
int identity_lookup(const char *platform, const char *ext_id, struct identity *out, size_t max,
                    size_t *n) ZB_MUST_USE;

/* identity_accounts - how many distinct accounts identities of platform were seen on (counting
 * stops at 2), and the first of them into out (size outsz). */
int identity_accounts(const char *platform, char *out, size_t outsz, int *count) ZB_MUST_USE;

/* identity_owner - the member (platform, account, ext_id) is bound to into *member_id (0: none,
 * or no such identity). */
int identity_owner(const char *platform, const char *account, const char *ext_id,
                   int64_t *member_id) ZB_MUST_USE;

#endif
