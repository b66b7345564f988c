/* page.c - the study page /s/ID (see page.h). */
#include "handlers/study/page.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bot/delivery/link.h"
#include "bot/org/member.h"
#include "handlers/study/study.h"

int study_html_escape(struct buf *out, const char *s)
{
    for (const char *p = s; *p; p++) {
        const char *r = NULL;
        switch (*p) {
        case '&':
            r = "&amp;";
            break;
        case '<':
            r = "&lt;";
            break;
        case '>':
            r = "&gt;";
            break;
        case '"':
            r = "&quot;";
            break;
        case '\'':
            r = "&#39;";
            break;
        default:
            break;
        }
        int rc = r ? buf_appendz(out, r) : buf_append(out, p, 1);
        if (rc)
            return rc;
    }
    return ZB_OK;
}

static const char head[] =
    "<!doctype html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\">"
    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
    "<meta name=\"referrer\" content=\"no-referrer\"><title>";
static const char style[] =
    "</title><style>body{font-size:20px;line-height:1.8;margin:0 auto;max-width:40em;"
    "padding:1em;color:#222;background:#fff}h1{font-size:1.4em;line-height:1.4}"
    ".meta{color:#555;font-size:.9em}p{margin:.6em 0}</style></head><body>";

/* inline_md - line (escaped) with each closed **bold** pair as <strong>; other marks as text. */
static int inline_md(struct buf *out, const char *line)
{
    const char *p = line;
    for (;;) {
        const char *open = strstr(p, "**");
        const char *close = open ? strstr(open + 2, "**") : NULL;
        if (!close)
            return study_html_escape(out, p);
        char *pre = strndup(p, (size_t)(open - p));
        char *bold = strndup(open + 2, (size_t)(close - open - 2));
        int rc = !pre || !bold || study_html_escape(out, pre) || buf_appendz(out, "<strong>") ||
                 study_html_escape(out, bold) || buf_appendz(out, "</strong>");
        free(pre);
        free(bold);
        if (rc)
            return ZB_ETOOBIG;
        p = close + 2;
    }
}

/* paras - the body as paragraphs: one <p> per non-empty line; "# " headings lose their marks,
 * "- " items become "• " lines, **bold** is kept; everything else is escaped text. */
static int paras(struct buf *out, const char *body)
{
    const char *s = body;
    while (*s) {
        const char *nl = strchr(s, '\n');
        size_t n = nl ? (size_t)(nl - s) : strlen(s);
        while (n && (s[n - 1] == '\r' || s[n - 1] == ' '))
            n--;
        if (n) {
            char *line = strndup(s, n);
            if (!line)
                return ZB_ETOOBIG;
            const char *t = line;
            while (*t == '#' || *t == ' ')
                t++;
            bool item = (t[0] == '-' || t[0] == '*') && t[1] == ' ';
            if (item)
                t += 2;
            int rc = buf_appendz(out, item ? "<p>• " : "<p>") || inline_md(out, t) ||
                     buf_appendz(out, "</p>\n");
            free(line);
            if (rc)
                return ZB_ETOOBIG;
        }
        s += (nl ? (size_t)(nl - s) + 1 : strlen(s));
    }
    return ZB_OK;
}

static void message(struct buf *html, const char *title, const char *text)
{
    buf_reset(html);
    if (buf_appendz(html, head) || buf_appendz(html, title) || buf_appendz(html, style) ||
        buf_appendf(html, "<h1>%s</h1><p>%s</p></body></html>", title, text))
        buf_reset(html);
}

static void name_of(int64_t id, char *out, size_t outsz)
{
    struct member m;
    snprintf(out, outsz, "%s", id && member_get(id, &m) == ZB_OK ? m.name : "—");
}

void study_page(const char *path, const char *m, const char *e, const char *sig, int64_t now,
                int *status, struct buf *html)
{
    struct link_claim cl;
    int rc = link_verify(path, m, e, sig, now, &cl);
    if (rc) {
        *status = rc == ZB_ESTALE ? 410 : rc == ZB_ESIG ? 403 : 400;
        message(html, "链接无效",
                rc == ZB_ESTALE ? "这个链接已过期。请在聊天里发送“学习”获取新链接。"
                                : "链接不完整或已被改动。请在聊天里发送“学习”获取新链接。");
        return;
    }
    char *end = NULL;
    long long id = strtoll(cl.object, &end, 10);
    struct study_item it = {0};
    if (!end || *end || id <= 0 || study_get(id, &it) != ZB_OK) {
        *status = 404;
        message(html, "内容不存在", "这篇内容已不存在。请发送“学习”获取今天的内容。");
        return;
    }
    rc = study_read(cl.member_id, id, "page", now, NULL);
    if (rc) {
        *status = rc == ZB_ENOTFOUND ? 404 : 500;
        message(html, "无法阅读",
                rc == ZB_ENOTFOUND ? "这篇内容已下线。请发送“学习”获取今天的内容。"
                                   : "系统忙，请稍后再试。");
        goto done;
    }
    char author[MEMBER_NAME_MAX + 1], r1[MEMBER_NAME_MAX + 1], r2[MEMBER_NAME_MAX + 1];
    name_of(it.author_id, author, sizeof author);
    name_of(it.reviewer1_id, r1, sizeof r1);
    name_of(it.reviewer2_id, r2, sizeof r2);
    buf_reset(html);
    if (buf_appendz(html, head) || study_html_escape(html, it.h.title) ||
        buf_appendz(html, style) || buf_appendz(html, "<h1>") ||
        study_html_escape(html, it.h.title) || buf_appendz(html, "</h1>\n<p class=\"meta\">") ||
        (it.h.date[0] && (study_html_escape(html, it.h.date) || buf_appendz(html, "　"))) ||
        buf_appendz(html, "撰稿：") || study_html_escape(html, author) ||
        buf_appendz(html, "　审核：") || study_html_escape(html, r1) ||
        (it.reviewer2_id && (buf_appendz(html, "、") || study_html_escape(html, r2))) ||
        buf_appendz(html, "</p>\n") || paras(html, it.body) ||
        buf_appendz(html, "<p class=\"meta\">出处：") || study_html_escape(html, it.h.source) ||
        buf_appendz(html, "</p>\n<p class=\"meta\">已记录阅读。回到聊天发送“下一篇”继续学习。"
                          "</p></body></html>")) {
        *status = 500;
        message(html, "无法阅读", "内容太长，无法显示。");
        goto done;
    }
    *status = 200;
done:
    study_item_clear(&it);
}

int study_page_door(const char *method, const char *path, const char *m, const char *e,
                    const char *sig, int64_t now, int *status, struct buf *html)
{
    if (strcmp(method, "GET") != 0) {
        *status = 405;
        return buf_appendz(html,
                           "<!DOCTYPE html><meta charset=\"utf-8\"><p>只能打开，不能提交。</p>")
                   ? ZB_ETOOBIG
                   : ZB_OK;
    }
    study_page(path, m, e, sig, now, status, html);
    return ZB_OK;
}
