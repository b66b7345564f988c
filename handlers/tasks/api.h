/*
 * api.h - tasks over REST, for the registry: GET /api/v1/tasks (the caller's tasks), POST
 * /api/v1/tasks (send one), GET /api/v1/tasks/{id} (progress with the lists) and POST
 * /api/v1/tasks/{id}/receipt (收到). Approval goes through the inbox's /api/v1/todo/{id}.
 */
#ifndef ZHIBU_TASKS_API_H
#define ZHIBU_TASKS_API_H

#include "bot/api/route.h"

#define TASKS_API_COUNT 4 /* routes below */
extern const struct api_route tasks_api_routes[TASKS_API_COUNT];

#endif
