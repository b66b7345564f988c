/*
 * binding.c - binding codes with a brute-force guard, unbinding, binding by hand (see
 * binding.h).
 *
 * The guard is one row per sender identity: failures counted from window_start, and
 * locked_until. A wrong code inside the window adds one; the BIND_MAX_FAILURES-th locks the
 * sender for BIND_LOCK_S and starts a fresh count. A lock is checked before anything else, so a
 * locked sender learns nothing about any code. A right code clears the row.
 */
#include "bot/org/binding.h"

#include <assert.h>
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>

#include "bot/org/audit.h"
#include "bot/org/identity.h"
#include "bot/org/member.h"
#include "bot/store/store.h"

static const char sql_guard_get[] = "SELECT failures, window_start, locked_until FROM bind_guard "
                                    "WHERE platform=?1 AND account=?2 AND ext_id=?3";
static const char sql_guard_put[] =
    "INSERT INTO bind_guard(platform, account, ext_id, failures, window_start, locked_until) "
    "VALUES(?1,?2,?3,?4,?5,?6) ON CONFLICT(platform, account, ext_id) DO UPDATE SET "
    "failures=excluded.failures, window_start=excluded.window_start, "
    "locked_until=excluded.locked_until";
static const char sql_guard_clear[] =
    "DELETE FROM bind_guard WHERE platform=?1 AND account=?2 AND ext_id=?3";

struct guard {
    int failures;
    int64_t window_start;
    int64_t locked_until;
};

static void bind_who(sqlite3_stmt *st, const struct bind_who *w)
{
    sqlite3_bind_text(st, 1, w->platform, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, w->account ? w->account : "", -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, w->ext_id, -1, SQLITE_STATIC);
}

static int guard_get(const struct bind_who *w, struct guard *g)
{
    memset(g, 0, sizeof *g);
    sqlite3_stmt *st = store_stmt(sql_guard_get);
    if (!st)
        return ZB_EDB;
    bind_who(st, w);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        g->failures = sqlite3_column_int(st, 0);
        g->window_start = sqlite3_column_int64(st, 1);
        g->locked_until = sqlite3_column_int64(st, 2);
    }
    sqlite3_reset(st);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? ZB_OK : ZB_EDB;
}

static int guard_put(const struct bind_who *w, const struct guard *g)
{
    sqlite3_stmt *st = store_stmt(sql_guard_put);
    if (!st)
        return ZB_EDB;
    bind_who(st, w);
    sqlite3_bind_int(st, 4, g->failures);
    sqlite3_bind_int64(st, 5, g->window_start);
    sqlite3_bind_int64(st, 6, g->locked_until);
    return store_exec_done(st);
}

static int guard_clear(const struct bind_who *w)
{
    sqlite3_stmt *st = store_stmt(sql_guard_clear);
    if (!st)
        return ZB_EDB;
    bind_who(st, w);
    return store_exec_done(st);
}

/* clean_code - the digits of s with spaces dropped into out; false unless exactly 6 digits. */
static bool clean_code(const char *s, char *out)
{
    size_t n = 0;
    for (; *s; s++) {
        if (*s == ' ' || *s == '\t')
            continue;
        if (*s < '0' || *s > '9' || n == MEMBER_CODE_LEN)
            return false;
        out[n++] = *s;
    }
    out[n] = '\0';
    return n == MEMBER_CODE_LEN;
}

/* who_text - "wechat:OPENID" for the audit trail. */
static void who_text(const struct bind_who *w, char *out, size_t outsz)
{
    snprintf(out, outsz, "%s:%s%s%s", w->platform, w->account && *w->account ? w->account : "",
             w->account && *w->account ? "/" : "", w->ext_id);
}

