/*
 * member_names.c - names for the member ids of a listing, loaded in one query (member_names.h).
 * Part of the member registry: it reads the members table (and the names of the branches).
 */
#include "bot/org/member_names.h"

#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

#include "bot/base/buf.h"
#include "bot/base/textfmt.h"
#include "bot/base/xmalloc.h"
#include "bot/org/member.h"
#include "bot/store/store.h"

#define BRANCH_NAME_MAX 256 /* bytes of a branch's own name kept for display */
#define IDS_JSON_MAX    (MEMBER_NAMES_MAX * 21 + 2)

/* ids are bound as one JSON array: one statement whatever the count, no SQL built from input */
static const char sql_load[] =
    "SELECT m.id, m.name, coalesce(m.phone, ''), coalesce(b.name, ''), m.left_at IS NOT NULL "
    "FROM members m LEFT JOIN branches b ON b.id = m.branch_id "
    "WHERE m.id IN (SELECT value FROM json_each(?1))";
static const char sql_one[] =
    "SELECT m.id, m.name, coalesce(m.phone, ''), coalesce(b.name, ''), m.left_at IS NOT NULL "
    "FROM members m LEFT JOIN branches b ON b.id = m.branch_id WHERE m.id = ?1";

struct name_row {
    int64_t id;                       /* the member */
    bool found;                       /* the row exists */
    bool left;                        /* removed from the registry */
    char name[MEMBER_NAME_MAX + 1];   /* 李建国 */
    char phone[MEMBER_PHONE_MAX + 1]; /* digits, "" unknown */
    char branch[BRANCH_NAME_MAX + 1]; /* the branch's own name, "" none */
};

struct member_names {
    struct name_row *rows; /* the ids added, up to MEMBER_NAMES_MAX */
    size_t n;              /* rows used */
};

struct member_names *member_names_new(void)
{
    struct member_names *s = xcalloc(1, sizeof *s);
    s->rows = xcalloc(MEMBER_NAMES_MAX, sizeof *s->rows);
    return s;
}

void member_names_free(struct member_names *s)
{
    if (!s)
        return;
    free(s->rows);
    free(s);
}

static struct name_row *find(struct member_names *s, int64_t id)
{
    for (size_t i = 0; i < s->n; i++)
        if (s->rows[i].id == id)
            return &s->rows[i];
    return NULL;
}

void member_names_add(struct member_names *s, int64_t id)
{
    if (id < 1 || s->n >= MEMBER_NAMES_MAX || find(s, id))
        return;
    s->rows[s->n++] = (struct name_row){.id = id};
}

static void fill(struct name_row *r, sqlite3_stmt *st)
{
    r->found = true;
    snprintf(r->name, sizeof r->name, "%s", store_text(st, 1));
    snprintf(r->phone, sizeof r->phone, "%s", store_text(st, 2));
    snprintf(r->branch, sizeof r->branch, "%s", store_text(st, 3));
    r->left = sqlite3_column_int(st, 4) != 0;
}

int member_names_load(struct member_names *s)
{
    if (s->n == 0)
        return ZB_OK;
    struct buf b;
    buf_init(&b, IDS_JSON_MAX);
    int rc = buf_appendz(&b, "[");
    for (size_t i = 0; !rc && i < s->n; i++)
        rc = buf_appendf(&b, "%s%lld", i ? "," : "", (long long)s->rows[i].id);
    if (!rc)
        rc = buf_appendz(&b, "]");
    sqlite3_stmt *st = rc ? NULL : store_stmt(sql_load);
    if (!rc && !st)
        rc = ZB_EDB;
    if (rc)
        goto done;
    sqlite3_bind_text(st, 1, buf_str(&b), -1, SQLITE_STATIC);
    int step;
    while ((step = sqlite3_step(st)) == SQLITE_ROW) {
        struct name_row *r = find(s, sqlite3_column_int64(st, 0));
        if (r)
            fill(r, st);
    }
    sqlite3_reset(st);
    rc = step == SQLITE_DONE ? ZB_OK : ZB_EDB;
done:
    buf_free(&b);
    return rc;
}

/* lookup_one - an id beyond the set's capacity, read on its own into r. */
static void lookup_one(int64_t id, struct name_row *r)
{
    *r = (struct name_row){.id = id};
    sqlite3_stmt *st = store_stmt(sql_one);
    if (!st)
        return;
    sqlite3_bind_int64(st, 1, id);
    if (sqlite3_step(st) == SQLITE_ROW)
        fill(r, st);
    sqlite3_reset(st);
}

void member_names_print(FILE *f, struct member_names *s, int64_t id, bool phone, bool unmask)
{
    if (id < 1)
        return;
    struct name_row one, *r = find(s, id);
    if (!r) {
        lookup_one(id, &one);
        r = &one;
    }
    if (!r->found) {
        fputs("（无此党员）", f);
        return;
    }
    textfmt_clean(f, r->name);
    if (*r->branch) {
        fputs("（", f);
        textfmt_clean(f, r->branch);
        fputs("）", f);
    }
    if (r->left)
        fputs("（已移出）", f);
    if (phone) {
        char masked[MEMBER_PHONE_MAX + 8];
        if (!unmask)
            member_mask_phone(r->phone, masked, sizeof masked);
        fprintf(f, " 电话 %s", !*r->phone ? "未登记" : unmask ? r->phone : masked);
    }
}
