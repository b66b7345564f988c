/* chat.c - 待办, 同意 ID, 退回 ID 原因 (see chat.h); the Chinese of the inbox in chat. */
#include "handlers/todo/chat.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bot/base/buf.h"
#include "bot/chat/normalize.h"
#include "bot/org/actor.h"
#include "handlers/todo/todo.h"

#define LIST_MAX 4096 /* bytes of a listing reply */
#define ID_MAX   24   /* bytes of an id word */

static const char *const list_base[] = {"待办", "审核"};
static const char *const approve_base[] = {"同意", "通过", "批准"};
static const char return_word[] = "退回";

/* The handler's keywords: the base words, then the kinds' aliases (todo_chat_prepare). */
static const char *words[3 + 3 + 1 + TODO_ALIASES_MAX + 1] = {
    "待办", "审核", "同意", "通过", "批准", "退回", NULL,
};

int todo_chat_prepare(void)
{
    size_t n = 6;
    for (size_t i = 0; todo_kind_at(i); i++) {
        const struct decision_kind *k = todo_kind_at(i);
        const char *const *lists[2] = {k->list_words, k->approve_words};
        for (int l = 0; l < 2; l++)
            for (size_t j = 0; lists[l] && lists[l][j]; j++) {
                if (n + 1 >= sizeof words / sizeof words[0])
                    return ZB_ETOOBIG;
                words[n++] = lists[l][j];
            }
    }
    words[n] = NULL;
    return ZB_OK;
}

enum word_use { USE_NONE = 0, USE_LIST, USE_APPROVE, USE_RETURN };

static bool in(const char *w, const char *const *list, size_t n)
{
    for (size_t i = 0; list && (n ? i < n : list[i] != NULL); i++)
        if (strcmp(list[i], w) == 0)
            return true;
    return false;
}

/* longest_word - the longest keyword that starts norm, NULL when none. */
static const char *longest_word(const char *norm)
{
    const char *best = NULL;
    for (size_t i = 0; words[i]; i++) {
        size_t len = strlen(words[i]);
        if (strncmp(norm, words[i], len) == 0 && (!best || len > strlen(best)))
            best = words[i];
    }
    return best;
}

/* word_use - what the keyword that starts norm does; the longest keyword wins. */
static enum word_use word_use(const char *norm)
{
    const char *best = longest_word(norm);
    if (!best)
        return USE_NONE;
    if (in(best, list_base, 2))
        return USE_LIST;
    if (in(best, approve_base, 3))
        return USE_APPROVE;
    if (strcmp(best, return_word) == 0)
        return USE_RETURN;
    for (size_t i = 0; todo_kind_at(i); i++) {
        if (in(best, todo_kind_at(i)->list_words, 0))
            return USE_LIST;
        if (in(best, todo_kind_at(i)->approve_words, 0))
            return USE_APPROVE;
    }
    return USE_NONE;
}

/*
 * parse_id - the decision id at the start of arg (ASCII digits, or a Chinese numeral such as
 * 十二, which normalize_text turns into digits); *rest the text after it and its spaces.
 * false when arg does not start with an id.
 */
static bool parse_id(const char *arg, int64_t *id, const char **rest)
{
    size_t len = strcspn(arg, " ");
    if (len == 0 || len >= ID_MAX)
        return false;
    char word[ID_MAX];
    memcpy(word, arg, len);
    word[len] = '\0';
    char *digits = normalize_text(word, len);
    bool ok = digits[0] != '\0' && strlen(digits) <= 15;
    int64_t v = 0;
    for (const char *p = digits; ok && *p; p++) {
        if (*p < '0' || *p > '9')
            ok = false;
        else
            v = v * 10 + (*p - '0');
    }
    free(digits);
    if (!ok || v <= 0)
        return false;
    *id = v;
    *rest = arg + len;
    while (**rest == ' ')
        (*rest)++;
    return true;
}

