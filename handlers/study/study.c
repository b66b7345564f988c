/*
 * study.c - study items: the rules and the SQL of the tables the study capability owns
 * (see study.h): items and their versions, review steps, reads, subscriptions and digests.
 */
#include "handlers/study/study.h"

#include <assert.h>
#include <cjson/cJSON.h>
#include <dirent.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "bot/base/clock.h"
#include "bot/base/log.h"
#include "bot/base/xmalloc.h"
#include "bot/delivery/notify.h"
#include "bot/org/audit.h"
#include "bot/org/branch.h"
#include "bot/org/member.h"
#include "bot/store/store.h"
#include "handlers/todo/todo.h"

static const char *const study_steps[] = {
    /* 1: items, their versions, review steps, reads, subscriptions, digests sent, offers. */
    "CREATE TABLE study_items ("
    "  id INTEGER PRIMARY KEY,"
    "  org_id INTEGER NOT NULL," /* branches(id) */
    "  slug TEXT NOT NULL,"
    "  status TEXT NOT NULL CHECK (status IN "
    "    ('draft', 'in_review', 'published', 'rejected', 'retired')),"
    "  version INTEGER NOT NULL,"
    "  author_id INTEGER NOT NULL,"
    "  reviewer1_id INTEGER, reviewer2_id INTEGER,"
    "  title TEXT NOT NULL, date TEXT NOT NULL, tags TEXT NOT NULL, audience TEXT NOT NULL,"
    "  summary TEXT NOT NULL, source TEXT NOT NULL, body TEXT NOT NULL,"
    "  created_at INTEGER NOT NULL, published_at INTEGER,"
    "  UNIQUE (org_id, slug));"
    "CREATE INDEX study_items_pub ON study_items(published_at) WHERE status = 'published';"
    "CREATE TABLE study_versions ("
    "  item_id INTEGER NOT NULL, version INTEGER NOT NULL, author_id INTEGER NOT NULL,"
    "  title TEXT NOT NULL, header TEXT NOT NULL, body TEXT NOT NULL, created_at INTEGER NOT NULL,"
    "  PRIMARY KEY (item_id, version));"
    "CREATE TABLE study_reviews ("
    "  id INTEGER PRIMARY KEY, item_id INTEGER NOT NULL, version INTEGER NOT NULL,"
    "  level INTEGER NOT NULL, opened_at INTEGER NOT NULL);"
    "CREATE TABLE study_reads ("
    "  member_id INTEGER NOT NULL, item_id INTEGER NOT NULL, read_at INTEGER NOT NULL,"
    "  day TEXT NOT NULL, points INTEGER NOT NULL, channel TEXT NOT NULL,"
    "  PRIMARY KEY (member_id, item_id));"
    "CREATE INDEX study_reads_day ON study_reads(member_id, day);"
    "CREATE TABLE study_subs (member_id INTEGER PRIMARY KEY, updated_at INTEGER NOT NULL);"
    "CREATE TABLE study_digests ("
    "  member_id INTEGER NOT NULL, day TEXT NOT NULL, sent_at INTEGER NOT NULL,"
    "  PRIMARY KEY (member_id, day));"
    "CREATE TABLE study_offers (member_id INTEGER PRIMARY KEY, item_id INTEGER NOT NULL);",
};

const struct migration_set study_migrations = {"study", study_steps,
                                               sizeof study_steps / sizeof study_steps[0]};

const struct role_action study_import_action = {"study.import", ROLE_ELECTED, false,
                                                "只有支委委员可以导入学习内容。"};
const struct role_action study_manage_action = {"study.manage",
                                                ROLE_SECRETARY | ROLE_DEPUTY | ROLE_PUBLICITY, true,
                                                "只有书记、副书记或宣传委员可以管理学习内容。"};
static const struct role_action review_action = {"study.review", ROLE_SECRETARY | ROLE_PUBLICITY,
                                                 false, "只有宣传委员或书记可以审核学习内容。"};

/* ---- settings ---- */

struct tagdef {
    char name[STUDY_TAGS_MAX + 1];
    unsigned categories;             /* bits of enum member_category */
    char *post[STUDY_TAG_WORDS_MAX]; /* words in the post */
    char *edu[STUDY_TAG_WORDS_MAX];  /* words in the education */
    size_t npost, nedu;
};

static struct {
    struct study_config c;
    char *sensitive_path, *audiences_json, *digest_time;
    struct tagdef tags[STUDY_TAG_DEFS_MAX];
    size_t ntags;
    struct sensitive *words;
    study_record_fn hooks[STUDY_HOOKS_MAX];
    size_t nhooks;
} S = {.c = {1, "", "{}", "07:30", 5}};

void study_reset(void)
{
    for (size_t i = 0; i < S.ntags; i++) {
        for (size_t j = 0; j < S.tags[i].npost; j++)
            free(S.tags[i].post[j]);
        for (size_t j = 0; j < S.tags[i].nedu; j++)
            free(S.tags[i].edu[j]);
    }
    sensitive_free(S.words);
    free(S.sensitive_path);
    free(S.audiences_json);
    free(S.digest_time);
    memset(&S, 0, sizeof S);
    S.c = (struct study_config){1, "", "{}", "07:30", 5};
}

const struct study_config *study_settings(void)
{
    return &S.c;
}

static int words_of(const cJSON *arr, char **out, size_t *n, const char *tag, const char *key,
                    char *err, size_t errsz)
{
    const cJSON *w;
    cJSON_ArrayForEach(w, arr)
    {
        if (!cJSON_IsString(w) || !*w->valuestring || strlen(w->valuestring) > 64 ||
            *n == STUDY_TAG_WORDS_MAX) {
            snprintf(err, errsz,
                     "key \"study.audiences.%s.%s\": words are non-empty strings, "
                     "at most %d",
                     tag, key, STUDY_TAG_WORDS_MAX);
            return ZB_ECONFIG;
        }
        out[(*n)++] = xstrdup(w->valuestring);
    }
    return ZB_OK;
}

