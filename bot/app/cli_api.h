/*
 * cli_api.h - `zhibu api token --as MEMBER [--ttl S]`: a bearer token of the REST API for a
 * member, issued by the operator at the server's shell (audited), for the console, scripts and
 * the README's curl examples without WeChat.
 */
#ifndef ZHIBU_CLI_API_H
#define ZHIBU_CLI_API_H

#include <stddef.h>

#include "bot/api/cli.h"

extern const struct cli_command api_cli[];
extern const size_t api_cli_count;

#endif