static int list(struct handler_ctx *c, const struct actor *a, struct reply *out)
{
    struct todo_item *items = calloc(TODO_CHAT_SHOWN, sizeof *items);
    size_t n = 0, total = 0;
    struct buf b;
    buf_init(&b, LIST_MAX);
    int rc = items ? todo_list(a, items, TODO_CHAT_SHOWN, &n, &total) : ZB_EDB;
    (void)c;
    if (rc)
        goto done;
    if (n == 0) {
        reply_text(out, "暂无待办。\n回复 0 返回菜单。");
        goto done;
    }
    rc = buf_appendf(&b, "【待办】共 %zu 项\n", total);
    for (size_t i = 0; !rc && i < n; i++)
        rc = buf_appendf(&b, "%lld %s%s%s\n", (long long)items[i].d.id, items[i].d.kind->label,
                         items[i].summary[0] ? "：" : "", items[i].summary);
    if (!rc && total > n)
        rc = buf_appendf(&b, "……另有 %zu 项，处理完上面的再发送“待办”\n", total - n);
    if (!rc)
        rc = buf_appendz(&b, "回复“同意 编号”通过，“退回 编号 原因”退回。回复 0 返回菜单");
    if (!rc)
        reply_text(out, buf_str(&b));
done:
    buf_free(&b);
    free(items);
    return rc;
}

/* decide - run the verdict and say how it went. */
static int decide(struct handler_ctx *c, const struct actor *a, int64_t id, enum todo_verdict v,
                  const char *reason, struct reply *out)
{
    struct decision d;
    int rc = todo_decide(a, id, v, reason, c->now, &d);
    switch (rc) {
    case ZB_OK:
        reply_textf(out, "已%s %lld（%s）%s\n回复“待办”查看其余，回复 0 返回菜单",
                    v == TODO_APPROVE ? "同意" : "退回", (long long)id, d.kind->label,
                    v == TODO_APPROVE ? "。" : "，原因已记下。");
        return ZB_OK;
    case ZB_ENOTFOUND:
        reply_textf(out, "没有编号为 %lld 的待办。\n回复“待办”查看编号", (long long)id);
        return ZB_OK;
    case ZB_EDONE:
        reply_textf(out, "待办 %lld 已经%s，不用再处理。\n回复“待办”查看其余", (long long)id,
                    d.state == TODO_APPROVED ? "同意" : "退回");
        return ZB_OK;
    case ZB_EDENIED:
        reply_textf(out, "待办 %lld 不由您处理。\n回复“待办”查看您的待办", (long long)id);
        return ZB_OK;
    case ZB_ETOOBIG:
        reply_text(out, "退回原因太长了，请简短一些再发一次。\n回复 0 取消");
        return router_session_begin(c, &todo_handler, "");
    default:
        return rc;
    }
}

/* digit_len - bytes of the ASCII or full-width digit at p, 0 when none. */
static size_t digit_len(const char *p)
{
    if (*p >= '0' && *p <= '9')
        return 1;
    const unsigned char *u = (const unsigned char *)p;
    return u[0] == 0xEF && u[1] == 0xBC && u[2] >= 0x90 && u[2] <= 0x99 ? 3 : 0;
}

