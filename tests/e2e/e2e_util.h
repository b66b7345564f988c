/*
 * e2e_util.h - helpers for the end-to-end tests: run the real zhibu binary on loopback and talk
 * to it the way WeChat and an operator do.
 *
 * A test writes a config into a fresh temp directory, starts `$ZHIBU_BIN serve` on a free port
 * with its stderr captured in that directory, waits for /healthz, sends signed (and, in
 * compatible and safe mode, encrypted) requests with libcurl, opens the replies the way WeChat
 * does (MsgSignature checked, envelope decrypted with our AppID), and reads the SQLite database
 * the server writes. Every helper that owns something says how it is freed; e2e_server_free
 * stops the server and removes the directory (unless E2E_KEEP is set in the environment).
 *
 * Helpers whose name ends in _ok assert with cmocka and may only be called from a test's own
 * thread; the others return an error and are safe in worker threads.
 */
#ifndef ZHIBU_E2E_UTIL_H
#define ZHIBU_E2E_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct wechat_xml;

#define E2E_TOKEN     "e2eToken42"                                  /* default wechat.token */
#define E2E_AES_KEY   "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG" /* safe/compat mode key */
#define E2E_APP_ID    "wxe2e0000000000001"                          /* default wechat.app_id */
#define E2E_ACCOUNT   "gh_e2e_account"                              /* our ToUserName */
#define E2E_REPLY_MAX 2048 /* WeChat's limit on a passive text reply, in bytes */

/* The server's menu, built from the handler table (handlers/help.c and the registry). */
#define E2E_MENU_HEAD  "【支部小助手】请回复数字或文字："
#define E2E_MENU_LINE7 "7 给支部留言"
#define E2E_MENU_TAIL  "0 查看本菜单"

enum e2e_mode {
    E2E_PLAIN,  /* plaintext: signature only */
    E2E_COMPAT, /* compatible: plaintext fields and Encrypt, encrypt_type=aes */
    E2E_SAFE,   /* safe: ToUserName and Encrypt only, encrypt_type=aes */
};

/* What the test's config file says; zero values mean "leave the key out" unless noted. */
struct e2e_config {
    const char *token;     /* wechat.token; NULL: E2E_TOKEN */
    const char *aes_key;   /* wechat.encoding_aes_key; NULL: none (plaintext only) */
    const char *app_id;    /* wechat.app_id; NULL: E2E_APP_ID */
    bool window_off;       /* wechat.timestamp_window_s = 0 (else 300, the default) */
    bool wechat_disabled;  /* wechat.enabled = false */
    long body_limit;       /* server.body_limit; 0: left out (default 64 KiB) */
    long session_ttl_s;    /* session.ttl_s; 0: left out */
    long threads;          /* server.threads; 0: left out */
    const char *extra;     /* raw JSON members appended to the top level, or NULL */
    const char *extra_wx;  /* raw JSON members appended to the wechat section, or NULL */
    const char *wx_mode;   /* wechat.mode; NULL: "compatible" with aes_key, else left out; "":
                              left out (the default: safe with a key) */
    const char *log_level; /* NULL: "info" */
    const char *timezone;  /* NULL: "UTC" */
};

struct e2e_server {
    char dir[256];         /* temp directory holding everything below */
    char config_path[320]; /* the config file written by e2e_server_new */
    char db_path[320];     /* wechat's database */
    char log_path[320];    /* the server's stderr */
    char base[64];         /* "http://127.0.0.1:PORT" */
    int port;              /* the port in the config */
    pid_t pid;             /* the running server, 0 when none */
    char token[128];       /* wechat.token */
    char app_id[64];       /* wechat.app_id */
    unsigned char key[32]; /* the decoded AES key, when have_key */
    bool have_key;         /* an EncodingAESKey is configured */
    struct e2e_config cfg; /* as given (borrowed strings) */
};

/* ---- the server process ---- */

/* e2e_bin - the zhibu binary: $ZHIBU_BIN, else build/release/zhibu under $ZHIBU_SRC or ".". */
const char *e2e_bin(void);

/* e2e_server_new - temp dir, free port and config file; not started. NULL (printed) on failure.
 * Free with e2e_server_free. */
struct e2e_server *e2e_server_new(const struct e2e_config *cfg);
/* e2e_write_config - (re)write s->config_path from s->cfg and s->port. 0 or -1. */
int e2e_write_config(struct e2e_server *s);
/* e2e_server_start - run `zhibu serve --config`, wait until /healthz answers 200 (10 s at
 * most). A port taken meanwhile is retried on another. 0, or -1 with the log printed. */
int e2e_server_start(struct e2e_server *s);
/* e2e_server_spawn - run `zhibu serve --config` and return at once (no waiting, no retry).
 * 0 or -1. */
int e2e_server_spawn(struct e2e_server *s);
/* e2e_server_wait_exit - wait up to ms for the server to exit by itself: its exit status
 * (128+signal when killed), or -1 when it is still running. */
