/*
 * serve.c - `zhibu serve` (see serve.h): the platform wiring table and the start and stop
 * order of the server's threads.
 */
#include "bot/app/open.h"
#include "bot/base/clock.h"
#include "bot/base/xmalloc.h"
#include "webhook/http/async.h"
#include "bot/app/serve.h"
#include "bot/store/backup.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bot/app/api_wxmini.h"
#include "bot/app/jobs.h"
#include "bot/app/replay_mem.h"
#include "bot/base/clock.h"
#include "bot/base/log.h"
#include "bot/base/sdnotify.h"
#include "bot/base/version.h"
#include "bot/chat/platform.h"
#include "bot/chat/router.h"
#include "bot/delivery/link.h"
#include "bot/delivery/notify.h"
#include "bot/delivery/outbox.h"
#include "bot/delivery/scheduler.h"
#include "bot/delivery/sender.h"
#include "bot/store/health.h"
#include "bot/store/store.h"
#include "bot/store/writer.h"
#include "handlers/registry.h"
#include "handlers/tasks/jobs.h"
#include "webhook/http/metrics.h"
#include "webhook/http/server.h"
#include "webhook/qq/onebot.h"
#include "webhook/qq/onebot_api.h"
#include "webhook/qq/qqbot.h"
#include "webhook/qq/qqbot_api.h"
#include "webhook/rest/rest.h"
#include "webhook/wechat/wechat.h"
#include "webhook/wechat/wechat_api.h"
#include "webhook/wechat/wxmini.h"

#define ERR_MAX 512

static bool wechat_receives(const struct config *c)
{
    return c->wechat.enabled;
}
static bool wechat_sends(const struct config *c)
{
    return *c->wechat.app_id && *c->wechat.app_secret;
}
static bool onebot_on(const struct config *c)
{
    return c->onebot.enabled;
}
static bool qqbot_on(const struct config *c)
{
    return c->qqbot.enabled;
}
static const char *onebot_prefix(const struct config *c)
{
    return c->onebot.group_prefix;
}
static const char *qqbot_prefix(const struct config *c)
{
    return c->qqbot.group_prefix;
}
static bool wxmini_receives(const struct config *c)
{
    return c->wxmini.enabled;
}
static bool wxmini_sends(const struct config *c)
{
    return *c->wxmini.app_id && *c->wxmini.app_secret;
}
static long wechat_rate(const struct config *c)
{
    return c->ratelimit.wechat;
}
static long onebot_rate(const struct config *c)
{
    return c->ratelimit.onebot;
}
static long qqbot_rate(const struct config *c)
{
    return c->ratelimit.qqbot;
}

/* What webhook/ brings to a row of the platform table. */
struct wiring {
    enum platform id;                           /* the row of bot/chat/platform.h */
    struct route route;                         /* its webhook */
    bool (*receives)(const struct config *cfg); /* serve the webhook */
    int (*init)(const struct config *cfg, char *err, size_t errsz); /* its section's check */
    bool (*sends)(const struct config *cfg);                        /* the sender gets a client */
    struct send_client *(*client)(const struct config *cfg);        /* make it */
    void (*client_free)(struct send_client *c);                     /* free it */
    long (*rate)(const struct config *cfg);                         /* ratelimit.NAME */
    const char *(*group_prefix)(const struct config *cfg);          /* NULL: no groups */
};

static const struct wiring wiring[PLATFORM_COUNT] = {
    {PLATFORM_WECHAT,
     {"/wechat", ROUTE_GET | ROUTE_POST, EP_WECHAT, wechat_handle},
     wechat_receives,
     wechat_init,
     wechat_sends,
     wechat_api_client,
     wechat_api_free,
     wechat_rate,
     NULL},
    {PLATFORM_ONEBOT,
     {"/qq/onebot", ROUTE_POST, EP_ONEBOT, onebot_handle},
     onebot_on,
     onebot_init,
     onebot_on,
     onebot_api_client,
     onebot_api_free,
     onebot_rate,
     onebot_prefix},
    {PLATFORM_QQBOT,
     {"/qq/bot", ROUTE_POST, EP_QQBOT, qqbot_handle},
     qqbot_on,
     qqbot_init,
     qqbot_on,
     qqbot_api_client,
     qqbot_api_free,
     qqbot_rate,
     qqbot_prefix},
    {PLATFORM_WXMINI,
     {"/wechat/mini", ROUTE_GET | ROUTE_POST, EP_WXMINI, wxmini_handle},
     wxmini_receives,
     wxmini_init,
     wxmini_sends,
     wxmini_api_client,
     wechat_api_free,
     wechat_rate, /* the same WeChat API and its ratelimit.wechat */
     NULL},
};

