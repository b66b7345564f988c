/*
 * e2e_util.c - the end-to-end helpers (see e2e_util.h): the server process, the CLI, libcurl,
 * WeChat's signing and envelope as the platform side, and read access to the database.
 */
#include "tests/e2e/e2e_util.h"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <mbedtls/aes.h>
#include <mbedtls/base64.h>

#include "bot/base/buf.h"
#include "bot/base/rand.h"
#include "bot/base/xmalloc.h"
#include "webhook/wechat/wechat_crypto.h"
#include "webhook/wechat/wechat_xml.h"

#define HTTP_BODY_MAX  (8 * 1024 * 1024) /* largest response body a test reads */
#define CHUNK_PIECE    4096              /* bytes per read callback in chunked uploads */
#define START_WAIT_MS  15000             /* /healthz must answer within this */
#define STOP_WAIT_MS   10000             /* SIGTERM to exit, then SIGKILL */
#define CLI_WAIT_MS    20000             /* a CLI command must finish within this */
#define START_ATTEMPTS 5                 /* ports tried when one is taken meanwhile */
#define CLI_MAX_ARGS   32

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;
static atomic_uint_fast64_t msgid_next;

static void curl_init_once(void)
{
    curl_global_init(CURL_GLOBAL_DEFAULT);
    msgid_next = 6000000000000000000ull + (rand_u64() % 1000000000000ull) * 1000;
}

void e2e_sleep_ms(int ms)
{
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        ;
}

static long long mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

bool e2e_contains(const char *haystack, const char *needle)
{
    return haystack && needle && strstr(haystack, needle) != NULL;
}

/* read_all - the file at path from offset on, NUL-terminated; "" when unreadable. Caller frees. */
static char *read_all(const char *path, long offset)
{
    FILE *f = fopen(path, "rb");
    struct buf b;
    buf_init(&b, HTTP_BODY_MAX);
    if (f) {
        char tmp[8192];
        size_t n;
        if (offset > 0)
            fseek(f, offset, SEEK_SET);
        while ((n = fread(tmp, 1, sizeof tmp, f)) > 0)
            if (buf_append(&b, tmp, n))
                break;
        fclose(f);
    }
    char *s = buf_steal(&b);
    return s ? s : xstrdup("");
}

/* ---- the server process ---- */

const char *e2e_bin(void)
{
    static char path[4096];
    if (*path)
        return path;
    const char *bin = getenv("ZHIBU_BIN");
    const char *src = getenv("ZHIBU_SRC");
    char cwd[2048] = ".";
    if (!getcwd(cwd, sizeof cwd))
        snprintf(cwd, sizeof cwd, ".");
    if (bin && *bin == '/')
        snprintf(path, sizeof path, "%s", bin);
    else if (bin && *bin)
        snprintf(path, sizeof path, "%s/%s", cwd, bin);
    else if (src && *src)
        snprintf(path, sizeof path, "%s/build/release/zhibu", src);
    else
        snprintf(path, sizeof path, "%s/build/release/zhibu", cwd);
    return path;
}

/* free_port - a port on 127.0.0.1 that was free a moment ago, or 0. */
static int free_port(void)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0)
        return 0;
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = 0};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t al = sizeof a;
    int port = 0;
    if (bind(fd, (struct sockaddr *)&a, sizeof a) == 0 &&
        getsockname(fd, (struct sockaddr *)&a, &al) == 0)
        port = ntohs(a.sin_port);
    close(fd);
    return port;
}

int e2e_write_config(struct e2e_server *s)
{
    const struct e2e_config *c = &s->cfg;
    FILE *f = fopen(s->config_path, "w");
    if (!f) {
        print_error("e2e: cannot write %s: %s\n", s->config_path, strerror(errno));
        return -1;
    }
    fprintf(f, "{\n  \"_comment\": \"written by an e2e test\",\n");
    fprintf(f, "  \"listen\": \"127.0.0.1:%d\",\n  \"database\": \"%s\",\n", s->port, s->db_path);
    fprintf(f, "  \"timezone\": \"%s\",\n  \"log_level\": \"%s\",\n",
            c->timezone ? c->timezone : "UTC", c->log_level ? c->log_level : "info");
    if (c->body_limit || c->threads) {
        fprintf(f, "  \"server\": {");
        if (c->body_limit)
            fprintf(f, "\"body_limit\": %ld%s", c->body_limit, c->threads ? ", " : "");
        if (c->threads)
            fprintf(f, "\"threads\": %ld", c->threads);
        fprintf(f, "},\n");
    }
    if (c->session_ttl_s)
        fprintf(f, "  \"session\": {\"ttl_s\": %ld},\n", c->session_ttl_s);
    if (c->extra)
        fprintf(f, "  %s,\n", c->extra);
    fprintf(f, "  \"wechat\": {\n    \"enabled\": %s,\n", c->wechat_disabled ? "false" : "true");
    fprintf(f, "    \"app_id\": \"%s\",\n    \"token\": \"%s\",\n", s->app_id, s->token);
    if (c->aes_key)
        fprintf(f, "    \"encoding_aes_key\": \"%s\",\n", c->aes_key);
    /* the tests that predate wechat.mode post both forms to a keyed account: compatible */
    const char *mode = c->wx_mode ? c->wx_mode : c->aes_key ? "compatible" : "";
    if (*mode)
        fprintf(f, "    \"mode\": \"%s\",\n", mode);
    if (c->extra_wx)
        fprintf(f, "    %s,\n", c->extra_wx);
    fprintf(f, "    \"timestamp_window_s\": %d,\n", c->window_off ? 0 : 300);
    fprintf(f, "    \"api_base\": \"http://127.0.0.1:9\"\n  }\n}\n");
    return fclose(f) == 0 ? 0 : -1;
}

