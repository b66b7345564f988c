/*
 * branch.c - the branches table and the organisation tree (see branch.h).
 *
 * Trees are small (hundreds of nodes), so paths are resolved by walking children one name at a
 * time, and relative paths by trying every node that carries the first name. Every walk up the
 * tree is bounded by BRANCH_DEPTH_MAX, so a damaged parent chain cannot loop.
 */
#include "bot/org/branch.h"

#include <assert.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bot/store/store.h"
#include "bot/base/xmalloc.h"

#define MAX_CANDIDATES 64 /* nodes sharing a path's first name that are tried */

static const char sql_get[] = "SELECT id, coalesce(parent_id, 0), name, level, kind, external "
                              "FROM branches WHERE id=?1";
static const char sql_child[] =
    "SELECT id FROM branches WHERE coalesce(parent_id, 0)=?1 AND name=?2";
static const char sql_named[] = "SELECT id FROM branches WHERE name=?1 ORDER BY id LIMIT ?2";
static const char sql_insert[] = "INSERT INTO branches(parent_id, name, level, created_at) "
                                 "VALUES(nullif(?1, 0), ?2, ?3, ?4)";
static const char sql_rename[] = "UPDATE branches SET name=?2 WHERE id=?1";
static const char sql_all[] = "SELECT id, coalesce(parent_id, 0), name, level, kind, external "
                              "FROM branches ORDER BY id";
static const char sql_set_kind[] = "UPDATE branches SET kind=?2, external=?3 WHERE id=?1";
static const char sql_move[] = "UPDATE branches SET parent_id=nullif(?2, 0) WHERE id=?1";
static const char *const kind_ids[] = {"party", "workcomm", "orgdept"};
static const char *const kind_names[] = {"党组织", "工委", "组织部"};

static const char *const level_names[] = {"党委", "总支", "支部", "党小组"};
static const char *const level_ids[] = {"committee", "general", "branch", "group"};

const char *branch_level_name(enum branch_level l)
{
    return (unsigned)l < 4 ? level_names[l] : "?";
}

const char *branch_level_id(enum branch_level l)
{
    return (unsigned)l < 4 ? level_ids[l] : "?";
}

int branch_level_parse(const char *id)
{
    for (int i = 0; i < 4; i++)
        if (strcmp(id, level_ids[i]) == 0)
            return i;
    return -1;
}

static bool ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcmp(s + n - m, suffix) == 0;
}

int branch_level_of(const char *name)
{
    if (ends_with(name, "小组"))
        return BRANCH_GROUP;
    if (ends_with(name, "总支"))
        return BRANCH_GENERAL;
    if (ends_with(name, "支部"))
        return BRANCH_BRANCH;
    if (ends_with(name, "党委") || ends_with(name, "工委") || ends_with(name, "组织部"))
        return BRANCH_COMMITTEE;
    return -1;
}

int branch_kind_of(const char *name)
{
    if (ends_with(name, "工委"))
        return BRANCH_KIND_WORKCOMM;
    if (ends_with(name, "组织部"))
        return BRANCH_KIND_ORGDEPT;
    return BRANCH_KIND_PARTY;
}

const char *branch_kind_id(enum branch_kind k)
{
    return (unsigned)k < 3 ? kind_ids[k] : "party";
}

const char *branch_kind_name(enum branch_kind k)
{
    return (unsigned)k < 3 ? kind_names[k] : kind_names[0];
}

int branch_kind_parse(const char *id)
{
    for (int i = 0; i < 3; i++)
        if (strcmp(id, kind_ids[i]) == 0 || strcmp(id, kind_names[i]) == 0)
            return i;
    return -1;
}

static void fill(sqlite3_stmt *st, struct branch *b)
{
    b->id = sqlite3_column_int64(st, 0);
    b->parent_id = sqlite3_column_int64(st, 1);
    snprintf(b->name, sizeof b->name, "%s", store_text(st, 2));
    int l = branch_level_parse(store_text(st, 3));
    b->level = l < 0 ? BRANCH_BRANCH : (enum branch_level)l;
    int k = branch_kind_parse(store_text(st, 4));
    b->kind = k < 0 ? (enum branch_kind)branch_kind_of(b->name) : (enum branch_kind)k;
    b->external = sqlite3_column_int(st, 5) != 0;
}

