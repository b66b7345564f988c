/*
 * sender.c - the outbox sender thread (see sender.h).
 *
 * A fixed array of `concurrency` jobs, each with its own curl easy handle and buffers, reused
 * for every message, so memory stays flat however long the queue. A job is FREE, WAITING (claimed
 * and routed, waiting for its platform's token bucket) or FLYING (in the multi handle). Each turn
 * of the loop: claim rows for free jobs when kicked or every second, route them, start the
 * waiting ones the buckets allow, run curl, judge what finished, write the results in one
 * transaction, and sleep in curl_multi_poll until a transfer, a kick (curl_multi_wakeup) or the
 * next deadline.
 */
#include "bot/delivery/sender.h"

#include <curl/curl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bot/base/clock.h"
#include "bot/base/log.h"
#include "bot/base/rand.h"
#include "bot/delivery/grants.h"
#include "bot/delivery/ratelimit.h"
#include "bot/delivery/stats.h"
#include "bot/store/store.h"
#include "bot/base/xmalloc.h"

#define IDLE_POLL_MS  1000 /* look for due rows at least this often */
#define CLAIM_GAP_MS  50   /* after a claim that left jobs free, the next at most this soon */
#define STOP_GRACE_MS 3000

enum job_state { JOB_FREE = 0, JOB_WAITING, JOB_FLYING };

struct job {
    enum job_state state;
    struct outbox_row row;      /* the claimed row (owned) */
    struct channel_route route; /* its channel */
    struct send_request req;    /* the request built for it */
    struct buf resp;            /* the answer, capped */
    CURL *easy;                 /* reused handle */
    struct curl_slist *headers; /* this request's headers */
    int token_retried;          /* sent again after a token refresh already */
    int64_t started_ms;         /* when added to the multi handle */
};

/* A result waiting to be written, with its own copies of the strings. */
struct pending {
    struct outbox_result r;
    char target[160];
    char reply_to[160];
    char msg_id[SEND_MSGID_MAX + 1]; /* the platform's id of the sent message, "" for none */
    struct send_error err;
};

/* A recipient whose row just ended: its next row may be claimed at once. */
struct follow {
    enum outbox_rcpt rcpt; /* recipient kind */
    char to[160];          /* recipient id (outbox caps it at 128 bytes) */
};

struct sender {
    const struct sender_config *cfg;
    pthread_t thread;
    int started; /* the thread runs */
    CURLM *multi;
    struct job *jobs;
    size_t njobs;
    struct pending *results;
    size_t nresults;
    struct follow *follows; /* recipients freed since the last flush (as many as results) */
    size_t nfollows;
    struct ratelimit rl[PLATFORM_COUNT];
    atomic_int stop;
    atomic_int kicked;
    int64_t quiet_until_ms; /* kicks do not claim before this (see claim) */
    int64_t next_claim_ms;
    unsigned long sent, failed;
    bool routed;             /* a job became WAITING since the last dispatch */
    atomic_ulong claims;     /* outbox_claim calls that returned rows */
    atomic_ulong follow_ups; /* rows claimed back to back for a freed recipient */
    atomic_ulong loops;      /* rounds of the thread's loop (bounded by work, not by time) */
};

static int64_t mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t sender_backoff_s(int attempt, long base, long max, uint64_t rnd)
{
    if (base < 1)
        base = 1;
    if (max < base)
        max = base;
    int64_t d = base;
    for (int i = 1; i < attempt && d < max; i++)
        d *= 2;
    if (d > max)
        d = max;
    int64_t half = d / 2;
    int64_t j = d - half + (int64_t)(rnd % (uint64_t)(half + 1)); /* in [d - half, d] */
    if (j > d)
        j = d;
    return j < 1 ? 1 : j;
}

const char *sender_net_reason(int curl_code)
{
    switch ((CURLcode)curl_code) {
    case CURLE_OK:
        return "正常";
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
        return "网络错误：找不到平台的服务器（域名解析失败）";
    case CURLE_COULDNT_CONNECT:
        return "网络错误：连不上平台的服务器";
    case CURLE_OPERATION_TIMEDOUT:
        return "平台超时未应答";
    case CURLE_WRITE_ERROR:
        return "平台的应答太大";
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_CACERT_BADFILE:
        return "网络错误：与平台的加密连接失败（证书或 TLS）";
    case CURLE_GOT_NOTHING:
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_PARTIAL_FILE:
        return "网络错误：连接被平台中断";
    case CURLE_URL_MALFORMAT:
    case CURLE_UNSUPPORTED_PROTOCOL:
        return "平台地址无效，请检查配置中的 api_base";
    default:
        return "网络错误";
    }
}

