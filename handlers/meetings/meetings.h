/*
 * meetings.h - 三会一课 and regular organisation life: scheduling, attendees, check-in, leave,
 * attendance with the quorum, minutes, and the quarterly ledger (../shared/domain.md 2.2).
 *
 * A meeting belongs to an organisation (the 支部, or the 党小组 for a 党小组会). Its attendees
 * are fixed when it is scheduled, from its kind: the whole branch, the committee (members holding
 * an elected post), or the group. Check-in is open from checkin_before_min before the start to
 * checkin_after_min after it and needs the meeting's code when one is set; leave is taken before
 * the start only. Members exempt from statistics (免于统计) are never counted as absent.
 *
 * Writers assert store_in_tx(): call them inside store_tx_run (CLI, REST) or on the writer
 * thread (chat). Every privileged write leaves an audit row. Times are Unix seconds; calendar
 * rules use the process time zone (TZ, from the config).
 */
#ifndef ZHIBU_MEETINGS_H
#define ZHIBU_MEETINGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bot/base/err.h"
#include "bot/org/actor.h"
#include "handlers/meetings/when.h"

struct migration_set;
struct role_action;

extern const struct migration_set meetings_migrations;

extern const struct role_action meetings_schedule;  /* schedule, change, cancel, set a code */
extern const struct role_action meetings_records;   /* attendance, minutes, the ledger */
extern const struct role_action meetings_proxy_act; /* check in or take leave for a member */

#define MEETINGS_MINUTES_MAX (64 * 1024) /* bytes of minutes as written by the recorder */
#define MEETINGS_REASON_MAX  300         /* bytes of a leave reason */
#define MEETINGS_CODE_LEN    4           /* digits of a check-in code */
#define MEETINGS_LIST_MAX    50          /* meetings in one listing */
#define MEETINGS_PEOPLE_MAX  2000        /* attendees of one meeting */

/* The settings of the config's "meetings" section. */
struct meetings_config {
    int checkin_before_min;    /* check-in opens this many minutes before the start (30) */
    int checkin_after_min;     /* and closes this many after it (30) */
    bool quorum_leave_shrinks; /* leave takes a member out of the quorum's denominator (false) */
    int lessons_per_year;      /* 党课 required per year (4: quarterly); sources conflict */
    int quiet_days;            /* a branch with nothing held for this long is flagged (30) */
};

/* meetings_configure - replace the settings (copied); before any other call. Defaults otherwise. */
void meetings_configure(const struct meetings_config *c);
/* meetings_settings - the settings in force. */
const struct meetings_config *meetings_settings(void);

enum meeting_status { MS_SCHEDULED = 0, MS_CANCELLED };
enum attend_state { AS_INVITED = 0, AS_PRESENT, AS_LEAVE };

struct meeting {
    int64_t id;                     /* row id */
    int64_t org_id;                 /* its 支部, or 党小组 for a 党小组会 */
    int64_t branch_id;              /* the 支部 (== org_id except for a group meeting) */
    enum meeting_kind kind;         /* the kind */
    int64_t starts_at;              /* Unix seconds */
    char place[WHEN_WORD_MAX + 1];  /* where */
    char topic[WHEN_TOPIC_MAX + 1]; /* what, may be "" */
    int64_t chair_id, recorder_id;  /* members, 0 unknown */
    enum meeting_status status;     /* scheduled or cancelled */
    bool held;                      /* recorded after the fact (--held) */
    bool has_code;                  /* a check-in code is set */
    bool has_minutes;               /* minutes are stored */
    int rev;                        /* bumped by every change of time or place */
};

/* A new meeting, as a face gathers it. */
struct meetings_new {
    int64_t org_id; /* the 支部 (or 党小组, or 0 with group naming one) */
    enum meeting_kind kind;
    const char *group; /* 党小组会: the group's name, NULL/"" = the org or the actor's group */
    int64_t starts_at; /* Unix seconds */
    const char *place; /* required */
    const char *topic; /* may be "" */
    const char *chair; /* a member's name, NULL/"" = the branch's secretary (the group leader) */
    const char *recorder; /* a member's name, NULL/"" = the organizer (组织委员), else the actor */
    bool held;            /* recording a meeting already held: a past time is allowed */
    bool silent;          /* no notice now (demo seeding); reminders still follow */
};

