/* open.c - open the database with every migration set (see open.h). */
#include "bot/app/open.h"

#include "bot/org/apisession.h"
#include "bot/store/store.h"
#include "handlers/registry.h"

int app_store_init(const char *path, bool durability_power)
{
    size_t n = 0;
    const struct migration_set *const *caps = registry_migrations(&n);
    const struct migration_set *sets[REGISTRY_CAPS_MAX + 1];
    sets[0] = &apisession_migrations; /* the engine's sessions of the REST door */
    for (size_t i = 0; i < n && i < REGISTRY_CAPS_MAX; i++)
        sets[i + 1] = caps[i];
    return store_init(path, durability_power, sets, n + 1);
}
