/*
 * chat.h - the inbox in chat: 待办 (also 审核 and the kinds' listing words) lists what awaits the
 * sender with each id; 同意 ID (also 通过, 批准 and the kinds' approving words) approves;
 * 退回 ID 原因 returns with a reason (without one, the next message is taken as the reason).
 * Members only; in a group it points to the private chat.
 */
#ifndef ZHIBU_TODO_CHAT_H
#define ZHIBU_TODO_CHAT_H

#include <stdbool.h>
#include <stdint.h>

#include "bot/base/err.h"
#include "bot/chat/router.h"

#define TODO_CHAT_SHOWN 20 /* decisions listed in one reply */

extern const struct handler todo_handler;

/* What an inbox message says. */
enum todo_cmd_kind { TODO_CMD_LIST = 0, TODO_CMD_APPROVE, TODO_CMD_RETURN };
struct todo_cmd {
    enum todo_cmd_kind kind; /* list (also for words it does not know), approve or return */
    bool has_id;             /* approve/return: an id was given */
    int64_t id;              /* then 1 .. 10^15 - 1 */
    const char *reason;      /* return: the reason as typed ("" when none); points into raw,
                                or into arg when raw has another shape (a spelled id, 十二) */
};

/*
 * todo_chat_parse - the command in a message: norm its normalised text, arg what follows the
 * keyword (the router's ctx->arg), raw the text as typed. Uses the registered kinds' words.
 */
void todo_chat_parse(const char *norm, const char *arg, const char *raw, struct todo_cmd *out);

/*
 * todo_chat_prepare - add the registered kinds' alias words to the handler's keywords. Call
 * after every todo_register and before router_init. ZB_ETOOBIG when they do not fit.
 */
int todo_chat_prepare(void) ZB_MUST_USE;

#endif
