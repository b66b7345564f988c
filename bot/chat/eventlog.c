/* eventlog.c - the events table (see eventlog.h). */
#include "bot/chat/eventlog.h"

#include <assert.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bot/base/log.h"
#include "bot/base/xmalloc.h"
#include "bot/org/identity.h"
#include "bot/org/member_names.h"
#include "bot/store/store.h"
#include "bot/base/textfmt.h"

/* the event logged under a key and those logged under its collision suffixes (key "~N") */
static const char sql_find[] =
    "SELECT msg_key, platform, account, user_id, group_id, kind, text, reply_kind, reply FROM "
    "events WHERE msg_key=?1 OR (msg_key>=?2 AND msg_key<?3) LIMIT 1000";
static const char sql_insert[] =
    "INSERT INTO events(platform, account, user_id, group_id, kind, text, msg_key, received_at, "
    "handler, reply_kind, reply, handling_us) VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12)";
static const char sql_recent[] =
    "SELECT * FROM (SELECT id, received_at, platform, user_id, group_id, kind, text, handler, "
    "reply_kind, reply, handling_us, account FROM events ORDER BY id DESC LIMIT ?1) ORDER BY id";

#define MESSAGE_KINDS "('text','voice','image','location','link','media')"
static const char sql_last_private[] =
    "SELECT received_at, msg_key, '' FROM events WHERE platform=?1 AND user_id=?2 AND "
    "group_id IS NULL AND received_at>=?3 AND kind IN " MESSAGE_KINDS
    " ORDER BY received_at DESC, id DESC LIMIT 1";
static const char sql_last_group[] =
    "SELECT received_at, msg_key, group_id FROM events WHERE platform=?1 AND group_id=?2 AND "
    "received_at>=?3 AND kind IN " MESSAGE_KINDS " ORDER BY received_at DESC, id DESC LIMIT 1";
static const char sql_last_user_groups[] =
    "SELECT received_at, msg_key, group_id FROM events WHERE platform=?1 AND user_id=?2 AND "
    "group_id IS NOT NULL AND received_at>=?3 AND kind IN " MESSAGE_KINDS
    " ORDER BY received_at DESC, id DESC LIMIT 1";

int eventlog_last(const char *platform, enum eventlog_scope scope, const char *who, int64_t since,
                  struct eventlog_last *out)
{
    const char *sql = scope == EL_PRIVATE ? sql_last_private
                      : scope == EL_GROUP ? sql_last_group
                                          : sql_last_user_groups;
    sqlite3_stmt *st = store_stmt(sql);
    if (!st)
        return ZB_EDB;
    sqlite3_bind_text(st, 1, platform, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, who, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, since);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        out->at = sqlite3_column_int64(st, 0);
        snprintf(out->msg_key, sizeof out->msg_key, "%s", store_text(st, 1));
        snprintf(out->group, sizeof out->group, "%s", store_text(st, 2));
    }
    sqlite3_reset(st);
    if (rc == SQLITE_ROW)
        return ZB_OK;
    return rc == SQLITE_DONE ? ZB_ENOTFOUND : ZB_EDB;
}

static const char sql_received_at[] = "SELECT received_at FROM events WHERE msg_key=?1";

int eventlog_received_at(const char *msg_key, int64_t *at)
{
    sqlite3_stmt *st = store_stmt(sql_received_at);
    if (!st)
        return ZB_EDB;
    sqlite3_bind_text(st, 1, msg_key, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        *at = sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    if (rc == SQLITE_ROW)
        return ZB_OK;
    return rc == SQLITE_DONE ? ZB_ENOTFOUND : ZB_EDB;
}

/* same_text - column i of st holds s (NULL and "" alike when s is NULL or ""). */
static bool same_text(sqlite3_stmt *st, int i, const char *s)
{
    return strcmp(store_text(st, i), s ? s : "") == 0;
}

/* key_suffix - N when key is base "~N" (N decimal, 2..), 1 when key is base itself. */
static long key_suffix(const char *key, size_t base_len)
{
    if (key[base_len] != '~')
        return 1;
    char *end = NULL;
    long n = strtol(key + base_len + 1, &end, 10);
    return end && *end == '\0' && n > 1 ? n : 1;
}

int eventlog_find(const struct event *ev, struct reply *out, char *key, size_t keysz,
                  bool *collision)
{
    *collision = false;
    size_t base_len = strlen(ev->msg_key);
    if (base_len + 24 > keysz)
        return ZB_EINVAL;
    char lo[EVENTLOG_KEY_MAX + 2], hi[EVENTLOG_KEY_MAX + 2]; /* ev->msg_key "~*" as a range */
    if (base_len + 2 > EVENTLOG_KEY_MAX)
        return ZB_EINVAL;
    snprintf(lo, sizeof lo, "%s~", ev->msg_key);
    snprintf(hi, sizeof hi, "%s\x7f", ev->msg_key);
    sqlite3_stmt *st = store_stmt(sql_find);
    if (!st)
        return ZB_EDB;
    sqlite3_bind_text(st, 1, ev->msg_key, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, lo, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, hi, -1, SQLITE_STATIC);
    long top = 0; /* the highest suffix in use (1: the bare key) */
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *stored = store_text(st, 0);
        long n = key_suffix(stored, base_len);
        if (n > top)
            top = n;
        bool same = same_text(st, 1, platform_name(ev->platform)) &&
                    same_text(st, 2, ev->account) && same_text(st, 3, ev->user) &&
                    same_text(st, 4, ev->group) && same_text(st, 5, event_kind_name(ev->kind)) &&
                    same_text(st, 6, ev->text);
        if (!same)
            continue;
        int kind = reply_kind_parse(store_text(st, 7));
        const char *text = sqlite3_column_type(st, 8) == SQLITE_NULL ? NULL : store_text(st, 8);
        rc = kind < 0 ? ZB_EPARSE : reply_decode((enum reply_kind)kind, text, out);
        sqlite3_reset(st);
        if (rc)
            log_error("eventlog: stored reply for a duplicate does not decode");
        return rc ? ZB_EDB : ZB_OK;
    }
    sqlite3_reset(st);
    if (rc != SQLITE_DONE)
        return ZB_EDB;
    if (top == 0) {
        snprintf(key, keysz, "%s", ev->msg_key);
    } else {
        *collision = true;
        snprintf(key, keysz, "%s~%ld", ev->msg_key, top + 1);
    }
    return ZB_ENOTFOUND;
}

