/*
 * transfer.h - 关系接转: a member's organisation relation moved hop by hop (../shared/domain.md
 * 2.4), each office a step decided through the one inbox (handlers/todo/todo.h).
 *
 * The route is computed from the organisation tree: the sender's organisation and each of its
 * ancestors up to the lowest one it shares with the receiver (逐级转移: 船闸支部 → 市航道处党总支
 * → 市交通运输局党委 → 市级机关工委), then the hops of the first `transfer.routes` rule that
 * matches (a 组织部 that re-issues the letter), then the receiver. A receiver with no ancestor in
 * common (outside zhibu, or another tree) needs a rule; without one the route fails and says
 * which rule is missing (transfer_rules_parse documents the grammar).
 *
 * Steps open one at a time: the first is opened at the start, each approval opens the next, and
 * the approval of the last (the receiver's 接收) completes the transfer: the member moves to the
 * receiving organisation (roles dropped, history kept) or, for a receiver outside zhibu, leaves
 * the registry as 转出. A return sends the transfer back to the member with the reason; the
 * member (or a secretary) resubmits and the returned step opens again.
 *
 * The letter is issued when the sending organisation approves the first step: a number, the
 * month up to which dues are paid (handlers/dues/dues.h dues_status), and the validity, stored
 * on the letter (CONFLICT in the sources: defaults from the config, in the city or outside, and
 * a maximum). A 组织部 step re-issues it. A letter past its validity marks the transfer expired
 * (the daily job) and needs a renewed letter (transfer_renew).
 *
 * Writing functions run inside the caller's transaction (they assert store_in_tx), check the
 * actor's role themselves and write an audit row and an event of the transfer's trail; nothing
 * is deleted. They return codes from bot/base/err.h and a reason the faces turn into Chinese.
 */
#ifndef ZHIBU_TRANSFER_H
#define ZHIBU_TRANSFER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "bot/base/err.h"
#include "bot/org/actor.h"
#include "bot/org/branch.h"
#include "bot/store/migrations.h"

#define TRANSFER_STEPS_MAX   12   /* steps of one route */
#define TRANSFER_RULES_MAX   32   /* rules in transfer.routes */
#define TRANSFER_RULES_BYTES 8192 /* bytes of transfer.routes */
#define TRANSFER_REASON_MAX  300  /* bytes of a transfer's reason */
#define TRANSFER_LETTER_MAX  32   /* bytes of a letter number */
#define TRANSFER_LIST_MAX    500  /* transfers in one listing */
#define TRANSFER_EVENTS_MAX  64   /* trail events shown */

struct role_action;
extern const struct role_action transfer_manage; /* start for others, list, renew, cancel */

/* The config's transfer section (transfer_configure). */
struct transfer_config {
    int remind_after_days;     /* a step idle this long reminds its approver */
    int validity_city_days;    /* a letter within the city (a common ancestor) */
    int validity_outside_days; /* a letter to outside the city */
    int validity_max_days;     /* no letter longer (3 months; 6 across provinces) */
    int expiry_warn_days;      /* warn the member and the sender this many days before */
};

/* One rule of transfer.routes (transfer_rules_parse). */
struct transfer_rule {
    char from[BRANCH_PATH_MAX + 1];                     /* a path, or "*" */
    char to[BRANCH_PATH_MAX + 1];                       /* a path, "*" or "external" */
    char hops[TRANSFER_STEPS_MAX][BRANCH_PATH_MAX + 1]; /* organisations inserted */
    size_t n_hops;                                      /* how many (>= 1) */
};

#define TRANSFER_APPROVER_RULES_MAX 32 /* rules in transfer.approvers */
#define TRANSFER_APPROVERS_DEFAULT  "*: 书记, 组织委员"

/* One rule of transfer.approvers (transfer_approver_rules_parse). */
struct transfer_approver_rule {
    char org[BRANCH_PATH_MAX + 1]; /* a path or unique name, or "*" */
    unsigned roles;                /* enum role bits that decide its steps (never 0) */
};

