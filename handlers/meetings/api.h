/*
 * api.h - the meetings' REST routes, for the registry: the member's meetings, check-in and leave;
 * for secretaries scheduling, change, cancel, attendance, minutes and the ledger (see api.c).
 */
#ifndef ZHIBU_MEETINGS_API_H
#define ZHIBU_MEETINGS_API_H

#include <stddef.h>

#include "bot/api/route.h"

#define MEETINGS_API_COUNT 9 /* routes below (the registry's table needs a constant) */
extern const struct api_route meetings_api_routes[MEETINGS_API_COUNT];

#endif
