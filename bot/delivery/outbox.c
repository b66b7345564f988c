/*
 * outbox.c - the outbox table: queuing, claiming, results and the listing (see outbox.h).
 * Delivery itself is bot/sender.c; this file holds every SQL statement on the table.
 */
#include "bot/delivery/outbox.h"

#include <assert.h>
#include <cjson/cJSON.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bot/base/clock.h"
#include "bot/base/log.h"
#include "bot/org/member_names.h"
#include "bot/store/store.h"
#include "bot/base/textfmt.h"
#include "bot/base/xmalloc.h"

static const char sql_push[] =
    "INSERT INTO outbox(idem_key, rcpt, to_id, kind, text, data_json, reply_to, seq, not_before, "
    "expires_at, next_try_at, created_at, updated_at, topic, fields_json, status, error_code, "
    "error_text) VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?9,?11,?11,?12,?13,"
    "CASE WHEN ?14 IS NULL THEN 'pending' ELSE 'unreachable' END,"
    "CASE WHEN ?14 IS NULL THEN NULL ELSE 'unreachable' END,?14) ON CONFLICT(idem_key) DO NOTHING";
static const char sql_find[] = "SELECT id FROM outbox WHERE idem_key=?1";
static const char sql_recover[] =
    "UPDATE outbox SET status='pending', updated_at=?1 WHERE status='sending'";
static const char sql_due[] =
    "SELECT id, rcpt, to_id, kind, idem_key, text, data_json, reply_to, seq, attempts, "
    "expires_at, created_at, closed, topic, fields_json FROM outbox o WHERE status='pending' AND "
    "next_try_at<=?1 "
    "AND NOT EXISTS (SELECT 1 FROM outbox p WHERE p.rcpt=o.rcpt AND p.to_id=o.to_id "
    "AND p.status IN ('pending','sending') AND p.id<o.id) ORDER BY next_try_at, id LIMIT ?2";
static const char sql_next_open[] =
    "SELECT id, rcpt, to_id, kind, idem_key, text, data_json, reply_to, seq, attempts, "
    "expires_at, created_at, closed, topic, fields_json, status, next_try_at FROM outbox "
    "WHERE rcpt=?1 AND to_id=?2 AND status IN ('pending','sending') ORDER BY id LIMIT 1";
static const char sql_mark_sending[] = "UPDATE outbox SET status='sending', attempts=attempts+1, "
                                       "updated_at=?2 WHERE id=?1 AND status='pending'";
static const char sql_finish[] =
    "UPDATE outbox SET status=?2, next_try_at=CASE WHEN ?2='pending' THEN ?3 ELSE next_try_at END, "
    "channel=coalesce(?4, channel), target=coalesce(?5, target), "
    "seq=CASE WHEN ?6 IS NULL THEN seq ELSE ?7 END, reply_to=coalesce(?6, reply_to), closed=?8, "
    "error_code=?9, error_text=?10, attempts=max(0, attempts-?11), "
    "sent_at=CASE WHEN ?2='sent' THEN ?12 ELSE sent_at END, updated_at=?12, "
    "platform_msg_id=coalesce(?13, platform_msg_id) WHERE id=?1";
static const char sql_next_due[] = "SELECT min(next_try_at) FROM outbox WHERE status='pending'";
static const char sql_cs_count[] =
    "SELECT count(*) FROM outbox WHERE channel='wechat_cs' AND target=?1 AND status='sent' "
    "AND sent_at>=?2";
static const char sql_chan_count[] =
    "SELECT count(*) FROM outbox WHERE channel=?1 AND target=?2 AND status='sent' AND sent_at>=?3";
static const char sql_max_seq[] = "SELECT coalesce(max(seq), 0) FROM outbox WHERE reply_to=?1";
static const char sql_count_all[] = "SELECT count(*) FROM outbox";
static const char sql_count[] = "SELECT count(*) FROM outbox WHERE status=?1";
static const char sql_list[] =
    "SELECT id, status, created_at, rcpt, to_id, kind, coalesce(channel,''), "
    "coalesce(target,''), attempts, coalesce(sent_at,0), next_try_at, coalesce(error_code,''), "
    "coalesce(error_text,''), text FROM outbox WHERE ?1 IS NULL OR status=?1 "
    "ORDER BY id DESC LIMIT ?2";

static const char sql_sweep[] = "DELETE FROM outbox WHERE status='sent' AND sent_at<?1";