static int audiences_parse(const char *json, char *err, size_t errsz)
{
    cJSON *root = cJSON_Parse(json && *json ? json : "{}");
    int rc = ZB_ECONFIG;
    if (!cJSON_IsObject(root)) {
        snprintf(err, errsz, "key \"study.audiences\": expected an object");
        goto done;
    }
    const cJSON *t;
    cJSON_ArrayForEach(t, root)
    {
        if (S.ntags == STUDY_TAG_DEFS_MAX || strlen(t->string) > 60 || !cJSON_IsObject(t)) {
            snprintf(err, errsz, "key \"study.audiences.%.60s\": an object per tag, at most %d",
                     t->string, STUDY_TAG_DEFS_MAX);
            goto done;
        }
        struct tagdef *d = &S.tags[S.ntags++];
        snprintf(d->name, sizeof d->name, "%s", t->string);
        const cJSON *f;
        cJSON_ArrayForEach(f, t)
        {
            if (!cJSON_IsArray(f))
                goto bad;
            if (strcmp(f->string, "post_words") == 0) {
                if (words_of(f, d->post, &d->npost, d->name, f->string, err, errsz))
                    goto done;
            } else if (strcmp(f->string, "education_words") == 0) {
                if (words_of(f, d->edu, &d->nedu, d->name, f->string, err, errsz))
                    goto done;
            } else if (strcmp(f->string, "categories") == 0) {
                const cJSON *w;
                cJSON_ArrayForEach(w, f)
                {
                    int c = 0;
                    while (c < CAT_COUNT && !(cJSON_IsString(w) &&
                                              strcmp(member_category_name(c), w->valuestring) == 0))
                        c++;
                    if (c == CAT_COUNT) {
                        snprintf(err, errsz,
                                 "key \"study.audiences.%s.categories\": unknown category",
                                 d->name);
                        goto done;
                    }
                    d->categories |= 1u << c;
                }
            } else {
            bad:
                snprintf(err, errsz,
                         "key \"study.audiences.%s.%.40s\": expected post_words, education_words "
                         "or categories (arrays)",
                         d->name, f->string);
                goto done;
            }
        }
    }
    rc = ZB_OK;
done:
    cJSON_Delete(root);
    return rc;
}

int study_configure(const struct study_config *c, char *err, size_t errsz)
{
    study_record_fn hooks[STUDY_HOOKS_MAX];
    size_t nhooks = S.nhooks;
    memcpy(hooks, S.hooks, sizeof hooks);
    study_reset();
    memcpy(S.hooks, hooks, sizeof hooks);
    S.nhooks = nhooks;
    if (c->review_levels < 1 || c->review_levels > 2) {
        snprintf(err, errsz, "key \"content.review_levels\": 1 or 2");
        return ZB_ECONFIG;
    }
    int hh = -1, mm = -1;
    const char *dt = c->digest_time ? c->digest_time : "07:30";
    if (strlen(dt) != 5 || sscanf(dt, "%2d:%2d", &hh, &mm) != 2 || hh < 0 || hh > 23 || mm < 0 ||
        mm > 59) {
        snprintf(err, errsz, "key \"study.digest_time\": HH:MM, e.g. \"07:30\"");
        return ZB_ECONFIG;
    }
    S.sensitive_path = xstrdup(c->sensitive_path ? c->sensitive_path : "");
    S.audiences_json = xstrdup(c->audiences_json ? c->audiences_json : "{}");
    S.digest_time = xstrdup(dt);
    S.c = (struct study_config){c->review_levels, S.sensitive_path, S.audiences_json, S.digest_time,
                                c->points_cap};
    int rc = audiences_parse(S.audiences_json, err, errsz);
    if (rc)
        return rc;
    if (*S.sensitive_path) {
        char why[256] = "";
        S.words = sensitive_load(S.sensitive_path, why, sizeof why);
        if (!S.words) {
            snprintf(err, errsz, "key \"content.sensitive_words\": %s: %s", S.sensitive_path, why);
            return ZB_ECONFIG;
        }
        log_info("study: %zu sensitive words loaded", sensitive_count(S.words));
    }
    return ZB_OK;
}

int study_record_register(study_record_fn fn)
{
    if (S.nhooks == STUDY_HOOKS_MAX)
        return ZB_ETOOBIG;
    S.hooks[S.nhooks++] = fn;
    return ZB_OK;
}

/* ---- sensitive words ---- */

int study_check_text(const char *text, size_t len, struct sensitive_hit *hits, size_t max,
                     size_t *n)
{
    *n = 0;
    if (!S.words)
        return ZB_OK;
    size_t total = 0;
    if (sensitive_scan(S.words, text, len, hits, max, n, &total))
        return ZB_EINVAL;
    return total ? ZB_EDENIED : ZB_OK;
}

void study_describe_hits(const char *text, const struct sensitive_hit *hits, size_t n, char *out,
                         size_t outsz)
{
    size_t o = 0;
    out[0] = '\0';
    for (size_t i = 0; i < n && o < outsz; i++) {
        int w = snprintf(out + o, outsz - o, "%s“%.*s”（第 %zu 字）", i ? "、" : "",
                         (int)(hits[i].end - hits[i].start), text + hits[i].start, hits[i].pos + 1);
        if (w < 0)
            break;
        o += (size_t)w;
    }
}

/* ---- parsing files ---- */

static int read_file(const char *path, char **out, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return ZB_EIO;
    size_t cap = STUDY_BODY_MAX + 16 * 1024, n = 0;
    char *b = xmalloc(cap + 1);
    n = fread(b, 1, cap + 1, f);
    int rc = ferror(f) ? ZB_EIO : n > cap ? ZB_ETOOBIG : ZB_OK;
    fclose(f);
    if (rc) {
        free(b);
        return rc;
    }
    b[n] = '\0';
    *out = b;
    *len = n;
    return ZB_OK;
}

static bool ends_md(const char *name)
{
    size_t n = strlen(name);
    return n > 3 && strcmp(name + n - 3, ".md") == 0;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* collect - the .md files of path (a file or a folder) appended to files. */
static int collect(const char *path, char **files, size_t *n, char *err, size_t errsz)
{
    struct stat st;
    if (stat(path, &st) != 0) {
        snprintf(err, errsz, "%s：找不到这个文件或目录", path);
        return ZB_EIO;
    }
    if (!S_ISDIR(st.st_mode)) {
        if (*n == STUDY_FILES_MAX)
            goto toomany;
        files[(*n)++] = xstrdup(path);
        return ZB_OK;
    }
    DIR *d = opendir(path);
    if (!d) {
        snprintf(err, errsz, "%s：无法打开目录", path);
        return ZB_EIO;
    }
    size_t first = *n;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.' || !ends_md(e->d_name))
            continue;
        if (*n == STUDY_FILES_MAX) {
            closedir(d);
            goto toomany;
        }
        size_t len = strlen(path) + strlen(e->d_name) + 2;
        char *p = xmalloc(len);
        snprintf(p, len, "%s%s%s", path, path[strlen(path) - 1] == '/' ? "" : "/", e->d_name);
        files[(*n)++] = p;
    }
    closedir(d);
    qsort(files + first, *n - first, sizeof *files, cmp_str);
    return ZB_OK;
toomany:
    snprintf(err, errsz, "一次最多导入 %d 个文件", STUDY_FILES_MAX);
    return ZB_ETOOBIG;
}

