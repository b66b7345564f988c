/*
 * feedback.c - members' messages to the branch (留言), stored in the feedback table, and the
 * secretary's answers (see feedback.h). The chat faces - 留言 in one or several messages,
 * 查看留言, 答复 - follow the domain functions.
 */
#include "handlers/feedback/feedback.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bot/base/textfmt.h"
#include "bot/chat/session.h"
#include "bot/delivery/notify.h"
#include "bot/org/audit.h"
#include "bot/org/branch.h"
#include "bot/org/identity.h"
#include "bot/org/member.h"
#include "bot/org/member_names.h"
#include "bot/store/migrations.h"
#include "bot/store/store.h"

static const char *const feedback_steps[] = {
    /* 1: who left it (when bound) and the answer */
    "ALTER TABLE feedback ADD COLUMN member_id INTEGER;" /* members(id), NULL when unbound */
    "ALTER TABLE feedback ADD COLUMN answered_at INTEGER;"
    "ALTER TABLE feedback ADD COLUMN answered_by TEXT;" /* the answerer's audit label */
    "ALTER TABLE feedback ADD COLUMN answer TEXT;"
    "CREATE INDEX feedback_open ON feedback(id) WHERE answered_at IS NULL;",
};

const struct migration_set feedback_migrations = {"feedback", feedback_steps,
                                                  sizeof feedback_steps / sizeof feedback_steps[0]};

const struct role_action feedback_answer_action = {
    .id = "feedback.answer",
    .roles = ROLE_SECRETARY | ROLE_DEPUTY | ROLE_ORGANIZER,
    .operator_ok = true,
    .refusal = "抱歉，只有支部书记、副书记和组织委员可以查看和答复留言。",
};

static const char sql_add[] = "INSERT INTO feedback(platform, user_id, group_id, text, created_at, "
                              "member_id) VALUES(?1,?2,?3,?4,?5,nullif(?6, 0))";
static const char sql_append[] = "UPDATE feedback SET text = text || char(10) || ?2 "
                                 "WHERE id = ?1 AND answered_at IS NULL AND "
                                 "length(CAST(text AS BLOB)) + 1 + length(CAST(?2 AS BLOB)) <= ?3";
static const char sql_one[] =
    "SELECT coalesce(member_id, 0), answered_at IS NOT NULL FROM feedback WHERE id = ?1";
static const char sql_open[] =
    "SELECT f.id, f.created_at, f.member_id, m.name, f.text, coalesce(m.branch_id, 0) "
    "FROM feedback f JOIN members m ON m.id = f.member_id "
    "WHERE f.answered_at IS NULL ORDER BY f.id LIMIT ?1";
static const char sql_mark[] =
    "UPDATE feedback SET answered_at = ?2, answered_by = ?3, answer = ?4 "
    "WHERE id = ?1 AND answered_at IS NULL";
static const char sql_list[] = "SELECT id, created_at, platform, user_id, text, "
                               "coalesce(member_id, 0) FROM feedback ORDER BY id DESC LIMIT ?1";

#define OPEN_SCAN_MAX 1000 /* unanswered rows looked at for one listing */

int feedback_add(const struct event *ev, const char *text, int64_t now, int64_t *id)
{
    if (strlen(text) > FEEDBACK_MAX_BYTES)
        return ZB_ETOOBIG;
    int64_t member_id = 0;
    int rc = identity_owner(platform_name(ev->platform), ev->account ? ev->account : "", ev->user,
                            &member_id);
    if (rc)
        return rc;
    sqlite3_stmt *st = store_stmt(sql_add);
    if (!st)
        return ZB_EDB;
    sqlite3_bind_text(st, 1, platform_name(ev->platform), -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, ev->user, -1, SQLITE_STATIC);
    if (ev->group)
        sqlite3_bind_text(st, 3, ev->group, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, text, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 5, now);
    sqlite3_bind_int64(st, 6, member_id);
    rc = store_exec_done(st);
    if (!rc && id)
        *id = sqlite3_last_insert_rowid(store_db());
    return rc;
}

int feedback_append(int64_t id, const char *text)
{
    if (strlen(text) > FEEDBACK_MAX_BYTES)
        return ZB_ETOOBIG;
    sqlite3_stmt *st = store_stmt(sql_append);
    if (!st)
        return ZB_EDB;
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_text(st, 2, text, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 3, FEEDBACK_MAX_BYTES);
    int rc = store_exec_done(st);
    if (rc)
        return rc;
    return sqlite3_changes(store_db()) ? ZB_OK : ZB_ETOOBIG;
}

