/* cli.h - `zhibu transfer ...` (see cli.c), for the registry. */
#ifndef ZHIBU_TRANSFER_CLI_H
#define ZHIBU_TRANSFER_CLI_H

#include "bot/api/cli.h"

extern const struct cli_command transfer_cli[];

#endif
