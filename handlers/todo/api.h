/*
 * api.h - the inbox's REST routes, for the registry: GET /api/v1/todo and POST
 * /api/v1/todo/{id} {"decision": "approve"|"return", "reason": "..."} (see api.c).
 */
#ifndef ZHIBU_TODO_API_H
#define ZHIBU_TODO_API_H

#include <stddef.h>

#include "bot/api/route.h"

#define TODO_API_COUNT 2 /* routes below (the registry's table needs a constant) */
extern const struct api_route todo_api_routes[TODO_API_COUNT];

#endif
