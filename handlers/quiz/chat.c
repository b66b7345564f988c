/*
 * chat.c - the quiz's chat face: 答题 (menu 2) runs a round in private chat, 错题 replays the
 * member's wrong answers as a round, 开始竞答 [N] runs a contest in a QQ group (OneBot) with a
 * writer timer per question. The Chinese of the quiz lives here and in contest.c's posts.
 */
#include "handlers/quiz/chat.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bot/base/buf.h"
#include "bot/base/clock.h"
#include "bot/base/log.h"
#include "bot/base/xmalloc.h"
#include "bot/chat/platform.h"
#include "bot/delivery/outbox.h"
#include "bot/store/writer.h"
#include "handlers/quiz/quiz.h"

#define REPLY_MAX 4096 /* bytes of one reply */

static const char *const quiz_words[] = {"答题", "开始答题", "做题", NULL};
static const char *const wrong_words[] = {"错题", "错题本", NULL};
static const char *const contest_words[] = {"开始竞答", "竞答", NULL};

/* show - question seq of n, its options and how to answer. */
static int show(struct buf *b, const struct quiz_question *q, int seq, int n)
{
    int rc = buf_appendf(b, "第 %d/%d 题（%s）\n%s\n", seq, n, quiz_kind_name(q->kind), q->text);
    for (size_t i = 0; rc == ZB_OK && i < q->n_options; i++)
        rc = buf_appendf(b, "%c. %s\n", (char)('A' + i), q->options[i]);
    if (rc)
        return rc;
    switch (q->kind) {
    case QUIZ_MULTIPLE:
        return buf_appendz(b, "请回复所有正确选项的字母，如 AC。");
    case QUIZ_TRUEFALSE:
        return buf_appendz(b, "请回复“对”或“错”（也可回复 A 或 B）。");
    default:
        return buf_appendz(b, "请回复选项字母，如 A（也可回复数字 1）。");
    }
}

/* several_letters - text would be an answer to q if q allowed more than one letter ("CD" to a
 * single-choice question). */
static bool several_letters(const struct quiz_question *q, const char *text)
{
    if (q->kind == QUIZ_MULTIPLE)
        return false;
    struct quiz_question m = *q;
    m.kind = QUIZ_MULTIPLE;
    char out[QUIZ_OPTIONS_MAX + 1];
    return quiz_parse_answer(&m, text, out) == ZB_OK && strlen(out) > 1;
}

static int begin_round(struct handler_ctx *c, int rc, const struct quiz_round *r, bool wrong,
                       struct reply *out)
{
    if (rc == ZB_ENOTFOUND) {
        reply_text(out, wrong ? "您目前没有错题，继续保持！\n回复 2 答题，回复 0 返回菜单。"
                              : "题库里暂时没有可答的题目，请稍后再试。\n回复 0 返回菜单。");
        return ZB_OK;
    }
    if (rc)
        return rc;
    struct quiz_question q;
    struct buf b;
    buf_init(&b, REPLY_MAX);
    char state[32];
    snprintf(state, sizeof state, "%lld", (long long)r->id);
    if ((rc = quiz_round_question(r->id, 1, &q)) == ZB_OK &&
        (rc = buf_appendf(&b, wrong ? "错题重练，共 %d 题。\n" : "答题开始，共 %d 题。\n", r->n)) ==
            ZB_OK &&
        (rc = show(&b, &q, 1, r->n)) == ZB_OK)
        rc = router_session_begin(c, &quiz_handler, state);
    if (rc == ZB_OK)
        reply_text(out, buf_str(&b));
    buf_free(&b);
    return rc;
}

static int quiz_on_message(struct handler_ctx *c, struct reply *out)
{
    if (c->ev->group) {
        reply_text(out, "答题请私聊我，发送“答题”开始。");
        return ZB_OK;
    }
    struct quiz_round r;
    int rc = quiz_round_start(c->member_id, platform_name(c->ev->platform), c->now, &r);
    return begin_round(c, rc, &r, false, out);
}

static int wrong_on_message(struct handler_ctx *c, struct reply *out)
{
    if (c->ev->group) {
        reply_text(out, "错题请私聊我，发送“错题”查看。");
        return ZB_OK;
    }
    struct quiz_round r;
    int rc = quiz_round_replay(c->member_id, platform_name(c->ev->platform), c->now, &r);
    return begin_round(c, rc, &r, true, out);
}

/* What an older member sends in passing ("好的", "收到", a thumbs-up): during a round these stay
 * with the question instead of going to the acknowledgement handler, which would drop the
 * round. */
static const char *const keep_words[] = {
    "收到",   "收到了",   "好的",   "好",       "好嘞", "嗯",   "嗯嗯",   "知道了", "明白",
    "ok",     "好的收到", "已收到", "收到收到", "👍",    "[强]", "[抱拳]", "[ok]",   "[握手]",
    "[表情]", "谢谢",     "谢谢你", "感谢",     "你好", "您好", NULL};

