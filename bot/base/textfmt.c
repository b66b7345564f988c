/* textfmt.c - local times, one-line excerpts and column widths for CLI listings (textfmt.h). */
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

/* decode - the code point of the UTF-8 sequence at s into *cp; its length in bytes, or 0 when s
 * does not start a valid (shortest-form, non-surrogate) sequence. */
static size_t decode(const unsigned char *s, uint32_t *cp)
{
    size_t n;
    uint32_t c;
    if (s[0] < 0x80) {
        *cp = s[0];
        return 1;
    } else if (s[0] >= 0xC2 && s[0] <= 0xDF) {
        n = 2;
        c = s[0] & 0x1Fu;
    } else if (s[0] >= 0xE0 && s[0] <= 0xEF) {
        n = 3;
        c = s[0] & 0x0Fu;
    } else if (s[0] >= 0xF0 && s[0] <= 0xF4) {
        n = 4;
        c = s[0] & 0x07u;
    } else {
        return 0;
    }
    for (size_t i = 1; i < n; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0; /* also stops at the NUL */
        c = c << 6 | (s[i] & 0x3Fu);
    }
    if ((n == 3 && c < 0x800) || (n == 4 && (c < 0x10000 || c > 0x10FFFF)) ||
        (c >= 0xD800 && c <= 0xDFFF))
        return 0;
    *cp = c;
    return n;
}

struct range {
    uint32_t lo, hi; /* inclusive */
};

/* Wide and fullwidth blocks (Unicode East Asian Width W and F), coarsely by block. */
static const struct range wide[] = {
    {0x1100, 0x115F},   /* Hangul Jamo initials */
    {0x2329, 0x232A},   /* angle brackets */
    {0x2E80, 0x303E},   /* CJK radicals, Kangxi, CJK symbols and punctuation */
    {0x3041, 0x33FF},   /* kana, bopomofo, Hangul compatibility, CJK compatibility */
    {0x3400, 0x4DBF},   /* CJK extension A */
    {0x4E00, 0x9FFF},   /* CJK unified ideographs */
    {0xA000, 0xA4CF},   /* Yi */
    {0xA960, 0xA97F},   /* Hangul Jamo extended A */
    {0xAC00, 0xD7A3},   /* Hangul syllables */
    {0xF900, 0xFAFF},   /* CJK compatibility ideographs */
    {0xFE10, 0xFE19},   /* vertical forms */
    {0xFE30, 0xFE6F},   /* CJK compatibility forms, small form variants */
    {0xFF00, 0xFF60},   /* fullwidth forms */
    {0xFFE0, 0xFFE6},   /* fullwidth signs */
    {0x1F300, 0x1F64F}, /* pictographs, emoticons */
    {0x1F900, 0x1F9FF}, /* supplemental symbols and pictographs */
    {0x20000, 0x2FFFD}, /* CJK extensions B.. */
    {0x30000, 0x3FFFD}, /* CJK extension G.. */
};

/* Characters that take no column: combining marks, zero-width spaces and joiners, variation
 * selectors, the BOM. */
static const struct range zero[] = {
    {0x0300, 0x036F}, {0x200B, 0x200F}, {0x2028, 0x202E}, {0x2060, 0x2064},
    {0x20D0, 0x20FF}, {0xFE00, 0xFE0F}, {0xFE20, 0xFE2F}, {0xFEFF, 0xFEFF},
};

static bool in(const struct range *r, size_t n, uint32_t c)
{
    for (size_t i = 0; i < n; i++)
        if (c >= r[i].lo && c <= r[i].hi)
            return true;
    return false;
}

size_t textfmt_width(const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t w = 0;
    while (*p) {
        uint32_t c = 0;
        size_t n = decode(p, &c);
        if (!n) {
            w++; /* not UTF-8: one column per byte, as a terminal shows a replacement */
            p++;
            continue;
        }
        p += n;
        if (c < 0x20 || (c >= 0x7F && c < 0xA0) || in(zero, sizeof zero / sizeof zero[0], c))
            continue;
        w += in(wide, sizeof wide / sizeof wide[0], c) ? 2 : 1;
    }
    return w;
}

void textfmt_pad(FILE *f, const char *s, size_t width)
{
    fputs(s, f);
    for (size_t w = textfmt_width(s); w < width; w++)
        fputc(' ', f);
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
