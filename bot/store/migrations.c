/*
 * migrations.c - the migration runner, and the engine's own schema steps (the "core" set).
 *
 * Each owner (the engine's "core", then each capability) has its own numbered steps and its own
 * version in schema_migrations, so capabilities written on parallel branches never compete for
 * a number. A step runs inside one transaction with its owner's version bump. Databases made
 * before this table existed kept core's version in PRAGMA user_version: it is copied once. core's
 * version is still mirrored in user_version (the health check reads it). Times are Unix seconds
 * UTC; money is integer fen.
 */
#include "bot/store/migrations.h"

#include <sqlite3.h>
#include <stdio.h>
#include <string.h>

#include "bot/base/log.h"
#include "bot/store/store.h"

static const char *const core_steps[] = {
    /* 1: the event log, conversations, "more" pages, members' messages to the branch. */
    "CREATE TABLE events ("
    "  id INTEGER PRIMARY KEY,"
    "  platform TEXT NOT NULL,"
    "  account TEXT NOT NULL DEFAULT '',"
    "  user_id TEXT NOT NULL,"
    "  group_id TEXT,"
    "  kind TEXT NOT NULL,"
    "  text TEXT NOT NULL DEFAULT '',"
    "  msg_key TEXT NOT NULL UNIQUE,"
    "  received_at INTEGER NOT NULL,"
    "  handler TEXT,"
    "  reply_kind TEXT NOT NULL DEFAULT 'none',"
    "  reply TEXT,"
    "  handling_us INTEGER NOT NULL DEFAULT 0"
    ");"
    "CREATE INDEX events_user ON events(platform, user_id, received_at);"
    "CREATE TABLE sessions ("
    "  platform TEXT NOT NULL,"
    "  user_id TEXT NOT NULL,"
    "  group_id TEXT NOT NULL DEFAULT '',"
    "  handler TEXT NOT NULL,"
    "  state TEXT NOT NULL DEFAULT '',"
    "  expires_at INTEGER NOT NULL,"
    "  PRIMARY KEY (platform, user_id, group_id)"
    ") WITHOUT ROWID;"
    "CREATE TABLE pages ("
    "  platform TEXT NOT NULL,"
    "  user_id TEXT NOT NULL,"
    "  group_id TEXT NOT NULL DEFAULT '',"
    "  rest TEXT NOT NULL,"
    "  expires_at INTEGER NOT NULL,"
    "  PRIMARY KEY (platform, user_id, group_id)"
    ") WITHOUT ROWID;"
    "CREATE TABLE feedback ("
    "  id INTEGER PRIMARY KEY,"
    "  platform TEXT NOT NULL,"
    "  user_id TEXT NOT NULL,"
    "  group_id TEXT,"
    "  text TEXT NOT NULL,"
    "  created_at INTEGER NOT NULL"
    ");",

    /* 2: the organisation: branch tree, members, their platform identities, binding attempts,
     * the audit trail. */
    /* A node of the tree 党委 -> 总支 -> 支部 -> 党小组; names are unique among siblings. */
    "CREATE TABLE branches ("
    "  id INTEGER PRIMARY KEY,"
    "  parent_id INTEGER REFERENCES branches(id),"
    "  name TEXT NOT NULL,"
    "  level TEXT NOT NULL CHECK (level IN ('committee', 'general', 'branch', 'group')),"
    "  created_at INTEGER NOT NULL"
    ");"
    "CREATE UNIQUE INDEX branches_sibling ON branches(coalesce(parent_id, 0), name);"
    /* A member. branch_id is the 支部 (or 总支/党委 with members of its own); group_id the
     * 党小组 inside it. phone holds digits only. Dates are YYYY-MM-DD. */
    "CREATE TABLE members ("
    "  id INTEGER PRIMARY KEY,"
    "  name TEXT NOT NULL,"
    "  phone TEXT,"
    "  branch_id INTEGER REFERENCES branches(id),"
    "  group_id INTEGER REFERENCES branches(id),"
    "  status TEXT NOT NULL DEFAULT 'full'," /* full 正式党员 | probationary 预备党员 */
    "  category TEXT NOT NULL DEFAULT 'employed'," /* dues category, see bot/member.h */
    "  monthly_income_fen INTEGER,"
    "  post TEXT,"
    "  education TEXT,"
    "  joined_on TEXT,"
    "  probation_start TEXT,"
    "  birth_year INTEGER,"
    "  roles TEXT NOT NULL DEFAULT ''," /* comma-separated role ids; '' = 党员 only */
    "  stats_exempt INTEGER NOT NULL DEFAULT 0,"
    "  exempt_reason TEXT,"
    "  bind_code TEXT UNIQUE," /* 6 digits, one-time; replaced after use */
    "  created_at INTEGER NOT NULL,"
    "  updated_at INTEGER NOT NULL"
    ");"
    "CREATE UNIQUE INDEX members_phone ON members(phone) WHERE phone IS NOT NULL;"
    "CREATE INDEX members_branch ON members(branch_id);"
    /* A platform identity: WeChat openid (per account), mini-program openid, OneBot QQ number,
     * open-platform openids. Belongs to at most one member; unbound while member_id is NULL. */
    "CREATE TABLE identities ("
    "  id INTEGER PRIMARY KEY,"
    "  platform TEXT NOT NULL,"           /* wechat | wxmini | onebot | qqbot */
    "  account TEXT NOT NULL DEFAULT ''," /* the account or app the id is scoped to */
    "  ext_id TEXT NOT NULL,"
    "  member_id INTEGER REFERENCES members(id) ON DELETE SET NULL,"
    "  first_seen INTEGER NOT NULL,"
    "  last_seen INTEGER NOT NULL,"
    "  bound_at INTEGER,"
    "  UNIQUE (platform, account, ext_id)"
    ");"
    "CREATE INDEX identities_member ON identities(member_id);"
    /* Wrong binding codes per sender identity: failures since window_start, and a lock. */
    "CREATE TABLE bind_guard ("
    "  platform TEXT NOT NULL,"
    "  account TEXT NOT NULL DEFAULT '',"
    "  ext_id TEXT NOT NULL,"
    "  failures INTEGER NOT NULL DEFAULT 0,"
    "  window_start INTEGER NOT NULL,"
    "  locked_until INTEGER NOT NULL DEFAULT 0,"
    "  PRIMARY KEY (platform, account, ext_id)"
    ") WITHOUT ROWID;"
    "CREATE TABLE audit ("
    "  id INTEGER PRIMARY KEY,"
    "  at INTEGER NOT NULL,"
    "  actor TEXT NOT NULL,"  /* member:ID, or cli:USER for the operator */
    "  action TEXT NOT NULL," /* import | bind | unbind | set | role | unmask | ... */
    "  target TEXT,"          /* member:ID, branch:ID, file name, ... */
    "  detail TEXT,"          /* what changed, phones masked */
    "  channel TEXT NOT NULL" /* cli | wechat | onebot | qqbot | api */
    ");"
    "CREATE INDEX audit_at ON audit(at);"
    "CREATE INDEX audit_actor ON audit(actor, at);",

    /* 3: delivery. The outbox: status pending | sending | sent | failed | unreachable; the
     * sender claims due rows (pending -> sending), one in flight per recipient, in id order per
     * recipient; rows still "sending" at start-up were in flight at a crash and go back to
     * pending. Cached platform access tokens; the scheduler's last run per job. */
    "CREATE TABLE outbox ("
    "  id INTEGER PRIMARY KEY,"
    "  idem_key TEXT NOT NULL UNIQUE,"
    "  rcpt TEXT NOT NULL," /* member | wechat | onebot_user | onebot_group | qqbot_user | ... */
    "  to_id TEXT NOT NULL,"
    "  kind TEXT NOT NULL," /* reply | reminder | broadcast | digest */
    "  text TEXT NOT NULL,"
    "  data_json TEXT,"
    "  reply_to TEXT," /* QQ open platform: the msg_id answered (given or chosen) */
    "  seq INTEGER NOT NULL DEFAULT 0," /* QQ open platform: msg_seq for reply_to */
    "  status TEXT NOT NULL DEFAULT 'pending',"
    "  attempts INTEGER NOT NULL DEFAULT 0,"
    "  not_before INTEGER NOT NULL,"
    "  expires_at INTEGER NOT NULL DEFAULT 0,"
    "  next_try_at INTEGER NOT NULL,"
    "  created_at INTEGER NOT NULL,"
    "  updated_at INTEGER NOT NULL DEFAULT 0,"
    "  sent_at INTEGER,"
    "  channel TEXT," /* the channel that delivered it, or was last tried */
    "  target TEXT,"  /* the platform id the channel addressed (openid, QQ number, ...) */
    "  closed INTEGER NOT NULL DEFAULT 0," /* bit per channel that refused this recipient */
    "  error_code TEXT,"
    "  error_text TEXT"
    ");"
    "CREATE INDEX outbox_due ON outbox(status, next_try_at);"
    "CREATE INDEX outbox_open ON outbox(rcpt, to_id, id) WHERE status IN ('pending','sending');"
    "CREATE INDEX outbox_reply ON outbox(reply_to) WHERE reply_to IS NOT NULL;"
    "CREATE INDEX outbox_chan ON outbox(channel, target) WHERE channel IS NOT NULL;"
    "CREATE INDEX events_group ON events(platform, group_id, received_at) "
    "  WHERE group_id IS NOT NULL;"
    "CREATE TABLE api_tokens ("
    "  name TEXT PRIMARY KEY," /* platform:appid */
    "  token TEXT NOT NULL,"
    "  expires_at INTEGER NOT NULL,"
    "  fetched_at INTEGER NOT NULL"
    ") WITHOUT ROWID;"
    "CREATE TABLE sched_runs ("
    "  job TEXT PRIMARY KEY,"
    "  period_key TEXT NOT NULL," /* e.g. 2026-11-27 for a daily job, local time */
    "  ran_at INTEGER NOT NULL"
    ") WITHOUT ROWID;",

    /* 4: how zhibu behaves in each QQ group (bot/group_rules.c); no row = the defaults. */
    "CREATE TABLE group_rules ("
    "  platform TEXT NOT NULL," /* onebot | qqbot */
    "  group_id TEXT NOT NULL," /* QQ group number, or the open platform's group_openid */
    "  mode TEXT NOT NULL DEFAULT 'normal'," /* normal | mention | all | off */
    "  prefix TEXT,"                         /* NULL: the platform's; '': no prefix */
    "  welcome INTEGER NOT NULL DEFAULT 1,"
    "  updated_at INTEGER NOT NULL,"
    "  PRIMARY KEY (platform, group_id)"
    ") WITHOUT ROWID;",

    /* 5: secrets zhibu generates for itself and must keep across restarts (bot/delivery/link.c:
     * the key of signed links when server.link_secret is empty). */
    "CREATE TABLE secrets ("
    "  name TEXT PRIMARY KEY,"
    "  value BLOB NOT NULL,"
    "  created_at INTEGER NOT NULL"
    ") WITHOUT ROWID;",

    /* 6: notify (bot/delivery/notify.c): the outbox row keeps notify's kind and fields for the
     * WeChat templates; notify_items is every notification and the fold queue (state 'folded')
     * that the daily digest renders. day is the local date it was notified (YYYY-MM-DD). */
    "ALTER TABLE outbox ADD COLUMN topic TEXT;"
    "ALTER TABLE outbox ADD COLUMN fields_json TEXT;"
    "CREATE TABLE notify_items ("
    "  id INTEGER PRIMARY KEY,"
    "  idem_key TEXT NOT NULL UNIQUE,"
    "  member_id INTEGER NOT NULL,"
    "  kind TEXT NOT NULL," /* meeting.reminder */
    "  cap TEXT NOT NULL,"  /* meeting: the kind before its first dot */
    "  urgent INTEGER NOT NULL,"
    "  day TEXT NOT NULL,"
    "  state TEXT NOT NULL," /* sent | folded | released | unreachable */
    "  title TEXT NOT NULL DEFAULT '',"
    "  text TEXT NOT NULL,"
    "  fields_json TEXT NOT NULL,"
    "  outbox_id INTEGER," /* the row that carried it (sent, released, unreachable) */
    "  created_at INTEGER NOT NULL"
    ");"
    "CREATE INDEX notify_member ON notify_items(member_id, cap, state, day);",

    /* 7: a QQ group tied to an organisation (`zhibu group bind`): the group's audience, roles
     * and receipts come from it; 0 = not bound. */
    "ALTER TABLE group_rules ADD COLUMN branch_id INTEGER NOT NULL DEFAULT 0;",

    /* 8: a member removed from the registry (`zhibu member remove`) keeps the record for the
     * history: left_at (Unix seconds) marks it, left_reason says why; lists, binding and
     * statistics leave such a record out. */
    "ALTER TABLE members ADD COLUMN left_at INTEGER;"
    "ALTER TABLE members ADD COLUMN left_reason TEXT;",

    /* 9: the kind of an organisation node (branch.h: '' a Party organisation, 'workcomm' a
     * 工委, 'orgdept' a 组织部) and whether it lies outside zhibu (it only receives transfers). */
    "ALTER TABLE branches ADD COLUMN kind TEXT NOT NULL DEFAULT '';"
    "ALTER TABLE branches ADD COLUMN external INTEGER NOT NULL DEFAULT 0;",

    /* 10: the platform's id of a sent message, from the send API's answer (OneBot
     * data.message_id, the QQ open platform's id), so that a group message quoting it can be
     * matched to what zhibu posted; NULL when the answer carried none. */
    "ALTER TABLE outbox ADD COLUMN platform_msg_id TEXT;",
};

