/*
 * fuzz_transfer_rules.c - libFuzzer driver for transfer_rules_parse (handlers/transfer/), the
 * parser of the config's transfer.routes. Invariants: no crash; on success every rule has a
 * non-empty FROM and TO, between 1 and TRANSFER_STEPS_MAX hops, none empty, "*" or "external",
 * every field NUL-terminated within its cap; on failure the error names something.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "handlers/transfer/transfer.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct transfer_rule rules[TRANSFER_RULES_MAX];
    char *text = malloc(size + 1);
    if (!text)
        abort();
    memcpy(text, data, size);
    text[size] = '\0';
    size_t n = 0;
    char err[200] = "";
    int rc = transfer_rules_parse(text, rules, TRANSFER_RULES_MAX, &n, err, sizeof err);
    if (rc == ZB_OK) {
        if (n > TRANSFER_RULES_MAX)
            abort();
        for (size_t i = 0; i < n; i++) {
            const struct transfer_rule *r = &rules[i];
            if (!r->from[0] || !r->to[0] || strlen(r->from) > BRANCH_PATH_MAX ||
                strlen(r->to) > BRANCH_PATH_MAX || r->n_hops < 1 ||
                r->n_hops > TRANSFER_STEPS_MAX || strcmp(r->from, "external") == 0)
                abort();
            for (size_t h = 0; h < r->n_hops; h++)
                if (!r->hops[h][0] || strlen(r->hops[h]) > BRANCH_PATH_MAX ||
                    strcmp(r->hops[h], "*") == 0 || strcmp(r->hops[h], "external") == 0)
                    abort();
        }
    } else if (!err[0])
        abort();
    free(text);
    return 0;
}
