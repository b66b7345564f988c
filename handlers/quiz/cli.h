/* cli.h - `zhibu quiz import|list|record`: the quiz's CLI face. */
#ifndef ZHIBU_QUIZ_CLI_H
#define ZHIBU_QUIZ_CLI_H

#include "bot/api/cli.h"

extern const struct cli_command quiz_cli[];

#endif
