/*
 * cli.h (app) - the CLI's one command table, its parser and its dispatcher.
 *
 * bot/app builds the table from the engine's own commands (cli_engine.h) and every capability's
 * (handlers/registry.h); cli_main() finds the command in argv, parses the rest against its
 * descriptor (bot/api/cli.h), resolves the actor (--as MEMBER, else the operator), opens the
 * store when the command needs it, checks the command's action with role_can, and runs it.
 * `zhibu help` and `zhibu NOUN help` are generated from the table.
 */
#ifndef ZHIBU_APP_CLI_H
#define ZHIBU_APP_CLI_H

#include <stdio.h>

#include "bot/api/cli.h"
#include "bot/base/err.h"

#define CLI_TABLE_MAX 128 /* commands in the table */
#define CLI_OPTS_MAX  24  /* options of one command */

struct cli_table {
    const struct cli_command *cmd[CLI_TABLE_MAX]; /* in registration order */
    size_t n;                                     /* entries used */
};

/* cli_table_add - append n commands (borrowed for the process lifetime). ZB_EINVAL (on err) when
 * a noun and verb are taken twice, or a noun is used both alone and with verbs; ZB_ETOOBIG when
 * the table is full. */
int cli_table_add(struct cli_table *t, const struct cli_command *cmds, size_t n,
                  FILE *err) ZB_MUST_USE;

/*
 * cli_parse - argv (the words after noun and verb) against cmd: its options, the global --config
 * FILE and --as MEMBER, and the count of positional words. On ZB_OK *out holds the arguments (free
 * with cli_args_free) and *config and *as the global options (NULL when not given, pointing into
 * argv). Otherwise ZB_EINVAL, with the mistake named and cmd's usage printed on err.
 */
int cli_parse(const struct cli_command *cmd, int argc, char **argv, struct cli_args **out,
              const char **config, const char **as, FILE *err) ZB_MUST_USE;
void cli_args_free(struct cli_args *a);

/* cli_help - `zhibu help` (cmd NULL) or `zhibu NOUN help` (noun set) from the table, to f. */
void cli_help(FILE *f, const struct cli_table *t, const char *noun);
/* cli_noun_known - t has a command whose noun is noun. */
bool cli_noun_known(const struct cli_table *t, const char *noun);

/* cli_main - run argv (argv[0] the program) against t; the exit status: 0 done, 1 failed, 2
 * wrong usage. */
int cli_main(const struct cli_table *t, int argc, char **argv);

#endif