struct e2e_server *e2e_server_new(const struct e2e_config *cfg)
{
    pthread_once(&curl_once, curl_init_once);
    struct e2e_server *s = xcalloc(1, sizeof *s);
    static const struct e2e_config none = {0};
    s->cfg = cfg ? *cfg : none;
    const char *tmp = getenv("TMPDIR");
    snprintf(s->dir, sizeof s->dir, "%s/zhibu-e2e-XXXXXX", tmp && *tmp ? tmp : "/tmp");
    if (!mkdtemp(s->dir)) {
        print_error("e2e: mkdtemp %s: %s\n", s->dir, strerror(errno));
        free(s);
        return NULL;
    }
    snprintf(s->config_path, sizeof s->config_path, "%s/zhibu.json", s->dir);
    snprintf(s->db_path, sizeof s->db_path, "%s/var/zhibu.db", s->dir);
    snprintf(s->log_path, sizeof s->log_path, "%s/server.log", s->dir);
    snprintf(s->token, sizeof s->token, "%s", s->cfg.token ? s->cfg.token : E2E_TOKEN);
    snprintf(s->app_id, sizeof s->app_id, "%s", s->cfg.app_id ? s->cfg.app_id : E2E_APP_ID);
    if (s->cfg.aes_key && wechat_key_decode(s->cfg.aes_key, s->key) == 0)
        s->have_key = true;
    s->port = free_port();
    snprintf(s->base, sizeof s->base, "http://127.0.0.1:%d", s->port);
    if (!s->port || e2e_write_config(s)) {
        e2e_server_free(s);
        return NULL;
    }
    return s;
}

/* clear_env - the child must not take its config from the caller's environment. */
static void clear_env(void)
{
    static const char *const vars[] = {"ZHIBU_CONFIG", "ZHIBU_LOG_LEVEL", "ZHIBU_WECHAT_TOKEN",
                                       "ZHIBU_WECHAT_AES_KEY", "ZHIBU_WECHAT_APP_SECRET"};
    for (size_t i = 0; i < sizeof vars / sizeof vars[0]; i++)
        unsetenv(vars[i]);
}

/* spawn - fork and exec the binary with argv in dir, stdout and stderr to the given files
 * (opened for append). Returns the pid or -1. */
static pid_t spawn(const char *dir, char *const argv[], const char *out_path, const char *err_path)
{
    const char *bin = e2e_bin(); /* resolved against our cwd, before the child's chdir */
    fflush(NULL);
    pid_t pid = fork();
    if (pid != 0)
        return pid;
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    int in = open("/dev/null", O_RDONLY);
    int out = open(out_path, O_WRONLY | O_CREAT | O_APPEND, 0600);
    int err = open(err_path, O_WRONLY | O_CREAT | O_APPEND, 0600);
    if (in < 0 || out < 0 || err < 0 || dup2(in, 0) < 0 || dup2(out, 1) < 0 || dup2(err, 2) < 0)
        _exit(126);
    if (chdir(dir) != 0)
        _exit(126);
    clear_env();
    execv(bin, argv);
    dprintf(2, "e2e: cannot exec %s: %s\n", bin, strerror(errno));
    _exit(127);
}

/* wait_exit - reap pid within ms; the exit status, 128+signal, or -1 on timeout. */
static int wait_exit(pid_t pid, int ms)
{
    long long until = mono_ms() + ms;
    for (;;) {
        int st;
        pid_t r = waitpid(pid, &st, WNOHANG);
        if (r == pid)
            return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
        if (r < 0 && errno != EINTR)
            return -1;
        if (mono_ms() > until)
            return -1;
        e2e_sleep_ms(5);
    }
}

