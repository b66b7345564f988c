/*
 * api.h - the transfer's REST routes, for the registry: POST /api/v1/transfers {"to", "reason",
 * "member_id"?, "validity_days"?} starts one (for oneself, or for a member as a secretary) and
 * GET /api/v1/transfers/{id} shows one (the member, the approvers on the route and the
 * secretaries of both ends). POST /api/v1/transfers/incoming {"name", "from", "letter", "to",
 * "phone"?, "dues_paid_to"?, "date"?} records a member transferred in from outside zhibu (201
 * with the transfer and "new_member_id"). Steps are decided through /api/v1/todo/{id}.
 */
#ifndef ZHIBU_TRANSFER_API_H
#define ZHIBU_TRANSFER_API_H

#include "bot/api/route.h"

#define TRANSFER_API_COUNT 3 /* routes below */
extern const struct api_route transfer_api_routes[TRANSFER_API_COUNT];

#endif
