/*
 * writer.c - group commit on one writer thread, and a background WAL checkpointer (see
 * writer.h).
 *
 * Jobs are objects of the callers, linked into a FIFO under one mutex. The writer takes the queue
 * (up to BATCH_MAX), runs it in one transaction (store_begin takes the process-wide writer lock,
 * so other in-process writers interleave between batches), commits, then completes each job:
 * a callback for submitted jobs, a flag and a broadcast for waiting ones.
 */
#include "bot/store/writer.h"

#include <pthread.h>
#include <stdatomic.h>
#include <sqlite3.h>
#include <stdbool.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>

#include "bot/base/log.h"
#include "bot/store/store.h"

#define BATCH_MAX        256
#define HOOKS_MAX        8    /* post-commit hooks */
#define CHECKPOINT_PAGES 8000 /* WAL frames (of 4 KiB) written before the checkpointer is woken */

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t work_cv; /* jobs queued, or stop; on CLOCK_MONOTONIC (init_once) */
static pthread_once_t cv_once = PTHREAD_ONCE_INIT;
static pthread_cond_t done_cv = PTHREAD_COND_INITIALIZER; /* a batch finished */
static pthread_cond_t ckpt_cv = PTHREAD_COND_INITIALIZER; /* the WAL grew */
static struct writer_job *head, *tail;
static struct writer_job *delayed; /* writer_submit_after jobs, by due_ms then arrival */
static struct {
    void (*fn)(void *arg); /* called after each commit */
    void *arg;             /* its argument */
} hooks[HOOKS_MAX];
static size_t n_hooks;
static bool running, stopping;
static _Atomic int last_rc; /* ZB_OK, or the code of the last batch that failed to commit */
static unsigned ckpt_due;
static _Atomic unsigned long long st_tx, st_over; /* writer_stats, written by the writer only */
static _Atomic int64_t st_tx_max_us, st_job_max_us;
static _Atomic unsigned long long n_jobs; /* jobs run, for the log line and the checkpointer */
static unsigned long long n_batches;      /* transactions, for the shutdown log line */
static unsigned long long ckpt_seen_jobs; /* n_jobs at the checkpointer's last round */
static unsigned long long ckpt_truncated_jobs = ~0ULL; /* n_jobs at the last truncation */
static pthread_t writer_tid, ckpt_tid;

static int exec(const char *sql)
{
    char *msg = NULL;
    if (sqlite3_exec(store_db(), sql, NULL, NULL, &msg) == SQLITE_OK)
        return ZB_OK;
    log_error("writer: %s failed: %s", sql, msg ? msg : "?");
    sqlite3_free(msg);
    return ZB_EDB;
}

/* on_wal - SQLite's commit hook on the writer connection: wake the checkpointer when due. */
static int on_wal(void *ud, sqlite3 *db, const char *name, int pages)
{
    (void)ud;
    (void)db;
    (void)name;
    if (pages >= CHECKPOINT_PAGES) {
        pthread_mutex_lock(&mu);
        ckpt_due++;
        pthread_cond_signal(&ckpt_cv);
        pthread_mutex_unlock(&mu);
    }
    return SQLITE_OK;
}

static void init_cv(void)
{
    pthread_condattr_t a;
    pthread_condattr_init(&a);
    pthread_condattr_setclock(&a, CLOCK_MONOTONIC);
    pthread_cond_init(&work_cv, &a);
    pthread_condattr_destroy(&a);
}

static int64_t mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* call_hooks - the post-commit hooks, in registration order (on the writer thread). */
static void call_hooks(void)
{
    pthread_mutex_lock(&mu);
    size_t n = n_hooks;
    pthread_mutex_unlock(&mu);
    for (size_t i = 0; i < n; i++)
        hooks[i].fn(hooks[i].arg); /* entries below n_hooks never change */
}

/* append - add j at the tail of the ready queue; called with mu held. */
static void append(struct writer_job *j)
{
    j->next = NULL;
    if (tail)
        tail->next = j;
    else
        head = j;
    tail = j;
}

/* promote - move delayed jobs due by now_ms to the ready queue; the ms until the next one is
 * due, or -1 when none waits. Called with mu held. */
static int64_t promote(int64_t now_ms)
{
    while (delayed && delayed->due_ms <= now_ms) {
        struct writer_job *j = delayed;
        delayed = j->next;
        append(j);
    }
    return delayed ? delayed->due_ms - now_ms : -1;
}

/* wait_work - sleep until a job is ready, the next delayed job is due, or stop; mu held. */
static void wait_work(void)
{
    for (;;) {
        int64_t left = promote(mono_ms());
        if (head || stopping)
            return;
        if (left < 0) {
            pthread_cond_wait(&work_cv, &mu);
            continue;
        }
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        ts.tv_sec += left / 1000;
        ts.tv_nsec += (long)(left % 1000) * 1000000L;
        if (ts.tv_nsec >= 1000000000L) {
            ts.tv_sec++;
            ts.tv_nsec -= 1000000000L;
        }
        pthread_cond_timedwait(&work_cv, &mu, &ts);
    }
}

