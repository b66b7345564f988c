/*
 * fuzz_dues_pay.c - libFuzzer driver for dues_pay_parse (handlers/dues/rules.c), the grammar of
 * the organizer's 缴费 / 代缴 chat commands, and dues_month_parse. Invariants: a command that
 * parses has a name and a proxy within their caps, 1..DUES_PAY_MONTHS months strictly ascending
 * within the valid range, an amount of -1 or within [0, MEMBER_FEN_MAX], a proxy exactly when
 * parsed as 代缴; a parsed month prints back as text that parses to the same month.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "handlers/dues/dues.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(const struct dues_pay_cmd *p, bool proxy)
{
    if (!p->name[0] || strlen(p->name) > MEMBER_NAME_MAX || strlen(p->note) > DUES_NOTE_MAX)
        abort();
    if (p->n_months < 1 || p->n_months > DUES_PAY_MONTHS)
        abort();
    for (size_t i = 0; i < p->n_months; i++) {
        if (p->months[i] < DUES_MONTH_MIN || p->months[i] > DUES_MONTH_MAXV)
            abort();
        if (i && p->months[i] <= p->months[i - 1])
            abort();
    }
    if (p->amount_fen != -1 && (p->amount_fen < 0 || p->amount_fen > MEMBER_FEN_MAX))
        abort();
    if (proxy != (p->proxy[0] != 0))
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 2048)
        return 0;
    char *s = malloc(size + 1);
    if (!s)
        return 0;
    memcpy(s, data, size);
    s[size] = 0;
    struct dues_pay_cmd p;
    for (int proxy = 0; proxy < 2; proxy++)
        if (dues_pay_parse(s, proxy, &p) == DUES_PARSE_OK)
            check(&p, proxy);
    int m, back;
    if (dues_month_parse(s, &m) == ZB_OK) {
        char t[8];
        dues_month_text(m, t, sizeof t);
        if (dues_month_parse(t, &back) || back != m)
            abort();
    }
    free(s);
    return 0;
}
