/*
 * feedback.h - 留言: a member leaves a message for the branch; the secretary reads them with
 * `zhibu feedback` or, in chat, `查看留言`, and answers with `答复 ID 文字` (the answer reaches
 * the member through notify_send). Chat surface: "留言" then the message (a session that keeps
 * later messages with the same 留言 until "好了" or FEEDBACK_QUIET_S of quiet), "留言 内容",
 * "留言：内容" or "我要留言" in one go.
 */
#ifndef ZHIBU_FEEDBACK_H
#define ZHIBU_FEEDBACK_H

#include <stdint.h>
#include <stdio.h>

#include "bot/api/cli.h"
#include "bot/chat/router.h"
#include "bot/org/actor.h"
#include "bot/org/role.h"

#define FEEDBACK_MAX_BYTES  2000 /* bytes of one 留言, all its parts together */
#define FEEDBACK_ANSWER_MAX 1000 /* bytes of an answer */
#define FEEDBACK_QUIET_S    120  /* a 留言 in several messages is whole after this much quiet */
#define FEEDBACK_LIST_MAX   10   /* unanswered 留言 listed in chat */

extern const struct handler feedback_handler;        /* 留言 */
extern const struct handler feedback_list_handler;   /* 查看留言 */
extern const struct handler feedback_answer_handler; /* 答复 ID 文字 */
/* `zhibu feedback [--limit N]` (cli.c). */
extern const struct cli_command feedback_cli[]; /* ended by {0} */
extern const struct migration_set feedback_migrations;

/* Read and answer the 留言 of members in one's organisation. */
extern const struct role_action feedback_answer_action;

/* feedback_add - store one message from ev's sender (and the member it is bound to, if any) at
 * time now; *id (may be NULL) gets its id. ZB_ETOOBIG over the cap. In a transaction. */
int feedback_add(const struct event *ev, const char *text, int64_t now, int64_t *id) ZB_MUST_USE;

/* feedback_append - add text as a new line to 留言 id, if it is still unanswered.
 * ZB_ETOOBIG when the whole would pass FEEDBACK_MAX_BYTES (nothing changes); ZB_ENOTFOUND. */
int feedback_append(int64_t id, const char *text) ZB_MUST_USE;

/* One unanswered 留言, as feedback_open gives it; strings valid during the callback only. */
struct feedback_row {
    int64_t id;         /* its id, for 答复 */
    int64_t created_at; /* Unix seconds */
    int64_t member_id;  /* who left it */
    const char *name;   /* the member's name */
    const char *text;   /* what they wrote */
};

/*
 * feedback_open - the unanswered 留言 of members in the organisation actor may answer for
 * (role_scope with feedback_answer_action), oldest first, at most max, each through fn (a
 * non-zero return stops and is returned). ZB_EDENIED (*refusal set) when actor may not.
 */
int feedback_open(const struct actor *actor, size_t max,
                  int (*fn)(const struct feedback_row *r, void *arg), void *arg,
                  const char **refusal) ZB_MUST_USE;

/*
 * feedback_answer - answer 留言 id with text: the member is told through notify_send (urgent),
 * the 留言 is marked answered and the audit trail records it. In a transaction.
 * ZB_ENOTFOUND: no such 留言 from a member; ZB_EDONE: already answered; ZB_EDENIED (*refusal
 * set): not in the actor's organisation or roles; ZB_ETOOBIG / ZB_EINVAL for the text.
 */
int feedback_answer(const struct actor *actor, int64_t id, const char *text, int64_t now,
                    const char **refusal) ZB_MUST_USE;

/* feedback_print - the newest `limit` messages, newest first, for `zhibu feedback`. */
int feedback_print(FILE *f, int limit) ZB_MUST_USE;

#endif
