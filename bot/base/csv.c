/*
 * csv.c - the capped RFC 4180 reader (see csv.h).
 *
 * One pass over the input per record: each field's bytes are appended to one capped buffer
 * followed by a NUL, and the field pointers are set once the record is complete (the buffer may
 * move while it grows). Line numbers count every line break, including those inside quoted
 * fields, so an error names the line the user sees in a text editor.
 */
#include "bot/base/csv.h"

#include <string.h>

void csv_init(struct csv_reader *r, const char *data, size_t len)
{
    r->p = data;
    r->end = data + len;
    r->line = 1;
    r->records = 0;
    buf_init(&r->store, CSV_MAX_RECORD + CSV_MAX_FIELDS);
    r->err_line = 0;
    r->error = NULL;
}

void csv_free(struct csv_reader *r)
{
    buf_free(&r->store);
}

static int fail(struct csv_reader *r, int rc, size_t line, const char *why)
{
    r->err_line = line;
    r->error = why;
    r->p = r->end; /* finished */
    return rc;
}

/* append - n bytes of field data; the record cap counts data bytes, not the separators. */
static int append(struct csv_reader *r, size_t start_line, const char *s, size_t n,
                  size_t *data_bytes)
{
    if (n > CSV_MAX_RECORD - *data_bytes)
        return fail(r, ZB_ETOOBIG, start_line, "这一行太长");
    *data_bytes += n;
    if (buf_append(&r->store, s, n))
        return fail(r, ZB_ETOOBIG, start_line, "这一行太长");
    return ZB_OK;
}

/* quoted - read a quoted field whose opening quote is at r->p. */
static int quoted(struct csv_reader *r, size_t start_line, size_t *data_bytes)
{
    const char *p = r->p + 1;
    int rc;
    for (;;) {
        const char *run = p;
        while (p < r->end && *p != '"' && *p != '\n' && *p != '\0')
            p++;
        if ((rc = append(r, start_line, run, (size_t)(p - run), data_bytes)))
            return rc;
        if (p == r->end)
            return fail(r, ZB_EPARSE, start_line,
                        "引号没有配对（从这一行开始的引号到文件末尾都没有结束）");
        if (*p == '\0')
            return fail(r, ZB_EPARSE, r->line, "含有空字符");
        if (*p == '\n') {
            r->line++;
            if ((rc = append(r, start_line, "\n", 1, data_bytes)))
                return rc;
            p++;
            continue;
        }
        /* a quote: doubled means data, single ends the field */
        if (p + 1 < r->end && p[1] == '"') {
            if ((rc = append(r, start_line, "\"", 1, data_bytes)))
                return rc;
            p += 2;
            continue;
        }
        p++;
        break;
    }
    if (p < r->end && *p != ',' && *p != '\r' && *p != '\n')
        return fail(r, ZB_EPARSE, r->line, "引号结束后紧跟着其他字符（字段内的引号要写成两个）");
    r->p = p;
    return ZB_OK;
}

int csv_next(struct csv_reader *r, struct csv_record *rec)
{
    size_t offs[CSV_MAX_FIELDS];
    size_t data_bytes = 0;
    int rc;
    if (r->p >= r->end)
        return ZB_ENOTFOUND;
    if (r->records >= CSV_MAX_RECORDS)
        return fail(r, ZB_ETOOBIG, r->line, "行数太多");
    buf_reset(&r->store);
    rec->line = r->line;
    rec->n = 0;
    for (;;) {
        if (rec->n == CSV_MAX_FIELDS)
            return fail(r, ZB_ETOOBIG, rec->line, "这一行的列数太多");
        offs[rec->n] = r->store.len;
        if (r->p < r->end && *r->p == '"') {
            if ((rc = quoted(r, rec->line, &data_bytes)))
                return rc;
        } else {
            const char *run = r->p;
            while (r->p < r->end && *r->p != ',' && *r->p != '\r' && *r->p != '\n' && *r->p != '\0')
                r->p++;
            if (r->p < r->end && *r->p == '\0')
                return fail(r, ZB_EPARSE, r->line, "含有空字符");
            if ((rc = append(r, rec->line, run, (size_t)(r->p - run), &data_bytes)))
                return rc;
        }
        if (buf_append(&r->store, "", 1)) /* the separator; room is reserved in the cap */
            return fail(r, ZB_ETOOBIG, rec->line, "这一行太长");
        rec->n++;
        if (r->p == r->end)
            break;
        if (*r->p == ',') {
            r->p++;
            continue;
        }
        if (*r->p == '\r' && r->p + 1 < r->end && r->p[1] == '\n')
            r->p++;
        r->p++;
        r->line++;
        break;
    }
    for (size_t i = 0; i < rec->n; i++)
        rec->field[i] = r->store.data + offs[i];
    r->records++;
    return ZB_OK;
}
