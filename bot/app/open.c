/* open.c - open the database with every migration set (see open.h). */
#include "bot/app/open.h"

#include "bot/delivery/grants.h"
#include "bot/org/apisession.h"
#include "bot/store/store.h"
#include "handlers/registry.h"

int app_store_init(const char *path, bool durability_power)
{
    size_t n = 0;
    const struct migration_set *const *caps = registry_migrations(&n);
    /* the engine's own sets beyond core (the REST door's sessions, the mini-program's grants),
     * then the capabilities' */
    const struct migration_set *sets[REGISTRY_CAPS_MAX + 2];
    sets[0] = &apisession_migrations;
    sets[1] = &grants_migrations;
    for (size_t i = 0; i < n && i < REGISTRY_CAPS_MAX; i++)
        sets[i + 2] = caps[i];
    return store_init(path, durability_power, sets,
                      (n < REGISTRY_CAPS_MAX ? n : REGISTRY_CAPS_MAX) + 2);
}
