/*
 * chat.h - 会议 (menu 4) in chat: the member's upcoming meetings; 会议 + text schedules (confirmed
 * with 1); 签到 [码], 请假 原因, 代签 姓名 [请假 原因], 签到码 ID, 出勤 ID, 纪要 ID [text].
 */
#ifndef ZHIBU_MEETINGS_CHAT_H
#define ZHIBU_MEETINGS_CHAT_H

#include "bot/chat/router.h"

extern const struct handler meetings_handler;

#endif