static bool tag_known(const char *t, size_t n)
{
    for (size_t i = 0; i < S.ntags; i++)
        if (strlen(S.tags[i].name) == n && strncmp(S.tags[i].name, t, n) == 0)
            return true;
    return false;
}

/* slug_of - the file name without folder and .md, [A-Za-z0-9_-] only. */
static bool slug_of(const char *path, char *out, size_t outsz)
{
    const char *b = strrchr(path, '/');
    b = b ? b + 1 : path;
    size_t n = strlen(b);
    if (ends_md(b))
        n -= 3;
    if (!n || n >= outsz || n > STUDY_SLUG_MAX)
        return false;
    for (size_t i = 0; i < n; i++) {
        char c = b[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '_'))
            return false;
    }
    memcpy(out, b, n);
    out[n] = '\0';
    return true;
}

/* parse_one - one file into *d; err names the file and line. */
static int parse_one(const char *path, struct study_draft *d, char *err, size_t errsz)
{
    char *text = NULL, why[STUDY_ERR_MAX];
    size_t len = 0;
    int line = 0, rc;
    snprintf(d->path, sizeof d->path, "%s", path);
    if (!slug_of(path, d->slug, sizeof d->slug)) {
        snprintf(err, errsz, "%s：文件名只能用字母、数字、- 和 _，以 .md 结尾", path);
        return ZB_EINVAL;
    }
    rc = read_file(path, &text, &len);
    if (rc) {
        snprintf(err, errsz, "%s：%s", path, rc == ZB_ETOOBIG ? "文件太大" : "无法读取");
        return rc;
    }
    rc = study_header_parse(text, len, &d->h, &line, why, sizeof why);
    if (rc) {
        if (line)
            snprintf(err, errsz, "%s 第 %d 行：%s", path, line, why);
        else
            snprintf(err, errsz, "%s：%s", path, why);
        goto done;
    }
    /* every audience tag must be in the vocabulary */
    for (const char *t = d->h.audience; *t;) {
        const char *c = strchr(t, ',');
        size_t n = c ? (size_t)(c - t) : strlen(t);
        if (!tag_known(t, n)) {
            snprintf(err, errsz, "%s：audience 里的“%.*s”不在配置 study.audiences 中", path,
                     (int)(n > 60 ? 60 : n), t);
            rc = ZB_EINVAL;
            goto done;
        }
        t += n + (c ? 1 : 0);
    }
    d->body = xmalloc(d->h.body_len + 1);
    memcpy(d->body, text + d->h.body_off, d->h.body_len);
    d->body[d->h.body_len] = '\0';
    /* sensitive words anywhere a member reads */
    const char *parts[] = {d->h.title, d->h.summary, d->body};
    for (int i = 0; i < 3; i++) {
        struct sensitive_hit hits[STUDY_HITS_MAX];
        size_t nh = 0;
        if (study_check_text(parts[i], strlen(parts[i]), hits, STUDY_HITS_MAX, &nh)) {
            char desc[STUDY_ERR_MAX];
            study_describe_hits(parts[i], hits, nh, desc, sizeof desc);
            snprintf(err, errsz, "%s：%s含有敏感词：%s", path,
                     i == 0   ? "标题"
                     : i == 1 ? "摘要"
                              : "正文",
                     desc);
            rc = ZB_EDENIED;
            goto done;
        }
    }
    rc = ZB_OK;
done:
    free(text);
    return rc;
}

void study_drafts_free(struct study_draft *d, size_t n)
{
    for (size_t i = 0; d && i < n; i++)
        free(d[i].body);
    free(d);
}

int study_parse(const char *const *paths, size_t npaths, struct study_draft **drafts, size_t *n,
                char *err, size_t errsz)
{
    char **files = xcalloc(STUDY_FILES_MAX, sizeof *files);
    size_t nf = 0;
    struct study_draft *d = NULL;
    int rc = ZB_OK;
    *drafts = NULL;
    *n = 0;
    for (size_t i = 0; i < npaths && !rc; i++)
        rc = collect(paths[i], files, &nf, err, errsz);
    if (rc)
        goto done;
    if (!nf) {
        snprintf(err, errsz, "没有找到 .md 文件");
        rc = ZB_ENOTFOUND;
        goto done;
    }
    d = xcalloc(nf, sizeof *d);
    for (size_t i = 0; i < nf; i++) {
        rc = parse_one(files[i], &d[i], err, errsz);
        if (rc)
            goto done;
        for (size_t j = 0; j < i; j++)
            if (strcmp(d[j].slug, d[i].slug) == 0) {
                snprintf(err, errsz, "%s：与 %s 同名，名字不能重复", files[i], d[j].path);
                rc = ZB_EINVAL;
                goto done;
            }
    }
    *drafts = d;
    *n = nf;
    d = NULL;
done:
    study_drafts_free(d, nf);
    for (size_t i = 0; i < nf; i++)
        free(files[i]);
    free(files);
    return rc;
}

/* ---- items ---- */

static const char *const status_ids[] = {"draft", "in_review", "published", "rejected", "retired"};
static const char *const status_names[] = {"草稿", "审核中", "已发布", "已退回", "已下线"};

const char *study_status_name(enum study_status s)
{
    return (unsigned)s <= STUDY_RETIRED ? status_names[s] : "?";
}

static enum study_status status_parse(const char *s)
{
    for (int i = 0; i <= STUDY_RETIRED; i++)
        if (strcmp(s, status_ids[i]) == 0)
            return (enum study_status)i;
    return STUDY_DRAFT;
}

#define ITEM_COLS                                                                                  \
    "id, org_id, slug, status, version, author_id, coalesce(reviewer1_id, 0), "                    \
    "coalesce(reviewer2_id, 0), title, date, tags, audience, summary, source, created_at, "        \
    "coalesce(published_at, 0)"

static const char sql_item[] = "SELECT " ITEM_COLS ", body FROM study_items WHERE id=?1";
static const char sql_items[] = "SELECT " ITEM_COLS " FROM study_items ORDER BY id DESC";
static const char sql_published[] = "SELECT " ITEM_COLS " FROM study_items WHERE "
                                    "status='published' ORDER BY published_at DESC, id DESC "
                                    "LIMIT ?1";
static const char sql_by_slug[] =
    "SELECT id, status, version, title, date, tags, audience, summary, source, body "
    "FROM study_items WHERE org_id=?1 AND slug=?2";
static const char sql_insert[] =
    "INSERT INTO study_items(org_id, slug, status, version, author_id, title, date, tags, "
    "audience, summary, source, body, created_at) "
    "VALUES(?1, ?2, 'in_review', 1, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)";