static bool healthy(const struct e2e_server *s)
{
    struct e2e_resp r;
    e2e_http(s, "GET", "/healthz", NULL, 0, 0, &r);
    bool ok = r.status == 200;
    e2e_resp_free(&r);
    return ok;
}

static void print_log(const struct e2e_server *s)
{
    char *log = read_all(s->log_path, 0);
    print_error("---- server log %s ----\n%s---- end of log ----\n", s->log_path, log);
    free(log);
}

int e2e_server_spawn(struct e2e_server *s)
{
    char *argv[] = {"zhibu", "serve", "--config", s->config_path, NULL};
    s->pid = spawn(s->dir, argv, s->log_path, s->log_path);
    if (s->pid < 0) {
        s->pid = 0;
        print_error("e2e: fork: %s\n", strerror(errno));
        return -1;
    }
    return 0;
}

int e2e_server_wait_exit(struct e2e_server *s, int ms)
{
    if (!s->pid)
        return -1;
    int st = wait_exit(s->pid, ms);
    if (st >= 0)
        s->pid = 0;
    return st;
}

int e2e_server_start(struct e2e_server *s)
{
    for (int attempt = 0; attempt < START_ATTEMPTS; attempt++) {
        long mark = e2e_log_mark(s);
        if (e2e_server_spawn(s))
            return -1;
        long long until = mono_ms() + START_WAIT_MS;
        while (mono_ms() < until) {
            if (healthy(s))
                return 0;
            int st;
            if (waitpid(s->pid, &st, WNOHANG) == s->pid) {
                s->pid = 0;
                break;
            }
            e2e_sleep_ms(10);
        }
        if (s->pid) { /* alive but not answering */
            e2e_server_kill9(s);
            print_log(s);
            print_error("e2e: server did not answer /healthz within %d ms\n", START_WAIT_MS);
            return -1;
        }
        char *log = e2e_log_since(s, mark);
        bool port_taken = strstr(log, "无法监听") != NULL;
        free(log);
        if (!port_taken)
            break;
        s->port = free_port(); /* someone took the port meanwhile: try another */
        snprintf(s->base, sizeof s->base, "http://127.0.0.1:%d", s->port);
        if (e2e_write_config(s))
            return -1;
    }
    print_log(s);
    print_error("e2e: server exited during start-up\n");
    return -1;
}

struct e2e_server *e2e_server_up(const struct e2e_config *cfg)
{
    struct e2e_server *s = e2e_server_new(cfg);
    if (s && e2e_server_start(s)) {
        e2e_server_free(s);
        return NULL;
    }
    return s;
}

int e2e_server_stop(struct e2e_server *s)
{
    if (!s || !s->pid)
        return -1;
    kill(s->pid, SIGTERM);
    int st = wait_exit(s->pid, STOP_WAIT_MS);
    if (st < 0) {
        print_error("e2e: server %d ignored SIGTERM for %d ms; killing it\n", (int)s->pid,
                    STOP_WAIT_MS);
        kill(s->pid, SIGKILL);
        wait_exit(s->pid, STOP_WAIT_MS);
        st = 128 + SIGKILL;
    }
    if (st != 0)
        print_log(s);
    s->pid = 0;
    return st;
}

void e2e_server_kill9(struct e2e_server *s)
{
    if (!s || !s->pid)
        return;
    kill(s->pid, SIGKILL);
    wait_exit(s->pid, STOP_WAIT_MS);
    s->pid = 0;
}

static int rm_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb;
    (void)flag;
    (void)ftw;
    remove(path);
    return 0;
}

