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
 * Actions are registered by capabilities, not named here: each capability declares its own
 * `struct role_action`s in its domain header (handlers/members/members.h: view members, edit
 * members, set roles, ...) and names them in its chat handler, CLI command and API route
 * descriptors. The dispatchers (router, CLI, REST) call role_can() before running the command and,
 * when refused, answer with the refusal text it gives; a command that acts on a given
 * organisation calls role_can() itself with that organisation.
 */
#ifndef ZHIBU_ROLE_H
#define ZHIBU_ROLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bot/base/err.h"
#include "bot/org/actor.h"

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

/*
 * role_action - one privileged action, declared by the capability that owns it. A member may do
 * it when one of their roles is in `roles` (0: any member, no role needed), within the subtree of
 * their organisation - or of their 党小组 when only the group leader's role allows it. The
 * operator (the CLI without --as) and the server's own jobs may do it when operator_ok is set.
 */
struct role_action {
    const char *id;      /* stable id, "members.view"; in logs and help texts */
    unsigned roles;      /* enum role bits that may do it; 0 = any member */
    bool operator_ok;    /* the operator (and the system) may do it */
    const char *refusal; /* what a member whose roles do not allow it is told (Chinese) */
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
 * role_can - may actor do act on the organisation target_org (0: no particular one)? NULL act:
 * anyone may. ZB_OK when allowed; ZB_EDENIED with *refusal set to a short Chinese sentence
 * (static storage) when not; ZB_ENOTFOUND when the acting member does not exist; ZB_EDB on
 * failure. The operator and the system are allowed everywhere when act->operator_ok, refused
 * otherwise.
 */
int role_can(const struct actor *actor, const struct role_action *act, int64_t target_org,
             const char **refusal) ZB_MUST_USE;

/*
 * role_scope - the root of the subtree in which actor may do act: a member's 党小组 when only a
 * group leader's role allows it, else their organisation; 0 (the whole tree) for the operator and
 * the system. Results as role_can.
 */
int role_scope(const struct actor *actor, const struct role_action *act, int64_t *root,
               const char **refusal) ZB_MUST_USE;

#endif
