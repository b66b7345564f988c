/*
 * fake_platform.c - a fake of the platforms' token and send APIs for tests, on loopback.
 *
 * Speaks WeChat (POST /cgi-bin/stable_token, /cgi-bin/message/custom/send, /template/send,
 * /subscribe/bizsend, and the mini-program's /cgi-bin/message/subscribe/send, with
 * ?access_token=; one app id serves the official account and the mini-program), OneBot v11 (POST
 * /send_private_msg, /send_group_msg with Authorization: Bearer) and the QQ open platform (POST
 * /app/getAppAccessToken with expires_in as a string, /v2/users/{id}/messages and
 * /v2/groups/{id}/messages with Authorization: QQBot). Checks credentials and tokens as the
 * platforms do, dedupes WeChat template sends on (touser, client_msg_id) and QQ passive replies on
 * (msg_id, msg_seq) as the platforms do, and appends one JSON line per accepted send to the
 * --record file:
 *   {"api":"wechat_template","to":"o1","text":"...","key":"...","seq":0,"dup":false}
 * WeChat template and subscription sends also record "data" (their data object as JSON text)
 * and "url" (the template's url, when given).
 *
 * Failures are injected with flags or at run time with POST /_fake/set?NAME=VALUE:
 *   fail_http=STATUS&fail_count=N   the next N sends answer HTTP STATUS (e.g. 500)
 *   wechat_errcode=CODE&errcode_count=N   the next N WeChat sends answer errcode CODE
 *   onebot_retcode=CODE&retcode_count=N   the next N OneBot sends answer retcode CODE
 *   qq_code=CODE&qq_count=N          the next N QQ sends answer 400 {"code":CODE}
 *   slow_ms=MS                       every send waits MS before answering
 *   expire_after=N                   a token is refused (42001 / 11244) after N sends with it
 * The mini-program's login: GET /sns/jscode2session?appid=&secret=&js_code=&grant_type=
 * authorization_code checks the app's credentials (--wxmini-appid/--wxmini-secret, else the
 * WeChat ones) and answers {"openid":"o_CODE","session_key":"sk_CODE"}; a code is good once
 * (40163 after), a code starting with "bad" is 40029. Injected: js_errcode=CODE&js_count=N (the
 * next N logins answer errcode CODE, e.g. 40029 or 45011), js_slow_ms=MS (logins wait MS).
 * GET /_fake/stats answers {"accepted":..,"dups":..,"tokens":..,"requests":..,"refused":..}.
 *
 * Usage: fake_platform --port-file F --record F [--wechat-appid A --wechat-secret S]
 *        [--qqbot-appid A --qqbot-secret S] [--onebot-token T] [--token-ttl S] [--slow-ms MS]
 *        [--expire-after N]
 */
#include <cjson/cJSON.h>
#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bot/base/buf.h"
#include "bot/base/xmalloc.h"

#define BODY_MAX (256 * 1024)
#define NBUCKETS 65536

struct seen {
    struct seen *next;
    char *key;
};

static struct {
    pthread_mutex_t mu;
    FILE *record;
    const char *wx_appid, *wx_secret, *qq_appid, *qq_secret, *ob_token;
    const char *mini_appid, *mini_secret;  /* jscode2session's credentials */
    long js_errcode, js_count, js_slow_ms; /* injected login failures and delay */
    long logins;                           /* jscode2session answers with an openid */
    long token_ttl;
    long slow_ms;
    long expire_after;
    long fail_http, fail_count;
    long wx_errcode, errcode_count;
    long ob_retcode, retcode_count;
    long qq_code, qq_count;
    char wx_token[64], qq_token[64];
    long wx_uses, qq_uses;
    long tokens, accepted, dups, requests, refused;
    unsigned serial;
    struct seen *seen[NBUCKETS];
} F = {.mu = PTHREAD_MUTEX_INITIALIZER, .token_ttl = 7200};

struct req {
    struct buf body;
};

