/* registry.c - the handler table given to router_init (see registry.h). */
#include "handlers/registry.h"

#include "handlers/members/bind.h"
#include "handlers/feedback/feedback.h"
#include "handlers/menu/help.h"
#include "handlers/members/me.h"
#include "handlers/members/roster.h"
#include "handlers/menu/welcome.h"

/* Public: help, fallback, welcome, feedback (anyone may leave the branch a message - the masses
 * and applicants too; it only writes), bind, unbind, unfollow. Members only: me, roster. */
const struct handler *const registry[] = {
    &help_handler,   &fallback_handler, &welcome_handler, &feedback_handler, &bind_handler,
    &unbind_handler, &unfollow_handler, &me_handler,      &roster_handler,
};

const size_t registry_count = sizeof registry / sizeof registry[0];
