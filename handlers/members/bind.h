/*
 * bind.h - tying a chat identity to a member, in chat.
 *
 * "绑定 123456" (or "绑定", then the code) binds the sender with the one-time code the
 * secretary printed and greets the member by name; "解绑" undoes it. Both are public: they are
 * how a sender becomes a member. Leaving the official account (unsubscribe) removes that WeChat
 * identity's binding, as WeChat's rules ask; the member record stays.
 */
#ifndef ZHIBU_BIND_H
#define ZHIBU_BIND_H

#include "bot/chat/router.h"

extern const struct handler bind_handler;
extern const struct handler unbind_handler;
extern const struct handler unfollow_handler;

#endif