/*
 * meetings_add - schedule m for actor; *out receives the meeting, *invited the attendees
 * (may be NULL). Notifies every attendee at once (urgent). ZB_EINVAL for a missing place, a
 * kind/org mismatch or a time in the past without held; ZB_ENOTFOUND when the group, chair or
 * recorder is unknown (*what names which: "group", "chair", "recorder"); ZB_EDENIED when actor
 * may not schedule for that organisation; ZB_EDB.
 */
int meetings_add(const struct actor *actor, const struct meetings_new *m, int64_t now,
                 struct meeting *out, int *invited, const char **what) ZB_MUST_USE;

/* meetings_get - meeting id into *out; ZB_ENOTFOUND. */
int meetings_get(int64_t id, struct meeting *out) ZB_MUST_USE;

/*
 * meetings_change - move meeting id to starts_at (0: keep) and/or place (NULL: keep); bumps its
 * revision so reminders are worked out afresh, and notifies the attendees again. ZB_EDONE for a
 * cancelled meeting; ZB_EINVAL for a past time, or for a meeting that took place (started with
 * someone checked in, or with minutes: it belongs to the ledger); ZB_EDENIED; ZB_ENOTFOUND.
 */
int meetings_change(const struct actor *actor, int64_t id, int64_t starts_at, const char *place,
                    int64_t now) ZB_MUST_USE;
/* meetings_cancel - cancel it and tell the attendees; pending reminders are not sent.
 * ZB_EDONE when cancelled already; ZB_EINVAL when it took place (see meetings_change). */
int meetings_cancel(const struct actor *actor, int64_t id, int64_t now) ZB_MUST_USE;
/* meetings_held - *held: meeting id took place (started with someone checked in, or minutes
 * stored) by now, so it can no longer be changed or cancelled. ZB_ENOTFOUND; ZB_EDB. */
int meetings_held(int64_t id, int64_t now, bool *held) ZB_MUST_USE;

/* meetings_set_code - a fresh 4-digit check-in code for meeting id into code (size > 4). */
int meetings_set_code(const struct actor *actor, int64_t id, char *code, size_t codesz,
                      int64_t now) ZB_MUST_USE;

/* One meeting in a member's list. */
struct meetings_row {
    struct meeting m;        /* the meeting */
    enum attend_state state; /* the member's own state */
};
/* meetings_upcoming - member's meetings (not cancelled) starting after now - window close, the
 * soonest first, at most max into rows; *n the count. past: the latest past ones instead. */
int meetings_for_member(int64_t member_id, int64_t now, bool past, struct meetings_row *rows,
                        size_t max, size_t *n) ZB_MUST_USE;

/*
 * meetings_checkin - member checks in to meeting id (0: the one whose window holds now).
 * code: what they typed, "" for none. ZB_ENOTFOUND when no meeting of theirs is open now (or id
 * is not theirs); ZB_ESTALE outside the window; ZB_ESIG when a code is set and code is wrong or
 * missing; ZB_EDONE when already checked in; *out (may be NULL) the meeting.
 */
int meetings_checkin(int64_t member_id, int64_t id, const char *code, const char *how, int64_t now,
                     struct meeting *out) ZB_MUST_USE;
/*
 * meetings_leave - member takes leave from meeting id (0: their next one) with reason. ZB_ESTALE
 * after the start; ZB_ENOTFOUND; ZB_EDONE when already checked in; ZB_EINVAL with no reason.
 */
int meetings_leave(int64_t member_id, int64_t id, const char *reason, int64_t now,
                   struct meeting *out) ZB_MUST_USE;
/*
 * meetings_proxy - actor (a group leader or a secretary) checks in member_name for meeting id
 * (0: the actor's meeting open now), or records leave when reason is not NULL; marked "proxy".
 * Same codes as checkin/leave, plus ZB_EDENIED (not allowed for that member) and ZB_ENOTFOUND.
 * For a meeting recorded after the fact (held) the window does not apply: this is how its
 * attendance is entered.
 * *who receives the member.
 */
int meetings_proxy(const struct actor *actor, int64_t id, const char *member_name,
                   const char *reason, int64_t now, int64_t *who) ZB_MUST_USE;

