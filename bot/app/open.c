/* open.c - open the database with every migration set (see open.h). */
#include "bot/app/open.h"

#include "bot/delivery/grants.h"
#include "bot/store/store.h"
#include "handlers/registry.h"

int app_store_init(const char *path, bool durability_power)
{
    size_t n = 0;
    const struct migration_set *const *caps = registry_migrations(&n);
    /* the engine's own sets beyond core (the mini-program's grants), then the capabilities' */
    const struct migration_set *sets[n + 1];
    sets[0] = &grants_migrations;
    for (size_t i = 0; i < n; i++)
        sets[i + 1] = caps[i];
    return store_init(path, durability_power, sets, n + 1);
}