static int quiz_on_session(struct handler_ctx *c, const char *state, struct reply *out)
{
    int64_t id = strtoll(state, NULL, 10);
    struct quiz_round r;
    int rc = quiz_round_get(c->member_id, id, &r);
    if (rc == ZB_ENOTFOUND || (rc == ZB_OK && !r.open)) {
        reply_text(out, "这轮答题已经结束。\n回复 2 再来一轮，回复 0 返回菜单。");
        return router_session_end(c);
    }
    if (rc)
        return rc;
    if (c->now - r.last_at >= QUIZ_IDLE_S) {
        if ((rc = quiz_round_close(id, true, c->now)) || (rc = router_session_end(c)))
            return rc;
        reply_textf(out,
                    "这轮答题超过 30 分钟没有作答，已经结束（答对 %d/%d 题）。\n回复 2 "
                    "重新开始，回复 0 返回菜单。",
                    r.right, r.answered);
        return ZB_OK;
    }
    struct quiz_result *res = xcalloc(1, sizeof *res);
    struct buf b;
    buf_init(&b, REPLY_MAX);
    rc = quiz_round_answer(c->member_id, id, 0, c->norm, c->now, res);
    if (rc == ZB_EINVAL) {
        /* not an answer: ask again, the round stays open */
        rc = quiz_round_question(id, r.answered + 1, &res->q);
        if (rc == ZB_OK)
            rc = buf_appendz(&b,
                             several_letters(&res->q, c->norm) ? "这是单选题，请只回复一个字母。\n"
                             : router_word_in(c->norm, keep_words) ? "好的。这一题还在等您回答：\n"
                                                                   : "没看懂您的答案。\n")
                     ?: show(&b, &res->q, r.answered + 1, r.n);
        if (rc == ZB_OK)
            rc = buf_appendz(&b, "\n回复 0 退出答题。");
        goto done;
    }
    if (rc == ZB_EDONE) {
        reply_text(out, "这轮答题已经结束。\n回复 2 再来一轮，回复 0 返回菜单。");
        rc = router_session_end(c);
        goto done;
    }
    if (rc)
        goto done;
    const struct quiz_question *q = &res->q;
    if (res->correct)
        rc = buf_appendf(&b, "✓ 回答正确！%s\n", res->points ? "积分 +1" : "");
    else
        rc = buf_appendf(&b, "✗ 回答错误，正确答案：%s\n", q->answer);
    if (rc == ZB_OK && q->explanation[0])
        rc = buf_appendf(&b, "解析：%s\n", q->explanation);
    if (rc == ZB_OK && q->source[0])
        rc = buf_appendf(&b, "出处：%s\n", q->source);
    if (rc)
        goto done;
    if (res->round.open) {
        struct quiz_question next;
        int seq = res->round.answered + 1;
        if ((rc = quiz_round_question(id, seq, &next)) == ZB_OK)
            rc = buf_appendz(&b, "\n") ?: show(&b, &next, seq, res->round.n);
    } else {
        rc = buf_appendf(&b,
                         "\n本轮结束：答对 %d/%d 题。\n回复 2 再来一轮，回复“错题”复习，回复 "
                         "0 返回菜单。",
                         res->round.right, res->round.n);
        if (rc == ZB_OK)
            rc = router_session_end(c);
    }
done:
    if (rc == ZB_OK && b.len)
        reply_text(out, buf_str(&b));
    buf_free(&b);
    free(res);
    return rc;
}

/* ---- contests ---- */

/* A question's timer: a delayed writer job. */
struct tick {
    struct writer_job job;  /* the writer's */
    int64_t contest;        /* which contest */
    int pos;                /* the question it closes */
    int seconds;            /* time per question */
    enum platform platform; /* the group's platform */
    char group[64];         /* the group */
};

static void tick_done(struct writer_job *j);
static int tick_run(void *arg);

static void tick_arm(int64_t contest, int pos, int seconds, enum platform p, const char *group)
{
    struct tick *t = xcalloc(1, sizeof *t);
    t->contest = contest;
    t->pos = pos;
    t->seconds = seconds;
    t->platform = p;
    snprintf(t->group, sizeof t->group, "%s", group);
    t->job.arg = t;
    t->job.done = tick_done;
    t->job.fn = tick_run;
    writer_submit_after(&t->job, (int64_t)seconds * 1000);
}

/* tick_run - the time of question pos is up: post its answer and the next question, or the
 * results and end the group's activity; arm the next timer. On the writer thread. */
static int tick_run(void *arg)
{
    struct tick *t = arg;
    bool moved = false, over = false;
    int rc = quiz_contest_advance(t->contest, t->pos, clock_now(), &moved, &over);
    if (rc) {
        log_error("quiz: contest %lld question %d: %s", (long long)t->contest, t->pos,
                  zb_strerror(rc));
        return rc;
    }
    if (over)
        return router_group_session_close(t->platform, t->group);
    if (moved)
        tick_arm(t->contest, t->pos + 1, t->seconds, t->platform, t->group);
    return ZB_OK;
}