static unsigned hash(const char *s)
{
    unsigned h = 2166136261u;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 16777619u;
    return h % NBUCKETS;
}

/* seen_add - 1 when key was new (and is now remembered), 0 when seen before. */
static int seen_add(const char *key)
{
    unsigned h = hash(key);
    for (struct seen *s = F.seen[h]; s; s = s->next)
        if (strcmp(s->key, key) == 0)
            return 0;
    struct seen *s = xmalloc(sizeof *s);
    s->key = xstrdup(key);
    s->next = F.seen[h];
    F.seen[h] = s;
    return 1;
}

static void new_token(char *tok, const char *prefix)
{
    snprintf(tok, 64, "%s-%u-%ld", prefix, ++F.serial, (long)time(NULL));
    F.tokens++;
}

static const cJSON *rec_data; /* the next record's WeChat template data, or NULL */
static const char *rec_url;   /* the next record's template url, or NULL */

static void record(const char *api, const char *to, const char *text, const char *key, long seq,
                   int dup)
{
    cJSON *j = cJSON_CreateObject();
    cJSON_AddStringToObject(j, "api", api);
    cJSON_AddStringToObject(j, "to", to ? to : "");
    cJSON_AddStringToObject(j, "text", text ? text : "");
    cJSON_AddStringToObject(j, "key", key ? key : "");
    cJSON_AddNumberToObject(j, "seq", (double)seq);
    cJSON_AddBoolToObject(j, "dup", dup);
    if (rec_data) {
        char *d = cJSON_PrintUnformatted(rec_data);
        cJSON_AddStringToObject(j, "data", d ? d : "");
        free(d);
    }
    if (rec_url)
        cJSON_AddStringToObject(j, "url", rec_url);
    char *line = cJSON_PrintUnformatted(j);
    if (F.record && line) {
        fprintf(F.record, "%s\n", line);
        fflush(F.record);
    }
    free(line);
    cJSON_Delete(j);
    if (dup)
        F.dups++;
    else
        F.accepted++;
}

static enum MHD_Result answer(struct MHD_Connection *c, unsigned status, const char *body)
{
    struct MHD_Response *r =
        MHD_create_response_from_buffer(strlen(body), (void *)body, MHD_RESPMEM_MUST_COPY);
    MHD_add_response_header(r, "Content-Type", "application/json");
    enum MHD_Result ok = MHD_queue_response(c, status, r);
    MHD_destroy_response(r);
    return ok;
}

static const char *str(const cJSON *o, const char *name)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* take - consume one of an injected failure's count. */
static int take(long *count)
{
    if (*count <= 0)
        return 0;
    (*count)--;
    return 1;
}

static long arg_long(struct MHD_Connection *c, const char *name, long def)
{
    const char *v = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, name);
    return v ? strtol(v, NULL, 10) : def;
}

static enum MHD_Result control(struct MHD_Connection *c, const char *url, char *out, size_t n)
{
    if (strcmp(url, "/_fake/set") == 0) {
        F.fail_http = arg_long(c, "fail_http", F.fail_http);
        F.fail_count = arg_long(c, "fail_count", F.fail_count);
        F.wx_errcode = arg_long(c, "wechat_errcode", F.wx_errcode);
        F.errcode_count = arg_long(c, "errcode_count", F.errcode_count);
        F.ob_retcode = arg_long(c, "onebot_retcode", F.ob_retcode);
        F.retcode_count = arg_long(c, "retcode_count", F.retcode_count);
        F.qq_code = arg_long(c, "qq_code", F.qq_code);
        F.qq_count = arg_long(c, "qq_count", F.qq_count);
        F.slow_ms = arg_long(c, "slow_ms", F.slow_ms);
        F.expire_after = arg_long(c, "expire_after", F.expire_after);
        F.js_errcode = arg_long(c, "js_errcode", F.js_errcode);
        F.js_count = arg_long(c, "js_count", F.js_count);
        F.js_slow_ms = arg_long(c, "js_slow_ms", F.js_slow_ms);
    }
    snprintf(out, n,
             "{\"accepted\":%ld,\"dups\":%ld,\"tokens\":%ld,\"requests\":%ld,\"refused\":%ld,"
             "\"logins\":%ld}",
             F.accepted, F.dups, F.tokens, F.requests, F.refused, F.logins);
    return MHD_YES;
}

