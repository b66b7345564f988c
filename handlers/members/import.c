/*
 * member_import.c - the CSV member import (see member_import.h).
 *
 * One pass over the records inside one write transaction: every row is parsed, its organisation
 * resolved (or created), its member found or added, and the differences written - so later rows
 * see earlier ones, and a dry run or a file with problems is simply rolled back. A row never
 * stops the pass: all problems of the file are collected first, each with its line and column.
 */
#include "handlers/members/import.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bot/org/audit.h"
#include "bot/org/branch.h"
#include "bot/base/csv.h"
#include "bot/base/textfmt.h"
#include "bot/org/member.h"
#include "bot/org/role.h"
#include "bot/store/store.h"
#include "bot/base/xmalloc.h"

#define MAX_NAMESAKES 8 /* members of one name in one organisation looked at */

struct seen {
    int64_t id;  /* member */
    size_t line; /* the row that touched it */
};

#define MISSING_MAX       100 /* organisations that do not exist, reported once each */
#define MISSING_LINES_MAX 20  /* rows listed for one of them; the rest are counted */

/* An organisation the file names that does not exist, and the rows that name it. */
struct missing {
    char err[BRANCH_ERR_MAX];        /* branch_resolve's sentence, naming it */
    size_t lines[MISSING_LINES_MAX]; /* the first rows that use it */
    size_t n_lines;                  /* rows that use it (also those not listed) */
    int col;                         /* the 支部 column */
};

struct run {
    const struct import_opts *o;
    struct import_report *r;
    int col_field[CSV_MAX_FIELDS]; /* field of each column, -1 ignored */
    size_t n_cols;                 /* columns in the header */
    int field_col[MF_COUNT];       /* column of each field, -1 absent */
    struct seen *seen;             /* members touched by earlier rows */
    size_t n_seen, cap_seen;
    struct buf changes;   /* change lines, shown when there are no problems */
    struct missing *miss; /* organisations that do not exist (MISSING_MAX at most) */
    size_t n_miss;
};

void import_report_init(struct import_report *r)
{
    memset(r, 0, sizeof *r);
    buf_init(&r->text, IMPORT_REPORT_MAX);
}

void import_report_free(struct import_report *r)
{
    buf_free(&r->text);
}

/* col_name - the spreadsheet column letters of index i (0 = A, 26 = AA) into out. */
static void col_name(size_t i, char *out, size_t outsz)
{
    char tmp[8];
    size_t n = 0;
    i++;
    while (i && n < sizeof tmp) {
        tmp[n++] = (char)('A' + (i - 1) % 26);
        i = (i - 1) / 26;
    }
    size_t k = 0;
    while (n && k + 1 < outsz)
        out[k++] = tmp[--n];
    out[k] = '\0';
}

