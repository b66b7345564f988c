/*
 * qq_say.h - act as the QQ platforms towards a running zhibu: the client side of /qq/onebot and
 * /qq/bot, for `zhibu say --platform onebot|qqbot` and for tests.
 *
 * onebot_say posts a message event as a OneBot implementation does (the text as an escaped CQ
 * string, X-Self-ID, X-Signature HMAC-SHA1 with onebot.secret when set) and shows the
 * quick-operation reply; qqbot_say posts GROUP_AT_MESSAGE_CREATE or C2C_MESSAGE_CREATE signed
 * with Ed25519 from qqbot.secret as Tencent does, checks the op 12 ACK, and - because the open
 * platform's answers never travel in the HTTP response - shows what zhibu queued in the outbox
 * for that message, read from the configured database (store_init must have been called).
 * Parts of a long answer that went to the outbox are shown too, in order, separated by
 * QQ_SAY_SEPARATOR.
 */
#ifndef ZHIBU_QQ_SAY_H
#define ZHIBU_QQ_SAY_H

#include <stdbool.h>
#include <stddef.h>

#include "bot/app/config.h"
#include "bot/base/err.h"

#define QQ_SAY_SEPARATOR "\n------\n" /* between two messages of one answer */

/*
 * onebot_say - text from QQ number from, in group (NULL: a private message); at puts an @ of
 * the bot first. On ZB_OK *shown is what the member sees ("" when zhibu stays silent; in a
 * group the quick reply starts with "@FROM " when it @s the sender); caller frees. On error
 * err holds one line: ZB_EIO (server unreachable or an HTTP error), ZB_EPARSE (reply
 * unreadable), ZB_EDB (database unreadable).
 */
int onebot_say(const struct config *cfg, const char *from, const char *group, bool at,
               const char *text, char **shown, char *err, size_t errsz) ZB_MUST_USE;

/*
 * qqbot_say - text from openid from, @-ing the bot in group (a group_openid; NULL: C2C). On
 * ZB_OK *shown is what zhibu queued for the message, waiting up to wait_ms for it to appear
 * ("" when nothing was queued); caller frees. Errors as onebot_say.
 */
int qqbot_say(const struct config *cfg, const char *from, const char *group, const char *text,
              int wait_ms, char **shown, char *err, size_t errsz) ZB_MUST_USE;

#endif