static size_t on_body(char *p, size_t size, size_t n, void *arg)
{
    struct job *j = arg;
    if (buf_append(&j->resp, p, size * n))
        return 0; /* over the cap: curl reports a write error */
    return size * n;
}

static void on_wake(void *arg)
{
    struct sender *s = arg;
    atomic_store(&s->kicked, 1);
    curl_multi_wakeup(s->multi);
}

/* result - a slot for the result of job j (flushed before j is reused). */
static struct pending *result(struct sender *s, const struct job *j, const char *status)
{
    struct pending *p = &s->results[s->nresults++];
    memset(p, 0, sizeof *p);
    p->r.id = j->row.id;
    p->r.status = status;
    p->r.closed = j->row.closed;
    if (strcmp(status, "pending") != 0 && j->row.to) {
        struct follow *f = &s->follows[s->nfollows++];
        f->rcpt = j->row.rcpt;
        snprintf(f->to, sizeof f->to, "%s", j->row.to);
    }
    if (j->route.target[0]) {
        p->r.channel = channel_name(j->route.ch);
        snprintf(p->target, sizeof p->target, "%s", j->route.target);
        if (j->route.reply_to[0]) {
            snprintf(p->reply_to, sizeof p->reply_to, "%s", j->route.reply_to);
            p->r.seq = j->route.seq;
        }
    }
    return p;
}

static void set_err(struct pending *p, const char *code, const char *text)
{
    snprintf(p->err.code, sizeof p->err.code, "%s", code);
    snprintf(p->err.text, sizeof p->err.text, "%s", text);
}

static void route_job(struct sender *s, struct job *j, int64_t now);

/* write_results - write the collected results; on failure they are logged and the rows stay
 * "sending" until the next start recovers them. */
static void write_results(struct sender *s)
{
    if (!s->nresults)
        return;
    struct outbox_result rs[s->nresults];
    for (size_t i = 0; i < s->nresults; i++) {
        struct pending *p = &s->results[i];
        rs[i] = p->r;
        rs[i].target = p->r.channel ? p->target : NULL;
        rs[i].reply_to = p->reply_to[0] ? p->reply_to : NULL;
        rs[i].error_code = p->err.code[0] ? p->err.code : NULL;
        rs[i].error_text = p->err.text[0] ? p->err.text : NULL;
        rs[i].msg_id = p->msg_id[0] ? p->msg_id : NULL;
    }
    if (outbox_finish(rs, s->nresults, clock_now()))
        log_error("sender: could not record %zu results; they are sent again after a restart",
                  s->nresults);
    s->nresults = 0;
}

static struct job *free_job(struct sender *s)
{
    for (size_t i = 0; i < s->njobs; i++)
        if (s->jobs[i].state == JOB_FREE)
            return &s->jobs[i];
    return NULL;
}

/*
 * flush - write the results, then claim the next row of each recipient whose row ended, into a
 * free job: a recipient's queue goes out back to back (at the pace its platform's bucket allows)
 * instead of one row per claim. A follow-up that finds no free job leaves the row to the next
 * claim, which is asked for at once.
 */
static void flush(struct sender *s)
{
    for (;;) {
        write_results(s);
        if (!s->nfollows || atomic_load(&s->stop))
            break;
        size_t n = s->nfollows;
        struct follow fs[n];
        memcpy(fs, s->follows, n * sizeof fs[0]);
        s->nfollows = 0;
        int64_t now = clock_now();
        for (size_t i = 0; i < n; i++) {
            struct job *j = free_job(s);
            if (!j) {
                atomic_store(&s->kicked, 1);
                break;
            }
            bool got = false;
            if (outbox_claim_next(now, fs[i].rcpt, fs[i].to, &j->row, &got) || !got)
                continue;
            atomic_fetch_add(&s->follow_ups, 1);
            route_job(s, j, now);
        }
    }
    s->nfollows = 0;
}

static void job_release(struct job *j)
{
    outbox_row_free(&j->row);
    memset(&j->route, 0, sizeof j->route);
    curl_slist_free_all(j->headers);
    j->headers = NULL;
    j->token_retried = 0;
    j->state = JOB_FREE;
}

