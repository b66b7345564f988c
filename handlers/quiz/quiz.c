/*
 * quiz.c - the rules and SQL of the quiz capability (see quiz.h): batches and their review,
 * rounds, answers and points, group contests (whose group posts are composed here, beside the
 * SQL they summarise). Parsing lives in parse.c.
 */
#include "handlers/quiz/quiz.h"

#include "handlers/quiz/internal.h"

#include <assert.h>
#include <dirent.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bot/chat/group_rules.h"
#include "bot/base/clock.h"
#include "bot/base/log.h"
#include "bot/base/textfmt.h"
#include "bot/base/xmalloc.h"
#include "bot/delivery/outbox.h"
#include "bot/org/audit.h"
#include "bot/org/branch.h"
#include "bot/org/member.h"
#include "bot/store/store.h"
#include "handlers/study/study.h"
#include "handlers/todo/todo.h"

static const char *const quiz_steps[] = {
    /* 1: batches, questions, rounds, answers, contests. */
    "CREATE TABLE quiz_batches ("
    "  id INTEGER PRIMARY KEY,"
    "  org_id INTEGER NOT NULL," /* branches(id) that owns the questions */
    "  author_id INTEGER,"       /* members(id) who imported, NULL for the operator */
    "  name TEXT NOT NULL,"      /* the file imported */
    "  n INTEGER NOT NULL,"      /* questions */
    "  state TEXT NOT NULL DEFAULT 'in_review'," /* in_review | published | rejected */
    "  stage INTEGER NOT NULL DEFAULT 1,"        /* review level awaited */
    "  first_reviewer_id INTEGER,"               /* members(id) who approved level 1 */
    "  created_at INTEGER NOT NULL,"
    "  decided_at INTEGER"
    ");"
    "CREATE TABLE quiz_questions ("
    "  id INTEGER PRIMARY KEY,"
    "  batch_id INTEGER NOT NULL REFERENCES quiz_batches(id),"
    "  org_id INTEGER NOT NULL,"
    "  ext_id TEXT NOT NULL,"  /* the bank's id */
    "  kind INTEGER NOT NULL," /* enum quiz_kind */
    "  question TEXT NOT NULL,"
    "  options TEXT NOT NULL," /* the options, one per line */
    "  answer TEXT NOT NULL,"  /* sorted letters */
    "  explanation TEXT NOT NULL DEFAULT '',"
    "  tags TEXT NOT NULL DEFAULT '',"
    "  source TEXT NOT NULL DEFAULT '',"
    "  state TEXT NOT NULL DEFAULT 'in_review'" /* in_review | published | rejected | retired */
    ");"
    "CREATE UNIQUE INDEX quiz_questions_ext ON quiz_questions(org_id, ext_id) "
    "  WHERE state IN ('in_review', 'published');"
    "CREATE INDEX quiz_questions_state ON quiz_questions(state);"
    "CREATE TABLE quiz_rounds ("
    "  id INTEGER PRIMARY KEY,"
    "  member_id INTEGER NOT NULL,"
    "  channel TEXT NOT NULL,"
    "  n INTEGER NOT NULL,"
    "  answered INTEGER NOT NULL DEFAULT 0,"
    "  right_count INTEGER NOT NULL DEFAULT 0,"
    "  state TEXT NOT NULL DEFAULT 'open'," /* open | done | expired */
    "  started_at INTEGER NOT NULL,"
    "  last_at INTEGER NOT NULL"
    ");"
    "CREATE INDEX quiz_rounds_member ON quiz_rounds(member_id, id);"
    "CREATE TABLE quiz_round_items ("
    "  round_id INTEGER NOT NULL REFERENCES quiz_rounds(id),"
    "  seq INTEGER NOT NULL,"
    "  question_id INTEGER NOT NULL,"
    "  PRIMARY KEY (round_id, seq)"
    ");"
    "CREATE TABLE quiz_contests ("
    "  id INTEGER PRIMARY KEY,"
    "  org_id INTEGER NOT NULL,"
    "  platform TEXT NOT NULL,"
    "  group_id TEXT NOT NULL,"
    "  started_by INTEGER NOT NULL,"
    "  n INTEGER NOT NULL,"
    "  pos INTEGER NOT NULL DEFAULT 1,"
    "  seconds INTEGER NOT NULL,"
    "  state TEXT NOT NULL DEFAULT 'open'," /* open | done */
    "  started_at INTEGER NOT NULL"
    ");"
    "CREATE UNIQUE INDEX quiz_contests_open ON quiz_contests(platform, group_id) "
    "  WHERE state = 'open';"
    "CREATE TABLE quiz_contest_items ("
    "  contest_id INTEGER NOT NULL REFERENCES quiz_contests(id),"
    "  seq INTEGER NOT NULL,"
    "  question_id INTEGER NOT NULL,"
    "  PRIMARY KEY (contest_id, seq)"
    ");"
    "CREATE TABLE quiz_answers ("
    "  id INTEGER PRIMARY KEY,"
    "  member_id INTEGER NOT NULL,"
    "  question_id INTEGER NOT NULL,"
    "  round_id INTEGER,"   /* quiz_rounds(id), or NULL */
    "  contest_id INTEGER," /* quiz_contests(id), or NULL */
    "  seq INTEGER NOT NULL,"
    "  given TEXT NOT NULL,"
    "  correct INTEGER NOT NULL,"
    "  points INTEGER NOT NULL DEFAULT 0,"
    "  at INTEGER NOT NULL"
    ");"
    "CREATE UNIQUE INDEX quiz_answers_round ON quiz_answers(round_id, seq) WHERE round_id IS NOT "
    "NULL;"
    "CREATE UNIQUE INDEX quiz_answers_contest ON quiz_answers(contest_id, seq, member_id) WHERE "
    "contest_id IS NOT NULL;"
    "CREATE INDEX quiz_answers_member ON quiz_answers(member_id, at);",
};

const struct migration_set quiz_migrations = {"quiz", quiz_steps,
                                              sizeof quiz_steps / sizeof quiz_steps[0]};

const struct role_action quiz_act_import = {
    .id = "quiz.import",
    .roles = ROLE_SECRETARY | ROLE_DEPUTY | ROLE_ORGANIZER | ROLE_PUBLICITY,
    .operator_ok = false,
    .refusal = "只有支委会成员可以导入题库。",
};
const struct role_action quiz_act_contest = {
    .id = "quiz.contest",
    .roles = ROLE_SECRETARY | ROLE_DEPUTY | ROLE_GROUP_LEADER,
    .operator_ok = false,
    .refusal = "只有书记、副书记或党小组长可以发起竞答。",
};
static struct quiz_settings settings = {
    .per_round = 5,
    .contest_seconds = 30,
    .review_levels = 1,
    .show_rankings = false,
    .daily_cap = 20,
    .bank_dir = "content/quiz",
};