void e2e_server_free(struct e2e_server *s)
{
    if (!s)
        return;
    if (s->pid)
        e2e_server_stop(s);
    const char *keep = getenv("E2E_KEEP");
    if (keep && *keep)
        print_message("e2e: kept %s\n", s->dir);
    else
        nftw(s->dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
    free(s);
}

long e2e_log_mark(const struct e2e_server *s)
{
    struct stat st;
    return stat(s->log_path, &st) == 0 ? (long)st.st_size : 0;
}

char *e2e_log_since(const struct e2e_server *s, long mark)
{
    return read_all(s->log_path, mark);
}

bool e2e_log_has(const struct e2e_server *s, long mark, const char *needle)
{
    long long until = mono_ms() + 2000;
    for (;;) {
        char *log = e2e_log_since(s, mark);
        bool found = strstr(log, needle) != NULL;
        free(log);
        if (found || mono_ms() > until)
            return found;
        e2e_sleep_ms(10);
    }
}

/* ---- running the CLI ---- */

int e2e_zhibu(const char *dir, struct e2e_proc *p, ...)
{
    static atomic_int seq;
    char *argv[CLI_MAX_ARGS + 2];
    int n = 0;
    argv[n++] = "zhibu";
    va_list ap;
    va_start(ap, p);
    for (char *a; n < CLI_MAX_ARGS && (a = va_arg(ap, char *)) != NULL;)
        argv[n++] = a;
    va_end(ap);
    argv[n] = NULL;
    memset(p, 0, sizeof *p);
    p->status = -1;
    int k = atomic_fetch_add(&seq, 1);
    char out_path[400], err_path[400];
    snprintf(out_path, sizeof out_path, "%s/cli-%d.out", dir, k);
    snprintf(err_path, sizeof err_path, "%s/cli-%d.err", dir, k);
    pid_t pid = spawn(dir, argv, out_path, err_path);
    if (pid < 0)
        return -1;
    p->status = wait_exit(pid, CLI_WAIT_MS);
    if (p->status < 0) {
        kill(pid, SIGKILL);
        wait_exit(pid, STOP_WAIT_MS);
        print_error("e2e: zhibu %s did not finish within %d ms\n", argv[1], CLI_WAIT_MS);
    }
    p->out = read_all(out_path, 0);
    p->err = read_all(err_path, 0);
    return p->status < 0 ? -1 : 0;
}

void e2e_proc_free(struct e2e_proc *p)
{
    free(p->out);
    free(p->err);
    memset(p, 0, sizeof *p);
}

/* ---- HTTP ---- */

struct upload {
    const char *data; /* the body */
    size_t len;       /* its length */
    size_t pos;       /* bytes handed to curl so far */
};

static size_t on_read(char *dst, size_t size, size_t n, void *ud)
{
    struct upload *u = ud;
    size_t room = size * n, left = u->len - u->pos;
    size_t k = left < room ? left : room;
    if (k > CHUNK_PIECE)
        k = CHUNK_PIECE;
    memcpy(dst, u->data + u->pos, k);
    u->pos += k;
    return k;
}

static size_t on_write(char *p, size_t size, size_t n, void *ud)
{
    return buf_append(ud, p, size * n) ? 0 : size * n;
}

int e2e_http(const struct e2e_server *s, const char *method, const char *path_query,
             const char *body, size_t len, unsigned flags, struct e2e_resp *out)
{
    pthread_once(&curl_once, curl_init_once);
    memset(out, 0, sizeof *out);
    struct buf b, h;
    buf_init(&b, HTTP_BODY_MAX);
    buf_init(&h, 64 * 1024);
    char url[8192];
    if (strncmp(path_query, "http", 4) == 0)
        snprintf(url, sizeof url, "%s", path_query);
    else
        snprintf(url, sizeof url, "%s%s", s->base, path_query);
    CURL *c = curl_easy_init();
    struct curl_slist *hdr =
        curl_slist_append(NULL, flags & E2E_EXPECT ? "Expect: 100-continue" : "Expect:");
    struct upload up = {body ? body : "", body ? len : 0, 0};
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_TIMEOUT, 20L);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, 2000L);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_write);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &b);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_write);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, &h);
    curl_easy_setopt(c, CURLOPT_EXPECT_100_TIMEOUT_MS, 5000L); /* a server must answer it */
    if (strcmp(method, "HEAD") == 0) {
        curl_easy_setopt(c, CURLOPT_NOBODY, 1L);
    } else if (strcmp(method, "GET") != 0 || body) {
        if (strcmp(method, "POST") != 0)
            curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
        hdr = curl_slist_append(hdr, "Content-Type: text/xml");
        if (flags & E2E_CHUNKED) {
            hdr = curl_slist_append(hdr, "Transfer-Encoding: chunked");
            curl_easy_setopt(c, CURLOPT_POST, 1L);
            curl_easy_setopt(c, CURLOPT_READFUNCTION, on_read);
            curl_easy_setopt(c, CURLOPT_READDATA, &up);
        } else {
            curl_easy_setopt(c, CURLOPT_POSTFIELDS, up.data);
            curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)up.len);
        }
    }
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdr);
    CURLcode rc = curl_easy_perform(c);
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &out->status);
    curl_slist_free_all(hdr);
    curl_easy_cleanup(c);
    out->curl_rc = (int)rc;
    out->len = b.len;
    out->body = buf_steal(&b);
    if (!out->body)
        out->body = xstrdup("");
    out->headers = buf_steal(&h);
    if (!out->headers)
        out->headers = xstrdup("");
    return (int)rc;
}

void e2e_resp_free(struct e2e_resp *r)
{
    free(r->body);
    free(r->headers);
    memset(r, 0, sizeof *r);
}

