/*
 * tasks.h - tasks from the secretary: a notice (通知) or a task with a deadline (任务) sent to
 * every member of an organisation's subtree (or one 党小组), receipts by one word, progress with
 * the list to phone, proxy receipts, reminders for the silent, and the monthly ledger.
 *
 * A task is written as a draft (the chat face echoes who will get it and asks to confirm), then
 * submitted: with tasks.require_review it waits for a second committee member in the inbox of
 * decisions (kind "task_review"), otherwise it is "sending" at once. Fan-out is never done in
 * the submitting transaction: tasks_fanout_step() queues one bounded batch of recipients
 * through notify_send() per call, and the faces drive it (the server's fan-out thread, one
 * store_tx_run per batch; the CLI's loop), so the writer is held for one batch at a time.
 * Receipts are idempotent. Members exempt from statistics get the task but are never listed
 * as silent nor reminded. Functions return codes from err.h; Chinese lives in the faces.
 */
#ifndef ZHIBU_TASKS_H
#define ZHIBU_TASKS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bot/base/err.h"
#include "bot/org/actor.h"
#include "bot/org/member.h"
#include "bot/org/role.h"
#include "bot/store/migrations.h"

#define TASKS_TEXT_MAX     1000 /* bytes of a task's text */
#define TASKS_BATCH        50   /* recipients queued by one fan-out step */
#define TASKS_REMIND_BATCH 500  /* reminders queued by one job run per task and round */
#define TASKS_LIST_MAX     20   /* a member's recent tasks listed */
#define TASKS_HITS_MAX     8    /* sensitive words reported */
#define TASKS_WORD_MAX     256  /* bytes of a reported word */

struct sensitive;

/* The capability's actions (role.h). */
extern const struct role_action tasks_send;    /* create a task: committee, leaders (own group) */
extern const struct role_action tasks_view;    /* progress and the report: as tasks_send */
extern const struct role_action tasks_proxy;   /* record a receipt for a member: as tasks_send */
extern const struct role_action tasks_approve; /* approve another's task: the committee */
extern const struct role_action tasks_unmask;  /* full phone numbers in progress (audited) */

extern const struct migration_set tasks_migrations;
extern const struct decision_kind tasks_review_kind;

/* Settings (config section "tasks"). */
struct tasks_config {
    bool require_review;    /* tasks.require_review: a second committee member approves */
    long remind_after_s;    /* tasks.remind_after_h: first reminder after this, 0 = none */
    long remind_before_s;   /* tasks.remind_before_h: second this long before the deadline */
    const char *public_url; /* for links in the message (/t/ID), "" = no link */
};

/* tasks_configure - copy c (strings are kept by pointer; static or config-owned). */
void tasks_configure(const struct tasks_config *c);
/* tasks_set_sensitive - the sensitive-word list every new task is checked against (kept by
 * pointer, the caller keeps it alive; NULL: no check). */
void tasks_set_sensitive(const struct sensitive *s);

enum tasks_state { TASK_DRAFT = 0, TASK_REVIEW, TASK_SENDING, TASK_SENT, TASK_RETURNED };

struct task {
    int64_t id;                        /* row id */
    int64_t org_id;                    /* the organisation it goes to (a 党小组 too) */
    int64_t author_id;                 /* the member who wrote it, 0 for the operator */
    char author[ACTOR_LABEL_MAX];      /* the author's audit label */
    char text[TASKS_TEXT_MAX + 1];     /* what it says */
    int64_t deadline;                  /* Unix seconds (end of the local day), 0 = none */
    enum tasks_state state;            /* see enum */
    char approved_by[ACTOR_LABEL_MAX]; /* the approver's label, "" when none */
    int64_t created_at;                /* Unix seconds */
    int64_t sent_at;                   /* when fan-out finished, 0 before */
};

/* Why a create was refused. */
struct tasks_why {
    const char *refusal;       /* ZB_EDENIED: role_can's sentence */
    char word[TASKS_WORD_MAX]; /* ZB_EINVAL with a sensitive word: the first */
    size_t nwords;             /* how many sensitive words were found */
};

