/*
 * cli_member.h - the operator's commands for the registry: `zhibu member ...`, `zhibu branch
 * ...` and `zhibu audit`.
 *
 * Each takes the words after its command name (argv[0] is the first of them), parses its own
 * options (--config among them), prints Chinese for the operator and returns the exit status:
 * 0 done, 1 failed (the reason on stderr), 2 wrong usage. Privileged actions write the audit
 * trail with actor "cli:USER" and channel "cli".
 */
#ifndef ZHIBU_CLI_MEMBER_H
#define ZHIBU_CLI_MEMBER_H

/* cli_member - member list|show|set|codes|bind|unbind|import. */
int cli_member(int argc, char **argv);
/* cli_branch - branch add|list. */
int cli_branch(int argc, char **argv);
/* cli_audit - audit [--since DATE] [--actor ID] [--limit N]. */
int cli_audit(int argc, char **argv);

/* The usage lines of these commands, for `zhibu help`. */
extern const char cli_member_usage[];

#endif
