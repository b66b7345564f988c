/*
 * api_wxmini.h - the mini-program's REST routes, as an engine route array the REST door
 * dispatches (writes run on the writer thread in one transaction).
 */
#ifndef ZHIBU_API_WXMINI_H
#define ZHIBU_API_WXMINI_H

#include <stddef.h>

#include "bot/api/route.h"
#include "bot/base/err.h"

extern const struct api_route wxmini_api_routes[];
extern const size_t wxmini_api_routes_count;

/*
 * api_wxmini_grants_post - POST /api/v1/wxmini/grants: body {"template_ids": [1..10 ids]};
 * answers {"added": N}. ZB_EINVAL / ZB_ETOOBIG with c->field "template_ids" and a Chinese
 * message; ZB_ENOTFOUND when the member has no mini-program identity; ZB_EDENIED when no
 * member acts. Call inside a transaction.
 */
int api_wxmini_grants_post(struct api_ctx *c) ZB_MUST_USE;

#endif
