/*
 * charset.c - UTF-8 validation and GBK to UTF-8 conversion for imported files (see charset.h).
 *
 * iconv is given the whole input at once into an output buffer sized from the input (GB18030
 * characters are 1, 2 or 4 bytes and become at most 4 bytes of UTF-8, so 2 * n + 4 always
 * suffices); the result is validated again, so nothing but strict UTF-8 leaves this file.
 */
#include "bot/base/charset.h"

#include <errno.h>
#include <iconv.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "bot/base/xmalloc.h"

bool charset_utf8_valid(const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;
    while (i < n) {
        uint32_t c = p[i];
        size_t len;
        uint32_t min;
        if (c == 0)
            return false;
        if (c < 0x80) {
            i++;
            continue;
        }
        if (c >= 0xC2 && c <= 0xDF) {
            len = 2;
            min = 0x80;
            c &= 0x1F;
        } else if (c >= 0xE0 && c <= 0xEF) {
            len = 3;
            min = 0x800;
            c &= 0x0F;
        } else if (c >= 0xF0 && c <= 0xF4) {
            len = 4;
            min = 0x10000;
            c &= 0x07;
        } else {
            return false;
        }
        if (n - i < len)
            return false;
        for (size_t k = 1; k < len; k++) {
            if ((p[i + k] & 0xC0) != 0x80)
                return false;
            c = (c << 6) | (p[i + k] & 0x3F);
        }
        if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
            return false;
        i += len;
    }
    return true;
}

/* hex4 - the value of the 4 hex digits at s, -1 when they are not (s has at least 4 bytes). */
static long hex4(const char *s)
{
    long v = 0;
    for (int i = 0; i < 4; i++) {
        char c = s[i];
        int d = c >= '0' && c <= '9'   ? c - '0'
                : c >= 'a' && c <= 'f' ? c - 'a' + 10
                : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                       : -1;
        if (d < 0)
            return -1;
        v = v * 16 + d;
    }
    return v;
}

bool charset_json_text_ok(const char *s, size_t n)
{
    if (!charset_utf8_valid(s, n))
        return false;
    for (size_t i = 0; i < n; i++) {
        if (s[i] != '\\')
            continue;
        if (i + 1 < n && s[i + 1] != 'u') {
            i++; /* a two-character escape, "\\" included */
            continue;
        }
        if (i + 6 > n)
            return false;
        long c = hex4(s + i + 2);
        if (c <= 0 || (c >= 0xDC00 && c <= 0xDFFF))
            return false; /* NUL (it would cut the text), a lone low surrogate, or not hex */
        i += 5;
        if (c >= 0xD800 && c <= 0xDBFF) { /* a high surrogate needs its low half next */
            long lo = i + 7 <= n && s[i + 1] == '\\' && s[i + 2] == 'u' ? hex4(s + i + 3) : -1;
            if (lo < 0xDC00 || lo > 0xDFFF)
                return false;
            i += 6;
        }
    }
    return true;
}

const char *charset_name(enum charset c)
{
    switch (c) {
    case CHARSET_UTF8_BOM:
        return "UTF-8 (BOM)";
    case CHARSET_GBK:
        return "GBK";
    default:
        return "UTF-8";
    }
}

static bool has_nul(const char *s, size_t n)
{
    return memchr(s, '\0', n) != NULL;
}

/* gbk_to_utf8 - decode n GB18030 bytes; ZB_EPARSE on an invalid or truncated sequence. */
static int gbk_to_utf8(const char *in, size_t n, size_t cap, char **out, size_t *out_len)
{
    iconv_t cd = iconv_open("UTF-8", "GB18030");
    if (cd == (iconv_t)-1)
        return ZB_EIO;
    size_t room = 2 * n + 4;
    char *dst = xmalloc(room);
    char *src = (char *)in; /* iconv's prototype is not const-correct; it does not write */
    char *o = dst;
    size_t left_in = n, left_out = room - 1;
    int rc = ZB_OK;
    if (iconv(cd, &src, &left_in, &o, &left_out) == (size_t)-1 ||
        iconv(cd, NULL, NULL, &o, &left_out) == (size_t)-1)
        rc = errno == E2BIG ? ZB_ETOOBIG : ZB_EPARSE;
    iconv_close(cd);
    size_t len = (size_t)(o - dst);
    if (rc == ZB_OK && len > cap)
        rc = ZB_ETOOBIG;
    if (rc == ZB_OK && !charset_utf8_valid(dst, len))
        rc = ZB_EPARSE;
    if (rc != ZB_OK) {
        free(dst);
        return rc;
    }
    dst[len] = '\0';
    *out = dst;
    *out_len = len;
    return ZB_OK;
}

int charset_to_utf8(const char *in, size_t n, size_t cap, char **out, size_t *out_len,
                    enum charset *detected)
{
    *out = NULL;
    *out_len = 0;
    enum charset cs = CHARSET_UTF8;
    const unsigned char *u = (const unsigned char *)in;
    if (n >= 2 && ((u[0] == 0xFF && u[1] == 0xFE) || (u[0] == 0xFE && u[1] == 0xFF)))
        return ZB_EPARSE; /* UTF-16 */
    if (n >= 3 && u[0] == 0xEF && u[1] == 0xBB && u[2] == 0xBF) {
        cs = CHARSET_UTF8_BOM;
        in += 3;
        n -= 3;
    }
    if (has_nul(in, n))
        return ZB_EPARSE;
    if (cs == CHARSET_UTF8_BOM || charset_utf8_valid(in, n)) {
        if (!charset_utf8_valid(in, n))
            return ZB_EPARSE;
        if (n > cap)
            return ZB_ETOOBIG;
        *out = xstrndup(in, n);
        *out_len = n;
    } else {
        cs = CHARSET_GBK;
        int rc = gbk_to_utf8(in, n, cap, out, out_len);
        if (rc)
            return rc;
    }
    if (detected)
        *detected = cs;
    return ZB_OK;
}