static const char *query(struct MHD_Connection *c, const char *name)
{
    const char *v = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, name);
    return v ? v : "";
}

/* jscode2session - the mini-program's login; the answer JSON into out. Under F.mu. */
static void jscode2session(struct MHD_Connection *c, char *out, size_t n)
{
    const char *appid = F.mini_appid ? F.mini_appid : F.wx_appid;
    const char *secret = F.mini_secret ? F.mini_secret : F.wx_secret;
    const char *code = query(c, "js_code");
    char key[200];
    if (!appid || strcmp(query(c, "appid"), appid) != 0)
        snprintf(out, n, "{\"errcode\":40013,\"errmsg\":\"invalid appid\"}");
    else if (!secret || strcmp(query(c, "secret"), secret) != 0)
        snprintf(out, n, "{\"errcode\":40125,\"errmsg\":\"invalid appsecret\"}");
    else if (strcmp(query(c, "grant_type"), "authorization_code") != 0)
        snprintf(out, n, "{\"errcode\":40002,\"errmsg\":\"invalid grant_type\"}");
    else if (take(&F.js_count))
        snprintf(out, n, "{\"errcode\":%ld,\"errmsg\":\"injected\"}", F.js_errcode);
    else if (!*code || strncmp(code, "bad", 3) == 0 || strlen(code) > 128)
        snprintf(out, n, "{\"errcode\":40029,\"errmsg\":\"invalid code\"}");
    else if (snprintf(key, sizeof key, "js:%s", code), !seen_add(key))
        snprintf(out, n, "{\"errcode\":40163,\"errmsg\":\"code been used\"}");
    else {
        F.logins++;
        snprintf(out, n, "{\"openid\":\"o_%s\",\"session_key\":\"sk_%s\"}", code, code);
    }
}

/* button_ok - one click button as WeChat checks it: name within max bytes (40018), type click
 * (40017), key of 1..128 bytes (40019); 0 or the errcode. Appends the key to keys. */
static long button_ok(const cJSON *b, size_t max, char *keys, size_t keysz)
{
    const char *name = str(b, "name"), *type = str(b, "type"), *key = str(b, "key");
    if (!name || !*name || strlen(name) > max)
        return 40018;
    if (!type || strcmp(type, "click") != 0)
        return 40017;
    if (!key || !*key || strlen(key) > 128)
        return 40019;
    size_t used = strlen(keys);
    snprintf(keys + used, keysz - used, "%s%s", used ? "," : "", key);
    return 0;
}

/* menu_create - POST /cgi-bin/menu/create: at most 3 buttons (40016), each a click button or
 * a named group of 1..5 sub-buttons (40023); recorded as "wechat_menu" with the keys in order as
 * text and the button array as data. */
static unsigned menu_create(const cJSON *j, char *out, size_t n)
{
    const cJSON *top = cJSON_GetObjectItemCaseSensitive(j, "button");
    char keys[4096] = "";
    long code = 0;
    int nt = cJSON_IsArray(top) ? cJSON_GetArraySize(top) : 0;
    if (nt < 1 || nt > 3)
        code = 40016;
    for (const cJSON *b = nt ? top->child : NULL; b && !code; b = b->next) {
        const cJSON *subs = cJSON_GetObjectItemCaseSensitive(b, "sub_button");
        if (!subs) {
            code = button_ok(b, 16, keys, sizeof keys);
            continue;
        }
        int ns = cJSON_IsArray(subs) ? cJSON_GetArraySize(subs) : 0;
        const char *name = str(b, "name");
        if (ns < 1 || ns > 5)
            code = 40023;
        else if (!name || !*name || strlen(name) > 16)
            code = 40018;
        for (const cJSON *sb = subs->child; sb && !code; sb = sb->next)
            code = button_ok(sb, 60, keys, sizeof keys);
    }
    if (code) {
        snprintf(out, n, "{\"errcode\":%ld,\"errmsg\":\"invalid button\"}", code);
        return 200;
    }
    rec_data = top;
    record("wechat_menu", "", keys, NULL, 0, 0);
    rec_data = NULL;
    snprintf(out, n, "{\"errcode\":0,\"errmsg\":\"ok\"}");
    return 200;
}

