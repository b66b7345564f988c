/* delivery_util.c - the fake platform and a zhibu server for delivery tests (see the header). */
#include "tests/e2e/delivery_util.h"

#include <arpa/inet.h>
#include <cjson/cJSON.h>
#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bot/base/buf.h"

void du_sleep_ms(int ms)
{
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

static const char *bin_dir(const char *env, const char *fallback)
{
    const char *v = getenv(env);
    return v && *v ? v : fallback;
}

static size_t on_body(char *p, size_t size, size_t n, void *arg)
{
    return buf_append(arg, p, size * n) ? 0 : size * n;
}

/* http - method on url; the body into resp (caller frees); returns the HTTP status or -1. */
static long http(const char *method, const char *url, struct buf *resp)
{
    CURL *c = curl_easy_init();
    long status = -1;
    buf_init(resp, 1 << 20);
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
    if (strcmp(method, "POST") == 0)
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, "");
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, resp);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 5L);
    if (curl_easy_perform(c) == CURLE_OK)
        curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    curl_easy_cleanup(c);
    return status;
}

static int free_port(void)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET};
    socklen_t len = sizeof a;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    int port = -1;
    if (fd >= 0 && bind(fd, (struct sockaddr *)&a, sizeof a) == 0 &&
        getsockname(fd, (struct sockaddr *)&a, &len) == 0)
        port = ntohs(a.sin_port);
    if (fd >= 0)
        close(fd);
    return port;
}

int du_fake_start(struct du_fake *f, const char *const *extra)
{
    memset(f, 0, sizeof *f);
    snprintf(f->dir, sizeof f->dir, "/tmp/zhibu-delivery-XXXXXX");
    if (!mkdtemp(f->dir)) {
        perror("mkdtemp");
        return -1;
    }
    char bin[512], port_file[320];
    snprintf(bin, sizeof bin, "%s/fake_platform",
             bin_dir("ZHIBU_FAKES", "build/release/tests/fakes"));
    snprintf(port_file, sizeof port_file, "%s/fake.port", f->dir);
    snprintf(f->record, sizeof f->record, "%s/fake.jsonl", f->dir);
    const char *argv[40] = {bin,          "--port-file",    port_file,   "--record",
                            f->record,    "--wechat-appid", DU_WX_APPID, "--wechat-secret",
                            DU_WX_SECRET, "--qqbot-appid",  DU_QQ_APPID, "--qqbot-secret",
                            DU_QQ_SECRET, "--onebot-token", DU_OB_TOKEN};
    int n = 15;
    for (int i = 0; extra && extra[i] && n < 38; i++)
        argv[n++] = extra[i];
    argv[n] = NULL;
    pid_t pid = fork();
    if (pid == 0) {
        char log[320];
        snprintf(log, sizeof log, "%s/fake.log", f->dir);
        int fd = open(log, O_WRONLY | O_CREAT | O_APPEND, 0600);
        if (fd >= 0) {
            dup2(fd, 1);
            dup2(fd, 2);
        }
        execv(bin, (char *const *)argv);
        _exit(127);
    }
    f->pid = pid;
    for (int i = 0; i < 200; i++) {
        FILE *pf = fopen(port_file, "r");
        if (pf) {
            int ok = fscanf(pf, "%d", &f->port) == 1;
            fclose(pf);
            if (ok)
                return 0;
        }
        du_sleep_ms(25);
    }
    fprintf(stderr, "fake_platform did not start (%s)\n", bin);
    return -1;
}

static void rm_dir(const char *dir)
{
    if (getenv("E2E_KEEP")) {
        fprintf(stderr, "kept %s\n", dir);
        return;
    }
    char cmd[400];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", dir);
}

void du_fake_stop(struct du_fake *f)
{
    if (f->pid > 0) {
        kill(f->pid, SIGTERM);
        waitpid(f->pid, NULL, 0);
        f->pid = 0;
    }
    if (f->dir[0])
        rm_dir(f->dir);
    f->dir[0] = '\0';
}

int du_fake_set(const struct du_fake *f, const char *query)
{
    char url[512];
    struct buf b;
    snprintf(url, sizeof url, "http://127.0.0.1:%d/_fake/set?%s", f->port, query);
    long st = http("POST", url, &b);
    buf_free(&b);
    return st == 200 ? 0 : -1;
}