void quiz_configure(const struct quiz_settings *s)
{
    static char dir[512];
    settings = *s;
    snprintf(dir, sizeof dir, "%s", s->bank_dir ? s->bank_dir : "content/quiz");
    settings.bank_dir = dir;
    if (settings.per_round < 1 || settings.per_round > QUIZ_ROUND_MAX)
        settings.per_round = 5;
    if (settings.review_levels != 2)
        settings.review_levels = 1;
}

const struct quiz_settings *quiz_settings(void)
{
    return &settings;
}

/* ---- review ---- */

struct batch {
    int64_t id, org_id, author_id, first_id;
    int n, stage;
    char name[160];
    char state[16];
};

static const char sql_batch_get[] =
    "SELECT id, org_id, coalesce(author_id, 0), coalesce(first_reviewer_id, 0), n, stage, name, "
    "state FROM quiz_batches WHERE id=?1";

static int batch_get(int64_t id, struct batch *b)
{
    sqlite3_stmt *st = store_stmt(sql_batch_get);
    if (!st)
        return ZB_EDB;
    sqlite3_bind_int64(st, 1, id);
    int step = sqlite3_step(st), rc = ZB_OK;
    if (step == SQLITE_ROW) {
        b->id = sqlite3_column_int64(st, 0);
        b->org_id = sqlite3_column_int64(st, 1);
        b->author_id = sqlite3_column_int64(st, 2);
        b->first_id = sqlite3_column_int64(st, 3);
        b->n = sqlite3_column_int(st, 4);
        b->stage = sqlite3_column_int(st, 5);
        snprintf(b->name, sizeof b->name, "%s", store_text(st, 6));
        snprintf(b->state, sizeof b->state, "%s", store_text(st, 7));
    } else {
        rc = step == SQLITE_DONE ? ZB_ENOTFOUND : ZB_EDB;
    }
    sqlite3_reset(st);
    return rc;
}

static int review_summary(const struct decision *d, char *out, size_t outsz)
{
    struct batch b;
    if (batch_get(d->object_id, &b))
        return ZB_ENOTFOUND;
    snprintf(out, outsz, "题库《%.60s》%d 题%s（回复 同意 %lld 或 退回 %lld 原因）", b.name, b.n,
             d->kind == &quiz_sign_kind ? "，已初审" : "", (long long)d->id, (long long)d->id);
    return ZB_OK;
}

static int review_may_decide(const struct actor *a, const struct decision *d)
{
    struct batch b;
    if (batch_get(d->object_id, &b))
        return ZB_EDENIED;
    /* one review rule for all content: study items and question banks alike */
    return study_review_may(a, b.author_id, b.org_id, d->kind == &quiz_sign_kind ? 2 : 1,
                            b.first_id);
}

static const char sql_batch_set[] =
    "UPDATE quiz_batches SET state=?2, stage=?3, first_reviewer_id=coalesce(first_reviewer_id, "
    "nullif(?4, 0)), decided_at=?5 WHERE id=?1";
static const char sql_questions_set[] =
    "UPDATE quiz_questions SET state=?2 WHERE batch_id=?1 AND state='in_review'";

static int batch_set(int64_t id, const char *state, int stage, int64_t first, int64_t now)
{
    sqlite3_stmt *st = store_stmt(sql_batch_set);
    if (!st)
        return ZB_EDB;
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_text(st, 2, state, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 3, stage);
    sqlite3_bind_int64(st, 4, first);
    sqlite3_bind_int64(st, 5, now);
    if (store_exec_done(st))
        return ZB_EDB;
    if (strcmp(state, "in_review") == 0)
        return ZB_OK;
    if (!(st = store_stmt(sql_questions_set)))
        return ZB_EDB;
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_text(st, 2, state, -1, SQLITE_STATIC);
    return store_exec_done(st);
}

static int review_approve(const struct actor *a, const struct decision *d)
{
    struct batch b;
    int rc = batch_get(d->object_id, &b);
    if (rc)
        return rc;
    int64_t now = d->decided_at;
    if (d->kind == &quiz_review_kind && settings.review_levels == 2) {
        if ((rc = batch_set(b.id, "in_review", 2, a->member_id, now)))
            return rc;
        struct todo_new n = {.kind = quiz_sign_kind.id,
                             .object_id = b.id,
                             .org_id = b.org_id,
                             .author_id = b.author_id};
        int64_t id;
        return todo_open(&n, now, &id);
    }
    if ((rc = batch_set(b.id, "published", b.stage, a->member_id, now)))
        return rc;
    char target[48], detail[200];
    snprintf(target, sizeof target, "quiz_batch:%lld", (long long)b.id);
    snprintf(detail, sizeof detail, "题库《%.60s》%d 题发布", b.name, b.n);
    return audit_write(a->label, "publish", target, detail, a->channel ? a->channel : "cli", now);
}

static int review_return(const struct actor *a, const struct decision *d, const char *reason)
{
    (void)a;
    (void)reason;
    return batch_set(d->object_id, "rejected", 0, 0, d->decided_at);
}

const struct decision_kind quiz_review_kind = {
    .id = "quiz",
    .label = "题库审核",
    .summary = review_summary,
    .may_decide = review_may_decide,
    .on_approve = review_approve,
    .on_return = review_return,
    .two_person = true,
};
const struct decision_kind quiz_sign_kind = {
    .id = "quiz_sign",
    .label = "题库签发",
    .summary = review_summary,
    .may_decide = review_may_decide,
    .on_approve = review_approve,
    .on_return = review_return,
    .two_person = true,
};

/* ---- import ---- */

static const char sql_ext_taken[] =
    "SELECT 1 FROM quiz_questions WHERE org_id=?1 AND ext_id=?2 AND state IN ('in_review', "
    "'published')";
static const char sql_batch_add[] =
    "INSERT INTO quiz_batches(org_id, author_id, name, n, created_at) VALUES(?1, nullif(?2, 0), "
    "?3, ?4, ?5)";
static const char sql_question_add[] =
    "INSERT INTO quiz_questions(batch_id, org_id, ext_id, kind, question, options, answer, "
    "explanation, tags, source) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)";