bool e2e_resp_header(const struct e2e_resp *r, const char *name, char *out, size_t outsz)
{
    size_t nl = strlen(name);
    for (const char *line = r->headers; line && *line;) {
        const char *end = strstr(line, "\r\n");
        size_t ll = end ? (size_t)(end - line) : strlen(line);
        if (ll > nl && strncasecmp(line, name, nl) == 0 && line[nl] == ':') {
            const char *v = line + nl + 1;
            while (*v == ' ')
                v++;
            size_t vl = ll - (size_t)(v - line);
            snprintf(out, outsz, "%.*s", (int)vl, v);
            return true;
        }
        line = end ? end + 2 : line + ll;
    }
    return false;
}

int e2e_connect(const struct e2e_server *s)
{
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)s->port)};
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd >= 0 && connect(fd, (struct sockaddr *)&a, sizeof a) == 0)
        return fd;
    if (fd >= 0)
        close(fd);
    return -1;
}

int e2e_raw_exchange(int fd, const char *req, size_t len, struct e2e_resp *out)
{
    memset(out, 0, sizeof *out);
    struct buf b;
    buf_init(&b, HTTP_BODY_MAX);
    for (size_t off = 0; off < len;) {
        ssize_t w = write(fd, req + off, len - off);
        if (w <= 0 && errno != EINTR)
            break;
        off += w > 0 ? (size_t)w : 0;
    }
    char tmp[8192];
    for (;;) {
        ssize_t r = read(fd, tmp, sizeof tmp);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0 || buf_append(&b, tmp, (size_t)r))
            break;
    }
    close(fd);
    const char *all = buf_str(&b);
    const char *split = strstr(all, "\r\n\r\n");
    out->curl_rc = -1;
    if (strncmp(all, "HTTP/1.", 7) == 0 && split) {
        out->status = strtol(all + 9, NULL, 10);
        out->curl_rc = 0;
        out->headers = xstrndup(all, (size_t)(split - all) + 2);
        out->len = b.len - (size_t)(split + 4 - all);
        out->body = xstrndup(split + 4, out->len);
    }
    if (!out->body)
        out->body = xstrdup("");
    if (!out->headers)
        out->headers = xstrdup("");
    buf_free(&b);
    return out->curl_rc;
}

/* ---- WeChat ---- */

void e2e_now(char *out)
{
    snprintf(out, 24, "%lld", (long long)time(NULL));
}

void e2e_nonce(char *out)
{
    snprintf(out, 24, "%u", (unsigned)(rand_u64() % 4000000000u) + 1);
}

void e2e_msgid(char out[24])
{
    pthread_once(&curl_once, curl_init_once);
    snprintf(out, 24, "%" PRIuFAST64, atomic_fetch_add(&msgid_next, 1));
}

void e2e_sign3(const char *token, const char *ts, const char *nonce, char out[41])
{
    const char *parts[3] = {token, ts, nonce};
    wechat_sign(parts, 3, out);
}

void e2e_sign4(const char *token, const char *ts, const char *nonce, const char *encrypt,
               char out[41])
{
    const char *parts[4] = {token, ts, nonce, encrypt};
    wechat_sign(parts, 4, out);
}

/* tag - append <name>CDATA(value)</name>. */
static int tag(struct buf *b, const char *name, const char *value)
{
    int rc = buf_appendf(b, "<%s>", name);
    rc = rc ? rc : wechat_xml_cdata(b, value);
    return rc ? rc : buf_appendf(b, "</%s>", name);
}

char *e2e_wx_xml(const char *from, const char *type, long long created, const char *msgid, ...)
{
    struct buf b;
    buf_init(&b, HTTP_BODY_MAX);
    int rc = buf_appendz(&b, "<xml>");
    rc = rc ? rc : tag(&b, "ToUserName", E2E_ACCOUNT);
    if (from)
        rc = rc ? rc : tag(&b, "FromUserName", from);
    if (created >= 0)
        rc = rc ? rc : buf_appendf(&b, "<CreateTime>%lld</CreateTime>", created);
    if (type)
        rc = rc ? rc : tag(&b, "MsgType", type);
    va_list ap;
    va_start(ap, msgid);
    for (const char *name; !rc && (name = va_arg(ap, const char *)) != NULL;)
        rc = tag(&b, name, va_arg(ap, const char *));
    va_end(ap);
    if (msgid)
        rc = rc ? rc : buf_appendf(&b, "<MsgId>%s</MsgId>", msgid);
    rc = rc ? rc : buf_appendz(&b, "</xml>");
    if (rc) {
        buf_free(&b);
        return NULL;
    }
    return buf_steal(&b);
}

char *e2e_seal(const unsigned char key[32], const char *msg, size_t len, const char *receive_id)
{
    unsigned char rnd[16];
    char *out = NULL;
    rand_bytes(rnd, sizeof rnd);
    if (wechat_encrypt(key, rnd, msg, len, receive_id, &out))
        return NULL;
    return out;
}

