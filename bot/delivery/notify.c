/*
 * notify.c - notify_send and the fold queue (see notify.h). Owns the notify_items table: one row
 * per notification ever asked for (its key makes a second call a no-op), in state sent, folded,
 * released (went out inside a later message) or unreachable. Every outbox row it queues goes
 * to the member (rcpt "member"), outbox kind "reminder", with notify's kind as the row's topic
 * and its fields as fields_json, so the WeChat send path can fill a template from them.
 */
#include "bot/delivery/notify.h"

#include <assert.h>
#include <cjson/cJSON.h>
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "bot/base/buf.h"
#include "bot/base/clock.h"
#include "bot/delivery/channel.h"
#include "bot/delivery/outbox.h"
#include "bot/org/member.h"
#include "bot/store/store.h"

#define WHY_MAX 512 /* bytes of an unreachable reason */

static const char sql_gave_up[] =
    "SELECT o.status IN ('failed', 'unreachable') FROM notify_items n JOIN outbox o "
    "ON o.id = n.outbox_id WHERE n.idem_key = ?1";
static const char sql_find[] = "SELECT coalesce(outbox_id, 0) FROM notify_items WHERE idem_key=?1";
static const char sql_day_count[] =
    "SELECT count(*) FROM notify_items WHERE member_id=?1 AND cap=?2 AND urgent=0 AND day=?3 "
    "AND state IN ('sent','unreachable')";
static const char sql_insert[] =
    "INSERT INTO notify_items(idem_key, member_id, kind, cap, urgent, day, state, title, text, "
    "fields_json, outbox_id, created_at) VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12)";
static const char sql_folded_cap[] =
    "SELECT title, text FROM notify_items WHERE member_id=?1 AND cap=?2 AND state='folded' "
    "ORDER BY id";
static const char sql_release[] =
    "UPDATE notify_items SET state='released', outbox_id=?3 WHERE member_id=?1 AND cap=?2 "
    "AND state='folded'";
static const char sql_release_upto[] =
    "UPDATE notify_items SET state='released', outbox_id=?3 WHERE member_id=?1 AND id<=?2 "
    "AND state='folded'";
static const char sql_folded[] =
    "SELECT id, kind, idem_key, title, text, day, created_at FROM notify_items "
    "WHERE member_id=?1 AND state='folded' ORDER BY id LIMIT ?2";

static const char *const field_names[NF_COUNT] = {"title",  "time", "place",
                                                  "status", "link", "text"};

static const struct channel_rules *reach_rules; /* set once at start-up, or NULL */

const char *notify_field_name(enum notify_field f)
{
    return (unsigned)f < NF_COUNT ? field_names[f] : NULL;
}

int notify_field_parse(const char *name)
{
    for (int i = 0; i < NF_COUNT; i++)
        if (strcmp(name, field_names[i]) == 0)
            return i;
    return -1;
}

void notify_configure(const struct channel_rules *rules)
{
    reach_rules = rules;
}

/* kind_ok - 1..NOTIFY_KIND_MAX bytes of [a-z0-9_.], not starting with a dot. */
static int kind_ok(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > NOTIFY_KIND_MAX || *s == '.')
        return 0;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '_' || *s == '.'))
            return 0;
    return 1;
}

static const char *field_of(const struct notify_fields *f, enum notify_field i)
{
    const char *v[NF_COUNT] = {f->title, f->time, f->place, f->status, f->link, f->text};
    return v[i] ? v[i] : "";
}

/* check - ZB_OK when the arguments of notify_send can be recorded. */
static int check(int64_t member_id, const char *kind, const char *key,
                 const struct notify_fields *f)
{
    if (member_id <= 0 || !kind || !kind_ok(kind) || !key || !*key || !f || !f->text || !*f->text)
        return ZB_EINVAL;
    if (strlen(key) > NOTIFY_KEY_MAX || strlen(f->text) > NOTIFY_TEXT_MAX)
        return ZB_ETOOBIG;
    for (int i = 0; i < NF_TEXT; i++)
        if (strlen(field_of(f, (enum notify_field)i)) > NOTIFY_FIELD_MAX)
            return ZB_ETOOBIG;
    return ZB_OK;
}