static pthread_mutex_t kick_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t kick_cv = PTHREAD_COND_INITIALIZER;
static unsigned kicks;
static void (*waker)(void *);
static void *waker_arg;
static _Thread_local int pushed;

static const char *const rcpt_names[] = {"member",     "wechat",      "onebot_user", "onebot_group",
                                         "qqbot_user", "qqbot_group", "wxmini"};
static const char *const kind_names[] = {"reply", "reminder", "broadcast", "digest"};

const char *outbox_rcpt_name(enum outbox_rcpt r)
{
    return (unsigned)r < OUTBOX_RCPT_COUNT ? rcpt_names[r] : NULL;
}

const char *outbox_kind_name(enum outbox_kind k)
{
    return (unsigned)k < OUTBOX_KIND_COUNT ? kind_names[k] : NULL;
}

int outbox_rcpt_parse(const char *s)
{
    for (int i = 0; i < OUTBOX_RCPT_COUNT; i++)
        if (strcmp(s, rcpt_names[i]) == 0)
            return i;
    return -1;
}

int outbox_kind_parse(const char *s)
{
    for (int i = 0; i < OUTBOX_KIND_COUNT; i++)
        if (strcmp(s, kind_names[i]) == 0)
            return i;
    return -1;
}

/* json_object_or_null - 1 when s is NULL or a JSON object. */
static int json_object_or_null(const char *s)
{
    if (!s)
        return 1;
    cJSON *j = cJSON_ParseWithLength(s, strlen(s));
    int ok = cJSON_IsObject(j);
    cJSON_Delete(j);
    return ok;
}

/* check_msg - ZB_OK when m can be queued (see outbox_push). */
static int check_msg(const struct outbox_msg *m)
{
    if (!m->idem_key || !*m->idem_key || !m->to || !*m->to || !m->text || !*m->text ||
        !outbox_rcpt_name(m->rcpt) || !outbox_kind_name(m->kind) || m->seq < 0)
        return ZB_EINVAL;
    if (strlen(m->text) > OUTBOX_TEXT_MAX || strlen(m->idem_key) > 256 || strlen(m->to) > 128 ||
        (m->data_json && strlen(m->data_json) > OUTBOX_DATA_MAX) ||
        (m->reply_to && strlen(m->reply_to) > 128) || (m->topic && strlen(m->topic) > 64) ||
        (m->fields_json && strlen(m->fields_json) > OUTBOX_DATA_MAX) ||
        (m->unreachable && strlen(m->unreachable) > 1024))
        return ZB_ETOOBIG;
    if ((m->rcpt == RCPT_MEMBER || m->rcpt == RCPT_ONEBOT_USER || m->rcpt == RCPT_ONEBOT_GROUP) &&
        !textfmt_digits(m->to, 1, 19, true))
        return ZB_EINVAL;
    if (!json_object_or_null(m->data_json) || !json_object_or_null(m->fields_json))
        return ZB_EINVAL;
    return ZB_OK;
}

static void bind_opt(sqlite3_stmt *st, int i, const char *s)
{
    if (s)
        sqlite3_bind_text(st, i, s, -1, SQLITE_STATIC);
}

int outbox_push(const struct outbox_msg *m, int64_t *id)
{
    assert(store_in_tx());
    int rc = check_msg(m);
    if (rc)
        return rc;
    int seq = m->seq;
    if (m->reply_to && *m->reply_to && seq == 0) {
        rc = outbox_max_seq(m->reply_to, &seq);
        if (rc)
            return rc;
        seq++;
    }
    int64_t now = clock_now();
    sqlite3_stmt *st = store_stmt(sql_push);
    if (!st)
        return ZB_EDB;
    sqlite3_bind_text(st, 1, m->idem_key, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, outbox_rcpt_name(m->rcpt), -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, m->to, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, outbox_kind_name(m->kind), -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, m->text, -1, SQLITE_STATIC);
    if (m->data_json)
        sqlite3_bind_text(st, 6, m->data_json, -1, SQLITE_STATIC);
    if (m->reply_to && *m->reply_to)
        sqlite3_bind_text(st, 7, m->reply_to, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 8, seq);
    sqlite3_bind_int64(st, 9, m->not_before > now ? m->not_before : now);
    sqlite3_bind_int64(st, 10, m->expires_at);
    sqlite3_bind_int64(st, 11, now);
    bind_opt(st, 12, m->topic);
    bind_opt(st, 13, m->fields_json);
    bind_opt(st, 14, m->unreachable);
    rc = store_exec_done(st);
    if (rc)
        return rc;
    if (!m->unreachable)
        pushed = 1;
    if (!id)
        return ZB_OK;
    st = store_stmt(sql_find);
    if (!st)
        return ZB_EDB;
    sqlite3_bind_text(st, 1, m->idem_key, -1, SQLITE_STATIC);
    rc = sqlite3_step(st);
    *id = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
    sqlite3_reset(st);
    return rc == SQLITE_ROW ? ZB_OK : ZB_EDB;
}

