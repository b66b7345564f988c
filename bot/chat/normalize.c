/*
 * normalize.c - the keyword normaliser: turns what an older member actually typed ("Ｈｅｌｐ",
 * " 帮助？", "１", "十二", "学习。") into the canonical form the menus match against ("help",
 * "帮助", "1", "12", "学习"). One pass decodes UTF-8 (dropping invalid bytes, overlongs,
 * surrogates and anything above U+10FFFF), maps full-width ASCII and U+3000 to half-width, folds
 * ASCII case, collapses whitespace and drops leading and trailing punctuation; a final check on
 * the short result turns a whole-message Chinese numeral 零..九十九 into digits. Every output
 * character is no longer than the input it came from, so the output never outgrows the input.
 */
#include "bot/chat/normalize.h"

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "bot/base/xmalloc.h"

#define BAD_CP        0xFFFFFFFFu /* decode() result for a byte that starts no valid sequence */
#define OUT_MARGIN    4           /* slack past len + 1; the proof below says 0 is enough */
#define NUMERAL_MAX   9           /* bytes of the longest numeral, "九十九" (3 x 3 bytes) */
#define NUMERAL_NONE  (-1)
#define DIGIT_RUN_MIN 4 /* single Chinese digits in a row that read as a number */

/*
 * decode - the code point starting at s (n > 0 bytes available) into *cp (OUT), returning the
 * bytes consumed. A byte that does not start a complete, shortest-form, non-surrogate sequence
 * up to U+10FFFF yields *cp = BAD_CP and consumes exactly that one byte, so the caller drops it
 * and resynchronises on the next. U+0000 is also BAD_CP: the result is a C string.
 */
static size_t decode(const unsigned char *s, size_t n, uint32_t *cp)
{
    uint32_t c = s[0];
    size_t need;
    uint32_t min;

    *cp = BAD_CP;
    if (c < 0x80) {
        if (c != 0)
            *cp = c;
        return 1;
    }
    if (c >= 0xC2 && c <= 0xDF) {
        need = 2;
        min = 0x80;
        c &= 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
        need = 3;
        min = 0x800;
        c &= 0x0F;
    } else if (c >= 0xF0 && c <= 0xF4) {
        need = 4;
        min = 0x10000;
        c &= 0x07;
    } else {
        return 1;
    }
    if (n < need)
        return 1;
    for (size_t i = 1; i < need; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 1;
        c = (c << 6) | (s[i] & 0x3F);
    }
    if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
        return 1;
    *cp = c;
    return need;
}

