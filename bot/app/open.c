/* open.c - open the database with every migration set (see open.h). */
#include "bot/app/open.h"

#include "bot/store/store.h"
#include "handlers/registry.h"

int app_store_init(const char *path, bool durability_power)
{
    size_t n = 0;
    const struct migration_set *const *sets = registry_migrations(&n);
    return store_init(path, durability_power, sets, n);
}
