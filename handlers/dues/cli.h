/* cli.h - `zhibu dues calc|pay|reverse|relief|voluntary|income|approved|bill|status|ledger|
 * disclosure`: the dues CLI face over dues.h. */
#ifndef ZHIBU_DUES_CLI_H
#define ZHIBU_DUES_CLI_H

#include "bot/api/cli.h"

extern const struct cli_command dues_cli[]; /* ended by {0} */

#endif