/* One attendee in an attendance sheet. */
struct meetings_person {
    int64_t member_id;
    char name[65];                        /* the member's name */
    enum attend_state state;              /* present, on leave, or neither */
    bool exempt;                          /* exempt from statistics: never absent */
    bool probationary;                    /* no vote */
    bool committee;                       /* holds an elected post */
    int64_t at;                           /* check-in or leave time, 0 */
    char how[16];                         /* "self", "proxy", "api", "" */
    char reason[MEETINGS_REASON_MAX + 1]; /* leave reason */
};
/* The attendance of one meeting. */
struct meetings_sheet {
    struct meeting m;                   /* the meeting */
    struct meetings_person *people;     /* attendees (caller frees with free()) */
    size_t n;                           /* how many */
    int present, leave, absent, exempt; /* counts; absent excludes the exempt */
    bool has_quorum;                    /* the kind has a quorum rule */
    int quorum_due;                     /* denominator of the rule */
    int quorum_present;                 /* who counts towards it */
    bool quorum_met;                    /* more than half (大会) / at least half (支委会) */
};
/*
 * meetings_attendance - the sheet of meeting id; actor needs meetings_records for its
 * organisation. ZB_ENOTFOUND, ZB_EDENIED. The quorum: 支部党员大会 - present full members not
 * exempt, over full members not exempt (minus those on leave when quorum_leave_shrinks), more
 * than half; 支委会 - present committee members over the committee, at least half.
 */
int meetings_attendance(const struct actor *actor, int64_t id,
                        struct meetings_sheet *out) ZB_MUST_USE;
/* meetings_sheet_quorum - the quorum part of a sheet from its people (exported for tests). */
void meetings_sheet_quorum(struct meetings_sheet *s);

/*
 * meetings_minutes - store text as the minutes of meeting id, with a header filled in from the
 * records (time, place, chair, recorder, attendees, absentees with reasons); the text itself is
 * the recorder's. ZB_ETOOBIG past MEETINGS_MINUTES_MAX; ZB_EINVAL when empty.
 */
int meetings_minutes(const struct actor *actor, int64_t id, const char *text,
                     int64_t now) ZB_MUST_USE;
/* meetings_minutes_get - the stored minutes (header and text) of meeting id; caller frees. */
int meetings_minutes_get(const struct actor *actor, int64_t id, char **out) ZB_MUST_USE;

/* One line of the ledger. */
struct meetings_report_row {
    enum meeting_kind kind; /* the kind */
    char group[97];         /* 党小组会: the group's name; "" otherwise */
    int held;               /* meetings held in the quarter (the year for yearly rules) */
    int required;           /* what the rules ask for that span; 0 = nothing due yet */
    bool yearly;            /* counted over the year (组织生活会, 党课 under 4 a year) */
    bool short_of;          /* held < required */
    char dates[400];        /* "10月9日、11月6日" */
};
#define MEETINGS_REPORT_MAX 32 /* rows of a report (groups included) */
/*
 * meetings_report - the ledger of organisation branch for quarter (year, q 1-4): one row per kind
 * (and per group for 党小组会) into rows (max), *n the count; *quiet set when nothing was held
 * in the quiet_days before now. ZB_EDENIED, ZB_EINVAL.
 */
int meetings_report(const struct actor *actor, int64_t branch, int year, int q, int64_t now,
                    struct meetings_report_row *rows, size_t max, size_t *n,
                    bool *quiet) ZB_MUST_USE;
/* meetings_quarter_parse - "2026Q4" / "2026q4" into *year, *q. ZB_EINVAL. */
int meetings_quarter_parse(const char *s, int *year, int *q) ZB_MUST_USE;

/*
 * meetings_remind - the scheduler's minute job: for each scheduled meeting, a routine reminder
 * to attendees not on leave once now is within 24 h of the start, an urgent one within the last
 * hour; keys "meeting:ID:rREV:member:M:24h|1h", so running twice queues once and a change (new
 * revision) reminds afresh. *sent (may be NULL) counts notify calls that queued or folded.
 */
int meetings_remind(int64_t now, int *sent) ZB_MUST_USE;
/* meetings_quiet - the daily job: tell each 支部's secretary once per quiet spell when nothing
 * was held in quiet_days ("meeting:quiet:ORG:SINCE"). */
int meetings_quiet(int64_t now, int *flagged) ZB_MUST_USE;

/* meetings_field_cut - s as a template field: at most 20 characters, "…" last when cut (the
 * message body always carries the whole text). */
void meetings_field_cut(const char *s, char *out, size_t outsz);

/* meetings_member_branch - the 支部 of a member (the parent of their 党小组 when the member's
 * organisation is a group). */
int meetings_member_branch(int64_t member_id, int64_t *branch) ZB_MUST_USE;

#endif