/*
 * tasks_target - the organisation a task of actor would go to: org (a path or unique name;
 * NULL or "": the actor's own scope for tasks_send) and, when group is given, the 党小组 of that
 * name under it; *count the members it would reach. ZB_ENOTFOUND (no such organisation or
 * group), ZB_EDENIED (why->refusal), ZB_EDB.
 */
int tasks_target(const struct actor *a, const char *org, const char *group, int64_t *org_id,
                 int *count, struct tasks_why *why) ZB_MUST_USE;

/*
 * tasks_draft - write a draft of text for org_id (deadline 0 or Unix seconds) as a, its id in
 * *id. ZB_EINVAL: empty text, or a sensitive word (why->word); ZB_ETOOBIG: text over
 * TASKS_TEXT_MAX; ZB_EDENIED; ZB_EDB. Call inside a transaction.
 */
int tasks_draft(const struct actor *a, int64_t org_id, const char *text, int64_t deadline,
                int64_t now, int64_t *id, struct tasks_why *why) ZB_MUST_USE;

/*
 * tasks_submit - send draft id (only its author, or the operator for its own): to review when
 * required (*state TASK_REVIEW, *decision the inbox id) or to fan-out (TASK_SENDING). Audited
 * ("task_send"). ZB_ENOTFOUND, ZB_EDONE (not a draft), ZB_EDENIED, ZB_EDB. In a transaction.
 */
int tasks_submit(const struct actor *a, int64_t id, int64_t now, enum tasks_state *state,
                 int64_t *decision) ZB_MUST_USE;

/*
 * tasks_fanout_step - queue at most max recipients of the oldest sending task through
 * notify_send (urgent, key "task:ID:member:M"), mark it sent when its list is done. *more:
 * work is left. ZB_OK, ZB_EDB. Call inside a transaction (one per step).
 */
int tasks_fanout_step(int64_t now, size_t max, bool *more) ZB_MUST_USE;
/* tasks_fanout_pending - a task is waiting for fan-out (set by submit/approve; cleared by the
 * fan-out driver with tasks_fanout_take). */
bool tasks_fanout_take(void);

/* tasks_get - task id into *out. ZB_ENOTFOUND, ZB_EDB. */
int tasks_get(int64_t id, struct task *out) ZB_MUST_USE;

/* What a receipt did. */
struct tasks_receipt_result {
    int64_t task_id; /* the task acknowledged */
    int open;        /* the member's tasks still unanswered before this one, besides it */
    bool already;    /* it had been recorded before (idempotent) */
};

/*
 * tasks_receipt - member acknowledges task_id (0: the newest unanswered task they got) through
 * channel ("wechat", "onebot", "page", "api" ...). ZB_OK (r->already when it was recorded
 * before); ZB_ENOTFOUND: they got no task (task_id 0) or no such task; ZB_EDENIED: the task was
 * not sent to them; ZB_EDONE (task_id 0): every task they got is answered (r->task_id the
 * newest). In a transaction.
 */
int tasks_receipt(int64_t member_id, int64_t task_id, const char *channel, int64_t now,
                  struct tasks_receipt_result *r) ZB_MUST_USE;

/*
 * tasks_quoted - the task a group message quoting platform message quote_id acknowledges: the
 * task member received whose post into group on platform ("onebot", "qqbot") was delivered with
 * that platform message id (outbox.platform_msg_id of the post's row). *task_id is 0 when the
 * quote is of anything else, or the post's id was not kept. Answered tasks count too (the
 * receipt is then idempotent). ZB_EDB on failure. In a transaction.
 */
int tasks_quoted(int64_t member_id, const char *platform, const char *group, const char *quote_id,
                 int64_t *task_id) ZB_MUST_USE;

/*
 * tasks_proxy_receipt - a (group leader or committee) records the receipt of task_id for the member
 * named name (among its recipients in a's scope), marked as proxy; *member the member. Audited.
 * ZB_ENOTFOUND (task, or no such recipient), ZB_EBUSY (name matches several), ZB_EDENIED,
 * ZB_EDONE (answered already), ZB_EDB. In a transaction.
 */
