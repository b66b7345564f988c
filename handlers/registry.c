/* registry.c - one line per capability (see registry.h). */
#include "handlers/registry.h"

#include "handlers/feedback/feedback.h"
#include "handlers/members/bind.h"
#include "handlers/members/cli.h"
#include "handlers/members/me.h"
#include "handlers/members/roster.h"
#include "handlers/menu/help.h"
#include "handlers/menu/welcome.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* Public: help, fallback, welcome, feedback (anyone may leave the branch a message - the masses
 * and applicants too; it only writes), bind, unbind, unfollow. Members only: me, roster. */
static const struct handler *const menu_handlers[] = {&help_handler, &fallback_handler,
                                                      &welcome_handler};
static const struct handler *const feedback_handlers[] = {&feedback_handler};
static const struct handler *const members_handlers[] = {
    &bind_handler, &unbind_handler, &unfollow_handler, &me_handler, &roster_handler,
};

const struct capability registry_caps[] = {
    {.name = "menu", .handlers = menu_handlers, .n_handlers = N(menu_handlers)},
    {.name = "feedback",
     .handlers = feedback_handlers,
     .n_handlers = N(feedback_handlers),
     .cli = feedback_cli},
    {.name = "members",
     .handlers = members_handlers,
     .n_handlers = N(members_handlers),
     .cli = members_cli},
};
const size_t registry_caps_count = N(registry_caps);

const struct handler *const *registry_handlers(size_t *n)
{
    static const struct handler *table[REGISTRY_HANDLERS_MAX];
    static size_t count;
    if (!count)
        for (size_t c = 0; c < registry_caps_count; c++)
            for (size_t i = 0; i < registry_caps[c].n_handlers && count < REGISTRY_HANDLERS_MAX;
                 i++)
                table[count++] = registry_caps[c].handlers[i];
    *n = count;
    return table;
}
