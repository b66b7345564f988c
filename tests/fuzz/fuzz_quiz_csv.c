/*
 * fuzz_quiz_csv.c - libFuzzer driver for the quiz's CSV bank importer (handlers/quiz/parse.c;
 * UTF-8 or GBK, as Excel saves it).
 * Invariants: a bank that parses without problems holds only questions that pass every rule
 * (id, question and 2..8 options present, the answer sorted letters among the options, one letter
 * unless multiple, ids unique), each within its caps; a bank with problems says so in its report;
 * and every question's own answer, read back as a member's answer, is right.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "handlers/quiz/quiz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_bank(const struct quiz_bank *b, int rc)
{
    if (rc != ZB_OK) {
        if (b->problems == 0 || b->report.len == 0)
            abort();
        return;
    }
    for (size_t i = 0; i < b->n; i++) {
        const struct quiz_question *q = &b->q[i];
        size_t na = strlen(q->answer);
        if (!q->ext_id[0] || !q->text[0] || q->n_options < 2 || q->n_options > QUIZ_OPTIONS_MAX)
            abort();
        if (na == 0 || (q->kind != QUIZ_MULTIPLE && na != 1) ||
            (q->kind == QUIZ_MULTIPLE && na < 2))
            abort();
        for (size_t k = 0; k < na; k++)
            if (q->answer[k] < 'A' || (size_t)(q->answer[k] - 'A') >= q->n_options ||
                (k && q->answer[k] <= q->answer[k - 1]))
                abort();
        for (size_t j = 0; j < i; j++)
            if (strcmp(b->q[j].ext_id, q->ext_id) == 0)
                abort();
        char out[QUIZ_OPTIONS_MAX + 1];
        if (quiz_parse_answer(q, q->answer, out) != ZB_OK || strcmp(out, q->answer) != 0)
            abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct quiz_bank b;
    int rc = quiz_parse_csv((const char *)data, size, &b);
    check_bank(&b, rc);
    quiz_bank_free(&b);
    return 0;
}
