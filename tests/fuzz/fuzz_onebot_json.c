/*
 * fuzz_onebot_json.c - libFuzzer driver for the OneBot report path (webhook/onebot.c).
 *
 * Parses the input as an HTTP POST report body. Asserts that every result is a documented
 * code; that a message has its ids as decimal text and a text no longer than the body (codes
 * only shrink when they become text); that the ids of notices are set; and that the text,
 * split into QQ parts as an answer would be, gives at most QQ_MAX_PARTS parts, each within
 * QQ_PART_CHARS except a last one that carries the router's "+ more" line.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "bot/chat/router.h"
#include "webhook/qq/onebot.h"
#include "webhook/qq/qq_text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void decimal(const char *s, bool sign)
{
    size_t i = sign && s[0] == '-' ? 1 : 0, n = strlen(s);
    if (n <= i || n >= ONEBOT_ID_MAX)
        abort();
    for (; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            abort();
}

static size_t chars(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        n += ((unsigned char)*s & 0xC0) != 0x80;
    return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct onebot_report r;
    int rc = onebot_parse((const char *)data, size, &r);
    if (rc != ZB_OK) {
        if ((rc != ZB_EPARSE && rc != ZB_ETOOBIG) || r.what != OB_IGNORE)
            abort();
        onebot_report_free(&r);
        return 0;
    }
    decimal(r.self_id, false);
    if (r.what == OB_MESSAGE) {
        decimal(r.user, false);
        decimal(r.message_id, true);
        if (*r.group)
            decimal(r.group, false);
        if (!r.text || strlen(r.text) > size)
            abort();
        struct qq_parts p;
        qq_split(r.text, &p);
        if (p.n > QQ_MAX_PARTS || (*r.text && p.n == 0))
            abort();
        /* qq_split keeps a trailing "+ more" line with the last part, which may then exceed
         * QQ_PART_CHARS by that line's length (its documented contract) */
        size_t tl = strlen(r.text), ml = strlen(ROUTER_MORE_LINE);
        bool more = tl >= ml && strcmp(r.text + tl - ml, ROUTER_MORE_LINE) == 0;
        for (size_t i = 0; i < p.n; i++) {
            size_t cap = QQ_PART_CHARS + (more && i == p.n - 1 ? chars(ROUTER_MORE_LINE) : 0);
            if (chars(p.part[i]) > cap)
                abort();
        }
        qq_parts_free(&p);
    } else if (r.what == OB_JOIN || r.what == OB_LEAVE || r.what == OB_FRIEND) {
        decimal(r.user, false);
        if (r.what != OB_FRIEND)
            decimal(r.group, false);
    } else if (r.what != OB_IGNORE || r.text) {
        abort();
    }
    onebot_report_free(&r);
    return 0;
}