int binding_redeem(const struct bind_who *who, const char *code, const char *channel, int64_t now,
                   struct bind_outcome *out)
{
    assert(store_in_tx());
    memset(out, 0, sizeof *out);
    struct guard g;
    int rc = guard_get(who, &g);
    if (rc)
        return rc;
    if (g.locked_until > now) {
        out->locked_until = g.locked_until;
        return ZB_EBUSY;
    }
    int64_t owner = 0;
    if ((rc = identity_owner(who->platform, who->account, who->ext_id, &owner)))
        return rc;
    if (owner) {
        out->member_id = owner;
        return ZB_EDENIED;
    }
    char digits[MEMBER_CODE_LEN + 1];
    if (!clean_code(code, digits))
        return ZB_EINVAL;
    int64_t id = 0;
    rc = member_by_code(digits, &id);
    if (rc == ZB_ENOTFOUND) {
        if (g.window_start + BIND_WINDOW_S <= now || g.locked_until) {
            g.failures = 0;
            g.window_start = now;
            g.locked_until = 0;
        }
        g.failures++;
        if (g.failures >= BIND_MAX_FAILURES) {
            g.failures = 0;
            g.window_start = now;
            g.locked_until = now + BIND_LOCK_S;
            out->locked_until = g.locked_until;
        }
        out->failures_left = g.locked_until ? 0 : BIND_MAX_FAILURES - g.failures;
        int prc = guard_put(who, &g);
        return prc ? prc : ZB_ENOTFOUND;
    }
    if (rc)
        return rc;
    char actor[AUDIT_ACTOR_MAX], target[AUDIT_ACTOR_MAX], detail[300];
    audit_member_actor(id, actor, sizeof actor);
    snprintf(target, sizeof target, "member:%lld", (long long)id);
    who_text(who, detail, sizeof detail);
    if ((rc = identity_bind(who->platform, who->account, who->ext_id, id, now)) ||
        (rc = member_code_renew(id)) || (rc = guard_clear(who)) ||
        (rc = audit_write(actor, "bind_code", target, detail, channel, now)))
        return rc;
    out->member_id = id;
    return ZB_OK;
}

int binding_release(const struct bind_who *who, const char *reason, const char *channel,
                    int64_t now, int64_t *member_id)
{
    assert(store_in_tx());
    *member_id = 0;
    int64_t owner = 0;
    int rc = identity_owner(who->platform, who->account, who->ext_id, &owner);
    if (rc)
        return rc;
    if (!owner)
        return ZB_ENOTFOUND;
    char actor[AUDIT_ACTOR_MAX], target[AUDIT_ACTOR_MAX], detail[300];
    audit_member_actor(owner, actor, sizeof actor);
    snprintf(target, sizeof target, "member:%lld", (long long)owner);
    who_text(who, detail, sizeof detail);
    if ((rc = identity_bind(who->platform, who->account, who->ext_id, 0, now)) ||
        (rc = audit_write(actor, reason, target, detail, channel, now)))
        return rc;
    *member_id = owner;
    return ZB_OK;
}

int binding_by_hand(const struct bind_who *who, int64_t member_id, const char *actor,
                    const char *channel, int64_t now)
{
    assert(store_in_tx());
    int64_t owner = 0;
    int rc = identity_owner(who->platform, who->account, who->ext_id, &owner);
    if (rc)
        return rc;
    if (member_id && owner && owner != member_id)
        return ZB_EBUSY;
    if (!member_id && !owner)
        return ZB_ENOTFOUND;
    char target[AUDIT_ACTOR_MAX], detail[300];
    snprintf(target, sizeof target, "member:%lld", (long long)(member_id ? member_id : owner));
    who_text(who, detail, sizeof detail);
    if ((rc = identity_bind(who->platform, who->account, who->ext_id, member_id, now)))
        return rc;
    return audit_write(actor, member_id ? "bind" : "unbind", target, detail, channel, now);
}

int binding_code_exposed(const char *code, const char *channel, int64_t now, bool *renewed)
{
    char digits[7], target[32];
    int64_t id = 0;
    if (renewed)
        *renewed = false;
    if (!clean_code(code, digits))
        return ZB_OK;
    int rc = member_by_code(digits, &id);
    if (rc == ZB_ENOTFOUND)
        return ZB_OK;
    if (rc)
        return rc;
    snprintf(target, sizeof target, "member:%lld", (long long)id);
    if ((rc = member_code_renew(id)) ||
        (rc = audit_write("system", "code_exposed", target, "绑定码发在群里，已换新码", channel,
                          now)))
        return rc;
    if (renewed)
        *renewed = true;
    return ZB_OK;
}
