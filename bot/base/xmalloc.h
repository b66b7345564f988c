/*
 * xmalloc.h - allocation that never returns NULL.
 *
 * Out-of-memory is decided once: log and abort. This is safe because every size that outside
 * input controls is capped before it reaches an allocator (see buf.h). Free with free().
 */
#ifndef ZHIBU_XMALLOC_H
#define ZHIBU_XMALLOC_H

#include <stddef.h>

void *xmalloc(size_t n);
void *xcalloc(size_t nmemb, size_t size);
void *xrealloc(void *p, size_t n);
/* xstrdup/xstrndup - copies of s (at most n bytes for xstrndup), NUL-terminated; caller frees. */
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);

#endif
