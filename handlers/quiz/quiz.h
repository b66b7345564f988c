/*
 * quiz.h - the question bank, quizzes in private chat and over REST, group contests, and the
 * record of every answer.
 *
 * Questions arrive in batches (a JSON bank or a spreadsheet's CSV), are validated as a whole -
 * one problem anywhere and nothing is imported - and enter review as one decision of the inbox
 * per batch (kind "quiz"; with content.review_levels 2 a second decision, kind "quiz_sign",
 * follows the first approval). Only published questions are ever asked. A round asks
 * quiz.questions_per_round questions a member has not seen in their recent rounds; a contest
 * asks a QQ group one question at a time against a timer. Every answer is a row of quiz_answers
 * with the points it earned (1 per right answer, within the daily cap shared with study).
 * Functions return codes from bot/base/err.h and result structs; the Chinese is the faces'.
 */
#ifndef ZHIBU_QUIZ_H
#define ZHIBU_QUIZ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "bot/base/buf.h"
#include "bot/base/err.h"
#include "bot/org/actor.h"
#include "bot/org/role.h"
#include "bot/store/migrations.h"

#define QUIZ_ID_MAX        64        /* bytes of a question's bank id */
#define QUIZ_TEXT_MAX      600       /* bytes of a question */
#define QUIZ_OPTION_MAX    200       /* bytes of one option */
#define QUIZ_OPTIONS_MAX   8         /* options A..H */
#define QUIZ_EXPLAIN_MAX   1200      /* bytes of an explanation */
#define QUIZ_SOURCE_MAX    300       /* bytes of a source */
#define QUIZ_TAGS_MAX      200       /* bytes of the tags, joined by commas */
#define QUIZ_BANK_MAX      500       /* questions in one import */
#define QUIZ_FILE_MAX      (2 << 20) /* bytes of a file to import */
#define QUIZ_PROBLEMS_MAX  50        /* problem lines kept in a report */
#define QUIZ_ROUND_MAX     20        /* questions in one round or contest */
#define QUIZ_RECENT_ROUNDS 10 /* a new round avoids the questions of this many recent rounds */
#define QUIZ_WRONG_MAX     20 /* wrong answers replayed at once */

enum quiz_kind { QUIZ_SINGLE = 0, QUIZ_MULTIPLE, QUIZ_TRUEFALSE };

/* One question as parsed or stored. */
struct quiz_question {
    int64_t id;                                          /* row id, 0 before import */
    char ext_id[QUIZ_ID_MAX + 1];                        /* the bank's id ("dues-001") */
    enum quiz_kind kind;                                 /* single, multiple, true/false */
    char text[QUIZ_TEXT_MAX + 1];                        /* the question */
    size_t n_options;                                    /* 2..QUIZ_OPTIONS_MAX */
    char options[QUIZ_OPTIONS_MAX][QUIZ_OPTION_MAX + 1]; /* A, B, ... (对, 错 for true/false) */
    char answer[QUIZ_OPTIONS_MAX + 1];                   /* the right letters, sorted: "AC" */
    char explanation[QUIZ_EXPLAIN_MAX + 1];              /* why, "" when none */
    char tags[QUIZ_TAGS_MAX + 1];                        /* comma-separated, "" when none */
    char source[QUIZ_SOURCE_MAX + 1];                    /* where the rule comes from */
};

/* A parsed bank: the questions and every problem found, each naming its line or item. */
struct quiz_bank {
    struct quiz_question *q; /* n of them (caller frees with quiz_bank_free) */
    size_t n;                /* questions */
    size_t problems;         /* problems found (the report may hold fewer lines) */
    struct buf report;       /* one Chinese line per problem, capped */
};

/* The roles of the capability (checked by the dispatchers through role_can). */
extern const struct role_action quiz_act_import; /* import a bank: committee members */
extern const struct role_action
    quiz_act_contest; /* start a group contest: 书记, 副书记, 党小组长 */

/* The quiz tables' schema steps. */
extern const struct migration_set quiz_migrations;
/* The decision kinds: first review and the second signature. */
extern const struct decision_kind quiz_review_kind, quiz_sign_kind;

