/* api.h - the dues REST routes: GET /api/v1/dues, GET /api/v1/dues/calc, GET
 * /api/v1/dues/ledger, POST /api/v1/dues/payments (see api.c). */
#ifndef ZHIBU_DUES_API_H
#define ZHIBU_DUES_API_H

#include "bot/api/route.h"

#define DUES_API_COUNT 4
extern const struct api_route dues_api_routes[DUES_API_COUNT];

#endif