int tasks_proxy_receipt(const struct actor *a, int64_t task_id, const char *name, int64_t now,
                        int64_t *member, const char **refusal) ZB_MUST_USE;

/* One member's line in a progress list or a member's own list. */
enum tasks_mark { MARK_ANSWERED = 0, MARK_PROXY, MARK_SILENT, MARK_UNREACHABLE, MARK_EXEMPT };
struct tasks_row {
    int64_t member_id;                /* who */
    char name[MEMBER_NAME_MAX + 1];   /* their name */
    char phone[MEMBER_PHONE_MAX + 8]; /* masked unless unmasked, "" when none */
    enum tasks_mark mark;             /* see enum */
    int64_t received_at;              /* 0 unless answered */
    char channel[16];                 /* how it was answered */
};

struct tasks_progress {
    struct task t;   /* the task */
    int recipients;  /* everyone it went to */
    int counted;     /* recipients minus exempt members who have not answered: "M" */
    int answered;    /* receipts, proxy included: "N" */
    int proxy;       /* of those, by proxy */
    int silent;      /* reachable, counted, not answered */
    int unreachable; /* counted, not answered, nothing could reach them: the list to phone */
};

/*
 * tasks_progress_get - progress of task id for a (tasks_view on its organisation; unmask needs
 * tasks_unmask and is audited); fn gets every silent and unreachable member (and, with all,
 * everyone). ZB_ENOTFOUND, ZB_EDENIED (*refusal), ZB_EDB. Writes the audit row: in a transaction
 * when unmask is set.
 */
int tasks_progress_get(const struct actor *a, int64_t id, bool unmask, bool all,
                       int (*fn)(const struct tasks_row *r, void *arg), void *arg,
                       struct tasks_progress *p, const char **refusal) ZB_MUST_USE;

/* A member's own task line. */
struct tasks_mine {
    struct task t;       /* the task */
    int64_t received_at; /* 0 while unanswered */
};
/* tasks_of_member - member's most recent tasks, newest first, at most max, into out; *n. */
int tasks_of_member(int64_t member_id, struct tasks_mine *out, size_t max, size_t *n) ZB_MUST_USE;

/* One row of the monthly report. */
struct tasks_report_row {
    struct task t;           /* the task */
    char org[160];           /* its organisation's name */
    struct tasks_progress p; /* its totals */
};
/*
 * tasks_report - every task created in month ("2026-11", local time) for organisations inside
 * the subtree of org (a path or name; NULL: a's scope) to fn, oldest first; audited as
 * "task_report". ZB_EINVAL (bad month), ZB_ENOTFOUND, ZB_EDENIED (*refusal), ZB_EDB. In a
 * transaction.
 */
int tasks_report(const struct actor *a, const char *org, const char *month,
                 int (*fn)(const struct tasks_report_row *r, void *arg), void *arg,
                 const char **refusal) ZB_MUST_USE;

/*
 * tasks_remind_run - the reminder job's work at now: for every sent task, the first round
 * (remind_after after sending) and the second (remind_before before the deadline) each remind
 * the silent, reachable, counted members once (routine, key "task:ID:member:M:rN"), at most
 * TASKS_REMIND_BATCH per call per task, and when a round is done the author gets one summary.
 * *queued the reminders queued. In a transaction.
 */
int tasks_remind_run(int64_t now, int *queued) ZB_MUST_USE;

/* tasks_parse_date - "2026-12-05" (also 2026/12/5, 12月5日 of the current year, 12-05) into the
 * end of that local day (23:59:59) in *deadline. ZB_EINVAL. */
int tasks_parse_date(const char *s, int64_t now, int64_t *deadline) ZB_MUST_USE;

/* tasks_state_id - "draft", "review", "sending", "sent", "returned". */
const char *tasks_state_id(enum tasks_state s);

#endif
