/*
 * demo.c - dues demo data (see demo.h): the last six months billed for every demo member, paid
 * by most, with two members in arrears (one long enough to reach the committee), one payment
 * made by another member, and one relief. Idempotent: bills are unique, and a month already
 * paid is skipped.
 */
#include "handlers/dues/demo.h"

#include <string.h>

#include "bot/base/clock.h"
#include "handlers/dues/dues.h"

#define DEMO_MONTHS 6

struct seed {
    int64_t ids[64]; /* demo members */
    size_t n;        /* how many */
};

static int collect(const struct member *m, void *arg)
{
    struct seed *s = arg;
    if (s->n < sizeof s->ids / sizeof s->ids[0])
        s->ids[s->n++] = m->id;
    return ZB_OK;
}

/* The demo's unpaid months for member i of the list: the 9th owes 4 months, the 5th this one. */
static int unpaid_from(size_t i, int cur)
{
    return i == 8 ? cur - 3 : i == 4 ? cur : cur + 1;
}

int dues_demo_seed(void)
{
    struct seed s = {0};
    int64_t now = clock_now();
    int cur = dues_month_of(now);
    int rc = member_each(0, collect, &s);
    struct actor sys = actor_system();
    for (size_t i = 0; !rc && i < s.n; i++) {
        for (int m = cur - DEMO_MONTHS + 1; !rc && m <= cur; m++) {
            struct dues_bill b;
            size_t got = 0;
            rc = dues_bill_member(s.ids[i], m, now, NULL);
            if (rc == ZB_ENOTFOUND) {
                rc = ZB_OK;
                continue;
            }
            if (rc || (rc = dues_bills(s.ids[i], m, m, &b, 1, &got)) || got != 1 || b.paid ||
                m >= unpaid_from(i, cur))
                continue;
            struct dues_payment p = {
                .member_id = s.ids[i], .n_months = 1, .amount_fen = -1, .quiet = true};
            p.months[0] = m;
            if (i == 1 && s.n > 2) /* paid on her behalf by a fellow member */
                p.proxy_id = s.ids[2];
            struct dues_receipt r;
            struct dues_why why;
            rc = dues_pay(&sys, &p, now, &r, &why);
        }
    }
    return rc;
}
