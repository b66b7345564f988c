/*
 * login.c - POST /api/v1/login: the mini-program's wx.login() code exchanged at jscode2session
 * for an openid and a session_key, then a token for that identity.
 *
 * No server thread waits for WeChat: the connection is suspended while one of LOGIN_WORKERS
 * outbound threads makes the call (at most api.login_timeout_ms), and the writer thread records
 * the identity and issues the session in one transaction. The session_key is kept with the
 * session (apisession.h) and never answered or logged. jscode2session's errors: 40029 (the code
 * is invalid) and 40163 (used already) answer 400 naming the field code, 45011 (too frequent)
 * 429, others 502; no answer in time 504.
 */
#include <curl/curl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bot/api/jsonbody.h"
#include "bot/base/clock.h"
#include "bot/base/log.h"
#include "bot/org/identity.h"
#include "webhook/http/async.h"
#include "webhook/rest/call.h"

#define LOGIN_WORKERS   2           /* outbound calls at once */
#define LOGIN_QUEUE_MAX 64          /* logins waiting for a worker; more answer 429 */
#define ANSWER_MAX      (16 * 1024) /* bytes of jscode2session's answer read */
#define URL_MAX         2048        /* bytes of the request URL */
#define PLATFORM        "wxmini"

static struct {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    struct rest_call *queue[LOGIN_QUEUE_MAX]; /* a ring */
    size_t head, len;                         /* its first entry and count */
    bool stop;                                /* the workers exit */
    pthread_t threads[LOGIN_WORKERS];         /* the workers */
    int nthreads;                             /* started */
    const struct config *cfg;                 /* wxmini.* and api.* */
} L = {.mu = PTHREAD_MUTEX_INITIALIZER, .cv = PTHREAD_COND_INITIALIZER};

/* code_ok - a wx.login() code as WeChat makes them: 1..REST_CODE_MAX of [A-Za-z0-9_-]. */
static bool code_ok(const char *s)
{
    size_t n = 0;
    for (; s[n]; n++) {
        char ch = s[n];
        if (!((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') ||
              ch == '-' || ch == '_'))
            return false;
    }
    return n > 0 && n <= REST_CODE_MAX;
}

static size_t on_data(char *p, size_t size, size_t n, void *ud)
{
    struct buf *b = ud;
    return buf_append(b, p, size * n) ? 0 : size * n;
}

/* call - GET jscode2session for c; fills c->up_rc, errcode, openid, session_key. */
static void call(struct rest_call *c)
{
    const struct config *cfg = L.cfg;
    char url[URL_MAX];
    struct buf answer;
    buf_init(&answer, ANSWER_MAX);
    c->up_rc = ZB_EIO;
    CURL *h = curl_easy_init();
    char *appid = h ? curl_easy_escape(h, cfg->wxmini.app_id, 0) : NULL;
    char *secret = h ? curl_easy_escape(h, cfg->wxmini.app_secret, 0) : NULL;
    if (!appid || !secret)
        goto done;
    int w = snprintf(url, sizeof url,
                     "%s/sns/jscode2session?appid=%s&secret=%s&js_code=%s"
                     "&grant_type=authorization_code",
                     cfg->wxmini.api_base, appid, secret, c->code);
    if (w < 0 || (size_t)w >= sizeof url)
        goto done;
    curl_easy_setopt(h, CURLOPT_URL, url);
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, cfg->api.login_timeout_ms);
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, cfg->api.login_timeout_ms);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_data);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &answer);
    CURLcode cc = curl_easy_perform(h);
    if (cc == CURLE_OPERATION_TIMEDOUT) {
        c->up_rc = ZB_ESTALE;
        log_warn("rest: jscode2session gave no answer within %ld ms", cfg->api.login_timeout_ms);
        goto done;
    }
    long status = 0;
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
    if (cc != CURLE_OK || status != 200) {
        log_warn("rest: jscode2session failed: %s, HTTP %ld", curl_easy_strerror(cc), status);
        goto done;
    }
    cJSON *j = cJSON_ParseWithLength(answer.data ? answer.data : "", answer.len);
    const cJSON *ec = cJSON_GetObjectItemCaseSensitive(j, "errcode");
    const cJSON *oid = cJSON_GetObjectItemCaseSensitive(j, "openid");
    const cJSON *key = cJSON_GetObjectItemCaseSensitive(j, "session_key");
    c->errcode = cJSON_IsNumber(ec) ? (long)ec->valuedouble : 0;
    if (!cJSON_IsObject(j))
        log_warn("rest: jscode2session answered something that is not JSON");
    else if (c->errcode)
        c->up_rc = ZB_OK;
    else if (cJSON_IsString(oid) && code_ok(oid->valuestring) &&
             strlen(oid->valuestring) < sizeof c->openid && cJSON_IsString(key) &&
             strlen(key->valuestring) < sizeof c->session_key) {
        snprintf(c->openid, sizeof c->openid, "%s", oid->valuestring);
        snprintf(c->session_key, sizeof c->session_key, "%s", key->valuestring);
        c->up_rc = ZB_OK;
    } else
        log_warn("rest: jscode2session's answer lacks a usable openid or session_key");
    cJSON_Delete(j);
done:
    curl_free(appid);
    curl_free(secret);
    if (h)
        curl_easy_cleanup(h);
    buf_free(&answer);
}

