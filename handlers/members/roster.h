/*
 * roster.h - 成员 / 党员名单: a secretary, committee member or group leader lists the members
 * in their scope (role.h), phones masked, with who has bound. Members only; refused with a plain
 * sentence for other roles and in group chats; every listing is written to the audit trail.
 */
#ifndef ZHIBU_ROSTER_H
#define ZHIBU_ROSTER_H

#include "bot/chat/router.h"

extern const struct handler roster_handler;

#endif
