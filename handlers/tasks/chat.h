/*
 * chat.h - tasks in chat: 通知 / 任务 (menu 5: list, or create with a confirmation), 任务进度 ID,
 * 代收 ID 名字, and the receipt hook for the acknowledgement handler's 收到.
 */
#ifndef ZHIBU_TASKS_CHAT_H
#define ZHIBU_TASKS_CHAT_H

#include <stdbool.h>

#include "bot/chat/router.h"

extern const struct handler tasks_notice_handler;   /* 通知, 任务, menu 5 */
extern const struct handler tasks_progress_handler; /* 任务进度 ID */
extern const struct handler tasks_proxy_handler;    /* 代收 ID 名字 */

/*
 * tasks_receipt_hook - for the acknowledgement handler (issue 11), which owns 收到: c is its
 * context (c->arg the text after the word: "" or a task id), word the matched word. Only 收到
 * is a receipt: for other words *handled stays false. In a private chat the receipt is recorded
 * and out answered (the newest open task, or the one named; kind words when there is none). In
 * a group it counts only when zhibu was addressed (the event's scope is SCOPE_ALL: an @ or a
 * private-style message) and never speaks there (*silent, out left empty). Returns ZB_OK or
 * ZB_EDB. Runs on the writer thread inside the event's transaction.
 */
int tasks_receipt_hook(struct handler_ctx *c, const char *word, bool *handled, bool *silent,
                       struct reply *out) ZB_MUST_USE;

#endif