/* wechat - one WeChat call; writes the answer JSON into out. */
static unsigned wechat(struct MHD_Connection *c, const char *url, const cJSON *j, char *out,
                       size_t n)
{
    if (strcmp(url, "/cgi-bin/stable_token") == 0) {
        const char *appid = str(j, "appid"), *secret = str(j, "secret");
        if (!appid || !F.wx_appid || strcmp(appid, F.wx_appid) != 0) {
            snprintf(out, n, "{\"errcode\":40013,\"errmsg\":\"invalid appid\"}");
            return 200;
        }
        if (!secret || strcmp(secret, F.wx_secret) != 0) {
            snprintf(out, n, "{\"errcode\":40125,\"errmsg\":\"invalid appsecret\"}");
            return 200;
        }
        const cJSON *force = cJSON_GetObjectItemCaseSensitive(j, "force_refresh");
        if (!F.wx_token[0] || cJSON_IsTrue(force)) {
            new_token(F.wx_token, "wx");
            F.wx_uses = 0;
        }
        snprintf(out, n, "{\"access_token\":\"%s\",\"expires_in\":%ld}", F.wx_token, F.token_ttl);
        return 200;
    }
    const char *tok = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "access_token");
    if (!tok || strcmp(tok, F.wx_token) != 0) {
        F.refused++;
        snprintf(out, n,
                 "{\"errcode\":40001,\"errmsg\":\"invalid credential, access_token is "
                 "invalid or not latest\"}");
        return 200;
    }
    if (F.expire_after > 0 && F.wx_uses >= F.expire_after) {
        F.refused++;
        F.wx_token[0] = '\0'; /* expired: the next stable_token issues a new one */
        snprintf(out, n, "{\"errcode\":42001,\"errmsg\":\"access_token expired\"}");
        return 200;
    }
    F.wx_uses++;
    if (take(&F.errcode_count)) {
        snprintf(out, n, "{\"errcode\":%ld,\"errmsg\":\"injected\"}", F.wx_errcode);
        return 200;
    }
    if (strcmp(url, "/cgi-bin/menu/create") == 0)
        return menu_create(j, out, n);
    const char *to = str(j, "touser");
    if (!to) {
        snprintf(out, n, "{\"errcode\":47001,\"errmsg\":\"data format error\"}");
        return 200;
    }
    if (strcmp(url, "/cgi-bin/message/custom/send") == 0) {
        const cJSON *t = cJSON_GetObjectItemCaseSensitive(j, "text");
        record("wechat_cs", to, str(t, "content"), NULL, 0, 0);
    } else if (strcmp(url, "/cgi-bin/message/subscribe/send") == 0) {
        const cJSON *data = cJSON_GetObjectItemCaseSensitive(j, "data");
        const cJSON *first = data ? data->child : NULL;
        if (!str(j, "template_id")) {
            snprintf(out, n, "{\"errcode\":47001,\"errmsg\":\"data format error\"}");
            return 200;
        }
        rec_data = data;
        record("wxmini_subscribe", to, first ? str(first, "value") : NULL, str(j, "template_id"), 0,
               0);
        rec_data = NULL;
    } else if (strcmp(url, "/cgi-bin/message/template/send") == 0 ||
               strcmp(url, "/cgi-bin/message/subscribe/bizsend") == 0) {
        int tmpl = strstr(url, "template") != NULL;
        const cJSON *data = cJSON_GetObjectItemCaseSensitive(j, "data");
        const cJSON *first = data ? data->child : NULL;
        const char *text = first ? str(first, "value") : NULL;
        const char *cid = str(j, "client_msg_id");
        int dup = 0;
        if (tmpl && cid) {
            char key[512];
            snprintf(key, sizeof key, "wx:%s:%s", to, cid);
            dup = !seen_add(key);
        }
        rec_data = data;
        rec_url = str(j, "url");
        record(tmpl ? "wechat_template" : "wechat_subscribe", to, text, cid, 0, dup);
        rec_data = NULL;
        rec_url = NULL;
    } else {
        snprintf(out, n, "{\"errcode\":404,\"errmsg\":\"no such api\"}");
        return 404;
    }
    snprintf(out, n, "{\"errcode\":0,\"errmsg\":\"ok\",\"msgid\":%ld}", F.accepted + F.dups);
    return 200;
}

