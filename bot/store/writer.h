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

#include "bot/base/err.h"

struct writer_job {
    int (*fn)(void *arg);               /* the work; non-zero rolls its writes back */
    void *arg;                          /* its argument */
    void (*done)(struct writer_job *j); /* writer_submit: called after the commit */
    int rc;                             /* fn's result, or ZB_EDB when the commit failed */
    bool finished;                      /* writer_run: set after the commit */
    struct writer_job *next;            /* queue link, owned by the writer */
};

/*
 * writer_submit - queue j (fn, arg and done set by the caller; j stays valid until done runs).
 * done(j) is called on the writer thread after the batch commits, with j->rc set; it must be
 * quick and must not call writer functions. The writer starts on first use.
 */
void writer_submit(struct writer_job *j);

/*
 * writer_run - run fn(arg) on the writer thread and wait. ZB_OK only after the commit; fn's
 * code when it failed (its writes rolled back); ZB_EDB when the batch could not be committed.
 * fn must not call store_begin/commit.
 */
int writer_run(int (*fn)(void *arg), void *arg) ZB_MUST_USE;

/* writer_stop - finish queued jobs, stop the writer and checkpoint threads, close their
 * connections. Safe to call when never started; writer_run may start it again. */
void writer_stop(void);

#endif
