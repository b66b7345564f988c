/*
 * ack.h - the acknowledgement words: 收到, 好的, 谢谢, 你好, 👍, [强], OK and a few close
 * variants (the list is ack_words in ack.c). One handler owns them, so no capability claims
 * them twice; capabilities that care about an acknowledgement (a task receipt) register a hook.
 *
 * In a private chat the sender gets a short, warm line. In a group zhibu stays silent unless it
 * was addressed (an @ or the group prefix), and then says one short line - unless a hook asks
 * for silence (a receipt in a group is recorded without a reply).
 */
#ifndef ZHIBU_ACK_H
#define ZHIBU_ACK_H

#include <stdbool.h>

#include "bot/chat/router.h"

#define ACK_HOOKS_MAX 8 /* registered hooks */

/*
 * ack_hook - called in registration order for every acknowledgement word (normalised, e.g.
 * "收到") on the writer thread, inside the event's transaction. A hook that takes the word sets
 * *handled (the later hooks are skipped), may fill out with its own reply (else the ack
 * handler's line is used) and sets *silent when zhibu must not answer at all. Returns ZB_OK or
 * a negative code (the router then apologises and undoes the writes).
 */
typedef int (*ack_hook_fn)(struct handler_ctx *c, const char *word, bool *handled, bool *silent,
                           struct reply *out);

/* ack_register - add a hook (borrowed for the process lifetime); registering the same hook
 * again is a no-op. ZB_ETOOBIG when ACK_HOOKS_MAX are registered. */
int ack_register(ack_hook_fn hook) ZB_MUST_USE;

extern const struct handler ack_handler;

#endif
