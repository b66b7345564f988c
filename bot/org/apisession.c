/* apisession.c - the api_sessions table (see apisession.h). */
#include "bot/org/apisession.h"

#include <assert.h>
#include <mbedtls/sha256.h>
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>

#include "bot/base/rand.h"
#include "bot/store/store.h"

#define TOKEN_BYTES 32

static const char *const steps[] = {
    "CREATE TABLE api_sessions ("
    " id INTEGER PRIMARY KEY,"
    " token_hash TEXT NOT NULL UNIQUE," /* SHA-256 hex of the token; the token is never kept */
    " member_id INTEGER,"               /* issued to a member; NULL: the identity's owner */
    " platform TEXT NOT NULL DEFAULT '',"
    " account TEXT NOT NULL DEFAULT '',"
    " ext_id TEXT NOT NULL DEFAULT '',"
    " session_key TEXT," /* the platform's session key, server side only */
    " created_at INTEGER NOT NULL,"
    " expires_at INTEGER NOT NULL,"
    " revoked_at INTEGER);"
    "CREATE INDEX api_sessions_expiry ON api_sessions(expires_at);",
};

const struct migration_set apisession_migrations = {"apisession", steps,
                                                    sizeof steps / sizeof steps[0]};

static const char sql_insert[] =
    "INSERT INTO api_sessions(token_hash, member_id, platform, account, ext_id, session_key, "
    "created_at, expires_at) VALUES(?1, nullif(?2, 0), ?3, ?4, ?5, nullif(?6, ''), ?7, ?8)";
static const char sql_find[] =
    "SELECT id, coalesce(member_id, 0), platform, account, ext_id, created_at, expires_at, "
    "revoked_at IS NOT NULL FROM api_sessions WHERE token_hash=?1";
static const char sql_revoke[] =
    "UPDATE api_sessions SET revoked_at=?2 WHERE id=?1 AND revoked_at IS NULL";
static const char sql_sweep[] = "DELETE FROM api_sessions WHERE expires_at < ?1 OR (revoked_at IS "
                                "NOT NULL AND revoked_at < ?1)";

void apisession_hash(const char *token, char out[65])
{
    unsigned char dig[32];
    static const char hex[] = "0123456789abcdef";
    mbedtls_sha256_ret((const unsigned char *)token, strlen(token), dig, 0);
    for (int i = 0; i < 32; i++) {
        out[2 * i] = hex[dig[i] >> 4];
        out[2 * i + 1] = hex[dig[i] & 15];
    }
    out[64] = '\0';
}

/* b64url - n bytes as unpadded base64url into out (4n/3 rounded up, plus the NUL). */
static void b64url(const unsigned char *in, size_t n, char *out)
{
    static const char a[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    size_t o = 0;
    for (size_t i = 0; i < n; i += 3) {
        unsigned v = (unsigned)in[i] << 16;
        if (i + 1 < n)
            v |= (unsigned)in[i + 1] << 8;
        if (i + 2 < n)
            v |= in[i + 2];
        out[o++] = a[(v >> 18) & 63];
        out[o++] = a[(v >> 12) & 63];
        if (i + 1 < n)
            out[o++] = a[(v >> 6) & 63];
        if (i + 2 < n)
            out[o++] = a[v & 63];
    }
    out[o] = '\0';
}

/* well_formed - APISESSION_TOKEN_LEN characters of the base64url alphabet. */
static bool well_formed(const char *t)
{
    size_t i = 0;
    for (; t[i] && i <= APISESSION_TOKEN_LEN; i++) {
        char c = t[i];
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
              c == '-' || c == '_'))
            return false;
    }
    return i == APISESSION_TOKEN_LEN;
}

int apisession_issue(struct apisession *s, const char *session_key, int64_t ttl_s, int64_t now,
                     char token[APISESSION_TOKEN_LEN + 1])
{
    unsigned char raw[TOKEN_BYTES];
    char hash[65];
    token[0] = '\0';
    if ((s->member_id <= 0 && (!*s->platform || !*s->ext_id)) || ttl_s <= 0 ||
        (session_key && strlen(session_key) > APISESSION_KEY_MAX))
        return ZB_EINVAL;
    sqlite3_stmt *st = store_stmt(sql_insert);
    if (!st)
        return ZB_EDB;
    rand_bytes(raw, sizeof raw);
    b64url(raw, sizeof raw, token);
    apisession_hash(token, hash);
    s->created_at = now;
    s->expires_at = now + ttl_s;
    sqlite3_bind_text(st, 1, hash, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, s->member_id > 0 ? s->member_id : 0);
    sqlite3_bind_text(st, 3, s->platform, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, s->account, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, s->ext_id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 6, session_key ? session_key : "", -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 7, s->created_at);
    sqlite3_bind_int64(st, 8, s->expires_at);
    int rc = store_exec_done(st);
    if (rc) {
        token[0] = '\0';
        return rc;
    }
    s->id = sqlite3_last_insert_rowid(store_db());
    return ZB_OK;
}

static void copy(char *dst, size_t n, const char *src)
{
    snprintf(dst, n, "%s", src);
}

int apisession_find(const char *token, int64_t now, struct apisession *out)
{
    char hash[65];
    memset(out, 0, sizeof *out);
    if (!token || !well_formed(token))
        return ZB_ESIG;
    sqlite3_stmt *st = store_stmt(sql_find);
    if (!st)
        return ZB_EDB;
    apisession_hash(token, hash);
    sqlite3_bind_text(st, 1, hash, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_DONE) {
        sqlite3_reset(st);
        return ZB_ESIG;
    }
    if (rc != SQLITE_ROW) {
        sqlite3_reset(st);
        return ZB_EDB;
    }
    out->id = sqlite3_column_int64(st, 0);
    out->member_id = sqlite3_column_int64(st, 1);
    copy(out->platform, sizeof out->platform, store_text(st, 2));
    copy(out->account, sizeof out->account, store_text(st, 3));
    copy(out->ext_id, sizeof out->ext_id, store_text(st, 4));
    out->created_at = sqlite3_column_int64(st, 5);
    out->expires_at = sqlite3_column_int64(st, 6);
    bool revoked = sqlite3_column_int(st, 7) != 0;
    sqlite3_reset(st);
    if (revoked)
        return ZB_ESIG;
    return now >= out->expires_at ? ZB_ESTALE : ZB_OK;
}

int apisession_revoke(int64_t id, int64_t now)
{
    sqlite3_stmt *st = store_stmt(sql_revoke);
    if (!st)
        return ZB_EDB;
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_int64(st, 2, now);
    int rc = store_exec_done(st);
    if (rc)
        return rc;
    return sqlite3_changes(store_db()) ? ZB_OK : ZB_ENOTFOUND;
}

int apisession_sweep(int64_t before, int *n)
{
    assert(store_in_tx());
    sqlite3_stmt *st = store_stmt(sql_sweep);
    if (!st)
        return ZB_EDB;
    sqlite3_bind_int64(st, 1, before);
    int rc = store_exec_done(st);
    if (!rc && n)
        *n = sqlite3_changes(store_db());
    return rc;
}
