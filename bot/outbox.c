/*
 * outbox.c - queuing into the outbox table (see outbox.h). Delivery is the sender's job.
 */
#include "bot/outbox.h"

#include <pthread.h>
#include <sqlite3.h>
#include <time.h>

#include "bot/store.h"

static const char sql_push[] =
    "INSERT INTO outbox(idem_key, rcpt, to_id, kind, text, data_json, reply_to, seq, not_before, "
    "expires_at, next_try_at, created_at) VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?9,?11) "
    "ON CONFLICT(idem_key) DO NOTHING";
static const char sql_find[] = "SELECT id FROM outbox WHERE idem_key=?1";

static pthread_mutex_t kick_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t kick_cv = PTHREAD_COND_INITIALIZER;
static unsigned kicks;

const char *outbox_rcpt_name(enum outbox_rcpt r)
{
    static const char *const names[] = {"member",       "wechat",     "onebot_user",
                                        "onebot_group", "qqbot_user", "qqbot_group"};
    return (unsigned)r < sizeof names / sizeof names[0] ? names[r] : NULL;
}

const char *outbox_kind_name(enum outbox_kind k)
{
    static const char *const names[] = {"reply", "reminder", "broadcast", "digest"};
    return (unsigned)k < sizeof names / sizeof names[0] ? names[k] : NULL;
}

int outbox_push(const struct outbox_msg *m, int64_t *id)
{
    const char *rcpt = outbox_rcpt_name(m->rcpt);
    const char *kind = outbox_kind_name(m->kind);
    if (!m->idem_key || !*m->idem_key || !m->to || !*m->to || !m->text || !rcpt || !kind)
        return ZB_EINVAL;
    int64_t now = (int64_t)time(NULL);
    sqlite3_stmt *st = store_stmt(sql_push);
    if (!st)
        return ZB_EDB;
    sqlite3_bind_text(st, 1, m->idem_key, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, rcpt, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, m->to, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, kind, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, m->text, -1, SQLITE_STATIC);
    if (m->data_json)
        sqlite3_bind_text(st, 6, m->data_json, -1, SQLITE_STATIC);
    if (m->reply_to)
        sqlite3_bind_text(st, 7, m->reply_to, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 8, m->seq);
    sqlite3_bind_int64(st, 9, m->not_before ? m->not_before : now);
    sqlite3_bind_int64(st, 10, m->expires_at);
    sqlite3_bind_int64(st, 11, now);
    int rc = store_exec_done(st);
    if (rc || !id)
        return rc;
    st = store_stmt(sql_find);
    if (!st)
        return ZB_EDB;
    sqlite3_bind_text(st, 1, m->idem_key, -1, SQLITE_STATIC);
    rc = sqlite3_step(st);
    *id = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
    sqlite3_reset(st);
    return rc == SQLITE_ROW ? ZB_OK : ZB_EDB;
}

void outbox_kick(void)
{
    pthread_mutex_lock(&kick_mu);
    kicks++;
    pthread_cond_broadcast(&kick_cv);
    pthread_mutex_unlock(&kick_mu);
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
