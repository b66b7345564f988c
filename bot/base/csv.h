/*
 * csv.h - a capped RFC 4180 reader for spreadsheet exports.
 *
 * Fields are separated by commas and records by CRLF, LF or a lone CR. A field that starts with
 * a double quote runs to the matching quote: inside it commas, line breaks and doubled quotes
 * ("" for ") are data. A quote inside an unquoted field is kept as data, as Excel reads it.
 * Every size that the input controls has a cap: fields per record, bytes per record, records
 * per file; hitting one is an error, never a silent cut. The input must be UTF-8 already (see
 * charset.h); a NUL byte is an error.
 */
#ifndef ZHIBU_CSV_H
#define ZHIBU_CSV_H

#include <stddef.h>

#include "bot/base/buf.h"
#include "bot/base/err.h"

#define CSV_MAX_FIELDS  64        /* fields in one record */
#define CSV_MAX_RECORD  16384     /* bytes of one record's field data */
#define CSV_MAX_RECORDS 20000     /* records in one file, header included */
#define CSV_MAX_FILE    (4 << 20) /* bytes of a file to import (enforced by the importer) */

struct csv_record {
    size_t line;                       /* physical line (1-based) where the record starts */
    size_t n;                          /* fields in this record, at least 1 */
    const char *field[CSV_MAX_FIELDS]; /* NUL-terminated, valid until the next csv_next */
};

struct csv_reader {
    const char *p;     /* next unread byte */
    const char *end;   /* end of input */
    size_t line;       /* physical line of p */
    size_t records;    /* records returned so far */
    struct buf store;  /* the current record's fields, NUL-separated */
    size_t err_line;   /* after an error: the line where it was found */
    const char *error; /* after an error: what is wrong, in Chinese (static storage) */
};

/* csv_init - read the len bytes at data (borrowed; must outlive the reader). */
void csv_init(struct csv_reader *r, const char *data, size_t len);

/*
 * csv_next - the next record into rec. ZB_ENOTFOUND at the end of the input; ZB_EPARSE (an
 * unterminated quote, text after a closing quote, a NUL byte) or ZB_ETOOBIG (a cap) with
 * r->err_line and r->error set. After an error the reader is finished.
 */
int csv_next(struct csv_reader *r, struct csv_record *rec) ZB_MUST_USE;

/* csv_free - release the reader's buffer (not the input). */
void csv_free(struct csv_reader *r);

#endif
