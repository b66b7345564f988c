/* demo.h - the meetings' demo data: a general meeting held last month with attendance and
 * minutes, and a theme day ten days ahead, in the demo branch (the demo tree of handlers/members).
 */
#ifndef ZHIBU_MEETINGS_DEMO_H
#define ZHIBU_MEETINGS_DEMO_H

#include "bot/base/err.h"

/* meetings_demo_seed - add them once (idempotent: nothing when the branch has meetings). */
int meetings_demo_seed(void) ZB_MUST_USE;

#endif