const char *serve_group_prefix(const struct config *cfg, const char *platform)
{
    const struct platform_info *p = platform_find(platform);
    if (!p || p->id >= PLATFORM_COUNT || !wiring[p->id].group_prefix)
        return "";
    return wiring[p->id].group_prefix(cfg);
}

/* routes_of - the webhooks of the platforms cfg enables, each checked by its init, into
 * routes (PLATFORM_COUNT rows); *n set. ZB_ECONFIG with err set when a section is invalid. */
static int routes_of(const struct config *cfg, struct route *routes, size_t *n, char *err,
                     size_t errsz)
{
    *n = 0;
    for (int p = 0; p < PLATFORM_COUNT; p++) {
        if (!wiring[p].receives(cfg))
            continue;
        if (wiring[p].init(cfg, err, errsz))
            return ZB_ECONFIG;
        routes[(*n)++] = wiring[p].route;
    }
    return ZB_OK;
}

/*
 * delivery_config - the sender's settings from cfg, with a client for each platform that can
 * send: WeChat with app_id and app_secret, OneBot and the QQ bot when enabled.
 */
static void delivery_config(const struct config *cfg, struct sender_config *sc,
                            struct send_client *clients[PLATFORM_COUNT])
{
    memset(sc, 0, sizeof *sc);
    sc->concurrency = cfg->outbox.concurrency;
    sc->max_attempts = cfg->outbox.max_attempts;
    sc->backoff_s = cfg->outbox.backoff_s;
    sc->backoff_max_s = cfg->outbox.backoff_max_s;
    sc->timeout_ms = cfg->outbox.timeout_ms;
    sc->rate_pause_s = cfg->outbox.rate_pause_s;
    struct channel_rules *r = &sc->rules;
    channel_rules_default(r);
    if (channel_parse_order(r, cfg->outbox.channel_order))
        log_warn("outbox.channel_order unreadable; using wechat,wxmini,onebot,qqbot");
    r->cs_window_s = cfg->wechat.cs_window_s;
    r->cs_limit = cfg->wechat.cs_limit;
    r->templates = cfg->wechat.templates;
    r->ntemplates = cfg->wechat.ntemplates;
    r->qq_active = cfg->qqbot.active_push;
    r->wx_templates = cfg->wxmini.templates;
    r->nwx_templates = cfg->wxmini.ntemplates;
    for (int p = 0; p < PLATFORM_COUNT; p++) {
        sc->rate[p] = wiring[p].rate(cfg);
        if (wiring[p].sends(cfg)) {
            r->platform_on[p] = true;
            clients[p] = wiring[p].client(cfg);
        }
        sc->client[p] = clients[p];
    }
}

/* Which key a platform needs to send, for warn_cannot_send; NULL when it always can. */
static const char *const send_key[PLATFORM_COUNT] = {
    [PLATFORM_WECHAT] = "wechat.app_id 和 wechat.app_secret",
    [PLATFORM_WXMINI] = "wxmini.app_id 和 wxmini.app_secret",
};

/*
 * warn_cannot_send - one WARN log line and one stderr line for each platform cfg enables that
 * the sender gets no client for (WeChat or the mini-program without app id and secret): members
 * who use only that platform get replies to their own messages but nothing zhibu sends on its
 * own (notices, reminders, answers to 留言). Missing templates are warn_no_template's.
 */
