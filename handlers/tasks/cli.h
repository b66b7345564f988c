/* cli.h - `zhibu task add|status|proxy|report|help`: tasks' CLI face. */
#ifndef ZHIBU_TASKS_CLI_H
#define ZHIBU_TASKS_CLI_H

#include "bot/api/cli.h"

extern const struct cli_command tasks_cli[];

#endif