/* Why a function refused, for the faces. */
enum transfer_reason {
    TR_NONE = 0,
    TR_NO_MEMBER,     /* no such member, or removed */
    TR_NO_BRANCH,     /* the member belongs to no organisation */
    TR_NO_TARGET,     /* the receiver does not resolve (detail says why) */
    TR_SAME,          /* the receiver is the member's own organisation */
    TR_NO_ROUTE,      /* no rule covers it (detail names the missing rule) */
    TR_BAD_HOP,       /* a rule's hop does not resolve (detail) */
    TR_TOO_LONG,      /* more than TRANSFER_STEPS_MAX steps */
    TR_OPEN_ALREADY,  /* the member has an unfinished transfer (id in other) */
    TR_NOT_RETURNED,  /* resubmit needs a returned transfer */
    TR_NOT_EXPIRED,   /* renew needs an expired (or nearly expired) letter */
    TR_CLOSED,        /* done or cancelled */
    TR_BAD_VALIDITY,  /* validity outside 1..validity_max_days */
    TR_REASON_NEEDED, /* cancel without a reason */
    TR_DUPLICATE,     /* receive: the phone belongs to a current member (id in other) */
    TR_BAD_FROM,      /* receive: the sender is inside zhibu or does not resolve (detail) */
    TR_BAD_INCOMING,  /* receive: a name, letter number or phone not acceptable (detail) */
    TR_DENIED,        /* not the member nor a secretary with the right (refusal set) */
    TR_NO_LETTER,     /* renew: no letter issued yet (the sender has not agreed) */
};

struct transfer_why {
    enum transfer_reason reason;       /* see above */
    const char *refusal;               /* TR_DENIED: what role_can said (static) */
    char detail[BRANCH_ERR_MAX + 200]; /* TR_NO_TARGET, TR_NO_ROUTE, TR_BAD_HOP */
    int64_t other;                     /* TR_OPEN_ALREADY: that transfer */
    const char *field;                 /* receive: the input at fault ("name", "phone", ...) */
};

/* A computed route. */
struct transfer_route {
    int64_t orgs[TRANSFER_STEPS_MAX]; /* the steps' organisations, sender first */
    size_t n;                         /* how many */
    bool in_city;                     /* sender and receiver share an ancestor */
    int rule;                         /* the rule that added hops, -1 none */
};

enum transfer_status { TS_OPEN = 0, TS_RETURNED, TS_EXPIRED, TS_DONE, TS_CANCELLED };
enum step_state { SS_WAITING = 0, SS_OPEN, SS_APPROVED, SS_RETURNED };

struct transfer_step {
    int64_t id;                           /* row id */
    int seq;                              /* 1.. */
    int64_t org_id;                       /* the office */
    enum step_state state;                /* waiting, open, approved, returned */
    int64_t decision_id;                  /* the inbox decision while open (or the last one) */
    int64_t opened_at, decided_at;        /* Unix seconds, 0 when not */
    char decided_by[ACTOR_LABEL_MAX];     /* audit label, "" */
    char reason[TRANSFER_REASON_MAX + 1]; /* a return's reason */
};

struct transfer {
    int64_t id;                                     /* row id */
    int64_t member_id;                              /* who moves */
    int64_t from_org, to_org;                       /* sending and receiving organisations */
    enum transfer_status status;                    /* see above */
    char reason[TRANSFER_REASON_MAX + 1];           /* why (工作单位变动, ...) */
    char letter_no[TRANSFER_LETTER_MAX + 1];        /* "" until issued */
    int dues_paid_through;                          /* a dues month (dues.h), -1 none */
    int dues_arrears;                               /* unpaid months at the start */
    int validity_days;                              /* of the letter */
    int64_t issued_at, expires_at;                  /* the letter, 0 until issued */
    int64_t created_at, received_at;                /* start and receipt */
    char created_by[ACTOR_LABEL_MAX];               /* who started it */
    struct transfer_step steps[TRANSFER_STEPS_MAX]; /* the route */
    size_t n_steps;                                 /* how many */
};

/* What transfer_start needs. */
struct transfer_new {
    int64_t member_id;  /* who moves */
    const char *to;     /* the receiver: a path or a unique name */
    const char *reason; /* why; "" or NULL none */
    int validity_days;  /* 0: the configured default */
};

/* One event of a transfer's trail. */
struct transfer_event {
    int64_t at;                  /* Unix seconds */
    char actor[ACTOR_LABEL_MAX]; /* audit label */
    char what[32];               /* start, approve, return, resubmit, issue, ... */
    char detail[TRANSFER_REASON_MAX + BRANCH_PATH_MAX + 64]; /* free text */
};

