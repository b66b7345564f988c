/*
 * branch.h - the organisation tree: 党委 -> 总支 -> 支部 -> 党小组.
 *
 * Each node has a parent (none for a root), a name unique among its siblings, and a level read
 * from the name's ending (…党委/…工委, …总支, …支部, …党小组/…小组). A path names a node by the
 * names from a root down, separated by "/": 市交通运输局党委/船闸支部/第一党小组. A path that
 * does not start at a root is matched against every node with its first name, so "船闸支部"
 * finds the one 船闸支部 wherever it is, and is ambiguous when there are several.
 *
 * The size rules of the Party's organisation work (a 支部 from 3 full members and normally at
 * most 50, a committee from 7 full members, a 总支 with 50-100, a 党委 over 100) are warnings
 * (branch_warnings), never refusals: approved exceptions exist.
 */
#ifndef ZHIBU_BRANCH_H
#define ZHIBU_BRANCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bot/base/buf.h"
#include "bot/base/err.h"

#define BRANCH_NAME_MAX  96  /* bytes of one node's name */
#define BRANCH_DEPTH_MAX 8   /* names in a path */
#define BRANCH_PATH_MAX  800 /* bytes of a path */
#define BRANCH_ERR_MAX   320 /* bytes of an error message */

enum branch_level { BRANCH_COMMITTEE = 0, BRANCH_GENERAL, BRANCH_BRANCH, BRANCH_GROUP };

/* What a node is besides its level (a 工委 and a 组织部 are committee-level nodes that route
 * transfers; see handlers/transfer/). Read from the name unless set (branch_set_kind). */
enum branch_kind { BRANCH_KIND_PARTY = 0, BRANCH_KIND_WORKCOMM, BRANCH_KIND_ORGDEPT };

struct branch {
    int64_t id;                     /* row id */
    int64_t parent_id;              /* 0 for a root */
    enum branch_level level;        /* from the name */
    char name[BRANCH_NAME_MAX + 1]; /* this node's name */
    enum branch_kind kind;          /* Party organisation, 工委 or 组织部 */
    bool external;                  /* outside zhibu: it only receives transfers */
};

/* What branch_warnings looks at, counted by the caller from the member registry. */
struct branch_tally {
    int members;          /* members of this node and its 党小组 (for 支部) */
    int full;             /* of those, 正式党员 */
    bool committee_posts; /* someone of this node holds 组织/宣传/纪检委员 */
    int subtree;          /* members of the whole subtree */
};

/* branch_level_of - the level a name's ending says, or -1 when it says none. */
int branch_level_of(const char *name);
/* branch_kind_of - the kind a name's ending says (…工委, …组织部; else a Party organisation). */
int branch_kind_of(const char *name);
/* branch_kind_id / branch_kind_name - party|workcomm|orgdept, 党组织|工委|组织部; parse takes
 * either and gives -1 for neither. */
const char *branch_kind_id(enum branch_kind k);
const char *branch_kind_name(enum branch_kind k);
int branch_kind_parse(const char *id);
/* branch_level_name - 党委, 总支, 支部, 党小组. */
const char *branch_level_name(enum branch_level l);
/* branch_level_id / branch_level_parse - committee, general, branch, group; parse gives -1. */
const char *branch_level_id(enum branch_level l);
int branch_level_parse(const char *id);

/* branch_get - node id into *out; ZB_ENOTFOUND, ZB_EDB. */
int branch_get(int64_t id, struct branch *out) ZB_MUST_USE;
/* branch_path - the full path of node id ("" for 0) into out; ZB_ETOOBIG when it does not fit. */
int branch_path(int64_t id, char *out, size_t outsz) ZB_MUST_USE;

/*
 * branch_resolve - the node path names into *id. ZB_ENOTFOUND when none; ZB_EINVAL when the path
 * is malformed or names several nodes; both with a Chinese sentence in err (size errsz).
 */
int branch_resolve(const char *path, int64_t *id, char *err, size_t errsz) ZB_MUST_USE;

/*
 * branch_add - the node path names, creating it and any missing nodes above it (under the
 * longest prefix that exists, or as a new root). *id receives the node; *created (may be NULL)
 * how many nodes were made. ZB_EINVAL with err set when a name has no level, a level does not
 * fit under its parent (a 党小组 only under a 支部; levels go down the tree, only a 党委 may sit
 * under a 党委) or the path is ambiguous. Call inside a transaction.
 */
int branch_add(const char *path, int64_t now, int64_t *id, int *created, char *err,
               size_t errsz) ZB_MUST_USE;

/*
 * branch_rename - give node id the name name (one name, no "/"), keeping its place and level:
 * ZB_EINVAL with err set when the name is malformed, its ending names another level, or a
 * sibling has it already; ZB_ENOTFOUND when there is no node id. Call inside a transaction.
 */
int branch_rename(int64_t id, const char *name, char *err, size_t errsz) ZB_MUST_USE;

/* branch_set_kind - set node id's kind and external flag (audited by the caller). ZB_ENOTFOUND,
 * ZB_EDB. Call inside a transaction. */
int branch_set_kind(int64_t id, enum branch_kind kind, bool external) ZB_MUST_USE;

/*
 * branch_move - re-parent node id under parent (0: make it a root), keeping its subtree. ZB_EINVAL
 * with err set when parent lies in id's own subtree, the levels do not fit (as branch_add) or a
 * sibling there has the name; ZB_ENOTFOUND for no such node. Call inside a transaction.
 */
int branch_move(int64_t id, int64_t parent, char *err, size_t errsz) ZB_MUST_USE;

/* branch_within - whether node lies in the subtree of root (node == root counts). */
int branch_within(int64_t node, int64_t root, bool *yes) ZB_MUST_USE;

/* branch_all - every node, ordered by id, into *out (caller frees); *n the count. */
int branch_all(struct branch **out, size_t *n) ZB_MUST_USE;

/*
 * branch_warnings - append one line per size rule node b breaks ("  提醒：…\n"), given its
 * tally. Appends nothing when it keeps them all.
 */
int branch_warnings(const struct branch *b, const struct branch_tally *t,
                    struct buf *out) ZB_MUST_USE;

#endif
