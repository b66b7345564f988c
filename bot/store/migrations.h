/*
 * migrations.h - the schema, as numbered steps per owner, applied in order at start-up.
 *
 * The engine owns the "core" set; each capability owns its own set, with its own sequence and
 * its own recorded version (table schema_migrations), so sets written in parallel never collide
 * on a number and may be applied in any order. Step i (1-based) brings its owner from version
 * i-1 to i. Never edit a shipped step; add a new one.
 */
#ifndef ZHIBU_MIGRATIONS_H
#define ZHIBU_MIGRATIONS_H

#include <stddef.h>

#include "bot/base/err.h"

struct migration_set {
    const char *owner;        /* unique name: "core", or the capability's ("dues", ...) */
    const char *const *steps; /* SQL scripts; step i+1 is steps[i] */
    size_t n;                 /* number of steps */
};

/* The engine's own tables: events, sessions, organisation, outbox, group rules. */
extern const struct migration_set migrations_core;

/*
 * migrations_run - apply core's pending steps, then each of sets' in the order given, each step
 * in its own transaction with its owner's version bump. A step that fails is rolled back alone
 * (earlier steps stay) and err names the owner and step: "dues step 2 failed: ...". ZB_EINVAL
 * for an incomplete set or an owner named twice (core included); ZB_EDB for SQL failures and a
 * database newer than the steps. Called by store_init on this thread's connection.
 */
int migrations_run(const struct migration_set *const *sets, size_t nsets, char *err,
                   size_t errsz) ZB_MUST_USE;

/* migrations_version - owner's applied version into *v (0 when none). */
int migrations_version(const char *owner, long long *v) ZB_MUST_USE;

#endif
