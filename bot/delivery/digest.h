/*
 * digest.h - the daily digest's sections: one message a day per subscribed member, built from
 * sections that capabilities register (study adds today's item; later dues, meetings, tasks).
 * The routine items that notify() folded for the member (notify_folded) always close it.
 */
#ifndef ZHIBU_DIGEST_H
#define ZHIBU_DIGEST_H

#include <stdbool.h>
#include <stdint.h>

#include "bot/base/buf.h"
#include "bot/base/err.h"

#define DIGEST_SECTIONS_MAX 16         /* sections registered */
#define DIGEST_TEXT_MAX     (3 * 1024) /* bytes of a digest's text */
#define DIGEST_FOLDED_MAX   10         /* folded items listed */

/* A section: append short Chinese lines for member_id (nothing when it has nothing to say). */
typedef int (*digest_section_fn)(int64_t member_id, int64_t now, struct buf *out);

/* digest_register_section - add a section (static name, kept). ZB_ETOOBIG past the cap,
 * ZB_EINVAL for a name registered already. Call at start-up. */
int digest_register_section(const char *name, digest_section_fn fn) ZB_MUST_USE;
/* digest_reset - forget every section (tests). */
void digest_reset(void);

/*
 * digest_build - member_id's digest text into out (capped at DIGEST_TEXT_MAX; a section that
 * does not fit is left out): each section in registration order, then the folded items.
 * *any says whether there was anything to say. *folded_upto (may be NULL) gets the row id of the
 * last folded item listed (0 for none): once the digest is queued, the caller releases them with
 * notify_release_folded so they do not show again. ZB_EDB.
 */
int digest_build(int64_t member_id, int64_t now, struct buf *out, bool *any,
                 int64_t *folded_upto) ZB_MUST_USE;

#endif
