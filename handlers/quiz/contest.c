/*
 * contest.c - group contests (see quiz.h): one question at a time in a QQ group, each member's
 * first answer counted, the answer and the next question posted when the time is up, the totals
 * at the end. The posts are the group face's Chinese; they go out through the outbox.
 */
#include <assert.h>
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>

#include "bot/delivery/outbox.h"
#include "bot/org/member.h"
#include "bot/store/store.h"
#include "handlers/quiz/internal.h"
#include "handlers/quiz/quiz.h"

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
    /* Groups are bound to branches by `zhibu group bind` (the first-hour issue); until that
     * lands, a contest counts for the starter's own organisation. */
    (void)platform;
    (void)group;
    struct member m;
    int rc = member_get(starter, &m);
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