int quiz_import(const struct actor *a, struct quiz_bank *b, int64_t org_id, const char *name,
                int64_t now, int64_t *batch_id, int64_t *decision_id)
{
    assert(store_in_tx());
    int rc;
    const char *why = NULL;
    if (!actor_is_member(a))
        return ZB_EDENIED;
    if (!org_id) {
        struct member m;
        if ((rc = member_get(a->member_id, &m)))
            return rc;
        org_id = m.branch_id;
    }
    if (!org_id)
        return ZB_EINVAL;
    if ((rc = role_can(a, &quiz_act_import, org_id, &why)))
        return rc;
    for (size_t i = 0; i < b->n; i++) {
        sqlite3_stmt *st = store_stmt(sql_ext_taken);
        if (!st)
            return ZB_EDB;
        sqlite3_bind_int64(st, 1, org_id);
        sqlite3_bind_text(st, 2, b->q[i].ext_id, -1, SQLITE_STATIC);
        int step = sqlite3_step(st);
        sqlite3_reset(st);
        if (step == SQLITE_ROW) {
            b->problems++;
            if (buf_appendf(&b->report, "题目 %s：字段 id：题库里已有这个编号\n", b->q[i].ext_id))
                continue;
        } else if (step != SQLITE_DONE) {
            return ZB_EDB;
        }
    }
    if (b->problems)
        return ZB_EINVAL;
    sqlite3_stmt *st = store_stmt(sql_batch_add);
    if (!st)
        return ZB_EDB;
    sqlite3_bind_int64(st, 1, org_id);
    sqlite3_bind_int64(st, 2, a->member_id);
    sqlite3_bind_text(st, 3, name, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 4, (int)b->n);
    sqlite3_bind_int64(st, 5, now);
    if (store_exec_done(st))
        return ZB_EDB;
    *batch_id = sqlite3_last_insert_rowid(store_db());
    for (size_t i = 0; i < b->n; i++) {
        struct quiz_question *q = &b->q[i];
        struct buf opts;
        buf_init(&opts, QUIZ_OPTIONS_MAX * (QUIZ_OPTION_MAX + 1) + 1);
        for (size_t k = 0; k < q->n_options; k++)
            if (buf_appendf(&opts, "%s%s", k ? "\n" : "", q->options[k])) {
                buf_free(&opts);
                return ZB_ETOOBIG;
            }
        if (!(st = store_stmt(sql_question_add))) {
            buf_free(&opts);
            return ZB_EDB;
        }
        sqlite3_bind_int64(st, 1, *batch_id);
        sqlite3_bind_int64(st, 2, org_id);
        sqlite3_bind_text(st, 3, q->ext_id, -1, SQLITE_STATIC);
        sqlite3_bind_int(st, 4, (int)q->kind);
        sqlite3_bind_text(st, 5, q->text, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 6, buf_str(&opts), -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(st, 7, q->answer, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 8, q->explanation, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 9, q->tags, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 10, q->source, -1, SQLITE_STATIC);
        rc = store_exec_done(st);
        buf_free(&opts);
        if (rc)
            return ZB_EDB;
        q->id = sqlite3_last_insert_rowid(store_db());
    }
    struct todo_new n = {.kind = quiz_review_kind.id,
                         .object_id = *batch_id,
                         .org_id = org_id,
                         .author_id = a->member_id};
    if ((rc = todo_open(&n, now, decision_id)))
        return rc;
    char target[48], detail[240];
    snprintf(target, sizeof target, "quiz_batch:%lld", (long long)*batch_id);
    snprintf(detail, sizeof detail, "导入题库《%.80s》%zu 题，待审核（待办 %lld）", name, b->n,
             (long long)*decision_id);
    return audit_write(a->label, "import", target, detail, a->channel ? a->channel : "cli", now);
}

/* ---- questions ---- */

static const char sql_question_get[] =
    "SELECT id, ext_id, kind, question, options, answer, explanation, tags, source FROM "
    "quiz_questions WHERE id=?1";

static void question_row(sqlite3_stmt *st, struct quiz_question *q)
{
    memset(q, 0, sizeof *q);
    q->id = sqlite3_column_int64(st, 0);
    snprintf(q->ext_id, sizeof q->ext_id, "%s", store_text(st, 1));
    int k = sqlite3_column_int(st, 2);
    q->kind = k >= 0 && k <= QUIZ_TRUEFALSE ? (enum quiz_kind)k : QUIZ_SINGLE;
    snprintf(q->text, sizeof q->text, "%s", store_text(st, 3));
    const char *o = store_text(st, 4);
    while (*o && q->n_options < QUIZ_OPTIONS_MAX) {
        size_t len = strcspn(o, "\n");
        snprintf(q->options[q->n_options++], QUIZ_OPTION_MAX + 1, "%.*s", (int)len, o);
        o += len + (o[len] == '\n');
    }
    snprintf(q->answer, sizeof q->answer, "%s", store_text(st, 5));
    snprintf(q->explanation, sizeof q->explanation, "%s", store_text(st, 6));
    snprintf(q->tags, sizeof q->tags, "%s", store_text(st, 7));
    snprintf(q->source, sizeof q->source, "%s", store_text(st, 8));
}

int quiz_question_by_id(int64_t id, struct quiz_question *q)
{
    sqlite3_stmt *st = store_stmt(sql_question_get);
    if (!st)
        return ZB_EDB;
    sqlite3_bind_int64(st, 1, id);
    int step = sqlite3_step(st);
    if (step == SQLITE_ROW)
        question_row(st, q);
    sqlite3_reset(st);
    return step == SQLITE_ROW ? ZB_OK : step == SQLITE_DONE ? ZB_ENOTFOUND : ZB_EDB;
}

/* Published questions, random order, minus those of the member's recent rounds (?1, ?2 limit;
 * member 0 excludes nothing). */
static const char sql_pick[] =
    "SELECT id, org_id FROM quiz_questions WHERE state='published' AND (?3 = 0 OR id NOT IN "
    "(SELECT question_id FROM quiz_round_items WHERE round_id IN (SELECT id FROM quiz_rounds "
    "WHERE member_id=?1 ORDER BY id DESC LIMIT ?2))) ORDER BY random() LIMIT 2000";

/*
 * quiz_pick - up to n published question ids that reach org (owned by org or an organisation above
 * it) into ids, avoiding member's recent rounds first and filling from the rest. *got the count.
 */
int quiz_pick(int64_t member_id, int64_t org, int n, int64_t *ids, int *got)
{
    *got = 0;
    for (int pass = 0; pass < 2 && *got < n; pass++) {
        sqlite3_stmt *st = store_stmt(sql_pick);
        if (!st)
            return ZB_EDB;
        sqlite3_bind_int64(st, 1, member_id);
        sqlite3_bind_int(st, 2, QUIZ_RECENT_ROUNDS);
        sqlite3_bind_int(st, 3, pass == 0 && member_id ? 1 : 0);
        int step;
        int64_t cands[2000][2];
        size_t nc = 0;
        while ((step = sqlite3_step(st)) == SQLITE_ROW && nc < 2000) {
            cands[nc][0] = sqlite3_column_int64(st, 0);
            cands[nc][1] = sqlite3_column_int64(st, 1);
            nc++;
        }
        sqlite3_reset(st);
        if (step != SQLITE_DONE && step != SQLITE_ROW)
            return ZB_EDB;
        for (size_t i = 0; i < nc && *got < n; i++) {
            bool dup = false;
            for (int k = 0; k < *got; k++)
                dup = dup || ids[k] == cands[i][0];
            bool yes = false;
            if (dup || branch_within(org, cands[i][1], &yes) || !yes)
                continue;
            ids[(*got)++] = cands[i][0];
        }
    }
    return ZB_OK;
}

/* ---- rounds ---- */

static const char sql_round_close_open[] =
    "UPDATE quiz_rounds SET state='done' WHERE member_id=?1 AND state='open'";
static const char sql_round_add[] = "INSERT INTO quiz_rounds(member_id, channel, n, started_at, "
                                    "last_at) VALUES(?1, ?2, ?3, ?4, ?4)";
static const char sql_round_item[] =
    "INSERT INTO quiz_round_items(round_id, seq, question_id) VALUES(?1, ?2, ?3)";
static const char sql_round_get[] =
    "SELECT id, member_id, n, answered, right_count, last_at, state FROM quiz_rounds WHERE id=?1";
static const char sql_round_q[] =
    "SELECT question_id FROM quiz_round_items WHERE round_id=?1 AND seq=?2";
static const char sql_round_next[] =
    "SELECT min(seq) FROM quiz_round_items i WHERE round_id=?1 AND NOT EXISTS (SELECT 1 FROM "
    "quiz_answers a WHERE a.round_id=i.round_id AND a.seq=i.seq)";
static const char sql_round_bump[] =
    "UPDATE quiz_rounds SET answered=answered+1, right_count=right_count+?2, last_at=?3, "
    "state=CASE WHEN answered+1>=n THEN 'done' ELSE state END WHERE id=?1";
static const char sql_round_end[] = "UPDATE quiz_rounds SET state=?2, last_at=?3 WHERE id=?1";
static const char sql_answer_add[] =
    "INSERT INTO quiz_answers(member_id, question_id, round_id, contest_id, seq, given, correct, "
    "points, at) VALUES(?1, ?2, nullif(?3, 0), nullif(?4, 0), ?5, ?6, ?7, ?8, ?9)";
static const char sql_points_since[] =
    "SELECT coalesce(sum(points), 0) FROM quiz_answers WHERE member_id=?1 AND at>=?2";

/* round_create - a round of the questions ids (got of them) for member. */
static int round_create(int64_t member_id, const char *channel, const int64_t *ids, int got,
                        int64_t now, struct quiz_round *out)
{
    sqlite3_stmt *st = store_stmt(sql_round_close_open);
    if (!st)
        return ZB_EDB;
    sqlite3_bind_int64(st, 1, member_id);
    if (store_exec_done(st) || !(st = store_stmt(sql_round_add)))
        return ZB_EDB;
    sqlite3_bind_int64(st, 1, member_id);
    sqlite3_bind_text(st, 2, channel, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 3, got);
    sqlite3_bind_int64(st, 4, now);
    if (store_exec_done(st))
        return ZB_EDB;
    int64_t id = sqlite3_last_insert_rowid(store_db());
    for (int i = 0; i < got; i++) {
        if (!(st = store_stmt(sql_round_item)))
            return ZB_EDB;
        sqlite3_bind_int64(st, 1, id);
        sqlite3_bind_int(st, 2, i + 1);
        sqlite3_bind_int64(st, 3, ids[i]);
        if (store_exec_done(st))
            return ZB_EDB;
    }
    return quiz_round_get(member_id, id, out);
}

int quiz_round_start(int64_t member_id, const char *channel, int64_t now, struct quiz_round *out)
{
    assert(store_in_tx());
    struct member m;
    int rc = member_get(member_id, &m);
    if (rc)
        return rc;
    int64_t ids[QUIZ_ROUND_MAX];
    int got = 0;
    if ((rc = quiz_pick(member_id, m.branch_id, settings.per_round, ids, &got)))
        return rc;
    if (got == 0)
        return ZB_ENOTFOUND;
    return round_create(member_id, channel, ids, got, now, out);
}

int quiz_round_replay(int64_t member_id, const char *channel, int64_t now, struct quiz_round *out)
{
    assert(store_in_tx());
    struct quiz_question *qs = xcalloc(QUIZ_ROUND_MAX, sizeof *qs);
    size_t n = 0;
    int64_t ids[QUIZ_ROUND_MAX];
    int rc = quiz_wrong(member_id, qs, (size_t)settings.per_round, &n);
    for (size_t i = 0; i < n; i++)
        ids[i] = qs[i].id;
    free(qs);
    if (rc)
        return rc;
    if (n == 0)
        return ZB_ENOTFOUND;
    return round_create(member_id, channel, ids, (int)n, now, out);
}

int quiz_round_get(int64_t member_id, int64_t id, struct quiz_round *out)
{
    sqlite3_stmt *st = store_stmt(sql_round_get);
    if (!st)
        return ZB_EDB;
    sqlite3_bind_int64(st, 1, id);
    int step = sqlite3_step(st), rc = ZB_OK;
    if (step == SQLITE_ROW && sqlite3_column_int64(st, 1) == member_id) {
        out->id = id;
        out->member_id = member_id;
        out->n = sqlite3_column_int(st, 2);
        out->answered = sqlite3_column_int(st, 3);
        out->right = sqlite3_column_int(st, 4);
        out->last_at = sqlite3_column_int64(st, 5);
        out->open = strcmp(store_text(st, 6), "open") == 0;
    } else {
        rc = step == SQLITE_ROW || step == SQLITE_DONE ? ZB_ENOTFOUND : ZB_EDB;
    }
    sqlite3_reset(st);
    return rc;
}

static int item_question(const char *sql, int64_t owner, int seq, int64_t *qid)
{
    sqlite3_stmt *st = store_stmt(sql);
    if (!st)
        return ZB_EDB;
    sqlite3_bind_int64(st, 1, owner);
    sqlite3_bind_int(st, 2, seq);
    int step = sqlite3_step(st);
    if (step == SQLITE_ROW)
        *qid = sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    return step == SQLITE_ROW ? ZB_OK : step == SQLITE_DONE ? ZB_ENOTFOUND : ZB_EDB;
}

int quiz_round_question(int64_t round_id, int seq, struct quiz_question *q)
{
    int64_t qid = 0;
    int rc = item_question(sql_round_q, round_id, seq, &qid);
    return rc ? rc : quiz_question_by_id(qid, q);
}

/* day_start - the local midnight before now (the process's zone is the configured one). */
static int64_t day_start(int64_t now)
{
    time_t t = (time_t)now;
    struct tm tm;
    if (!localtime_r(&t, &tm))
        return now - now % 86400;
    tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
    tm.tm_isdst = -1;
    return (int64_t)mktime(&tm);
}

/* points_for - what a right answer now earns: 1, or 0 when the day's cap is reached. */
int quiz_points_for(int64_t member_id, int64_t now, int *pts)
{
    *pts = 1;
    if (settings.daily_cap <= 0)
        return ZB_OK;
    int64_t since = day_start(now);
    sqlite3_stmt *st = store_stmt(sql_points_since);
    if (!st)
        return ZB_EDB;
    sqlite3_bind_int64(st, 1, member_id);
    sqlite3_bind_int64(st, 2, since);
    int step = sqlite3_step(st);
    long have = step == SQLITE_ROW ? (long)sqlite3_column_int64(st, 0) : 0;
    sqlite3_reset(st);
    if (step != SQLITE_ROW)
        return ZB_EDB;
    int read = 0; /* the cap is shared with study's reading points */
    if (study_points_today(member_id, now, &read))
        return ZB_EDB;
    *pts = have + read < settings.daily_cap ? 1 : 0;
    return ZB_OK;
}

int quiz_answer_add(int64_t member_id, int64_t qid, int64_t round, int64_t contest, int seq,
                    const char *given, bool correct, int points, int64_t now)
{
    sqlite3_stmt *st = store_stmt(sql_answer_add);
    if (!st)
        return ZB_EDB;
    sqlite3_bind_int64(st, 1, member_id);
    sqlite3_bind_int64(st, 2, qid);
    sqlite3_bind_int64(st, 3, round);
    sqlite3_bind_int64(st, 4, contest);
    sqlite3_bind_int(st, 5, seq);
    sqlite3_bind_text(st, 6, given, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 7, correct);
    sqlite3_bind_int(st, 8, points);
    sqlite3_bind_int64(st, 9, now);
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    if (rc == SQLITE_CONSTRAINT)
        return ZB_EDONE;
    return rc == SQLITE_DONE ? ZB_OK : ZB_EDB;
}

int quiz_round_answer(int64_t member_id, int64_t round_id, int seq, const char *text, int64_t now,
                      struct quiz_result *out)
{
    assert(store_in_tx());
    memset(out, 0, sizeof *out);
    int rc = quiz_round_get(member_id, round_id, &out->round);
    if (rc)
        return rc;
    if (!out->round.open)
        return ZB_EDONE;
    if (seq == 0) {
        sqlite3_stmt *st = store_stmt(sql_round_next);
        if (!st)
            return ZB_EDB;
        sqlite3_bind_int64(st, 1, round_id);
        int step = sqlite3_step(st);
        seq = step == SQLITE_ROW ? sqlite3_column_int(st, 0) : 0;
        sqlite3_reset(st);
        if (step != SQLITE_ROW)
            return ZB_EDB;
        if (seq == 0)
            return ZB_EDONE;
    }
    if ((rc = quiz_round_question(round_id, seq, &out->q)))
        return rc;
    if ((rc = quiz_parse_answer(&out->q, text, out->given)))
        return rc;
    out->correct = strcmp(out->given, out->q.answer) == 0;
    if (out->correct && (rc = quiz_points_for(member_id, now, &out->points)))
        return rc;
    if ((rc = quiz_answer_add(member_id, out->q.id, round_id, 0, seq, out->given, out->correct,
                              out->points, now)))
        return rc;
    sqlite3_stmt *st = store_stmt(sql_round_bump);
    if (!st)
        return ZB_EDB;
    sqlite3_bind_int64(st, 1, round_id);
    sqlite3_bind_int(st, 2, out->correct);
    sqlite3_bind_int64(st, 3, now);
    if (store_exec_done(st))
        return ZB_EDB;
    return quiz_round_get(member_id, round_id, &out->round);
}

int quiz_round_close(int64_t round_id, bool expired, int64_t now)
{
    sqlite3_stmt *st = store_stmt(sql_round_end);
    if (!st)
        return ZB_EDB;
    sqlite3_bind_int64(st, 1, round_id);
    sqlite3_bind_text(st, 2, expired ? "expired" : "done", -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, now);
    return store_exec_done(st);
}

static const char sql_wrong[] =
    "SELECT q.id, q.ext_id, q.kind, q.question, q.options, q.answer, q.explanation, q.tags, "
    "q.source FROM quiz_questions q JOIN (SELECT question_id, max(id) AS last FROM quiz_answers "
    "WHERE member_id=?1 GROUP BY question_id) l ON l.question_id=q.id JOIN quiz_answers a ON "
    "a.id=l.last WHERE a.correct=0 AND q.state='published' ORDER BY a.id DESC LIMIT ?2";

int quiz_wrong(int64_t member_id, struct quiz_question *out, size_t max, size_t *n)
{
    *n = 0;
    sqlite3_stmt *st = store_stmt(sql_wrong);
    if (!st)
        return ZB_EDB;
    sqlite3_bind_int64(st, 1, member_id);
    sqlite3_bind_int64(st, 2, (sqlite3_int64)max);
    int step;
    while ((step = sqlite3_step(st)) == SQLITE_ROW && *n < max)
        question_row(st, &out[(*n)++]);
    sqlite3_reset(st);
    return step == SQLITE_DONE || step == SQLITE_ROW ? ZB_OK : ZB_EDB;
}

static const char sql_record[] =
    "SELECT count(*), coalesce(sum(correct), 0), coalesce(sum(points), 0) FROM quiz_answers "
    "WHERE member_id=?1 AND at>=?2";
static const char sql_record_rounds[] =
    "SELECT count(*) FROM quiz_rounds WHERE member_id=?1 AND started_at>=?2";

int quiz_points_since(int64_t member_id, int64_t since, int *points)
{
    struct quiz_stats st;
    int rc = quiz_record(member_id, since, &st);
    *points = rc ? 0 : st.points;
    return rc;
}

int quiz_record(int64_t member_id, int64_t since, struct quiz_stats *out)
{
    memset(out, 0, sizeof *out);
    sqlite3_stmt *st = store_stmt(sql_record);
    if (!st)
        return ZB_EDB;
    sqlite3_bind_int64(st, 1, member_id);
    sqlite3_bind_int64(st, 2, since);
    int step = sqlite3_step(st);
    if (step == SQLITE_ROW) {
        out->answered = sqlite3_column_int(st, 0);
        out->right = sqlite3_column_int(st, 1);
        out->points = sqlite3_column_int(st, 2);
    }
    sqlite3_reset(st);
    if (step != SQLITE_ROW || !(st = store_stmt(sql_record_rounds)))
        return ZB_EDB;
    sqlite3_bind_int64(st, 1, member_id);
    sqlite3_bind_int64(st, 2, since);
    step = sqlite3_step(st);
    if (step == SQLITE_ROW)
        out->rounds = sqlite3_column_int(st, 0);
    sqlite3_reset(st);
    return step == SQLITE_ROW ? ZB_OK : ZB_EDB;
}

/* ---- demo and listing ---- */

static const char sql_batch_named[] =
    "SELECT id FROM quiz_batches WHERE name=?1 AND state!='rejected'";

/* read_file - the whole file at path (at most cap bytes) into *out (caller frees). */
static int read_file(const char *path, size_t cap, char **out, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return ZB_EIO;
    char *data = malloc(cap + 1);
    size_t n = data ? fread(data, 1, cap + 1, f) : 0;
    int bad = ferror(f);
    fclose(f);
    if (!data || bad || n > cap) {
        free(data);
        return data && !bad ? ZB_ETOOBIG : ZB_EIO;
    }
    data[n] = '\0';
    *out = data;
    *len = n;
    return ZB_OK;
}

/* seed_file - import and approve one bundled bank as the demo's members. */
static int seed_file(const char *dir, const char *file, const struct actor *author,
                     const struct actor *first, const struct actor *second, int64_t now)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", dir, file);
    sqlite3_stmt *st = store_stmt(sql_batch_named);
    if (!st)
        return ZB_EDB;
    sqlite3_bind_text(st, 1, file, -1, SQLITE_STATIC);
    int step = sqlite3_step(st);
    sqlite3_reset(st);
    if (step == SQLITE_ROW)
        return ZB_OK; /* seeded before */
    char *data = NULL;
    size_t len = 0;
    int rc = read_file(path, QUIZ_FILE_MAX, &data, &len);
    if (rc) {
        log_warn("demo: cannot read %s", path);
        return ZB_OK;
    }
    struct quiz_bank b;
    int64_t batch = 0, dec = 0;
    rc = quiz_parse_json(data, len, &b);
    free(data);
    if (rc == ZB_OK)
        rc = quiz_import(author, &b, 0, file, now, &batch, &dec);
    if (rc) {
        log_error("demo: %s: %s%s", file, zb_strerror(rc), buf_str(&b.report));
        quiz_bank_free(&b);
        return rc;
    }
    quiz_bank_free(&b);
    if ((rc = todo_decide(first, dec, TODO_APPROVE, NULL, now, NULL)))
        return rc;
    if (settings.review_levels == 2) {
        struct decision d;
        sqlite3_stmt *q = store_stmt("SELECT id FROM decisions WHERE kind='quiz_sign' AND "
                                     "object_id=?1 AND state='open'");
        if (!q)
            return ZB_EDB;
        sqlite3_bind_int64(q, 1, batch);
        step = sqlite3_step(q);
        int64_t id2 = step == SQLITE_ROW ? sqlite3_column_int64(q, 0) : 0;
        sqlite3_reset(q);
        if (!id2)
            return ZB_EDB;
        if ((rc = todo_decide(second, id2, TODO_APPROVE, NULL, now, &d)))
            return rc;
    }
    return ZB_OK;
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int quiz_demo_seed(void)
{
    int64_t ids[3] = {0, 0, 0};
    const char *phones[3] = {"13800138002", "13800138003", "13800138001"};
    for (int i = 0; i < 3; i++) {
        int rc = member_find_phone(phones[i], &ids[i]);
        if (rc == ZB_ENOTFOUND)
            return ZB_OK; /* not the members' demo: nothing to seed */
        if (rc)
            return rc;
    }
    struct actor author = actor_member(ids[0], "cli"), first = actor_member(ids[1], "cli"),
                 second = actor_member(ids[2], "cli");
    DIR *d = opendir(settings.bank_dir);
    if (!d) {
        log_warn("demo: no question bank at %s (quiz.bank_dir)", settings.bank_dir);
        return ZB_OK;
    }
    char *names[64];
    size_t n = 0;
    struct dirent *e;
    while ((e = readdir(d)) && n < 64) {
        size_t len = strlen(e->d_name);
        if (len > 5 && strcmp(e->d_name + len - 5, ".json") == 0)
            names[n++] = strdup(e->d_name);
    }
    closedir(d);
    qsort(names, n, sizeof names[0], by_name);
    int rc = ZB_OK;
    int64_t now = clock_now();
    for (size_t i = 0; i < n; i++) {
        if (rc == ZB_OK && names[i])
            rc = seed_file(settings.bank_dir, names[i], &author, &first, &second, now);
        free(names[i]);
    }
    return rc;
}

static const char sql_list_all[] =
    "SELECT q.id, q.batch_id, q.ext_id, q.kind, q.state, q.question, q.answer, q.source FROM "
    "quiz_questions q WHERE ?1 = 0 OR q.batch_id = ?1 ORDER BY q.id LIMIT 2000";

int quiz_list(int64_t batch, FILE *f)
{
    sqlite3_stmt *st = store_stmt(sql_list_all);
    if (!st)
        return ZB_EDB;
    sqlite3_bind_int64(st, 1, batch);
    int step, n = 0;
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        int k = sqlite3_column_int(st, 3);
        fprintf(f, "%lld  批次 %lld  %s  %s  %s  答案 %s\n    ",
                (long long)sqlite3_column_int64(st, 0), (long long)sqlite3_column_int64(st, 1),
                store_text(st, 2), quiz_kind_name((enum quiz_kind)k), store_text(st, 4),
                store_text(st, 6));
        textfmt_excerpt(f, store_text(st, 5), 120);
        fputs("\n", f);
        n++;
    }
    sqlite3_reset(st);
    if (step == SQLITE_DONE && n == 0)
        fprintf(f, "（题库里还没有题目）\n");
    return step == SQLITE_DONE ? ZB_OK : ZB_EDB;
}

