/*
 * open.h - the one way a zhibu process opens its database: store_init with the engine's
 * migrations and every capability's own (handlers/registry.c), so the server and every CLI
 * command see the same schema whichever runs first.
 */
#ifndef ZHIBU_APP_OPEN_H
#define ZHIBU_APP_OPEN_H

#include <stdbool.h>

#include "bot/base/err.h"

/* app_store_init - store_init(path, durability_power, every capability's sets). ZB_EDB (logged)
 * on failure. */
int app_store_init(const char *path, bool durability_power) ZB_MUST_USE;

struct config;
/* app_study_init - hand the study capability its settings (content.*, study.*): audiences
 * parsed, the sensitive-word list loaded. Non-zero with a Chinese message on stderr. */
int app_study_init(const struct config *cfg) ZB_MUST_USE;
/* app_tasks_configure - hand the tasks capability its settings and sensitive-word list (loaded
 * from content.sensitive_words, kept for the process). ZB_ECONFIG with the reason on stderr. */
int app_tasks_configure(const struct config *cfg) ZB_MUST_USE;

#endif
