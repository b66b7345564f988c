/*
 * fuzz_study_header.c - libFuzzer driver for the study item header parser
 * (handlers/study/header.c): never crash, never read past the input, and what it accepts is
 * within bounds - every field NUL-terminated within its cap, the body span inside the input,
 * non-empty and within STUDY_BODY_MAX; a refusal names a line and gives a reason.
 */
#include <assert.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "handlers/study/header.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct study_header h;
    int line = -1;
    char err[STUDY_ERR_MAX];
    err[0] = '\0';
    int rc = study_header_parse((const char *)data, size, &h, &line, err, sizeof err);
    if (rc == ZB_OK) {
        assert(line == 0);
        assert(strlen(h.title) <= STUDY_TITLE_MAX && h.title[0]);
        assert(strlen(h.summary) <= STUDY_SUMMARY_MAX && h.summary[0]);
        assert(strlen(h.source) <= STUDY_SOURCE_MAX && h.source[0]);
        assert(strlen(h.tags) <= STUDY_TAGS_MAX && strlen(h.audience) <= STUDY_TAGS_MAX);
        assert(strlen(h.date) == 0 || strlen(h.date) == 10);
        assert(h.body_off <= size && h.body_len <= size - h.body_off);
        assert(h.body_len > 0 && h.body_len <= STUDY_BODY_MAX);
    } else {
        assert(rc == ZB_EPARSE || rc == ZB_ETOOBIG);
        assert(line >= 0 && err[0]);
    }
    return 0;
}
