/*
 * registry.h - every capability in handlers/, one line each in registry.c: its chat handlers,
 * CLI commands, and the slots that later parts of the engine read (API routes, scheduler jobs,
 * migrations, decision kinds, demo seeding). bot/app builds the router's table and the CLI's
 * command table from it; nothing else names a capability.
 */
#ifndef ZHIBU_REGISTRY_H
#define ZHIBU_REGISTRY_H

#include <stdbool.h>
#include <stddef.h>

#include "bot/api/cli.h"
#include "bot/base/buf.h"
#include "bot/chat/router.h"
#include "bot/base/err.h"

struct api_route;     /* bot/api/route.h: the REST routes a capability serves */
struct migration_set; /* bot/store/migrations.h: a capability's own numbered schema steps */
struct decision_kind; /* handlers/todo/todo.h: a kind of decision in the one inbox */

#define REGISTRY_HANDLERS_MAX 64 /* chat handlers over all capabilities */
#define REGISTRY_CAPS_MAX     32 /* capabilities */

struct capability {
    const char *name;                       /* "members" */
    const struct handler *const *handlers;  /* its chat handlers, in router order */
    size_t n_handlers;                      /* how many */
    const struct cli_command *cli;          /* its CLI commands, ended by {0}; NULL for none */
    const struct api_route *routes;         /* its REST routes; NULL for none yet */
    size_t n_routes;                        /* how many */
    const struct migration_set *migrations; /* its schema steps; NULL for none */
    const struct decision_kind *const *decisions; /* its decision kinds; NULL for none */
    size_t n_decisions;                           /* how many */
    /* jobs - register its scheduler jobs (scheduler_register); NULL for none */
    int (*jobs)(void);
    /* page_prefix, page - its H5 page (DESIGN.md: /s/ study, /t/ tasks, /m/ meetings), opened
     * by a signed link: page renders method on path with the link's m, e and sig at now into
     * html (at most page_max bytes) and *status; it runs in one writer job (a transaction).
     * ZB_OK, or a code (the door answers 500). NULL for none. */
    const char *page_prefix;
    int (*page)(const char *method, const char *path, const char *m, const char *e, const char *sig,
                int64_t now, int *status, struct buf *html);
    size_t page_max;
    /* notify_kinds - the notify kinds it sends (notify_send), NULL-terminated; NULL for none.
     * Start-up warns when a platform that needs a template for them has none. */
    const char *const *notify_kinds;
    /* demo_seed - add its demo data (idempotent, inside the caller's transaction); NULL */
    int (*demo_seed)(void);
    /* ack_hook - its interest in the acknowledgement words (handlers/ack/ack.h: a task
     * receipt), registered by registry_init; NULL for none */
    int (*ack_hook)(struct handler_ctx *c, const char *word, bool *handled, bool *silent,
                    struct reply *out);
};

extern const struct capability registry_caps[];
extern const size_t registry_caps_count;

/*
 * registry_init - register every capability's decision kinds with the inbox and complete the
 * inbox's keywords; call once per process before router_init or any decision (serve and the CLI
 * both do). ZB_EINVAL (logged) when two kinds collide.
 */
int registry_init(void) ZB_MUST_USE;

/* registry_migrations - every capability's migration set, for store_init (static storage,
 * built on the first call); *n receives the count. */
const struct migration_set *const *registry_migrations(size_t *n);

/* registry_jobs - run every capability's jobs function (after the engine registered its own). */
int registry_jobs(void) ZB_MUST_USE;

/* registry_handlers - every capability's chat handlers in registry order, for router_init
 * (static storage, built on the first call); *n receives the count. */
const struct handler *const *registry_handlers(size_t *n);

#endif
