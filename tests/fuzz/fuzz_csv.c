/*
 * fuzz_csv.c - libFuzzer driver for bot/charset.c and bot/csv.c, the path of an imported member
 * list. The input is decoded (BOM / UTF-8 / GBK) and read record by record. Invariants: decoded
 * text is strict UTF-8 within its cap; every record respects the caps and its line numbers never
 * go back; and each record, written out again with every field quoted, reads back as the same
 * fields (so quoting, doubled quotes and line breaks in fields are lossless).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "bot/base/buf.h"
#include "bot/base/charset.h"
#include "bot/base/csv.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* quote - append field f as an RFC 4180 quoted field. */
static void quote(struct buf *b, const char *f)
{
    if (buf_append(b, "\"", 1))
        abort();
    for (const char *p = f; *p; p++)
        if ((*p == '"' && buf_append(b, "\"\"", 2)) || (*p != '"' && buf_append(b, p, 1)))
            abort();
    if (buf_append(b, "\"", 1))
        abort();
}

static void roundtrip(const struct csv_record *rec)
{
    struct buf b;
    buf_init(&b, 4 * (CSV_MAX_RECORD + CSV_MAX_FIELDS) + 16);
    for (size_t i = 0; i < rec->n; i++) {
        if (i && buf_append(&b, ",", 1))
            abort();
        quote(&b, rec->field[i]);
    }
    struct csv_reader r;
    struct csv_record back;
    csv_init(&r, b.data ? b.data : "", b.len);
    if (csv_next(&r, &back) != ZB_OK || back.n != rec->n)
        abort();
    for (size_t i = 0; i < rec->n; i++)
        if (strcmp(back.field[i], rec->field[i]) != 0)
            abort();
    if (csv_next(&r, &back) != ZB_ENOTFOUND)
        abort();
    csv_free(&r);
    buf_free(&b);
}

static void read_all(const char *text, size_t len)
{
    struct csv_reader r;
    struct csv_record rec;
    size_t last_line = 0, records = 0;
    int rc;
    csv_init(&r, text, len);
    while ((rc = csv_next(&r, &rec)) == ZB_OK) {
        size_t bytes = 0;
        if (rec.n == 0 || rec.n > CSV_MAX_FIELDS || rec.line < last_line || rec.line < 1)
            abort();
        for (size_t i = 0; i < rec.n; i++)
            bytes += strlen(rec.field[i]);
        if (bytes > CSV_MAX_RECORD)
            abort();
        last_line = rec.line;
        if (++records > CSV_MAX_RECORDS)
            abort();
        if (records <= 64) /* keep each run fast */
            roundtrip(&rec);
    }
    if (rc != ZB_ENOTFOUND && rc != ZB_EPARSE && rc != ZB_ETOOBIG)
        abort();
    if (rc != ZB_ENOTFOUND && (!r.error || r.err_line < 1))
        abort();
    csv_free(&r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    read_all((const char *)data, size); /* the reader on raw bytes, too */
    char *text = NULL;
    size_t len = 0;
    enum charset cs;
    size_t cap = 2 * size + 16;
    int rc = charset_to_utf8((const char *)data, size, cap, &text, &len, &cs);
    if (rc == ZB_OK) {
        if (!text || len > cap || strlen(text) != len || !charset_utf8_valid(text, len))
            abort();
        read_all(text, len);
    } else if (text || (rc != ZB_EPARSE && rc != ZB_ETOOBIG)) {
        abort();
    }
    free(text);
    return 0;
}
