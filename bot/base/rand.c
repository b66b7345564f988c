/* rand.c - kernel randomness (see rand.h). */
#include "bot/base/rand.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/random.h>

void rand_bytes(void *p, size_t n)
{
    unsigned char *d = p;
    while (n > 0) {
        ssize_t got = getrandom(d, n, 0);
        if (got < 0) {
            if (errno == EINTR)
                continue;
            fprintf(stderr, "zhibu: getrandom failed\n");
            abort();
        }
        d += got;
        n -= (size_t)got;
    }
}

uint64_t rand_u64(void)
{
    uint64_t v;
    rand_bytes(&v, sizeof v);
    return v;
}