/* ---- group contests: one question at a time, first answers, posts through the outbox ---- */

#define POST_MAX 4096 /* bytes of one group post */

static const char sql_add[] =
    "INSERT INTO quiz_contests(org_id, platform, group_id, started_by, n, seconds, started_at) "
    "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7)";
static const char sql_item[] =
    "INSERT INTO quiz_contest_items(contest_id, seq, question_id) VALUES(?1, ?2, ?3)";
static const char sql_get[] =
    "SELECT id, org_id, n, pos, seconds, state, platform, group_id FROM quiz_contests WHERE id=?1";
static const char sql_q[] =
    "SELECT question_id FROM quiz_contest_items WHERE contest_id=?1 AND seq=?2";
static const char sql_move[] =
    "UPDATE quiz_contests SET pos=pos+1, state=CASE WHEN pos+1>n THEN 'done' ELSE state END "
    "WHERE id=?1 AND pos=?2 AND state='open'";
static const char sql_counts[] =
    "SELECT given, count(*), sum(correct) FROM quiz_answers WHERE contest_id=?1 AND seq=?2 "
    "GROUP BY given ORDER BY given";
static const char sql_totals[] =
    "SELECT count(*), coalesce(sum(correct), 0), count(DISTINCT member_id) FROM quiz_answers "
    "WHERE contest_id=?1";