long du_fake_stat(const struct du_fake *f, const char *name)
{
    char url[256];
    struct buf b;
    snprintf(url, sizeof url, "http://127.0.0.1:%d/_fake/stats", f->port);
    long v = -1;
    if (http("GET", url, &b) == 200) {
        cJSON *j = cJSON_Parse(buf_str(&b));
        const cJSON *x = cJSON_GetObjectItemCaseSensitive(j, name);
        if (cJSON_IsNumber(x))
            v = (long)x->valuedouble;
        cJSON_Delete(j);
    }
    buf_free(&b);
    return v;
}

static void copy_str(const cJSON *o, const char *name, char *out, size_t n)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);
    snprintf(out, n, "%s", cJSON_IsString(v) ? v->valuestring : "");
}

struct du_rec *du_records(const struct du_fake *f, size_t *n)
{
    *n = 0;
    size_t cap = 1024;
    struct du_rec *r = calloc(cap, sizeof *r);
    FILE *fp = fopen(f->record, "r");
    char line[4096];
    while (fp && fgets(line, sizeof line, fp)) {
        cJSON *j = cJSON_Parse(line);
        if (!j)
            continue;
        if (*n == cap) {
            cap *= 2;
            r = realloc(r, cap * sizeof *r);
        }
        struct du_rec *e = &r[(*n)++];
        memset(e, 0, sizeof *e);
        copy_str(j, "api", e->api, sizeof e->api);
        copy_str(j, "to", e->to, sizeof e->to);
        copy_str(j, "text", e->text, sizeof e->text);
        copy_str(j, "key", e->key, sizeof e->key);
        copy_str(j, "data", e->data, sizeof e->data);
        copy_str(j, "url", e->url, sizeof e->url);
        const cJSON *seq = cJSON_GetObjectItemCaseSensitive(j, "seq");
        e->seq = cJSON_IsNumber(seq) ? (long)seq->valuedouble : 0;
        e->dup = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(j, "dup"));
        cJSON_Delete(j);
    }
    if (fp)
        fclose(fp);
    return r;
}

int du_server_config(struct du_server *s, const struct du_fake *f, long concurrency,
                     const char *wechat_extra, const char *qqbot_extra, const char *extra)
{
    memset(s, 0, sizeof *s);
    snprintf(s->dir, sizeof s->dir, "%s", f->dir);
    snprintf(s->config, sizeof s->config, "%s/zhibu.json", f->dir);
    snprintf(s->db, sizeof s->db, "%s/zhibu.db", f->dir);
    snprintf(s->log, sizeof s->log, "%s/zhibu.log", f->dir);
    s->port = free_port();
    FILE *c = fopen(s->config, "w");
    if (!c || s->port < 0)
        return -1;
    const char *api = "http://127.0.0.1";
    fprintf(
        c,
        "{\"listen\":\"127.0.0.1:%d\",\"database\":\"%s\",\"log_level\":\"info\",\n"
        " \"wechat\":{\"enabled\":true,\"token\":\"t\",\"app_id\":\"%s\",\"app_secret\":\"%s\","
        "\"api_base\":\"%s:%d\"%s%s},\n"
        " \"onebot\":{\"enabled\":true,\"access_token\":\"%s\",\"api_base\":\"%s:%d\"},\n"
        " \"qqbot\":{\"enabled\":true,\"app_id\":\"%s\",\"secret\":\"%s\",\"api_base\":\"%s:%d\","
        "\"token_url\":\"%s:%d/app/getAppAccessToken\"%s%s},\n"
        " \"outbox\":{\"concurrency\":%ld,\"backoff_s\":1,\"backoff_max_s\":2,"
        "\"max_attempts\":6,\"timeout_ms\":3000,\"rate_pause_s\":1},\n"
        " \"ratelimit\":{\"wechat\":0,\"onebot\":0,\"qqbot\":0}%s%s}\n",
        s->port, s->db, DU_WX_APPID, DU_WX_SECRET, api, f->port, wechat_extra ? "," : "",
        wechat_extra ? wechat_extra : "", DU_OB_TOKEN, api, f->port, DU_QQ_APPID, DU_QQ_SECRET, api,
        f->port, api, f->port, qqbot_extra ? "," : "", qqbot_extra ? qqbot_extra : "", concurrency,
        extra ? "," : "", extra ? extra : "");
    return fclose(c) == 0 ? 0 : -1;
}

