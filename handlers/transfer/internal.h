/*
 * internal.h - what the transfer's own files share and nobody else uses.
 */
#ifndef ZHIBU_TRANSFER_INTERNAL_H
#define ZHIBU_TRANSFER_INTERNAL_H

#include <stdint.h>

#include "bot/org/actor.h"

/* transfer_event_write - add event `what` (detail may be NULL) to transfer id's trail by a at now,
 * with its audit row ("transfer_WHAT"). ZB_EDB. Call inside a transaction. */
int transfer_event_write(int64_t id, const struct actor *a, const char *what, const char *detail,
                         int64_t now);

#endif