static const char sql_names[] =
    "SELECT member_id, sum(correct) AS r FROM quiz_answers WHERE contest_id=?1 GROUP BY member_id "
    "ORDER BY r DESC, min(at) LIMIT 5";

int quiz_group_branch(const char *platform, const char *group, int64_t starter, int64_t *org_id)
{
    /* a group bound to an organisation (`zhibu group bind`) counts for it; an unbound group for
     * the starter's own organisation */
    int rc = group_rule_branch(platform, group, org_id);
    if (rc || *org_id)
        return rc;
    struct member m;
    rc = member_get(starter, &m);
    if (rc)
        return rc;
    *org_id = m.branch_id;
    return ZB_OK;
}

int quiz_contest_get(int64_t id, struct quiz_contest *out)
{
    sqlite3_stmt *st = store_stmt(sql_get);
    if (!st)
        return ZB_EDB;
    sqlite3_bind_int64(st, 1, id);
    int step = sqlite3_step(st);
    if (step == SQLITE_ROW) {
        memset(out, 0, sizeof *out);
        out->id = id;
        out->org_id = sqlite3_column_int64(st, 1);
        out->n = sqlite3_column_int(st, 2);
        out->pos = sqlite3_column_int(st, 3);
        out->seconds = sqlite3_column_int(st, 4);
        out->open = strcmp(store_text(st, 5), "open") == 0;
        snprintf(out->platform, sizeof out->platform, "%s", store_text(st, 6));
        snprintf(out->group, sizeof out->group, "%s", store_text(st, 7));
    }
    sqlite3_reset(st);
    return step == SQLITE_ROW ? ZB_OK : step == SQLITE_DONE ? ZB_ENOTFOUND : ZB_EDB;
}

