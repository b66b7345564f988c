/*
 * header.h - the header block of a study item file: Markdown that opens with lines between
 * `---` lines, one `key: value` per line (title, date, tags, audience, summary, source), then
 * the body. Pure parsing, no I/O and no SQL: the importer and the fuzz driver call it.
 */
#ifndef ZHIBU_STUDY_HEADER_H
#define ZHIBU_STUDY_HEADER_H

#include <stddef.h>

#include "bot/base/err.h"

#define STUDY_TITLE_MAX   120         /* bytes of a title */
#define STUDY_LINE_MAX    1024        /* bytes of one header line */
#define STUDY_SUMMARY_MAX 600         /* bytes of a summary */
#define STUDY_SOURCE_MAX  400         /* bytes of a source */
#define STUDY_TAGS_MAX    200         /* bytes of a tag or audience list */
#define STUDY_HLINES_MAX  32          /* lines of a header block */
#define STUDY_BODY_MAX    (64 * 1024) /* bytes of a body */
#define STUDY_ERR_MAX     400         /* bytes of an error message */

/* A parsed header; every string is NUL-terminated, "" when absent. */
struct study_header {
    char title[STUDY_TITLE_MAX + 1];     /* required */
    char date[11];                       /* YYYY-MM-DD, "" when absent */
    char tags[STUDY_TAGS_MAX + 1];       /* free tags, comma separated as given */
    char audience[STUDY_TAGS_MAX + 1];   /* audience tags (study.audiences), normalised "a,b" */
    char summary[STUDY_SUMMARY_MAX + 1]; /* required: up to three lines for chat */
    char source[STUDY_SOURCE_MAX + 1];   /* required: where the facts come from */
    size_t body_off;                     /* OUT: byte offset of the body in the text */
    size_t body_len;                     /* OUT: its length, trailing blank lines trimmed */
};

/*
 * study_header_parse - parse text (len bytes, UTF-8, LF or CR LF; a leading BOM is skipped)
 * into *h. ZB_OK, or ZB_EPARSE / ZB_ETOOBIG with *line set to the 1-based line at fault (0 for
 * the file as a whole) and a short Chinese reason in err (size errsz): no opening `---`, a line
 * without ':', an unknown or repeated key, a value too long, a bad date, a missing closing
 * `---`, a required key missing, an empty or too long body, invalid UTF-8 or a NUL byte.
 */
int study_header_parse(const char *text, size_t len, struct study_header *h, int *line, char *err,
                       size_t errsz) ZB_MUST_USE;

#endif
