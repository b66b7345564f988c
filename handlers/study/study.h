/*
 * study.h - study content: items that are reviewed, aimed at their readers, and read.
 *
 * An item belongs to an organisation (a 党委's items reach its whole subtree, a branch's its own
 * members) and moves draft -> in_review -> published / rejected -> retired. Every import is a
 * new version; a published or rejected item that is imported again with other content goes
 * back through review. Review runs through the one inbox (handlers/todo): kind "study", one
 * decision per review step; with content.review_levels 2 a second, different reviewer signs
 * after the first (study_review_may). Only published items reach members, each carrying who
 * wrote and who approved it. An item's audience tags (config study.audiences) say which members
 * it is for; none means everyone in its organisation's subtree.
 *
 * Reads are recorded per member and item (chat, the page /s/ID, the API), with points capped
 * per day (study.daily_points_cap); no time-spent metric. A member may subscribe to a daily
 * digest (jobs.c). Domain functions return codes from bot/base/err.h and structs; the faces
 * (chat.c, cli.c, api.c, page.c) choose the Chinese. Writes run inside the caller's
 * transaction.
 */
#ifndef ZHIBU_STUDY_H
#define ZHIBU_STUDY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bot/base/buf.h"
#include "bot/base/err.h"
#include "bot/base/sensitive.h"
#include "bot/org/actor.h"
#include "bot/org/role.h"
#include "bot/store/migrations.h"
#include "handlers/study/header.h"

#define STUDY_SLUG_MAX      64   /* bytes of an item's file name without .md */
#define STUDY_FILES_MAX     500  /* files in one import */
#define STUDY_LIST_MAX      200  /* items in one listing */
#define STUDY_SCAN_MAX      2000 /* published items looked at to choose a member's */
#define STUDY_TAG_DEFS_MAX  32   /* tags in study.audiences */
#define STUDY_TAG_WORDS_MAX 16   /* words or categories per tag */
#define STUDY_HITS_MAX      16   /* sensitive-word hits reported */
#define STUDY_DIGEST_BATCH  500  /* members sent a digest by one run of the job */
#define STUDY_HOOKS_MAX     4    /* record sections (the quiz adds one) */

enum study_status {
    STUDY_DRAFT = 0,
    STUDY_IN_REVIEW,
    STUDY_PUBLISHED,
    STUDY_REJECTED,
    STUDY_RETIRED
};

/* The capability's settings (bot/app fills them from the config). */
struct study_config {
    int review_levels;          /* content.review_levels: 1 or 2 */
    const char *sensitive_path; /* content.sensitive_words: a file, "" for none */
    const char *audiences_json; /* study.audiences as JSON text, "" or "{}" for none */
    const char *digest_time;    /* study.digest_time "HH:MM" local */
    int points_cap;             /* study.daily_points_cap: points a day at most */
};

/* An item as stored (current version). */
struct study_item {
    int64_t id;
    int64_t org_id;                   /* the owning organisation */
    int64_t author_id;                /* the member who imported this version */
    int64_t reviewer1_id;             /* who approved it first, 0 while not */
    int64_t reviewer2_id;             /* the second signature (review_levels 2), 0 */
    enum study_status status;         /* see above */
    int version;                      /* 1 for the first import */
    int64_t created_at, published_at; /* Unix seconds; published_at 0 while not */
    char slug[STUDY_SLUG_MAX + 1];    /* file name without .md, unique per organisation */
    struct study_header h;            /* title, date, tags, audience, summary, source */
    char *body;                       /* the Markdown body, owned: study_item_clear frees it */
};

/* One file of an import, parsed (study_parse). */
struct study_draft {
    char slug[STUDY_SLUG_MAX + 1]; /* from the file name */
    char path[512];                /* as given, for messages */
    struct study_header h;         /* the header */
    char *body;                    /* owned; study_drafts_free */
};

/* What an import did. */
struct study_import_result {
    int added;     /* new items, now in review */
    int revised;   /* items with a new version, back in review */
    int unchanged; /* identical to their current version: nothing done */
};

/* A member's record over a period. */
struct study_tally {
    int items;  /* items read */
    int points; /* points earned */
};
struct study_record {
    struct study_tally week, month;               /* the member's own */
    struct study_tally branch_week, branch_month; /* the member's organisation, all members */
    int branch_members;                           /* members of that organisation */
};