static int contest_question(int64_t id, int seq, struct quiz_question *q)
{
    sqlite3_stmt *st = store_stmt(sql_q);
    if (!st)
        return ZB_EDB;
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_int(st, 2, seq);
    int step = sqlite3_step(st);
    int64_t qid = step == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
    sqlite3_reset(st);
    if (step != SQLITE_ROW)
        return step == SQLITE_DONE ? ZB_ENOTFOUND : ZB_EDB;
    /* the round's reader serves any question by id */
    return quiz_question_by_id(qid, q);
}

/* show - question seq of n as group text. */
static int show(struct buf *b, const struct quiz_question *q, int seq, int n, int seconds)
{
    int rc = buf_appendf(b, "第 %d/%d 题（%s，%d 秒）\n%s\n", seq, n, quiz_kind_name(q->kind),
                         seconds, q->text);
    for (size_t i = 0; rc == ZB_OK && i < q->n_options; i++)
        rc = buf_appendf(b, "%c. %s\n", (char)('A' + i), q->options[i]);
    if (rc == ZB_OK)
        rc = buf_appendz(b, q->kind == QUIZ_MULTIPLE ? "直接发送字母作答，如 AC，每人以第一次为准。"
                                                     : "直接发送字母作答，每人以第一次为准。");
    return rc;
}

