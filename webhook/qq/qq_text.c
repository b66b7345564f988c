/* qq_text.c - the group prefix and long replies in parts for the QQ adapters (see qq_text.h). */
#include "webhook/qq/qq_text.h"

#include <stdlib.h>
#include <string.h>

#include "bot/base/buf.h"
#include "bot/chat/router.h"
#include "bot/base/xmalloc.h"

#define CUT_MARK "……"

void qq_parts_free(struct qq_parts *p)
{
    for (size_t i = 0; i < p->n; i++)
        free(p->part[i]);
    p->n = 0;
}

/* ends_with - s (n bytes) ends with suffix. */
static bool ends_with(const char *s, size_t n, const char *suffix)
{
    size_t k = strlen(suffix);
    return n >= k && strcmp(s + n - k, suffix) == 0;
}

void qq_split(const char *text, struct qq_parts *out)
{
    out->n = 0;
    size_t len = strlen(text);
    bool more = ends_with(text, len, ROUTER_MORE_LINE);
    size_t body = more ? len - strlen(ROUTER_MORE_LINE) : len;
    char *b = xstrndup(text, body);
    const char *p = b;
    while (*p) {
        size_t cut = router_split(p, 0, QQ_PART_CHARS);
        const char *next = p + cut + (p[cut] == '\n');
        bool last = out->n == QQ_MAX_PARTS - 1;
        if (last && *next) { /* more than fits: end the last part visibly */
            cut = router_split(p, 0, QQ_PART_CHARS - 2);
            char *s = xmalloc(cut + strlen(CUT_MARK) + 1);
            memcpy(s, p, cut);
            memcpy(s + cut, CUT_MARK, strlen(CUT_MARK) + 1);
            out->part[out->n++] = s;
            more = false;
            break;
        }
        out->part[out->n++] = xstrndup(p, cut);
        p = next;
    }
    free(b);
    if (more) {
        if (out->n == 0) {
            out->part[out->n++] = xstrdup(ROUTER_MORE_LINE + 1); /* without its newline */
        } else {
            char *lastp = out->part[out->n - 1];
            size_t a = strlen(lastp), m = strlen(ROUTER_MORE_LINE);
            lastp = xrealloc(lastp, a + m + 1);
            memcpy(lastp + a, ROUTER_MORE_LINE, m + 1);
            out->part[out->n - 1] = lastp;
        }
    }
}

/* space_len - bytes of the whitespace character at p (ASCII or U+3000), 0 when none. */
static size_t space_len(const char *p)
{
    if (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
        return 1;
    return strncmp(p, "\xe3\x80\x80", 3) == 0 ? 3 : 0;
}

const char *qq_strip_prefix(const char *text, const char *prefix)
{
    size_t n = strlen(prefix);
    const char *rest = NULL;
    if (n == 0)
        return NULL;
    if (strncmp(text, prefix, n) == 0)
        rest = text + n;
    else if (strcmp(prefix, "#") == 0 && strncmp(text, "＃", strlen("＃")) == 0)
        rest = text + strlen("＃");
    if (!rest)
        return NULL;
    for (size_t k; (k = space_len(rest)) > 0;)
        rest += k;
    return rest;
}

char *qq_trim(const char *s)
{
    for (size_t k; (k = space_len(s)) > 0;)
        s += k;
    size_t n = strlen(s);
    for (;;) {
        if (n >= 1 && space_len(s + n - 1) == 1) {
            n--;
        } else if (n >= 3 && strncmp(s + n - 3, "\xe3\x80\x80", 3) == 0) {
            n -= 3;
        } else {
            break;
        }
    }
    return xstrndup(s, n);
}
