/* migrations.h - the dues capability's schema steps (tables in dues.c), for the registry. */
#ifndef ZHIBU_DUES_MIGRATIONS_H
#define ZHIBU_DUES_MIGRATIONS_H

#include "bot/store/migrations.h"

extern const struct migration_set dues_migrations;

#endif