char *e2e_seal_raw(const unsigned char key[32], const unsigned char *plain, size_t n)
{
    if (n == 0 || n % 16)
        return NULL;
    unsigned char iv[16], *cipher = xmalloc(n);
    memcpy(iv, key, 16);
    mbedtls_aes_context aes;
    mbedtls_aes_init(&aes);
    mbedtls_aes_setkey_enc(&aes, key, 256);
    mbedtls_aes_crypt_cbc(&aes, MBEDTLS_AES_ENCRYPT, n, iv, plain, cipher);
    mbedtls_aes_free(&aes);
    size_t olen = 0, cap = (n + 2) / 3 * 4 + 1;
    unsigned char *b64 = xmalloc(cap);
    if (mbedtls_base64_encode(b64, cap, &olen, cipher, n) != 0) {
        free(b64);
        b64 = NULL;
    }
    free(cipher);
    return (char *)b64;
}

/* envelope_body - <xml><ToUserName/><Encrypt/></xml> for cipher. Caller frees. */
static char *envelope_body(const char *cipher)
{
    struct buf b;
    buf_init(&b, HTTP_BODY_MAX);
    int rc = buf_appendz(&b, "<xml>");
    rc = rc ? rc : tag(&b, "ToUserName", E2E_ACCOUNT);
    rc = rc ? rc : tag(&b, "Encrypt", cipher);
    rc = rc ? rc : buf_appendz(&b, "</xml>");
    return rc ? NULL : buf_steal(&b);
}

static char *query_for(const struct e2e_server *s, const char *ts, const char *nonce,
                       const char *cipher)
{
    char sig[41], msig[41], q[512];
    e2e_sign3(s->token, ts, nonce, sig);
    int n = snprintf(q, sizeof q, "/wechat?signature=%s&timestamp=%s&nonce=%s&openid=e2e", sig, ts,
                     nonce);
    if (cipher) {
        e2e_sign4(s->token, ts, nonce, cipher, msig);
        snprintf(q + n, sizeof q - (size_t)n, "&encrypt_type=aes&msg_signature=%s", msig);
    }
    return xstrdup(q);
}

void e2e_wx_request(const struct e2e_server *s, enum e2e_mode mode, const char *xml, const char *ts,
                    const char *nonce, char **query, char **body)
{
    if (mode == E2E_PLAIN) {
        *query = query_for(s, ts, nonce, NULL);
        *body = xstrdup(xml);
        return;
    }
    char *cipher = e2e_seal(s->key, xml, strlen(xml), s->app_id);
    *query = query_for(s, ts, nonce, cipher);
    if (mode == E2E_SAFE) {
        *body = envelope_body(cipher);
    } else { /* compatible: the plaintext fields and Encrypt in one document */
        const char *end = strstr(xml, "</xml>");
        size_t head = end ? (size_t)(end - xml) : strlen(xml);
        struct buf b;
        buf_init(&b, HTTP_BODY_MAX);
        int rc = buf_append(&b, xml, head);
        rc = rc ? rc : tag(&b, "Encrypt", cipher);
        rc = rc ? rc : buf_appendz(&b, "</xml>");
        *body = rc ? xstrdup("") : buf_steal(&b);
    }
    free(cipher);
}

void e2e_wx_envelope_request(const struct e2e_server *s, const char *encrypt, const char *ts,
                             const char *nonce, char **query, char **body)
{
    *query = query_for(s, ts, nonce, encrypt);
    *body = envelope_body(encrypt);
}

char *e2e_wx_raw(const struct e2e_server *s, enum e2e_mode mode, const char *xml, size_t *len)
{
    char ts[24], nonce[24], *query, *body;
    e2e_now(ts);
    e2e_nonce(nonce);
    e2e_wx_request(s, mode, xml, ts, nonce, &query, &body);
    struct buf b;
    buf_init(&b, HTTP_BODY_MAX);
    int rc = buf_appendf(&b,
                         "POST %s HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nContent-Type: text/xml\r\n"
                         "Content-Length: %zu\r\nConnection: close\r\n\r\n",
                         query, s->port, strlen(body));
    rc = rc ? rc : buf_appendz(&b, body);
    free(query);
    free(body);
    *len = rc ? 0 : b.len;
    char *out = buf_steal(&b);
    return out ? out : xstrdup("");
}

int e2e_wx_post(const struct e2e_server *s, enum e2e_mode mode, const char *xml,
                struct e2e_resp *out)
{
    char ts[24], nonce[24], *query, *body;
    e2e_now(ts);
    e2e_nonce(nonce);
    e2e_wx_request(s, mode, xml, ts, nonce, &query, &body);
    int rc = e2e_http(s, "POST", query, body, strlen(body), 0, out);
    free(query);
    free(body);
    return rc;
}

