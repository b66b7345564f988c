/*
 * registry.h - the handler table: every capability in handlers/ that the router can reach.
 * Adding a capability means one handler file and one line in registry.c.
 */
#ifndef ZHIBU_REGISTRY_H
#define ZHIBU_REGISTRY_H

#include <stddef.h>

#include "bot/chat/router.h"

extern const struct handler *const registry[];
extern const size_t registry_count;

#endif