static const char sql_revise[] =
    "UPDATE study_items SET status='in_review', version=version+1, author_id=?2, "
    "reviewer1_id=NULL, reviewer2_id=NULL, title=?3, date=?4, tags=?5, audience=?6, summary=?7, "
    "source=?8, body=?9, published_at=NULL WHERE id=?1";
static const char sql_version[] =
    "INSERT INTO study_versions(item_id, version, author_id, title, header, body, created_at) "
    "SELECT id, version, author_id, title, "
    "date || char(10) || tags || char(10) || audience || char(10) || summary || char(10) || "
    "source, body, ?2 FROM study_items WHERE id=?1";
static const char sql_review_new[] =
    "INSERT INTO study_reviews(item_id, version, level, opened_at) "
    "SELECT id, version, ?2, ?3 FROM study_items WHERE id=?1";
static const char sql_review_get[] =
    "SELECT item_id, version, level FROM study_reviews WHERE id=?1";
static const char sql_set_status[] = "UPDATE study_items SET status=?2 WHERE id=?1";
static const char sql_sign1[] = "UPDATE study_items SET reviewer1_id=?2 WHERE id=?1";
static const char sql_publish[] =
    "UPDATE study_items SET status='published', published_at=?2, "
    "reviewer1_id=coalesce(reviewer1_id, ?3), reviewer2_id=?4 WHERE id=?1";

static void bind_text(sqlite3_stmt *st, int i, const char *s)
{
    sqlite3_bind_text(st, i, s, -1, SQLITE_STATIC);
}

static void row_item(sqlite3_stmt *st, struct study_item *it)
{
    memset(it, 0, sizeof *it);
    it->id = sqlite3_column_int64(st, 0);
    it->org_id = sqlite3_column_int64(st, 1);
    snprintf(it->slug, sizeof it->slug, "%s", store_text(st, 2));
    it->status = status_parse(store_text(st, 3));
    it->version = sqlite3_column_int(st, 4);
    it->author_id = sqlite3_column_int64(st, 5);
    it->reviewer1_id = sqlite3_column_int64(st, 6);
    it->reviewer2_id = sqlite3_column_int64(st, 7);
    snprintf(it->h.title, sizeof it->h.title, "%s", store_text(st, 8));
    snprintf(it->h.date, sizeof it->h.date, "%s", store_text(st, 9));
    snprintf(it->h.tags, sizeof it->h.tags, "%s", store_text(st, 10));
    snprintf(it->h.audience, sizeof it->h.audience, "%s", store_text(st, 11));
    snprintf(it->h.summary, sizeof it->h.summary, "%s", store_text(st, 12));
    snprintf(it->h.source, sizeof it->h.source, "%s", store_text(st, 13));
    it->created_at = sqlite3_column_int64(st, 14);
    it->published_at = sqlite3_column_int64(st, 15);
}

void study_item_clear(struct study_item *it)
{
    free(it->body);
    it->body = NULL;
}

int study_get(int64_t id, struct study_item *out)
{
    memset(out, 0, sizeof *out);
    sqlite3_stmt *st = store_stmt(sql_item);
    if (!st)
        return ZB_EDB;
    sqlite3_bind_int64(st, 1, id);
    int s = sqlite3_step(st);
    if (s == SQLITE_ROW) {
        row_item(st, out);
        out->body = xstrdup(store_text(st, 16));
    }
    sqlite3_reset(st);
    return s == SQLITE_ROW ? ZB_OK : s == SQLITE_DONE ? ZB_ENOTFOUND : ZB_EDB;
}

int study_each(int64_t root, int (*fn)(const struct study_item *it, void *arg), void *arg)
{
    sqlite3_stmt *st = store_stmt(sql_items);
    if (!st)
        return ZB_EDB;
    struct study_item *rows = xcalloc(STUDY_LIST_MAX, sizeof *rows);
    size_t n = 0;
    int s, rc = ZB_OK;
    while (n < STUDY_LIST_MAX && (s = sqlite3_step(st)) == SQLITE_ROW)
        row_item(st, &rows[n++]);
    if (n < STUDY_LIST_MAX && s != SQLITE_DONE)
        rc = ZB_EDB;
    sqlite3_reset(st);
    for (size_t i = 0; i < n && !rc; i++) {
        bool in = true;
        if (root && branch_within(rows[i].org_id, root, &in)) {
            rc = ZB_EDB;
            break;
        }
        if (in)
            rc = fn(&rows[i], arg);
    }
    free(rows);
    return rc;
}

static int audit_item(const struct actor *a, const char *action, int64_t id, const char *detail,
                      int64_t now)
{
    char target[48];
    snprintf(target, sizeof target, "study:%lld", (long long)id);
    return audit_write(a->label, action, target, detail, a->channel, now);
}

/* open_review - a review step at level for item id's current version, in the inbox. */
static int open_review(int64_t id, int64_t org_id, int64_t author_id, int level, int64_t now)
{
    sqlite3_stmt *st = store_stmt(sql_review_new);
    if (!st)
        return ZB_EDB;
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_int(st, 2, level);
    sqlite3_bind_int64(st, 3, now);
    if (store_exec_done(st))
        return ZB_EDB;
    int64_t did = 0;
    struct todo_new n = {"study", sqlite3_last_insert_rowid(store_db()), org_id, author_id, 0};
    return todo_open(&n, now, &did);
}

static bool same_content(sqlite3_stmt *st, const struct study_draft *d)
{
    const char *f[] = {d->h.title,   d->h.date,   d->h.tags, d->h.audience,
                       d->h.summary, d->h.source, d->body};
    for (int i = 0; i < 7; i++)
        if (strcmp(store_text(st, 3 + i), f[i]) != 0)
            return false;
    return true;
}

static void bind_draft(sqlite3_stmt *st, int first, const struct study_draft *d)
{
    const char *f[] = {d->h.title,   d->h.date,   d->h.tags, d->h.audience,
                       d->h.summary, d->h.source, d->body};
    for (int i = 0; i < 7; i++)
        bind_text(st, first + i, f[i]);
}