void outbox_set_waker(void (*fn)(void *arg), void *arg)
{
    pthread_mutex_lock(&kick_mu);
    waker = fn;
    waker_arg = arg;
    pthread_mutex_unlock(&kick_mu);
}

void outbox_kick(void)
{
    pthread_mutex_lock(&kick_mu);
    kicks++;
    pthread_cond_broadcast(&kick_cv);
    if (waker)
        waker(waker_arg);
    pthread_mutex_unlock(&kick_mu);
}

void outbox_kick_pushed(void)
{
    if (!pushed)
        return;
    pushed = 0;
    outbox_kick();
}

int outbox_wait(unsigned *seen, int timeout_ms)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    ts.tv_sec += timeout_ms / 1000;
    ts.tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
    if (ts.tv_nsec >= 1000000000L) {
        ts.tv_sec++;
        ts.tv_nsec -= 1000000000L;
    }
    pthread_mutex_lock(&kick_mu);
    int woke = 0;
    while (kicks == *seen) {
        if (pthread_cond_timedwait(&kick_cv, &kick_mu, &ts) != 0)
            break;
    }
    if (kicks != *seen) {
        *seen = kicks;
        woke = 1;
    }
    pthread_mutex_unlock(&kick_mu);
    return woke;
}

void outbox_row_free(struct outbox_row *r)
{
    if (!r)
        return;
    free(r->to);
    free(r->idem_key);
    free(r->text);
    free(r->data_json);
    free(r->reply_to);
    free(r->topic);
    free(r->fields_json);
    memset(r, 0, sizeof *r);
}

int outbox_recover(int64_t now, int *n)
{
    if (store_begin())
        return ZB_EDB;
    sqlite3_stmt *st = store_stmt(sql_recover);
    if (!st) {
        store_rollback();
        return ZB_EDB;
    }
    sqlite3_bind_int64(st, 1, now);
    int rc = store_exec_done(st);
    if (rc) {
        store_rollback();
        return rc;
    }
    if (n)
        *n = sqlite3_changes(store_db());
    return store_commit();
}

static char *dup_col(sqlite3_stmt *st, int i)
{
    return sqlite3_column_type(st, i) == SQLITE_NULL ? NULL : xstrdup(store_text(st, i));
}

/* read_row - columns 0..14 of sql_due (or sql_next_open) into r, as claimed (attempts + 1). */
static void read_row(sqlite3_stmt *st, struct outbox_row *r)
{
    int rcpt = outbox_rcpt_parse(store_text(st, 1));
    int kind = outbox_kind_parse(store_text(st, 3));
    memset(r, 0, sizeof *r);
    r->id = sqlite3_column_int64(st, 0);
    r->rcpt = (enum outbox_rcpt)rcpt; /* -1 (unknown) fails in channel choice */
    r->to = xstrdup(store_text(st, 2));
    r->kind = kind < 0 ? OUTBOX_REPLY : (enum outbox_kind)kind;
    r->idem_key = xstrdup(store_text(st, 4));
    r->text = xstrdup(store_text(st, 5));
    r->data_json = dup_col(st, 6);
    r->reply_to = dup_col(st, 7);
    r->seq = sqlite3_column_int(st, 8);
    r->attempts = sqlite3_column_int(st, 9) + 1;
    r->expires_at = sqlite3_column_int64(st, 10);
    r->created_at = sqlite3_column_int64(st, 11);
    r->closed = (unsigned)sqlite3_column_int64(st, 12);
    r->topic = dup_col(st, 13);
    r->fields_json = dup_col(st, 14);
}

/*
 * outbox_claim - the due rows are read outside any write transaction (the query may look past
 * many rows queued behind recipients in service, and must not hold the writer lock that the
 * request path commits under); only the marking as 'sending' is a short write. The sender is
 * the one thread that moves rows out of 'pending', so a row read here is still pending when
 * marked; a row that is not (changes() == 0) is dropped all the same.
 */
