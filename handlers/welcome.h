/* welcome.h - the greeting when someone follows the official account (or adds the bot). */
#ifndef ZHIBU_WELCOME_H
#define ZHIBU_WELCOME_H

#include "bot/router.h"

extern const struct handler welcome_handler;

#endif