static void tick_done(struct writer_job *j)
{
    outbox_kick_pushed();
    free(j->arg);
}

static int contest_on_message(struct handler_ctx *c, struct reply *out)
{
    if (!c->ev->group) {
        reply_text(out, "竞答在党员 QQ 群里进行：书记或党小组长在群里发送“开始竞答”。");
        return ZB_OK;
    }
    if (c->ev->platform != PLATFORM_ONEBOT) {
        reply_text(out, "群内竞答需要通过 OneBot 接入的 QQ 群；这个机器人只能逐条回复，"
                        "请大家私聊发送“答题”。");
        return ZB_OK;
    }
    int n = quiz_settings()->per_round;
    if (*c->arg) {
        char *end = NULL;
        long v = strtol(c->arg, &end, 10);
        if (!end || *end || v < 1 || v > QUIZ_ROUND_MAX) {
            reply_textf(out, "题数应为 1 到 %d，例如：开始竞答 5", QUIZ_ROUND_MAX);
            return ZB_OK;
        }
        n = (int)v;
    }
    int64_t org = 0;
    int rc = quiz_group_branch(platform_name(c->ev->platform), c->ev->group, c->member_id, &org);
    if (rc)
        return rc;
    struct quiz_contest k;
    struct buf b;
    buf_init(&b, REPLY_MAX);
    rc = quiz_contest_start(c->member_id, org, platform_name(c->ev->platform), c->ev->group, n,
                            c->now, &k, &b);
    if (rc == ZB_EBUSY) {
        reply_text(out, "群里正在进行一场竞答，请等它结束。");
        rc = ZB_OK;
    } else if (rc == ZB_ENOTFOUND) {
        reply_text(out, "题库里暂时没有可用的题目。");
        rc = ZB_OK;
    } else if (rc == ZB_OK) {
        char state[32];
        snprintf(state, sizeof state, "%lld", (long long)k.id);
        rc = router_group_session_begin(c, &quiz_answers_handler, state);
        if (rc == ZB_OK) {
            reply_text(out, buf_str(&b));
            tick_arm(k.id, 1, k.seconds, c->ev->platform, c->ev->group);
        }
    }
    buf_free(&b);
    return rc;
}

static int contest_on_session(struct handler_ctx *c, const char *state, struct reply *out)
{
    int64_t id = strtoll(state, NULL, 10);
    int rc = quiz_contest_answer(id, c->member_id, c->norm, c->now);
    (void)out; /* answers are counted quietly: the group sees the totals */
    if (rc == ZB_ENOTFOUND)
        return router_group_session_end(c);
    if (rc == ZB_EINVAL || rc == ZB_EDONE)
        return ZB_OK;
    return rc;
}

/* answers_on_message - never matched (no keywords, no menu number): the router's table needs
 * one. */
static int answers_on_message(struct handler_ctx *c, struct reply *out)
{
    (void)c;
    (void)out;
    return ZB_OK;
}

const struct handler quiz_handler = {
    .name = "quiz",
    .keywords = quiz_words,
    .initials = (const char *const[]){"dt", NULL},
    .menu_no = 2,
    .menu_label = "答题",
    .members_only = true,
    .session_numbers = true,
    .session_words = keep_words,
    .session_ttl_s = 86400,
    .on_message = quiz_on_message,
    .on_session = quiz_on_session,
};

const struct handler quiz_wrong_handler = {
    .name = "quiz_wrong",
    .keywords = wrong_words,
    .members_only = true,
    .on_message = wrong_on_message,
};

const struct handler quiz_contest_handler = {
    .name = "quiz_contest",
    .keywords = contest_words,
    .takes_arg = true,
    .action = &quiz_act_contest,
    .command = "开始竞答", /* listed after the menu for those who may start a contest */
    .on_message = contest_on_message,
};

/* The group's activity while a contest runs: every member's answer (no role needed). */
const struct handler quiz_answers_handler = {
    .name = "quiz_answers",
    .members_only = true,
    .session_numbers = true,
    .session_ttl_s = 3 * 3600,
    .on_message = answers_on_message,
    .on_session = contest_on_session,
};

/* one_period - "本周答题 N 道，答对 M 道（P%）" for one period, or nothing without answers. */
static int one_period(struct buf *out, const char *label, int64_t member_id, int64_t since)
{
    struct quiz_stats st;
    int rc = quiz_record(member_id, since, &st);
    if (rc || st.answered == 0)
        return rc;
    return buf_appendf(out, "%s答题 %d 道，答对 %d 道（%d%%），得分 %d\n", label, st.answered,
                       st.right, st.right * 100 / st.answered, st.points);
}

int quiz_record_section(int64_t member_id, int64_t week_start, int64_t month_start, struct buf *out)
{
    int rc = one_period(out, "本周", member_id, week_start);
    return rc ? rc : one_period(out, "本月", member_id, month_start);
}
