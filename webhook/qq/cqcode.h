/*
 * cqcode.h - OneBot v11 messages: the CQ-code string form and the segment-array form.
 *
 * Both forms become one struct cq_msg: a list of segments, each a plain-text run or a code
 * such as [CQ:at,qq=123] with its parameters, all unescaped. The string grammar (onebot-11
 * message/string.md): "[CQ:" type, then ",key=value" pairs, then "]"; the type and keys are
 * [A-Za-z0-9_.-]+ and a value runs to the next ',' or ']'. Plain text escapes & [ ] as &amp;
 * &#91; &#93;; values also escape , as &#44;; & is escaped first and &amp; unescaped last.
 * Anything that is not a well-formed code is kept as text, so parsing never fails on content;
 * only the caps below do. Adjacent text is merged and empty text dropped, so that
 * cq_parse(cq_render(m)) gives m back.
 */
#ifndef ZHIBU_CQCODE_H
#define ZHIBU_CQCODE_H

#include <stddef.h>

#include "bot/base/buf.h"
#include "bot/base/err.h"

struct cJSON;

#define CQ_MAX_SEGS   1000 /* segments in one message */
#define CQ_MAX_PARAMS 32   /* parameters of one code */

struct cq_param {
    char *key;   /* [A-Za-z0-9_.-]+, owned */
    char *value; /* unescaped, owned */
};

struct cq_seg {
    char *type;              /* "text" for a text run, else the code's type; owned */
    char *text;              /* the unescaped text of a "text" segment, NULL for codes; owned */
    struct cq_param *params; /* the first n_params are used (codes only) */
    size_t n_params;
};

struct cq_msg {
    struct cq_seg *segs; /* the first n are used */
    size_t n;
    size_t alloc;
};

/*
 * cq_parse - the CQ-code string s (n bytes; parsing stops at a NUL) into *out, which the
 * caller frees with cq_free (also on error). ZB_ETOOBIG past CQ_MAX_SEGS or CQ_MAX_PARAMS.
 */
int cq_parse(const char *s, size_t n, struct cq_msg *out) ZB_MUST_USE;

/*
 * cq_from_json - the segment array arr ([{"type":..,"data":{..}}, ..]) into *out (caller frees
 * with cq_free). Values are taken as they are (the array form is never escaped); numbers and
 * booleans become their text, other values and keys outside the key alphabet are skipped.
 * ZB_EPARSE when arr is not an array of objects with a string type; ZB_ETOOBIG past the caps.
 */
int cq_from_json(const struct cJSON *arr, struct cq_msg *out) ZB_MUST_USE;

/* cq_render - append m as a CQ-code string, escaped (ZB_ETOOBIG at b's cap). */
int cq_render(const struct cq_msg *m, struct buf *b) ZB_MUST_USE;

/* cq_get - the value of the first parameter key of seg, or NULL. */
const char *cq_get(const struct cq_seg *seg, const char *key);

/* cq_escape_text - append the n bytes of s escaped as plain text: & [ ] (not the comma). */
int cq_escape_text(struct buf *b, const char *s, size_t n) ZB_MUST_USE;
/* cq_escape_param - append s escaped as a parameter value: & [ ] and the comma. */
int cq_escape_param(struct buf *b, const char *s) ZB_MUST_USE;
/* cq_unescape - the n bytes of s with &#44; &#91; &#93; and &amp; undone (other & kept as they
 * are); caller frees. */
char *cq_unescape(const char *s, size_t n);

/* cq_free - free every segment of m and reset it (NULL-safe, idempotent). */
void cq_free(struct cq_msg *m);

#endif
