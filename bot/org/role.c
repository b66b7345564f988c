/*
 * role.c - role names and the role check (see role.h).
 *
 * role_can is the one place a role is checked: the actions themselves (who may, with which
 * refusal) are declared by the capabilities that own them, following the usual division of a
 * branch committee's work (the secretary and deputy lead everything; the organizer keeps the
 * registry, dues and meetings; the publicity member runs study content and notices; a group
 * leader sees and notifies their own group).
 */
#include "bot/org/role.h"

#include <stdio.h>
#include <string.h>

#include "bot/org/branch.h"
#include "bot/org/member.h"

struct role_def {
    unsigned bit;      /* enum role */
    const char *id;    /* stored form */
    const char *name;  /* Chinese */
    const char *alias; /* another accepted Chinese word, or NULL */
};

static const struct role_def roles[] = {
    {ROLE_SECRETARY, "secretary", "书记", "支部书记"},
    {ROLE_DEPUTY, "deputy", "副书记", "支部副书记"},
    {ROLE_ORGANIZER, "organizer", "组织委员", NULL},
    {ROLE_PUBLICITY, "publicity", "宣传委员", NULL},
    {ROLE_DISCIPLINE, "discipline", "纪检委员", NULL},
    {ROLE_GROUP_LEADER, "group_leader", "党小组长", "小组长"},
};
#define N_ROLES (sizeof roles / sizeof roles[0])

#define OUT_OF_SCOPE "抱歉，这不在您所在党组织的管理范围内，请联系上级党组织。"
#define NOT_OPERATOR "抱歉，这件事要由党员本人操作（命令行请加 --as 党员编号）。"
#define NO_ORG       "抱歉，您还没有登记所在党组织，请联系支部书记。"

/* is_sep - bytes of a list separator at p (、 ; ； , ， / space, U+3000), 0 when none. */
static size_t is_sep(const char *p)
{
    static const char *const seps[] = {"、", "；", "，", "／", "\xe3\x80\x80"};
    if (*p == ';' || *p == ',' || *p == '/' || *p == ' ' || *p == '\t')
        return 1;
    for (size_t i = 0; i < sizeof seps / sizeof seps[0]; i++)
        if (strncmp(p, seps[i], strlen(seps[i])) == 0)
            return strlen(seps[i]);
    return 0;
}

int role_parse(const char *text, unsigned *mask, char *bad, size_t badsz)
{
    *mask = 0;
    const char *p = text;
    while (*p) {
        size_t k = is_sep(p);
        if (k) {
            p += k;
            continue;
        }
        const char *w = p;
        while (*p && !is_sep(p))
            p++;
        size_t n = (size_t)(p - w);
        bool ok = false;
        if ((n == strlen("党员") && strncmp(w, "党员", n) == 0) ||
            (n == strlen("member") && strncasecmp(w, "member", n) == 0)) {
            ok = true;
        }
        for (size_t i = 0; !ok && i < N_ROLES; i++) {
            const struct role_def *r = &roles[i];
            if ((strlen(r->id) == n && strncasecmp(w, r->id, n) == 0) ||
                (strlen(r->name) == n && strncmp(w, r->name, n) == 0) ||
                (r->alias && strlen(r->alias) == n && strncmp(w, r->alias, n) == 0)) {
                *mask |= r->bit;
                ok = true;
            }
        }
        if (!ok) {
            if (bad && badsz)
                snprintf(bad, badsz, "%.*s", (int)(n < 60 ? n : 60), w);
            return ZB_EINVAL;
        }
    }
    return ZB_OK;
}

static void list(unsigned mask, bool chinese, char *out, size_t outsz)
{
    size_t used = 0;
    out[0] = '\0';
    for (size_t i = 0; i < N_ROLES; i++) {
        if (!(mask & roles[i].bit))
            continue;
        const char *sep = used ? (chinese ? "、" : ",") : "";
        int w =
            snprintf(out + used, outsz - used, "%s%s", sep, chinese ? roles[i].name : roles[i].id);
        if (w < 0 || (size_t)w >= outsz - used)
            break;
        used += (size_t)w;
    }
    if (chinese && !used)
        snprintf(out, outsz, "党员");
}

void role_ids(unsigned mask, char *out, size_t outsz)
{
    list(mask, false, out, outsz);
}

void role_names(unsigned mask, char *out, size_t outsz)
{
    list(mask, true, out, outsz);
}

int role_scope(const struct actor *actor, const struct role_action *act, int64_t *root,
               const char **refusal)
{
    *refusal = NULL;
    *root = 0;
    if (!act)
        return ZB_OK;
    if (actor->kind != ACTOR_MEMBER) {
        if (act->operator_ok)
            return ZB_OK;
        *refusal = NOT_OPERATOR;
        return ZB_EDENIED;
    }
    struct member m;
    int rc = member_get(actor->member_id, &m);
    if (rc)
        return rc;
    if (act->roles && !(m.roles & act->roles)) {
        *refusal = act->refusal;
        return ZB_EDENIED;
    }
    /* A group leader's scope is their 党小组; everyone else's their organisation's subtree. */
    bool leader_only = act->roles && !(m.roles & act->roles & ~(unsigned)ROLE_GROUP_LEADER);
    *root = leader_only ? m.group_id : m.branch_id;
    if (!*root) {
        *refusal = NO_ORG;
        return ZB_EDENIED;
    }
    return ZB_OK;
}

int role_can(const struct actor *actor, const struct role_action *act, int64_t target_org,
             const char **refusal)
{
    int64_t scope;
    int rc = role_scope(actor, act, &scope, refusal);
    if (rc || !target_org || !scope)
        return rc;
    bool inside = false;
    if ((rc = branch_within(target_org, scope, &inside)))
        return rc;
    if (!inside) {
        *refusal = OUT_OF_SCOPE;
        return ZB_EDENIED;
    }
    return ZB_OK;
}