static int64_t mono_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* note_max - *slot = max(*slot, v); only the writer thread writes. */
static void note_max(_Atomic int64_t *slot, int64_t v)
{
    if (v > atomic_load(slot))
        atomic_store(slot, v);
}

void writer_stats(struct writer_stats *out)
{
    out->transactions = atomic_load(&st_tx);
    out->over_10ms = atomic_load(&st_over);
    out->transaction_max_us = atomic_load(&st_tx_max_us);
    out->job_max_us = atomic_load(&st_job_max_us);
}

/* run_batch - run the jobs of list in one transaction; every job gets its rc. */
static void run_batch(struct writer_job *list)
{
    int rc = store_begin();
    int64_t began = mono_us(); /* held from here: the wait for the lock is not the writer's */
    for (struct writer_job *j = list; j; j = j->next) {
        if (rc) {
            j->rc = rc;
            continue;
        }
        if (exec("SAVEPOINT job")) {
            j->rc = ZB_EDB;
            continue;
        }
        int64_t job_began = mono_us();
        j->rc = j->fn(j->arg);
        note_max(&st_job_max_us, mono_us() - job_began);
        if (j->rc)
            exec("ROLLBACK TO job");
        if (exec("RELEASE job") && !j->rc)
            j->rc = ZB_EDB;
        if (sqlite3_get_autocommit(store_db())) {
            /* SQLite rolled the whole transaction back (disk full, I/O error): every job of
             * the batch lost its writes, and the rest must not run outside a transaction. */
            log_error("writer: the transaction was rolled back; failing the batch");
            for (struct writer_job *k = list; k; k = k->next)
                k->rc = ZB_EDB;
            rc = ZB_EDB;
            store_rollback();
            break;
        }
    }
    if (rc == ZB_OK && store_commit() != ZB_OK) {
        for (struct writer_job *j = list; j; j = j->next)
            j->rc = ZB_EDB;
        rc = ZB_EDB;
    }
    int64_t held = mono_us() - began;
    note_max(&st_tx_max_us, held);
    atomic_fetch_add(&st_tx, 1);
    if (held > 10000)
        atomic_fetch_add(&st_over, 1);
    atomic_store(&last_rc, rc);
    if (rc == ZB_OK)
        call_hooks();
}

int writer_last_result(void)
{
    return atomic_load(&last_rc);
}

static void *writer_main(void *unused)
{
    (void)unused;
    sqlite3 *db = store_db();
    if (db) {
        sqlite3_exec(db, "PRAGMA wal_autocheckpoint=0", NULL, NULL, NULL);
        sqlite3_wal_hook(db, on_wal, NULL);
    }
    pthread_mutex_lock(&mu);
    for (;;) {
        wait_work();
        if (!head && stopping)
            break;
        /* Take at most BATCH_MAX jobs off the front. */
        struct writer_job *list = head, *last = head;
        for (int n = 1; n < BATCH_MAX && last->next; n++)
            last = last->next;
        head = last->next;
        if (!head)
            tail = NULL;
        last->next = NULL;
        n_batches++;
        pthread_mutex_unlock(&mu);
        if (db)
            run_batch(list);
        else
            for (struct writer_job *j = list; j; j = j->next)
                j->rc = ZB_EDB;
        bool waiters = false;
        for (struct writer_job *j = list, *next; j; j = next) {
            next = j->next; /* j may be freed by its callback */
            if (j->done) {
                j->done(j);
            } else {
                pthread_mutex_lock(&mu);
                j->finished = true;
                pthread_mutex_unlock(&mu);
                waiters = true;
            }
            n_jobs++;
        }
        pthread_mutex_lock(&mu);
        if (waiters)
            pthread_cond_broadcast(&done_cv);
    }
    /* Delayed jobs not yet due are not run: their owners learn it through done. */
    struct writer_job *left = delayed;
    delayed = NULL;
    pthread_mutex_unlock(&mu);
    for (struct writer_job *j = left, *next; j; j = next) {
        next = j->next;
        j->rc = ZB_EBUSY;
        j->done(j);
    }
    store_close_thread();
    return NULL;
}

