/* registry.c - the handler table given to router_init (see registry.h). */
#include "handlers/registry.h"

#include "handlers/feedback.h"
#include "handlers/help.h"
#include "handlers/welcome.h"

const struct handler *const registry[] = {
    &help_handler,
    &fallback_handler,
    &welcome_handler,
    &feedback_handler,
};

const size_t registry_count = sizeof registry / sizeof registry[0];
