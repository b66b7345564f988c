/*
 * qq_post.h - the per-request block that the OneBot and QQ bot webhooks share: the body as
 * bytes, the hand-off of one event to the router with the connection suspended, and the
 * bookkeeping once the router answered (metrics, debug log). Each adapter keeps its own checks,
 * parsing, delivery hooks and answer.
 */
#ifndef ZHIBU_QQ_POST_H
#define ZHIBU_QQ_POST_H

#include <stddef.h>

#include "bot/chat/event.h"
#include "bot/chat/router.h"
#include "webhook/http/http.h"

/* The shared head of an adapter's request state (the adapter's struct begins with it). */
struct qq_post {
    struct event ev;         /* what the router sees; strings borrowed from the adapter's state */
    struct router_opts opts; /* the adapter's hooks; max_chars from the platform table */
    struct router_call call; /* the dispatch and its reply */
};

/* qq_post_body - the request body (never NULL, "" when empty) and its length in *len. */
const char *qq_post_body(const struct http_request *req, size_t *len);

/*
 * qq_post_submit - hand p->ev to the router with p->opts (max_chars set here from the platform
 * table: the QQ page) and
 * suspend the connection: state (whose first member is p) is owned by req from here on and freed
 * with state_free; finish writes the answer once the router is done (qq_post_finished first).
 */
void qq_post_submit(struct qq_post *p, struct http_request *req, struct http_response *resp,
                    void (*state_free)(void *), route_handler *finish);

/*
 * qq_post_finished - the router's result for p: ZB_OK after counting the event and logging it
 * at debug level as "ADAPTER: WHAT from USER" ("(duplicate)" appended for a retry); the router's
 * error code otherwise, for the adapter to answer with its 5xx. p->call.reply stays p's.
 */
int qq_post_finished(const struct qq_post *p, const char *adapter, const char *what) ZB_MUST_USE;

/* qq_post_free - free what p holds (the reply); not p itself. */
void qq_post_free(struct qq_post *p);

#endif
