/*
 * fuzz_sensitive.c - libFuzzer driver for bot/base/sensitive.c.
 *
 * The input is split at its first NUL byte: before it, a word list (one word per line; lines
 * that are not UTF-8 or too long make the build fail, which is fine); after it, the text. The
 * invariants: a scan never reads past the text, every hit names a word of the list and a span
 * inside the text that starts on a character boundary, no more hits are stored than allowed and
 * none are lost from the count, and a second scan gives the same hits. Each word scanned on
 * its own must find itself when it has a significant character.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "bot/base/sensitive.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAXW 64
#define HITS 32

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const uint8_t *nul = memchr(data, 0, size);
    size_t wlen = nul ? (size_t)(nul - data) : size;
    char *list = malloc(wlen + 1);
    memcpy(list, data, wlen);
    list[wlen] = '\0';
    const char *words[MAXW];
    size_t nw = 0;
    for (char *p = list, *e; p && nw < MAXW; p = e ? e + 1 : NULL) {
        e = strchr(p, '\n');
        if (e)
            *e = '\0';
        words[nw++] = p;
    }
    struct sensitive *s = sensitive_build(words, nw);
    if (s) {
        const char *text = nul ? (const char *)nul + 1 : "";
        size_t tlen = nul ? size - wlen - 1 : 0;
        struct sensitive_hit a[HITS], b[HITS];
        size_t na = 0, nb = 0, ta = 0, tb = 0;
        if (sensitive_scan(s, text, tlen, a, HITS, &na, &ta) ||
            sensitive_scan(s, text, tlen, b, HITS, &nb, &tb))
            abort();
        if (na > HITS || na > ta || na != nb || ta != tb || (ta > 0 && na == 0))
            abort();
        for (size_t i = 0; i < na; i++) {
            if (a[i].word >= sensitive_count(s) || a[i].start >= a[i].end || a[i].end > tlen ||
                a[i].pos > a[i].start || ((unsigned char)text[a[i].start] & 0xC0) == 0x80 ||
                memcmp(&a[i], &b[i], sizeof a[i]) != 0) /* lint: not secret */
                abort();
        }
        for (size_t i = 0; i < sensitive_count(s); i++) {
            const char *w = sensitive_word(s, i);
            size_t n = 0, t = 0;
            if (sensitive_scan(s, w, strlen(w), a, HITS, &n, &t) || t == 0)
                abort();
        }
        sensitive_free(s);
    }
    free(list);
    return 0;
}