int outbox_claim(int64_t now, struct outbox_row *rows, size_t max, size_t *n)
{
    *n = 0;
    if (max == 0)
        return ZB_OK;
    int rc = ZB_EDB;
    bool in_tx = false;
    sqlite3_stmt *st = store_stmt(sql_due);
    if (!st)
        return ZB_EDB;
    sqlite3_bind_int64(st, 1, now);
    sqlite3_bind_int64(st, 2, (sqlite3_int64)max);
    int step;
    while ((step = sqlite3_step(st)) == SQLITE_ROW && *n < max)
        read_row(st, &rows[(*n)++]);
    sqlite3_reset(st);
    if (step != SQLITE_ROW && step != SQLITE_DONE)
        goto done;
    if (*n == 0)
        return ZB_OK;
    if (store_begin())
        goto done;
    in_tx = true;
    size_t kept = 0;
    for (size_t i = 0; i < *n; i++) {
        st = store_stmt(sql_mark_sending);
        if (!st)
            goto done;
        sqlite3_bind_int64(st, 1, rows[i].id);
        sqlite3_bind_int64(st, 2, now);
        if (store_exec_done(st))
            goto done;
        if (sqlite3_changes(store_db()) != 1) {
            outbox_row_free(&rows[i]); /* zeroed: freeing it again at done is harmless */
        } else if (kept++ != i) {
            rows[kept - 1] = rows[i];
            memset(&rows[i], 0, sizeof rows[i]); /* one owner per row */
        }
    }
    *n = kept;
    rc = store_commit();
    in_tx = false;
    if (rc == ZB_OK)
        return ZB_OK;
done:
    if (in_tx)
        store_rollback();
    for (size_t i = 0; i < *n; i++)
        outbox_row_free(&rows[i]);
    *n = 0;
    return ZB_EDB;
}

int outbox_claim_next(int64_t now, enum outbox_rcpt rcpt, const char *to, struct outbox_row *row,
                      bool *got)
{
    *got = false;
    const char *name = outbox_rcpt_name(rcpt);
    sqlite3_stmt *st = store_stmt(sql_next_open);
    if (!st || !name)
        return st ? ZB_EINVAL : ZB_EDB;
    sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, to, -1, SQLITE_STATIC);
    int step = sqlite3_step(st);
    if (step == SQLITE_ROW && strcmp(store_text(st, 15), "pending") == 0 &&
        sqlite3_column_int64(st, 16) <= now) {
        read_row(st, row);
        *got = true;
    }
    sqlite3_reset(st);
    if (step != SQLITE_ROW && step != SQLITE_DONE)
        return ZB_EDB;
    if (!*got)
        return ZB_OK;
    int rc = store_begin();
    if (rc == ZB_OK) {
        st = store_stmt(sql_mark_sending);
        rc = st ? ZB_OK : ZB_EDB;
    }
    if (rc == ZB_OK) {
        sqlite3_bind_int64(st, 1, row->id);
        sqlite3_bind_int64(st, 2, now);
        rc = store_exec_done(st);
    }
    if (rc == ZB_OK && sqlite3_changes(store_db()) != 1)
        rc = ZB_ENOTFOUND; /* no longer pending: not ours */
    if (rc == ZB_OK)
        rc = store_commit();
    else if (store_in_tx())
        store_rollback();
    if (rc) {
        outbox_row_free(row);
        *got = false;
    }
    return rc == ZB_ENOTFOUND ? ZB_OK : rc;
}

int outbox_finish(const struct outbox_result *res, size_t n, int64_t now)
{
    if (n == 0)
        return ZB_OK;
    if (store_begin())
        return ZB_EDB;
    for (size_t i = 0; i < n; i++) {
        const struct outbox_result *r = &res[i];
        sqlite3_stmt *st = store_stmt(sql_finish);
        if (!st) {
            store_rollback();
            return ZB_EDB;
        }
        sqlite3_bind_int64(st, 1, r->id);
        sqlite3_bind_text(st, 2, r->status, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 3, r->next_try_at);
        bind_opt(st, 4, r->channel);
        bind_opt(st, 5, r->target);
        bind_opt(st, 6, r->reply_to);
        sqlite3_bind_int(st, 7, r->seq);
        sqlite3_bind_int64(st, 8, (sqlite3_int64)r->closed);
        bind_opt(st, 9, r->error_code);
        bind_opt(st, 10, r->error_text);
        sqlite3_bind_int(st, 11, r->uncount ? 1 : 0);
        sqlite3_bind_int64(st, 12, now);
        bind_opt(st, 13, r->msg_id);
        if (store_exec_done(st)) {
            store_rollback();
            return ZB_EDB;
        }
    }
    return store_commit();
}

