/*
 * store.c - per-thread SQLite connections, migrations and the writer lock (see store.h).
 *
 * Each thread's connection lives in thread-local storage with its statement cache; a pthread key
 * destructor closes it when the thread ends. Pragmas: WAL, synchronous NORMAL (FULL for
 * "power" durability), foreign keys on, busy_timeout 5 s for the other processes.
 */
#include "bot/store/store.h"

#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bot/base/log.h"
#include "bot/store/migrations.h"
#include "bot/base/xmalloc.h"

#define STMT_CACHE 96
/* What a reset WAL is truncated to (STORE_WAL_LIMIT bytes): without it the file keeps its
 * high-water mark until a clean shutdown. */
#define JOURNAL_LIMIT "PRAGMA journal_size_limit=" STORE_WAL_LIMIT_TEXT ";"

struct stmt_slot {
    const char *sql;  /* the static SQL text, the cache key */
    sqlite3_stmt *st; /* prepared once per connection */
};

struct conn {
    sqlite3 *db;                        /* this thread's connection */
    struct stmt_slot slots[STMT_CACHE]; /* prepared statements, first n used */
    int n;                              /* slots used */
    bool in_tx;                         /* between store_begin and commit/rollback */
};

static char *db_path;
static bool db_power;
static _Atomic(store_tx_runner) tx_runner; /* the writer's writer_run while it runs, else NULL */
static pthread_mutex_t writer = PTHREAD_MUTEX_INITIALIZER;
static pthread_key_t conn_key;
static pthread_once_t key_once = PTHREAD_ONCE_INIT;
static _Thread_local struct conn *tls_conn;

static void conn_close(struct conn *c)
{
    if (!c)
        return;
    for (int i = 0; i < c->n; i++)
        sqlite3_finalize(c->slots[i].st);
    if (c->in_tx) {
        sqlite3_exec(c->db, "ROLLBACK", NULL, NULL, NULL);
        pthread_mutex_unlock(&writer);
    }
    sqlite3_close(c->db);
    free(c);
}

static void key_destructor(void *p)
{
    conn_close(p);
}

static void make_key(void)
{
    pthread_key_create(&conn_key, key_destructor);
}

/* mkdirs - create the directories leading to path (like mkdir -p of its dirname). */
static void mkdirs(const char *path)
{
    char tmp[4096];
    size_t n = strlen(path);
    if (n >= sizeof tmp)
        return;
    memcpy(tmp, path, n + 1);
    for (char *p = tmp + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(tmp, 0750) != 0 && errno != EEXIST)
            log_warn("store: cannot create directory %s: %s", tmp, strerror(errno));
        *p = '/';
    }
}

/*
 * guard_mode - create the database file 0600 when it does not exist yet (SQLite gives its -wal
 * and -shm files the main file's mode), and warn when an existing one is readable or writable
 * by others: it holds phones, incomes and API tokens.
 */
static void guard_mode(const char *path)
{
    int fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd >= 0) {
        close(fd);
        return;
    }
    struct stat sb;
    if (stat(path, &sb) == 0 && (sb.st_mode & (S_IRWXG | S_IRWXO)))
        log_warn("store: %s is readable by other users (mode %04o); run: chmod 600 %s", path,
                 (unsigned)(sb.st_mode & 07777), path);
}

static sqlite3 *open_db(void)
{
    sqlite3 *db = NULL;
    int rc = sqlite3_open_v2(
        db_path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
    if (rc != SQLITE_OK) {
        log_error("store: cannot open %s: %s", db_path, db ? sqlite3_errmsg(db) : "no memory");
        sqlite3_close(db);
        return NULL;
    }
    sqlite3_busy_timeout(db, 5000);
    const char *pragmas = db_power ? "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"
                                     "PRAGMA foreign_keys=ON;" JOURNAL_LIMIT
                                   : "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
                                     "PRAGMA foreign_keys=ON;" JOURNAL_LIMIT;
    char *msg = NULL;
    if (sqlite3_exec(db, pragmas, NULL, NULL, &msg) != SQLITE_OK) {
        log_error("store: cannot configure %s: %s", db_path, msg ? msg : "?");
        sqlite3_free(msg);
        sqlite3_close(db);
        return NULL;
    }
    return db;
}

sqlite3 *store_db(void)
{
    if (tls_conn)
        return tls_conn->db;
    if (!db_path)
        return NULL;
    pthread_once(&key_once, make_key);
    sqlite3 *db = open_db();
    if (!db)
        return NULL;
    tls_conn = xcalloc(1, sizeof *tls_conn);
    tls_conn->db = db;
    pthread_setspecific(conn_key, tls_conn);
    return db;
}

void store_close_thread(void)
{
    if (!tls_conn)
        return;
    pthread_once(&key_once, make_key);
    pthread_setspecific(conn_key, NULL);
    conn_close(tls_conn);
    tls_conn = NULL;
}

sqlite3_stmt *store_stmt(const char *sql)
{
    if (!store_db())
        return NULL;
    struct conn *c = tls_conn;
    for (int i = 0; i < c->n; i++) {
        if (c->slots[i].sql == sql) {
            sqlite3_reset(c->slots[i].st);
            sqlite3_clear_bindings(c->slots[i].st);
            return c->slots[i].st;
        }
    }
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v3(c->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL) != SQLITE_OK) {
        log_error("store: prepare failed: %s", sqlite3_errmsg(c->db));
        return NULL;
    }
    if (c->n == STMT_CACHE) { /* more distinct statements than expected: evict the oldest */
        sqlite3_finalize(c->slots[0].st);
        memmove(c->slots, c->slots + 1, sizeof c->slots[0] * (STMT_CACHE - 1));
        c->n--;
    }
    c->slots[c->n].sql = sql;
    c->slots[c->n].st = st;
    c->n++;
    return st;
}