/* fields_json - the non-empty fields other than text as a JSON object; caller frees. */
static char *fields_json(const struct notify_fields *f)
{
    cJSON *j = cJSON_CreateObject();
    for (int i = 0; i < NF_TEXT; i++)
        if (*field_of(f, (enum notify_field)i))
            cJSON_AddStringToObject(j, field_names[i], field_of(f, (enum notify_field)i));
    char *s = cJSON_PrintUnformatted(j);
    cJSON_Delete(j);
    return s;
}

/* one_int - step st (bound) expecting one integer row; *out 0 when no row. */
static int one_int(sqlite3_stmt *st, int64_t *out)
{
    if (!st)
        return ZB_EDB;
    int rc = sqlite3_step(st);
    *out = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
    sqlite3_reset(st);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? ZB_OK : ZB_EDB;
}

/* find - the outbox id of the item with key into *outbox_id; 1 when found, 0 not, <0 error. */
static int find(const char *key, int64_t *outbox_id)
{
    sqlite3_stmt *st = store_stmt(sql_find);
    if (!st)
        return ZB_EDB;
    sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    *outbox_id = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
    sqlite3_reset(st);
    if (rc == SQLITE_ROW)
        return 1;
    return rc == SQLITE_DONE ? 0 : ZB_EDB;
}

/* sent_today - routine items of cap already pushed (or found unreachable) to member on day. */
static int sent_today(int64_t member_id, const char *cap, const char *day, int64_t *n)
{
    sqlite3_stmt *st = store_stmt(sql_day_count);
    if (st) {
        sqlite3_bind_int64(st, 1, member_id);
        sqlite3_bind_text(st, 2, cap, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 3, day, -1, SQLITE_STATIC);
    }
    return one_int(st, n);
}

/*
 * fold_lines - append to text one line per folded item of member's cap (title, else the start of
 * its text), at most NOTIFY_FOLD_LINES and a count of the rest; *n gets how many are folded.
 */
static int fold_lines(int64_t member_id, const char *cap, struct buf *text, int *n)
{
    sqlite3_stmt *st = store_stmt(sql_folded_cap);
    if (!st)
        return ZB_EDB;
    sqlite3_bind_int64(st, 1, member_id);
    sqlite3_bind_text(st, 2, cap, -1, SQLITE_STATIC);
    int rc, count = 0, bad = 0;
    struct buf lines;
    buf_init(&lines, NOTIFY_FOLD_LINES * 256);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (count++ >= NOTIFY_FOLD_LINES)
            continue;
        const char *title = store_text(st, 0);
        const char *what = *title ? title : store_text(st, 1);
        size_t len = strcspn(what, "\n");
        if (len > 90) { /* at most 90 bytes, cut at a character boundary */
            len = 90;
            while (len > 0 && ((unsigned char)what[len] & 0xC0) == 0x80)
                len--;
        }
        bad |= buf_appendz(&lines, "\n· ") || buf_append(&lines, what, len);
    }
    sqlite3_reset(st);
    if (rc == SQLITE_DONE && count > 0 && !bad) {
        char head[96], tail[64] = "";
        snprintf(head, sizeof head, "\n\n此前还有 %d 条未单独发送：", count);
        if (count > NOTIFY_FOLD_LINES)
            snprintf(tail, sizeof tail, "\n（另有 %d 条未列出）", count - NOTIFY_FOLD_LINES);
        bad = buf_appendz(text, head) || buf_append(text, lines.data, lines.len) ||
              buf_appendz(text, tail);
    }
    buf_free(&lines);
    *n = count;
    if (rc != SQLITE_DONE)
        return ZB_EDB;
    return bad ? ZB_ETOOBIG : ZB_OK;
}

/*
 * reach - whether the member can be reached now, asked of the configured channel rules.
 * ZB_OK reachable (or no rules); ZB_ENOTFOUND with why naming the member; ZB_EDB.
 */
