/* chat.h - the quiz in chat: 答题 / 2, 错题, and 开始竞答 in a QQ group. */
#ifndef ZHIBU_QUIZ_CHAT_H
#define ZHIBU_QUIZ_CHAT_H

#include "bot/chat/router.h"

#define QUIZ_IDLE_S 1800 /* a round idle this long ends; the next message says so */

extern const struct handler quiz_handler, quiz_wrong_handler, quiz_contest_handler,
    quiz_answers_handler;

#endif
