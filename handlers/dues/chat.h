/*
 * chat.h - the dues chat face: 党费 (menu 3) shows a member this month's amount, its status, the
 * months in arrears and how the amount was computed; 缴费 / 代缴 let the organizer record a
 * payment (grammar in dues_pay_parse, dues.h).
 */
#ifndef ZHIBU_DUES_CHAT_H
#define ZHIBU_DUES_CHAT_H

#include <stddef.h>

#include "bot/chat/router.h"

struct dues_why;

extern const struct handler dues_handler;     /* 党费, 3 */
extern const struct handler dues_pay_handler; /* 缴费, 代缴 */

/* dues_why_text - a refusal in short Chinese into out, for every face. ZB_ENOTFOUND for
 * DUES_R_NONE (the caller says what failed). */
int dues_why_text(const struct dues_why *w, char *out, size_t outsz);

#endif
