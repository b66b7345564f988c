/* api.h - the quiz over REST: start a round, answer, the wrong answers. */
#ifndef ZHIBU_QUIZ_API_H
#define ZHIBU_QUIZ_API_H

#include "bot/api/route.h"

#define QUIZ_API_COUNT 3 /* routes below (the registry's table needs a constant) */
extern const struct api_route quiz_api_routes[QUIZ_API_COUNT];

#endif
