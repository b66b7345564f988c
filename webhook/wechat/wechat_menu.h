/*
 * wechat_menu.h - the official account's custom menu, built from the chat handler table.
 *
 * Every handler listed in the chat menu (menu_no > 0, in menu-number order) becomes a "click"
 * button whose key is its first keyword, so a click (EV_MENU_CLICK, text = key) reaches the same
 * handler as typing the word. WeChat allows at most 3 top-level buttons and 5 sub-buttons under
 * each, a top-level name of 16 bytes, a sub-button name of 60 bytes and a key of 128 bytes: up to
 * 3 entries are top-level buttons; up to 7, the first two are and "更多" holds the rest; beyond,
 * three groups "常用", "更多", "其他" of five. Names are cut at a character boundary.
 */
#ifndef ZHIBU_WECHAT_MENU_H
#define ZHIBU_WECHAT_MENU_H

#include <cjson/cJSON.h>
#include <stddef.h>

#include "bot/chat/router.h"

#define WECHAT_MENU_TOP      3   /* top-level buttons */
#define WECHAT_MENU_SUB      5   /* sub-buttons under one */
#define WECHAT_MENU_TOP_NAME 16  /* bytes of a top-level name */
#define WECHAT_MENU_SUB_NAME 60  /* bytes of a sub-button name */
#define WECHAT_MENU_KEY      128 /* bytes of a click key */

/*
 * wechat_menu_build - the {"button":[...]} object for the n handlers of table. *left (may be
 * NULL) is the number of menu entries that did not fit (beyond 15, or whose key is too long).
 * NULL when no handler is listed. Caller frees with cJSON_Delete.
 */
cJSON *wechat_menu_build(const struct handler *const *table, size_t n, size_t *left);

#endif
