/*
 * page.h - the task's H5 page /t/ID, opened by the signed link in the message (link.h, prefix
 * "t"): the text in large type, the deadline, and a 收到 button (a plain form POST to the same
 * signed URL, no script) that records the receipt with channel "page".
 *
 * This is the capability's side of the page door: the HTTP edge (webhook/, which handlers may
 * not include) verifies nothing itself, it hands the method, the path and the link's query
 * parameters to tasks_page() and sends back the status and HTML it fills in.
 */
#ifndef ZHIBU_TASKS_PAGE_H
#define ZHIBU_TASKS_PAGE_H

#include <stdint.h>

#include "bot/base/buf.h"
#include "bot/base/err.h"

#define TASKS_PAGE_MAX (16 * 1024) /* bytes of a rendered page */

/*
 * tasks_page - answer GET or POST on path ("/t/ID") with the signed link's m, e and sig (NULL
 * when absent) at now. The link is verified first (constant-time, link_verify): a bad or
 * missing signature gets 403, an expired link 410, a malformed one 400, each with a short page.
 * GET renders the task for the link's member; POST records the receipt (idempotent) inside one
 * store_tx_run and renders the page with "已确认收到". *status the HTTP status; html (caller's,
 * capped at TASKS_PAGE_MAX) the page. ZB_OK, or ZB_EDB / ZB_ETOOBIG (the caller answers 500).
 */
int tasks_page(const char *method, const char *path, const char *m, const char *e, const char *sig,
               int64_t now, int *status, struct buf *html) ZB_MUST_USE;

#endif