int study_import(const struct actor *a, int64_t org_id, const struct study_draft *drafts, size_t n,
                 int64_t now, struct study_import_result *res)
{
    assert(store_in_tx());
    memset(res, 0, sizeof *res);
    if (!actor_is_member(a))
        return ZB_EDENIED;
    if (!org_id) {
        struct member m;
        int rc = member_get(a->member_id, &m);
        if (rc)
            return rc;
        org_id = m.branch_id;
    }
    struct branch b;
    int rc = branch_get(org_id, &b);
    if (rc)
        return rc;
    const char *refusal = NULL;
    rc = role_can(a, &study_import_action, org_id, &refusal);
    if (rc)
        return rc;
    for (size_t i = 0; i < n; i++) {
        const struct study_draft *d = &drafts[i];
        sqlite3_stmt *st = store_stmt(sql_by_slug);
        if (!st)
            return ZB_EDB;
        sqlite3_bind_int64(st, 1, org_id);
        bind_text(st, 2, d->slug);
        int s = sqlite3_step(st);
        int64_t id = 0;
        bool same = false;
        enum study_status old = STUDY_DRAFT;
        if (s == SQLITE_ROW) {
            id = sqlite3_column_int64(st, 0);
            old = status_parse(store_text(st, 1));
            same = same_content(st, d);
        }
        sqlite3_reset(st);
        if (s != SQLITE_ROW && s != SQLITE_DONE)
            return ZB_EDB;
        if (same) {
            res->unchanged++;
            continue;
        }
        if (!id) {
            st = store_stmt(sql_insert);
            if (!st)
                return ZB_EDB;
            sqlite3_bind_int64(st, 1, org_id);
            bind_text(st, 2, d->slug);
            sqlite3_bind_int64(st, 3, a->member_id);
            bind_draft(st, 4, d);
            sqlite3_bind_int64(st, 11, now);
            if (store_exec_done(st))
                return ZB_EDB;
            id = sqlite3_last_insert_rowid(store_db());
            res->added++;
        } else {
            st = store_stmt(sql_revise);
            if (!st)
                return ZB_EDB;
            sqlite3_bind_int64(st, 1, id);
            sqlite3_bind_int64(st, 2, a->member_id);
            bind_draft(st, 3, d);
            if (store_exec_done(st))
                return ZB_EDB;
            res->revised++;
        }
        st = store_stmt(sql_version);
        if (!st)
            return ZB_EDB;
        sqlite3_bind_int64(st, 1, id);
        sqlite3_bind_int64(st, 2, now);
        if (store_exec_done(st))
            return ZB_EDB;
        char detail[STUDY_TITLE_MAX + 64];
        snprintf(detail, sizeof detail, "%s《%s》，提交审核", old == STUDY_DRAFT ? "导入" : "修订",
                 d->h.title);
        /* an item already in review keeps its open step; the approver signs the new version */
        if ((old != STUDY_IN_REVIEW && (rc = open_review(id, org_id, a->member_id, 1, now))) ||
            (rc = audit_item(a, "study.submit", id, detail, now)))
            return rc;
    }
    return ZB_OK;
}

int study_retire(const struct actor *a, int64_t id, int64_t now)
{
    assert(store_in_tx());
    struct study_item it;
    int rc = study_get(id, &it);
    if (rc)
        return rc;
    const char *refusal = NULL;
    if ((rc = role_can(a, &study_manage_action, it.org_id, &refusal)))
        goto done;
    if (it.status != STUDY_PUBLISHED) {
        rc = ZB_EDONE;
        goto done;
    }
    sqlite3_stmt *st = store_stmt(sql_set_status);
    if (!st) {
        rc = ZB_EDB;
        goto done;
    }
    sqlite3_bind_int64(st, 1, id);
    bind_text(st, 2, "retired");
    rc = store_exec_done(st) ? ZB_EDB : audit_item(a, "study.retire", id, it.h.title, now);
done:
    study_item_clear(&it);
    return rc;
}

/* ---- review ---- */

int study_review_may(const struct actor *a, int64_t author_id, int64_t org_id, int level,
                     int64_t first_reviewer_id)
{
    if (!actor_is_member(a) || a->member_id == author_id ||
        (level == 2 && a->member_id == first_reviewer_id))
        return ZB_EDENIED;
    if (level == 1) {
        const char *refusal = NULL;
        int rc = role_can(a, &review_action, org_id, &refusal);
        return rc == ZB_ENOTFOUND ? ZB_EDENIED : rc;
    }
    if (level != 2)
        return ZB_EDENIED;
    struct member m;
    struct branch b;
    int rc = member_get(a->member_id, &m);
    if (rc)
        return rc == ZB_ENOTFOUND ? ZB_EDENIED : rc;
    if (!(m.roles & (ROLE_SECRETARY | ROLE_DEPUTY)) || !m.branch_id)
        return ZB_EDENIED;
    if (m.branch_id == org_id)
        return ZB_OK;
    if ((rc = branch_get(org_id, &b)))
        return rc == ZB_ENOTFOUND ? ZB_EDENIED : rc;
    return b.parent_id && b.parent_id == m.branch_id ? ZB_OK : ZB_EDENIED;
}

struct review {
    int64_t item_id;
    int version, level;
};

static int review_get(int64_t id, struct review *r)
{
    sqlite3_stmt *st = store_stmt(sql_review_get);
    if (!st)
        return ZB_EDB;
    sqlite3_bind_int64(st, 1, id);
    int s = sqlite3_step(st);
    if (s == SQLITE_ROW) {
        r->item_id = sqlite3_column_int64(st, 0);
        r->version = sqlite3_column_int(st, 1);
        r->level = sqlite3_column_int(st, 2);
    }
    sqlite3_reset(st);
    return s == SQLITE_ROW ? ZB_OK : s == SQLITE_DONE ? ZB_ENOTFOUND : ZB_EDB;
}

static int kind_summary(const struct decision *d, char *out, size_t outsz)
{
    struct review r;
    struct study_item it;
    int rc = review_get(d->object_id, &r);
    if (rc || (rc = study_get(r.item_id, &it)))
        return rc;
    snprintf(out, outsz, "《%s》第 %d 版%s", it.h.title, it.version,
             r.level == 2             ? "（二审）"
             : S.c.review_levels == 2 ? "（一审）"
                                      : "");
    study_item_clear(&it);
    return ZB_OK;
}

static int kind_may(const struct actor *a, const struct decision *d)
{
    struct review r;
    struct study_item it;
    int rc = review_get(d->object_id, &r);
    if (rc || (rc = study_get(r.item_id, &it)))
        return rc == ZB_ENOTFOUND ? ZB_EDENIED : rc;
    rc = study_review_may(a, it.author_id, it.org_id, r.level, it.reviewer1_id);
    study_item_clear(&it);
    return rc;
}

