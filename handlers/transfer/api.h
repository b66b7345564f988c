/*
 * api.h - the transfer's REST routes, for the registry: POST /api/v1/transfers {"to", "reason",
 * "member_id"?, "validity_days"?} starts one (for oneself, or for a member as a secretary) and
 * GET /api/v1/transfers/{id} shows one (the member, the approvers on the route and the
 * secretaries of both ends). Steps are decided through /api/v1/todo/{id}.
 */
#ifndef ZHIBU_TRANSFER_API_H
#define ZHIBU_TRANSFER_API_H

#include "bot/api/route.h"

#define TRANSFER_API_COUNT 2 /* routes below */
extern const struct api_route transfer_api_routes[TRANSFER_API_COUNT];

#endif