const struct migration_set migrations_core = {
    .owner = "core",
    .steps = core_steps,
    .n = sizeof core_steps / sizeof core_steps[0],
};

static const char sql_table[] = "CREATE TABLE IF NOT EXISTS schema_migrations ("
                                "  owner TEXT PRIMARY KEY,"
                                "  version INTEGER NOT NULL"
                                ") WITHOUT ROWID";
static const char sql_get[] = "SELECT version FROM schema_migrations WHERE owner=?1";
static const char sql_set[] = "INSERT INTO schema_migrations(owner, version) VALUES(?1, ?2) "
                              "ON CONFLICT(owner) DO UPDATE SET version=excluded.version";

/* get_version - owner's applied version into *v (0 when it has none). */
static int get_version(const char *owner, long long *v)
{
    sqlite3_stmt *st = NULL;
    *v = 0;
    if (sqlite3_prepare_v2(store_db(), sql_get, -1, &st, NULL) != SQLITE_OK)
        return ZB_EDB;
    sqlite3_bind_text(st, 1, owner, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        *v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? ZB_OK : ZB_EDB;
}

/* set_version - record owner at version v (and core's in user_version too). */
static int set_version(const char *owner, long long v)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(store_db(), sql_set, -1, &st, NULL) != SQLITE_OK)
        return ZB_EDB;
    sqlite3_bind_text(st, 1, owner, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, v);
    int rc = sqlite3_step(st) == SQLITE_DONE ? ZB_OK : ZB_EDB;
    sqlite3_finalize(st);
    if (rc == ZB_OK && strcmp(owner, migrations_core.owner) == 0) {
        char bump[64];
        snprintf(bump, sizeof bump, "PRAGMA user_version=%lld", v);
        rc = sqlite3_exec(store_db(), bump, NULL, NULL, NULL) == SQLITE_OK ? ZB_OK : ZB_EDB;
    }
    return rc;
}