static int kind_approve(const struct actor *a, const struct decision *d)
{
    struct review r;
    struct study_item it;
    int rc = review_get(d->object_id, &r);
    if (rc || (rc = study_get(r.item_id, &it)))
        return rc;
    if (it.status != STUDY_IN_REVIEW) {
        rc = ZB_EDONE;
        goto done;
    }
    /* the rule again, inside the decision: the inbox's check ran on the same rows */
    if ((rc = study_review_may(a, it.author_id, it.org_id, r.level, it.reviewer1_id)))
        goto done;
    char detail[STUDY_TITLE_MAX + 64];
    sqlite3_stmt *st;
    if (r.level == 1 && S.c.review_levels == 2) {
        st = store_stmt(sql_sign1);
        if (!st) {
            rc = ZB_EDB;
            goto done;
        }
        sqlite3_bind_int64(st, 1, it.id);
        sqlite3_bind_int64(st, 2, a->member_id);
        if (store_exec_done(st) ||
            (rc = open_review(it.id, it.org_id, it.author_id, 2, clock_now())))
            goto done;
        snprintf(detail, sizeof detail, "一审通过《%s》第 %d 版，待二审", it.h.title, it.version);
    } else {
        st = store_stmt(sql_publish);
        if (!st) {
            rc = ZB_EDB;
            goto done;
        }
        int64_t now = clock_now();
        sqlite3_bind_int64(st, 1, it.id);
        sqlite3_bind_int64(st, 2, now);
        sqlite3_bind_int64(st, 3, a->member_id);
        if (r.level == 2)
            sqlite3_bind_int64(st, 4, a->member_id);
        else
            sqlite3_bind_null(st, 4);
        if (store_exec_done(st)) {
            rc = ZB_EDB;
            goto done;
        }
        snprintf(detail, sizeof detail, "审核通过并发布《%s》第 %d 版", it.h.title, it.version);
    }
    rc = audit_item(a, "study.approve", it.id, detail, clock_now());
done:
    study_item_clear(&it);
    return rc;
}

int study_return_reason(int64_t id, char *out, size_t outsz, int64_t *by)
{
    out[0] = '\0';
    *by = 0;
    sqlite3_stmt *st = store_stmt("SELECT d.reason, d.decider_id FROM decisions d JOIN "
                                  "study_reviews r ON r.id = d.object_id WHERE d.kind = 'study' "
                                  "AND d.state = 'returned' AND r.item_id = ?1 "
                                  "ORDER BY d.id DESC LIMIT 1");
    if (!st)
        return ZB_EDB;
    sqlite3_bind_int64(st, 1, id);
    int step = sqlite3_step(st);
    if (step == SQLITE_ROW) {
        snprintf(out, outsz, "%s", store_text(st, 0));
        *by = sqlite3_column_int64(st, 1);
    }
    sqlite3_reset(st);
    return step == SQLITE_ROW || step == SQLITE_DONE ? ZB_OK : ZB_EDB;
}

static int kind_return(const struct actor *a, const struct decision *d, const char *reason)
{
    struct review r;
    struct study_item it;
    int rc = review_get(d->object_id, &r);
    if (rc || (rc = study_get(r.item_id, &it)))
        return rc;
    sqlite3_stmt *st = store_stmt(sql_set_status);
    if (!st) {
        rc = ZB_EDB;
        goto done;
    }
    sqlite3_bind_int64(st, 1, it.id);
    bind_text(st, 2, "rejected");
    char detail[STUDY_TITLE_MAX + TODO_REASON_MAX + 64];
    snprintf(detail, sizeof detail, "退回《%s》第 %d 版：%s", it.h.title, it.version, reason);
    rc = store_exec_done(st) ? ZB_EDB : audit_item(a, "study.return", it.id, detail, clock_now());
    if (rc || it.author_id <= 0)
        goto done;
    /* the author learns it was returned and why: nowhere else would they see the reason */
    char key[64], text[STUDY_TITLE_MAX + TODO_REASON_MAX + 160];
    snprintf(key, sizeof key, "study:decision:%lld:returned", (long long)d->id);
    snprintf(text, sizeof text,
             "您的学习内容《%s》第 %d 版被退回：%s\n请修改后重新导入（编号 %lld）。", it.h.title,
             it.version, reason, (long long)it.id);
    struct notify_fields f = {.title = "学习内容被退回", .status = "已退回", .text = text};
    rc = notify_send(it.author_id, "study.returned", NOTIFY_URGENT, key, &f, NULL);
done:
    study_item_clear(&it);
    return rc;
}

const struct decision_kind study_decision_kind = {
    .id = "study",
    .label = "学习内容审核",
    .summary = kind_summary,
    .may_decide = kind_may,
    .on_approve = kind_approve,
    .on_return = kind_return,
    .two_person = true,
};

/* ---- targeting ---- */

static bool tag_covers(const struct tagdef *t, const struct member *m)
{
    if (t->categories & (1u << m->category))
        return true;
    for (size_t i = 0; i < t->npost; i++)
        if (strstr(m->post, t->post[i]))
            return true;
    for (size_t i = 0; i < t->nedu; i++)
        if (strstr(m->education, t->edu[i]))
            return true;
    return false;
}

/* aimed - whether item (org, audience) is for member m. */
static int aimed(int64_t org_id, const char *audience, const struct member *m, bool *yes)
{
    *yes = false;
    if (!m->branch_id)
        return ZB_OK;
    bool in = false;
    if (branch_within(m->branch_id, org_id, &in))
        return ZB_EDB;
    if (!in)
        return ZB_OK;
    if (!*audience) {
        *yes = true;
        return ZB_OK;
    }
    for (const char *t = audience; *t && !*yes;) {
        const char *c = strchr(t, ',');
        size_t n = c ? (size_t)(c - t) : strlen(t);
        for (size_t i = 0; i < S.ntags; i++)
            if (strlen(S.tags[i].name) == n && strncmp(S.tags[i].name, t, n) == 0 &&
                tag_covers(&S.tags[i], m))
                *yes = true;
        t += n + (c ? 1 : 0);
    }
    return ZB_OK;
}

int study_reaches(const struct study_item *it, int64_t member_id, bool *yes)
{
    struct member m;
    int rc = member_get(member_id, &m);
    return rc ? rc : aimed(it->org_id, it->h.audience, &m, yes);
}

struct aud_walk {
    const struct study_item *it;
    int (*fn)(int64_t, const char *, void *);
    void *arg;
};

static int aud_one(const struct member *m, void *arg)
{
    struct aud_walk *w = arg;
    bool yes = false;
    int rc = aimed(w->it->org_id, w->it->h.audience, m, &yes);
    return rc ? rc : yes ? w->fn(m->id, m->name, w->arg) : ZB_OK;
}

int study_audience_each(const struct study_item *it,
                        int (*fn)(int64_t member_id, const char *name, void *arg), void *arg)
{
    struct aud_walk w = {it, fn, arg};
    return member_each(it->org_id, aud_one, &w);
}

/* ---- a member's items ---- */

static const char sql_is_read[] = "SELECT 1 FROM study_reads WHERE member_id=?1 AND item_id=?2";

