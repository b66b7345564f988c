/* qq_post.c - the QQ webhooks' shared per-request block (see qq_post.h). */
#include "webhook/qq/qq_post.h"

#include <string.h>

#include "bot/base/log.h"
#include "bot/chat/platform.h"
#include "webhook/http/async.h"
#include "webhook/http/metrics.h"

const char *qq_post_body(const struct http_request *req, size_t *len)
{
    *len = req->body.len;
    return req->body.data ? req->body.data : "";
}

void qq_post_submit(struct qq_post *p, struct http_request *req, struct http_response *resp,
                    void (*state_free)(void *), route_handler *finish)
{
    p->opts.max_chars = platform_get(p->ev.platform)->reply_chars;
    p->call.ud = req;
    http_async_begin(req, resp, p, state_free, finish);
    router_submit_ex(&p->call, &p->ev, &p->opts, http_dispatched);
}

int qq_post_finished(const struct qq_post *p, const char *adapter, const char *what)
{
    if (p->call.rc)
        return p->call.rc;
    metrics_event(p->ev.platform, p->ev.kind, p->call.duplicate);
    char quoted[96];
    log_debug("%s: %s from %s%s", adapter, what,
              log_quote(p->ev.user, strlen(p->ev.user), quoted, sizeof quoted),
              p->call.duplicate ? " (duplicate)" : "");
    return ZB_OK;
}

void qq_post_free(struct qq_post *p)
{
    reply_free(&p->call.reply);
}