static void warn_cannot_send(const struct config *cfg)
{
    for (int p = 0; p < PLATFORM_COUNT; p++) {
        if (!wiring[p].receives(cfg) || wiring[p].sends(cfg))
            continue;
        const char *name = platform_name((enum platform)p);
        const char *key = send_key[p] ? send_key[p] : "发送接口";
        log_warn("%s is enabled but cannot send (no app id or app secret): notices, reminders and "
                 "answers will not reach members there",
                 name);
        fprintf(stderr,
                "注意：%s 已启用，但没有配置 %s，不能主动发消息：会议通知、党费和学习提醒、留言答复"
                "等都不会经 %s 送达成员（只能回复成员发来的消息）。\n",
                name, key, name);
    }
}

/*
 * warn_no_template - for the official account when it can send: the capabilities whose notify
 * kinds have no template message nor subscription notice (wechat.templates). Outside the 48-hour
 * customer-service window such a notice cannot reach a member on WeChat, so the operator is told
 * once at start-up, by capability, in the log (WARN) and on stderr.
 */
static void warn_no_template(const struct config *cfg, const struct channel_rules *rules)
{
    if (!wiring[PLATFORM_WECHAT].receives(cfg) || !wiring[PLATFORM_WECHAT].sends(cfg))
        return;
    char caps[512] = "";
    size_t len = 0;
    for (size_t c = 0; c < registry_caps_count; c++) {
        const char *const *k = registry_caps[c].notify_kinds;
        bool missing = false;
        for (; k && *k && !missing; k++)
            missing = !channel_template_find(rules, OUTBOX_REMINDER, *k, false) &&
                      !channel_template_find(rules, OUTBOX_REMINDER, *k, true);
        if (missing && len < sizeof caps)
            len += (size_t)snprintf(caps + len, sizeof caps - len, "%s%s", len ? "、" : "",
                                    registry_caps[c].name);
    }
    if (!len)
        return;
    log_warn("wechat: no template for the notify kinds of: %s", caps);
    fprintf(
        stderr,
        "注意：公众号没有为这些功能配置模板消息（wechat.templates）：%s。成员 48 小时内没有给公众号"
        "发过消息时，这些通知在公众号送不到（会改走其他渠道或列入需电话联系的名单）。\n",
        caps);
}

/* One H5 page request (a capability's page slot): verified, rendered and whatever it records
 * (a read, a receipt) written in one writer job. */
struct page_job {
    const struct capability *cap;  /* whose page */
    char method[8];                /* GET or POST */
    char path[ROUTE_PATH_MAX + 1]; /* "/s/12" */
    char *m, *e, *sig;             /* the signed link's query, NULL when absent */
    int64_t now;                   /* when it was asked */
    int status;                    /* OUT: the HTTP status */
    struct buf html;               /* OUT: the page */
};

static void page_free(void *arg)
{
    struct page_job *j = arg;
    free(j->m);
    free(j->e);
    free(j->sig);
    buf_free(&j->html);
    free(j);
}

static int page_run(void *arg)
{
    struct page_job *j = arg;
    return j->cap->page(j->method, j->path, j->m, j->e, j->sig, j->now, &j->status, &j->html);
}

static void page_done(struct http_request *req, void *arg, int rc, struct http_response *resp)
{
    (void)req;
    struct page_job *j = arg;
    resp->status = rc ? 500 : j->status;
    resp->content_type = "text/html; charset=utf-8";
    if (rc)
        buf_reset(&j->html);
    if (buf_append(&resp->body, buf_str(&j->html), j->html.len))
        resp->status = 500;
}