int du_server_start(struct du_server *s)
{
    char bin[512];
    snprintf(bin, sizeof bin, "%s", bin_dir("ZHIBU_BIN", "build/release/zhibu"));
    pid_t pid = fork();
    if (pid == 0) {
        int fd = open(s->log, O_WRONLY | O_CREAT | O_APPEND, 0600);
        if (fd >= 0) {
            dup2(fd, 1);
            dup2(fd, 2);
        }
        execl(bin, bin, "serve", "--config", s->config, (char *)NULL);
        _exit(127);
    }
    s->pid = pid;
    char url[128];
    snprintf(url, sizeof url, "http://127.0.0.1:%d/healthz", s->port);
    for (int i = 0; i < 200; i++) {
        struct buf b;
        long st = http("GET", url, &b);
        buf_free(&b);
        if (st == 200)
            return 0;
        int status;
        if (waitpid(pid, &status, WNOHANG) == pid) {
            s->pid = 0;
            break;
        }
        du_sleep_ms(50);
    }
    fprintf(stderr, "zhibu did not start; log %s\n", s->log);
    return -1;
}

int du_server_stop(struct du_server *s)
{
    if (s->pid <= 0)
        return -1;
    kill(s->pid, SIGTERM);
    int status = 0;
    for (int i = 0; i < 200; i++) {
        if (waitpid(s->pid, &status, WNOHANG) == s->pid) {
            s->pid = 0;
            return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
        }
        du_sleep_ms(50);
    }
    kill(s->pid, SIGKILL);
    waitpid(s->pid, &status, 0);
    s->pid = 0;
    return 128 + SIGKILL;
}

void du_server_kill9(struct du_server *s)
{
    if (s->pid <= 0)
        return;
    kill(s->pid, SIGKILL);
    waitpid(s->pid, NULL, 0);
    s->pid = 0;
}

int du_cli(const struct du_server *s, char *out, size_t n, ...)
{
    const char *argv[32];
    int argc = 0;
    argv[argc++] = bin_dir("ZHIBU_BIN", "build/release/zhibu");
    va_list ap;
    va_start(ap, n);
    const char *a;
    while ((a = va_arg(ap, const char *)) && argc < 28)
        argv[argc++] = a;
    va_end(ap);
    argv[argc++] = "--config";
    argv[argc++] = s->config;
    argv[argc] = NULL;
    int pipefd[2];
    if (pipe(pipefd) != 0)
        return -1;
    pid_t pid = fork();
    if (pid == 0) {
        dup2(pipefd[1], 1);
        close(pipefd[0]);
        execv(argv[0], (char *const *)argv);
        _exit(127);
    }
    close(pipefd[1]);
    size_t used = 0;
    ssize_t r;
    while ((r = read(pipefd[0], out + used, n - 1 - used)) > 0)
        used += (size_t)r;
    out[used] = '\0';
    close(pipefd[0]);
    int status;
    waitpid(pid, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

long long du_db_int(const struct du_server *s, const char *sql)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;
    long long v = -2;
    if (sqlite3_open_v2(s->db, &db, SQLITE_OPEN_READWRITE, NULL) == SQLITE_OK) {
        sqlite3_busy_timeout(db, 5000);
        if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK) {
            int rc = sqlite3_step(st);
            v = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : rc == SQLITE_DONE ? -1 : -2;
        } else {
            fprintf(stderr, "sql: %s: %s\n", sql, sqlite3_errmsg(db));
        }
    }
    sqlite3_finalize(st);
    sqlite3_close(db);
    return v;
}

int du_db_exec(const struct du_server *s, const char *sql)
{
    sqlite3 *db = NULL;
    char *msg = NULL;
    int rc = -1;
    if (sqlite3_open_v2(s->db, &db, SQLITE_OPEN_READWRITE, NULL) == SQLITE_OK) {
        sqlite3_busy_timeout(db, 5000);
        rc = sqlite3_exec(db, sql, NULL, NULL, &msg) == SQLITE_OK ? 0 : -1;
        if (rc)
            fprintf(stderr, "sql: %s: %s\n", sql, msg ? msg : "?");
    }
    sqlite3_free(msg);
    sqlite3_close(db);
    return rc;
}

bool du_wait_db(const struct du_server *s, const char *sql, long long want, int ms)
{
    for (int waited = 0; waited <= ms; waited += 100) {
        if (du_db_int(s, sql) == want)
            return true;
        du_sleep_ms(100);
    }
    return false;
}

bool du_file_has(const char *path, const char *needle)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return false;
    struct stat st;
    bool found = false;
    if (fstat(fileno(f), &st) == 0) {
        char *data = calloc(1, (size_t)st.st_size + 1);
        if (data && fread(data, 1, (size_t)st.st_size, f) == (size_t)st.st_size)
            found = strstr(data, needle) != NULL;
        free(data);
    }
    fclose(f);
    return found;
}