/* Settings (from the config; the defaults apply until quiz_configure). */
struct quiz_settings {
    int per_round;       /* quiz.questions_per_round */
    int contest_seconds; /* quiz.contest_seconds */
    int review_levels;   /* content.review_levels: 1 or 2 */
    bool show_rankings;  /* study.show_rankings: names in contest results */
    int daily_cap;       /* study.daily_points_cap: points a day, quiz and study together; 0 none */
    const char *bank_dir; /* quiz.bank_dir: the bundled banks the demo imports (borrowed) */
};
void quiz_configure(const struct quiz_settings *s);
const struct quiz_settings *quiz_settings(void);

/* quiz_kind_name - "单选", "多选", "判断". */
const char *quiz_kind_name(enum quiz_kind k);

/*
 * quiz_parse_json / quiz_parse_csv - parse a bank (len bytes at data; the CSV in UTF-8 or GBK)
 * into *out (initialised here; free with quiz_bank_free) and validate every question: type,
 * empty question, 2..8 options, answer among the options (one for single and true/false, two or
 * more for multiple), duplicate id, caps. ZB_OK when it parsed and had no problem; ZB_EINVAL
 * when problems were found (out->report names each, with its line or item and field);
 * ZB_EPARSE / ZB_ETOOBIG when the file as a whole does not read (the report says why).
 */
int quiz_parse_json(const char *data, size_t len, struct quiz_bank *out) ZB_MUST_USE;
int quiz_parse_csv(const char *data, size_t len, struct quiz_bank *out) ZB_MUST_USE;
void quiz_bank_free(struct quiz_bank *b);

/*
 * quiz_import - store bank b (parsed without problems) as one batch of org_id (0: the actor's
 * organisation) by actor, in review, and open its decision; *batch_id and *decision_id receive
 * the ids. ZB_EINVAL (report line added to b) when an id is already in org's bank; ZB_EDENIED
 * when the actor may not import for org; ZB_EDB. Audited. Call inside a transaction.
 */
int quiz_import(const struct actor *a, struct quiz_bank *b, int64_t org_id, const char *name,
                int64_t now, int64_t *batch_id, int64_t *decision_id) ZB_MUST_USE;

/* quiz_parse_answer - a member's answer to q as sorted letters into out ("AC"): letters (a/A/Ａ),
 * numbers (1 = A), 甲/乙/丙/丁 (= A..D), 对/错 是/否 √/× for true/false, "AC" or "A C", after an
 * optional 选 / 我选 / 选择 / 答案 / 答案是. ZB_EINVAL when it is not one. */
int quiz_parse_answer(const struct quiz_question *q, const char *text,
                      char out[QUIZ_OPTIONS_MAX + 1]) ZB_MUST_USE;

/* A round: a member's quiz in private chat or through the API. */
struct quiz_round {
    int64_t id;        /* round id */
    int64_t member_id; /* whose */
    int n;             /* questions */
    int answered;      /* answered so far */
    int right;         /* right so far */
    int64_t last_at;   /* last activity */
    bool open;         /* not finished or expired */
};

/* The outcome of one answer. */
struct quiz_result {
    bool correct;                     /* right? */
    char given[QUIZ_OPTIONS_MAX + 1]; /* the answer as letters */
    int points;                       /* points earned (0 when capped or wrong) */
    struct quiz_question q;           /* the question answered (answer, explanation, source) */
    struct quiz_round round;          /* the round after the answer */
};

/*
 * quiz_round_start - a new round of per_round questions for member (their open round ends
 * first), visible to the member's organisation, published only, avoiding the member's recent
 * rounds when the bank allows. ZB_ENOTFOUND when no published question reaches them. Inside a
 * transaction.
 */
int quiz_round_start(int64_t member_id, const char *channel, int64_t now,
                     struct quiz_round *out) ZB_MUST_USE;
/* quiz_round_replay - a round of the member's wrong answers (quiz_wrong), at most per_round;
 * ZB_ENOTFOUND when there are none. Inside a transaction. */
int quiz_round_replay(int64_t member_id, const char *channel, int64_t now,
                      struct quiz_round *out) ZB_MUST_USE;
