/* scheduler.c - the minute thread and the sched_runs table (see scheduler.h). */
#include "bot/delivery/scheduler.h"

#include <pthread.h>
#include <stdbool.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bot/base/clock.h"
#include "bot/base/log.h"
#include "bot/delivery/outbox.h"
#include "bot/store/store.h"
#include "bot/base/xmalloc.h"

#define MAX_JOBS 32

static const char sql_last[] = "SELECT period_key FROM sched_runs WHERE job=?1";
static const char sql_mark[] =
    "INSERT INTO sched_runs(job, period_key, ran_at) VALUES(?1,?2,?3) ON CONFLICT(job) DO UPDATE "
    "SET period_key=excluded.period_key, ran_at=excluded.ran_at";

static const struct sched_job *jobs[MAX_JOBS];
static int njobs;

struct scheduler {
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    int stop;
};

int scheduler_register(const struct sched_job *job)
{
    if (!job || !job->name || !job->run || job->hour < 0 || job->hour > 23)
        return ZB_EINVAL;
    for (int i = 0; i < njobs; i++)
        if (strcmp(jobs[i]->name, job->name) == 0)
            return ZB_EINVAL;
    if (njobs == MAX_JOBS)
        return ZB_EBUSY;
    jobs[njobs++] = job;
    return ZB_OK;
}

void scheduler_reset(void)
{
    njobs = 0;
}

static void period_key(const struct sched_job *j, const struct tm *tm, char *out, size_t n)
{
    const char *fmt = j->period == SCHED_MINUTE   ? "%Y-%m-%dT%H:%M"
                      : j->period == SCHED_HOURLY ? "%Y-%m-%dT%H"
                                                  : "%Y-%m-%d";
    strftime(out, n, fmt, tm);
}

/* already_ran - 1 when job ran for key, 0 when not, <0 on error. */
static int already_ran(const struct sched_job *j, const char *key)
{
    sqlite3_stmt *st = store_stmt(sql_last);
    if (!st)
        return ZB_EDB;
    sqlite3_bind_text(st, 1, j->name, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    int ran = rc == SQLITE_ROW && strcmp(store_text(st, 0), key) == 0;
    sqlite3_reset(st);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? ran : ZB_EDB;
}

/* run_one - run j for key inside one transaction with its sched_runs mark (mark false: run
 * whether or not the period ran, and leave sched_runs alone). */
static int run_one(const struct sched_job *j, const struct sched_tick *t, bool mark)
{
    if (store_begin())
        return ZB_EDB;
    int ran = mark ? already_ran(j, t->period_key) : 0;
    if (ran != 0) {
        store_rollback();
        return ran < 0 ? ran : 1;
    }
    int rc = j->run(t, j->arg);
    if (rc) {
        store_rollback();
        log_warn("scheduler: job %s failed: %s; tried again next minute", j->name, zb_strerror(rc));
        return rc;
    }
    if (!mark) {
        rc = store_commit();
        if (rc == ZB_OK) {
            outbox_kick_pushed();
            log_info("scheduler: ran %s now (for %s)", j->name, t->period_key);
        }
        return rc;
    }
    sqlite3_stmt *st = store_stmt(sql_mark);
    if (!st) {
        store_rollback();
        return ZB_EDB;
    }
    sqlite3_bind_text(st, 1, j->name, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, t->period_key, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, t->now);
    if (store_exec_done(st)) {
        store_rollback();
        return ZB_EDB;
    }
    rc = store_commit();
    if (rc == ZB_OK) {
        outbox_kick_pushed();
        log_info("scheduler: ran %s for %s", j->name, t->period_key);
    }
    return rc;
}

int scheduler_run_due(int64_t now, int *ran)
{
    int count = 0, status = ZB_OK;
    time_t tt = (time_t)now;
    struct sched_tick t = {.now = now};
    localtime_r(&tt, &t.local);
    for (int i = 0; i < njobs; i++) {
        const struct sched_job *j = jobs[i];
        if (j->period == SCHED_DAILY && t.local.tm_hour < j->hour)
            continue;
        char key[32];
        period_key(j, &t.local, key, sizeof key);
        t.period_key = key;
        int rc = run_one(j, &t, true);
        if (rc == ZB_OK)
            count++;
        else if (rc < 0)
            status = rc;
    }
    if (ran)
        *ran = count;
    return status;
}

size_t scheduler_job_count(void)
{
    return (size_t)njobs;
}

const struct sched_job *scheduler_job_at(size_t i)
{
    return i < (size_t)njobs ? jobs[i] : NULL;
}

int scheduler_run_now(const char *name, int64_t now, int *ran)
{
    int count = 0, status = ZB_OK;
    bool found = false;
    time_t tt = (time_t)now;
    struct sched_tick t = {.now = now};
    localtime_r(&tt, &t.local);
    for (int i = 0; i < njobs; i++) {
        const struct sched_job *j = jobs[i];
        if (name && strcmp(j->name, name) != 0)
            continue;
        found = true;
        char key[32];
        period_key(j, &t.local, key, sizeof key);
        t.period_key = key;
        int rc = run_one(j, &t, false);
        if (rc == ZB_OK)
            count++;
        else if (status == ZB_OK)
            status = rc;
    }
    if (ran)
        *ran = count;
    return found || !name ? status : ZB_ENOTFOUND;
}

static void *loop(void *arg)
{
    struct scheduler *s = arg;
    pthread_mutex_lock(&s->mu);
    while (!s->stop) {
        pthread_mutex_unlock(&s->mu);
        if (scheduler_run_due(clock_now(), NULL))
            log_warn("scheduler: some jobs failed this minute");
        pthread_mutex_lock(&s->mu);
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        ts.tv_sec = (ts.tv_sec / 60 + 1) * 60; /* the next minute boundary */
        ts.tv_nsec = 0;
        while (!s->stop && pthread_cond_timedwait(&s->cv, &s->mu, &ts) == 0)
            ;
    }
    pthread_mutex_unlock(&s->mu);
    store_close_thread();
    return NULL;
}

int scheduler_start(struct scheduler **out)
{
    struct scheduler *s = xcalloc(1, sizeof *s);
    pthread_mutex_init(&s->mu, NULL);
    pthread_cond_init(&s->cv, NULL);
    if (pthread_create(&s->thread, NULL, loop, s) != 0) {
        pthread_mutex_destroy(&s->mu);
        pthread_cond_destroy(&s->cv);
        free(s);
        *out = NULL;
        return ZB_EIO;
    }
    log_info("scheduler: started with %d jobs", njobs);
    *out = s;
    return ZB_OK;
}

void scheduler_stop(struct scheduler *s)
{
    if (!s)
        return;
    pthread_mutex_lock(&s->mu);
    s->stop = 1;
    pthread_cond_broadcast(&s->cv);
    pthread_mutex_unlock(&s->mu);
    pthread_join(s->thread, NULL);
    pthread_mutex_destroy(&s->mu);
    pthread_cond_destroy(&s->cv);
    free(s);
}
