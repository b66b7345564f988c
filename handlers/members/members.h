/*
 * members.h - the members capability's domain API: who may see and change the registry, and
 * the operations every face (chat, CLI, later REST) calls.
 *
 * Each operation takes the acting `struct actor`, checks its role through role_can (against the
 * organisation it touches), validates, writes, writes the audit row (actor->label, actor->channel)
 * and returns a code from err.h: ZB_EDENIED with why->refusal; ZB_EINVAL with why->detail when a
 * value is wrong (the registry's own description of it); ZB_ENOTFOUND when the member is not
 * there; ZB_EBUSY with why->other when a phone or an identity belongs to another member. Writes
 * run inside the caller's transaction. Lists come back as rows through a callback.
 */
#ifndef ZHIBU_MEMBERS_H
#define ZHIBU_MEMBERS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bot/base/err.h"
#include "bot/org/actor.h"
#include "bot/org/audit.h"
#include "bot/org/binding.h"
#include "bot/org/branch.h"
#include "bot/org/identity.h"
#include "bot/org/member.h"
#include "bot/org/role.h"

#define MEMBERS_PAGE_MAX 200 /* members in one page of members_browse */

#define MEMBERS_WHY_MAX        256 /* bytes of why->detail */
#define MEMBERS_IDENTITIES_MAX 16  /* identities shown per member */

/* The members capability's actions (role.h): who may, with the refusal a member reads. */
extern const struct role_action members_view;      /* see records (masked), the roster */
extern const struct role_action members_edit;      /* change records, codes, bind, import */
extern const struct role_action members_set_roles; /* give or take a role */
extern const struct role_action members_unmask;    /* see a full phone number (audited) */
extern const struct role_action members_audit;     /* read the audit trail */

struct members_why {
    const char *refusal;          /* ZB_EDENIED: what role_can said (static) */
    char detail[MEMBERS_WHY_MAX]; /* ZB_EINVAL: what is wrong with the value */
    int64_t other;                /* ZB_EBUSY: the member already holding it */
    bool forceable;               /* ZB_EINVAL: MEMBERS_FORCE would let it through */
};

/* A row of a member listing: the record and, for members_codes, the binding code. */
struct members_row {
    const struct member *m; /* the record (borrowed for the call) */
    const char *code;       /* members_codes: the one-time code; else NULL */
};
typedef int (*members_row_fn)(const struct members_row *r, void *arg);

/*
 * members_scope - the organisation a listing covers: branch (a path or unique name, NULL for the
 * actor's whole scope) checked with role_can for act. *root 0 means every member (the operator).
 */
int members_scope(const struct actor *a, const struct role_action *act, const char *branch,
                  int64_t *root, struct members_why *why) ZB_MUST_USE;

/* members_list - every member in root (members_scope with members_view) to fn, by id. */
int members_list(const struct actor *a, const char *branch, members_row_fn fn, void *arg,
                 struct members_why *why) ZB_MUST_USE;

/* members_codes - like members_list, with each member's binding code (issued when missing);
 * audited as "codes" with the count. Writes: call inside a transaction. */
int members_codes(const struct actor *a, const char *branch, members_row_fn fn, void *arg,
                  struct members_why *why) ZB_MUST_USE;

/* members_roster - the chat roster: the actor's own scope (members_view), to fn; *root the
 * organisation listed; audited as "view_members" with the count. */
int members_roster(const struct actor *a, members_row_fn fn, void *arg, int64_t *root,
                   struct members_why *why) ZB_MUST_USE;

/* members_browse - one page of members_list for a face that shows the list to a person (the
 * API): the same scope, the members with id > after_id, at most limit (1..MEMBERS_PAGE_MAX, else
 * MEMBERS_PAGE_MAX) of them; *n gets how many; audited as "view_members" with the count.
 * Writes: call inside a transaction. */
int members_browse(const struct actor *a, const char *branch, int64_t after_id, long limit,
                   members_row_fn fn, void *arg, int *n, struct members_why *why) ZB_MUST_USE;

#define MEMBERS_AUDIT_SCAN 2000 /* newest audit rows looked at by members_audit_rows */

/*
 * members_audit_rows - the audit rows about the organisations in the actor's scope for
 * members_audit (the operator: every row), newest first, at most limit, to fn: a row whose
 * target or actor is a member of the scope, or whose target is one of its organisations. Looks
 * at the newest MEMBERS_AUDIT_SCAN rows.
 */
int members_audit_rows(const struct actor *a, int limit,
                       int (*fn)(const struct audit_row *r, void *arg), void *arg,
                       struct members_why *why) ZB_MUST_USE;

/* A member's card for `member show`. */
struct members_card {
    struct member m;                             /* the record */
    struct identity ids[MEMBERS_IDENTITIES_MAX]; /* bound identities */
    size_t n_ids;                                /* how many */
};

/* members_show - member id into *out (members_view on their organisation); with unmask,
 * members_unmask too, and the unmasking is audited. */
int members_show(const struct actor *a, int64_t id, bool unmask, struct members_card *out,
                 struct members_why *why) ZB_MUST_USE;

/* The outcome of members_set. */
struct members_change {
    char name[MEMBER_NAME_MAX + 1];                          /* the member */
    enum member_field field;                                 /* what changed */
    char detail[2 * MEMBER_SHOW_MAX + MEMBER_NAME_MAX + 64]; /* "姓名：字段 旧 → 新；..." */
    int changed; /* fields that changed (0: nothing written; detail is the current value) */
};

#define MEMBERS_FORCE 1u /* members_set: let a second 书记 into a branch (audited as forced) */