int e2e_wx_open(const struct e2e_server *s, const char *body, size_t len, bool want_encrypted,
                struct wechat_xml **out, char *err, size_t errsz)
{
    struct wechat_xml *x = NULL, *inner = NULL;
    char *plain = NULL;
    size_t plain_len = 0;
    int rc = -1;
    *out = NULL;
    if (wechat_xml_parse(body, len, &x)) {
        snprintf(err, errsz, "reply is not WeChat XML: %.200s", body);
        goto done;
    }
    const char *enc = wechat_xml_get(x, "Encrypt");
    if (!enc != !want_encrypted) {
        snprintf(err, errsz, "reply is %sencrypted: %.200s", enc ? "" : "not ", body);
        goto done;
    }
    if (!enc) {
        *out = x;
        x = NULL;
        rc = 0;
        goto done;
    }
    const char *ts = wechat_xml_get(x, "TimeStamp"), *nonce = wechat_xml_get(x, "Nonce");
    const char *sig = wechat_xml_get(x, "MsgSignature");
    if (!ts || !nonce || !sig) {
        snprintf(err, errsz, "envelope lacks TimeStamp, Nonce or MsgSignature: %.300s", body);
        goto done;
    }
    const char *parts[4] = {s->token, ts, nonce, enc};
    if (wechat_sign_check(parts, 4, sig)) {
        snprintf(err, errsz, "reply MsgSignature does not verify");
        goto done;
    }
    int drc = wechat_decrypt(s->key, enc, strlen(enc), s->app_id, &plain, &plain_len);
    if (drc) {
        snprintf(err, errsz, "reply does not decrypt for app_id %s (%d)", s->app_id, drc);
        goto done;
    }
    if (wechat_xml_parse(plain, plain_len, &inner)) {
        snprintf(err, errsz, "decrypted reply is not XML: %.200s", plain);
        goto done;
    }
    *out = inner;
    inner = NULL;
    rc = 0;
done:
    free(plain);
    wechat_xml_free(inner);
    wechat_xml_free(x);
    return rc;
}

char *e2e_wx_reply_ok(const struct e2e_server *s, enum e2e_mode mode, const char *xml)
{
    struct e2e_resp r;
    struct wechat_xml *req = NULL, *x = NULL;
    char err[512];
    assert_non_null(xml);
    assert_int_equal(wechat_xml_parse(xml, strlen(xml), &req), 0);
    char from[256];
    snprintf(from, sizeof from, "%s", wechat_xml_get(req, "FromUserName"));
    wechat_xml_free(req);

    e2e_wx_post(s, mode, xml, &r);
    if (r.status != 200)
        fail_msg("POST /wechat: status %ld (curl %d), body \"%s\"", r.status, r.curl_rc, r.body);
    if (strcmp(r.body, "success") == 0) {
        e2e_resp_free(&r);
        return xstrdup("");
    }
    char ctype[128] = "";
    e2e_resp_header(&r, "Content-Type", ctype, sizeof ctype);
    assert_contains(ctype, "xml");
    if (e2e_wx_open(s, r.body, r.len, mode != E2E_PLAIN, &x, err, sizeof err)) {
        e2e_resp_free(&r);
        fail_msg("%s", err);
    }
    e2e_resp_free(&r);
    const char *to = wechat_xml_get(x, "ToUserName");
    const char *me = wechat_xml_get(x, "FromUserName");
    const char *type = wechat_xml_get(x, "MsgType");
    const char *created = wechat_xml_get(x, "CreateTime");
    assert_non_null(to);
    assert_non_null(me);
    assert_non_null(type);
    assert_non_null(created);
    assert_string_equal(to, from);
    assert_string_equal(me, E2E_ACCOUNT);
    long long ct = strtoll(created, NULL, 10), now = (long long)time(NULL);
    assert_in_range(ct, now - 60, now + 60);
    char *out;
    if (strcmp(type, "news") == 0) {
        const char *title = wechat_xml_get(x, "Articles/item/Title");
        assert_non_null(title);
        struct buf b;
        buf_init(&b, HTTP_BODY_MAX);
        if (buf_appendf(&b, "【%s】", title))
            fail_msg("news title too long");
        out = buf_steal(&b);
    } else {
        assert_string_equal(type, "text");
        const char *content = wechat_xml_get(x, "Content");
        assert_non_null(content);
        if (strlen(content) >= E2E_REPLY_MAX)
            fail_msg("reply of %zu bytes is over WeChat's %d", strlen(content), E2E_REPLY_MAX);
        out = xstrdup(content);
    }
    wechat_xml_free(x);
    return out;
}

