/* buf.c - the capped growable buffer (see buf.h). */
#include "bot/base/buf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bot/base/xmalloc.h"

void buf_init(struct buf *b, size_t cap)
{
    b->data = NULL;
    b->len = 0;
    b->alloc = 0;
    b->cap = cap;
}

static void reserve(struct buf *b, size_t need)
{
    if (need + 1 <= b->alloc)
        return;
    size_t n = b->alloc ? b->alloc : 64;
    while (n < need + 1)
        n *= 2;
    if (n > b->cap + 1)
        n = b->cap + 1;
    b->data = xrealloc(b->data, n);
    b->alloc = n;
}

int buf_append(struct buf *b, const void *p, size_t n)
{
    if (n > b->cap - b->len)
        return ZB_ETOOBIG;
    reserve(b, b->len + n);
    if (n)
        memcpy(b->data + b->len, p, n);
    b->len += n;
    b->data[b->len] = '\0';
    return ZB_OK;
}

int buf_appendz(struct buf *b, const char *s)
{
    return buf_append(b, s, strlen(s));
}

int buf_vappendf(struct buf *b, const char *fmt, va_list ap)
{
    va_list cp;
    va_copy(cp, ap);
    int n = vsnprintf(NULL, 0, fmt, cp);
    va_end(cp);
    if (n < 0)
        return ZB_EINVAL;
    if ((size_t)n > b->cap - b->len)
        return ZB_ETOOBIG;
    reserve(b, b->len + (size_t)n);
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    b->len += (size_t)n;
    return ZB_OK;
}

int buf_appendf(struct buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int rc = buf_vappendf(b, fmt, ap);
    va_end(ap);
    return rc;
}

const char *buf_str(const struct buf *b)
{
    return b->data ? b->data : "";
}

void buf_reset(struct buf *b)
{
    b->len = 0;
    if (b->data)
        b->data[0] = '\0';
}

void buf_free(struct buf *b)
{
    free(b->data);
    b->data = NULL;
    b->len = 0;
    b->alloc = 0;
}

char *buf_steal(struct buf *b)
{
    char *d = b->data ? b->data : xstrdup("");
    b->data = NULL;
    b->len = 0;
    b->alloc = 0;
    return d;
}