static int is_read(int64_t member_id, int64_t id, bool *yes)
{
    sqlite3_stmt *st = store_stmt(sql_is_read);
    if (!st)
        return ZB_EDB;
    sqlite3_bind_int64(st, 1, member_id);
    sqlite3_bind_int64(st, 2, id);
    int s = sqlite3_step(st);
    sqlite3_reset(st);
    *yes = s == SQLITE_ROW;
    return s == SQLITE_ROW || s == SQLITE_DONE ? ZB_OK : ZB_EDB;
}

int study_for_member(int64_t member_id, struct study_entry *out, size_t max, size_t *n)
{
    *n = 0;
    struct member m;
    int rc = member_get(member_id, &m);
    if (rc)
        return rc;
    sqlite3_stmt *st = store_stmt(sql_published);
    if (!st)
        return ZB_EDB;
    sqlite3_bind_int(st, 1, STUDY_SCAN_MAX);
    struct study_item *rows = xcalloc(STUDY_SCAN_MAX, sizeof *rows);
    size_t nr = 0;
    int s;
    while (nr < STUDY_SCAN_MAX && (s = sqlite3_step(st)) == SQLITE_ROW)
        row_item(st, &rows[nr++]);
    sqlite3_reset(st);
    for (size_t i = 0; i < nr && *n < max && !rc; i++) {
        bool yes = false;
        if ((rc = aimed(rows[i].org_id, rows[i].h.audience, &m, &yes)) || !yes)
            continue;
        struct study_entry *e = &out[(*n)++];
        e->id = rows[i].id;
        snprintf(e->title, sizeof e->title, "%s", rows[i].h.title);
        e->published_at = rows[i].published_at;
        rc = is_read(member_id, e->id, &e->read);
    }
    free(rows);
    return rc;
}

static const char sql_offer_get[] = "SELECT item_id FROM study_offers WHERE member_id=?1";
static const char sql_offer_set[] = "INSERT INTO study_offers(member_id, item_id) VALUES(?1, ?2) "
                                    "ON CONFLICT(member_id) DO UPDATE SET item_id=excluded.item_id";

int study_pick(int64_t member_id, bool next, int64_t now, int64_t *id)
{
    (void)now;
    assert(store_in_tx());
    *id = 0;
    struct study_entry *e = xcalloc(STUDY_LIST_MAX, sizeof *e);
    size_t n = 0;
    int64_t last = 0;
    int rc = study_for_member(member_id, e, STUDY_LIST_MAX, &n);
    if (rc)
        goto done;
    sqlite3_stmt *st = store_stmt(sql_offer_get);
    if (!st) {
        rc = ZB_EDB;
        goto done;
    }
    sqlite3_bind_int64(st, 1, member_id);
    if (sqlite3_step(st) == SQLITE_ROW)
        last = sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    size_t start = 0;
    if (next)
        for (size_t i = 0; i < n; i++)
            if (e[i].id == last)
                start = i + 1;
    for (size_t k = 0; k < n && !*id; k++) {
        size_t i = (start + k) % n;
        if (!e[i].read && !(next && e[i].id == last))
            *id = e[i].id;
    }
    if (*id) {
        st = store_stmt(sql_offer_set);
        if (!st) {
            rc = ZB_EDB;
            goto done;
        }
        sqlite3_bind_int64(st, 1, member_id);
        sqlite3_bind_int64(st, 2, *id);
        rc = store_exec_done(st) ? ZB_EDB : ZB_OK;
    }
done:
    free(e);
    return rc;
}

/* ---- reads and points ---- */

void study_day(int64_t t, char *out, size_t outsz)
{
    time_t tt = (time_t)t;
    struct tm lt;
    localtime_r(&tt, &lt);
    strftime(out, outsz, "%Y-%m-%d", &lt);
}

static const char sql_points_today[] =
    "SELECT coalesce(sum(points), 0) FROM study_reads WHERE member_id=?1 AND day=?2";
static const char sql_read_insert[] =
    "INSERT OR IGNORE INTO study_reads(member_id, item_id, read_at, day, points, channel) "
    "VALUES(?1, ?2, ?3, ?4, ?5, ?6)";

#define POINT_SOURCES_MAX 8 /* other capabilities' points counted in the daily cap */

static study_points_fn point_sources[POINT_SOURCES_MAX];
static size_t n_point_sources;

int study_points_register(study_points_fn fn)
{
    for (size_t i = 0; i < n_point_sources; i++)
        if (point_sources[i] == fn)
            return ZB_OK;
    if (n_point_sources == POINT_SOURCES_MAX)
        return ZB_ETOOBIG;
    point_sources[n_point_sources++] = fn;
    return ZB_OK;
}

int study_points_today(int64_t member_id, int64_t now, int *points)
{
    char day[16];
    study_day(now, day, sizeof day);
    sqlite3_stmt *st = store_stmt(sql_points_today);
    *points = 0;
    if (!st)
        return ZB_EDB;
    sqlite3_bind_int64(st, 1, member_id);
    bind_text(st, 2, day);
    int step = sqlite3_step(st);
    if (step == SQLITE_ROW)
        *points = sqlite3_column_int(st, 0);
    sqlite3_reset(st);
    return step == SQLITE_ROW ? ZB_OK : ZB_EDB;
}

/* local_midnight - the start of the local day of now (the process's zone is the configured one). */
static int64_t local_midnight(int64_t now)
{
    time_t t = (time_t)now;
    struct tm tm;
    localtime_r(&t, &tm);
    tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
    tm.tm_isdst = -1;
    return (int64_t)mktime(&tm);
}

/* points_today_all - reading points plus every registered source's, today: the shared cap. */
static int points_today_all(int64_t member_id, int64_t now, int *points)
{
    int rc = study_points_today(member_id, now, points);
    int64_t since = local_midnight(now);
    for (size_t i = 0; !rc && i < n_point_sources; i++) {
        int more = 0;
        rc = point_sources[i](member_id, since, &more);
        *points += more;
    }
    return rc;
}

int study_read(int64_t member_id, int64_t id, const char *channel, int64_t now, bool *first)
{
    assert(store_in_tx());
    if (first)
        *first = false;
    struct study_item it;
    int rc = study_get(id, &it);
    if (rc)
        return rc;
    bool yes = false;
    if (it.status != STUDY_PUBLISHED || (rc = study_reaches(&it, member_id, &yes)) || !yes) {
        rc = rc && rc != ZB_ENOTFOUND ? rc : ZB_ENOTFOUND;
        goto done;
    }
    char day[16];
    study_day(now, day, sizeof day);
    int today = 0;
    if ((rc = points_today_all(member_id, now, &today)))
        goto done;
    sqlite3_stmt *st = store_stmt(sql_read_insert);
    if (!st) {
        rc = ZB_EDB;
        goto done;
    }
    sqlite3_bind_int64(st, 1, member_id);
    sqlite3_bind_int64(st, 2, id);
    sqlite3_bind_int64(st, 3, now);
    bind_text(st, 4, day);
    sqlite3_bind_int(st, 5, today < S.c.points_cap ? 1 : 0);
    bind_text(st, 6, channel ? channel : "");
    if (store_exec_done(st)) {
        rc = ZB_EDB;
        goto done;
    }
    if (first)
        *first = sqlite3_changes(store_db()) > 0;
done:
    study_item_clear(&it);
    return rc;
}