int e2e_server_wait_exit(struct e2e_server *s, int ms);
/* e2e_server_up - e2e_server_new and e2e_server_start; NULL on failure. */
struct e2e_server *e2e_server_up(const struct e2e_config *cfg);
/* e2e_server_stop - SIGTERM and wait (10 s, then SIGKILL). Returns the exit status, 128+signal
 * when killed by a signal, -1 when nothing was running. */
int e2e_server_stop(struct e2e_server *s);
/* e2e_server_kill9 - SIGKILL and reap. */
void e2e_server_kill9(struct e2e_server *s);
/* e2e_server_free - stop the server if running, remove the directory, free s. NULL is fine. */
void e2e_server_free(struct e2e_server *s);

/* e2e_log_mark - the current size of the server's log, to look only at what follows. */
long e2e_log_mark(const struct e2e_server *s);
/* e2e_log_since - the log from mark on; caller frees. Never NULL. */
char *e2e_log_since(const struct e2e_server *s, long mark);
/* e2e_log_has - the log after mark contains needle (waits up to 2 s for it to appear). */
bool e2e_log_has(const struct e2e_server *s, long mark, const char *needle);

/* ---- running the CLI ---- */

struct e2e_proc {
    int status; /* exit status, 128+signal when killed */
    char *out;  /* everything written to stdout, NUL-terminated; freed by e2e_proc_free */
    char *err;  /* everything written to stderr */
};

/* e2e_zhibu - run the binary with the NULL-terminated arguments in dir (20 s at most), the
 * ZHIBU_* environment cleared. 0, or -1 when it could not be run. */
int e2e_zhibu(const char *dir, struct e2e_proc *p, ...) __attribute__((sentinel));
void e2e_proc_free(struct e2e_proc *p);

/* ---- HTTP ---- */

#define E2E_CHUNKED 1u /* send the body with Transfer-Encoding: chunked, no Content-Length */
#define E2E_EXPECT  2u /* send "Expect: 100-continue" and wait for it (else no Expect) */

struct e2e_resp {
    long status;   /* HTTP status, 0 when no response arrived */
    int curl_rc;   /* CURLcode of the transfer */
    char *body;    /* NUL-terminated body, never NULL after e2e_http */
    size_t len;    /* body bytes */
    char *headers; /* the raw response header block */
};

/* e2e_http - method on s->base + path_query (or on a full URL when it starts with "http"),
 * body may be NULL. Fills out (free with e2e_resp_free). Returns the CURLcode. Thread-safe. */
int e2e_http(const struct e2e_server *s, const char *method, const char *path_query,
             const char *body, size_t len, unsigned flags, struct e2e_resp *out);
void e2e_resp_free(struct e2e_resp *r);
/* e2e_resp_header - copy the value of response header name (case-insensitive) into out;
 * false when absent. */
bool e2e_resp_header(const struct e2e_resp *r, const char *name, char *out, size_t outsz);

/* e2e_connect - a TCP connection to the server, not yet used: -1 on failure. Connections made
 * one by one are accepted by whichever server thread wins, unlike a burst. */
int e2e_connect(const struct e2e_server *s);
/* e2e_raw_exchange - write the len bytes of a complete HTTP/1.1 request (it should say
 * "Connection: close") on fd, read the response to EOF, close fd, and fill out as e2e_http
 * does (curl_rc 0, or -1 when no status line came back). Thread-safe. */
int e2e_raw_exchange(int fd, const char *req, size_t len, struct e2e_resp *out);

/* ---- WeChat ---- */

/* e2e_now - the current Unix time as decimal text into out (size >= 24). */
void e2e_now(char *out);
/* e2e_nonce - a random decimal nonce into out (size >= 24). */
void e2e_nonce(char *out);
/* e2e_msgid - a fresh MsgId (decimal, unique within the process) into out. Thread-safe. */
void e2e_msgid(char out[24]);

/* e2e_sign3 / e2e_sign4 - the 3-field signature and the 4-field msg_signature. */
void e2e_sign3(const char *token, const char *ts, const char *nonce, char out[41]);
void e2e_sign4(const char *token, const char *ts, const char *nonce, const char *encrypt,
               char out[41]);

/*
 * e2e_wx_xml - a message as WeChat posts it: ToUserName E2E_ACCOUNT, FromUserName from,
 * CreateTime created, MsgType type, then the NULL-terminated name/value pairs in order (values
 * in CDATA), then MsgId when msgid is not NULL. Caller frees.
 */
char *e2e_wx_xml(const char *from, const char *type, long long created, const char *msgid, ...)
    __attribute__((sentinel));

/* e2e_seal - wechat_encrypt of len bytes of msg for receive_id with key; caller frees. */
char *e2e_seal(const unsigned char key[32], const char *msg, size_t len, const char *receive_id);
/* e2e_seal_raw - AES-256-CBC (IV = key[0..15], no padding added) of the n bytes at plain
 * (n a multiple of 16), base64; for envelopes that break the rules on purpose. Caller frees. */