/* one_int - run st (bound) expecting one integer row into *out. */
static int one_int(sqlite3_stmt *st, long long *out)
{
    if (!st)
        return ZB_EDB;
    int rc = sqlite3_step(st);
    *out = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
    sqlite3_reset(st);
    return rc == SQLITE_ROW ? ZB_OK : ZB_EDB;
}

int outbox_next_due(int64_t *at)
{
    long long v = 0;
    int rc = one_int(store_stmt(sql_next_due), &v);
    *at = v;
    return rc;
}

int outbox_channel_count(const char *channel, const char *target, int64_t since, int *n)
{
    sqlite3_stmt *st = store_stmt(sql_chan_count);
    long long v = 0;
    if (st) {
        sqlite3_bind_text(st, 1, channel, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, target, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 3, since);
    }
    int rc = one_int(st, &v);
    *n = (int)v;
    return rc;
}

int outbox_cs_count(const char *openid, int64_t since, int *n)
{
    sqlite3_stmt *st = store_stmt(sql_cs_count);
    long long v = 0;
    if (st) {
        sqlite3_bind_text(st, 1, openid, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 2, since);
    }
    int rc = one_int(st, &v);
    *n = (int)v;
    return rc;
}

int outbox_max_seq(const char *reply_to, int *seq)
{
    sqlite3_stmt *st = store_stmt(sql_max_seq);
    long long v = 0;
    if (st)
        sqlite3_bind_text(st, 1, reply_to, -1, SQLITE_STATIC);
    int rc = one_int(st, &v);
    *seq = (int)v;
    return rc;
}

int outbox_count(const char *status, long long *n)
{
    sqlite3_stmt *st = store_stmt(status ? sql_count : sql_count_all);
    if (st && status)
        sqlite3_bind_text(st, 1, status, -1, SQLITE_STATIC);
    return one_int(st, n);
}

int outbox_sweep(int64_t before, int *n)
{
    assert(store_in_tx());
    sqlite3_stmt *st = store_stmt(sql_sweep);
    if (!st)
        return ZB_EDB;
    sqlite3_bind_int64(st, 1, before);
    if (store_exec_done(st))
        return ZB_EDB;
    if (n)
        *n = sqlite3_changes(store_db());
    return ZB_OK;
}

static const char *status_label(const char *s)
{
    static const char *const map[][2] = {{"pending", "待发送"},
                                         {"sending", "发送中"},
                                         {"sent", "已发送"},
                                         {"failed", "失败"},
                                         {"unreachable", "无法送达"}};
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
        if (strcmp(s, map[i][0]) == 0)
            return map[i][1];
    return s;
}

static const char *rcpt_label(const char *s)
{
    static const char *const map[][2] = {{"member", "成员"},
                                         {"wechat", "微信"},
                                         {"onebot_user", "QQ"},
                                         {"onebot_group", "QQ群"},
                                         {"qqbot_user", "QQ机器人用户"},
                                         {"qqbot_group", "QQ机器人群"}};
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
        if (strcmp(s, map[i][0]) == 0)
            return map[i][1];
    return s;
}

static const char *kind_label(const char *s)
{
    static const char *const map[][2] = {
        {"reply", "回复"}, {"reminder", "提醒"}, {"broadcast", "通知"}, {"digest", "摘要"}};
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
        if (strcmp(s, map[i][0]) == 0)
            return map[i][1];
    return s;
}

/* row_member - the member a listed row is addressed to, 0 when it names a platform id. */
static int64_t row_member(sqlite3_stmt *st)
{
    const char *to = store_text(st, 4);
    if (strcmp(store_text(st, 3), "member") != 0 || !textfmt_digits(to, 1, 18, false))
        return 0;
    return strtoll(to, NULL, 10);
}

