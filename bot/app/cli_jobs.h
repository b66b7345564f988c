/*
 * cli_jobs.h - `zhibu jobs list` and `zhibu jobs run [NAME]` as rows of the CLI command table
 * (bot/api/cli.h); the work is in jobs.h.
 */
#ifndef ZHIBU_CLI_JOBS_H
#define ZHIBU_CLI_JOBS_H

#include <stddef.h>

#include "bot/api/cli.h"

extern const struct cli_command jobs_cli[];
extern const size_t jobs_cli_count;

#endif
