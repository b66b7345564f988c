/*
 * link.c - signed links (see link.h): HMAC-SHA256 with mbedTLS, base64url, and the secret kept
 * in the database when the config names none.
 */
#include "bot/delivery/link.h"

#include <mbedtls/md.h>
#include <sqlite3.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bot/base/clock.h"
#include "bot/base/ct.h"
#include "bot/base/log.h"
#include "bot/base/rand.h"
#include "bot/store/store.h"

#define SIG_RAW       32 /* HMAC-SHA256 */
#define SIG_B64       43 /* its unpadded base64url */
#define URL_BASE_MAX  256
#define DB_SECRET_LEN 32
#define SECRET_NAME   "link"

static char base_url[URL_BASE_MAX];        /* link_configure's public_url */
static unsigned char key[LINK_SECRET_MAX]; /* the secret */
static size_t key_len;                     /* 0: not configured */

static const char sql_get[] = "SELECT value FROM secrets WHERE name = ?1";
static const char sql_put[] =
    "INSERT OR IGNORE INTO secrets(name, value, created_at) VALUES (?1, ?2, ?3)";

int link_configure(const char *public_url, const void *secret, size_t len)
{
    size_t n = strlen(public_url);
    if (len < LINK_SECRET_MIN || len > LINK_SECRET_MAX || n == 0 || n >= sizeof base_url ||
        public_url[n - 1] == '/')
        return ZB_EINVAL;
    memcpy(base_url, public_url, n + 1);
    memcpy(key, secret, len);
    key_len = len;
    return ZB_OK;
}

/* stored_secret - the secret in the database into out (*len bytes), inserting a fresh one
 * first if there is none. */
static int stored_secret(unsigned char out[LINK_SECRET_MAX], size_t *len)
{
    unsigned char fresh[DB_SECRET_LEN];
    rand_bytes(fresh, sizeof fresh);
    sqlite3_stmt *st = store_stmt(sql_put);
    if (!st)
        return ZB_EDB;
    sqlite3_bind_text(st, 1, SECRET_NAME, -1, SQLITE_STATIC);
    sqlite3_bind_blob(st, 2, fresh, sizeof fresh, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, (sqlite3_int64)clock_now());
    int rc = store_exec_done(st); /* a no-op when a secret is there already */
    memset(fresh, 0, sizeof fresh);
    if (rc)
        return rc;
    st = store_stmt(sql_get);
    if (!st)
        return ZB_EDB;
    sqlite3_bind_text(st, 1, SECRET_NAME, -1, SQLITE_STATIC);
    rc = ZB_EDB;
    if (sqlite3_step(st) == SQLITE_ROW) {
        int n = sqlite3_column_bytes(st, 0);
        if (n >= LINK_SECRET_MIN && n <= LINK_SECRET_MAX) {
            memcpy(out, sqlite3_column_blob(st, 0), (size_t)n);
            *len = (size_t)n;
            rc = ZB_OK;
        }
    }
    sqlite3_reset(st);
    return rc;
}

int link_init(const char *public_url, const char *secret)
{
    if (*secret)
        return link_configure(public_url, secret, strlen(secret));
    unsigned char k[LINK_SECRET_MAX];
    size_t len = 0;
    int rc = stored_secret(k, &len);
    if (rc) {
        log_error("link: cannot read or store the link secret in the database");
        return rc;
    }
    rc = link_configure(public_url, k, len);
    memset(k, 0, sizeof k);
    return rc;
}

static bool object_ok(const char *s, size_t max)
{
    size_t n = strlen(s);
    if (n == 0 || n > max)
        return false;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '_' || c == '-'))
            return false;
    }
    return true;
}