char *e2e_say_ok(const struct e2e_server *s, enum e2e_mode mode, const char *from, const char *text)
{
    char id[24];
    e2e_msgid(id);
    char *xml = e2e_wx_xml(from, "text", (long long)time(NULL), id, "Content", text, NULL);
    char *out = e2e_wx_reply_ok(s, mode, xml);
    free(xml);
    return out;
}

/* ---- the database ---- */

/* query - prepare fmt on a fresh connection; *db must be closed by the caller. */
static sqlite3_stmt *query(const struct e2e_server *s, sqlite3 **db, const char *fmt, va_list ap)
{
    sqlite3_stmt *st = NULL;
    char *sql = sqlite3_vmprintf(fmt, ap);
    *db = NULL;
    if (sqlite3_open_v2(s->db_path, db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK) {
        print_error("e2e: cannot open %s: %s\n", s->db_path, *db ? sqlite3_errmsg(*db) : "?");
    } else {
        sqlite3_busy_timeout(*db, 5000);
        if (sqlite3_prepare_v2(*db, sql, -1, &st, NULL) != SQLITE_OK) {
            print_error("e2e: %s: %s\n", sql, sqlite3_errmsg(*db));
            st = NULL;
        }
    }
    sqlite3_free(sql);
    return st;
}

long long e2e_db_int(const struct e2e_server *s, const char *fmt, ...)
{
    sqlite3 *db;
    va_list ap;
    va_start(ap, fmt);
    sqlite3_stmt *st = query(s, &db, fmt, ap);
    va_end(ap);
    long long v = -2;
    if (st) {
        int rc = sqlite3_step(st);
        v = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : rc == SQLITE_DONE ? -1 : -2;
        if (v == -2)
            print_error("e2e: step: %s\n", sqlite3_errmsg(db));
    }
    sqlite3_finalize(st);
    sqlite3_close(db);
    return v;
}

char *e2e_db_text(const struct e2e_server *s, const char *fmt, ...)
{
    sqlite3 *db;
    va_list ap;
    va_start(ap, fmt);
    sqlite3_stmt *st = query(s, &db, fmt, ap);
    va_end(ap);
    char *v = NULL;
    if (st && sqlite3_step(st) == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL)
        v = xstrdup((const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    sqlite3_close(db);
    return v;
}

int e2e_db_exec(const struct e2e_server *s, const char *fmt, ...)
{
    sqlite3 *db;
    va_list ap;
    va_start(ap, fmt);
    sqlite3_stmt *st = query(s, &db, fmt, ap);
    va_end(ap);
    int rc = -1;
    if (st) {
        int r = sqlite3_step(st);
        rc = r == SQLITE_DONE || r == SQLITE_ROW ? 0 : -1;
        if (rc)
            print_error("e2e: exec: %s\n", sqlite3_errmsg(db));
    }
    sqlite3_finalize(st);
    sqlite3_close(db);
    return rc;
}

/* census - count the rows of every table; into out (may be NULL) as "name=N ..." lines. */
static long long census(const struct e2e_server *s, struct buf *out)
{
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;
    long long total = -2;
    if (sqlite3_open_v2(s->db_path, &db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK)
        goto done;
    sqlite3_busy_timeout(db, 5000);
    if (sqlite3_prepare_v2(db,
                           "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE "
                           "'sqlite_%' AND name NOT IN (" E2E_BACKGROUND_TABLES ") ORDER BY name",
                           -1, &st, NULL) != SQLITE_OK)
        goto done;
    total = 0;
    while (total >= 0 && sqlite3_step(st) == SQLITE_ROW) {
        const char *name = (const char *)sqlite3_column_text(st, 0);
        char *sql = sqlite3_mprintf("SELECT count(*) FROM \"%w\"", name);
        sqlite3_stmt *c = NULL;
        if (sqlite3_prepare_v2(db, sql, -1, &c, NULL) == SQLITE_OK &&
            sqlite3_step(c) == SQLITE_ROW) {
            total += sqlite3_column_int64(c, 0);
            if (out && buf_appendf(out, "%s=%lld ", name, (long long)sqlite3_column_int64(c, 0)))
                buf_reset(out);
        } else {
            total = -2;
        }
        sqlite3_finalize(c);
        sqlite3_free(sql);
    }
done:
    if (total == -2)
        print_error("e2e: cannot count rows in %s: %s\n", s->db_path,
                    db ? sqlite3_errmsg(db) : "?");
    sqlite3_finalize(st);
    sqlite3_close(db);
    return total;
}

long long e2e_db_rows(const struct e2e_server *s)
{
    return census(s, NULL);
}

char *e2e_db_census(const struct e2e_server *s)
{
    struct buf b;
    buf_init(&b, 64 * 1024);
    census(s, &b);
    char *out = buf_steal(&b);
    return out ? out : xstrdup("");
}
