/*
 * async.h - the asynchronous bridge between a request and work done elsewhere (the writer
 * thread, the router): the connection is suspended while the work runs - no thread blocks - and
 * a resume function writes the response when it is done.
 *
 * Two ways in. http_async_begin is the general one: the handler keeps its state on the request,
 * starts its work (e.g. router_submit with http_dispatched as the done callback) and the work's
 * completion calls http_ready(req). http_async_write is the common case done for you: run a
 * function as a writer job (one savepoint in the writer's group commit) and build the response
 * from its result. server_stop waits for every suspended request to be answered.
 */
#ifndef ZHIBU_HTTP_ASYNC_H
#define ZHIBU_HTTP_ASYNC_H

#include "webhook/http/http.h"

/*
 * http_async_begin - the handler of req is going asynchronous: state (may be NULL) is kept on
 * req and freed with state_free (may be NULL) when the request ends, whatever happens; resp is
 * marked pending; resume(cfg, req, resp) is called on an HTTP thread after http_ready(req) to
 * write the response (it may go asynchronous again). The caller must then start work that
 * calls http_ready(req) exactly once. Call at most once per handler call.
 */
void http_async_begin(struct http_request *req, struct http_response *resp, void *state,
                      void (*state_free)(void *), route_handler *resume);

/* The completion of http_async_write: rc is fn's result (ZB_EDB when the commit failed); arg
 * is the one given; it runs on an HTTP thread and must write resp (a status other than 0). */
typedef void http_async_done(struct http_request *req, void *arg, int rc,
                             struct http_response *resp);

/*
 * http_async_write - run fn(arg) on the writer thread (inside the batch's transaction, in its
 * own savepoint: a non-zero return rolls back its writes; fn must not begin or commit), then
 * done(req, arg, rc, resp) with the connection resumed. arg is owned by the request from here
 * on and freed with arg_free (may be NULL) when the request ends.
 */
void http_async_write(struct http_request *req, struct http_response *resp, int (*fn)(void *arg),
                      void *arg, void (*arg_free)(void *), http_async_done *done);

#endif
