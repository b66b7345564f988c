/*
 * fuzz_qqbot_json.c - libFuzzer driver for the open-platform payload path (webhook/qqbot.c).
 *
 * Parses the input as a callback body. Asserts that every result is a documented code; that an
 * op 13 payload only ever yields a plain_token of [A-Za-z0-9_-] and an event_ts of digits (so
 * the validation answer can never sign bytes that start a JSON body - see qqbot.h); that an
 * event has a sender, ids within QQBOT_ID_MAX and a text; and that a reply to a message would
 * have an id to go to. The input is also read as an RFC 3339 time.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "webhook/qq/qqbot.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void id_ok(const char *s)
{
    if (!s)
        return;
    size_t n = strlen(s);
    if (n == 0 || n > QQBOT_ID_MAX)
        abort();
    for (size_t i = 0; i < n; i++)
        if (s[i] <= ' ' || s[i] >= 0x7f)
            abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct qqbot_payload p;
    int rc = qqbot_parse((const char *)data, size, &p);
    if (rc != ZB_OK && rc != ZB_EPARSE)
        abort();
    if (rc == ZB_OK && p.what == QB_VALIDATE) {
        if (!p.plain_token || !p.event_ts || !*p.plain_token || !*p.event_ts ||
            strlen(p.plain_token) > QQBOT_TOKEN_MAX)
            abort();
        for (const char *c = p.plain_token; *c; c++)
            if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
                  (*c >= '0' && *c <= '9') || *c == '_' || *c == '-'))
                abort();
        for (const char *c = p.event_ts; *c; c++)
            if (*c < '0' || *c > '9')
                abort();
    } else if (rc == ZB_OK && p.what == QB_EVENT) {
        if (!p.user || !p.text || !p.type)
            abort();
        id_ok(p.user);
        id_ok(p.group);
        id_ok(p.msg_id);
        id_ok(p.event_id);
        size_t tl = strlen(p.type), sl = strlen("MESSAGE_CREATE");
        bool message = tl >= sl && strcmp(p.type + tl - sl, "MESSAGE_CREATE") == 0;
        if (message != (p.msg_id != NULL)) /* a message is answered by its id; only a message */
            abort();
    } else if (rc == ZB_OK && p.what != QB_IGNORE) {
        abort();
    }
    qqbot_payload_free(&p);

    char *s = strndup((const char *)data, size < 64 ? size : 64);
    int64_t t;
    rc = qqbot_parse_time(s, &t);
    if (rc != ZB_OK && rc != ZB_EPARSE)
        abort();
    free(s);
    return 0;
}
