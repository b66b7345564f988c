/* cli_backup.h - `zhibu backup FILE` and `zhibu restore FILE` as rows of the CLI table. */
#ifndef ZHIBU_CLI_BACKUP_H
#define ZHIBU_CLI_BACKUP_H

#include <stddef.h>

#include "bot/api/cli.h"

extern const struct cli_command backup_cli[];
extern const size_t backup_cli_count;

#endif
