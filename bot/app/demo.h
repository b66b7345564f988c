/*
 * demo.h - demo seeding: `zhibu demo seed` (and `make run`, before serve) fills the database
 * with a demo that is ready to try. Each capability adds its demo data through one seed
 * function; demo_run calls them all, in registration order, inside one transaction, so the
 * demo appears whole or not at all. Every seed is idempotent: it creates only what is missing,
 * so seeding twice leaves the same rows.
 */
#ifndef ZHIBU_APP_DEMO_H
#define ZHIBU_APP_DEMO_H

#include <stddef.h>
#include <stdio.h>

#include "bot/base/err.h"

#define DEMO_SEEDS_MAX 32 /* capabilities with demo data */

/* One capability's demo data. */
struct demo_seed {
    const char *name;  /* the capability, for logs: "members" */
    int (*seed)(void); /* idempotent; runs inside the transaction; ZB_OK or a code */
};

/* demo_register - add s (static storage; kept by pointer). ZB_EINVAL for a name taken or no
 * function, ZB_ETOOBIG past DEMO_SEEDS_MAX. */
int demo_register(const struct demo_seed *s) ZB_MUST_USE;
/* demo_register_all - register the seeds of every capability that has demo data (once). */
int demo_register_all(void) ZB_MUST_USE;
/* demo_reset - forget every registered seed (tests). */
void demo_reset(void);

/*
 * demo_run - every registered seed in one transaction; the first failure rolls all back and is
 * returned (logged with the seed's name). Needs the store open; not inside a transaction.
 */
int demo_run(void) ZB_MUST_USE;

/*
 * demo_seed_print - register every seed, run them, and tell the operator on out (or err) what to
 * do next. Returns the exit status: 0 seeded, 1 failed.
 */
int demo_seed_print(FILE *out, FILE *err);

#endif