static unsigned onebot(struct MHD_Connection *c, const char *url, const cJSON *j, char *out,
                       size_t n)
{
    const char *auth = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Authorization");
    if (F.ob_token && *F.ob_token) {
        char want[256];
        snprintf(want, sizeof want, "Bearer %s", F.ob_token);
        if (!auth) {
            snprintf(out, n, "{}");
            return 401;
        }
        if (strcmp(auth, want) != 0) {
            snprintf(out, n, "{}");
            return 403;
        }
    }
    if (take(&F.retcode_count)) {
        snprintf(out, n, "{\"status\":\"failed\",\"retcode\":%ld,\"wording\":\"injected\"}",
                 F.ob_retcode);
        return 200;
    }
    int group = strcmp(url, "/send_group_msg") == 0;
    const cJSON *id = cJSON_GetObjectItemCaseSensitive(j, group ? "group_id" : "user_id");
    const char *msg = str(j, "message");
    if (!cJSON_IsNumber(id) || !msg) {
        snprintf(out, n, "{\"status\":\"failed\",\"retcode\":1400}");
        return 400;
    }
    char to[32];
    snprintf(to, sizeof to, "%.0f", id->valuedouble);
    record(group ? "onebot_group" : "onebot_private", to, msg, NULL, 0, 0);
    snprintf(out, n, "{\"status\":\"ok\",\"retcode\":0,\"data\":{\"message_id\":%ld}}", F.accepted);
    return 200;
}

