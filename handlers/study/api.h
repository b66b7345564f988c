/* api.h - study over REST: GET /api/v1/study, GET /api/v1/study/{id} (marks it read),
 * GET /api/v1/me/study (the caller's record). */
#ifndef ZHIBU_STUDY_API_H
#define ZHIBU_STUDY_API_H

#include "bot/api/route.h"

#define STUDY_API_COUNT 3

extern const struct api_route study_api_routes[STUDY_API_COUNT];

#endif