extern const struct migration_set transfer_migrations;

/* transfer_configure - the config's section (copied); defaults 3, 10, 30, 90, 3. */
void transfer_configure(const struct transfer_config *c);
/*
 * transfer_rules_parse - the rule list text into rules (at most max), *n the count. Grammar: rules
 * separated by ";" or newlines, blank ones ignored; a rule is `FROM -> TO : HOP, HOP, ...` where
 * FROM is an organisation path or "*", TO a path, "*" or "external", and each HOP a path (their
 * existence is checked when a route uses them). ZB_EINVAL with err naming the rule (1-based) and
 * what is wrong; ZB_ETOOBIG past TRANSFER_RULES_BYTES, max rules, TRANSFER_STEPS_MAX hops or a
 * path's cap.
 */
int transfer_rules_parse(const char *text, struct transfer_rule *rules, size_t max, size_t *n,
                         char *err, size_t errsz) ZB_MUST_USE;
/* transfer_set_rules - use text as transfer.routes (parsed as above; kept on success). */
int transfer_set_rules(const char *text, char *err, size_t errsz) ZB_MUST_USE;

/*
 * transfer_approver_rules_parse - the approver list text into rules (at most max), *n the count.
 * Grammar: rules separated by ";" or newlines, blank ones ignored; a rule is `ORG : ROLE, ROLE`
 * where ORG is an organisation path or unique name (as branch_resolve reads it) or "*", and the
 * roles are read by role_parse (书记, 组织委员, ...; at least one office). For a step at an
 * organisation the first rule whose ORG names exactly that organisation, or "*", wins; none
 * matching means the default 书记 and 组织委员. ZB_EINVAL with err naming the rule (1-based) and
 * what is wrong; ZB_ETOOBIG past TRANSFER_RULES_BYTES, max rules or a path's cap.
 */
int transfer_approver_rules_parse(const char *text, struct transfer_approver_rule *rules,
                                  size_t max, size_t *n, char *err, size_t errsz) ZB_MUST_USE;
/* transfer_set_approvers - use text as transfer.approvers (NULL or "" = the default). */
int transfer_set_approvers(const char *text, char *err, size_t errsz) ZB_MUST_USE;
/* transfer_approver_roles - the roles deciding steps at org under the rules in use. ZB_EDB. */
int transfer_approver_roles(int64_t org, unsigned *roles) ZB_MUST_USE;

/* transfer_route - the route from from_org to to_org (see the header). ZB_EINVAL with why set
 * (TR_SAME, TR_NO_ROUTE, TR_BAD_HOP, TR_TOO_LONG); ZB_EDB. */
int transfer_route(int64_t from_org, int64_t to_org, struct transfer_route *out,
                   struct transfer_why *why) ZB_MUST_USE;

/*
 * transfer_start - a transfer for n->member_id: the member themself, or an actor with
 * transfer_manage over the member's organisation. Computes the route, reads the dues status,
 * opens the first step's decision and notifies its approvers. *id the transfer. ZB_EINVAL /
 * ZB_EDENIED / ZB_EBUSY (TR_OPEN_ALREADY) with why set; ZB_EDB. Call inside a transaction.
 */
int transfer_start(const struct actor *a, const struct transfer_new *n, int64_t now, int64_t *id,
                   struct transfer_why *why) ZB_MUST_USE;
/* transfer_resubmit - reopen the returned step of a returned transfer (the member or a manager). */
int transfer_resubmit(const struct actor *a, int64_t id, int64_t now,
                      struct transfer_why *why) ZB_MUST_USE;
/* transfer_renew - a renewed letter for an expired transfer (a manager of the sending side):
 * validity_days 0 = default; reopens the open step. */
int transfer_renew(const struct actor *a, int64_t id, int validity_days, int64_t now,
                   struct transfer_why *why) ZB_MUST_USE;
/* transfer_cancel - stop an unfinished transfer (a manager), keeping its trail. */
int transfer_cancel(const struct actor *a, int64_t id, const char *reason, int64_t now,
                    struct transfer_why *why) ZB_MUST_USE;

