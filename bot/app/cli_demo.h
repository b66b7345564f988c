/*
 * cli_demo.h - `zhibu demo seed` as a row of the CLI command table (bot/api/cli.h); the work is
 * in demo.h.
 */
#ifndef ZHIBU_CLI_DEMO_H
#define ZHIBU_CLI_DEMO_H

#include <stddef.h>

#include "bot/api/cli.h"

extern const struct cli_command demo_cli[];
extern const size_t demo_cli_count;

#endif
