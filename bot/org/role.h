/*
 * role.h - Party roles and what they may do, where.
 *
 * A member holds any set of roles (书记 secretary, 副书记 deputy, 组织委员 organizer, 宣传委员
 * publicity, 纪检委员 discipline, 党小组长 group_leader; 党员 is the empty set). A role acts in
 * the subtree of the member's own organisation: a 支部 secretary on that 支部 and its 党小组, a
 * 党委 secretary on every node below the 党委. A group leader acts on their own 党小组 only.
 * Roles come from the member registry, never from a chat platform: a QQ group owner or admin
 * is not a Party role.
 *
 * Every privileged command calls role_can() before acting and, when refused, answers with the
 * refusal text it gives.
 */
#ifndef ZHIBU_ROLE_H
#define ZHIBU_ROLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bot/base/err.h"

enum role {
    ROLE_SECRETARY = 1u << 0,    /* 书记 */
    ROLE_DEPUTY = 1u << 1,       /* 副书记 */
    ROLE_ORGANIZER = 1u << 2,    /* 组织委员 */
    ROLE_PUBLICITY = 1u << 3,    /* 宣传委员 */
    ROLE_DISCIPLINE = 1u << 4,   /* 纪检委员 */
    ROLE_GROUP_LEADER = 1u << 5, /* 党小组长 */
};
#define ROLE_ALL 0x3Fu
/* The posts of a committee (支委会): elected, so not open to probationary members. */
#define ROLE_ELECTED                                                                               \
    (ROLE_SECRETARY | ROLE_DEPUTY | ROLE_ORGANIZER | ROLE_PUBLICITY | ROLE_DISCIPLINE)
#define ROLE_TEXT_MAX 96 /* bytes of the longest role list, ids or Chinese */

/* What a privileged command does; role_can() knows who may. */
enum role_action {
    ACT_VIEW_MEMBERS = 0, /* see members' records (masked) */
    ACT_EDIT_MEMBERS,     /* change records, bind identities by hand, import */
    ACT_SET_ROLES,        /* give or take a role */
    ACT_BROADCAST,        /* send a notice to members */
    ACT_DUES,             /* record dues */
    ACT_MEETINGS,         /* schedule meetings, record attendance */
    ACT_CONTENT,          /* approve study content */
    ACT_COUNT
};

/*
 * role_parse - a list of roles separated by 、 ; ； , ， / or spaces, each in Chinese (书记,
 * 副书记, 组织委员, 宣传委员, 纪检委员, 党小组长 or 小组长, 党员) or as its id (secretary, ...,
 * member). *mask receives the set (党员/member adds nothing). ZB_EINVAL for an unknown word,
 * copied into bad (size badsz) when bad is not NULL.
 */
int role_parse(const char *text, unsigned *mask, char *bad, size_t badsz) ZB_MUST_USE;

/* role_ids - the set as stored: "secretary,organizer" ("" for none), into out. */
void role_ids(unsigned mask, char *out, size_t outsz);
/* role_names - the set in Chinese, "书记、组织委员" ("党员" for none), into out. */
void role_names(unsigned mask, char *out, size_t outsz);

/*
 * role_can - may the member (id actor_id) do `action` on the organisation target_branch (0: the
 * actor's own)? ZB_OK when allowed; ZB_EDENIED with *refusal set to a short Chinese sentence
 * (static storage) when not; ZB_ENOTFOUND when there is no such member; ZB_EDB on failure.
 */
int role_can(int64_t actor_id, enum role_action action, int64_t target_branch,
             const char **refusal) ZB_MUST_USE;

/*
 * role_scope - the root of the subtree in which the member may do action: their 党小组 when only
 * a group leader's role allows it, else their organisation. Results as role_can.
 */
int role_scope(int64_t actor_id, enum role_action action, int64_t *root,
               const char **refusal) ZB_MUST_USE;

/* role_allowed - the roles that may do action (for help texts and tests). */
unsigned role_allowed(enum role_action action);

#endif
