/*
 * migrations.c - every schema change, in order. Each string runs inside one transaction with the
 * user_version bump (see store.c). Times are Unix seconds UTC; money is integer fen.
 */
#include "bot/store/migrations.h"

const char *const migrations[] = {
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
    /* 5: notify (bot/delivery/notify.c): the outbox row keeps notify's kind and fields for the
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
};

const size_t n_migrations = sizeof migrations / sizeof migrations[0];