char *e2e_seal_raw(const unsigned char key[32], const unsigned char *plain, size_t n);

/*
 * e2e_wx_request - the query and body WeChat would send for xml in mode at time ts with nonce:
 * *query is "/wechat?signature=..&timestamp=..&nonce=..&openid=..[&encrypt_type=aes&
 * msg_signature=..]", *body the request body. Both caller-freed.
 */
void e2e_wx_request(const struct e2e_server *s, enum e2e_mode mode, const char *xml, const char *ts,
                    const char *nonce, char **query, char **body);
/* e2e_wx_envelope_request - the same for a given Encrypt value, signed (msg_signature right);
 * body is <xml><ToUserName/><Encrypt/></xml>. */
void e2e_wx_envelope_request(const struct e2e_server *s, const char *encrypt, const char *ts,
                             const char *nonce, char **query, char **body);

/* e2e_wx_raw - the whole HTTP request (request line, headers, "Connection: close", body) that
 * e2e_wx_post would send; *len its length. Caller frees. */
char *e2e_wx_raw(const struct e2e_server *s, enum e2e_mode mode, const char *xml, size_t *len);
/* e2e_wx_post - post xml in mode with the current time and a fresh nonce. Returns the
 * CURLcode; out as e2e_http. Thread-safe. */
int e2e_wx_post(const struct e2e_server *s, enum e2e_mode mode, const char *xml,
                struct e2e_resp *out);

/*
 * e2e_wx_open - read a 200 reply body as WeChat would. Encrypted replies (an <Encrypt>
 * envelope) have their MsgSignature checked over TimeStamp, Nonce and Encrypt and are decrypted
 * with s->app_id. want_encrypted says which form is required. On 0 *out is the passive reply
 * (free with wechat_xml_free); err holds why otherwise. Thread-safe.
 */
int e2e_wx_open(const struct e2e_server *s, const char *body, size_t len, bool want_encrypted,
                struct wechat_xml **out, char *err, size_t errsz);

/*
 * e2e_wx_reply_ok - post xml in mode, assert 200 and a well-formed passive reply addressed to
 * the sender from E2E_ACCOUNT, encrypted exactly when mode is not E2E_PLAIN, its text shorter
 * than E2E_REPLY_MAX. Returns the Content (caller frees), or "" (allocated) when the body was
 * "success", which in every mode is sent unencrypted.
 */
char *e2e_wx_reply_ok(const struct e2e_server *s, enum e2e_mode mode, const char *xml);
/* e2e_say_ok - a text message from `from` with a fresh MsgId through e2e_wx_reply_ok. */
char *e2e_say_ok(const struct e2e_server *s, enum e2e_mode mode, const char *from,
                 const char *text);

/* ---- the database ---- */

/* e2e_db_int - the first column of the first row of the query, an sqlite3_mprintf format (%Q
 * quotes text, %% is a percent sign; not printf-checked because of %Q); -1 when there is no
 * row, -2 on an SQLite error (printed). */
long long e2e_db_int(const struct e2e_server *s, const char *fmt, ...);
/* e2e_db_text - the same as text; caller frees; NULL when no row, NULL column or error. */
char *e2e_db_text(const struct e2e_server *s, const char *fmt, ...);
/* Tables the server writes on its own clock, whatever the requests: the scheduler's record of
 * its runs. An SQL list. */
#define E2E_BACKGROUND_TABLES "'sched_runs'"

/* e2e_db_rows - rows in all tables of the database together (sqlite_* and
 * E2E_BACKGROUND_TABLES excepted): what "no partial write" compares. -2 on error. */
long long e2e_db_rows(const struct e2e_server *s);
/* e2e_db_census - "table=rows ..." for every table, to show what changed. Caller frees. */
char *e2e_db_census(const struct e2e_server *s);
/* e2e_db_exec - run a statement; 0 or -1 (printed). */
int e2e_db_exec(const struct e2e_server *s, const char *fmt, ...);

/* ---- misc ---- */

/* e2e_contains - haystack is not NULL and contains needle. */
bool e2e_contains(const char *haystack, const char *needle);
/* e2e_sleep_ms - sleep ms milliseconds. */
void e2e_sleep_ms(int ms);

/* assert_contains - fail the test, showing both strings, unless hay contains needle. */
#define assert_contains(hay, needle)                                                               \
    do {                                                                                           \
        const char *hay_ = (hay), *needle_ = (needle);                                             \
        if (!e2e_contains(hay_, needle_))                                                          \
            fail_msg("expected to contain \"%s\", got \"%s\"", needle_, hay_ ? hay_ : "(null)");   \
    } while (0)
#define assert_not_contains(hay, needle)                                                           \
    do {                                                                                           \
        const char *hay_ = (hay), *needle_ = (needle);                                             \
        if (e2e_contains(hay_, needle_))                                                           \
            fail_msg("expected not to contain \"%s\", got \"%s\"", needle_, hay_);                 \
    } while (0)

#endif
