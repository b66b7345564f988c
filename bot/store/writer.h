/*
 * writer.h - the writer thread: group commit for the request path.
 *
 * Request threads hand their database work to one writer thread, either waiting for it
 * (writer_run) or asking to be called back (writer_submit). The writer takes every job queued at
 * that moment, runs each inside its own savepoint within one transaction, commits once, and then
 * completes the jobs. A job's writes are durable (by the configured synchronous level) when it
 * completes with ZB_OK. Jobs run in arrival order, so two deliveries of one message are handled
 * one after the other, never at the same time. SQLite's WAL checkpoints run on a separate thread
 * so no request waits for one.
 */
#ifndef ZHIBU_WRITER_H
#define ZHIBU_WRITER_H

#include <stdbool.h>
#include <stdint.h>

#include "bot/base/err.h"

struct writer_job {
    int (*fn)(void *arg);               /* the work; non-zero rolls its writes back */
    void *arg;                          /* its argument */
    void (*done)(struct writer_job *j); /* writer_submit: called after the commit */
    int rc;                             /* fn's result, or ZB_EDB when the commit failed */
    bool finished;                      /* writer_run: set after the commit */
    int64_t due_ms;                     /* writer_submit_after: monotonic ms, set by the writer */
    struct writer_job *next;            /* queue link, owned by the writer */
};

/*
 * writer_submit - queue j (fn, arg and done set by the caller; j stays valid until done runs).
 * done(j) is called on the writer thread after the batch commits, with j->rc set; it must be
 * quick and must not call writer functions. The writer starts on first use.
 */
void writer_submit(struct writer_job *j);

/*
 * writer_submit_after - like writer_submit, but fn runs no earlier than delay_ms from now (on
 * the monotonic clock): timers shorter than the scheduler's minute. Delayed jobs wait in a list
 * ordered by due time (equal times keep their arrival order); the writer sleeps until the
 * earliest is due, then queues it behind the jobs already waiting. At writer_stop, delayed jobs
 * not yet due do not run: done(j) is called with rc ZB_EBUSY.
 */
void writer_submit_after(struct writer_job *j, int64_t delay_ms);

/*
 * writer_on_commit - call fn(arg) on the writer thread after each batch that commits (once per
 * commit, not per job), e.g. to wake the sender for rows the jobs queued. fn must be quick and
 * must not call writer functions. Hooks stay for the life of the process. ZB_ETOOBIG when the
 * hook table (8) is full.
 */
int writer_on_commit(void (*fn)(void *arg), void *arg) ZB_MUST_USE;

/*
 * writer_run - run fn(arg) on the writer thread and wait. ZB_OK only after the commit; fn's
 * code when it failed (its writes rolled back); ZB_EDB when the batch could not be committed.
 * fn must not call store_begin/commit.
 */
int writer_run(int (*fn)(void *arg), void *arg) ZB_MUST_USE;

/* writer_last_result - ZB_OK when the writer's last batch committed (or none ran yet), else the
 * code of its failure (ZB_EDB): what /healthz and the watchdog report. Any thread. */
int writer_last_result(void);

/* How long the writer held the database: each transaction (a batch of jobs) from BEGIN to
 * COMMIT, and the longest single job in one. Every request that writes waits behind at most one
 * transaction, so these bound what a long job (a fan-out step) costs everyone else. */
struct writer_stats {
    unsigned long long transactions; /* batches run */
    unsigned long long over_10ms;    /* of them, held longer than 10 ms */
    int64_t transaction_max_us;      /* the longest, BEGIN to COMMIT */
    int64_t job_max_us;              /* the longest single job */
};

/* writer_stats - the figures since the process started, into *out. Any thread. */
void writer_stats(struct writer_stats *out);

/* writer_stop - finish queued jobs, stop the writer and checkpoint threads, close their
 * connections. Safe to call when never started; writer_run may start it again. While the writer
 * runs, store_tx_run goes through writer_run. */
void writer_stop(void);

#endif
