/*
 * cli.h - what a CLI command is: the descriptor every capability's cli.c fills in.
 *
 * The CLI has one command table (built by bot/app from the capability registry and the engine's
 * own commands) and one parser. A command declares its noun and verb ("member" "set"), its
 * options and how many words it takes; the parser checks argv against that before anything runs,
 * so a wrong option names itself and shows that command's usage, and `zhibu help` and
 * `zhibu NOUN help` are generated from the same table. The global options --config FILE and
 * --as MEMBER are the parser's own. The dispatcher resolves the actor (--as, else the operator),
 * opens the store when the command needs it, and calls role_can(actor, cmd->action, 0) before
 * run() when cmd->action is set (a command that acts on a given organisation checks it itself
 * through the same role_can with that organisation). run() only translates: it reads its
 * arguments, calls domain functions, prints Chinese for the operator on out (results) or err
 * (errors) and returns the exit status: 0 done, 1 failed, 2 wrong usage.
 */
#ifndef ZHIBU_API_CLI_H
#define ZHIBU_API_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "bot/org/actor.h"

struct role_action;

enum cli_opt_type {
    CLI_FLAG = 0, /* --at: present or not */
    CLI_STR,      /* --reason TEXT */
    CLI_INT,      /* --limit N: a decimal integer in [min, max] */
};

struct cli_opt {
    const char *name;       /* "--limit" */
    enum cli_opt_type type; /* how its value is read */
    long min, max;          /* CLI_INT bounds (inclusive) */
    const char *metavar;    /* the value's name in usage lines, e.g. "N" or "日期" */
    const char *help;       /* one line of Chinese for `zhibu NOUN help` */
};

struct cli_args; /* the parsed command line (opaque; cli_* accessors below) */

struct cli_ctx {
    const struct cli_command *cmd; /* the command running */
    const struct cli_args *args;   /* its parsed arguments */
    const struct actor *actor;     /* who acts: --as MEMBER, else the operator */
    const char *config_path;       /* the resolved config file */
    const char *timezone;          /* the configured IANA zone (NULL unless the store is open) */
    /* setting - a string key of the loaded config ("qqbot.app_id"), NULL when unknown; set
     * only for commands that need the store */
    const char *(*setting)(const char *key);
    FILE *out; /* results */
    FILE *err; /* errors, in Chinese */
};

struct cli_command {
    const char *noun;                 /* "member", or a single word command ("todo") */
    const char *verb;                 /* "set"; NULL when the noun alone is the command */
    const char *usage;                /* the words after noun and verb: "ID [--name 名字]" */
    const char *summary;              /* one line of Chinese for `zhibu help` */
    const struct cli_opt *opts;       /* its options, terminated by {0}; NULL for none */
    int min_words, max_words;         /* positional words allowed (max -1: any number) */
    bool needs_store;                 /* the dispatcher loads the config, opens the database */
    const struct role_action *action; /* checked with role_can before run; NULL = anyone */
    int (*run)(struct cli_ctx *c);    /* the exit status */
};

/* cli_has - the option was given (any type). */
bool cli_has(const struct cli_args *a, const char *name);
/* cli_str - an option's value, or NULL when not given. Valid for the command's run. */
const char *cli_str(const struct cli_args *a, const char *name);
/* cli_int - a CLI_INT option's value, or dflt when not given (bounds checked by the parser). */
long cli_int(const struct cli_args *a, const char *name, long dflt);
/* cli_nwords - the positional words; cli_word - the i-th of them (NULL past the end). */
size_t cli_nwords(const struct cli_args *a);
const char *cli_word(const struct cli_args *a, size_t i);
/* cli_text - the positional words from the i-th on, joined by single spaces ("" when none);
 * owned by args. */
const char *cli_text(const struct cli_args *a, size_t from);

/* cli_usage - print "用法：zhibu NOUN VERB USAGE" and the options' help lines to f. */
void cli_usage(FILE *f, const struct cli_command *cmd);

#endif
