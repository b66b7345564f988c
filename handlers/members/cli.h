/*
 * cli.h (members) - the members capability's CLI commands: member import|list|show|set|codes|
 * bind|unbind, branch add|list, audit. Registered in handlers/registry.c.
 */
#ifndef ZHIBU_MEMBERS_CLI_H
#define ZHIBU_MEMBERS_CLI_H

#include "bot/api/cli.h"

extern const struct cli_command members_cli[]; /* ended by {0} */

#endif
