/*
 * charset.h - bring a spreadsheet export to UTF-8: UTF-8, UTF-8 with a BOM, or GBK.
 *
 * Excel on Chinese Windows saves "CSV" in the ANSI code page (936, GBK); "CSV UTF-8" adds a BOM;
 * other tools write plain UTF-8. Detection: a UTF-8 BOM means UTF-8 (the BOM is dropped); input
 * that is valid UTF-8 is UTF-8; anything else is decoded as GB18030 (a superset of GBK) with
 * glibc's iconv. UTF-16 (Excel's "Unicode text") is recognised by its BOM and refused.
 */
#ifndef ZHIBU_CHARSET_H
#define ZHIBU_CHARSET_H

#include <stdbool.h>
#include <stddef.h>

#include "bot/base/err.h"

enum charset { CHARSET_UTF8 = 0, CHARSET_UTF8_BOM, CHARSET_GBK };

/* charset_utf8_valid - n bytes at s are strict UTF-8 (shortest forms, no surrogates, no NUL). */
bool charset_utf8_valid(const char *s, size_t n);

/*
 * charset_to_utf8 - the n bytes at in as NUL-terminated UTF-8 into *out (caller frees; NULL on
 * error), its length into *out_len, what was detected into *detected (may be NULL). The output
 * is at most cap bytes: ZB_ETOOBIG past it. ZB_EPARSE when the input is UTF-16, contains a NUL
 * byte, or is neither UTF-8 nor GBK.
 */
int charset_to_utf8(const char *in, size_t n, size_t cap, char **out, size_t *out_len,
                    enum charset *detected) ZB_MUST_USE;

/*
 * charset_json_text_ok - the one UTF-8 rule at the edge for a JSON body (OneBot, the QQ bot,
 * wxmini): n bytes at s are strict UTF-8 (charset_utf8_valid) and no \\u escape decodes to NUL
 * (cJSON would silently cut the text there) or to half a surrogate pair (invalid UTF-8 once
 * decoded). Adapters refuse such a body with 400, as the WeChat adapter's XML parser refuses
 * invalid UTF-8 and &#0;: nothing is repaired, so nothing altered is ever stored.
 */
bool charset_json_text_ok(const char *s, size_t n);

/* charset_name - "UTF-8", "UTF-8 (BOM)", "GBK". */
const char *charset_name(enum charset c);

#endif