static void *worker(void *arg)
{
    (void)arg;
    for (;;) {
        pthread_mutex_lock(&L.mu);
        while (!L.len && !L.stop)
            pthread_cond_wait(&L.cv, &L.mu);
        if (!L.len) {
            pthread_mutex_unlock(&L.mu);
            return NULL;
        }
        struct rest_call *c = L.queue[L.head];
        L.head = (L.head + 1) % LOGIN_QUEUE_MAX;
        L.len--;
        pthread_mutex_unlock(&L.mu);
        call(c);
        http_ready(c->req);
    }
}

int rest_login_start(const struct config *cfg)
{
    L.cfg = cfg;
    L.stop = false;
    curl_global_init(CURL_GLOBAL_DEFAULT);
    for (int i = 0; i < LOGIN_WORKERS; i++) {
        if (pthread_create(&L.threads[i], NULL, worker, NULL)) {
            rest_login_stop();
            return ZB_EIO;
        }
        L.nthreads++;
    }
    return ZB_OK;
}

void rest_login_stop(void)
{
    pthread_mutex_lock(&L.mu);
    L.stop = true;
    pthread_cond_broadcast(&L.cv);
    pthread_mutex_unlock(&L.mu);
    for (int i = 0; i < L.nthreads; i++)
        pthread_join(L.threads[i], NULL);
    L.nthreads = 0;
}

/* issue - the writer's part: the identity seen, a session for it. Writer thread. */
static int issue(void *arg)
{
    struct rest_call *c = arg;
    int64_t now = clock_now();
    struct apisession s = {0};
    int rc = identity_touch(PLATFORM, c->app_id, c->openid, now, &c->member_id);
    snprintf(s.platform, sizeof s.platform, "%s", PLATFORM);
    snprintf(s.account, sizeof s.account, "%s", c->app_id);
    snprintf(s.ext_id, sizeof s.ext_id, "%s", c->openid);
    if (!rc)
        rc = apisession_issue(&s, c->session_key, c->ttl_s, now, c->token);
    if (rc)
        return rc;
    cJSON *j = cJSON_CreateObject();
    cJSON_AddStringToObject(j, "token", c->token);
    cJSON_AddNumberToObject(j, "expires_at", (double)s.expires_at);
    cJSON_AddBoolToObject(j, "bound", c->member_id > 0);
    char *text = cJSON_PrintUnformatted(j);
    cJSON_Delete(j);
    rc = text ? buf_appendz(&c->out, text) : ZB_ETOOBIG;
    free(text);
    return rc;
}

static void issued(struct http_request *req, void *arg, int rc, struct http_response *resp)
{
    (void)req;
    rest_render(resp, arg, rc);
}

/* answered - jscode2session answered (or not): refuse, or go on to the writer. HTTP thread. */
static void answered(const struct config *cfg, struct http_request *req, struct http_response *resp)
{
    (void)cfg;
    struct rest_call *c = req->state;
    if (c->up_rc == ZB_ESTALE) {
        rest_problem(resp, 504, ZB_EIO, NULL, "微信登录服务响应太慢，请稍后再试");
        return;
    }
    if (c->up_rc) {
        rest_problem(resp, 502, ZB_EIO, NULL, "微信登录服务暂时不可用，请稍后再试");
        return;
    }
    switch (c->errcode) {
    case 0:
        break;
    case 40029:
        rest_problem(resp, 400, ZB_EINVAL, "code", "登录码无效，请重新登录");
        return;
    case 40163:
        rest_problem(resp, 400, ZB_EINVAL, "code", "登录码已经用过，请重新登录");
        return;
    case 45011:
        rest_problem(resp, 429, ZB_EBUSY, NULL, "登录太频繁，请稍后再试");
        return;
    default:
        log_warn("rest: jscode2session errcode %ld", c->errcode);
        rest_problem(resp, 502, ZB_EIO, NULL, "微信登录服务暂时不可用，请稍后再试");
        return;
    }
    /* hand c from this suspension to the writer's */
    req->state = NULL;
    req->state_free = NULL;
    http_async_write(req, resp, issue, c, rest_call_free, issued);
}

void rest_login(const struct config *cfg, struct http_request *req, struct http_response *resp,
                struct rest_call *c)
{
    struct jsonbody_err e = {0};
    const char *code = NULL;
    if (jsonbody_str(c->body, "code", true, REST_CODE_MAX, &code, &e) || !code_ok(code)) {
        rest_problem(resp, 400, ZB_EINVAL, "code", e.message ? e.message : "登录码格式不对");
        rest_call_free(c);
        return;
    }
    if (!*cfg->wxmini.app_id || !*cfg->wxmini.app_secret || !L.nthreads) {
        rest_problem(resp, 503, ZB_ECONFIG, NULL, "小程序登录尚未配置");
        rest_call_free(c);
        return;
    }
    snprintf(c->code, sizeof c->code, "%s", code);
    snprintf(c->app_id, sizeof c->app_id, "%s", cfg->wxmini.app_id);
    c->ttl_s = cfg->api.token_ttl_s;
    c->req = req;
    pthread_mutex_lock(&L.mu);
    bool room = L.len < LOGIN_QUEUE_MAX;
    if (room) {
        http_async_begin(req, resp, c, rest_call_free, answered);
        L.queue[(L.head + L.len) % LOGIN_QUEUE_MAX] = c;
        L.len++;
        pthread_cond_signal(&L.cv);
    }
    pthread_mutex_unlock(&L.mu);
    if (!room) {
        rest_problem(resp, 429, ZB_EBUSY, NULL, "登录的人太多，请稍后再试");
        rest_call_free(c);
    }
}
