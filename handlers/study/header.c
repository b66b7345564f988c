/* header.c - the study item file's header block (see header.h). */
#include "handlers/study/header.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "bot/base/charset.h"

struct hkey {
    const char *name; /* the key as written */
    size_t off;       /* its field in struct study_header */
    size_t max;       /* bytes at most */
};

#define HF(f) offsetof(struct study_header, f)

static const struct hkey hkeys[] = {
    {"title", HF(title), STUDY_TITLE_MAX},       {"date", HF(date), 10},
    {"tags", HF(tags), STUDY_TAGS_MAX},          {"audience", HF(audience), STUDY_TAGS_MAX},
    {"summary", HF(summary), STUDY_SUMMARY_MAX}, {"source", HF(source), STUDY_SOURCE_MAX},
};
#define NHKEYS (sizeof hkeys / sizeof hkeys[0])

static bool is_space(char c)
{
    return c == ' ' || c == '\t';
}

/* trim - the span [*s, *s + *n) without leading and trailing blanks. */
static void trim(const char **s, size_t *n)
{
    while (*n && is_space(**s)) {
        (*s)++;
        (*n)--;
    }
    while (*n && is_space((*s)[*n - 1]))
        (*n)--;
}

/* next_line - the line at *pos (without its LF or CR LF) into *l, *ln; advances *pos. false at
 * the end of the text. */
static bool next_line(const char *t, size_t len, size_t *pos, const char **l, size_t *ln)
{
    if (*pos >= len)
        return false;
    const char *s = t + *pos;
    const char *nl = memchr(s, '\n', len - *pos);
    size_t n = nl ? (size_t)(nl - s) : len - *pos;
    *pos += n + (nl ? 1 : 0);
    if (n && s[n - 1] == '\r')
        n--;
    *l = s;
    *ln = n;
    return true;
}

/* find_colon - the first ':' or full-width '：' (an editor typing Chinese writes either) in
 * [l, l + n), its length in *clen; NULL when there is none. */
static const char *find_colon(const char *l, size_t n, size_t *clen)
{
    for (size_t i = 0; i < n; i++) {
        if (l[i] == ':') {
            *clen = 1;
            return l + i;
        }
        if (i + 3 <= n && strncmp(l + i, "：", 3) == 0) {
            *clen = 3;
            return l + i;
        }
    }
    return NULL;
}

static bool is_fence(const char *l, size_t n)
{
    trim(&l, &n);
    return n == 3 && strncmp(l, "---", 3) == 0;
}

static bool date_ok(const char *d)
{
    if (strlen(d) != 10 || d[4] != '-' || d[7] != '-')
        return false;
    for (int i = 0; i < 10; i++)
        if (i != 4 && i != 7 && (d[i] < '0' || d[i] > '9'))
            return false;
    int mo = (d[5] - '0') * 10 + (d[6] - '0'), da = (d[8] - '0') * 10 + (d[9] - '0');
    return mo >= 1 && mo <= 12 && da >= 1 && da <= 31;
}

/* normalise_list - "a， b、c" into "a,b,c" in place (separators , ， 、 ; and blanks). */
static void normalise_list(char *s)
{
    char out[STUDY_TAGS_MAX + 1];
    size_t o = 0;
    bool sep = false;
    for (size_t i = 0; s[i];) {
        size_t skip = 0;
        if (s[i] == ',' || s[i] == ';' || is_space(s[i]))
            skip = 1;
        else if (strncmp(s + i, "，", 3) == 0 || strncmp(s + i, "、", 3) == 0 ||
                 strncmp(s + i, "；", 3) == 0)
            skip = 3;
        if (skip) {
            sep = o > 0;
            i += skip;
            continue;
        }
        if (sep && o < STUDY_TAGS_MAX)
            out[o++] = ',';
        sep = false;
        if (o < STUDY_TAGS_MAX)
            out[o++] = s[i];
        i++;
    }
    out[o] = '\0';
    memcpy(s, out, o + 1);
}