/* space_len - bytes of the white space (ASCII, U+3000) or colon (":", "：") at p, 0 when none. */
static size_t space_len(const char *p)
{
    if (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n' || *p == ':')
        return 1;
    return strncmp(p, "\xe3\x80\x80", 3) == 0 || strncmp(p, "\xef\xbc\x9a", 3) == 0 ? 3 : 0;
}

/* raw_reason - in the text as typed ("退回 ２１ 标题不清楚，请改一下"), what follows the word and
 * the number: the reason with the member's own punctuation (the normalised text folds "，" to
 * ","). NULL when the text does not have that shape, or its first number is not id. */
static const char *raw_reason(const char *raw, int64_t id)
{
    const char *p = raw;
    size_t k;
    while (*p && !digit_len(p)) /* the word, in whatever form */
        p++;
    if (!*p)
        return NULL;
    int64_t v = 0;
    for (int n = 0; (k = digit_len(p)) > 0; p += k, n++) {
        if (n >= 18)
            return NULL;
        v = v * 10 + (k == 1 ? *p - '0' : ((const unsigned char *)p)[2] - 0x90);
    }
    if (v != id) /* the number was spelled (十二) and these digits belong to the reason */
        return NULL;
    while ((k = space_len(p)) > 0)
        p += k;
    return p;
}

void todo_chat_parse(const char *norm, const char *arg, const char *raw, struct todo_cmd *out)
{
    memset(out, 0, sizeof *out);
    out->reason = "";
    enum word_use use = word_use(norm);
    if (use == USE_LIST || use == USE_NONE)
        return;
    out->kind = use == USE_RETURN ? TODO_CMD_RETURN : TODO_CMD_APPROVE;
    const char *rest = "";
    if (!parse_id(arg, &out->id, &rest))
        return;
    out->has_id = true;
    if (out->kind == TODO_CMD_APPROVE || !*rest)
        return;
    const char *typed = raw_reason(raw, out->id);
    out->reason = typed && *typed ? typed : rest;
}

static int todo_on_message(struct handler_ctx *c, struct reply *out)
{
    if (c->ev->group) {
        reply_text(out, "待办请私聊我处理，发送“待办”查看。");
        return ZB_OK;
    }
    struct actor a = actor_member(c->member_id, platform_name(c->ev->platform));
    struct todo_cmd cmd;
    todo_chat_parse(c->norm, c->arg, c->ev->text ? c->ev->text : "", &cmd);
    if (cmd.kind == TODO_CMD_LIST)
        return list(c, &a, out);
    int64_t id = cmd.id;
    bool ret = cmd.kind == TODO_CMD_RETURN;
    if (!cmd.has_id) {
        reply_textf(out, "请在“%s”后写上待办编号，例如：%s 12\n回复“待办”查看编号",
                    ret ? "退回" : "同意", ret ? "退回" : "同意");
        return ZB_OK;
    }
    if (!ret)
        return decide(c, &a, id, TODO_APPROVE, NULL, out);
    if (!*cmd.reason) {
        struct decision d;
        int rc = todo_get(id, &d);
        if (rc == ZB_OK && d.state == TODO_OPEN && todo_may(&a, &d) == ZB_OK) {
            char state[ID_MAX];
            snprintf(state, sizeof state, "%lld", (long long)id);
            reply_textf(out, "请发送退回待办 %lld 的原因，一条消息即可。\n回复 0 取消",
                        (long long)id);
            return router_session_begin(c, &todo_handler, state);
        }
        if (rc != ZB_OK && rc != ZB_ENOTFOUND)
            return rc;
        /* unknown, decided or not theirs: say so as a decision would */
    }
    return decide(c, &a, id, TODO_RETURN, cmd.reason, out);
}

/* todo_on_session - the reason for returning the decision whose id is state. */
static int todo_on_session(struct handler_ctx *c, const char *state, struct reply *out)
{
    struct actor a = actor_member(c->member_id, platform_name(c->ev->platform));
    int64_t id = strtoll(state, NULL, 10);
    if (id <= 0)
        return list(c, &a, out);
    int rc = router_session_end(c);
    if (rc)
        return rc;
    /* "同意 21", "退回 21 ...", "待办": a new inbox command, never the reason */
    const char *kw = longest_word(c->norm);
    if (kw && word_use(c->norm) != USE_NONE) {
        c->arg = c->norm + strlen(kw);
        while (*c->arg == ' ')
            c->arg++;
        return todo_on_message(c, out);
    }
    if (!*c->norm) {
        reply_text(out, "退回需要写明原因。\n回复“待办”重新开始");
        return ZB_OK;
    }
    return decide(c, &a, id, TODO_RETURN, c->ev->text, out);
}

const struct handler todo_handler = {
    .name = "todo",
    .keywords = words,
    .initials = (const char *const[]){"db", NULL},
    .takes_arg = true,
    .members_only = true,
    .command = "待办",
    .on_message = todo_on_message,
    .on_session = todo_on_session,
};
