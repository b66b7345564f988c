/*
 * async.c - the asynchronous bridge (see async.h): request state, the resume function, and the
 * writer job that ends in http_ready.
 */
#include "webhook/http/async.h"

#include <stdlib.h>

#include "bot/base/xmalloc.h"
#include "bot/store/writer.h"

void http_async_begin(struct http_request *req, struct http_response *resp, void *state,
                      void (*state_free)(void *), route_handler *resume)
{
    req->state = state;
    req->state_free = state_free;
    req->resume = resume;
    http_pending(resp);
}

/* One http_async_write in flight: the writer's job and what to do after it. */
struct async_write {
    struct writer_job job;    /* fn and arg; rc after the commit */
    struct http_request *req; /* to resume */
    void (*arg_free)(void *); /* frees job.arg */
    http_async_done *done;    /* builds the response */
};

static void write_free(void *p)
{
    struct async_write *w = p;
    if (w->arg_free)
        w->arg_free(w->job.arg);
    free(w);
}

/* job_done - the writer committed (or not): wake the connection. Writer thread. */
static void job_done(struct writer_job *j)
{
    struct async_write *w = (struct async_write *)j; /* job is the first member */
    http_ready(w->req);
}

static void write_resume(const struct config *cfg, struct http_request *req,
                         struct http_response *resp)
{
    (void)cfg;
    struct async_write *w = req->state;
    w->done(req, w->job.arg, w->job.rc, resp);
}

void http_async_write(struct http_request *req, struct http_response *resp, int (*fn)(void *arg),
                      void *arg, void (*arg_free)(void *), http_async_done *done)
{
    struct async_write *w = xcalloc(1, sizeof *w);
    w->job.fn = fn;
    w->job.arg = arg;
    w->job.done = job_done;
    w->req = req;
    w->arg_free = arg_free;
    w->done = done;
    http_async_begin(req, resp, w, write_free, write_resume);
    writer_submit(&w->job);
}
