/*
 * html.h - the pieces every H5 page shares (study /s/, tasks /t/, meetings /m/): text escaped for
 * HTML, and one page frame - large type for older members' phones, no script, no external
 * request.
 */
#ifndef ZHIBU_HTML_H
#define ZHIBU_HTML_H

#include "bot/base/buf.h"
#include "bot/base/err.h"

/* html_escape - s appended to b with & < > " ' escaped, and each newline as <br>. ZB_ETOOBIG
 * past b's cap. */
int html_escape(struct buf *b, const char *s) ZB_MUST_USE;

/* html_head - the page's opening (doctype, charset, viewport, the shared style) with title
 * (escaped). ZB_ETOOBIG past b's cap. */
int html_head(struct buf *b, const char *title) ZB_MUST_USE;

/* html_tail - the page's closing. */
int html_tail(struct buf *b) ZB_MUST_USE;

#endif