/* prepare_table - create schema_migrations; adopt a pre-table database's user_version as
 * core's version, once. */
static int prepare_table(char *err, size_t errsz)
{
    long long v = 0;
    int rc = store_begin();
    if (rc)
        goto fail;
    rc = ZB_EDB;
    if (sqlite3_exec(store_db(), sql_table, NULL, NULL, NULL) != SQLITE_OK ||
        get_version(migrations_core.owner, &v))
        goto fail_tx;
    int legacy = store_schema_version();
    if (v == 0 && legacy > 0 && set_version(migrations_core.owner, legacy))
        goto fail_tx;
    if (v == 0 && legacy > 0)
        log_info("store: schema version %d recorded for core in schema_migrations", legacy);
    return store_commit();
fail_tx:
    store_rollback();
fail:
    snprintf(err, errsz, "cannot prepare schema_migrations");
    return rc ? rc : ZB_EDB;
}

/* apply_set - apply set's steps above its recorded version, one transaction per step. */
static int apply_set(const struct migration_set *set, char *err, size_t errsz)
{
    long long v = 0;
    if (get_version(set->owner, &v)) {
        snprintf(err, errsz, "cannot read the version of %s", set->owner);
        return ZB_EDB;
    }
    if (v > (long long)set->n) {
        snprintf(err, errsz, "%s schema %lld is newer than this zhibu (%zu); upgrade zhibu",
                 set->owner, v, set->n);
        return ZB_EDB;
    }
    for (size_t i = (size_t)v; i < set->n; i++) {
        char *msg = NULL;
        if (store_begin()) {
            snprintf(err, errsz, "%s step %zu: cannot begin", set->owner, i + 1);
            return ZB_EDB;
        }
        if (sqlite3_exec(store_db(), set->steps[i], NULL, NULL, &msg) != SQLITE_OK ||
            set_version(set->owner, (long long)i + 1)) {
            snprintf(err, errsz, "%s step %zu failed: %s", set->owner, i + 1,
                     msg ? msg : sqlite3_errmsg(store_db()));
            sqlite3_free(msg);
            store_rollback();
            return ZB_EDB;
        }
        if (store_commit()) {
            snprintf(err, errsz, "%s step %zu: commit failed", set->owner, i + 1);
            return ZB_EDB;
        }
        log_info("store: applied migration %s %zu", set->owner, i + 1);
    }
    return ZB_OK;
}

int migrations_run(const struct migration_set *const *sets, size_t nsets, char *err, size_t errsz)
{
    for (size_t i = 0; i < nsets; i++) {
        if (!sets[i] || !sets[i]->owner || !*sets[i]->owner || (sets[i]->n && !sets[i]->steps)) {
            snprintf(err, errsz, "migration set %zu is incomplete", i);
            return ZB_EINVAL;
        }
        for (size_t k = 0; k <= i; k++) {
            const char *other = k < i ? sets[k]->owner : migrations_core.owner;
            if (strcmp(sets[i]->owner, other) == 0) {
                snprintf(err, errsz, "two migration sets are owned by %s", other);
                return ZB_EINVAL;
            }
        }
    }
    int rc = prepare_table(err, errsz);
    if (rc)
        return rc;
    rc = apply_set(&migrations_core, err, errsz);
    for (size_t i = 0; rc == ZB_OK && i < nsets; i++)
        rc = apply_set(sets[i], err, errsz);
    return rc;
}

int migrations_version(const char *owner, long long *v)
{
    return get_version(owner, v);
}
