/* chat.h - the quiz in chat: 答题 / 2, 错题, and 开始竞答 in a QQ group. */
#ifndef ZHIBU_QUIZ_CHAT_H
#define ZHIBU_QUIZ_CHAT_H

#include "bot/base/buf.h"
#include "bot/chat/router.h"

#define QUIZ_IDLE_S 1800 /* a round idle this long ends; the next message says so */

extern const struct handler quiz_handler, quiz_wrong_handler, quiz_contest_handler,
    quiz_answers_handler;

/* quiz_record_section - the quiz's lines of 积分 (a study_record_fn): answers, right answers and
 * points this week and this month; nothing for a period without answers. */
int quiz_record_section(int64_t member_id, int64_t week_start, int64_t month_start,
                        struct buf *out) ZB_MUST_USE;

#endif
