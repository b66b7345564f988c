/*
 * fuzz_wechat_xml.c - libFuzzer driver for webhook/wechat_xml.c.
 *
 * Parses the input as a WeChat message and reads a few fields; then renders the input as the
 * text of a passive reply and parses that back. Invariant: whenever the input is text XML can
 * carry (see xml_text_ok), the reply parses and its Content is exactly the input, so no user text
 * can break out of the CDATA the writer puts it in.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "bot/base/buf.h"
#include "webhook/wechat/wechat_xml.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/*
 * 1 when s is strict UTF-8 made only of XML 1.0 Chars other than CR: expat rejects controls,
 * surrogates, overlongs, U+FFFE/U+FFFF, and turns CR and CRLF into LF, so those cannot round-trip.
 */
static int xml_text_ok(const uint8_t *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        uint32_t c = s[i];
        size_t len;
        if (c < 0x80) {
            if (c < 0x20 && c != '\t' && c != '\n')
                return 0;
            i++;
            continue;
        }
        if (c >= 0xc2 && c <= 0xdf) {
            len = 2;
            c &= 0x1f;
        } else if (c >= 0xe0 && c <= 0xef) {
            len = 3;
            c &= 0x0f;
        } else if (c >= 0xf0 && c <= 0xf4) {
            len = 4;
            c &= 0x07;
        } else {
            return 0;
        }
        if (n - i < len)
            return 0;
        for (size_t k = 1; k < len; k++) {
            if ((s[i + k] & 0xc0) != 0x80)
                return 0;
            c = (c << 6) | (s[i + k] & 0x3f);
        }
        if ((len == 3 && c < 0x800) || (len == 4 && (c < 0x10000 || c > 0x10ffff)))
            return 0;
        if ((c >= 0xd800 && c <= 0xdfff) || c == 0xfffe || c == 0xffff)
            return 0;
        i += len;
    }
    return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const paths[] = {"ToUserName", "MsgType", "Content", "ScanCodeInfo/ScanType",
                                        "Articles/item/Title"};
    struct wechat_xml *x = NULL;
    if (wechat_xml_parse((const char *)data, size, &x) == ZB_OK) {
        size_t total = 0;
        for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++) {
            const char *v = wechat_xml_get(x, paths[i]);
            if (v)
                total += strlen(v);
        }
        if (total > WECHAT_XML_MAX_TEXT)
            abort();
        wechat_xml_free(x);
    } else if (x) {
        abort();
    }

    char *text = malloc(size + 1);
    if (!text)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    size_t text_len = strlen(text); /* stops at an embedded NUL */

    struct reply r;
    memset(&r, 0, sizeof r);
    r.kind = REPLY_TEXT;
    r.text = text;
    struct buf b;
    buf_init(&b, 256 * 1024);
    int rc =
        wechat_xml_reply(&b, "oia2TjjewbmiOUlr6X-1crbLOvLw", "gh_7f083739789a", 1409304348, &r);
    if (rc != ZB_OK && rc != ZB_ETOOBIG)
        abort();
    if (rc == ZB_OK && text_len <= WECHAT_XML_MAX_TEXT &&
        xml_text_ok((const uint8_t *)text, text_len)) {
        if (wechat_xml_parse(b.data, b.len, &x) != ZB_OK)
            abort();
        const char *back = wechat_xml_get(x, "Content");
        if (!back || strcmp(back, text) != 0)
            abort();
        const char *to = wechat_xml_get(x, "ToUserName");
        if (!to || strcmp(to, "oia2TjjewbmiOUlr6X-1crbLOvLw") != 0)
            abort();
        wechat_xml_free(x);
    }
    buf_free(&b);
    free(text);
    return 0;
}
