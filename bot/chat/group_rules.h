/*
 * group_rules.h - how zhibu behaves in one group chat: the group_rules table.
 *
 * A group without a row follows the defaults: mode "normal" (answer an @, the configured
 * prefix, a message that is wholly a menu keyword or number, and the answers an open session
 * or group activity expects), the platform's prefix, new members welcomed. The operator
 * changes a group with `zhibu group set` (bot/main.c). Rows are keyed by platform and group id
 * (a OneBot group number or an open-platform group_openid). Writes go inside
 * store_begin/commit.
 */
#ifndef ZHIBU_GROUP_RULES_H
#define ZHIBU_GROUP_RULES_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "bot/base/err.h"
#include "bot/chat/event.h"

enum group_mode {
    GROUP_NORMAL = 0, /* @, prefix, whole-message keyword or menu number, sessions */
    GROUP_MENTION,    /* @ and prefix only (and sessions): for busy groups */
    GROUP_ALL,        /* every message is for zhibu, as in a private chat */
    GROUP_OFF,        /* never speaks (no welcome either); messages are still logged */
    GROUP_MODE_COUNT
};

#define GROUP_PREFIX_MAX 16 /* bytes of a per-group prefix */

struct group_rule {
    enum group_mode mode;              /* see enum group_mode */
    bool has_prefix;                   /* prefix overrides the platform's default */
    char prefix[GROUP_PREFIX_MAX + 1]; /* "" = no prefix addressing in this group */
    bool welcome;                      /* greet members who join */
    int64_t branch_id;                 /* the organisation the group is bound to, 0 = none */
};

/* group_rule_get - the rule of (platform, group), the defaults when there is no row.
 * ZB_EDB on failure (*out then holds the defaults). */
int group_rule_get(const char *platform, const char *group, struct group_rule *out) ZB_MUST_USE;

/*
 * group_rule_set - change (platform, group), creating its row: mode (a group_mode_parse name),
 * prefix ("default" returns to the platform's, "" turns prefix addressing off) and welcome
 * (0 or 1) are changed when not NULL / not -1. ZB_EINVAL for an unknown mode or a prefix
 * longer than GROUP_PREFIX_MAX or containing whitespace.
 */
int group_rule_set(const char *platform, const char *group, const char *mode, const char *prefix,
                   int welcome, int64_t now) ZB_MUST_USE;

/* group_rule_prefix_ok - a usable prefix: at most GROUP_PREFIX_MAX bytes, no whitespace or
 * control bytes ("" is usable: no prefix). */
bool group_rule_prefix_ok(const char *p);

/* group_rule_prefix - the prefix in force under r: the group's own when set, else the
 * platform's default (its config key). Points into r or is platform_default. */
const char *group_rule_prefix(const struct group_rule *r, const char *platform_default);

/*
 * group_rule_bind - tie (platform, group) to the organisation branch_id (0 unties it), creating
 * its row with the default rules when it has none. Call inside a transaction.
 */
int group_rule_bind(const char *platform, const char *group, int64_t branch_id,
                    int64_t now) ZB_MUST_USE;

/* group_rule_branch - the organisation (platform, group) is bound to into *branch_id (0 when
 * none). ZB_EDB on failure (*branch_id then 0). */
int group_rule_branch(const char *platform, const char *group, int64_t *branch_id) ZB_MUST_USE;

/*
 * group_rule_each_bound - call fn(arg, platform, group) for every group bound to root or to an
 * organisation below it, in platform and group order; a non-zero return stops and is returned.
 */
int group_rule_each_bound(int64_t root,
                          int (*fn)(void *arg, const char *platform, const char *group),
                          void *arg) ZB_MUST_USE;

/* group_rule_reset - delete the row: the group follows the defaults. ZB_ENOTFOUND if none. */
int group_rule_reset(const char *platform, const char *group) ZB_MUST_USE;

/* group_rule_print - every row, one line each, for `zhibu group list` (Chinese); a prefix
 * that follows the platform's default is shown as "（配置默认）". */
int group_rule_print(FILE *f) ZB_MUST_USE;

/*
 * group_rule_scope - the router scope of a group message under r: addressed says it carried an
 * @ of zhibu or the prefix. GROUP_OFF records only.
 */
enum event_scope group_rule_scope(const struct group_rule *r, bool addressed);

/* group_mode_name / group_mode_parse - "normal", "mention", "all", "off"; parse gives -1. */
const char *group_mode_name(enum group_mode m);
int group_mode_parse(const char *s);
/* group_mode_doc - what the mode means, in Chinese, for the CLI. */
const char *group_mode_doc(enum group_mode m);

#endif