static unsigned qqbot(struct MHD_Connection *c, const char *url, const cJSON *j, char *out,
                      size_t n)
{
    if (strcmp(url, "/app/getAppAccessToken") == 0) {
        const char *appid = str(j, "appId"), *secret = str(j, "clientSecret");
        if (!appid || !secret || !F.qq_appid || strcmp(appid, F.qq_appid) != 0 ||
            strcmp(secret, F.qq_secret) != 0) {
            snprintf(out, n, "{\"code\":100016,\"message\":\"invalid appid or secret\"}");
            return 200;
        }
        if (!F.qq_token[0]) {
            new_token(F.qq_token, "qq");
            F.qq_uses = 0;
        }
        snprintf(out, n, "{\"access_token\":\"%s\",\"expires_in\":\"%ld\"}", F.qq_token,
                 F.token_ttl);
        return 200;
    }
    const char *auth = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Authorization");
    char want[128];
    snprintf(want, sizeof want, "QQBot %s", F.qq_token);
    if (!auth || !F.qq_token[0] || strcmp(auth, want) != 0) {
        F.refused++;
        snprintf(out, n, "{\"code\":11244,\"message\":\"token not exist or expire\"}");
        return 401;
    }
    if (F.expire_after > 0 && F.qq_uses >= F.expire_after) {
        F.refused++;
        F.qq_token[0] = '\0';
        snprintf(out, n, "{\"code\":11244,\"message\":\"token not exist or expire\"}");
        return 401;
    }
    F.qq_uses++;
    if (take(&F.qq_count)) {
        snprintf(out, n, "{\"code\":%ld,\"message\":\"injected\"}", F.qq_code);
        return 400;
    }
    char to[160];
    int group = strncmp(url, "/v2/groups/", 11) == 0;
    const char *rest = url + (group ? 11 : 10);
    const char *slash = strchr(rest, '/');
    if (!slash || strcmp(slash, "/messages") != 0 || (size_t)(slash - rest) >= sizeof to) {
        snprintf(out, n, "{\"code\":404,\"message\":\"no such api\"}");
        return 404;
    }
    memcpy(to, rest, (size_t)(slash - rest));
    to[slash - rest] = '\0';
    const char *msg_id = str(j, "msg_id");
    char event_ref[300];
    if (!msg_id && str(j, "event_id")) { /* a passive reply to an event: recorded as event:ID */
        snprintf(event_ref, sizeof event_ref, "event:%s", str(j, "event_id"));
        msg_id = event_ref;
    }
    const cJSON *seq = cJSON_GetObjectItemCaseSensitive(j, "msg_seq");
    long s = cJSON_IsNumber(seq) ? (long)seq->valuedouble : 0;
    if (msg_id) {
        char key[512];
        snprintf(key, sizeof key, "qq:%s:%ld", msg_id, s ? s : 1);
        if (!seen_add(key)) {
            record(group ? "qqbot_group" : "qqbot_c2c", to, str(j, "content"), msg_id, s, 1);
            snprintf(out, n, "{\"code\":40054005,\"message\":\"消息被去重，请检查请求msgseq\"}");
            return 400;
        }
    }
    record(group ? "qqbot_group" : "qqbot_c2c", to, str(j, "content"), msg_id, s, 0);
    snprintf(out, n, "{\"id\":\"m%ld\",\"timestamp\":\"%ld\"}", F.accepted, (long)time(NULL));
    return 200;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
                                  const char *method, const char *version, const char *upload,
                                  size_t *upload_size, void **con_cls)
{
    (void)cls;
    (void)version;
    struct req *r = *con_cls;
    if (!r) {
        r = xcalloc(1, sizeof *r);
        buf_init(&r->body, BODY_MAX);
        *con_cls = r;
        return MHD_YES;
    }
    if (*upload_size) {
        if (buf_append(&r->body, upload, *upload_size))
            return MHD_NO;
        *upload_size = 0;
        return MHD_YES;
    }
    char out[1024];
    unsigned status = 200;
    if (strncmp(url, "/_fake/", 7) == 0) {
        pthread_mutex_lock(&F.mu);
        control(c, url, out, sizeof out);
        pthread_mutex_unlock(&F.mu);
        return answer(c, 200, out);
    }
    if (strcmp(method, "GET") == 0 && strcmp(url, "/sns/jscode2session") == 0) {
        pthread_mutex_lock(&F.mu);
        F.requests++;
        long slow = F.js_slow_ms;
        jscode2session(c, out, sizeof out);
        pthread_mutex_unlock(&F.mu);
        if (slow > 0)
            usleep((useconds_t)slow * 1000);
        return answer(c, 200, out);
    }
    if (strcmp(method, "POST") != 0)
        return answer(c, 405, "{}");
    cJSON *j = cJSON_ParseWithLength(buf_str(&r->body), r->body.len);
    pthread_mutex_lock(&F.mu);
    F.requests++;
    long slow = F.slow_ms;
    int is_token = strstr(url, "token") != NULL || strstr(url, "Token") != NULL;
    if (!is_token && take(&F.fail_count)) {
        status = (unsigned)F.fail_http;
        snprintf(out, sizeof out, "{\"error\":\"injected\"}");
    } else if (!cJSON_IsObject(j)) {
        status = 400;
        snprintf(out, sizeof out, "{\"errcode\":47001,\"errmsg\":\"data format error\"}");
    } else if (strncmp(url, "/cgi-bin/", 9) == 0) {
        status = wechat(c, url, j, out, sizeof out);
    } else if (strcmp(url, "/send_private_msg") == 0 || strcmp(url, "/send_group_msg") == 0) {
        status = onebot(c, url, j, out, sizeof out);
    } else if (strncmp(url, "/app/", 5) == 0 || strncmp(url, "/v2/", 4) == 0) {
        status = qqbot(c, url, j, out, sizeof out);
    } else {
        status = 404;
        snprintf(out, sizeof out, "{}");
    }
    pthread_mutex_unlock(&F.mu);
    cJSON_Delete(j);
    if (slow > 0 && !is_token)
        usleep((useconds_t)slow * 1000);
    return answer(c, status, out);
}

