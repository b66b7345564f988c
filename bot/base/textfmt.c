/* textfmt.c - local times and one-line excerpts for CLI listings (see textfmt.h). */
#include "bot/base/textfmt.h"

#include <string.h>
#include <time.h>

void textfmt_time(int64_t t, char *out, size_t n)
{
    time_t tt = (time_t)t;
    struct tm tm;
    localtime_r(&tt, &tm);
    strftime(out, n, "%Y-%m-%d %H:%M:%S", &tm);
}

/* control_len - bytes of the terminal control character at s (C0 other than \n and \t, DEL,
 * or a C1 character U+0080..U+009F as UTF-8) or of a bidirectional control (textfmt_bidi_len),
 * 0 when s starts with anything else. */
static size_t control_len(const unsigned char *s)
{
    if ((*s < 0x20 && *s != '\n' && *s != '\t') || *s == 0x7f)
        return 1;
    if (s[0] == 0xC2 && s[1] >= 0x80 && s[1] <= 0x9F)
        return 2;
    return textfmt_bidi_len((const char *)s);
}

size_t textfmt_bidi_len(const char *str)
{
    const unsigned char *s = (const unsigned char *)str;
    if (s[0] == 0xD8 && s[1] == 0x9C)
        return 2; /* U+061C ARABIC LETTER MARK */
    if (s[0] != 0xE2)
        return 0;
    if (s[1] == 0x80 && (s[2] == 0x8E || s[2] == 0x8F || (s[2] >= 0xAA && s[2] <= 0xAE)))
        return 3; /* U+200E/200F marks, U+202A..202E embeddings and overrides */
    if (s[1] == 0x81 && s[2] >= 0xA6 && s[2] <= 0xA9)
        return 3; /* U+2066..2069 isolates */
    return 0;
}

void textfmt_excerpt(FILE *f, const char *s, size_t max)
{
    size_t n = strlen(s), cut = n > max ? max : n;
    while (cut < n && cut > 0 && ((unsigned char)s[cut] & 0xC0) == 0x80)
        cut--;
    for (size_t i = 0; i < cut;) {
        size_t c = control_len((const unsigned char *)s + i);
        if (c) {
            i += c;
        } else if (s[i] == '\n') {
            fputs("⏎", f);
            i++;
        } else {
            fputc(s[i++], f);
        }
    }
    if (cut < n)
        fputs("…", f);
}

void textfmt_clean(FILE *f, const char *s)
{
    textfmt_block(f, s, "");
}

void textfmt_block(FILE *f, const char *s, const char *indent)
{
    while (*s) {
        size_t c = control_len((const unsigned char *)s);
        if (c) {
            s += c;
        } else if (*s == '\n') {
            s++;
            if (*s) { /* a continuation line: indented, so it cannot pass for a new entry */
                fputc('\n', f);
                fputs(indent, f);
                fputs(TEXTFMT_CONT, f);
            }
        } else {
            fputc(*s++, f);
        }
    }
}

bool textfmt_digits(const char *s, size_t min_len, size_t max_len, bool lead_zero)
{
    size_t n = strlen(s);
    if (n < min_len || (max_len && n > max_len) || (!lead_zero && s[0] == '0'))
        return false;
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return false;
    return true;
}