int branch_get(int64_t id, struct branch *out)
{
    sqlite3_stmt *st = store_stmt(sql_get);
    if (!st)
        return ZB_EDB;
    sqlite3_bind_int64(st, 1, id);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        fill(st, out);
    sqlite3_reset(st);
    return rc == SQLITE_ROW ? ZB_OK : rc == SQLITE_DONE ? ZB_ENOTFOUND : ZB_EDB;
}

int branch_path(int64_t id, char *out, size_t outsz)
{
    struct branch chain[BRANCH_DEPTH_MAX];
    int n = 0, rc;
    out[0] = '\0';
    while (id != 0) {
        if (n == BRANCH_DEPTH_MAX)
            return ZB_ETOOBIG;
        if ((rc = branch_get(id, &chain[n])))
            return rc;
        id = chain[n++].parent_id;
    }
    size_t used = 0;
    for (int i = n - 1; i >= 0; i--) {
        int w = snprintf(out + used, outsz - used, "%s%s", used ? "/" : "", chain[i].name);
        if (w < 0 || (size_t)w >= outsz - used)
            return ZB_ETOOBIG;
        used += (size_t)w;
    }
    return ZB_OK;
}

/* trim_name - copy s[0..n) without surrounding spaces (ASCII, U+3000) into out. */
static void trim_name(const char *s, size_t n, char *out, size_t outsz)
{
    for (;;) {
        if (n && (s[0] == ' ' || s[0] == '\t')) {
            s++, n--;
        } else if (n >= 3 && strncmp(s, "\xe3\x80\x80", 3) == 0) {
            s += 3, n -= 3;
        } else {
            break;
        }
    }
    for (;;) {
        if (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
            n--;
        else if (n >= 3 && strncmp(s + n - 3, "\xe3\x80\x80", 3) == 0)
            n -= 3;
        else
            break;
    }
    if (n >= outsz)
        n = outsz - 1;
    memcpy(out, s, n);
    out[n] = '\0';
}

/* split - the names of path into names[]; ZB_EINVAL (err set) when malformed. */
static int split(const char *path, char names[][BRANCH_NAME_MAX + 1], int *n, char *err,
                 size_t errsz)
{
    *n = 0;
    if (strlen(path) > BRANCH_PATH_MAX) {
        snprintf(err, errsz, "组织路径太长");
        return ZB_EINVAL;
    }
    const char *p = path;
    for (;;) {
        const char *slash = strchr(p, '/');
        const char *wide = strstr(p, "\xef\xbc\x8f"); /* ／ */
        const char *cut = slash;
        size_t skip = 1;
        if (wide && (!cut || wide < cut)) {
            cut = wide;
            skip = 3;
        }
        size_t len = cut ? (size_t)(cut - p) : strlen(p);
        if (*n == BRANCH_DEPTH_MAX) {
            snprintf(err, errsz, "组织路径超过 %d 层", BRANCH_DEPTH_MAX);
            return ZB_EINVAL;
        }
        if (len > BRANCH_NAME_MAX) {
            snprintf(err, errsz, "组织名称太长");
            return ZB_EINVAL;
        }
        trim_name(p, len, names[*n], BRANCH_NAME_MAX + 1);
        if (!names[*n][0]) {
            snprintf(err, errsz, "组织路径“%s”中有空的名称", path);
            return ZB_EINVAL;
        }
        for (const char *c = names[*n]; *c; c++)
            if ((unsigned char)*c < 0x20) {
                snprintf(err, errsz, "组织名称含有控制字符");
                return ZB_EINVAL;
            }
        (*n)++;
        if (!cut)
            break;
        p = cut + skip;
    }
    return ZB_OK;
}

/* child - the child of parent (0: roots) named name into *id; ZB_ENOTFOUND when none. */
static int child(int64_t parent, const char *name, int64_t *id)
{
    sqlite3_stmt *st = store_stmt(sql_child);
    if (!st)
        return ZB_EDB;
    sqlite3_bind_int64(st, 1, parent);
    sqlite3_bind_text(st, 2, name, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        *id = sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    return rc == SQLITE_ROW ? ZB_OK : rc == SQLITE_DONE ? ZB_ENOTFOUND : ZB_EDB;
}

/*
 * find - the node names[0..n) names, as a path from a root or from any node named names[0].
 * ZB_OK with *id; ZB_ENOTFOUND; ZB_EINVAL when several match and none of them from a root.
 */
static int find(char names[][BRANCH_NAME_MAX + 1], int n, int64_t *id)
{
    int64_t cand[MAX_CANDIDATES];
    int nc = 0, rc;
    sqlite3_stmt *st = store_stmt(sql_named);
    if (!st)
        return ZB_EDB;
    sqlite3_bind_text(st, 1, names[0], -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 2, MAX_CANDIDATES);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        cand[nc++] = sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    if (rc != SQLITE_DONE)
        return ZB_EDB;
    int64_t found = 0;
    int matches = 0;
    bool found_is_root = false;
    for (int c = 0; c < nc; c++) {
        int64_t at = cand[c];
        for (int i = 1; i < n && at; i++) {
            int64_t next = 0;
            rc = child(at, names[i], &next);
            if (rc == ZB_EDB)
                return rc;
            at = rc == ZB_OK ? next : 0;
        }
        if (!at)
            continue;
        struct branch b;
        if ((rc = branch_get(cand[c], &b)))
            return rc;
        bool root = b.parent_id == 0;
        if (matches && found_is_root && !root)
            continue; /* an absolute match wins over relative ones */
        if (root && !found_is_root)
            matches = 0;
        found = at;
        found_is_root = root;
        matches++;
    }
    if (matches == 0)
        return ZB_ENOTFOUND;
    if (matches > 1)
        return ZB_EINVAL;
    *id = found;
    return ZB_OK;
}

static void join(char names[][BRANCH_NAME_MAX + 1], int n, char *out, size_t outsz)
{
    size_t used = 0;
    out[0] = '\0';
    for (int i = 0; i < n && used < outsz; i++) {
        int w = snprintf(out + used, outsz - used, "%s%s", i ? "/" : "", names[i]);
        if (w < 0)
            break;
        used += (size_t)w;
    }
}

int branch_resolve(const char *path, int64_t *id, char *err, size_t errsz)
{
    char names[BRANCH_DEPTH_MAX][BRANCH_NAME_MAX + 1];
    int n, rc;
    if ((rc = split(path, names, &n, err, errsz)))
        return rc;
    rc = find(names, n, id);
    char shown[BRANCH_PATH_MAX + 1];
    join(names, n, shown, sizeof shown);
    if (rc == ZB_ENOTFOUND)
        snprintf(err, errsz, "组织“%s”不存在", shown);
    else if (rc == ZB_EINVAL)
        snprintf(err, errsz, "有多个组织叫“%s”，请写出上级，例如 上级党委/%s", shown, shown);
    return rc;
}

int branch_rename(int64_t id, const char *name, char *err, size_t errsz)
{
    assert(store_in_tx());
    char names[BRANCH_DEPTH_MAX][BRANCH_NAME_MAX + 1];
    struct branch b;
    int n, rc;
    if ((rc = branch_get(id, &b)))
        return rc;
    if ((rc = split(name, names, &n, err, errsz)))
        return rc;
    if (n != 1) {
        snprintf(err, errsz, "新名字只写这一级的名字，不要带“/”");
        return ZB_EINVAL;
    }
    if (branch_level_of(names[0]) != (int)b.level) {
        snprintf(err, errsz, "“%s”是%s，新名字也要以“%s”结尾", b.name, level_names[b.level],
                 level_names[b.level]);
        return ZB_EINVAL;
    }
    if (strcmp(names[0], b.name) == 0)
        return ZB_OK;
    int64_t other = 0;
    rc = child(b.parent_id, names[0], &other);
    if (rc == ZB_OK) {
        snprintf(err, errsz, "同一上级下已有“%s”", names[0]);
        return ZB_EINVAL;
    }
    if (rc != ZB_ENOTFOUND)
        return rc;
    sqlite3_stmt *st = store_stmt(sql_rename);
    if (!st)
        return ZB_EDB;
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_text(st, 2, names[0], -1, SQLITE_STATIC);
    return store_exec_done(st);
}

/* fits - may a node of level child sit under a node of level parent? */
static bool fits(enum branch_level parent, enum branch_level kid)
{
    if (kid == BRANCH_GROUP)
        return parent == BRANCH_BRANCH;
    if (parent == BRANCH_COMMITTEE)
        return true;
    return kid > parent;
}

int branch_add(const char *path, int64_t now, int64_t *id, int *created, char *err, size_t errsz)
{
    assert(store_in_tx());
    char names[BRANCH_DEPTH_MAX][BRANCH_NAME_MAX + 1];
    int n, rc, made = 0;
    if (created)
        *created = 0;
    if ((rc = split(path, names, &n, err, errsz)))
        return rc;
    /* the longest prefix that exists */
    int k = n;
    int64_t parent = 0;
    for (; k > 0; k--) {
        rc = find(names, k, &parent);
        if (rc == ZB_OK)
            break;
        if (rc == ZB_EINVAL) {
            char shown[BRANCH_PATH_MAX + 1];
            join(names, k, shown, sizeof shown);
            snprintf(err, errsz, "有多个组织叫“%s”，请写出上级，例如 上级党委/%s", shown, shown);
            return rc;
        }
        if (rc != ZB_ENOTFOUND)
            return rc;
        parent = 0;
    }
    enum branch_level plevel = BRANCH_COMMITTEE;
    char pname[BRANCH_NAME_MAX + 1] = "";
    if (parent) {
        struct branch b;
        if ((rc = branch_get(parent, &b)))
            return rc;
        plevel = b.level;
        snprintf(pname, sizeof pname, "%s", b.name);
    }
    for (int i = k; i < n; i++) {
        int level = branch_level_of(names[i]);
        if (level < 0) {
            snprintf(err, errsz,
                     "看不出“%s”是党委、总支、支部还是党小组：名称应以 党委、总支、支部 或 "
                     "党小组 结尾",
                     names[i]);
            return ZB_EINVAL;
        }
        if (parent && !fits(plevel, (enum branch_level)level)) {
            snprintf(err, errsz, "%s“%s”不能设在%s“%s”之下", level_names[level], names[i],
                     level_names[plevel], pname);
            return ZB_EINVAL;
        }
        if (!parent && level == BRANCH_GROUP) {
            snprintf(err, errsz, "党小组“%s”必须设在某个支部之下", names[i]);
            return ZB_EINVAL;
        }
        sqlite3_stmt *st = store_stmt(sql_insert);
        if (!st)
            return ZB_EDB;
        sqlite3_bind_int64(st, 1, parent);
        sqlite3_bind_text(st, 2, names[i], -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 3, level_ids[level], -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 4, now);
        if ((rc = store_exec_done(st)))
            return rc;
        parent = sqlite3_last_insert_rowid(store_db());
        plevel = (enum branch_level)level;
        snprintf(pname, sizeof pname, "%s", names[i]);
        made++;
    }
    *id = parent;
    if (created)
        *created = made;
    return ZB_OK;
}

int branch_within(int64_t node, int64_t root, bool *yes)
{
    *yes = false;
    for (int depth = 0; node != 0 && depth <= BRANCH_DEPTH_MAX; depth++) {
        if (node == root) {
            *yes = true;
            return ZB_OK;
        }
        struct branch b;
        int rc = branch_get(node, &b);
        if (rc == ZB_ENOTFOUND)
            return ZB_OK;
        if (rc)
            return rc;
        node = b.parent_id;
    }
    return ZB_OK;
}

int branch_all(struct branch **out, size_t *n)
{
    *out = NULL;
    *n = 0;
    sqlite3_stmt *st = store_stmt(sql_all);
    if (!st)
        return ZB_EDB;
    size_t cap = 0;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (*n == cap) {
            cap = cap ? cap * 2 : 16;
            *out = xrealloc(*out, cap * sizeof **out);
        }
        fill(st, &(*out)[(*n)++]);
    }
    sqlite3_reset(st);
    if (rc != SQLITE_DONE) {
        free(*out);
        *out = NULL;
        *n = 0;
        return ZB_EDB;
    }
    return ZB_OK;
}

int branch_warnings(const struct branch *b, const struct branch_tally *t, struct buf *out)
{
    int rc = ZB_OK;
    switch (b->level) {
    case BRANCH_BRANCH:
        if (t->members == 0) {
            rc = buf_appendz(out, "  提醒：还没有党员\n");
            break;
        }
        if (t->full < 3)
            rc = buf_appendf(
                out, "  提醒：正式党员只有 %d 人，不足 3 人的单位一般与邻近单位成立联合支部\n",
                t->full);
        if (!rc && t->members > 50)
            rc = buf_appendf(out,
                             "  提醒：有 %d 名党员，支部一般不超过 50 人，可分设支部或成立党总支\n",
                             t->members);
        if (!rc && t->full >= 7 && !t->committee_posts)
            rc = buf_appendf(
                out,
                "  提醒：正式党员 %d 人，满 7 人应设支部委员会，还没有登记组织、宣传或纪检委员\n",
                t->full);
        if (!rc && t->full < 7 && t->committee_posts)
            rc = buf_appendf(
                out,
                "  提醒：正式党员只有 %d 人，不足 7 人一般不设支委会，只设书记（必要时设副书记）\n",
                t->full);
        break;
    case BRANCH_GENERAL:
        if (t->subtree < 50 || t->subtree > 100)
            rc =
                buf_appendf(out, "  提醒：党总支一般有 50 至 100 名党员，现有 %d 名\n", t->subtree);
        break;
    case BRANCH_COMMITTEE:
        if (t->subtree <= 100)
            rc = buf_appendf(
                out,
                "  提醒：党员 100 人以上的单位设基层党委，现有 %d 名（人数较少的需经上级批准）\n",
                t->subtree);
        break;
    case BRANCH_GROUP:
        break;
    }
    return rc;
}

int branch_set_kind(int64_t id, enum branch_kind kind, bool external)
{
    assert(store_in_tx());
    struct branch b;
    int rc = branch_get(id, &b);
    if (rc)
        return rc;
    sqlite3_stmt *st = store_stmt(sql_set_kind);
    if (!st)
        return ZB_EDB;
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_text(st, 2, kind_ids[kind], -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 3, external ? 1 : 0);
    return store_exec_done(st);
}

int branch_move(int64_t id, int64_t parent, char *err, size_t errsz)
{
    assert(store_in_tx());
    struct branch b, p = {0};
    int rc = branch_get(id, &b);
    if (rc)
        return rc;
    if (parent) {
        bool inside = false;
        if ((rc = branch_get(parent, &p)) || (rc = branch_within(parent, id, &inside)))
            return rc;
        if (inside) {
            snprintf(err, errsz, "“%s”不能移到自己或自己的下级之下", b.name);
            return ZB_EINVAL;
        }
        if (!fits(p.level, b.level)) {
            snprintf(err, errsz, "%s“%s”不能设在%s“%s”之下", level_names[b.level], b.name,
                     level_names[p.level], p.name);
            return ZB_EINVAL;
        }
    } else if (b.level == BRANCH_GROUP) {
        snprintf(err, errsz, "党小组“%s”必须设在某个支部之下", b.name);
        return ZB_EINVAL;
    }
    int64_t same = 0;
    rc = child(parent, b.name, &same);
    if (rc == ZB_OK && same != id) {
        snprintf(err, errsz, "“%s”之下已有同名组织", parent ? p.name : "顶层");
        return ZB_EINVAL;
    }
    if (rc != ZB_OK && rc != ZB_ENOTFOUND)
        return rc;
    sqlite3_stmt *st = store_stmt(sql_move);
    if (!st)
        return ZB_EDB;
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_int64(st, 2, parent);
    return store_exec_done(st);
}