int outbox_print(FILE *f, const char *status, int limit, bool unmask)
{
    sqlite3_stmt *st = store_stmt(sql_list);
    if (!st)
        return ZB_EDB;
    bind_opt(st, 1, status);
    sqlite3_bind_int(st, 2, limit);
    struct member_names *names = member_names_new();
    int rc, rows = 0;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) /* first the members, for one name query */
        member_names_add(names, row_member(st));
    sqlite3_reset(st);
    if (rc != SQLITE_DONE || member_names_load(names)) {
        member_names_free(names);
        return ZB_EDB;
    }
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        char created[32], when[32];
        const char *stat = store_text(st, 1);
        int64_t member = row_member(st);
        textfmt_time(sqlite3_column_int64(st, 2), created, sizeof created);
        fprintf(f, "#%lld %s 入队 %s 收件人 %s ", (long long)sqlite3_column_int64(st, 0),
                status_label(stat), created, rcpt_label(store_text(st, 3)));
        textfmt_clean(f, store_text(st, 4));
        if (member) { /* the list to phone: who, and for an unreachable one the number */
            fputc(' ', f);
            member_names_print(f, names, member, strcmp(stat, "unreachable") == 0, unmask);
        }
        fprintf(f, " [%s]", kind_label(store_text(st, 5)));
        if (*store_text(st, 6))
            fprintf(f, " 渠道 %s %s", store_text(st, 6), store_text(st, 7));
        fprintf(f, " 尝试 %d 次", sqlite3_column_int(st, 8));
        if (strcmp(stat, "sent") == 0) {
            textfmt_time(sqlite3_column_int64(st, 9), when, sizeof when);
            fprintf(f, " 送达 %s", when);
        } else if (strcmp(stat, "pending") == 0) {
            textfmt_time(sqlite3_column_int64(st, 10), when, sizeof when);
            fprintf(f, " 下次 %s", when);
        }
        if (*store_text(st, 11) || *store_text(st, 12)) {
            fprintf(f, " 错误 %s ", *store_text(st, 11) ? store_text(st, 11) : "-");
            textfmt_excerpt(f, store_text(st, 12), 200);
        }
        fputs("\n    ", f);
        textfmt_excerpt(f, store_text(st, 13), 80);
        fputc('\n', f);
        rows++;
    }
    sqlite3_reset(st);
    member_names_free(names);
    if (rc == SQLITE_DONE && rows == 0)
        fprintf(f, "（没有符合条件的消息）\n");
    return rc == SQLITE_DONE ? ZB_OK : ZB_EDB;
}

static const char sql_status_of[] = "SELECT status FROM outbox WHERE id=?1";
static const char sql_cancel[] =
    "UPDATE outbox SET status='failed', error_code='cancelled', error_text='已取消', "
    "updated_at=?2 WHERE id=?1 AND status IN ('pending', 'failed', 'unreachable')";
static const char sql_retry[] =
    "UPDATE outbox SET status='pending', next_try_at=?2, not_before=min(not_before, ?2), "
    "attempts=0, closed=0, expires_at=0, error_code=NULL, error_text=NULL, updated_at=?2 "
    "WHERE id=?1 AND status IN ('pending', 'failed', 'unreachable')";

/* change - run the cancel or retry statement on row id, its status before into was. */
static int change(const char *sql, int64_t id, int64_t now, char *was, size_t wassz)
{
    assert(store_in_tx());
    sqlite3_stmt *st = store_stmt(sql_status_of);
    if (!st)
        return ZB_EDB;
    sqlite3_bind_int64(st, 1, id);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        snprintf(was, wassz, "%s", store_text(st, 0));
    sqlite3_reset(st);
    if (rc == SQLITE_DONE)
        return ZB_ENOTFOUND;
    if (rc != SQLITE_ROW)
        return ZB_EDB;
    if (strcmp(was, "pending") != 0 && strcmp(was, "failed") != 0 &&
        strcmp(was, "unreachable") != 0)
        return ZB_EINVAL;
    if (!(st = store_stmt(sql)))
        return ZB_EDB;
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_int64(st, 2, now);
    return store_exec_done(st);
}

int outbox_cancel(int64_t id, int64_t now, char *was, size_t wassz)
{
    return change(sql_cancel, id, now, was, wassz);
}

int outbox_retry(int64_t id, int64_t now, char *was, size_t wassz)
{
    return change(sql_retry, id, now, was, wassz);
}

static const char sql_texts_by_key[] =
    "SELECT text FROM outbox WHERE substr(idem_key, 1, length(?1)) = ?1 ORDER BY seq, id";

int outbox_texts_by_key(const char *key_prefix, int (*fn)(void *arg, const char *text), void *arg)
{
    sqlite3_stmt *st = store_stmt(sql_texts_by_key);
    if (!st)
        return ZB_EDB;
    sqlite3_bind_text(st, 1, key_prefix, -1, SQLITE_TRANSIENT);
    int rc, out = ZB_OK;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        if ((out = fn(arg, store_text(st, 0))) != 0)
            break;
    sqlite3_reset(st);
    if (out)
        return out;
    return rc == SQLITE_DONE ? ZB_OK : ZB_EDB;
}
