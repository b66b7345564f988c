/*
 * delivery_util.h - helpers for the delivery end-to-end tests: the fake platform process
 * (tests/fakes/fake_platform.c, from $ZHIBU_FAKES) and a zhibu server pointed at it, each in a
 * temp directory, plus reading the fake's record of accepted sends. Every helper prints why it
 * failed; the tests assert on the results.
 */
#ifndef ZHIBU_DELIVERY_UTIL_H
#define ZHIBU_DELIVERY_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#define DU_WX_APPID  "wxdelivery0000001"
#define DU_WX_SECRET "wx-fake-secret"
#define DU_QQ_APPID  "102030"
#define DU_QQ_SECRET "qq-fake-secret"
#define DU_OB_TOKEN  "onebot-fake-token"

struct du_fake {
    pid_t pid;        /* the fake's process */
    int port;         /* its loopback port */
    char dir[256];    /* temp directory (shared with the server) */
    char record[320]; /* its JSONL record of accepted sends */
};

struct du_server {
    pid_t pid;        /* zhibu serve, 0 when not running */
    int port;         /* its listen port */
    char dir[256];    /* the same temp directory */
    char config[320]; /* the config file */
    char db[320];     /* the database */
    char log[320];    /* the server's stderr */
};

/* One accepted send from the record. */
struct du_rec {
    char api[32];   /* wechat_template, onebot_private, ... */
    char to[128];   /* recipient id */
    char text[256]; /* the text */
    char key[160];  /* client_msg_id or msg_id */
    long seq;       /* msg_seq */
    bool dup;       /* the fake recognised it as a repeat and did not deliver it again */
    char data[512]; /* WeChat template / subscription data as JSON text, "" for others */
    char url[256];  /* WeChat template url, "" when none */
};

/* du_fake_start - a temp dir and the fake in it with the default credentials and extra
 * arguments (NULL-terminated list, may be NULL). 0 or -1. */
int du_fake_start(struct du_fake *f, const char *const *extra);
/* du_fake_stop - SIGTERM the fake and remove the directory (unless E2E_KEEP is set). */
void du_fake_stop(struct du_fake *f);
/* du_fake_set - POST /_fake/set?query. 0 or -1. */
int du_fake_set(const struct du_fake *f, const char *query);
/* du_fake_stat - the named counter of GET /_fake/stats ("accepted", "dups", "tokens", ...),
 * -1 on error. */
long du_fake_stat(const struct du_fake *f, const char *name);
/* du_records - the record as an array (*n entries); caller frees with free(). */
struct du_rec *du_records(const struct du_fake *f, size_t *n);

/* du_server_config - write the config for a server sharing f's directory: all three platforms
 * pointed at the fake, no rate limits, retries after 1 s; extra is raw JSON members appended
 * to the top level (may be NULL; may repeat a section only if the section is not written here:
 * pass "outbox"/"wechat" settings through the dedicated arguments instead). */
int du_server_config(struct du_server *s, const struct du_fake *f, long concurrency,
                     const char *wechat_extra, const char *qqbot_extra, const char *extra);
/* du_server_start - run `zhibu serve` and wait for /healthz (10 s). 0 or -1. */
int du_server_start(struct du_server *s);
/* du_server_stop - SIGTERM and wait; returns the exit status (128+signal when killed). */
int du_server_stop(struct du_server *s);
/* du_server_kill9 - SIGKILL and reap. */
void du_server_kill9(struct du_server *s);

/* du_cli - run `zhibu ARGS... --config s->config`, stdout into out (size n, NUL-terminated);
 * returns the exit status or -1. */
int du_cli(const struct du_server *s, char *out, size_t n, ...) __attribute__((sentinel));

/* du_db_int - the first column of the first row of sql on the server's database; -1 when no
 * row, -2 on error. */
long long du_db_int(const struct du_server *s, const char *sql);
/* du_db_exec - run sql on the server's database. 0 or -1. */
int du_db_exec(const struct du_server *s, const char *sql);

/* du_wait_db - wait up to ms for du_db_int(sql) == want; true when it happened. */
bool du_wait_db(const struct du_server *s, const char *sql, long long want, int ms);
/* du_sleep_ms - sleep. */
void du_sleep_ms(int ms);
/* du_file_has - the file contains needle. */
bool du_file_has(const char *path, const char *needle);

#endif
