/*
 * migrations.h - the schema, as numbered migrations applied in order at start-up.
 *
 * Migration i (1-based) brings PRAGMA user_version from i-1 to i. Never edit a shipped
 * migration; add a new one.
 */
#ifndef ZHIBU_MIGRATIONS_H
#define ZHIBU_MIGRATIONS_H

#include <stddef.h>

extern const char *const migrations[];
extern const size_t n_migrations;

#endif