/* A record section another capability adds to 积分 (the quiz: answers and accuracy): append
 * short Chinese lines about member_id since week_start / month_start to out. */
typedef int (*study_record_fn)(int64_t member_id, int64_t week_start, int64_t month_start,
                               struct buf *out);

extern const struct migration_set study_migrations;
extern const struct decision_kind study_decision_kind;
extern const struct role_action study_import_action; /* editors: committee roles */
extern const struct role_action study_manage_action; /* list, show, retire: and the operator */

/* study_configure - adopt c (copied): parses study.audiences and loads the sensitive-word list.
 * ZB_ECONFIG with err naming the key when anything is wrong. Call before serving or running a
 * command that imports. */
int study_configure(const struct study_config *c, char *err, size_t errsz) ZB_MUST_USE;
/* study_settings - the adopted settings (defaults before study_configure). */
const struct study_config *study_settings(void);
/* study_reset - forget the settings and the word list (tests). */
void study_reset(void);

/*
 * study_check_text - the sensitive words in text (len bytes), for imports and for every later
 * broadcast: up to max hits (positions in characters and bytes, sensitive.h) into hits, *n
 * stored. ZB_OK when none or no list is configured; ZB_EDENIED when some were found.
 */
int study_check_text(const char *text, size_t len, struct sensitive_hit *hits, size_t max,
                     size_t *n) ZB_MUST_USE;
/* study_describe_hits - "“词”（第 5 字）、…" for hits in text, into out (size outsz). */
void study_describe_hits(const char *text, const struct sensitive_hit *hits, size_t n, char *out,
                         size_t outsz);

/*
 * study_parse - read and check the files of paths (each a .md file or a folder of them; sorted
 * by name) into *drafts (*n of them; caller frees with study_drafts_free). Nothing is written.
 * ZB_OK; or ZB_EPARSE / ZB_ETOOBIG / ZB_EIO / ZB_EDENIED (sensitive words) / ZB_EINVAL (an
 * unknown audience tag, a slug twice) with err naming the file and line.
 */
int study_parse(const char *const *paths, size_t npaths, struct study_draft **drafts, size_t *n,
                char *err, size_t errsz) ZB_MUST_USE;
void study_drafts_free(struct study_draft *d, size_t n);

/*
 * study_import - add drafts as a's items of organisation org_id (0: a's own), each entering
 * review (a decision in the inbox). a must be a member allowed study_import_action on org_id
 * (ZB_EDENIED); ZB_ENOTFOUND for an unknown organisation. Audited. Call inside a transaction.
 */
int study_import(const struct actor *a, int64_t org_id, const struct study_draft *drafts, size_t n,
                 int64_t now, struct study_import_result *res) ZB_MUST_USE;

/*
 * study_review_may - may a sign review step level (1 or 2) of an item by author_id owned by
 * org_id, whose first signature (level 2 only) is first_reviewer_id? Level 1: a member other
 * than the author with the publicity or secretary role over org_id. Level 2: a member other than
 * the author and the first reviewer who is 书记 or 副书记 of org_id or of the organisation
 * directly above it. ZB_OK, ZB_EDENIED, ZB_EDB. For study items and (later) quiz questions.
 */
int study_review_may(const struct actor *a, int64_t author_id, int64_t org_id, int level,
                     int64_t first_reviewer_id) ZB_MUST_USE;

/* study_get - item id into *out (caller study_item_clear). ZB_ENOTFOUND, ZB_EDB. */
int study_get(int64_t id, struct study_item *out) ZB_MUST_USE;
void study_item_clear(struct study_item *it);
/* study_return_reason - why item id was last returned and by whom (*by, 0 when unknown), into
 * out (outsz bytes; "" when it never was). ZB_OK, ZB_EDB. */
int study_return_reason(int64_t id, char *out, size_t outsz, int64_t *by) ZB_MUST_USE;
/* study_status_name - 草稿, 审核中, 已发布, 已退回, 已下线. */
const char *study_status_name(enum study_status s);

/* study_each - every item (no body) of the subtree of root (0: all), newest first, at most
 * STUDY_LIST_MAX: fn(item, arg); a non-zero return stops and is returned. */
