/* textfmt.c - local times and one-line excerpts for CLI listings (see textfmt.h). */
#include "bot/textfmt.h"

#include <string.h>
#include <time.h>

void textfmt_time(int64_t t, char *out, size_t n)
{
    time_t tt = (time_t)t;
    struct tm tm;
    localtime_r(&tt, &tm);
    strftime(out, n, "%Y-%m-%d %H:%M:%S", &tm);
}

void textfmt_excerpt(FILE *f, const char *s, size_t max)
{
    size_t n = strlen(s), cut = n > max ? max : n;
    while (cut < n && cut > 0 && ((unsigned char)s[cut] & 0xC0) == 0x80)
        cut--;
    for (size_t i = 0; i < cut; i++) {
        if (s[i] == '\n')
            fputs("⏎", f);
        else if ((unsigned char)s[i] >= 0x20 || s[i] == '\t')
            fputc(s[i], f);
    }
    if (cut < n)
        fputs("…", f);
}