/* quiz_round_get - round id of member into *out (ZB_ENOTFOUND when not theirs). */
int quiz_round_get(int64_t member_id, int64_t id, struct quiz_round *out) ZB_MUST_USE;
/* quiz_round_question - question seq (1-based) of round id into *q. */
int quiz_round_question(int64_t round_id, int seq, struct quiz_question *q) ZB_MUST_USE;
/*
 * quiz_round_answer - answer question seq of round (0: the next unanswered) with text. ZB_EINVAL
 * when text is no answer to it (nothing recorded); ZB_EDONE when the round is over or seq was
 * answered; ZB_ENOTFOUND. Inside a transaction; *out filled on ZB_OK.
 */
int quiz_round_answer(int64_t member_id, int64_t round_id, int seq, const char *text, int64_t now,
                      struct quiz_result *out) ZB_MUST_USE;
/* quiz_round_close - end the round (expired when idle, else finished). Inside a transaction. */
int quiz_round_close(int64_t round_id, bool expired, int64_t now) ZB_MUST_USE;

/* quiz_wrong - the member's questions last answered wrong (newest first, published ones), at
 * most max into out; *n how many. */
int quiz_wrong(int64_t member_id, struct quiz_question *out, size_t max, size_t *n) ZB_MUST_USE;

/* A member's record over a period, for 积分 (the study capability shows it). */
struct quiz_stats {
    int rounds;   /* rounds started */
    int answered; /* answers (rounds and contests) */
    int right;    /* right answers */
    int points;   /* points earned */
};
/* quiz_record - member's answers since (Unix seconds) into *out. */
int quiz_record(int64_t member_id, int64_t since, struct quiz_stats *out) ZB_MUST_USE;
/* quiz_points_since - the points of quiz_record (a study_points_fn: the daily cap is shared). */
int quiz_points_since(int64_t member_id, int64_t since, int *points) ZB_MUST_USE;

/* A group contest. */
struct quiz_contest {
    int64_t id;        /* contest id */
    int64_t org_id;    /* the branch it counts for */
    int n;             /* questions */
    int pos;           /* the question now open (1-based); n + 1 when over */
    int seconds;       /* time per question */
    bool open;         /* still running */
    char platform[16]; /* "onebot" */
    char group[64];    /* the QQ group */
};
/*
 * quiz_contest_start - a contest of n questions in group (platform) for org, started by member;
 * the text of the opening post (question 1) into post. ZB_EBUSY when the group has one
 * running; ZB_ENOTFOUND when no published question reaches org. Inside a transaction.
 */
int quiz_contest_start(int64_t member_id, int64_t org_id, const char *platform, const char *group,
                       int n, int64_t now, struct quiz_contest *out, struct buf *post) ZB_MUST_USE;
/* quiz_contest_answer - a member's first answer to the open question (ZB_EDONE for a second,
 * ZB_EINVAL for text that is no answer, ZB_ENOTFOUND when the contest is over). */
int quiz_contest_answer(int64_t contest_id, int64_t member_id, const char *text,
                        int64_t now) ZB_MUST_USE;
/*
 * quiz_contest_advance - close question pos of the contest (nothing when it moved on already:
 * *moved false) and queue the next post - the answer and the next question, or the results -
 * to the group through the outbox. *over says the contest ended. Inside a transaction.
 */
int quiz_contest_advance(int64_t contest_id, int pos, int64_t now, bool *moved,
                         bool *over) ZB_MUST_USE;
/* quiz_contest_get - contest id into *out. */
int quiz_contest_get(int64_t id, struct quiz_contest *out) ZB_MUST_USE;
/* quiz_group_branch - the branch a group's contest counts for: the organisation the group is
 * bound to (`zhibu group bind`), else the starter's own organisation. */
int quiz_group_branch(const char *platform, const char *group, int64_t starter,
                      int64_t *org_id) ZB_MUST_USE;

/* quiz_demo_seed - import the bundled banks and approve them (demo members). */
int quiz_demo_seed(void) ZB_MUST_USE;

/* quiz_list - print the questions of batch (0: all) to f, state and id first. */
int quiz_list(int64_t batch, FILE *f) ZB_MUST_USE;

#endif