/* problem - a line of the report; the text is dropped (still counted) past the cap. */
static void problem(struct run *u, size_t line, int col, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void problem(struct run *u, size_t line, int col, const char *fmt, ...)
{
    struct import_report *r = u->r;
    r->problems++;
    if (r->problems > IMPORT_MAX_PROBLEMS)
        return;
    char where[96];
    if (col >= 0 && u->col_field[col] >= 0) {
        char letters[8];
        col_name((size_t)col, letters, sizeof letters);
        snprintf(where, sizeof where, "第 %zu 行 %s 列（%s）", line, letters,
                 member_field_label((enum member_field)u->col_field[col]));
    } else if (col >= 0) {
        char letters[8];
        col_name((size_t)col, letters, sizeof letters);
        snprintf(where, sizeof where, "第 %zu 行 %s 列", line, letters);
    } else {
        snprintf(where, sizeof where, "第 %zu 行", line);
    }
    va_list ap;
    va_start(ap, fmt);
    (void)(buf_appendf(&r->text, "%s：", where) || buf_vappendf(&r->text, fmt, ap) ||
           buf_appendz(&r->text, "\n"));
    va_end(ap);
}

/* say - append to a report buffer; past its cap the text is dropped (the counts stay right). */
static void say(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void say(struct buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int rc = buf_vappendf(b, fmt, ap);
    va_end(ap);
    (void)rc;
}

static void change(struct run *u, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void change(struct run *u, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    (void)(buf_vappendf(&u->changes, fmt, ap) || buf_appendz(&u->changes, "\n"));
    va_end(ap);
}

/* blank - whether every field of rec is empty or spaces. */
static bool blank(const struct csv_record *rec)
{
    for (size_t i = 0; i < rec->n; i++)
        for (const char *p = rec->field[i]; *p; p++)
            if (*p != ' ' && *p != '\t' && *p != '\r' && *p != '\n')
                return false;
    return true;
}

/* empty_cell - whether s holds nothing but spaces (ASCII, line breaks, U+3000). */
static bool empty_cell(const char *s)
{
    for (;;) {
        if (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')
            s++;
        else if (strncmp(s, "\xe3\x80\x80", 3) == 0)
            s += 3;
        else
            return !*s;
    }
}

static int header(struct run *u, const struct csv_record *rec)
{
    for (int f = 0; f < MF_COUNT; f++)
        u->field_col[f] = -1;
    for (size_t i = 0; i < CSV_MAX_FIELDS; i++)
        u->col_field[i] = -1;
    u->n_cols = rec->n;
    for (size_t i = 0; i < rec->n; i++) {
        int f = member_field_lookup(rec->field[i]);
        u->col_field[i] = -1;
        char letters[8];
        col_name(i, letters, sizeof letters);
        if (f < 0) {
            if (!empty_cell(rec->field[i]))
                say(&u->changes, "忽略第 %s 列“%s”：不认识这个列名\n", letters, rec->field[i]);
            continue;
        }
        if (u->field_col[f] >= 0) {
            char first[8];
            col_name((size_t)u->field_col[f], first, sizeof first);
            problem(u, rec->line, (int)i, "“%s”与 %s 列重复", rec->field[i], first);
            continue;
        }
        u->field_col[f] = (int)i;
        u->col_field[i] = f;
    }
    if (u->field_col[MF_NAME] < 0) {
        problem(u, rec->line, -1, "表头缺少“姓名”列（第一行应为列名，如 姓名,手机号,支部）");
        return ZB_EINVAL;
    }
    return ZB_OK;
}

static const char *cell(const struct run *u, const struct csv_record *rec, enum member_field f)
{
    int c = u->field_col[f];
    return c >= 0 && (size_t)c < rec->n ? rec->field[c] : "";
}

/* seen_before - member id was touched by an earlier row of this file. */
static bool seen_before(const struct run *u, int64_t id)
{
    for (size_t i = 0; i < u->n_seen; i++)
        if (u->seen[i].id == id)
            return true;
    return false;
}

/* seen_line - the earlier row that touched member id, 0 when none; then remember this one. */
static size_t seen_line(struct run *u, int64_t id, size_t line)
{
    for (size_t i = 0; i < u->n_seen; i++)
        if (u->seen[i].id == id)
            return u->seen[i].line;
    if (u->n_seen == u->cap_seen) {
        u->cap_seen = u->cap_seen ? 2 * u->cap_seen : 64;
        u->seen = xrealloc(u->seen, u->cap_seen * sizeof *u->seen);
    }
    u->seen[u->n_seen].id = id;
    u->seen[u->n_seen].line = line;
    u->n_seen++;
    return 0;
}

/* missing - row line names the organisation err says does not exist: remembered, to be
 * reported once with all its rows (report_missing); past MISSING_MAX, reported on the row. */
static void missing(struct run *u, size_t line, int col, const char *err)
{
    struct missing *m = NULL;
    for (size_t i = 0; i < u->n_miss && !m; i++)
        if (strcmp(u->miss[i].err, err) == 0)
            m = &u->miss[i];
    if (!m && u->n_miss == MISSING_MAX) {
        problem(u, line, col, "%s；请先用 zhibu branch add 添加，或导入时加 --create-branches",
                err);
        return;
    }
    if (!m) {
        if (!u->miss)
            u->miss = xcalloc(MISSING_MAX, sizeof *u->miss);
        m = &u->miss[u->n_miss++];
        snprintf(m->err, sizeof m->err, "%s", err);
        m->col = col;
    }
    if (m->n_lines < MISSING_LINES_MAX)
        m->lines[m->n_lines] = line;
    m->n_lines++;
}

/* report_missing - one problem per organisation that does not exist, with its rows:
 * "第 5、8 行 D 列（支部）：组织“航道支部”不存在；……". */
static void report_missing(struct run *u)
{
    for (size_t i = 0; i < u->n_miss; i++) {
        const struct missing *m = &u->miss[i];
        char rows[MISSING_LINES_MAX * 12 + 32];
        size_t used = 0, shown = m->n_lines < MISSING_LINES_MAX ? m->n_lines : MISSING_LINES_MAX;
        for (size_t k = 0; k + 1 < shown && used < sizeof rows; k++)
            used += (size_t)snprintf(rows + used, sizeof rows - used, "%zu、", m->lines[k]);
        if (used >= sizeof rows)
            used = sizeof rows - 1;
        if (m->n_lines > shown)
            snprintf(rows + used, sizeof rows - used, "%zu 等共 %zu", m->lines[shown - 1],
                     m->n_lines);
        else
            snprintf(rows + used, sizeof rows - used, "%zu", m->lines[shown - 1]);
        /* problem() says "第 N 行"; the rows are given here instead */
        struct import_report *r = u->r;
        r->problems++;
        if (r->problems > IMPORT_MAX_PROBLEMS)
            continue;
        char letters[8] = "";
        if (m->col >= 0)
            col_name((size_t)m->col, letters, sizeof letters);
        say(&r->text,
            "第 %s 行%s%s%s：%s；请先用 zhibu branch add 添加，或导入时加 --create-branches\n",
            rows, letters[0] ? " " : "", letters, letters[0] ? " 列（支部）" : "", m->err);
    }
}

/* place - the organisation and 党小组 a row names into *branch and *group (0 when the row does
 * not say). false after reporting a problem. */
static bool place(struct run *u, const struct csv_record *rec, int64_t *branch, int64_t *group)
{
    const char *bpath = cell(u, rec, MF_BRANCH), *gname = cell(u, rec, MF_GROUP);
    char err[BRANCH_ERR_MAX];
    int rc;
    *branch = *group = 0;
    if (!empty_cell(bpath)) {
        int made = 0;
        rc = u->o->create_branches ? branch_add(bpath, u->o->now, branch, &made, err, sizeof err)
                                   : branch_resolve(bpath, branch, err, sizeof err);
        if (rc == ZB_ENOTFOUND) {
            missing(u, rec->line, u->field_col[MF_BRANCH], err);
            return false;
        }
        if (rc) {
            problem(u, rec->line, u->field_col[MF_BRANCH], "%s", err);
            return false;
        }
        if (made) {
            char path[BRANCH_PATH_MAX + 1];
            if (branch_path(*branch, path, sizeof path) == ZB_OK)
                change(u, "新建组织 %s（及上级共 %d 个）", path, made);
            u->r->branches_created += made;
        }
        struct branch b;
        if (branch_get(*branch, &b) == ZB_OK && b.level == BRANCH_GROUP) {
            *group = b.id;
            *branch = b.parent_id;
        }
    }
    if (!empty_cell(gname)) {
        if (!*branch) {
            problem(u, rec->line, u->field_col[MF_GROUP], "填了党小组，但没有填所在支部");
            return false;
        }
        char path[BRANCH_PATH_MAX + 1], full[2 * BRANCH_PATH_MAX + 4];
        if (branch_path(*branch, path, sizeof path)) {
            problem(u, rec->line, u->field_col[MF_GROUP], "组织路径太长");
            return false;
        }
        snprintf(full, sizeof full, "%s/%s", path, gname);
        int64_t g = 0;
        int made = 0;
        rc = u->o->create_branches ? branch_add(full, u->o->now, &g, &made, err, sizeof err)
                                   : branch_resolve(full, &g, err, sizeof err);
        if (rc == ZB_ENOTFOUND) {
            problem(u, rec->line, u->field_col[MF_GROUP],
                    "%s；请先用 zhibu branch add 添加，或导入时加 --create-branches", err);
            return false;
        }
        if (rc) {
            problem(u, rec->line, u->field_col[MF_GROUP], "%s", err);
            return false;
        }
        struct branch b;
        if ((rc = branch_get(g, &b)) || b.level != BRANCH_GROUP || b.parent_id != *branch) {
            problem(u, rec->line, u->field_col[MF_GROUP], "“%s”不是这个支部的党小组", gname);
            return false;
        }
        if (made) {
            change(u, "新建组织 %s", full);
            u->r->branches_created += made;
        }
        if (*group && *group != g) {
            problem(u, rec->line, u->field_col[MF_GROUP], "与支部列中写的党小组不一致");
            return false;
        }
        *group = g;
    }
    return true;
}

/* removed - report that the row is about member m, who was removed from the registry: an
 * import neither brings them back nor makes a second record. */
static void removed(struct run *u, const struct csv_record *rec, int col, const struct member *m)
{
    char when[32];
    textfmt_time(m->left_at, when, sizeof when);
    when[10] = '\0'; /* the date */
    problem(u, rec->line, col,
            "#%lld %s 已于 %s 移出名册；导入不会恢复，也不会再建一条记录，请核对后删去此行",
            (long long)m->id, m->name, when);
}

/*
 * match - the stored member this row is about (0: a new one). false after a problem: the phone
 * belongs to someone of another name (a rename is done with member set, never by an import),
 * or the person was removed from the registry.
 */
static bool match(struct run *u, const struct csv_record *rec, const struct member *nm,
                  bool has_phone, int64_t *id)
{
    *id = 0;
    int rc;
    if (has_phone) {
        rc = member_find_phone(nm->phone, id);
        if (rc == ZB_OK && seen_before(u, *id))
            return true; /* a repeated row: reported as such by the caller */
        if (rc == ZB_OK) {
            struct member old;
            if (member_get(*id, &old)) {
                problem(u, rec->line, -1, "读取数据库失败");
                return false;
            }
            if (old.left_at) {
                removed(u, rec, u->field_col[MF_PHONE], &old);
                return false;
            }
            if (strcmp(old.name, nm->name) != 0) {
                char phone[24];
                member_mask_phone(nm->phone, phone, sizeof phone);
                problem(u, rec->line, u->field_col[MF_NAME],
                        "手机号 %s 已登记为 #%lld %s，与本行姓名“%s”不一致；导入不改名，如确为改名"
                        "请用 zhibu member set %lld --name 修改",
                        phone, (long long)old.id, old.name, nm->name, (long long)old.id);
                return false;
            }
            return true;
        }
        if (rc != ZB_ENOTFOUND) {
            problem(u, rec->line, -1, "读取数据库失败");
            return false;
        }
    }
    int64_t ids[MAX_NAMESAKES];
    size_t n = 0;
    if (member_find_name(nm->name, nm->branch_id, ids, MAX_NAMESAKES, &n)) {
        problem(u, rec->line, -1, "读取数据库失败");
        return false;
    }
    size_t candidates = 0;
    for (size_t i = 0; i < n; i++) {
        struct member old;
        if (member_get(ids[i], &old))
            continue;
        /* with a phone, only a namesake without one can be the same person */
        if (has_phone && old.phone[0])
            continue;
        *id = ids[i];
        candidates++;
    }
    if (candidates > 1) {
        problem(u, rec->line, u->field_col[MF_NAME], "同一组织里有 %zu 名“%s”，请填写手机号以区分",
                candidates, nm->name);
        return false;
    }
    if (!candidates) {
        *id = 0;
        /* the same person, removed: a namesake there without a phone, or with the row's none */
        int64_t gone = 0;
        rc = member_find_removed_name(nm->name, nm->branch_id, &gone);
        if (rc != ZB_OK && rc != ZB_ENOTFOUND) {
            problem(u, rec->line, -1, "读取数据库失败");
            return false;
        }
        struct member old;
        if (rc == ZB_OK && member_get(gone, &old) == ZB_OK && !(has_phone && old.phone[0])) {
            removed(u, rec, u->field_col[MF_NAME], &old);
            return false;
        }
    }
    return true;
}

/* parse_row - the fields a row gives into m (over what m holds), marking given[f]. */
static bool parse_row(struct run *u, const struct csv_record *rec, struct member *m,
                      bool given[MF_COUNT])
{
    bool ok = true;
    for (size_t c = 0; c < rec->n; c++) {
        if (c >= u->n_cols) {
            if (!empty_cell(rec->field[c])) {
                problem(u, rec->line, (int)c,
                        "这一列没有表头（比第一行多出一列），请检查是否多了逗号");
                ok = false;
            }
            continue;
        }
        int f = u->col_field[c];
        if (f < 0 || f == MF_BRANCH || f == MF_GROUP)
            continue;
        if (empty_cell(rec->field[c])) {
            if (f == MF_NAME) {
                problem(u, rec->line, (int)c, "姓名不能为空");
                ok = false;
            }
            continue;
        }
        char err[MEMBER_ERR_MAX];
        if (member_field_set(m, (enum member_field)f, rec->field[c], err, sizeof err)) {
            problem(u, rec->line, (int)c, "%s", err);
            ok = false;
            continue;
        }
        given[f] = true;
    }
    if (u->field_col[MF_NAME] >= 0 && (size_t)u->field_col[MF_NAME] >= rec->n) {
        problem(u, rec->line, u->field_col[MF_NAME], "姓名不能为空");
        ok = false;
    }
    return ok;
}

/* describe - "字段 旧 → 新；…" for the fields that differ between a and b; false when none. */
static bool describe(const struct member *a, const struct member *b, struct buf *out)
{
    bool any = false;
    for (int f = 0; f < MF_COUNT; f++) {
        char va[MEMBER_SHOW_MAX], vb[MEMBER_SHOW_MAX];
        if (member_field_show(a, (enum member_field)f, false, va, sizeof va) ||
            member_field_show(b, (enum member_field)f, false, vb, sizeof vb))
            continue;
        bool differs = strcmp(va, vb) != 0 || (f == MF_PHONE && strcmp(a->phone, b->phone) != 0);
        if (!differs)
            continue;
        say(out, "%s%s %s → %s", any ? "；" : "", member_field_label((enum member_field)f),
            va[0] ? va : "（空）", vb[0] ? vb : "（空）");
        any = true;
    }
    return any;
}

/* take - field f of src into dst (branch and 党小组 are placed by the caller). */
static void take(struct member *dst, const struct member *src, enum member_field f)
{
    switch (f) {
    case MF_NAME:
        memcpy(dst->name, src->name, sizeof dst->name);
        break;
    case MF_PHONE:
        memcpy(dst->phone, src->phone, sizeof dst->phone);
        break;
    case MF_STATUS:
        dst->status = src->status;
        break;
    case MF_CATEGORY:
        dst->category = src->category;
        break;
    case MF_INCOME:
        dst->income_fen = src->income_fen;
        break;
    case MF_POST:
        memcpy(dst->post, src->post, sizeof dst->post);
        break;
    case MF_EDUCATION:
        memcpy(dst->education, src->education, sizeof dst->education);
        break;
    case MF_ROLES:
        dst->roles = src->roles;
        break;
    case MF_JOINED_ON:
        memcpy(dst->joined_on, src->joined_on, sizeof dst->joined_on);
        break;
    case MF_PROBATION_START:
        memcpy(dst->probation_start, src->probation_start, sizeof dst->probation_start);
        break;
    case MF_BIRTH_YEAR:
        dst->birth_year = src->birth_year;
        break;
    case MF_STATS_EXEMPT:
        dst->stats_exempt = src->stats_exempt;
        memcpy(dst->exempt_reason, src->exempt_reason, sizeof dst->exempt_reason);
        break;
    case MF_BRANCH:
    case MF_GROUP:
    case MF_COUNT:
        break;
    }
}

static int audit_roles(struct run *u, const struct member *m, unsigned before)
{
    if (m->roles == before)
        return ZB_OK;
    char a[ROLE_TEXT_MAX], b[ROLE_TEXT_MAX], target[48], detail[512];
    role_names(before, a, sizeof a);
    role_names(m->roles, b, sizeof b);
    snprintf(target, sizeof target, "member:%lld", (long long)m->id);
    snprintf(detail, sizeof detail, "%s：职务 %s → %s（导入）", m->name, a, b);
    return audit_write(u->o->actor, "role", target, detail, u->o->channel, u->o->now);
}

/* row - one member record. ZB_OK also when a problem was reported; ZB_EDB stops the import. */
static int row(struct run *u, const struct csv_record *rec)
{
    struct member nm, old;
    bool given[MF_COUNT] = {false};
    member_init(&nm);
    bool ok = parse_row(u, rec, &nm, given);
    int64_t branch = 0, group = 0;
    if (!place(u, rec, &branch, &group))
        ok = false;
    if (!ok)
        return ZB_OK;
    nm.branch_id = branch;
    nm.group_id = group;

    int64_t id;
    if (!match(u, rec, &nm, given[MF_PHONE], &id))
        return ZB_OK;
    int rc;
    char err[MEMBER_ERR_MAX];
    if (!id) {
        if (member_check(&nm, err, sizeof err)) {
            problem(u, rec->line, -1, "%s", err);
            return ZB_OK;
        }
        rc = member_insert(&nm, u->o->now);
        if (rc == ZB_EBUSY) {
            problem(u, rec->line, u->field_col[MF_PHONE], "手机号已登记在另一名党员名下");
            return ZB_OK;
        }
        if (rc)
            return rc;
        size_t earlier = seen_line(u, nm.id, rec->line);
        (void)earlier; /* a new member cannot have been seen */
        char where[BRANCH_PATH_MAX + 1], phone[24];
        if ((rc = branch_path(nm.group_id ? nm.group_id : nm.branch_id, where, sizeof where)))
            return rc;
        member_mask_phone(nm.phone, phone, sizeof phone);
        change(u, "新增 #%lld %s（%s%s%s）", (long long)nm.id, nm.name,
               where[0] ? where : "未填组织", phone[0] ? "，" : "", phone);
        u->r->added++;
        return audit_roles(u, &nm, 0);
    }

    size_t earlier = seen_line(u, id, rec->line);
    if (earlier) {
        problem(u, rec->line, -1, "与第 %zu 行是同一名党员（%s），请删去重复的一行", earlier,
                given[MF_PHONE] ? "手机号相同" : "同一组织里同名");
        return ZB_OK;
    }
    if ((rc = member_get(id, &old)))
        return rc;
    struct member merged = old;
    for (int f = 0; f < MF_COUNT; f++)
        if (given[f])
            take(&merged, &nm, (enum member_field)f);
    if (branch && branch != old.branch_id) {
        merged.branch_id = branch;
        merged.group_id = 0; /* the old 党小组 belongs to the old organisation */
    }
    if (group)
        merged.group_id = group;
    if (member_check(&merged, err, sizeof err)) {
        problem(u, rec->line, -1, "%s", err);
        return ZB_OK;
    }
    struct buf diff;
    buf_init(&diff, 8192);
    if (!describe(&old, &merged, &diff)) {
        u->r->unchanged++;
        buf_free(&diff);
        return ZB_OK;
    }
    rc = member_update(&merged, u->o->now);
    if (rc == ZB_EBUSY) {
        problem(u, rec->line, u->field_col[MF_PHONE], "手机号已登记在另一名党员名下");
        buf_free(&diff);
        return ZB_OK;
    }
    if (!rc) {
        change(u, "更新 #%lld %s：%s", (long long)id, merged.name, buf_str(&diff));
        u->r->updated++;
        rc = audit_roles(u, &merged, old.roles);
    }
    buf_free(&diff);
    return rc;
}

/* parse_all - every record after the header. ZB_EPARSE (reported) when the CSV breaks. */
static int parse_all(struct run *u, struct csv_reader *cr)
{
    struct csv_record rec;
    bool have_header = false;
    int rc;
    while ((rc = csv_next(cr, &rec)) == ZB_OK) {
        if (blank(&rec))
            continue;
        if (!have_header) {
            have_header = true;
            if (header(u, &rec))
                return ZB_EINVAL;
            continue;
        }
        if ((rc = row(u, &rec)))
            return rc;
    }
    if (rc != ZB_ENOTFOUND) {
        problem(u, cr->err_line, -1, "%s", cr->error ? cr->error : "无法读取");
        return ZB_EPARSE;
    }
    if (!have_header) {
        problem(u, 1, -1, "文件是空的");
        return ZB_EINVAL;
    }
    report_missing(u);
    return ZB_OK;
}

int member_import(const char *data, size_t len, const struct import_opts *o,
                  struct import_report *r)
{
    struct run u;
    memset(&u, 0, sizeof u);
    u.o = o;
    u.r = r;
    buf_init(&u.changes, IMPORT_REPORT_MAX);
    char *text = NULL;
    size_t text_len = 0;
    struct csv_reader cr;
    bool reader = false, tx = false;
    int rc = charset_to_utf8(data, len, 2 * (size_t)CSV_MAX_FILE, &text, &text_len, &r->charset);
    if (rc) {
        say(&r->text, "%s",
            rc == ZB_ETOOBIG ? "文件太大\n"
                             : "无法识别文件编码：请在 Excel 中“另存为”CSV（逗号分隔）或 CSV UTF-8 "
                               "格式\n");
        r->problems++;
        rc = ZB_EPARSE;
        goto done;
    }
    csv_init(&cr, text, text_len);
    reader = true;
    if ((rc = store_begin()))
        goto done;
    tx = true;
    rc = parse_all(&u, &cr);
    if (rc == ZB_OK && r->problems)
        rc = ZB_EINVAL;
    if (rc != ZB_OK)
        goto done;
    char detail[256];
    snprintf(detail, sizeof detail, "新增 %d 人，更新 %d 人，未变 %d 人，新建组织 %d 个（%s）",
             r->added, r->updated, r->unchanged, r->branches_created, charset_name(r->charset));
    if ((rc = audit_write(o->actor, "import", o->source_name, detail, o->channel, o->now)))
        goto done;
    if (buf_appendz(&r->text, buf_str(&u.changes))) {
        rc = ZB_ETOOBIG;
        goto done;
    }
    if (o->dry_run) {
        store_rollback();
    } else if ((rc = store_commit())) {
        tx = false;
        goto done;
    }
    tx = false;
done:
    if (tx)
        store_rollback();
    if (r->problems > IMPORT_MAX_PROBLEMS)
        say(&r->text, "……还有 %d 个问题没有列出\n", r->problems - IMPORT_MAX_PROBLEMS);
    if (reader)
        csv_free(&cr);
    free(text);
    free(u.seen);
    free(u.miss);
    buf_free(&u.changes);
    return rc;
}
