/*
 * actor.h - who acts: the one struct every domain function takes.
 *
 * Every surface resolves an actor before calling a capability: the bound member in chat, the
 * token's member in REST, `--as MEMBER` in the CLI, and otherwise the operator (the person at
 * the server's shell). The operator is audited as such ("cli:USER"), is allowed what the
 * operator role allows (role.h), and is never the second person of a two-person rule: a rule
 * that needs "a different member" must see member_id != 0 on both sides (actor_is_member).
 * Scheduler jobs act as the system (ACTOR_SYSTEM), which only capabilities' own jobs use.
 */
#ifndef ZHIBU_ACTOR_H
#define ZHIBU_ACTOR_H

#include <stdbool.h>
#include <stdint.h>

enum actor_kind {
    ACTOR_MEMBER = 0, /* a member of the registry (member_id set) */
    ACTOR_OPERATOR,   /* the CLI without --as: the server's operator */
    ACTOR_SYSTEM,     /* a scheduler job or the server itself */
};

#define ACTOR_LABEL_MAX 80 /* bytes of the audit label, "cli:root" or "member:12" */

struct actor {
    enum actor_kind kind;        /* who this is */
    int64_t member_id;           /* the member, 0 unless kind == ACTOR_MEMBER */
    const char *channel;         /* "cli", "wechat", "onebot", "qqbot", "wxmini", "api", "job" */
    char label[ACTOR_LABEL_MAX]; /* the audit trail's actor: "member:12", "cli:root", "system" */
};

/* actor_member - a member acting through channel (static string). */
struct actor actor_member(int64_t member_id, const char *channel);
/* actor_operator - the CLI's operator; the label names the Unix user ("cli:root"). */
struct actor actor_operator(void);
/* actor_system - the server's own jobs. */
struct actor actor_system(void);

/* actor_is_member - true when a member (not the operator or the system) acts. */
static inline bool actor_is_member(const struct actor *a)
{
    return a->kind == ACTOR_MEMBER && a->member_id > 0;
}

/*
 * actor_same_person - true when a and b are the same member. The operator and the system are
 * never "a different person" for a two-person rule: the function returns true for them (so a
 * rule "approver must not be the author" refuses them as the second person).
 */
bool actor_same_person(const struct actor *a, const struct actor *b);

#endif
