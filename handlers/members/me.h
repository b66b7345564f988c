/*
 * me.h - 我的 / 我的信息: a bound member reads their own record (phone masked) and their
 * organisation. Members only; in a group chat it answers with a pointer to the private chat, so
 * nobody's record is shown to a group.
 */
#ifndef ZHIBU_ME_H
#define ZHIBU_ME_H

#include "bot/chat/router.h"

extern const struct handler me_handler;

#endif