static void on_done(void *cls, struct MHD_Connection *c, void **con_cls,
                    enum MHD_RequestTerminationCode toe)
{
    (void)cls;
    (void)c;
    (void)toe;
    struct req *r = *con_cls;
    if (r) {
        buf_free(&r->body);
        free(r);
    }
    *con_cls = NULL;
}

int main(int argc, char **argv)
{
    const char *port_file = NULL, *record_path = NULL;
    for (int i = 1; i + 1 < argc; i += 2) {
        const char *a = argv[i], *v = argv[i + 1];
        if (strcmp(a, "--port-file") == 0)
            port_file = v;
        else if (strcmp(a, "--record") == 0)
            record_path = v;
        else if (strcmp(a, "--wechat-appid") == 0)
            F.wx_appid = v;
        else if (strcmp(a, "--wechat-secret") == 0)
            F.wx_secret = v;
        else if (strcmp(a, "--qqbot-appid") == 0)
            F.qq_appid = v;
        else if (strcmp(a, "--qqbot-secret") == 0)
            F.qq_secret = v;
        else if (strcmp(a, "--onebot-token") == 0)
            F.ob_token = v;
        else if (strcmp(a, "--token-ttl") == 0)
            F.token_ttl = strtol(v, NULL, 10);
        else if (strcmp(a, "--slow-ms") == 0)
            F.slow_ms = strtol(v, NULL, 10);
        else if (strcmp(a, "--wxmini-appid") == 0)
            F.mini_appid = v;
        else if (strcmp(a, "--wxmini-secret") == 0)
            F.mini_secret = v;
        else if (strcmp(a, "--expire-after") == 0)
            F.expire_after = strtol(v, NULL, 10);
        else {
            fprintf(stderr, "fake_platform: unknown option %s\n", a);
            return 2;
        }
    }
    if (record_path && !(F.record = fopen(record_path, "a"))) {
        perror(record_path);
        return 1;
    }
    signal(SIGPIPE, SIG_IGN);
    sigset_t set;
    int sig;
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    pthread_sigmask(SIG_BLOCK, &set, NULL); /* the daemon's threads inherit the mask */
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = 0};
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    struct MHD_Daemon *d = MHD_start_daemon(
        MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG, 0,
        NULL, NULL, on_request, NULL, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&addr,
        MHD_OPTION_NOTIFY_COMPLETED, on_done, NULL, MHD_OPTION_CONNECTION_LIMIT, (unsigned)512,
        MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)60, MHD_OPTION_END);
    if (!d) {
        fprintf(stderr, "fake_platform: cannot listen\n");
        return 1;
    }
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
    if (port_file) {
        char tmp[512];
        snprintf(tmp, sizeof tmp, "%s.tmp", port_file);
        FILE *f = fopen(tmp, "w");
        if (!f || fprintf(f, "%u\n", (unsigned)info->port) < 0 || fclose(f) != 0 ||
            rename(tmp, port_file) != 0) {
            perror(port_file);
            return 1;
        }
    } else {
        printf("%u\n", (unsigned)info->port);
        fflush(stdout);
    }
    sigwait(&set, &sig);
    MHD_stop_daemon(d);
    if (F.record)
        fclose(F.record);
    for (int i = 0; i < NBUCKETS; i++) {
        struct seen *s = F.seen[i];
        while (s) {
            struct seen *next = s->next;
            free(s->key);
            free(s);
            s = next;
        }
    }
    return 0;
}
