/*
 * chat.h - the inbox in chat: 待办 (also 审核 and the kinds' listing words) lists what awaits the
 * sender with each id; 同意 ID (also 通过, 批准 and the kinds' approving words) approves;
 * 退回 ID 原因 returns with a reason (without one, the next message is taken as the reason).
 * Members only; in a group it points to the private chat.
 */
#ifndef ZHIBU_TODO_CHAT_H
#define ZHIBU_TODO_CHAT_H

#include "bot/base/err.h"
#include "bot/chat/router.h"

#define TODO_CHAT_SHOWN 20 /* decisions listed in one reply */

extern const struct handler todo_handler;

/*
 * todo_chat_prepare - add the registered kinds' alias words to the handler's keywords. Call
 * after every todo_register and before router_init. ZB_ETOOBIG when they do not fit.
 */
int todo_chat_prepare(void) ZB_MUST_USE;

#endif
