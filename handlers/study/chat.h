/*
 * chat.h - study in chat: 学习 (or 1) gives today's item, 学习 ID a given one, 下一篇 another,
 * 往期 the recent ones, 订阅 / 退订 the daily digest, 积分 the member's own record. Members only.
 */
#ifndef ZHIBU_STUDY_CHAT_H
#define ZHIBU_STUDY_CHAT_H

#include <stdint.h>

#include "bot/base/buf.h"
#include "bot/chat/router.h"

#define STUDY_LINK_TTL_S (7 * 86400) /* a study link opens for a week */
#define STUDY_PAST_SHOWN 8           /* items listed by 往期 */

extern const struct handler study_handler, study_next_handler, study_past_handler,
    study_sub_handler, study_points_handler;

/* study_chat_item - the chat text of item id for member_id: a summary and a signed link when
 * with_link (and links are configured), else the whole text (then the read is recorded). Into
 * out. ZB_ENOTFOUND, ZB_EDB. In a tx. */
int study_chat_item(int64_t member_id, int64_t id, bool with_link, const char *channel, int64_t now,
                    struct buf *out) ZB_MUST_USE;

#endif