int quiz_contest_start(int64_t member_id, int64_t org_id, const char *platform, const char *group,
                       int n, int64_t now, struct quiz_contest *out, struct buf *post)
{
    assert(store_in_tx());
    if (n < 1 || n > QUIZ_ROUND_MAX)
        n = quiz_settings()->per_round;
    int64_t ids[QUIZ_ROUND_MAX];
    int got = 0;
    int rc = quiz_pick(0, org_id, n, ids, &got);
    if (rc)
        return rc;
    if (got == 0)
        return ZB_ENOTFOUND;
    sqlite3_stmt *st = store_stmt(sql_add);
    if (!st)
        return ZB_EDB;
    sqlite3_bind_int64(st, 1, org_id);
    sqlite3_bind_text(st, 2, platform, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, group, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 4, member_id);
    sqlite3_bind_int(st, 5, got);
    sqlite3_bind_int(st, 6, quiz_settings()->contest_seconds);
    sqlite3_bind_int64(st, 7, now);
    int step = sqlite3_step(st);
    sqlite3_reset(st);
    if (step == SQLITE_CONSTRAINT)
        return ZB_EBUSY;
    if (step != SQLITE_DONE)
        return ZB_EDB;
    int64_t id = sqlite3_last_insert_rowid(store_db());
    for (int i = 0; i < got; i++) {
        if (!(st = store_stmt(sql_item)))
            return ZB_EDB;
        sqlite3_bind_int64(st, 1, id);
        sqlite3_bind_int(st, 2, i + 1);
        sqlite3_bind_int64(st, 3, ids[i]);
        if (store_exec_done(st))
            return ZB_EDB;
    }
    if ((rc = quiz_contest_get(id, out)))
        return rc;
    struct quiz_question q;
    if ((rc = contest_question(id, 1, &q)))
        return rc;
    if ((rc = buf_appendf(post, "竞答开始！共 %d 题，每题 %d 秒。\n", got, out->seconds)))
        return rc;
    return show(post, &q, 1, got, out->seconds);
}