int study_each(int64_t root, int (*fn)(const struct study_item *it, void *arg),
               void *arg) ZB_MUST_USE;

/* study_retire - take a published item off (a allowed study_manage_action on its
 * organisation). ZB_ENOTFOUND, ZB_EDENIED, ZB_EDONE when not published. Audited. In a tx. */
int study_retire(const struct actor *a, int64_t id, int64_t now) ZB_MUST_USE;

/* study_reaches - whether published-or-not item it is aimed at member_id (organisation subtree
 * and audience tags). ZB_OK with *yes; ZB_ENOTFOUND for no such member; ZB_EDB. */
int study_reaches(const struct study_item *it, int64_t member_id, bool *yes) ZB_MUST_USE;
/* study_audience_each - fn(member_id, name, arg) for every member it would reach. */
int study_audience_each(const struct study_item *it,
                        int (*fn)(int64_t member_id, const char *name, void *arg),
                        void *arg) ZB_MUST_USE;

/* A published item as a member sees it in a list. */
struct study_entry {
    int64_t id;
    char title[STUDY_TITLE_MAX + 1];
    int64_t published_at;
    bool read; /* the member has read it */
};

/*
 * study_for_member - the published items aimed at member_id, newest first: up to max into out,
 * *n stored. ZB_OK; ZB_ENOTFOUND when no such member; ZB_EDB.
 */
int study_for_member(int64_t member_id, struct study_entry *out, size_t max, size_t *n) ZB_MUST_USE;

/*
 * study_pick - the item to offer member_id: next false gives the newest unread item (today's),
 * next true the first unread item after the one offered last (then wrapping). The offer is
 * remembered. *id 0 when nothing is left unread. In a tx.
 */
int study_pick(int64_t member_id, bool next, int64_t now, int64_t *id) ZB_MUST_USE;

/*
 * study_read - record that member_id read item id through channel (first read earns a point
 * within the day's cap). *first (may be NULL) says whether it was the first read. ZB_ENOTFOUND
 * when the item is not published or not aimed at the member. In a tx.
 */
int study_read(int64_t member_id, int64_t id, const char *channel, int64_t now,
               bool *first) ZB_MUST_USE;

/* study_subscribe - turn member_id's daily digest on or off; *changed whether it was not so
 * already. In a tx. */
int study_subscribe(int64_t member_id, bool on, int64_t now, bool *changed) ZB_MUST_USE;
/* study_subscribed - whether member_id receives the digest. */
int study_subscribed(int64_t member_id, bool *on) ZB_MUST_USE;
/* study_subscribers - up to max subscribed members not yet sent the digest of day into ids. */
int study_subscribers(const char *day, int64_t *ids, size_t max, size_t *n) ZB_MUST_USE;
/* study_digest_mark - remember that member_id got day's digest (idempotent). In a tx. */
int study_digest_mark(int64_t member_id, const char *day, int64_t now) ZB_MUST_USE;

/* study_record_get - member_id's record for the week and month of now (local time). */
int study_record_get(int64_t member_id, int64_t now, struct study_record *out) ZB_MUST_USE;
/* A source of points another capability awards (the quiz's right answers): the points member_id
 * earned there since (Unix seconds) into *points. The daily cap counts them all. */
typedef int (*study_points_fn)(int64_t member_id, int64_t since, int *points);

/* study_points_register - count fn's points against the shared daily cap (at start-up).
 * ZB_ETOOBIG past the cap. */
int study_points_register(study_points_fn fn) ZB_MUST_USE;

/* study_points_today - the points member_id earned by reading on the local day of now. */
int study_points_today(int64_t member_id, int64_t now, int *points) ZB_MUST_USE;

/* study_record_register - add a section to 积分 (at start-up). ZB_ETOOBIG past the cap. */
int study_record_register(study_record_fn fn) ZB_MUST_USE;
/* study_record_sections - run every registered section for member_id into out. */
int study_record_sections(int64_t member_id, int64_t now, struct buf *out) ZB_MUST_USE;

/* study_day - the local calendar day of t, "YYYY-MM-DD", into out (size >= 11). */
void study_day(int64_t t, char *out, size_t outsz);

#endif