/* page_handle - the route of every capability's page prefix. */
static void page_handle(const struct config *cfg, struct http_request *req,
                        struct http_response *resp)
{
    (void)cfg;
    const struct capability *cap = NULL;
    for (size_t i = 0; i < registry_caps_count && !cap; i++)
        if (registry_caps[i].page && strncmp(req->path, registry_caps[i].page_prefix,
                                             strlen(registry_caps[i].page_prefix)) == 0)
            cap = &registry_caps[i];
    if (!cap) {
        http_error(resp, 404, "no such page");
        return;
    }
    struct page_job *j = xcalloc(1, sizeof *j);
    j->cap = cap;
    snprintf(j->method, sizeof j->method, "%s", req->method);
    snprintf(j->path, sizeof j->path, "%s", req->path);
    const char *q[3] = {http_query(req, "m"), http_query(req, "e"), http_query(req, "sig")};
    j->m = q[0] ? xstrndup(q[0], 64) : NULL;
    j->e = q[1] ? xstrndup(q[1], 64) : NULL;
    j->sig = q[2] ? xstrndup(q[2], 128) : NULL;
    j->now = clock_now();
    buf_init(&j->html, cap->page_max);
    http_async_write(req, resp, page_run, j, page_free, page_done);
}

/* pages_route - one route per capability page prefix; false when routes has no room. */
static bool pages_route(struct route *routes, size_t *n, size_t max)
{
    for (size_t i = 0; i < registry_caps_count; i++) {
        if (!registry_caps[i].page)
            continue;
        if (*n == max)
            return false;
        routes[(*n)++] = (struct route){registry_caps[i].page_prefix, ROUTE_GET | ROUTE_POST,
                                        EP_OTHER, page_handle};
    }
    return true;
}

/* api_start - the REST door over every capability's routes and the engine's, its route
 * appended to routes (room for one more). ZB_EINVAL with err set. */
static int api_start(const struct config *cfg, struct route *routes, size_t *n, char *err,
                     size_t errsz)
{
    struct rest_table tables[REGISTRY_CAPS_MAX + 1];
    size_t nt = 0;
    for (size_t c = 0; c < registry_caps_count && c < REGISTRY_CAPS_MAX; c++)
        tables[nt++] = (struct rest_table){registry_caps[c].routes, registry_caps[c].n_routes};
    /* the engine's own routes besides the capabilities': the mini-program's grants */
    tables[nt++] = (struct rest_table){wxmini_api_routes, wxmini_api_routes_count};
    int rc = rest_init(cfg, tables, nt, err, errsz);
    if (rc)
        return rc;
    server_error_format(REST_PREFIX, rest_error);
    routes[(*n)++] = rest_route(EP_API);
    return ZB_OK;
}

/* kick_sender - the writer's post-commit hook: wake the sender when the batch queued rows. */
static void kick_sender(void *arg)
{
    (void)arg;
    outbox_kick_pushed();
}

/*
 * wait_signal - wait for SIGINT or SIGTERM (blocked in set) and return it. Under a service
 * manager ($NOTIFY_SOCKET) tell it READY=1 once the database check of /healthz passes, and,
 * when it asks for a watchdog, WATCHDOG=1 at a third of its interval while the check passes:
 * a damaged database or a stuck writer stops the pings and systemd restarts us.
 */
static int wait_signal(const struct config *cfg, const sigset_t *set)
{
    int64_t wd_us = sdnotify_watchdog_us();
    bool managed = getenv("NOTIFY_SOCKET") != NULL, ready = false, was_ok = true;
    for (;;) {
        if (managed && (!ready || wd_us)) {
            struct store_health h;
            bool ok = store_health_check(cfg->database, &h) == ZB_OK;
            if (ok && sdnotify_send(ready ? "WATCHDOG=1" : "READY=1") < 0)
                log_warn("zhibu: cannot notify the service manager (NOTIFY_SOCKET)");
            if (!ok && was_ok)
                log_error("zhibu: %s check failed (%s); not notifying the service manager",
                          h.failed, h.detail);
            ready = ready || ok;
            was_ok = ok;
        }
        if (!managed || (ready && !wd_us)) {
            int sig = 0;
            sigwait(set, &sig);
            return sig;
        }
        int64_t tick = wd_us ? wd_us / 3 : 1000000;
        struct timespec ts = {.tv_sec = tick / 1000000, .tv_nsec = (tick % 1000000) * 1000};
        int sig = sigtimedwait(set, NULL, &ts);
        if (sig > 0)
            return sig;
    }
}

