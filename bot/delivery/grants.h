/*
 * grants.h - the mini-program's one-time subscription grants, a channel of notify().
 *
 * A mini-program asks the member with wx.requestSubscribeMessage and reports the template ids
 * the member accepted (POST /api/v1/wxmini/grants). Each accepted id buys one subscribe-message
 * send (POST /cgi-bin/message/subscribe/send) to that openid with that template
 * (shared/protocols/wechat.md 5.4). This module owns the table wxmini_grants (openid,
 * template_id, count, created_at): grants_add counts them up, the sender uses one per delivered
 * message (grants_use) and drops them all when WeChat answers 43101 (grants_drop), and the
 * channel choice (channel.c) asks grants_left. Sizes are capped: GRANTS_IDS_MAX ids per report,
 * GRANTS_ID_MAX bytes per id, GRANTS_COUNT_MAX per (openid, template), GRANTS_ROWS_MAX templates
 * per openid.
 */
#ifndef ZHIBU_GRANTS_H
#define ZHIBU_GRANTS_H

#include <stdbool.h>
#include <stddef.h>

#include "bot/base/err.h"
#include "bot/org/actor.h"
#include "bot/store/migrations.h"

#define GRANTS_IDS_MAX    10   /* template ids in one report (the platform asks for 3 at most) */
#define GRANTS_ID_MAX     90   /* bytes of a template id */
#define GRANTS_OPENID_MAX 127  /* bytes of an openid */
#define GRANTS_COUNT_MAX  1000 /* grants kept per openid and template */
#define GRANTS_ROWS_MAX   50   /* templates kept per openid */

/* The migration set of wxmini_grants (owner "grants"); app_store_init applies it. */
extern const struct migration_set grants_migrations;

/* grants_id_ok - true when id is 1..GRANTS_ID_MAX bytes of [A-Za-z0-9_-]. */
bool grants_id_ok(const char *id);

/*
 * grants_add_openid - one grant more for openid and each of ids[0..n) (a template repeated in
 * ids counts as many times). *added (may be NULL) gets the grants recorded. ZB_EINVAL for a bad
 * openid or id (nothing written), ZB_ETOOBIG for more than GRANTS_IDS_MAX ids or a new template
 * past GRANTS_ROWS_MAX; a count already at GRANTS_COUNT_MAX stays there. Call inside a
 * transaction.
 */
int grants_add_openid(const char *openid, const char *const *ids, size_t n, int *added) ZB_MUST_USE;

/*
 * grants_add - the same for the member who acts, through their mini-program identity (the most
 * recently seen). ZB_EDENIED when the actor is not a member, ZB_ENOTFOUND when the member has
 * no mini-program identity. Call inside a transaction.
 */
int grants_add(const struct actor *a, const char *const *ids, size_t n, int *added) ZB_MUST_USE;

/* grants_left - the grants openid has for template_id into *n (0 when none). */
int grants_left(const char *openid, const char *template_id, int *n) ZB_MUST_USE;

/* grants_use - one grant of (openid, template_id) spent; a no-op at 0. Its own statement. */
int grants_use(const char *openid, const char *template_id) ZB_MUST_USE;

/* grants_drop - the platform says none is left (43101): the count becomes 0. */
int grants_drop(const char *openid, const char *template_id) ZB_MUST_USE;

#endif
