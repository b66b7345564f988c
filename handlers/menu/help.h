/*
 * help.h - the menu (帮助, 菜单, 0, ?) and the fallback answer for anything not understood:
 * unknown text, voice that was not recognised, pictures, locations and links. Both are public:
 * anyone who writes to the account gets an answer and a way forward.
 */
#ifndef ZHIBU_HELP_H
#define ZHIBU_HELP_H

#include "bot/chat/router.h"

extern const struct handler help_handler;
extern const struct handler fallback_handler;

/* help_menu_text - append the full menu (title, numbered lines, how to come back), as a bound
 * member sees it. */
int help_menu_text(struct buf *b) ZB_MUST_USE;
/* help_menu_for - the menu the sender of c sees: a sender not bound to a member gets only the
 * public items and one line on how to bind. */
int help_menu_for(struct buf *b, const struct handler_ctx *c) ZB_MUST_USE;

/* The menu's line for senders who are not bound yet. */
#define HELP_BIND_LINE "党员请发送“绑定 六位绑定码”使用全部功能（绑定码向支部书记索取）"

#endif