bool store_in_tx(void)
{
    return tls_conn && tls_conn->in_tx;
}

int store_begin(void)
{
    if (store_in_tx()) {
        log_error("store: begin inside a transaction (nested transactions are not supported)");
        return ZB_ENESTED;
    }
    if (!store_db())
        return ZB_EDB;
    pthread_mutex_lock(&writer);
    char *msg = NULL;
    if (sqlite3_exec(tls_conn->db, "BEGIN IMMEDIATE", NULL, NULL, &msg) != SQLITE_OK) {
        log_error("store: begin failed: %s", msg ? msg : "?");
        sqlite3_free(msg);
        pthread_mutex_unlock(&writer);
        return ZB_EDB;
    }
    tls_conn->in_tx = true;
    return ZB_OK;
}

int store_commit(void)
{
    if (!tls_conn || !tls_conn->in_tx)
        return ZB_EDB;
    int rc = ZB_OK;
    if (sqlite3_exec(tls_conn->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
        log_error("store: commit failed: %s", sqlite3_errmsg(tls_conn->db));
        sqlite3_exec(tls_conn->db, "ROLLBACK", NULL, NULL, NULL);
        rc = ZB_EDB;
    }
    tls_conn->in_tx = false;
    pthread_mutex_unlock(&writer);
    return rc;
}

void store_rollback(void)
{
    if (!tls_conn || !tls_conn->in_tx)
        return;
    if (!sqlite3_get_autocommit(tls_conn->db))
        sqlite3_exec(tls_conn->db, "ROLLBACK", NULL, NULL, NULL);
    tls_conn->in_tx = false;
    pthread_mutex_unlock(&writer);
}

void store_set_tx_runner(store_tx_runner run)
{
    atomic_store(&tx_runner, run);
}

int store_tx_run(int (*fn)(void *arg), void *arg)
{
    if (store_in_tx()) {
        log_error("store: store_tx_run inside a transaction");
        return ZB_ENESTED;
    }
    store_tx_runner run = atomic_load(&tx_runner);
    if (run)
        return run(fn, arg);
    int rc = store_begin();
    if (rc)
        return rc;
    rc = fn(arg);
    if (rc) {
        store_rollback();
        return rc;
    }
    return store_commit();
}

int store_exec_done(sqlite3_stmt *st)
{
    if (!st)
        return ZB_EDB;
    int rc = sqlite3_step(st);
    if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
        log_error("store: step failed: %s", sqlite3_errmsg(sqlite3_db_handle(st)));
        sqlite3_reset(st);
        return ZB_EDB;
    }
    sqlite3_reset(st);
    return ZB_OK;
}

const char *store_text(sqlite3_stmt *st, int i)
{
    const unsigned char *t = sqlite3_column_text(st, i);
    return t ? (const char *)t : "";
}

int store_schema_version(void)
{
    sqlite3 *db = store_db();
    sqlite3_stmt *st = NULL;
    int v = -1;
    if (db && sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st, NULL) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW)
        v = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    return v;
}

int store_init(const char *path, bool durability_power, const struct migration_set *const *sets,
               size_t nsets)
{
    char err[512];
    free(db_path);
    db_path = xstrdup(path);
    db_power = durability_power;
    mkdirs(db_path);
    guard_mode(db_path);
    if (!store_db())
        return ZB_EDB;
    if (migrations_run(sets, nsets, err, sizeof err)) {
        log_error("store: migration failed: %s", err);
        return ZB_EDB;
    }
    return ZB_OK;
}
