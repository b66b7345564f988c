/*
 * fuzz_normalize.c - libFuzzer driver for bot/chat/normalize.c (every chat message passes
 * through it). The invariants: the output is never longer than the input, contains no NUL
 * before its end, and is a fixed point (normalising it again gives it back unchanged) - which
 * also covers the Chinese digit runs ("二零五五四三" -> "205543").
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "bot/chat/normalize.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *once = normalize_text((const char *)data, size);
    size_t n = strlen(once);
    if (n > size)
        abort();
    char *twice = normalize_text(once, n);
    if (strcmp(once, twice) != 0)
        abort();
    free(twice);
    free(once);
    return 0;
}
