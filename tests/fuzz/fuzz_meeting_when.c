/*
 * fuzz_meeting_when.c - libFuzzer driver for handlers/meetings/when.c, the parser of a
 * secretary's scheduling message. Invariants: no crash; an accepted request has a kind in range,
 * a non-empty place, every field NUL-terminated within its cap, and a start that formats; the
 * rest pointer of when_parse_at stays inside the input.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "handlers/meetings/when.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int tz;
    if (!tz) {
        setenv("TZ", "Asia/Shanghai", 1);
        tzset();
        tz = 1;
    }
    char *text = malloc(size + 1);
    if (!text)
        abort();
    memcpy(text, data, size);
    text[size] = '\0';
    const int64_t now = 1796011200; /* 2026-11-30 */
    int64_t at = 0;
    const char *rest = NULL;
    if (when_parse_at(text, now, &at, &rest) == ZB_OK) {
        if (!rest || rest < text || rest > text + strlen(text))
            abort();
        char out[64];
        when_format(at, out, sizeof out);
    }
    struct when_request r;
    int rc = when_parse_request(text, now, &r);
    if (rc == ZB_OK) {
        if ((unsigned)r.kind >= MK_COUNT || !r.place[0] || strlen(r.place) > WHEN_WORD_MAX ||
            strlen(r.topic) > WHEN_TOPIC_MAX || strlen(r.group) > WHEN_WORD_MAX ||
            strlen(r.chair) > WHEN_WORD_MAX || strlen(r.recorder) > WHEN_WORD_MAX)
            abort();
    } else if (rc != ZB_EINVAL && rc != ZB_ETOOBIG) {
        abort();
    }
    free(text);
    return 0;
}
