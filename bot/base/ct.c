/* ct.c - constant-time comparisons (see ct.h). */
#include "bot/base/ct.h"

#include <string.h>

bool ct_memeq(const void *a, const void *b, size_t n)
{
    const volatile unsigned char *x = a, *y = b;
    unsigned char d = 0;
    for (size_t i = 0; i < n; i++)
        d |= x[i] ^ y[i];
    return d == 0;
}

bool ct_streq(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    /* Compare over the shorter length, then fold the length difference in. */
    size_t n = la < lb ? la : lb;
    return ct_memeq(a, b, n) & (la == lb);
}