/* msg_id_ok - whether a client's message id is worth keeping: 1..SEND_MSGID_MAX printable
 * ASCII bytes, no space (a garbled or over-long id is dropped, the row still counts as sent). */
static bool msg_id_ok(const char *id)
{
    size_t n = 0;
    for (; id[n] && n <= SEND_MSGID_MAX; n++)
        if ((unsigned char)id[n] <= 0x20 || (unsigned char)id[n] >= 0x7f)
            return false;
    return n > 0 && n <= SEND_MSGID_MAX;
}

/* end_job - record the outcome for j and free it; msg_id (NULL or "" for none) is the
 * platform's id of the message on SEND_OK. */
static void end_job(struct sender *s, struct job *j, enum send_outcome o,
                    const struct send_error *e, const char *msg_id)
{
    int64_t now = clock_now();
    const struct sender_config *c = s->cfg;
    struct pending *p;
    char why[512];
    switch (o) {
    case SEND_OK:
        p = result(s, j, "sent");
        s->sent++;
        if (msg_id && msg_id_ok(msg_id))
            snprintf(p->msg_id, sizeof p->msg_id, "%s", msg_id);
        if (j->route.ch == CH_WXMINI_SUBSCRIBE && grants_use(j->route.target, j->route.template_id))
            log_warn("sender: #%lld: could not spend the subscription grant", (long long)j->row.id);
        break;
    case SEND_FATAL:
        p = result(s, j, "failed");
        set_err(p, e->code, e->text);
        s->failed++;
        log_warn("sender: #%lld failed for good: %s", (long long)j->row.id, e->code);
        break;
    case SEND_CLOSED: /* try the recipient's next channel now */
        j->row.closed |= 1u << j->route.ch;
        if (j->route.ch == CH_WXMINI_SUBSCRIBE && /* 43101: no grant left on WeChat's side */
            grants_drop(j->route.target, j->route.template_id))
            log_warn("sender: #%lld: could not drop the subscription grants", (long long)j->row.id);
        p = result(s, j, "pending");
        p->r.next_try_at = now;
        p->r.uncount = 1;
        set_err(p, e->code, e->text);
        atomic_store(&s->kicked, 1);
        break;
    default: /* SEND_RETRY, SEND_RATE, SEND_TOKEN after its one retry */
        if (j->row.attempts >= c->max_attempts) {
            p = result(s, j, "failed");
            snprintf(why, sizeof why, "%d 次尝试后仍失败：%.440s", j->row.attempts, e->text);
            set_err(p, e->code, why);
            s->failed++;
            log_warn("sender: #%lld failed after %d attempts: %s", (long long)j->row.id,
                     j->row.attempts, e->code);
            break;
        }
        p = result(s, j, "pending");
        int64_t delay =
            sender_backoff_s(j->row.attempts, c->backoff_s, c->backoff_max_s, rand_u64());
        if (o == SEND_RATE && delay < c->rate_pause_s)
            delay = c->rate_pause_s;
        p->r.next_try_at = now + delay;
        set_err(p, e->code, e->text);
        /* a retry is routine (DEBUG); a row that ends failed or unreachable is a WARN */
        log_debug("sender: #%lld attempt %d: %s; again in %llds", (long long)j->row.id,
                  j->row.attempts, e->code, (long long)delay);
        break;
    }
    p->r.closed = j->row.closed;
    job_release(j);
}

/* route_job - choose the channel of a claimed row; ends the job when it cannot be sent. */
static void route_job(struct sender *s, struct job *j, int64_t now)
{
    char why[512];
    struct send_error e = {0};
    if (j->row.expires_at && now > j->row.expires_at) {
        snprintf(e.code, sizeof e.code, "expired");
        snprintf(e.text, sizeof e.text, "已过期，未发送");
        end_job(s, j, SEND_FATAL, &e, NULL);
        return;
    }
    int rc = channel_choose(&s->cfg->rules, &j->row, now, &j->route, why, sizeof why);
    if (rc == ZB_OK && !s->cfg->client[j->route.platform]) {
        snprintf(why, sizeof why, "%s 平台没有发送客户端", platform_name(j->route.platform));
        rc = ZB_EINVAL;
    }
    if (rc == ZB_OK) {
        j->state = JOB_WAITING;
        s->routed = true;
        return;
    }
    if (rc == ZB_ENOTFOUND) {
        struct pending *p = result(s, j, "unreachable");
        set_err(p, "unreachable", why);
        log_warn("sender: #%lld unreachable", (long long)j->row.id);
        job_release(j);
        return;
    }
    snprintf(e.code, sizeof e.code, "%s", rc == ZB_EDB ? "db" : "invalid");
    snprintf(e.text, sizeof e.text, "%s", rc == ZB_EDB ? "数据库错误" : why);
    end_job(s, j, rc == ZB_EDB ? SEND_RETRY : SEND_FATAL, &e, NULL);
}

