/* apitoken.c - the api_tokens table and the refresh rules (see apitoken.h). */
#include "bot/delivery/apitoken.h"

#include <sqlite3.h>
#include <stdio.h>
#include <string.h>

#include "bot/base/log.h"
#include "bot/delivery/stats.h"
#include "bot/store/store.h"

#define FETCH_RETRY_S 5  /* after a failed fetch, wait this long before the next */
#define FORCE_GAP_S   30 /* WeChat: forced refreshes at least 30 s apart */

static const char sql_load[] = "SELECT token, expires_at FROM api_tokens WHERE name=?1";
static const char sql_save[] =
    "INSERT INTO api_tokens(name, token, expires_at, fetched_at) VALUES(?1,?2,?3,?4) "
    "ON CONFLICT(name) DO UPDATE SET token=excluded.token, expires_at=excluded.expires_at, "
    "fetched_at=excluded.fetched_at";
static const char sql_drop[] = "DELETE FROM api_tokens WHERE name=?1 AND token=?2";

void apitoken_init(struct apitoken *t, const char *name, int margin_s, apitoken_fetch_fn fetch,
                   void *ctx)
{
    memset(t, 0, sizeof *t);
    snprintf(t->name, sizeof t->name, "%s", name);
    t->margin_s = margin_s;
    t->fetch = fetch;
    t->ctx = ctx;
}

static bool fresh(const struct apitoken *t, int64_t now)
{
    return t->token[0] && t->expires_at - t->margin_s > now;
}

/* load - the SQLite copy, when it is fresh and not the token known to be bad. */
static void load(struct apitoken *t, int64_t now)
{
    sqlite3_stmt *st = store_stmt(sql_load);
    if (!st)
        return;
    sqlite3_bind_text(st, 1, t->name, -1, SQLITE_STATIC);
    if (sqlite3_step(st) == SQLITE_ROW) {
        const char *tok = store_text(st, 0);
        int64_t exp = sqlite3_column_int64(st, 1);
        if (*tok && strlen(tok) < sizeof t->token && exp - t->margin_s > now &&
            strcmp(tok, t->bad) != 0) {
            snprintf(t->token, sizeof t->token, "%s", tok);
            t->expires_at = exp;
            t->gen++;
        }
    }
    sqlite3_reset(st);
}

static void save(const struct apitoken *t, int64_t now)
{
    if (store_begin())
        return;
    sqlite3_stmt *st = store_stmt(sql_save);
    if (st) {
        sqlite3_bind_text(st, 1, t->name, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, t->token, -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 3, t->expires_at);
        sqlite3_bind_int64(st, 4, now);
    }
    if (!st || store_exec_done(st) || store_commit()) {
        store_rollback();
        log_warn("apitoken: %s: could not cache the token in the database", t->name);
    }
}

/* fetch_once - one call of the platform; on success the token is current and cached. */
static int fetch_once(struct apitoken *t, int64_t now, bool force, char *err, size_t errsz)
{
    char tok[APITOKEN_MAX];
    int64_t expires_in = 0;
    tok[0] = '\0';
    t->fetches++;
    if (force)
        t->last_force = now;
    int rc = t->fetch(t->ctx, force, tok, sizeof tok, &expires_in, err, errsz);
    if (rc == ZB_OK && (!tok[0] || expires_in <= 0)) {
        snprintf(err, errsz, "平台的应答里没有 access_token 或有效期");
        rc = ZB_EPARSE;
    }
    stats_refresh(t->name, rc == ZB_OK);
    if (rc)
        return rc;
    snprintf(t->token, sizeof t->token, "%s", tok);
    t->expires_at = now + expires_in;
    if (t->margin_s >= expires_in) /* a short-lived token is still used for half its life */
        t->expires_at = now + t->margin_s + expires_in / 2;
    t->gen++;
    save(t, now);
    log_info("apitoken: %s: new token, valid %llds%s", t->name, (long long)expires_in,
             force ? " (forced)" : "");
    return ZB_OK;
}

int apitoken_get(struct apitoken *t, int64_t now, const char **token, unsigned *gen, char *err,
                 size_t errsz)
{
    if (!fresh(t, now)) {
        t->token[0] = '\0';
        load(t, now);
    }
    if (!fresh(t, now)) {
        if (now < t->retry_at) {
            snprintf(err, errsz, "%s", t->last_err);
            return t->last_rc;
        }
        int rc = fetch_once(t, now, false, err, errsz);
        if (rc == ZB_OK && t->bad[0] && strcmp(t->token, t->bad) == 0) {
            if (now - t->last_force >= FORCE_GAP_S) {
                rc = fetch_once(t, now, true, err, errsz);
            } else {
                snprintf(err, errsz, "平台又给了被拒绝的 access_token，稍后再试");
                rc = ZB_EBUSY;
            }
            if (rc)
                t->token[0] = '\0';
        }
        if (rc) {
            t->retry_at = now + FETCH_RETRY_S;
            t->last_rc = rc;
            snprintf(t->last_err, sizeof t->last_err, "%s", err);
            return rc;
        }
        t->retry_at = 0;
    }
    *token = t->token;
    if (gen)
        *gen = t->gen;
    return ZB_OK;
}

void apitoken_invalid(struct apitoken *t, unsigned gen)
{
    if (gen != t->gen || !t->token[0])
        return;
    snprintf(t->bad, sizeof t->bad, "%s", t->token);
    sqlite3_stmt *st = store_stmt(sql_drop);
    if (st) {
        sqlite3_bind_text(st, 1, t->name, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, t->token, -1, SQLITE_STATIC);
        if (store_exec_done(st))
            log_warn("apitoken: %s: could not drop the cached token", t->name);
    }
    t->token[0] = '\0';
    t->expires_at = 0;
    log_info("apitoken: %s: token refused by the platform, fetching a new one", t->name);
}