static void b64url(const unsigned char *in, size_t n, char *out)
{
    static const char tab[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    size_t o = 0;
    for (size_t i = 0; i < n; i += 3) {
        unsigned v = (unsigned)in[i] << 16;
        if (i + 1 < n)
            v |= (unsigned)in[i + 1] << 8;
        if (i + 2 < n)
            v |= in[i + 2];
        out[o++] = tab[(v >> 18) & 63];
        out[o++] = tab[(v >> 12) & 63];
        if (i + 1 < n)
            out[o++] = tab[(v >> 6) & 63];
        if (i + 2 < n)
            out[o++] = tab[v & 63];
    }
    out[o] = '\0';
}

/* sign - the base64url signature of the fields into out (SIG_B64 + 1 bytes). */
static int sign(const char *prefix, int64_t member, const char *object, int64_t exp,
                char out[SIG_B64 + 1])
{
    char msg[LINK_PREFIX_MAX + LINK_OBJECT_MAX + 96];
    int n = snprintf(msg, sizeof msg, "zhibu-link-v1\n%s\n%s\n%lld\n%lld", prefix, object,
                     (long long)member, (long long)exp);
    if (n < 0 || (size_t)n >= sizeof msg)
        return ZB_EINVAL;
    unsigned char mac[SIG_RAW];
    if (mbedtls_md_hmac(mbedtls_md_info_from_type(MBEDTLS_MD_SHA256), key, key_len,
                        (const unsigned char *)msg, (size_t)n, mac))
        return ZB_ECRYPTO;
    b64url(mac, sizeof mac, out);
    return ZB_OK;
}

int link_sign(const char *prefix, int64_t member_id, const char *object, int64_t expires_at,
              char *out, size_t outsz)
{
    char sig[SIG_B64 + 1];
    if (!key_len || !object_ok(prefix, LINK_PREFIX_MAX) || !object_ok(object, LINK_OBJECT_MAX) ||
        member_id <= 0 || expires_at <= 0)
        return ZB_EINVAL;
    int rc = sign(prefix, member_id, object, expires_at, sig);
    if (rc)
        return rc;
    int n = snprintf(out, outsz, "%s/%s/%s?m=%lld&e=%lld&sig=%s", base_url, prefix, object,
                     (long long)member_id, (long long)expires_at, sig);
    return n < 0 || (size_t)n >= outsz ? ZB_ETOOBIG : ZB_OK;
}

/* number - a positive decimal of at most 18 digits, no sign, no leading zero. */
static bool number(const char *s, int64_t *out)
{
    size_t n = s ? strlen(s) : 0;
    if (n == 0 || n > 18 || s[0] == '0')
        return false;
    int64_t v = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return false;
        v = v * 10 + (s[i] - '0');
    }
    *out = v;
    return true;
}

int link_verify(const char *path, const char *m, const char *e, const char *sig, int64_t now,
                struct link_claim *out)
{
    char prefix[LINK_PREFIX_MAX + 1];
    char expect[SIG_B64 + 1];
    memset(out, 0, sizeof *out);
    if (!key_len)
        return ZB_EINVAL;
    /* "/PREFIX/OBJECT" */
    const char *slash = path && path[0] == '/' ? strchr(path + 1, '/') : NULL;
    size_t plen = slash ? (size_t)(slash - path - 1) : 0;
    if (!slash || plen == 0 || plen > LINK_PREFIX_MAX)
        return ZB_EPARSE;
    memcpy(prefix, path + 1, plen);
    prefix[plen] = '\0';
    const char *object = slash + 1;
    int64_t member, exp;
    if (!object_ok(prefix, LINK_PREFIX_MAX) || !object_ok(object, LINK_OBJECT_MAX) ||
        !number(m, &member) || !number(e, &exp) || !sig || strlen(sig) != SIG_B64)
        return ZB_EPARSE;
    int rc = sign(prefix, member, object, exp, expect);
    if (rc)
        return rc;
    if (!ct_memeq(expect, sig, SIG_B64))
        return ZB_ESIG;
    if (exp < now)
        return ZB_ESTALE;
    out->member_id = member;
    memcpy(out->object, object, strlen(object) + 1);
    out->expires_at = exp;
    return ZB_OK;
}
