/* welcome.h - the greeting when someone follows the official account, adds the QQ bot as a
 * friend, or joins a QQ group where zhibu is (or adds zhibu to a group). */
#ifndef ZHIBU_WELCOME_H
#define ZHIBU_WELCOME_H

#include "bot/chat/router.h"

extern const struct handler welcome_handler;

#endif
