/*
 * migrations.c - every schema change, in order. Each string runs inside one transaction with the
 * user_version bump (see store.c). Times are Unix seconds UTC; money is integer fen.
 */
#include "bot/migrations.h"

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
};

const size_t n_migrations = sizeof migrations / sizeof migrations[0];