int serve_run(const struct config *cfg)
{
    struct server *srv = NULL;
    struct sender *snd = NULL;
    struct scheduler *sch = NULL;
    struct sender_config scfg;
    struct send_client *clients[PLATFORM_COUNT] = {NULL};
    struct route routes[PLATFORM_COUNT + 2 + REGISTRY_CAPS_MAX];
    size_t nroutes = 0;
    char err[ERR_MAX];
    int status = 1;
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &set, NULL); /* worker threads inherit the mask */
    signal(SIGPIPE, SIG_IGN);
    if (app_store_init(cfg->database, cfg->durability_power)) {
        fprintf(stderr, "错误：无法打开数据库 %s（见上方日志）\n", cfg->database);
        goto done;
    }
    if (replay_mem_restore(cfg->wechat.timestamp_window_s, clock_now())) {
        fprintf(stderr, "错误：无法载入已见过的签名（见上方日志）\n");
        goto done;
    }
    if (store_hold_serving(cfg->database) ==
        ZB_EIO) /* a second server only loses restore's guard */
        log_warn("serve: cannot take %s.lock; zhibu restore cannot tell that this server runs",
                 cfg->database);
    if (app_tasks_configure(cfg) || writer_on_commit(tasks_fanout_on_commit, NULL) ||
        tasks_fanout_start())
        goto done;
    if (writer_on_commit(kick_sender, NULL)) {
        fprintf(stderr, "错误：无法登记发送提醒\n");
        goto done;
    }
    if (app_study_init(cfg))
        goto done;
    if (registry_init()) {
        fprintf(stderr, "错误：待办事项的种类有冲突（见上方日志）\n");
        goto done;
    }
    size_t n_handlers = 0;
    const struct handler *const *handlers = registry_handlers(&n_handlers);
    if (router_init(handlers, n_handlers, cfg->session_ttl_s)) {
        fprintf(stderr, "错误：处理器表有冲突（见上方日志）\n");
        goto done;
    }
    if (link_init(cfg->public_url, cfg->link_secret)) {
        fprintf(stderr, "错误：无法设置签名链接的密钥（server.link_secret，见上方日志）\n");
        goto done;
    }
    delivery_config(cfg, &scfg, clients);
    warn_cannot_send(cfg);
    warn_no_template(cfg, &scfg.rules);
    notify_configure(&scfg.rules); /* before any writer job; scfg outlives them all */
    if (routes_of(cfg, routes, &nroutes, err, sizeof err) ||
        (cfg->api.enabled && api_start(cfg, routes, &nroutes, err, sizeof err)) ||
        (!pages_route(routes, &nroutes, sizeof routes / sizeof routes[0]) &&
         snprintf(err, sizeof err, "页面太多") > 0) ||
        server_start(cfg, routes, nroutes, &srv, err, sizeof err)) {
        fprintf(stderr, "错误：%s\n", err);
        goto done;
    }
    if (sender_start(&scfg, &snd)) {
        fprintf(stderr, "错误：无法启动发送线程（见上方日志）\n");
        goto done;
    }
    if (jobs_register_all(cfg) || scheduler_start(&sch)) {
        fprintf(stderr, "错误：无法启动定时任务线程\n");
        goto done;
    }
    log_info("zhibu %s serving %s (config %s, database %s)", ZHIBU_VERSION, cfg->listen, cfg->path,
             cfg->database);
    int sig = wait_signal(cfg, &set);
    log_info("zhibu: signal %d, stopping", sig);
    if (sdnotify_send("STOPPING=1") < 0)
        log_warn("zhibu: cannot tell the service manager we are stopping");
    status = 0;
done:
    /* producers first, the writer last: no request, login, job or delivery may still hand it
     * work (a job after writer_stop would start the writer again during the exit) */
    tasks_fanout_stop(); /* its batches go through the writer: before it */
    server_stop(srv);
    rest_stop(); /* after the server: no login is waiting any more */
    scheduler_stop(sch);
    sender_stop(snd);
    writer_stop();
    for (int p = 0; p < PLATFORM_COUNT; p++)
        wiring[p].client_free(clients[p]);
    store_close_thread();
    return status;
}