/*
 * members_set - one field (its Chinese label or id, see member_field_lookup) of member id to
 * value ("" empties it). 职务 needs members_set_roles, others members_edit, on the member's
 * organisation and, for 支部/党小组, on the new one too. An unknown field is ZB_EINVAL
 * with detail naming it; so are a 入党日期 or 预备期开始 after today and a second 书记 in a
 * branch (why->forceable, why->other the first; flags MEMBERS_FORCE lets it through). out->detail
 * lists every field that changed (a move to another 党小组 shows as 党小组); when nothing
 * changed (out->changed 0) nothing is written or audited. Audited as "role" or "set". Call
 * inside a transaction.
 */
int members_set(const struct actor *a, int64_t id, const char *field, const char *value,
                unsigned flags, struct members_change *out, struct members_why *why) ZB_MUST_USE;

/* One field given to members_add: its Chinese label or id (member_field_lookup) and value. */
struct members_value {
    const char *field; /* 手机号, phone, ... */
    const char *value; /* its text */
};

/*
 * members_add - a new member from name and the fields in vals[0..n) (the same parsing and
 * rules as members_set: a 支部/党小组 must exist and lie in the actor's reach for members_edit,
 * 职务 needs members_set_roles, no date after today, one 书记 per branch unless MEMBERS_FORCE).
 * ZB_EINVAL with why->detail; ZB_EBUSY (why->other) when the phone is someone else's. *out
 * receives the record with its id. Audited as "add". Call inside a transaction.
 */
int members_add(const struct actor *a, const char *name, const struct members_value *vals, size_t n,
                unsigned flags, struct member *out, struct members_why *why) ZB_MUST_USE;

/*
 * members_remove - take member id off the registry (members_edit on their organisation): the
 * record stays for the history with the date and reason (may be NULL), the identities are
 * unbound and the binding code dropped; lists, binding and statistics leave them out from now
 * on. ZB_EINVAL (why->detail) when already removed. *out receives the record before. Audited as
 * "remove". Call inside a transaction.
 */
int members_remove(const struct actor *a, int64_t id, const char *reason, struct member *out,
                   struct members_why *why) ZB_MUST_USE;

/* members_code_renew - give member id a fresh binding code (members_edit), the old one stops
 * working; the new one into code (size > MEMBER_CODE_LEN), the record into *out. ZB_EINVAL for
 * a removed member. Audited as "code_renew". Call inside a transaction. */
int members_code_renew(const struct actor *a, int64_t id, char *code, size_t codesz,
                       struct member *out, struct members_why *why) ZB_MUST_USE;

/* members_branch_rename - give the organisation path names the name name (branch_rename's
 * rules), members_edit on it; old_path/new_path (size BRANCH_PATH_MAX + 1) receive its path
 * before and after. Audited as "branch_rename". Call inside a transaction. */
int members_branch_rename(const struct actor *a, const char *path, const char *name, char *old_path,
                          char *new_path, struct members_why *why) ZB_MUST_USE;

/* Who a hand binding names: one platform, its id, and its account when known. */
struct members_who {
    const char *platform;        /* wechat | onebot | qqbot */
    const char *ext_id;          /* openid or QQ number */
    const char *account;         /* the account given (--account), or NULL */
    const char *default_account; /* the account to assume for qqbot (its app id), or NULL */
};

/*
 * members_bind - bind (bind true) or unbind the identity to member id by hand (members_edit on
 * their organisation). The account: the one the identity was seen with, else who->account, else
 * the one account seen on the platform, else "" for QQ numbers and default_account for the QQ
 * bot; ZB_EINVAL with detail when it cannot be told (several, or an unknown WeChat account).
 * ZB_EBUSY (why->other) when bound to another member; ZB_ENOTFOUND when unbinding an identity not
 * bound to this member. *m_out receives the member. Call inside a transaction.
 */
int members_bind(const struct actor *a, int64_t id, const struct members_who *who, bool bind,
                 struct member *m_out, struct members_why *why) ZB_MUST_USE;

/* members_branch_add - create path (and its missing ancestors): members_edit, and for a member
 * the new node must lie in their scope. *id the node, *made how many were created; audited as
 * "branch_add" when any was. Call inside a transaction. */
int members_branch_add(const struct actor *a, const char *path, int64_t *id, int *made,
                       struct members_why *why) ZB_MUST_USE;

/* members_branch_kind - set the kind and the external flag of the organisation path names
 * (branch_set_kind), members_edit on it; audited as "branch_kind". kind < 0 keeps it, read from
 * the name. Call inside a transaction. */
int members_branch_kind(const struct actor *a, const char *path, int kind, bool external,
                        struct members_why *why) ZB_MUST_USE;

/* members_branch_move - re-parent the organisation path names under parent ("" makes it a root;
 * branch_move's rules), members_edit on both; old_path/new_path (size BRANCH_PATH_MAX + 1)
 * receive its path before and after. Audited as "branch_move". Call inside a transaction. */
int members_branch_move(const struct actor *a, const char *path, const char *parent, char *old_path,
                        char *new_path, struct members_why *why) ZB_MUST_USE;

/* One organisation of the tree, with its counts (members_tree). */
struct members_node {
    const struct branch *b;       /* the node */
    const struct branch_tally *t; /* its counts */
    int probationary;             /* of its own members */
    int depth;                    /* 0 for a root */
    bool sized; /* the size rules speak about it (branch_warnings): a 支部 or 党小组, or an upper
                   level with members registered at it; a 党委/总支 that only holds the branches
                   imported below it is counted, not judged (its other units are not in zhibu) */
};

/* members_tree - the organisation tree depth first (members_view; the operator sees all, a
 * member their scope) to fn. */
int members_tree(const struct actor *a, int (*fn)(const struct members_node *n, void *arg),
                 void *arg, struct members_why *why) ZB_MUST_USE;

#endif
