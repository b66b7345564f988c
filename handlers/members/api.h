/*
 * api.h - the members capability's REST routes, for the registry: POST /api/v1/bind, GET
 * /api/v1/me, GET /api/v1/members, GET|PATCH /api/v1/members/{id}, GET /api/v1/branches, GET
 * /api/v1/audit (see api.c).
 */
#ifndef ZHIBU_MEMBERS_API_H
#define ZHIBU_MEMBERS_API_H

#include <stddef.h>

#include "bot/api/route.h"

#define MEMBERS_API_COUNT 7 /* routes below (the registry's table needs a constant) */
extern const struct api_route members_api_routes[MEMBERS_API_COUNT];

#endif