static void claim(struct sender *s, int64_t now_ms)
{
    size_t free_jobs = 0;
    for (size_t i = 0; i < s->njobs; i++)
        free_jobs += s->jobs[i].state == JOB_FREE;
    if (!free_jobs ||
        (now_ms < s->next_claim_ms && (!atomic_load(&s->kicked) || now_ms < s->quiet_until_ms)))
        return;
    atomic_store(&s->kicked, 0);
    struct outbox_row rows[free_jobs];
    size_t n = 0;
    int64_t now = clock_now();
    if (outbox_claim(now, rows, free_jobs, &n)) {
        s->next_claim_ms = now_ms + IDLE_POLL_MS;
        return;
    }
    /* a full batch: more may be due, claim again when a job frees; else poll later, and let
     * kicks claim again only after CLAIM_GAP_MS: rows queued behind a recipient that is still
     * being served are not claimable, and a claim has to look past them */
    if (n)
        atomic_fetch_add(&s->claims, 1);
    s->next_claim_ms = n == free_jobs ? now_ms : now_ms + IDLE_POLL_MS;
    s->quiet_until_ms = n == free_jobs ? now_ms : now_ms + CLAIM_GAP_MS;
    if (n == free_jobs)
        atomic_store(&s->kicked, 1);
    size_t k = 0;
    for (size_t i = 0; i < s->njobs && k < n; i++) {
        struct job *j = &s->jobs[i];
        if (j->state != JOB_FREE)
            continue;
        j->row = rows[k++];
        route_job(s, j, now);
    }
    flush(s);
}

/* start_job - prepare and add j to the multi handle. */
static void start_job(struct sender *s, struct job *j, int64_t now_ms)
{
    const struct send_client *cl = s->cfg->client[j->route.platform];
    struct send_error e = {0};
    buf_reset(&j->req.body);
    j->req.url[0] = j->req.auth[0] = j->req.extra[0] = '\0';
    enum send_outcome o = cl->prepare(cl->ctx, &j->row, &j->route, clock_now(), &j->req, &e);
    if (o != SEND_OK) {
        stats_send(j->route.platform, o);
        end_job(s, j, o == SEND_TOKEN ? SEND_RETRY : o, &e, NULL);
        return;
    }
    curl_slist_free_all(j->headers);
    j->headers = curl_slist_append(NULL, "Content-Type: application/json");
    if (j->req.auth[0])
        j->headers = curl_slist_append(j->headers, j->req.auth);
    if (j->req.extra[0])
        j->headers = curl_slist_append(j->headers, j->req.extra);
    j->headers = curl_slist_append(j->headers, "Expect:");
    buf_reset(&j->resp);
    CURL *h = j->easy;
    curl_easy_setopt(h, CURLOPT_URL, j->req.url);
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, j->headers);
    curl_easy_setopt(h, CURLOPT_POSTFIELDS, buf_str(&j->req.body));
    curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE, (long)j->req.body.len);
    j->started_ms = now_ms;
    if (curl_multi_add_handle(s->multi, h) != CURLM_OK) {
        snprintf(e.code, sizeof e.code, "curl");
        snprintf(e.text, sizeof e.text, "无法发起请求");
        end_job(s, j, SEND_RETRY, &e, NULL);
        return;
    }
    j->state = JOB_FLYING;
}

/* dispatch - start waiting jobs their buckets allow; returns ms until the next may start. */
static int64_t dispatch(struct sender *s, int64_t now_ms)
{
    int64_t wait = IDLE_POLL_MS;
    s->routed = false;
    for (size_t i = 0; i < s->njobs; i++) {
        struct job *j = &s->jobs[i];
        if (j->state != JOB_WAITING)
            continue;
        int64_t w = ratelimit_take(&s->rl[j->route.platform], now_ms);
        if (w > 0) {
            if (w < wait)
                wait = w;
            continue;
        }
        start_job(s, j, now_ms);
    }
    return wait;
}

