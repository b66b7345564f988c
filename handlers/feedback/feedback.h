/*
 * feedback.h - 留言: a member leaves a message for the branch; the secretary reads them with
 * `zhibu feedback`. Chat surface: "留言" then the message (a two-turn session), or
 * "留言 内容" in one go.
 */
#ifndef ZHIBU_FEEDBACK_H
#define ZHIBU_FEEDBACK_H

#include <stdio.h>

#include "bot/api/cli.h"
#include "bot/chat/router.h"

#define FEEDBACK_MAX_BYTES 2000

extern const struct handler feedback_handler;
/* `zhibu feedback [--limit N]` (cli.c). */
extern const struct cli_command feedback_cli[]; /* ended by {0} */

/* feedback_add - store one message from ev's sender at time now. ZB_ETOOBIG over the cap. */
int feedback_add(const struct event *ev, const char *text, int64_t now) ZB_MUST_USE;

/* feedback_print - the newest `limit` messages, newest first, for `zhibu feedback`. */
int feedback_print(FILE *f, int limit) ZB_MUST_USE;

#endif