int eventlog_insert(const struct event *ev, int64_t received_at, const char *handler,
                    const struct reply *r, int64_t handling_us)
{
    assert(store_in_tx());
    sqlite3_stmt *st = store_stmt(sql_insert);
    if (!st)
        return ZB_EDB;
    char *encoded = reply_encode(r);
    sqlite3_bind_text(st, 1, platform_name(ev->platform), -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, ev->account ? ev->account : "", -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, ev->user, -1, SQLITE_STATIC);
    if (ev->group)
        sqlite3_bind_text(st, 4, ev->group, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, event_kind_name(ev->kind), -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 6, ev->text ? ev->text : "", -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 7, ev->msg_key, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 8, received_at);
    if (handler)
        sqlite3_bind_text(st, 9, handler, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 10, reply_kind_name(r->kind), -1, SQLITE_STATIC);
    if (encoded)
        sqlite3_bind_text(st, 11, encoded, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 12, handling_us);
    int rc = store_exec_done(st);
    free(encoded);
    return rc;
}

/* sender_of - the member the row's sender is bound to, 0 when none (or the lookup failed:
 * the listing still shows the platform id). */
static int64_t sender_of(sqlite3_stmt *st)
{
    int64_t id = 0;
    if (identity_owner(store_text(st, 2), store_text(st, 11), store_text(st, 3), &id))
        return 0;
    return id;
}

int eventlog_print(FILE *f, int limit, const char *timezone)
{
    (void)timezone; /* the process TZ is set from the config at start-up */
    sqlite3_stmt *st = store_stmt(sql_recent);
    if (!st)
        return ZB_EDB;
    sqlite3_bind_int(st, 1, limit);
    /* first who sent each row (the rows are few: --limit), then the names in one query */
    int64_t *who = xcalloc(limit > 0 ? (size_t)limit : 1, sizeof *who);
    struct member_names *names = member_names_new();
    int rc = SQLITE_DONE, n = 0;
    while (n < limit && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        who[n] = sender_of(st);
        member_names_add(names, who[n++]);
    }
    sqlite3_reset(st);
    if ((n < limit && rc != SQLITE_DONE) || member_names_load(names)) {
        rc = ZB_EDB;
        goto done;
    }
    for (int i = 0; (rc = sqlite3_step(st)) == SQLITE_ROW; i++) {
        char when[32];
        textfmt_time(sqlite3_column_int64(st, 1), when, sizeof when);
        fprintf(f, "%lld %s %s ", (long long)sqlite3_column_int64(st, 0), when, store_text(st, 2));
        textfmt_excerpt(f, store_text(st, 3), 128); /* ids come from outside: no controls */
        if (i < n && who[i]) {
            fprintf(f, " #%lld ", (long long)who[i]);
            member_names_print(f, names, who[i], false, false);
        }
        if (*store_text(st, 4)) {
            fputc('@', f);
            textfmt_excerpt(f, store_text(st, 4), 128);
        }
        fprintf(f, " %s \"", store_text(st, 5));
        textfmt_excerpt(f, store_text(st, 6), 60);
        fprintf(f, "\" -> %s %s \"", *store_text(st, 7) ? store_text(st, 7) : "-",
                store_text(st, 8));
        textfmt_excerpt(f, store_text(st, 9), 60);
        fprintf(f, "\" %lldus\n", (long long)sqlite3_column_int64(st, 10));
    }
    sqlite3_reset(st);
    rc = rc == SQLITE_DONE ? ZB_OK : ZB_EDB;
done:
    member_names_free(names);
    free(who);
    return rc;
}