/* done - judge a finished transfer. */
static void done(struct sender *s, struct job *j, CURLcode cc, int64_t now_ms)
{
    const struct send_client *cl = s->cfg->client[j->route.platform];
    struct send_error e = {0};
    char msg_id[SEND_MSGID_MAX + 1] = "";
    enum send_outcome o;
    long status = 0;
    curl_multi_remove_handle(s->multi, j->easy);
    j->state = JOB_WAITING;
    if (cc != CURLE_OK) {
        o = SEND_RETRY;
        snprintf(e.code, sizeof e.code, "%s",
                 cc == CURLE_OPERATION_TIMEDOUT ? "timeout"
                 : cc == CURLE_WRITE_ERROR      ? "too_big"
                                                : "http_conn");
        snprintf(e.text, sizeof e.text, "%s（curl %d）", sender_net_reason(cc), (int)cc);
    } else {
        curl_easy_getinfo(j->easy, CURLINFO_RESPONSE_CODE, &status);
        o = cl->judge(cl->ctx, &j->route, &j->req, status, buf_str(&j->resp), j->resp.len, msg_id,
                      &e);
    }
    stats_send(j->route.platform, o);
    if (o == SEND_RATE)
        ratelimit_pause(&s->rl[j->route.platform], now_ms, s->cfg->rate_pause_s * 1000);
    if (o == SEND_TOKEN && !j->token_retried) {
        j->token_retried = 1;
        start_job(s, j, now_ms); /* at once, with a new token */
        return;
    }
    end_job(s, j, o, &e, o == SEND_OK ? msg_id : NULL);
}

static void run_curl(struct sender *s, int64_t now_ms)
{
    int running = 0;
    curl_multi_perform(s->multi, &running);
    CURLMsg *m;
    int left;
    while ((m = curl_multi_info_read(s->multi, &left))) {
        if (m->msg != CURLMSG_DONE)
            continue;
        struct job *j = NULL;
        curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, (char **)&j);
        if (j)
            done(s, j, m->data.result, now_ms);
    }
}

static size_t count_state(const struct sender *s, enum job_state st)
{
    size_t n = 0;
    for (size_t i = 0; i < s->njobs; i++)
        n += s->jobs[i].state == st;
    return n;
}

/* shutdown - wait a little for transfers in flight, then put every held row back. */
static void shutdown_jobs(struct sender *s)
{
    int64_t until = mono_ms() + STOP_GRACE_MS;
    while (count_state(s, JOB_FLYING) && mono_ms() < until) {
        run_curl(s, mono_ms());
        flush(s);
        curl_multi_poll(s->multi, NULL, 0, 100, NULL);
    }
    for (size_t i = 0; i < s->njobs; i++) {
        struct job *j = &s->jobs[i];
        if (j->state == JOB_FREE)
            continue;
        if (j->state == JOB_FLYING)
            curl_multi_remove_handle(s->multi, j->easy);
        struct pending *p = result(s, j, "pending");
        p->r.next_try_at = clock_now();
        p->r.uncount = 1;
        job_release(j);
    }
    flush(s);
}

static void *run(void *arg)
{
    struct sender *s = arg;
    log_set_request(0);
    while (!atomic_load(&s->stop)) {
        atomic_fetch_add(&s->loops, 1);
        int64_t now_ms = mono_ms();
        claim(s, now_ms);
        int64_t wait = dispatch(s, now_ms);
        flush(s);
        run_curl(s, mono_ms());
        flush(s);
        int64_t t = mono_ms();
        if (s->routed)
            continue; /* follow-ups routed after dispatch: start them now */
        if (count_state(s, JOB_FREE) && atomic_load(&s->kicked) && t >= s->quiet_until_ms)
            continue;
        /* a claim is due only when a job is free to take a row: while every job waits for
         * its bucket (or flies), sleep until the earliest bucket releases, never spin */
        int64_t until_claim = s->next_claim_ms - t;
        if (atomic_load(&s->kicked) && s->quiet_until_ms - t < until_claim)
            until_claim = s->quiet_until_ms - t;
        if (count_state(s, JOB_FREE) && until_claim < wait)
            wait = until_claim;
        if (count_state(s, JOB_WAITING) == 0 && count_state(s, JOB_FREE) == 0)
            wait = IDLE_POLL_MS; /* all flying: curl wakes us */
        if (wait > 0)
            curl_multi_poll(s->multi, NULL, 0, (int)(wait > IDLE_POLL_MS ? IDLE_POLL_MS : wait),
                            NULL);
    }
    shutdown_jobs(s);
    log_info("sender: stopped (%lu sent, %lu failed this run)", s->sent, s->failed);
    store_close_thread();
    return NULL;
}