/* ---- subscriptions and digests ---- */

static const char sql_sub_on[] = "INSERT OR IGNORE INTO study_subs(member_id, updated_at) "
                                 "VALUES(?1, ?2)";
static const char sql_sub_off[] = "DELETE FROM study_subs WHERE member_id=?1 AND ?2 IS NOT NULL";
static const char sql_sub_get[] = "SELECT 1 FROM study_subs WHERE member_id=?1";
static const char sql_subs_due[] =
    "SELECT s.member_id FROM study_subs s WHERE NOT EXISTS (SELECT 1 FROM study_digests d "
    "WHERE d.member_id = s.member_id AND d.day = ?1) ORDER BY s.member_id LIMIT ?2";
static const char sql_digest_mark[] =
    "INSERT OR IGNORE INTO study_digests(member_id, day, sent_at) VALUES(?1, ?2, ?3)";

int study_subscribe(int64_t member_id, bool on, int64_t now, bool *changed)
{
    assert(store_in_tx());
    sqlite3_stmt *st = store_stmt(on ? sql_sub_on : sql_sub_off);
    if (!st)
        return ZB_EDB;
    sqlite3_bind_int64(st, 1, member_id);
    sqlite3_bind_int64(st, 2, now);
    if (store_exec_done(st))
        return ZB_EDB;
    *changed = sqlite3_changes(store_db()) > 0;
    if (!*changed)
        return ZB_OK;
    struct actor a = actor_member(member_id, "chat");
    char target[48];
    snprintf(target, sizeof target, "member:%lld", (long long)member_id);
    return audit_write(a.label, on ? "study.subscribe" : "study.unsubscribe", target,
                       on ? "订阅每日学习提要" : "退订每日学习提要", a.channel, now);
}

int study_subscribed(int64_t member_id, bool *on)
{
    sqlite3_stmt *st = store_stmt(sql_sub_get);
    if (!st)
        return ZB_EDB;
    sqlite3_bind_int64(st, 1, member_id);
    int s = sqlite3_step(st);
    sqlite3_reset(st);
    *on = s == SQLITE_ROW;
    return s == SQLITE_ROW || s == SQLITE_DONE ? ZB_OK : ZB_EDB;
}

int study_subscribers(const char *day, int64_t *ids, size_t max, size_t *n)
{
    *n = 0;
    sqlite3_stmt *st = store_stmt(sql_subs_due);
    if (!st)
        return ZB_EDB;
    bind_text(st, 1, day);
    sqlite3_bind_int64(st, 2, (int64_t)max);
    int s;
    while (*n < max && (s = sqlite3_step(st)) == SQLITE_ROW)
        ids[(*n)++] = sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    return ZB_OK;
}

int study_digest_mark(int64_t member_id, const char *day, int64_t now)
{
    assert(store_in_tx());
    sqlite3_stmt *st = store_stmt(sql_digest_mark);
    if (!st)
        return ZB_EDB;
    sqlite3_bind_int64(st, 1, member_id);
    bind_text(st, 2, day);
    sqlite3_bind_int64(st, 3, now);
    return store_exec_done(st) ? ZB_EDB : ZB_OK;
}

/* ---- records ---- */

static const char sql_tally[] =
    "SELECT count(*), coalesce(sum(points), 0) FROM study_reads WHERE member_id=?1 AND "
    "read_at >= ?2";

static int tally(int64_t member_id, int64_t since, struct study_tally *t)
{
    sqlite3_stmt *st = store_stmt(sql_tally);
    if (!st)
        return ZB_EDB;
    sqlite3_bind_int64(st, 1, member_id);
    sqlite3_bind_int64(st, 2, since);
    int s = sqlite3_step(st);
    if (s == SQLITE_ROW) {
        t->items = sqlite3_column_int(st, 0);
        t->points = sqlite3_column_int(st, 1);
    }
    sqlite3_reset(st);
    return s == SQLITE_ROW ? ZB_OK : ZB_EDB;
}

/* starts - the local start of the week (Monday) and of the month of now. */
static void starts(int64_t now, int64_t *week, int64_t *month)
{
    time_t tt = (time_t)now;
    struct tm lt;
    localtime_r(&tt, &lt);
    lt.tm_hour = lt.tm_min = lt.tm_sec = 0;
    lt.tm_isdst = -1;
    struct tm w = lt;
    w.tm_mday -= (lt.tm_wday + 6) % 7;
    *week = (int64_t)mktime(&w);
    lt.tm_mday = 1;
    *month = (int64_t)mktime(&lt);
}

struct branch_sum {
    int64_t week, month;
    struct study_record *r;
    int rc;
};

static int sum_member(const struct member *m, void *arg)
{
    struct branch_sum *b = arg;
    struct study_tally w = {0, 0}, mo = {0, 0};
    int rc = tally(m->id, b->week, &w);
    if (!rc)
        rc = tally(m->id, b->month, &mo);
    b->r->branch_week.items += w.items;
    b->r->branch_week.points += w.points;
    b->r->branch_month.items += mo.items;
    b->r->branch_month.points += mo.points;
    b->r->branch_members++;
    return rc;
}

int study_record_get(int64_t member_id, int64_t now, struct study_record *out)
{
    memset(out, 0, sizeof *out);
    struct member m;
    int rc = member_get(member_id, &m);
    if (rc)
        return rc;
    int64_t week, month;
    starts(now, &week, &month);
    if ((rc = tally(member_id, week, &out->week)) || (rc = tally(member_id, month, &out->month)))
        return rc;
    if (!m.branch_id)
        return ZB_OK;
    struct branch_sum b = {week, month, out, 0};
    return member_each(m.branch_id, sum_member, &b);
}

int study_record_sections(int64_t member_id, int64_t now, struct buf *out)
{
    int64_t week, month;
    starts(now, &week, &month);
    for (size_t i = 0; i < S.nhooks; i++) {
        int rc = S.hooks[i](member_id, week, month, out);
        if (rc)
            return rc;
    }
    return ZB_OK;
}
