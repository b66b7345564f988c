/*
 * demo.h - demo seeding: `zhibu demo seed` (and `make run`, before serve) fills the database
 * with a demo that is ready to try. Each capability adds its demo data through the demo_seed
 * slot of its line in handlers/registry.c; demo_run calls them all, in registry order, inside
 * one transaction, so the demo appears whole or not at all. Every seed is idempotent: it
 * creates only what is missing, so seeding twice leaves the same rows.
 */
#ifndef ZHIBU_APP_DEMO_H
#define ZHIBU_APP_DEMO_H

#include <stdio.h>

#include "bot/base/err.h"

/*
 * demo_run - every capability's seed in one transaction (store_tx_run); the first failure rolls
 * all back and is returned (logged with the capability's name). Needs the store open; not
 * inside a transaction.
 */
int demo_run(void) ZB_MUST_USE;

/* demo_seed_print - run the seeds and tell the operator on out (or err) what to do next.
 * Returns the exit status: 0 seeded, 1 failed. */
int demo_seed_print(FILE *out, FILE *err);

#endif
