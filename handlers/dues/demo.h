/* demo.h - the dues capability's demo data, for `zhibu demo seed` (see demo.c). */
#ifndef ZHIBU_DUES_DEMO_H
#define ZHIBU_DUES_DEMO_H

#include "bot/base/err.h"

/* dues_demo_seed - bills and payments for the demo members; idempotent, in the caller's
 * transaction. Needs the members' demo data first. */
int dues_demo_seed(void) ZB_MUST_USE;

#endif
