/*
 * feedback.c - members' messages to the branch (留言), stored in the feedback table.
 */
#include "handlers/feedback/feedback.h"

#include <sqlite3.h>
#include <string.h>
#include <time.h>

#include "bot/store/store.h"
#include "bot/base/textfmt.h"

static const char sql_add[] =
    "INSERT INTO feedback(platform, user_id, group_id, text, created_at) VALUES(?1,?2,?3,?4,?5)";
static const char sql_list[] = "SELECT id, created_at, platform, user_id, text FROM feedback "
                               "ORDER BY id DESC LIMIT ?1";

static const char *const feedback_keywords[] = {"留言", "意见", "建议", NULL};

int feedback_add(const struct event *ev, const char *text, int64_t now)
{
    if (strlen(text) > FEEDBACK_MAX_BYTES)
        return ZB_ETOOBIG;
    sqlite3_stmt *st = store_stmt(sql_add);
    if (!st)
        return ZB_EDB;
    sqlite3_bind_text(st, 1, platform_name(ev->platform), -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, ev->user, -1, SQLITE_STATIC);
    if (ev->group)
        sqlite3_bind_text(st, 3, ev->group, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, text, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 5, now);
    return store_exec_done(st);
}

/* save - store text and answer; a message over the cap keeps the session open. */
static int save(struct handler_ctx *c, const char *text, struct reply *out)
{
    int rc = feedback_add(c->ev, text, c->now);
    if (rc == ZB_ETOOBIG) {
        reply_text(out, "留言太长了，请分成几条较短的消息发送。\n回复 0 取消。");
        return router_session_begin(c, &feedback_handler, "");
    }
    if (rc)
        return rc;
    reply_text(out, "已收到您的留言，支部会尽快查看。\n回复 0 返回菜单。");
    return router_session_end(c);
}

/* space_len - bytes of the whitespace character at p (ASCII or U+3000), 0 when none. */
static size_t space_len(const char *p)
{
    if (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
        return 1;
    return strncmp(p, "\xe3\x80\x80", 3) == 0 ? 3 : 0;
}

/* after_first_word - the raw text after its first word and the spaces that follow. */
static const char *after_first_word(const char *s)
{
    while (*s && !space_len(s))
        s++;
    for (size_t n; (n = space_len(s)) > 0;)
        s += n;
    return s;
}

static int feedback_on_message(struct handler_ctx *c, struct reply *out)
{
    if (*c->arg) { /* "留言 内容": keep what the member typed, not its normalised form */
        const char *raw = after_first_word(c->ev->text);
        return save(c, *raw ? raw : c->arg, out);
    }
    reply_text(out, "请直接发送您想对支部说的话，一条消息即可。\n回复 0 取消。");
    return router_session_begin(c, &feedback_handler, "");
}

static int feedback_on_session(struct handler_ctx *c, const char *state, struct reply *out)
{
    (void)state;
    return save(c, c->ev->text, out);
}

const struct handler feedback_handler = {
    .name = "feedback",
    .keywords = feedback_keywords,
    .takes_arg = true,
    .menu_no = 7,
    .menu_label = "给支部留言",
    .on_message = feedback_on_message,
    .on_session = feedback_on_session,
};

int feedback_print(FILE *f, int limit)
{
    sqlite3_stmt *st = store_stmt(sql_list);
    if (!st)
        return ZB_EDB;
    sqlite3_bind_int(st, 1, limit);
    int rc, n = 0;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        char when[32];
        textfmt_time(sqlite3_column_int64(st, 1), when, sizeof when);
        fprintf(f, "%lld  %s  %s:", (long long)sqlite3_column_int64(st, 0), when,
                store_text(st, 2));
        textfmt_excerpt(f, store_text(st, 3), 128); /* member text: no terminal controls */
        fputs("\n    ", f);
        textfmt_block(f, store_text(st, 4), "    ");
        fputc('\n', f);
        n++;
    }
    sqlite3_reset(st);
    if (rc == SQLITE_DONE && n == 0)
        fprintf(f, "（暂无留言）\n");
    return rc == SQLITE_DONE ? ZB_OK : ZB_EDB;
}
