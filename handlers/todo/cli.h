/*
 * cli.h - the inbox on the command line: `zhibu todo` lists what awaits the actor (--as MEMBER,
 * else the operator, who sees only kinds that allow the operator) and `zhibu decide ID
 * approve|return [REASON]` decides one. Rows of the CLI command table (bot/api/cli.h); the
 * composition root adds them to the table.
 */
#ifndef ZHIBU_TODO_CLI_H
#define ZHIBU_TODO_CLI_H

#include <stddef.h>

#include "bot/api/cli.h"

#define TODO_CLI_SHOWN 200 /* decisions printed by `zhibu todo` */

extern const struct cli_command todo_cli[]; /* ended by {0} */
extern const size_t todo_cli_count;

#endif
