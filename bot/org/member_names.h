/*
 * member_names.h - names for the ids in a listing: `feedback`, `events`, `audit` and `outbox`
 * print "#7 李建国（船闸支部）" where they used to print a bare id.
 *
 * A listing collects the member ids of its rows in a set, loads the set with one query, and asks
 * it for each row while printing. The set holds at most MEMBER_NAMES_MAX ids; ids added beyond
 * that are looked up one by one when shown, so a long listing still shows every name.
 */
#ifndef ZHIBU_MEMBER_NAMES_H
#define ZHIBU_MEMBER_NAMES_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "bot/base/err.h"

#define MEMBER_NAMES_MAX 1000 /* distinct ids one query loads */

struct member_names;

/* member_names_new - an empty set; free it with member_names_free. */
struct member_names *member_names_new(void);
/* member_names_free - release s (NULL is fine). */
void member_names_free(struct member_names *s);
/* member_names_add - remember id (ids < 1 and repeats are ignored). */
void member_names_add(struct member_names *s, int64_t id);
/* member_names_load - read name, branch and phone of every id added, in one query. ZB_EDB. */
int member_names_load(struct member_names *s) ZB_MUST_USE;

/*
 * member_names_print - "李建国（船闸支部）" for id into f, the name and branch cleaned of
 * terminal controls; "（已移出）" after a removed member; with phone, the phone after the branch,
 * masked unless unmask. Prints "（无此党员）" for an id nobody has. Nothing for id < 1.
 */
void member_names_print(FILE *f, struct member_names *s, int64_t id, bool phone, bool unmask);

#endif
