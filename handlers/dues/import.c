/*
 * import.c - a branch's payment history from a spreadsheet (see dues.h, dues_import): Excel's
 * CSV in GBK or UTF-8, a header naming the columns, one payment per row. All or nothing: the
 * caller runs it in one transaction and a bad row rolls every row back.
 */
#include <stdlib.h>
#include <string.h>

#include "bot/base/charset.h"
#include "bot/base/csv.h"
#include "handlers/dues/dues.h"

enum col { C_NAME = 0, C_ID, C_MONTHS, C_AMOUNT, C_NOTE, C_COUNT };

static int column(const char *h)
{
    static const char *const names[C_COUNT][3] = {
        {"姓名", "name", NULL},     {"编号", "member_id", "id"}, {"月份", "months", "month"},
        {"金额", "amount", "实缴"}, {"备注", "note", NULL},
    };
    for (int c = 0; c < C_COUNT; c++)
        for (int i = 0; i < 3 && names[c][i]; i++)
            if (strcmp(h, names[c][i]) == 0)
                return c;
    return -1;
}

/* One row into p (member, months, amount, note); the reason in out on failure. */
static int row(const struct actor *a, const struct csv_record *rec, const int *idx,
               struct dues_payment *p, char *note, size_t notesz, struct dues_import *out)
{
    const char *f[C_COUNT] = {0};
    for (int c = 0; c < C_COUNT; c++)
        f[c] = idx[c] >= 0 && (size_t)idx[c] < rec->n ? rec->field[idx[c]] : "";
    int rc;
    if (f[C_ID][0]) {
        char *end = NULL;
        long long id = strtoll(f[C_ID], &end, 10);
        if (*end || id <= 0) {
            out->error = DUES_IMPORT_MEMBER;
            return ZB_EINVAL;
        }
        p->member_id = id;
    } else if ((rc = dues_member_find(a, f[C_NAME], &p->member_id, &out->why))) {
        out->error = DUES_IMPORT_MEMBER;
        return rc == ZB_EDB ? rc : ZB_EINVAL;
    }
    char cmd[CSV_MAX_RECORD + 4];
    struct dues_pay_cmd pc;
    snprintf(cmd, sizeof cmd, "x %s", f[C_MONTHS]);
    if (strchr(f[C_MONTHS], ' ') || dues_pay_parse(cmd, false, &pc)) {
        out->error = DUES_IMPORT_MONTHS;
        return ZB_EINVAL;
    }
    memcpy(p->months, pc.months, pc.n_months * sizeof pc.months[0]);
    p->n_months = pc.n_months;
    p->amount_fen = -1;
    if (f[C_AMOUNT][0] && member_parse_fen(f[C_AMOUNT], &p->amount_fen)) {
        out->error = DUES_IMPORT_AMOUNT;
        return ZB_EINVAL;
    }
    snprintf(note, notesz, "%s", f[C_NOTE][0] ? f[C_NOTE] : "导入的历史记录");
    p->note = note;
    p->confirm = true; /* history: the back-payment limit is for new payments */
    p->quiet = true;   /* no receipts for the past */
    return ZB_OK;
}

int dues_import(const struct actor *a, const char *data, size_t len, int64_t now,
                struct dues_import *out)
{
    memset(out, 0, sizeof *out);
    char *text = NULL;
    size_t text_len = 0;
    if (len > CSV_MAX_FILE) {
        out->error = DUES_IMPORT_FILE;
        return ZB_ETOOBIG;
    }
    int rc = charset_to_utf8(data, len, 2 * (size_t)CSV_MAX_FILE, &text, &text_len, NULL);
    if (rc) {
        out->error = DUES_IMPORT_FILE;
        return rc;
    }
    struct csv_reader cr;
    struct csv_record rec;
    csv_init(&cr, text, text_len);
    int idx[C_COUNT] = {-1, -1, -1, -1, -1};
    if ((rc = csv_next(&cr, &rec)) != ZB_OK) {
        out->error = DUES_IMPORT_FILE;
        rc = rc == ZB_ENOTFOUND ? ZB_EINVAL : rc;
        goto done;
    }
    for (size_t i = 0; i < rec.n; i++) {
        int c = column(rec.field[i]);
        if (c >= 0 && idx[c] < 0)
            idx[c] = (int)i;
    }
    if ((idx[C_NAME] < 0 && idx[C_ID] < 0) || idx[C_MONTHS] < 0) {
        out->error = DUES_IMPORT_HEADER;
        rc = ZB_EINVAL;
        goto done;
    }
    while ((rc = csv_next(&cr, &rec)) == ZB_OK) {
        out->line = rec.line;
        if (rec.n == 1 && !rec.field[0][0])
            continue; /* a blank line */
        struct dues_payment p = {0};
        struct dues_receipt r;
        char note[DUES_NOTE_MAX + 1];
        if ((rc = row(a, &rec, idx, &p, note, sizeof note, out)))
            goto done;
        rc = dues_pay(a, &p, now, &r, &out->why);
        if (rc == ZB_EDONE && out->why.reason == DUES_R_PAID) {
            out->skipped++; /* imported before: idempotent */
            continue;
        }
        if (rc) {
            out->error = DUES_IMPORT_PAYMENT;
            goto done;
        }
        out->rows++;
        out->amount_fen += r.amount_fen;
    }
    if (rc == ZB_ENOTFOUND) { /* the end */
        rc = ZB_OK;
        out->line = 0;
    } else
        out->error = DUES_IMPORT_FILE;
done:
    csv_free(&cr);
    free(text);
    return rc;
}
