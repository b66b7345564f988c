/*
 * todo.h - the inbox of decisions: one place where a member finds everything awaiting their
 * decision, whatever capability asked for it.
 *
 * A capability registers a decision kind (what the decision is about, who may decide, what
 * approve and return do) and opens a decision when an object needs one (a study item to review,
 * a task to approve, a transfer step to accept). Decisions share one id space (the decisions
 * table, owned here), so `同意 12` and `zhibu decide 12 approve` name one decision without
 * saying its kind. Deciding checks, in order: the id exists (ZB_ENOTFOUND), it is still open
 * (ZB_EDONE), the actor may decide it (ZB_EDENIED: the operator only when the kind allows it,
 * only the assignee when one is named, never the author under a two-person rule, then the
 * kind's own may_decide), a return has a reason (ZB_EINVAL); then the kind's hook runs, the
 * decision records who, when and why, and an audit row is written - all in the caller's
 * transaction. Functions here return codes and structs; the Chinese lives in the faces
 * (chat.c, cli.c).
 */
#ifndef ZHIBU_TODO_H
#define ZHIBU_TODO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bot/base/err.h"
#include "bot/org/actor.h"
#include "bot/store/migrations.h"

#define TODO_KINDS_MAX   16   /* decision kinds registered */
#define TODO_ALIASES_MAX 24   /* alias words (listing and approving) over all kinds */
#define TODO_SUMMARY_MAX 160  /* bytes of a one-line summary */
#define TODO_REASON_MAX  600  /* bytes of a reason for a return */
#define TODO_SCAN_MAX    2000 /* open decisions looked at by one listing */

enum todo_verdict { TODO_APPROVE = 0, TODO_RETURN };
enum todo_state { TODO_OPEN = 0, TODO_APPROVED, TODO_RETURNED };

struct decision_kind;

/* A decision as stored. */
struct decision {
    int64_t id;                       /* the global decision id */
    const struct decision_kind *kind; /* its registered kind */
    int64_t object_id;                /* the kind's object (study item, task, step) */
    int64_t org_id;                   /* the organisation it belongs to, 0 when none */
    int64_t author_id;                /* the member who asked for it, 0 when none */
    int64_t assignee_id;              /* the one member who must decide, 0: anyone allowed */
    enum todo_state state;            /* open, approved or returned */
    int64_t opened_at;                /* Unix seconds */
    int64_t decided_at;               /* Unix seconds, 0 while open */
    int64_t decider_id;               /* the member who decided, 0 for the operator */
    char decided_by[ACTOR_LABEL_MAX]; /* the decider's audit label, "" while open */
    char reason[TODO_REASON_MAX + 1]; /* why it was returned, "" otherwise */
};

/* What a capability registers (static storage; kept by pointer). */
struct decision_kind {
    const char *id;    /* stable id stored with each decision: "study_review" */
    const char *label; /* Chinese, for listings: 学习内容审核 */
    /* summary - one line of Chinese about d's object for listings, into out (size outsz). */
    int (*summary)(const struct decision *d, char *out, size_t outsz);
    /* may_decide - ZB_OK when a may decide d, ZB_EDENIED when not (after the inbox's own
     * checks); NULL allows every actor the inbox's checks let through. */
    int (*may_decide)(const struct actor *a, const struct decision *d);
    /* on_approve / on_return - what the decision does, inside the caller's transaction; a
     * non-zero code aborts the decision (the caller rolls back). NULL: nothing more. */
    int (*on_approve)(const struct actor *a, const struct decision *d);
    int (*on_return)(const struct actor *a, const struct decision *d, const char *reason);
    const char *const *approve_words; /* extra chat verbs that approve ("接收"), NULL-terminated */
    const char *const *list_words;    /* extra chat words that list the inbox, NULL-terminated */
    bool operator_may;                /* the operator (CLI without --as) may list and decide */
    bool two_person;                  /* the author may not decide (actor_same_person) */
};

/* What todo_open needs. */
struct todo_new {
    const char *kind;    /* a registered kind's id */
    int64_t object_id;   /* the kind's object */
    int64_t org_id;      /* its organisation, 0 when none */
    int64_t author_id;   /* the member asking, 0 when none */
    int64_t assignee_id; /* the one member who must decide, 0: whoever the kind allows */
};

/* One row of a listing. */
struct todo_item {
    struct decision d;                  /* the decision */
    char summary[TODO_SUMMARY_MAX + 1]; /* the kind's one-line summary ("" without one) */
};

/* The decisions table's schema steps (the todo capability's own sequence). */
extern const struct migration_set todo_migrations;

/*
 * todo_register - add kind k. ZB_EINVAL when its id is taken, it has no id or label, or an alias
 * word repeats one already known; ZB_ETOOBIG past TODO_KINDS_MAX kinds or TODO_ALIASES_MAX
 * alias words. Call at start-up, before the router is initialised (the chat face's keywords
 * include the aliases).
 */
int todo_register(const struct decision_kind *k) ZB_MUST_USE;
/* todo_reset - forget every registered kind (tests). */
void todo_reset(void);
/* todo_kind - the registered kind with id, NULL when none. */
const struct decision_kind *todo_kind(const char *id);
/* todo_kind_at - the i-th registered kind (registration order), NULL past the end. */
const struct decision_kind *todo_kind_at(size_t i);

/*
 * todo_open - open a decision about n's object, its id into *id. Idempotent: while a decision
 * of that kind about that object is open, its id comes back and nothing is written. ZB_EINVAL
 * for an unregistered kind; ZB_EDB. Call inside a transaction.
 */
int todo_open(const struct todo_new *n, int64_t now, int64_t *id) ZB_MUST_USE;

/*
 * todo_get - decision id into *out. ZB_ENOTFOUND when there is none (or its kind is no longer
 * registered); ZB_EDB.
 */
int todo_get(int64_t id, struct decision *out) ZB_MUST_USE;

/* todo_may - ZB_OK when a may decide d, ZB_EDENIED when not (every rule in the header above). */
int todo_may(const struct actor *a, const struct decision *d) ZB_MUST_USE;

/*
 * todo_list - the open decisions a may decide, oldest first, into out (at most max); *n the rows
 * written, *total (may be NULL) how many there are in all (more than *n when capped). ZB_EDB.
 */
int todo_list(const struct actor *a, struct todo_item *out, size_t max, size_t *n,
              size_t *total) ZB_MUST_USE;

/*
 * todo_decide - approve or return decision id as a. reason is required for a return (trimmed
 * length > 0, at most TODO_REASON_MAX bytes: ZB_EINVAL / ZB_ETOOBIG) and ignored for an approval.
 * ZB_ENOTFOUND, ZB_EDONE (decided already; *out still filled), ZB_EDENIED, the hook's code, or
 * ZB_EDB. On ZB_OK *out (may be NULL) holds the decision as recorded. Call inside a transaction.
 */
int todo_decide(const struct actor *a, int64_t id, enum todo_verdict v, const char *reason,
                int64_t now, struct decision *out) ZB_MUST_USE;

/*
 * todo_close - close the open decision of kind kind_id on object_id without a verdict, because
 * its object went away (a cancelled transfer): stored as returned with reason and a as decider,
 * so `同意 ID` answers "already handled"; no hook runs; audited as "withdraw". ZB_OK also when
 * none is open; ZB_EDB. Call inside a transaction.
 */
int todo_close(const char *kind_id, int64_t object_id, const struct actor *a, const char *reason,
               int64_t now) ZB_MUST_USE;

/* todo_state_id - "open", "approved", "returned". */
const char *todo_state_id(enum todo_state s);

#endif