static int reach(const struct member *m, const char *kind, int64_t now, char *why, size_t whysz)
{
    if (!reach_rules)
        return ZB_OK;
    char to[24], sub[WHY_MAX - 160];
    snprintf(to, sizeof to, "%lld", (long long)m->id);
    struct outbox_row row = {.rcpt = RCPT_MEMBER,
                             .to = to,
                             .kind = OUTBOX_REMINDER,
                             .topic = (char *)kind,
                             .created_at = now};
    struct channel_route rt;
    int rc = channel_choose(reach_rules, &row, now, &rt, sub, sizeof sub);
    if (rc == ZB_OK || rc == ZB_EDB)
        return rc;
    snprintf(why, whysz, "无法联系 %s（成员 %lld）：%s", m->name, (long long)m->id, sub);
    return ZB_ENOTFOUND;
}

/* An item as recorded in notify_items. */
struct item {
    const char *key;               /* idempotency key */
    int64_t member_id;             /* the member */
    const char *kind, *cap;        /* "meeting.reminder", "meeting" */
    enum notify_urgency urgency;   /* routine or urgent */
    const char *day;               /* local YYYY-MM-DD */
    const char *state;             /* sent | folded | unreachable */
    const struct notify_fields *f; /* the fields */
    const char *fields_json;       /* f without text, as JSON */
    int64_t outbox_id;             /* the row that carries it, 0 when folded */
    int64_t now;                   /* Unix seconds */
};

static int insert_item(const struct item *it)
{
    sqlite3_stmt *st = store_stmt(sql_insert);
    if (!st)
        return ZB_EDB;
    sqlite3_bind_text(st, 1, it->key, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, it->member_id);
    sqlite3_bind_text(st, 3, it->kind, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, it->cap, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 5, it->urgency == NOTIFY_URGENT);
    sqlite3_bind_text(st, 6, it->day, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 7, it->state, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 8, field_of(it->f, NF_TITLE), -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 9, it->f->text, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 10, it->fields_json, -1, SQLITE_STATIC);
    if (it->outbox_id)
        sqlite3_bind_int64(st, 11, it->outbox_id);
    sqlite3_bind_int64(st, 12, it->now);
    return store_exec_done(st);
}

static int release(int64_t member_id, const char *cap, int64_t outbox_id)
{
    sqlite3_stmt *st = store_stmt(sql_release);
    if (!st)
        return ZB_EDB;
    sqlite3_bind_int64(st, 1, member_id);
    sqlite3_bind_text(st, 2, cap, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, outbox_id);
    return store_exec_done(st);
}

/*
 * notify_send - see notify.h. The order: the key (a duplicate writes nothing), the member, the
 * day's count for a routine item (fold it when the capability already had its one), the folded
 * items to release with it, the reachability check, then the outbox row and the item.
 */
