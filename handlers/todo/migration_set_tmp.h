/*
 * migration_set_tmp.h - a stand-in for struct migration_set until bot/store/migrations.h
 * declares it (migrations per capability come on another branch). Guarded so the real
 * declaration wins: once migrations.h defines ZHIBU_MIGRATION_SET_DEFINED, delete this file and
 * include that header instead.
 */
#ifndef ZHIBU_MIGRATION_SET_DEFINED
#define ZHIBU_MIGRATION_SET_DEFINED

#include <stddef.h>

/* One capability's numbered schema steps, applied in order and recorded under owner. */
struct migration_set {
    const char *owner;        /* "todo": the capability whose sequence this is */
    const char *const *steps; /* step i (0-based) brings the owner's version from i to i + 1 */
    size_t n;                 /* number of steps */
};

#endif
