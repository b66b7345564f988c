/*
 * chat.h - the transfer's chat face: 转关系 (menu 6) starts a transfer in a short conversation
 * (the receiving organisation, then the reason), or shows the member's own transfer and lets
 * them resubmit a returned one; 进度 / 到哪一步了 answers with the route and each step's state,
 * who holds it now and since when, and the days left on the letter. Approvers decide in the
 * inbox (待办, 同意 ID, 退回 ID 原因, 接收 ID).
 */
#ifndef ZHIBU_TRANSFER_CHAT_H
#define ZHIBU_TRANSFER_CHAT_H

#include <stdint.h>

#include "bot/base/buf.h"
#include "bot/chat/router.h"

struct transfer;
struct transfer_why;

extern const struct handler transfer_handler;          /* 转关系, 6 */
extern const struct handler transfer_progress_handler; /* 进度, 到哪一步了 */

/* transfer_progress_text - t's route and state for its member or an approver, at now. */
int transfer_progress_text(const struct transfer *t, int64_t now, struct buf *out) ZB_MUST_USE;
/* transfer_why_text - a refusal in short Chinese into out. */
void transfer_why_text(int rc, const struct transfer_why *w, char *out, size_t outsz);

#endif
