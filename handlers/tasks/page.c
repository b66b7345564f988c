/* page.c - the task's H5 page (see page.h): large type, one button, no script. */
#include "handlers/tasks/page.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bot/base/html.h"
#include "bot/delivery/link.h"
#include "bot/store/store.h"
#include "handlers/tasks/tasks.h"

static int short_page(struct buf *html, const char *text)
{
    int rc = html_head(html, "支部通知");
    if (!rc)
        rc = buf_appendf(html, "<p>%s</p>", text);
    return rc ? rc : html_tail(html);
}

struct mark_call {
    int64_t member, task, now;     /* who, what, when */
    struct tasks_receipt_result r; /* OUT */
};

static int mark_tx(void *arg)
{
    struct mark_call *k = arg;
    return tasks_receipt(k->member, k->task, "page", k->now, &k->r);
}

/* received_at - when member acknowledged task, 0 when not; -1 when it was not sent to them. */
static int received_at(int64_t member, int64_t task, int64_t *at)
{
    struct tasks_mine rows[TASKS_LIST_MAX];
    size_t n = 0;
    int rc = tasks_of_member(member, rows, TASKS_LIST_MAX, &n);
    if (rc)
        return rc;
    *at = -1;
    for (size_t i = 0; i < n; i++)
        if (rows[i].t.id == task)
            *at = rows[i].received_at;
    return ZB_OK;
}

int tasks_page(const char *method, const char *path, const char *m, const char *e, const char *sig,
               int64_t now, int *status, struct buf *html)
{
    struct link_claim claim;
    int rc = link_verify(path, m, e, sig, now, &claim);
    if (rc == ZB_ESTALE) {
        *status = 410;
        return short_page(html, "这个链接已过期。请在聊天中发送“通知”查看。");
    }
    if (rc == ZB_EPARSE) {
        *status = 400;
        return short_page(html, "链接不完整，请从消息里重新打开。");
    }
    if (rc) {
        *status = 403;
        return short_page(html, "链接无效，请从消息里重新打开。");
    }
    char *end = NULL;
    long long id = strtoll(claim.object, &end, 10);
    struct task t;
    if (*end || id <= 0 || (rc = tasks_get(id, &t)) == ZB_ENOTFOUND) {
        *status = 404;
        return short_page(html, "没有这条通知。");
    }
    if (rc)
        return rc;
    bool post = strcmp(method, "POST") == 0;
    if (post) {
        struct mark_call k = {claim.member_id, id, now, {0}};
        /* in the server the page runs in a writer job (already a transaction) */
        rc = store_in_tx() ? mark_tx(&k) : store_tx_run(mark_tx, &k);
        if (rc && rc != ZB_EDENIED)
            return rc;
    }
    int64_t at = 0;
    if ((rc = received_at(claim.member_id, id, &at)))
        return rc;
    if (at < 0) {
        *status = 403;
        return short_page(html, "这条通知没有发给你。");
    }
    *status = 200;
    rc = html_head(html, "支部通知");
    if (!rc)
        rc = buf_appendf(html, "<h1>%s %lld</h1><p>", t.deadline ? "任务" : "通知", id);
    if (!rc)
        rc = html_escape(html, t.text);
    if (!rc)
        rc = buf_appendz(html, "</p>");
    if (!rc && t.deadline) {
        time_t dt = (time_t)t.deadline;
        struct tm tm;
        if (localtime_r(&dt, &tm))
            rc = buf_appendf(html, "<p>截止：%d月%d日</p>", tm.tm_mon + 1, tm.tm_mday);
    }
    if (!rc && at > 0)
        rc = buf_appendz(html, "<p><strong>已确认收到，谢谢！</strong></p>");
    if (!rc && at == 0) {
        /* the form posts back to the same signed URL; the values were verified above and are
         * digits and base64url only, so they need no escaping */
        rc = buf_appendf(html,
                         "<form method=\"post\" action=\"/t/%lld?m=%s&amp;e=%s&amp;sig=%s\">"
                         "<button type=\"submit\">收到</button></form>",
                         id, m, e, sig);
    }
    return rc ? rc : html_tail(html);
}