int quiz_contest_answer(int64_t contest_id, int64_t member_id, const char *text, int64_t now)
{
    assert(store_in_tx());
    struct quiz_contest c;
    struct quiz_question q;
    char given[QUIZ_OPTIONS_MAX + 1];
    int rc = quiz_contest_get(contest_id, &c);
    if (rc)
        return rc;
    if (!c.open)
        return ZB_ENOTFOUND;
    if ((rc = contest_question(contest_id, c.pos, &q)))
        return rc;
    if ((rc = quiz_parse_answer(&q, text, given)))
        return rc;
    bool right = strcmp(given, q.answer) == 0;
    int pts = 0;
    if (right && (rc = quiz_points_for(member_id, now, &pts)))
        return rc;
    return quiz_answer_add(member_id, q.id, 0, contest_id, c.pos, given, right, pts, now);
}

/* results - the answer of question seq and how the group answered it. */
static int results(struct buf *b, int64_t id, int seq, const struct quiz_question *q)
{
    int rc = buf_appendf(b, "第 %d 题答案：%s\n", seq, q->answer);
    if (rc == ZB_OK && q->explanation[0])
        rc = buf_appendf(b, "%s\n", q->explanation);
    if (rc == ZB_OK && q->source[0])
        rc = buf_appendf(b, "出处：%s\n", q->source);
    sqlite3_stmt *st = store_stmt(sql_counts);
    if (!st)
        return ZB_EDB;
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_int(st, 2, seq);
    int step, total = 0, right = 0;
    char line[256] = "";
    size_t len = 0;
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        int cnt = sqlite3_column_int(st, 1);
        total += cnt;
        right += sqlite3_column_int(st, 2);
        int w = snprintf(line + len, sizeof line - len, "%s%s %d 人", len ? "，" : "",
                         store_text(st, 0), cnt);
        if (w > 0 && (size_t)w < sizeof line - len)
            len += (size_t)w;
    }
    sqlite3_reset(st);
    if (step != SQLITE_DONE)
        return ZB_EDB;
    if (rc == ZB_OK && total)
        rc = buf_appendf(b, "作答 %d 人：%s；答对 %d 人（%d%%）\n", total, line, right,
                         right * 100 / total);
    else if (rc == ZB_OK)
        rc = buf_appendz(b, "这题没有人作答。\n");
    return rc;
}

/* summary - the totals at the end, and names only when show_rankings is on. */
static int summary(struct buf *b, int64_t id, int n)
{
    sqlite3_stmt *st = store_stmt(sql_totals);
    if (!st)
        return ZB_EDB;
    sqlite3_bind_int64(st, 1, id);
    int step = sqlite3_step(st);
    int answers = step == SQLITE_ROW ? sqlite3_column_int(st, 0) : 0;
    int right = step == SQLITE_ROW ? sqlite3_column_int(st, 1) : 0;
    int people = step == SQLITE_ROW ? sqlite3_column_int(st, 2) : 0;
    sqlite3_reset(st);
    if (step != SQLITE_ROW)
        return ZB_EDB;
    int rc = buf_appendf(b, "\n竞答结束！共 %d 题，%d 人参加，作答 %d 次，答对率 %d%%。\n", n,
                         people, answers, answers ? right * 100 / answers : 0);
    if (rc || !quiz_settings()->show_rankings || !people)
        return rc ? rc : buf_appendz(b, "感谢大家参与！");
    if (!(st = store_stmt(sql_names)))
        return ZB_EDB;
    sqlite3_bind_int64(st, 1, id);
    rc = buf_appendz(b, "答对最多：");
    int k = 0;
    while (rc == ZB_OK && (step = sqlite3_step(st)) == SQLITE_ROW) {
        struct member m;
        if (member_get(sqlite3_column_int64(st, 0), &m) == ZB_OK)
            rc =
                buf_appendf(b, "%s%s（%d 题）", k++ ? "、" : "", m.name, sqlite3_column_int(st, 1));
    }
    sqlite3_reset(st);
    return rc;
}

int quiz_contest_advance(int64_t id, int pos, int64_t now, bool *moved, bool *over)
{
    assert(store_in_tx());
    *moved = *over = false;
    struct quiz_contest c;
    struct quiz_question q;
    int rc = quiz_contest_get(id, &c);
    if (rc)
        return rc;
    if (!c.open || c.pos != pos)
        return ZB_OK;
    if ((rc = contest_question(id, pos, &q)))
        return rc;
    sqlite3_stmt *st = store_stmt(sql_move);
    if (!st)
        return ZB_EDB;
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_int(st, 2, pos);
    if (store_exec_done(st))
        return ZB_EDB;
    if (sqlite3_changes(store_db()) != 1)
        return ZB_OK;
    *moved = true;
    *over = pos >= c.n;
    struct buf b;
    buf_init(&b, POST_MAX);
    if ((rc = results(&b, id, pos, &q)))
        goto done;
    if (*over) {
        rc = summary(&b, id, c.n);
    } else {
        struct quiz_question next;
        if ((rc = contest_question(id, pos + 1, &next)) == ZB_OK)
            rc = buf_appendz(&b, "\n") ?: show(&b, &next, pos + 1, c.n, c.seconds);
    }
    if (rc)
        goto done;
    char key[96];
    snprintf(key, sizeof key, "quiz:contest:%lld:q:%d", (long long)id, pos);
    struct outbox_msg m = {
        .idem_key = key,
        .rcpt = strcmp(c.platform, "qqbot") == 0 ? RCPT_QQBOT_GROUP : RCPT_ONEBOT_GROUP,
        .to = c.group,
        .kind = OUTBOX_BROADCAST,
        .text = buf_str(&b),
        .expires_at = now + 600,
    };
    rc = outbox_push(&m, NULL);
done:
    buf_free(&b);
    return rc;
}
