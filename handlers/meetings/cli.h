/* cli.h - `zhibu meeting ...`: add, list, change, cancel, code, attendance, minutes, report. */
#ifndef ZHIBU_MEETINGS_CLI_H
#define ZHIBU_MEETINGS_CLI_H

#include "bot/api/cli.h"

extern const struct cli_command meetings_cli[];

#endif
