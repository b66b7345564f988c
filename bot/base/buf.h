/*
 * buf.h - a growable byte buffer with a hard cap.
 *
 * Every buffer that outside input can grow is a struct buf with a named cap: appending past the
 * cap fails with ZB_ETOOBIG and leaves the buffer as it was. The data is always NUL-terminated
 * (the terminator is not counted in len nor against the cap). The buffer owns its data.
 */
#ifndef ZHIBU_BUF_H
#define ZHIBU_BUF_H

#include <stdarg.h>
#include <stddef.h>

#include "bot/base/err.h"

struct buf {
    char *data;   /* NUL-terminated contents, or NULL before the first append */
    size_t len;   /* bytes used, excluding the terminator */
    size_t alloc; /* bytes allocated */
    size_t cap;   /* most bytes len may reach */
};

void buf_init(struct buf *b, size_t cap);
/* buf_append - add n bytes; ZB_ETOOBIG (buffer unchanged) past the cap. */
int buf_append(struct buf *b, const void *p, size_t n) ZB_MUST_USE;
int buf_appendz(struct buf *b, const char *s) ZB_MUST_USE;
int buf_appendf(struct buf *b, const char *fmt, ...) ZB_MUST_USE
    __attribute__((format(printf, 2, 3)));
int buf_vappendf(struct buf *b, const char *fmt, va_list ap) ZB_MUST_USE;
/* buf_str - the contents as a C string; "" when empty. Valid until the next change. */
const char *buf_str(const struct buf *b);
void buf_reset(struct buf *b);
void buf_free(struct buf *b);
/* buf_steal - hand the contents to the caller (free with free()) and reset the buffer. */
char *buf_steal(struct buf *b);

#endif
