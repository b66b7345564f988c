/*
 * audit.h - the audit trail: who did what, to whom, when, through which channel.
 *
 * Every privileged action writes one row: imports, binding by hand, role changes, field
 * changes, unmasking a phone, a secretary viewing the member list; later broadcasts, dues
 * records and content approval. Write it in the same transaction as the action, so the trail
 * and the change are committed together. Details never hold an unmasked phone.
 */
#ifndef ZHIBU_AUDIT_H
#define ZHIBU_AUDIT_H

#include <stdint.h>
#include <stdio.h>

#include "bot/base/err.h"

#define AUDIT_ACTOR_MAX 96 /* bytes of an actor string */

/*
 * audit_write - one row. actor: "member:ID" or "cli:USER" (see audit_cli_actor); action: an id
 * such as "import", "bind", "unbind", "set", "role", "unmask"; target: "member:ID", "branch:ID", a
 * file name, or NULL; detail: what changed, in Chinese, or NULL; channel: cli, wechat, onebot,
 * qqbot or api.
 */
int audit_write(const char *actor, const char *action, const char *target, const char *detail,
                const char *channel, int64_t now) ZB_MUST_USE;

/* audit_cli_actor - "cli:USER" for the operator running this process, into out. */
void audit_cli_actor(char *out, size_t outsz);
/* audit_member_actor - "member:ID" into out. */
void audit_member_actor(int64_t member_id, char *out, size_t outsz);

/* audit_action_name - the Chinese name of an action id (导入, 绑定, ...); the id when unknown. */
const char *audit_action_name(const char *action);

/*
 * audit_print - rows at or after since (0: all), of actor (NULL: everyone; "12" means
 * "member:12"), at most limit, oldest first, one per line, times in the local zone. Prints a
 * line saying so when there are none.
 */
int audit_print(FILE *f, int64_t since, const char *actor, int limit) ZB_MUST_USE;

/* One row of the trail, as audit_each gives it (strings valid for the call). */
struct audit_row {
    int64_t id;          /* row id */
    int64_t at;          /* Unix seconds */
    const char *actor;   /* "member:ID", "cli:USER", ... */
    const char *action;  /* the action id */
    const char *target;  /* "member:ID", "branch:ID", ... or "" */
    const char *detail;  /* in Chinese, or "" */
    const char *channel; /* cli, wechat, api, ... */
};

/*
 * audit_each - the newest rows first, at most scan of them, to fn until it returns non-zero
 * (returned; AUDIT_STOP ends the walk with ZB_OK). ZB_EDB.
 */
#define AUDIT_STOP 1
int audit_each(int scan, int (*fn)(const struct audit_row *r, void *arg), void *arg) ZB_MUST_USE;

#endif