int feedback_open(const struct actor *actor, size_t max,
                  int (*fn)(const struct feedback_row *r, void *arg), void *arg,
                  const char **refusal)
{
    int64_t root = 0;
    int rc = role_scope(actor, &feedback_answer_action, &root, refusal);
    if (rc)
        return rc;
    sqlite3_stmt *st = store_stmt(sql_open);
    if (!st)
        return ZB_EDB;
    sqlite3_bind_int(st, 1, OPEN_SCAN_MAX);
    size_t n = 0;
    int step;
    while (n < max && (step = sqlite3_step(st)) == SQLITE_ROW) {
        bool in = root == 0;
        if (!in && (rc = branch_within(sqlite3_column_int64(st, 5), root, &in)))
            break;
        if (!in)
            continue;
        struct feedback_row r = {sqlite3_column_int64(st, 0), sqlite3_column_int64(st, 1),
                                 sqlite3_column_int64(st, 2), store_text(st, 3), store_text(st, 4)};
        n++;
        if ((rc = fn(&r, arg)))
            break;
    }
    if (!rc && n < max && step != SQLITE_DONE)
        rc = ZB_EDB;
    sqlite3_reset(st);
    return rc;
}

int feedback_answer(const struct actor *actor, int64_t id, const char *text, int64_t now,
                    const char **refusal)
{
    if (!*text)
        return ZB_EINVAL;
    if (strlen(text) > FEEDBACK_ANSWER_MAX)
        return ZB_ETOOBIG;
    sqlite3_stmt *st = store_stmt(sql_one);
    if (!st)
        return ZB_EDB;
    sqlite3_bind_int64(st, 1, id);
    int step = sqlite3_step(st);
    int64_t member_id = step == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
    bool answered = step == SQLITE_ROW && sqlite3_column_int(st, 1);
    sqlite3_reset(st);
    if (step != SQLITE_ROW && step != SQLITE_DONE)
        return ZB_EDB;
    if (!member_id)
        return ZB_ENOTFOUND;
    struct member m;
    int rc = member_get(member_id, &m);
    if (rc)
        return rc;
    if ((rc = role_can(actor, &feedback_answer_action, m.branch_id, refusal)))
        return rc;
    if (answered)
        return ZB_EDONE;
    char body[FEEDBACK_ANSWER_MAX + 128], key[64], target[32];
    snprintf(body, sizeof body, "支部答复了您的留言：\n%s", text);
    snprintf(key, sizeof key, "feedback:%lld:answer", (long long)id);
    struct notify_fields f = {.title = "留言答复", .text = body};
    if ((rc = notify_send(member_id, "feedback.answer", NOTIFY_URGENT, key, &f, NULL)))
        return rc;
    if (!(st = store_stmt(sql_mark)))
        return ZB_EDB;
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_int64(st, 2, now);
    sqlite3_bind_text(st, 3, actor->label, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, text, -1, SQLITE_STATIC);
    if ((rc = store_exec_done(st)))
        return rc;
    snprintf(target, sizeof target, "feedback:%lld", (long long)id);
    return audit_write(actor->label, "feedback_answer", target, NULL, actor->channel, now);
}

static const char *const feedback_keywords[] = {"留言", "意见", "建议", "我要留言", NULL};
static const char *const list_keywords[] = {"查看留言", "留言列表", NULL};
static const char *const answer_keywords[] = {"答复", NULL};

#define DONE_WORD "好了"

/* more_session - keep the member's later messages with 留言 id until "好了" or the quiet. */
static int more_session(struct handler_ctx *c, int64_t id)
{
    char state[32];
    snprintf(state, sizeof state, "%lld", (long long)id);
    return session_set(c->ev, feedback_handler.name, state, c->now + FEEDBACK_QUIET_S);
}

/* save - store text as a new 留言; with more set, keep the conversation open for more of it
 * (the member was asked for it, and may send it in pieces). */
static int save(struct handler_ctx *c, const char *text, bool more, struct reply *out)
{
    int64_t id = 0;
    int rc = feedback_add(c->ev, text, c->now, &id);
    if (rc == ZB_ETOOBIG) {
        reply_text(out, "留言太长了，请分成几条较短的消息发送。\n回复 0 取消。");
        return router_session_begin(c, &feedback_handler, "");
    }
    if (rc)
        return rc;
    if (!more || c->ev->group) { /* in a group, the next messages are the group's talk */
        reply_text(out, "已收到您的留言，支部会尽快查看。\n回复 0 返回菜单。");
        return router_session_end(c);
    }
    reply_text(out, "已收到您的留言，支部会尽快查看。\n"
                    "还有要补充的，直接接着发；说完了回复“好了”。");
    return more_session(c, id);
}