/* What transfer_receive needs: a member transferred in from outside zhibu. */
struct transfer_incoming {
    const char *name;   /* the member's name */
    const char *from;   /* the sending organisation's full name (outside zhibu) */
    const char *letter; /* the letter number */
    const char *to;     /* the receiving organisation: a path or a unique name */
    const char *phone;  /* "" or NULL: unknown */
    int dues_paid_to;   /* a dues month (dues.h), -1 unknown */
    int64_t issued_at;  /* the letter's date, 0: now */
};

/* transfer_letter_date - a letter's date (2026-05-20, 2026/5/20, 2026年5月20日) as noon local
 * time into *t. ZB_EINVAL for anything else. */
int transfer_letter_date(const char *s, int64_t *t) ZB_MUST_USE;

/*
 * transfer_receive - record a member transferred in from outside zhibu: the sender becomes (or
 * is found as) an external node, the member is created in the receiving organisation or, when the
 * phone matches a removed record, that record is restored there (never a duplicate: a current
 * member with the phone is ZB_EBUSY, TR_DUPLICATE); a done transfer with one approved step (the
 * receiving organisation's) and the letter's details in its trail. The actor: the operator, or one
 * allowed transfer_manage over the receiving organisation. *id the transfer, *member the member.
 * ZB_EINVAL / ZB_EDENIED / ZB_EBUSY with why set; ZB_EDB. Call inside a transaction.
 */
int transfer_receive(const struct actor *a, const struct transfer_incoming *in, int64_t now,
                     int64_t *id, int64_t *member, struct transfer_why *why) ZB_MUST_USE;

/* transfer_get - transfer id with its steps. ZB_ENOTFOUND, ZB_EDB. */
int transfer_get(int64_t id, struct transfer *out) ZB_MUST_USE;
/* transfer_may_see - ZB_OK when a may see t (the member, the approvers on its route, the
 * secretaries of both ends, the operator), ZB_EDENIED otherwise. */
int transfer_may_see(const struct actor *a, const struct transfer *t) ZB_MUST_USE;
/* transfer_current - the member's latest transfer that is not done or cancelled into *id
 * (0 when none). */
int transfer_current(int64_t member_id, int64_t *id) ZB_MUST_USE;
/* transfer_latest - the member's newest transfer of any status started at or after since into
 * *id (0 when none): what 进度 shows once nothing is open. */
int transfer_latest(int64_t member_id, int64_t since, int64_t *id) ZB_MUST_USE;
/* transfer_list - transfers a may see, newest first, status -1 for all, at most max into out
 * (caller's array), *n the count. */
int transfer_list(const struct actor *a, int status, int64_t *ids, size_t max,
                  size_t *n) ZB_MUST_USE;
/* transfer_events - the trail of id, oldest first, at most max; *n the count. */
int transfer_events(int64_t id, struct transfer_event *out, size_t max, size_t *n) ZB_MUST_USE;
/* transfer_approvers - the members who decide a step at org (书记, 组织委员), at most max. */
int transfer_approvers(int64_t org, int64_t *ids, size_t max, size_t *n) ZB_MUST_USE;

/* transfer_status_id / _parse - open|returned|expired|done|cancelled; parse also takes the Chinese
 * (办理中 已退回 已过期 已完成 已撤销) and gives -1 for anything else. */
const char *transfer_status_id(enum transfer_status s);
int transfer_status_parse(const char *s);
/* transfer_status_text - the status in Chinese (办理中 ... 已撤销), for CLI output and exports. */
const char *transfer_status_text(enum transfer_status s);
/* transfer_days_left - whole days left on t's letter at now (negative past it); 0 unissued. */
int transfer_days_left(const struct transfer *t, int64_t now);

/*
 * transfer_export_csv - one row per letter issued in local year (the process's TZ): member, from
 * and to in full, letter number, dues paid up to, validity, issue and receipt dates, reason, and
 * each step's organisation, decider and date. Operator or a manager of the whole tree. ZB_EDB,
 * ZB_EIO.
 */
int transfer_export_csv(int year, FILE *f) ZB_MUST_USE;

/* transfer_remind - the daily job's work at now: reminders for idle steps, warnings for letters
 * close to expiry, expired letters marked. Counts into *reminded, *warned, *expired (may be
 * NULL). Call inside a transaction. */
int transfer_remind(int64_t now, int *reminded, int *warned, int *expired) ZB_MUST_USE;

/* The inbox's decision kind for a step (registered by the registry). */
extern const struct decision_kind transfer_step_kind;

#endif
