/*
 * page.h - the meeting's H5 page /m/ID, opened by the signed link in a notice or reminder: what,
 * when, where, the member's own state, and one 签到 button that checks in while the window is
 * open (the same rule as chat: meetings_checkin). Large type, no script.
 */
#ifndef ZHIBU_MEETINGS_PAGE_H
#define ZHIBU_MEETINGS_PAGE_H

#include <stdint.h>

#include "bot/base/buf.h"
#include "bot/base/err.h"

#define MEETINGS_PAGE_MAX  (16 * 1024) /* bytes of a rendered page */
#define MEETINGS_LINK_DAYS 2           /* a link stays good this long after the meeting starts */

/*
 * meetings_page - answer GET or POST on path ("/m/ID") with the signed link's m, e and sig (NULL
 * when absent) at now; the registry's page slot, run in a writer job. The link is verified
 * first: 403 bad, 410 expired, 400 malformed. GET shows the meeting for the link's member; POST
 * checks them in (no code: the link is personal). *status the HTTP status, html the page.
 * ZB_OK, or ZB_EDB / ZB_ETOOBIG.
 */
int meetings_page(const char *method, const char *path, const char *m, const char *e,
                  const char *sig, int64_t now, int *status, struct buf *html) ZB_MUST_USE;

/* meetings_link - the signed /m/ link of meeting id for member into out ("" when links are not
 * configured in this process). */
void meetings_link(int64_t id, int64_t member_id, int64_t starts_at, char *out, size_t outsz);

#endif
