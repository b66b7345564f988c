/*
 * help.h - the menu (帮助, 菜单, 0, ?) and the fallback answer for anything not understood:
 * unknown text, voice that was not recognised, pictures, locations and links.
 */
#ifndef ZHIBU_HELP_H
#define ZHIBU_HELP_H

#include "bot/router.h"

extern const struct handler help_handler;
extern const struct handler fallback_handler;

/* help_menu_text - append the full menu (title, numbered lines, how to come back). */
int help_menu_text(struct buf *b) ZB_MUST_USE;

#endif