static void *checkpoint_main(void *unused)
{
    (void)unused;
    pthread_mutex_lock(&mu);
    for (;;) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        ts.tv_sec += 5;
        while (!ckpt_due && !stopping)
            if (pthread_cond_timedwait(&ckpt_cv, &mu, &ts) != 0)
                break;
        if (!stopping && ckpt_due) { /* at most one checkpoint a second under load */
            pthread_mutex_unlock(&mu);
            sleep(1);
            pthread_mutex_lock(&mu);
        }
        if (stopping)
            break;
        /* idle: no job since the last round and none queued. A TRUNCATE checkpoint then holds
         * the write lock only while readers finish, which nobody is waiting for; it shrinks the
         * WAL to zero so that a burst never leaves a large file behind. */
        bool idle = !ckpt_due && n_jobs == ckpt_seen_jobs && !head;
        bool wal_dirty = n_jobs != ckpt_truncated_jobs;
        ckpt_seen_jobs = n_jobs;
        ckpt_due = 0;
        pthread_mutex_unlock(&mu);
        sqlite3 *db = store_db();
        int log_frames = 0, done_frames = 0;
        int mode = idle ? SQLITE_CHECKPOINT_TRUNCATE : SQLITE_CHECKPOINT_PASSIVE;
        int rc = SQLITE_OK;
        if (db && (!idle || wal_dirty)) {
            if (idle)
                sqlite3_busy_timeout(db, 200); /* never hold the write lock long */
            rc = sqlite3_wal_checkpoint_v2(db, NULL, mode, &log_frames, &done_frames);
            if (rc == SQLITE_OK && idle) {
                pthread_mutex_lock(&mu);
                ckpt_truncated_jobs = ckpt_seen_jobs;
                pthread_mutex_unlock(&mu);
            }
        }
        if (rc != SQLITE_OK && rc != SQLITE_BUSY)
            log_warn("writer: checkpoint failed: %s", sqlite3_errmsg(db));
        pthread_mutex_lock(&mu);
    }
    pthread_mutex_unlock(&mu);
    store_close_thread();
    return NULL;
}

/* start - launch the threads once; called with mu held. */
static int start(void)
{
    if (running)
        return ZB_OK;
    pthread_once(&cv_once, init_cv);
    stopping = false;
    if (pthread_create(&writer_tid, NULL, writer_main, NULL) != 0)
        return ZB_EDB;
    if (pthread_create(&ckpt_tid, NULL, checkpoint_main, NULL) != 0) {
        stopping = true;
        pthread_cond_broadcast(&work_cv);
        pthread_mutex_unlock(&mu);
        pthread_join(writer_tid, NULL);
        pthread_mutex_lock(&mu);
        return ZB_EDB;
    }
    running = true;
    store_set_tx_runner(writer_run);
    return ZB_OK;
}

/* enqueue - append j and wake the writer; called with mu held. ZB_EDB if it cannot start. */
static int enqueue(struct writer_job *j)
{
    if (stopping && running)
        return ZB_EDB; /* writer_stop is draining: nothing new */
    if (start())
        return ZB_EDB;
    append(j);
    pthread_cond_signal(&work_cv);
    return ZB_OK;
}

void writer_submit(struct writer_job *j)
{
    pthread_mutex_lock(&mu);
    int rc = enqueue(j);
    pthread_mutex_unlock(&mu);
    if (rc) {
        log_error("writer: cannot start the writer thread");
        j->rc = rc;
        j->done(j);
    }
}

void writer_submit_after(struct writer_job *j, int64_t delay_ms)
{
    pthread_mutex_lock(&mu);
    int rc = ZB_EDB;
    if (!(stopping && running) && start() == ZB_OK) {
        j->due_ms = mono_ms() + (delay_ms > 0 ? delay_ms : 0);
        struct writer_job **p = &delayed;
        while (*p && (*p)->due_ms <= j->due_ms)
            p = &(*p)->next;
        j->next = *p;
        *p = j;
        pthread_cond_signal(&work_cv); /* the writer may sleep past the new earliest time */
        rc = ZB_OK;
    }
    pthread_mutex_unlock(&mu);
    if (rc) {
        log_error("writer: cannot start the writer thread");
        j->rc = rc;
        j->done(j);
    }
}

int writer_on_commit(void (*fn)(void *arg), void *arg)
{
    int rc = ZB_ETOOBIG;
    pthread_mutex_lock(&mu);
    if (n_hooks < HOOKS_MAX) {
        hooks[n_hooks].fn = fn;
        hooks[n_hooks].arg = arg;
        n_hooks++;
        rc = ZB_OK;
    }
    pthread_mutex_unlock(&mu);
    return rc;
}

int writer_run(int (*fn)(void *arg), void *arg)
{
    struct writer_job j = {.fn = fn, .arg = arg};
    pthread_mutex_lock(&mu);
    if (enqueue(&j)) {
        pthread_mutex_unlock(&mu);
        log_error("writer: cannot start the writer thread");
        return ZB_EDB;
    }
    while (!j.finished)
        pthread_cond_wait(&done_cv, &mu);
    pthread_mutex_unlock(&mu);
    return j.rc;
}

void writer_stop(void)
{
    pthread_mutex_lock(&mu);
    if (!running) {
        pthread_mutex_unlock(&mu);
        return;
    }
    stopping = true;
    pthread_cond_broadcast(&work_cv);
    pthread_cond_broadcast(&ckpt_cv);
    pthread_mutex_unlock(&mu);
    pthread_join(writer_tid, NULL);
    pthread_join(ckpt_tid, NULL);
    store_set_tx_runner(NULL);
    pthread_mutex_lock(&mu);
    running = false;
    if (n_batches)
        log_info("writer: %llu jobs in %llu transactions (%.1f per commit)", n_jobs, n_batches,
                 (double)n_jobs / (double)n_batches);
    pthread_mutex_unlock(&mu);
}