/* space_len - bytes of the whitespace or colon at p (ASCII, U+3000, full-width colon), 0. */
static size_t space_len(const char *p)
{
    if (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r' || *p == ':')
        return 1;
    if (strncmp(p, "\xe3\x80\x80", 3) == 0 || strncmp(p, "：", strlen("：")) == 0)
        return 3;
    return 0;
}

/* after_keyword - the raw text after its keyword and the spaces or colon that follow (the
 * member's own words, not their normalised form); "" when the keyword is not at the start. */
static const char *after_keyword(const char *s)
{
    for (size_t n; (n = space_len(s)) > 0;)
        s += n;
    const char *const *k = feedback_keywords;
    for (; *k && strncmp(s, *k, strlen(*k)) != 0; k++)
        ;
    if (!*k)
        return "";
    s += strlen(*k);
    for (size_t n; (n = space_len(s)) > 0;)
        s += n;
    return s;
}

static int feedback_on_message(struct handler_ctx *c, struct reply *out)
{
    if (*c->arg) {
        const char *raw = after_keyword(c->ev->text);
        return save(c, *raw ? raw : c->arg, false, out);
    }
    reply_text(out, "请直接发送您想对支部说的话，可以分几条发。\n回复 0 取消。");
    return router_session_begin(c, &feedback_handler, "");
}

#define PIECE_MAX (FEEDBACK_MAX_BYTES + 32) /* a media tag and what the platform gave */

/* piece - what a message adds to the 留言: the text, or for a picture, voice, file, location
 * or link a tag the secretary reads plus the platform's link, label or title, into buf. */
static const char *piece(const struct event *ev, char *buf, size_t size)
{
    const char *tag;
    switch (ev->kind) {
    case EV_TEXT:
        return ev->text;
    case EV_IMAGE:
        tag = "[图片]";
        break;
    case EV_VOICE:
        tag = "[语音]";
        break;
    case EV_LOCATION:
        tag = "[位置]";
        break;
    case EV_LINK:
        tag = "[链接]";
        break;
    default:
        tag = "[文件]";
        break;
    }
    int n = snprintf(buf, size, "%s%s%s", tag, *ev->text ? " " : "", ev->text);
    if (n < 0 || (size_t)n >= size)
        snprintf(buf, size, "%s", tag);
    return buf;
}

static int feedback_on_session(struct handler_ctx *c, const char *state, struct reply *out)
{
    char buf[PIECE_MAX];
    const char *text = piece(c->ev, buf, sizeof buf);
    if (!*state) /* the first message of the 留言 */
        return save(c, text, true, out);
    if (strcmp(c->norm, DONE_WORD) == 0 || strcmp(c->norm, "说完了") == 0) {
        reply_text(out, "好的，您的留言已完整转给支部。\n回复 0 返回菜单。");
        return router_session_end(c);
    }
    int rc = feedback_append(strtoll(state, NULL, 10), text);
    if (rc == ZB_ETOOBIG || rc == ZB_ENOTFOUND) /* full, or already answered: a new one */
        return save(c, text, true, out);
    if (rc)
        return rc;
    reply_text(out, "已补充到您的留言里。说完了回复“好了”。");
    return more_session(c, strtoll(state, NULL, 10));
}

const struct handler feedback_handler = {
    .name = "feedback",
    .keywords = feedback_keywords,
    .initials = (const char *const[]){"ly", NULL},
    .takes_arg = true,
    .menu_no = 7,
    .menu_label = "给支部留言",
    .on_message = feedback_on_message,
    .on_session = feedback_on_session,
    .session_events =
        EVBIT(EV_IMAGE) | EVBIT(EV_VOICE) | EVBIT(EV_LOCATION) | EVBIT(EV_LINK) | EVBIT(EV_MEDIA),
};

#define LIST_MAX 4096

struct listing {
    struct buf *b; /* the reply */
    int n;         /* rows so far */
};

static int list_row(const struct feedback_row *r, void *arg)
{
    struct listing *l = arg;
    char when[32];
    textfmt_time(r->created_at, when, sizeof when);
    l->n++;
    return buf_appendf(l->b, "【%lld】%s %s：%.300s\n", (long long)r->id, r->name, when, r->text);
}

static int list_on_message(struct handler_ctx *c, struct reply *out)
{
    struct actor a = actor_member(c->member_id, platform_name(c->ev->platform));
    struct buf b;
    buf_init(&b, LIST_MAX);
    struct listing l = {&b, 0};
    const char *refusal = NULL;
    int rc = buf_appendz(&b, "未答复的留言：\n");
    if (!rc)
        rc = feedback_open(&a, FEEDBACK_LIST_MAX, list_row, &l, &refusal);
    if (rc == ZB_EDENIED) {
        reply_textf(out, "%s\n回复 0 返回菜单。", refusal);
        rc = ZB_OK;
    } else if (!rc && l.n == 0) {
        reply_text(out, "目前没有未答复的留言。\n回复 0 返回菜单。");
    } else if (!rc &&
               !(rc = buf_appendz(&b, "答复请发送：答复 编号 内容，例如：答复 12 已安排维修"))) {
        reply_text(out, buf_str(&b));
    }
    buf_free(&b);
    return rc == ZB_ETOOBIG ? ZB_OK : rc;
}

const struct handler feedback_list_handler = {
    .name = "feedback_list",
    .keywords = list_keywords,
    .members_only = true,
    .private_only = true,
    .action = &feedback_answer_action,
    .command = "查看留言",
    .on_message = list_on_message,
};

static int answer_on_message(struct handler_ctx *c, struct reply *out)
{
    const char *p = c->arg;
    char *end = NULL;
    long long id = strtoll(p, &end, 10);
    if (!*p || end == p || id <= 0 || (*end && *end != ' ') || !end[*end == ' ']) {
        reply_text(out, "请发送：答复 编号 内容，例如：答复 12 已安排维修\n"
                        "发送“查看留言”看编号。");
        return ZB_OK;
    }
    /* the answer as typed: the raw text after the keyword, the id and the spaces */
    const char *text = c->ev->text;
    while (space_len(text))
        text += space_len(text);
    if (strncmp(text, "答复", strlen("答复")) == 0)
        text += strlen("答复");
    while (space_len(text))
        text += space_len(text);
    while (*text >= '0' && *text <= '9')
        text++;
    while (space_len(text))
        text += space_len(text);
    struct actor a = actor_member(c->member_id, platform_name(c->ev->platform));
    const char *refusal = NULL;
    int rc = feedback_answer(&a, id, *text ? text : end + 1, c->now, &refusal);
    switch (rc) {
    case ZB_OK:
        reply_textf(out, "已答复第 %lld 条留言，答复会发给留言的同志。\n发送“查看留言”看其余的。",
                    id);
        return ZB_OK;
    case ZB_ENOTFOUND:
        reply_textf(out, "没有第 %lld 条党员留言。发送“查看留言”看编号。", id);
        return ZB_OK;
    case ZB_EDONE:
        reply_textf(out, "第 %lld 条留言已经答复过了。", id);
        return ZB_OK;
    case ZB_EDENIED:
        reply_textf(out, "%s\n回复 0 返回菜单。", refusal);
        return ZB_OK;
    case ZB_ETOOBIG:
        reply_text(out, "答复太长了，请精简到 300 字以内。");
        return ZB_OK;
    default:
        return rc;
    }
}

const struct handler feedback_answer_handler = {
    .name = "feedback_answer",
    .keywords = answer_keywords,
    .takes_arg = true,
    .members_only = true,
    .private_only = true,
    .action = &feedback_answer_action,
    .on_message = answer_on_message,
};

int feedback_print(FILE *f, int limit)
{
    sqlite3_stmt *st = store_stmt(sql_list);
    if (!st)
        return ZB_EDB;
    sqlite3_bind_int(st, 1, limit);
    struct member_names *names = member_names_new();
    int rc, n = 0;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) /* first the members, for one name query */
        member_names_add(names, sqlite3_column_int64(st, 5));
    sqlite3_reset(st);
    if (rc != SQLITE_DONE || member_names_load(names)) {
        member_names_free(names);
        return ZB_EDB;
    }
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        char when[32];
        int64_t member_id = sqlite3_column_int64(st, 5);
        textfmt_time(sqlite3_column_int64(st, 1), when, sizeof when);
        fprintf(f, "%lld  %s  ", (long long)sqlite3_column_int64(st, 0), when);
        if (member_id) {
            fprintf(f, "#%lld ", (long long)member_id);
            member_names_print(f, names, member_id, false, false);
            fputs("  ", f);
        }
        fprintf(f, "%s:", store_text(st, 2));
        textfmt_excerpt(f, store_text(st, 3), 128); /* member text: no terminal controls */
        fputs("\n    ", f);
        textfmt_block(f, store_text(st, 4), "    ");
        fputc('\n', f);
        n++;
    }
    sqlite3_reset(st);
    member_names_free(names);
    if (rc == SQLITE_DONE && n == 0)
        fprintf(f, "（暂无留言）\n");
    return rc == SQLITE_DONE ? ZB_OK : ZB_EDB;
}
