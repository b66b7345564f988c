/*
 * page.h - the study page /s/ID: a verified signed link, a server-rendered HTML page readable on
 * a phone (large type, no scripts, no external requests, everything escaped), and the read
 * recorded for the link's member.
 */
#ifndef ZHIBU_STUDY_PAGE_H
#define ZHIBU_STUDY_PAGE_H

#include <stddef.h>
#include <stdint.h>

#include "bot/base/buf.h"
#include "bot/base/err.h"

#define STUDY_PAGE_MAX (256 * 1024) /* bytes of a rendered page */

/* study_html_escape - s with & < > " ' escaped, appended to out. ZB_ETOOBIG past its cap. */
int study_html_escape(struct buf *out, const char *s) ZB_MUST_USE;

/*
 * study_page - answer GET path ("/s/ID") with query m, e, sig (NULL when absent) at now: *status
 * and the HTML into html (capped by the caller). 200 with the read recorded; 403 for a bad
 * signature; 410 for an expired link; 404 for an item no longer published or not for the
 * member; 400 for a malformed link; 500 on a database failure. Call inside a transaction
 * (a writer job).
 */
void study_page(const char *path, const char *m, const char *e, const char *sig, int64_t now,
                int *status, struct buf *html);

/* study_page_door - study_page as the registry's page slot: GET only (anything else 405). */
int study_page_door(const char *method, const char *path, const char *m, const char *e,
                    const char *sig, int64_t now, int *status, struct buf *html) ZB_MUST_USE;

#endif