int sender_start(const struct sender_config *cfg, struct sender **out)
{
    *out = NULL;
    int n = 0;
    if (outbox_recover(clock_now(), &n))
        return ZB_EDB;
    if (n)
        log_info("sender: %d messages were in flight at the last stop; sending them again", n);
    struct sender *s = xcalloc(1, sizeof *s);
    s->cfg = cfg;
    s->njobs = cfg->concurrency > 0 ? (size_t)cfg->concurrency : 1;
    s->jobs = xcalloc(s->njobs, sizeof *s->jobs);
    s->results = xcalloc(s->njobs * 2 + 1, sizeof *s->results);
    s->follows = xcalloc(s->njobs * 2 + 1, sizeof *s->follows);
    s->multi = curl_multi_init();
    if (!s->multi) {
        free(s->jobs);
        free(s->results);
        free(s->follows);
        free(s);
        return ZB_EIO;
    }
    curl_multi_setopt(s->multi, CURLMOPT_MAXCONNECTS, (long)s->njobs * 2);
    int64_t now_ms = mono_ms();
    for (int p = 0; p < PLATFORM_COUNT; p++)
        ratelimit_init(&s->rl[p], (double)cfg->rate[p], (double)cfg->rate[p], now_ms);
    for (size_t i = 0; i < s->njobs; i++) {
        struct job *j = &s->jobs[i];
        buf_init(&j->req.body, SEND_BODY_MAX);
        buf_init(&j->resp, SEND_RESP_MAX);
        j->easy = curl_easy_init();
        curl_easy_setopt(j->easy, CURLOPT_PRIVATE, (char *)j);
        curl_easy_setopt(j->easy, CURLOPT_WRITEFUNCTION, on_body);
        curl_easy_setopt(j->easy, CURLOPT_WRITEDATA, j);
        curl_easy_setopt(j->easy, CURLOPT_TIMEOUT_MS, cfg->timeout_ms);
        curl_easy_setopt(j->easy, CURLOPT_CONNECTTIMEOUT_MS, cfg->timeout_ms);
        curl_easy_setopt(j->easy, CURLOPT_NOSIGNAL, 1L);
        curl_easy_setopt(j->easy, CURLOPT_TCP_KEEPALIVE, 1L);
        curl_easy_setopt(j->easy, CURLOPT_PROTOCOLS_STR, "http,https");
    }
    atomic_store(&s->kicked, 1);
    outbox_set_waker(on_wake, s);
    if (pthread_create(&s->thread, NULL, run, s) != 0) {
        s->started = 0;
        outbox_set_waker(NULL, NULL);
        sender_stop(s); /* thread not running: frees only */
        return ZB_EIO;
    }
    s->started = 1;
    log_info("sender: started, %zu requests in flight at most", s->njobs);
    *out = s;
    return ZB_OK;
}

static void free_sender(struct sender *s)
{
    for (size_t i = 0; i < s->njobs; i++) {
        struct job *j = &s->jobs[i];
        buf_free(&j->req.body);
        buf_free(&j->resp);
        curl_slist_free_all(j->headers);
        if (j->easy)
            curl_easy_cleanup(j->easy);
        outbox_row_free(&j->row);
    }
    curl_multi_cleanup(s->multi);
    free(s->jobs);
    free(s->results);
    free(s->follows);
    free(s);
}

void sender_stats(const struct sender *s, struct sender_stats *out)
{
    memset(out, 0, sizeof *out);
    if (!s)
        return;
    out->claims = atomic_load(&s->claims);
    out->follow_ups = atomic_load(&s->follow_ups);
    out->loops = atomic_load(&s->loops);
}

void sender_stop(struct sender *s)
{
    if (!s)
        return;
    if (s->started) {
        atomic_store(&s->stop, 1);
        curl_multi_wakeup(s->multi);
        pthread_join(s->thread, NULL);
        outbox_set_waker(NULL, NULL);
    }
    free_sender(s);
}