int notify_send(int64_t member_id, const char *kind, enum notify_urgency urgency, const char *key,
                const struct notify_fields *f, struct notify_result *out)
{
    assert(store_in_tx());
    struct notify_result res = {0};
    struct member m;
    struct buf text;
    char *fj = NULL, cap[NOTIFY_KIND_MAX + 1], day[16], to[24], why[WHY_MAX] = "";
    int64_t existing = 0, today = 0;
    int rc = check(member_id, kind, key, f);
    buf_init(&text, OUTBOX_TEXT_MAX);
    if (rc)
        goto done;
    rc = find(key, &existing);
    if (rc < 0)
        goto done;
    if (rc == 1) {
        res.outcome = NOTIFY_DUPLICATE;
        res.outbox_id = existing;
        rc = ZB_OK;
        goto done;
    }
    rc = member_get(member_id, &m);
    if (rc == ZB_OK && m.left_at)
        rc = ZB_ENOTFOUND; /* removed from the registry: nothing reaches them any more */
    if (rc)
        goto done;
    int64_t now = clock_now();
    time_t tt = (time_t)now;
    struct tm tm;
    localtime_r(&tt, &tm);
    strftime(day, sizeof day, "%Y-%m-%d", &tm);
    snprintf(cap, sizeof cap, "%.*s", (int)strcspn(kind, "."), kind);
    fj = fields_json(f);
    struct item it = {.key = key,
                      .member_id = member_id,
                      .kind = kind,
                      .cap = cap,
                      .urgency = urgency,
                      .day = day,
                      .state = "folded",
                      .f = f,
                      .fields_json = fj,
                      .now = now};
    if (urgency == NOTIFY_ROUTINE) {
        rc = sent_today(member_id, cap, day, &today);
        if (rc)
            goto done;
        if (today > 0) {
            res.outcome = NOTIFY_FOLDED;
            rc = insert_item(&it);
            goto done;
        }
    }
    rc = buf_appendz(&text, f->text) ? ZB_ETOOBIG : ZB_OK;
    if (rc == ZB_OK && urgency == NOTIFY_ROUTINE)
        rc = fold_lines(member_id, cap, &text, &res.released);
    if (rc == ZB_OK)
        rc = reach(&m, kind, now, why, sizeof why);
    if (rc && rc != ZB_ENOTFOUND)
        goto done;
    bool unreachable = rc == ZB_ENOTFOUND;
    snprintf(to, sizeof to, "%lld", (long long)member_id);
    struct outbox_msg msg = {.idem_key = key,
                             .rcpt = RCPT_MEMBER,
                             .to = to,
                             .kind = OUTBOX_REMINDER,
                             .text = buf_str(&text),
                             .topic = kind,
                             .fields_json = fj,
                             .unreachable = unreachable ? why : NULL};
    rc = outbox_push(&msg, &it.outbox_id);
    if (rc)
        goto done;
    it.state = unreachable ? "unreachable" : "sent";
    rc = insert_item(&it);
    if (rc == ZB_OK && res.released)
        rc = release(member_id, cap, it.outbox_id);
    res.outcome = unreachable ? NOTIFY_UNREACHABLE : NOTIFY_QUEUED;
    res.outbox_id = it.outbox_id;
done:
    if (rc == ZB_OK && out)
        *out = res;
    cJSON_free(fj);
    buf_free(&text);
    return rc;
}

int notify_folded(int64_t member_id, size_t max, int (*fn)(const struct notify_item *it, void *arg),
                  void *arg)
{
    sqlite3_stmt *st = store_stmt(sql_folded);
    if (!st)
        return ZB_EDB;
    sqlite3_bind_int64(st, 1, member_id);
    sqlite3_bind_int64(st, 2, (sqlite3_int64)max);
    int rc, stop = 0;
    while (!stop && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        struct notify_item it = {.id = sqlite3_column_int64(st, 0),
                                 .kind = store_text(st, 1),
                                 .key = store_text(st, 2),
                                 .title = store_text(st, 3),
                                 .text = store_text(st, 4),
                                 .day = store_text(st, 5),
                                 .created_at = sqlite3_column_int64(st, 6)};
        stop = fn(&it, arg);
    }
    sqlite3_reset(st);
    if (stop)
        return stop;
    return rc == SQLITE_DONE ? ZB_OK : ZB_EDB;
}

int notify_release_folded(int64_t member_id, int64_t upto_id, int64_t outbox_id, int *n)
{
    if (member_id <= 0 || upto_id <= 0 || outbox_id <= 0)
        return ZB_EINVAL;
    sqlite3_stmt *st = store_stmt(sql_release_upto);
    if (!st)
        return ZB_EDB;
    sqlite3_bind_int64(st, 1, member_id);
    sqlite3_bind_int64(st, 2, upto_id);
    sqlite3_bind_int64(st, 3, outbox_id);
    int rc = store_exec_done(st);
    if (rc == ZB_OK && n)
        *n = sqlite3_changes(store_db());
    return rc;
}

int notify_gave_up(const char *key, bool *yes)
{
    *yes = false;
    sqlite3_stmt *st = store_stmt(sql_gave_up);
    if (!st)
        return ZB_EDB;
    sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        *yes = sqlite3_column_int(st, 0) != 0;
    sqlite3_reset(st);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? ZB_OK : ZB_EDB;
}