int study_header_parse(const char *text, size_t len, struct study_header *h, int *line, char *err,
                       size_t errsz)
{
    memset(h, 0, sizeof *h);
    *line = 0;
    if (memchr(text, '\0', len) || !charset_utf8_valid(text, len)) {
        snprintf(err, errsz, "文件不是有效的 UTF-8 文本");
        return ZB_EPARSE;
    }
    size_t pos = 0;
    if (len >= 3 && strncmp(text, "\xEF\xBB\xBF", 3) == 0)
        pos = 3;
    const char *l;
    size_t n;
    int ln = 1;
    if (!next_line(text, len, &pos, &l, &n) || !is_fence(l, n)) {
        *line = 1;
        snprintf(err, errsz, "第一行应为 ---，其后是标题等信息");
        return ZB_EPARSE;
    }
    bool seen[NHKEYS] = {false}, closed = false;
    while (next_line(text, len, &pos, &l, &n)) {
        ln++;
        *line = ln;
        if (is_fence(l, n)) {
            closed = true;
            break;
        }
        if (ln > STUDY_HLINES_MAX + 1) {
            snprintf(err, errsz, "信息块超过 %d 行，缺少结尾的 ---", STUDY_HLINES_MAX);
            return ZB_ETOOBIG;
        }
        if (n > STUDY_LINE_MAX) {
            snprintf(err, errsz, "这一行太长（最多 %d 字节）", STUDY_LINE_MAX);
            return ZB_ETOOBIG;
        }
        const char *t = l;
        size_t tn = n;
        trim(&t, &tn);
        if (!tn || t[0] == '#')
            continue;
        size_t clen = 0;
        const char *colon = find_colon(t, tn, &clen);
        if (!colon) {
            snprintf(err, errsz, "应为“键: 值”的格式");
            return ZB_EPARSE;
        }
        const char *k = t, *v = colon + clen;
        size_t kn = (size_t)(colon - t), vn = tn - kn - clen;
        trim(&k, &kn);
        trim(&v, &vn);
        size_t i = 0;
        while (i < NHKEYS && !(strlen(hkeys[i].name) == kn && strncmp(hkeys[i].name, k, kn) == 0))
            i++;
        if (i == NHKEYS) {
            snprintf(err, errsz,
                     "未知的键“%.*s”（可用：title、date、tags、audience、summary、source）",
                     (int)(kn > 40 ? 40 : kn), k);
            return ZB_EPARSE;
        }
        if (seen[i]) {
            snprintf(err, errsz, "键 %s 重复出现", hkeys[i].name);
            return ZB_EPARSE;
        }
        seen[i] = true;
        if (vn > hkeys[i].max) {
            snprintf(err, errsz, "%s 太长（最多 %zu 字节）", hkeys[i].name, hkeys[i].max);
            return ZB_ETOOBIG;
        }
        char *dst = (char *)h + hkeys[i].off;
        memcpy(dst, v, vn);
        dst[vn] = '\0';
        if (dst == h->date && vn && !date_ok(h->date)) {
            snprintf(err, errsz, "date 应为 年-月-日，如 2026-07-01");
            return ZB_EPARSE;
        }
        if (dst == h->audience || dst == h->tags)
            normalise_list(dst);
    }
    if (!closed) {
        *line = ln;
        snprintf(err, errsz, "信息块缺少结尾的 ---");
        return ZB_EPARSE;
    }
    int hline = *line;
    const char *need[] = {"title", "summary", "source"};
    const char *have[] = {h->title, h->summary, h->source};
    for (int i = 0; i < 3; i++)
        if (!have[i][0]) {
            *line = hline;
            snprintf(err, errsz, "缺少 %s（标题、摘要和出处都必须填写）", need[i]);
            return ZB_EPARSE;
        }
    /* the body: skip leading blank lines, trim trailing whitespace */
    size_t b = pos, e = len;
    while (b < e && (text[b] == '\n' || text[b] == '\r' || is_space(text[b])))
        b++;
    while (e > b && (text[e - 1] == '\n' || text[e - 1] == '\r' || is_space(text[e - 1])))
        e--;
    if (e == b) {
        *line = hline;
        snprintf(err, errsz, "正文为空");
        return ZB_EPARSE;
    }
    /* the body's start may be inside leading blanks of its first line; keep it at a line start */
    while (b > pos && text[b - 1] != '\n')
        b--;
    if (e - b > STUDY_BODY_MAX) {
        *line = hline + 1;
        snprintf(err, errsz, "正文太长（最多 %d 字节）", STUDY_BODY_MAX);
        return ZB_ETOOBIG;
    }
    h->body_off = b;
    h->body_len = e - b;
    *line = 0;
    return ZB_OK;
}