/* encode - writes cp (a valid scalar value) as UTF-8 at out, returning the bytes written. */
static size_t encode(uint32_t cp, char *out)
{
    unsigned char *o = (unsigned char *)out;

    if (cp < 0x80) {
        o[0] = (unsigned char)cp;
        return 1;
    }
    if (cp < 0x800) {
        o[0] = (unsigned char)(0xC0 | (cp >> 6));
        o[1] = (unsigned char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        o[0] = (unsigned char)(0xE0 | (cp >> 12));
        o[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
        o[2] = (unsigned char)(0x80 | (cp & 0x3F));
        return 3;
    }
    o[0] = (unsigned char)(0xF0 | (cp >> 18));
    o[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3F));
    o[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
    o[3] = (unsigned char)(0x80 | (cp & 0x3F));
    return 4;
}

/*
 * fold - cp as the matcher sees it: full-width ASCII to half-width, every whitespace form
 * (space, tab, CR, LF, U+3000, NBSP) to ' ', ASCII letters to lower case. Never longer in UTF-8
 * than cp itself.
 */
static uint32_t fold(uint32_t cp)
{
    if (cp >= 0xFF01 && cp <= 0xFF5E)
        cp -= 0xFEE0;
    if (cp == '\t' || cp == '\r' || cp == '\n' || cp == 0x3000 || cp == 0x00A0)
        return ' ';
    if (cp >= 'A' && cp <= 'Z')
        return cp + ('a' - 'A');
    return cp;
}

/* is_edge_punct - whether a folded cp is trimmed from either end of a message: punctuation and
 * emoji. '+' is not. */
static bool is_edge_punct(uint32_t cp)
{
    switch (cp) {
    case '.':
    case ',':
    case '!':
    case '?':
    case ';':
    case ':':
    case '~':
    case '\'':
    case '"':
    case 0x3002: /* 。 */
    case 0x3001: /* 、 */
    case 0x2026: /* … */
    case 0x00B7: /* · */
    case 0x201C: /* “ */
    case 0x201D: /* ” */
    case 0x2018: /* ‘ */
    case 0x2019: /* ’ */
    case 0xFE0F: /* emoji presentation selector */
    case 0x200D: /* zero-width joiner inside an emoji */
        return true;
    default: /* emoji and pictographs: "好的👌", "收到🙏" */
        return (cp >= 0x1F000 && cp <= 0x1FAFF) || (cp >= 0x2600 && cp <= 0x27BF);
    }
}

/* numeral_digit - 0..9 for 零 〇 一 二 两 三 四 五 六 七 八 九, NUMERAL_NONE otherwise. */
static int numeral_digit(uint32_t cp)
{
    switch (cp) {
    case 0x96F6: /* 零 */
    case 0x3007: /* 〇 */
        return 0;
    case 0x4E00: /* 一 */
        return 1;
    case 0x4E8C: /* 二 */
    case 0x4E24: /* 两 */
        return 2;
    case 0x4E09: /* 三 */
        return 3;
    case 0x56DB: /* 四 */
        return 4;
    case 0x4E94: /* 五 */
        return 5;
    case 0x516D: /* 六 */
        return 6;
    case 0x4E03: /* 七 */
        return 7;
    case 0x516B: /* 八 */
        return 8;
    case 0x4E5D: /* 九 */
        return 9;
    default:
        return NUMERAL_NONE;
    }
}

/*
 * digit_runs - rewrite, in place, every run of at least DIGIT_RUN_MIN single Chinese digits
 * (零 〇 一 二 两 ... 九, as voice recognition spells a code) in the n bytes at s as ASCII
 * digits. Returns the new length (never longer: 3 bytes become 1).
 */
static size_t digit_runs(char *s, size_t n)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t r = 0, w = 0;
    while (r < n) {
        size_t run = 0, end = r; /* digits in the run starting at r, and where it ends */
        for (;;) {
            uint32_t cp;
            size_t k = end < n ? decode(u + end, n - end, &cp) : 0;
            if (!k || cp == BAD_CP || numeral_digit(cp) == NUMERAL_NONE)
                break;
            end += k;
            run++;
        }
        if (run >= DIGIT_RUN_MIN) {
            for (size_t i = r; i < end;) {
                uint32_t cp;
                i += decode(u + i, n - i, &cp);
                s[w++] = (char)('0' + numeral_digit(cp));
            }
            r = end;
        } else if (run > 0) {
            memmove(s + w, s + r, end - r);
            w += end - r;
            r = end;
        } else {
            s[w++] = s[r++];
        }
    }
    return w;
}

/*
 * numeral_value - the value 0..99 of s[0..n) if it is exactly one Chinese numeral of the forms
 * D, 十, 十D, D十, D十D (D a digit 一..九 or 两; 零/〇 only alone), else NUMERAL_NONE. s is the
 * already-normalised (valid UTF-8) message.
 */
static int numeral_value(const char *s, size_t n)
{
    uint32_t cp[3];
    size_t count = 0;
    size_t i = 0;

    if (n == 0 || n > NUMERAL_MAX)
        return NUMERAL_NONE;
    while (i < n) {
        if (count == 3)
            return NUMERAL_NONE;
        i += decode((const unsigned char *)s + i, n - i, &cp[count]);
        count++;
    }

    const uint32_t ten = 0x5341; /* 十 */
    int a = numeral_digit(cp[0]);
    if (count == 1)
        return cp[0] == ten ? 10 : a;
    if (count == 2) {
        int b = numeral_digit(cp[1]);
        if (cp[0] == ten && b > 0)
            return 10 + b;
        if (a > 0 && cp[1] == ten)
            return a * 10;
        return NUMERAL_NONE;
    }
    int c = numeral_digit(cp[2]);
    if (a > 0 && cp[1] == ten && c > 0)
        return a * 10 + c;
    return NUMERAL_NONE;
}

/*
 * normalize_text - the normalised form of the len bytes at s (need not be NUL-terminated; may
 * hold any bytes). Returns a NUL-terminated, valid UTF-8 string of at most len bytes; the caller
 * frees it with free(). Never returns NULL (xmalloc aborts on out-of-memory).
 *
 * Rules, in the order a character meets them: invalid UTF-8 and NUL are dropped; full-width
 * ASCII becomes half-width and U+3000 a space; ASCII letters are lower-cased; whitespace runs
 * (space, tab, CR, LF, U+3000, NBSP) become one space; leading and trailing spaces and edge
 * punctuation (. , ! ? ; : ~ ' " 。 、 … · “ ” ‘ ’, plus full-width forms via the first rule) and
 * emoji (U+1F000..U+1FAFF, U+2600..U+27BF, with their selector U+FE0F and joiner U+200D)
 * are trimmed, but a message with nothing else keeps its first mark alone ("？？" -> "?",
 * "。" -> "。"); a run of DIGIT_RUN_MIN or more single Chinese digits becomes ASCII digits
 * ("绑定二零五五四三" -> "绑定205543"); finally a whole message that is a Chinese numeral
 * 零..九十九 becomes digits.
 * The result is a fixed point: normalising it again returns it unchanged.
 *
 * Bound: each kept character encodes in no more bytes than the input character it came from,
 * and each emitted space stands for at least one input whitespace byte, so the output fits in
 * len bytes; the allocation adds OUT_MARGIN only as insurance.
 */
char *normalize_text(const char *s, size_t len)
{
    const unsigned char *in = (const unsigned char *)s;
    char *out = xmalloc(len + 1 + OUT_MARGIN);
    size_t n = 0;            /* bytes written to out */
    size_t keep = 0;         /* out length up to the last character that is not trimmable */
    bool started = false;    /* a non-space, non-edge-punctuation character has been seen */
    bool pending = false;    /* a whitespace run awaits its single space */
    uint32_t first_mark = 0; /* first edge punctuation before anything started, 0 if none */

    for (size_t i = 0; i < len;) {
        uint32_t cp;
        i += decode(in + i, len - i, &cp);
        if (cp == BAD_CP)
            continue;
        cp = fold(cp);
        if (cp == ' ') {
            pending = started;
            continue;
        }
        bool edge = is_edge_punct(cp);
        if (!started && edge) {
            if (first_mark == 0)
                first_mark = cp;
            continue;
        }
        if (pending) {
            out[n++] = ' ';
            pending = false;
        }
        n += encode(cp, out + n);
        if (!edge) {
            started = true;
            keep = n;
        }
    }

    if (started)
        n = keep;
    else if (first_mark != 0)
        n = encode(first_mark, out);
    else
        n = 0;

    n = digit_runs(out, n);
    int value = numeral_value(out, n);
    if (value != NUMERAL_NONE) {
        n = 0;
        if (value >= 10)
            out[n++] = (char)('0' + value / 10);
        out[n++] = (char)('0' + value % 10);
    }
    out[n] = '\0';
    return out;
}
