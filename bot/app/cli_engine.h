/*
 * cli_engine.h - the engine's own CLI commands (the capabilities bring theirs through
 * handlers/registry.h): say (cli_say.c), group (cli_group.c), events, push and outbox
 * (cli_events.c), wechat menu (cli_wechat.c); serve, version and help live in main.c.
 */
#ifndef ZHIBU_CLI_ENGINE_H
#define ZHIBU_CLI_ENGINE_H

#include <stddef.h>

#include "bot/api/cli.h"

struct config;

extern const struct cli_command cli_say_cmds[];
extern const size_t cli_say_count;
extern const struct cli_command cli_group_cmds[];
extern const size_t cli_group_count;
extern const struct cli_command cli_events_cmds[];
extern const size_t cli_events_count;
extern const struct cli_command cli_wechat_cmds[];
extern const size_t cli_wechat_count;

/* cli_load_config - the config at path with the time zone and log level applied; NULL (message
 * printed on stderr) on failure. Caller frees with config_free. */
struct config *cli_load_config(const char *path);

#endif
