/* cli.h - `zhibu content import|list|show|audience|retire` (see cli.c). */
#ifndef ZHIBU_STUDY_CLI_H
#define ZHIBU_STUDY_CLI_H

#include "bot/api/cli.h"

extern const struct cli_command study_cli[];

#endif
