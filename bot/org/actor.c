/* actor.c - constructors for struct actor (actor.h). */
#include "bot/org/actor.h"

#include <stdio.h>

#include "bot/org/audit.h"

struct actor actor_member(int64_t member_id, const char *channel)
{
    struct actor a = {.kind = ACTOR_MEMBER, .member_id = member_id, .channel = channel};
    audit_member_actor(member_id, a.label, sizeof a.label);
    return a;
}

struct actor actor_operator(void)
{
    struct actor a = {.kind = ACTOR_OPERATOR, .channel = "cli"};
    audit_cli_actor(a.label, sizeof a.label);
    return a;
}

struct actor actor_system(void)
{
    struct actor a = {.kind = ACTOR_SYSTEM, .channel = "job"};
    snprintf(a.label, sizeof a.label, "system");
    return a;
}

bool actor_same_person(const struct actor *a, const struct actor *b)
{
    if (!actor_is_member(a) || !actor_is_member(b))
        return true;
    return a->member_id == b->member_id;
}
