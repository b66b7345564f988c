/* meetings.c - the rules and tables of 三会一课 (see meetings.h). */
#include "handlers/meetings/meetings.h"
#include "handlers/meetings/page.h"
#include "bot/delivery/link.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bot/base/xmalloc.h"
#include "bot/base/buf.h"
#include "bot/base/ct.h"
#include "bot/base/rand.h"
#include "bot/delivery/notify.h"
#include "bot/org/audit.h"
#include "bot/org/branch.h"
#include "bot/org/member.h"
#include "bot/org/role.h"
#include "bot/store/migrations.h"
#include "bot/store/store.h"

#define LEADS (ROLE_SECRETARY | ROLE_DEPUTY | ROLE_ORGANIZER)

const struct role_action meetings_schedule = {
    .id = "meetings.schedule",
    .roles = LEADS | ROLE_GROUP_LEADER,
    .operator_ok = true,
    .refusal = "抱歉，只有支部书记、组织委员和党小组长可以安排会议。",
};
const struct role_action meetings_records = {
    .id = "meetings.records",
    .roles = LEADS | ROLE_GROUP_LEADER,
    .operator_ok = true,
    .refusal = "抱歉，只有支部书记、组织委员和党小组长可以查看出勤和纪要。",
};
const struct role_action meetings_proxy_act = {
    .id = "meetings.proxy",
    .roles = LEADS | ROLE_GROUP_LEADER,
    .operator_ok = true,
    .refusal = "抱歉，只有党小组长和支部书记可以代签。",
};

static const char *const steps[] = {
    "CREATE TABLE meetings ("
    "  id INTEGER PRIMARY KEY,"
    "  org_id INTEGER NOT NULL,"    /* branches(id): the 支部, or the 党小组 */
    "  branch_id INTEGER NOT NULL," /* branches(id): the 支部 */
    "  kind TEXT NOT NULL,"         /* meeting_kind_id */
    "  starts_at INTEGER NOT NULL,"
    "  place TEXT NOT NULL,"
    "  topic TEXT NOT NULL DEFAULT '',"
    "  chair_id INTEGER,"
    "  recorder_id INTEGER,"
    "  status TEXT NOT NULL DEFAULT 'scheduled' CHECK (status IN ('scheduled', 'cancelled')),"
    "  held INTEGER NOT NULL DEFAULT 0,"
    "  rev INTEGER NOT NULL DEFAULT 1,"
    "  code TEXT NOT NULL DEFAULT '',"
    "  minutes TEXT,"
    "  created_by TEXT NOT NULL,"
    "  created_at INTEGER NOT NULL,"
    "  updated_at INTEGER NOT NULL"
    ");"
    "CREATE INDEX meetings_start ON meetings(starts_at);"
    "CREATE INDEX meetings_branch ON meetings(branch_id, starts_at);"
    "CREATE TABLE meeting_attendees ("
    "  meeting_id INTEGER NOT NULL REFERENCES meetings(id),"
    "  member_id INTEGER NOT NULL,"
    "  state TEXT NOT NULL DEFAULT 'invited' CHECK (state IN ('invited', 'present', 'leave')),"
    "  at INTEGER,"
    "  how TEXT NOT NULL DEFAULT ''," /* self | proxy | api */
    "  by_label TEXT,"
    "  reason TEXT,"
    "  PRIMARY KEY (meeting_id, member_id)"
    ");"
    "CREATE INDEX meeting_attendees_member ON meeting_attendees(member_id);",
};
const struct migration_set meetings_migrations = {"meetings", steps, sizeof steps / sizeof *steps};

static struct meetings_config cfg = {30, 30, false, 4, 30};

void meetings_configure(const struct meetings_config *c)
{
    cfg = *c;
}

const struct meetings_config *meetings_settings(void)
{
    return &cfg;
}

static const char sql_insert[] =
    "INSERT INTO meetings(org_id, branch_id, kind, starts_at, place, topic, chair_id, recorder_id,"
    " held, created_by, created_at, updated_at) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?11)";
static const char sql_invite[] =
    "INSERT OR IGNORE INTO meeting_attendees(meeting_id, member_id) VALUES (?1, ?2)";
static const char sql_get[] =
    "SELECT id, org_id, branch_id, kind, starts_at, place, topic, chair_id, recorder_id, status,"
    " held, code <> '', minutes IS NOT NULL, rev FROM meetings WHERE id = ?1";
static const char sql_for_member[] =
    "SELECT m.id, a.state FROM meeting_attendees a JOIN meetings m ON m.id = a.meeting_id"
    " WHERE a.member_id = ?1 AND m.status = 'scheduled' AND"
    " ((?3 = 0 AND m.starts_at >= ?2) OR (?3 = 1 AND m.starts_at < ?2))"
    " ORDER BY CASE WHEN ?3 = 0 THEN m.starts_at ELSE -m.starts_at END LIMIT ?4";
static const char sql_state[] =
    "SELECT state FROM meeting_attendees WHERE meeting_id = ?1 AND member_id = ?2";
static const char sql_set_state[] =
    "UPDATE meeting_attendees SET state = ?3, at = ?4, how = ?5, by_label = ?6, reason = ?7"
    " WHERE meeting_id = ?1 AND member_id = ?2";
static const char sql_code[] = "SELECT code FROM meetings WHERE id = ?1";
static const char sql_set_code[] = "UPDATE meetings SET code = ?2, updated_at = ?3 WHERE id = ?1";
static const char sql_change[] =
    "UPDATE meetings SET starts_at = ?2, place = ?3, rev = rev + 1, updated_at = ?4 WHERE id = ?1";
static const char sql_cancel[] =
    "UPDATE meetings SET status = 'cancelled', updated_at = ?2 WHERE id = ?1";
static const char sql_attendees[] =
    "SELECT member_id, state, coalesce(at, 0), how, coalesce(reason, '') FROM meeting_attendees"
    " WHERE meeting_id = ?1 ORDER BY member_id LIMIT ?2";
static const char sql_set_minutes[] =
    "UPDATE meetings SET minutes = ?2, updated_at = ?3 WHERE id = ?1";
static const char sql_minutes[] = "SELECT minutes FROM meetings WHERE id = ?1";
static const char sql_span[] =
    "SELECT id FROM meetings WHERE branch_id = ?1 AND status = 'scheduled' AND starts_at >= ?2"
    " AND starts_at < ?3 AND starts_at <= ?4 ORDER BY starts_at";
static const char sql_due[] =
    "SELECT id FROM meetings WHERE status = 'scheduled' AND held = 0 AND starts_at > ?1"
    " AND starts_at <= ?1 + 86400 ORDER BY starts_at";
static const char sql_last_held[] =
    "SELECT coalesce(max(starts_at), 0) FROM meetings WHERE branch_id = ?1 AND"
    " status = 'scheduled' AND starts_at <= ?2";
static const char sql_any_present[] =
    "SELECT 1 FROM meeting_attendees WHERE meeting_id = ?1 AND state = 'present' LIMIT 1";
static const char sql_branches_with_meetings[] =
    "SELECT DISTINCT branch_id FROM meetings ORDER BY branch_id";

static void actor_audit(const struct actor *a, const char *action, int64_t id, const char *detail,
                        int64_t now, int *rc)
{
    char target[40];
    snprintf(target, sizeof target, "meeting:%lld", (long long)id);
    if (*rc == ZB_OK)
        *rc = audit_write(a->label, action, target, detail, a->channel, now);
}

int meetings_get(int64_t id, struct meeting *out)
{
    sqlite3_stmt *st = store_stmt(sql_get);
    if (!st)
        return ZB_EDB;
    sqlite3_bind_int64(st, 1, id);
    int rc = sqlite3_step(st);
    if (rc != SQLITE_ROW) {
        sqlite3_reset(st);
        return rc == SQLITE_DONE ? ZB_ENOTFOUND : ZB_EDB;
    }
    memset(out, 0, sizeof *out);
    out->id = sqlite3_column_int64(st, 0);
    out->org_id = sqlite3_column_int64(st, 1);
    out->branch_id = sqlite3_column_int64(st, 2);
    int k = meeting_kind_parse(store_text(st, 3));
    out->kind = k < 0 ? MK_GENERAL : (enum meeting_kind)k;
    out->starts_at = sqlite3_column_int64(st, 4);
    snprintf(out->place, sizeof out->place, "%s", store_text(st, 5));
    snprintf(out->topic, sizeof out->topic, "%s", store_text(st, 6));
    out->chair_id = sqlite3_column_int64(st, 7);
    out->recorder_id = sqlite3_column_int64(st, 8);
    out->status = strcmp(store_text(st, 9), "cancelled") == 0 ? MS_CANCELLED : MS_SCHEDULED;
    out->held = sqlite3_column_int(st, 10) != 0;
    out->has_code = sqlite3_column_int(st, 11) != 0;
    out->has_minutes = sqlite3_column_int(st, 12) != 0;
    out->rev = sqlite3_column_int(st, 13);
    sqlite3_reset(st);
    return ZB_OK;
}

int meetings_member_branch(int64_t member_id, int64_t *branch)
{
    struct member mb;
    struct branch b;
    int rc = member_get(member_id, &mb);
    if (rc)
        return rc;
    *branch = mb.branch_id;
    if (mb.branch_id && branch_get(mb.branch_id, &b) == ZB_OK && b.level == BRANCH_GROUP)
        *branch = b.parent_id;
    return *branch ? ZB_OK : ZB_ENOTFOUND;
}

/* Who is invited: collected with member_each, inserted afterwards. */
struct invite {
    enum meeting_kind kind;
    int64_t group;     /* MK_GROUP: the 党小组 */
    int64_t *ids;      /* collected members */
    size_t n;          /* how many */
    int64_t secretary; /* the first secretary met, for the default chair */
    int64_t organizer; /* the first organizer met, for the default recorder */
    int64_t leader;    /* the group's leader */
};

static int collect(const struct member *m, void *arg)
{
    struct invite *iv = arg;
    if ((m->roles & ROLE_SECRETARY) && !iv->secretary)
        iv->secretary = m->id;
    if ((m->roles & ROLE_ORGANIZER) && !iv->organizer)
        iv->organizer = m->id;
    bool in_group = m->group_id == iv->group || m->branch_id == iv->group;
    if (iv->kind == MK_GROUP && in_group && (m->roles & ROLE_GROUP_LEADER) && !iv->leader)
        iv->leader = m->id;
    bool take = iv->kind == MK_COMMITTEE ? (m->roles & ROLE_ELECTED) != 0
                : iv->kind == MK_GROUP   ? in_group
                                         : true;
    if (take && iv->n < MEETINGS_PEOPLE_MAX)
        iv->ids[iv->n++] = m->id;
    return ZB_OK;
}

/* person - the member called name in branch into *id. */
static int person(const char *name, int64_t branch, int64_t *id)
{
    int64_t ids[2];
    size_t n = 0;
    int rc = member_find_name(name, -1, ids, 2, &n);
    if (rc)
        return rc;
    size_t found = 0;
    for (size_t i = 0; i < n; i++) {
        bool yes = false;
        struct member m;
        if (member_get(ids[i], &m) == ZB_OK && m.branch_id &&
            branch_within(m.branch_id, branch, &yes) == ZB_OK && yes) {
            *id = ids[i];
            found++;
        }
    }
    return found == 1 ? ZB_OK : ZB_ENOTFOUND;
}

/* Template fields of WeChat carry at most 20 characters; the body (text) is never cut. */
#define FIELD_CHARS 20

/*
 * meetings_field_cut - s cut to FIELD_CHARS characters (UTF-8 code points) into out (size outsz),
 * the last one replaced by "…" when it was longer (see meetings.h).
 */
void meetings_field_cut(const char *s, char *out, size_t outsz)
{
    size_t chars = 0, i = 0, cut = 0;
    while (s[i]) {
        size_t len = 1;
        while ((s[i + len] & 0xC0) == 0x80)
            len++;
        if (chars == FIELD_CHARS - 1)
            cut = i;
        chars++;
        i += len;
    }
    if (chars <= FIELD_CHARS)
        snprintf(out, outsz, "%s", s);
    else
        snprintf(out, outsz, "%.*s…", (int)cut, s);
}

/* tell - one notice to every attendee not on leave (kind meeting.notice, urgent). */
static int tell(const struct meeting *m, const char *what, const char *suffix)
{
    char when[64], when_s[32], text[1200], key[NOTIFY_KEY_MAX], place[WHEN_WORD_MAX + 4];
    when_format(m->starts_at, when, sizeof when);
    when_format_short(m->starts_at, when_s, sizeof when_s);
    meetings_field_cut(m->place, place, sizeof place);
    snprintf(text, sizeof text,
             "%s：%s\n时间：%s\n地点：%s%s%s\n回复 4 查看会议，回复 请假 原因 请假。", what,
             meeting_kind_name(m->kind), when, m->place, m->topic[0] ? "\n内容：" : "", m->topic);
    struct notify_fields f = {.title = meeting_kind_name(m->kind),
                              .time = when_s,
                              .place = place,
                              .status = what,
                              .text = text};
    sqlite3_stmt *st = store_stmt(sql_attendees);
    if (!st)
        return ZB_EDB;
    sqlite3_bind_int64(st, 1, m->id);
    sqlite3_bind_int(st, 2, MEETINGS_PEOPLE_MAX);
    int64_t *ids = xcalloc(MEETINGS_PEOPLE_MAX, sizeof *ids);
    size_t n = 0;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        if (strcmp(store_text(st, 1), "leave") != 0)
            ids[n++] = sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    rc = rc == SQLITE_DONE ? ZB_OK : ZB_EDB;
    for (size_t i = 0; rc == ZB_OK && i < n; i++) {
        snprintf(key, sizeof key, "meeting:%lld:r%d:member:%lld:%s", (long long)m->id, m->rev,
                 (long long)ids[i], suffix);
        char link[LINK_URL_MAX];
        meetings_link(m->id, ids[i], m->starts_at, link, sizeof link);
        f.link = link[0] ? link : NULL; /* the member's own /m/ page: details and 签到 */
        rc = notify_send(ids[i], "meeting.notice", NOTIFY_URGENT, key, &f, NULL);
        if (rc == ZB_ENOTFOUND)
            rc = ZB_OK;
    }
    free(ids);
    return rc;
}

int meetings_add(const struct actor *actor, const struct meetings_new *nm, int64_t now,
                 struct meeting *out, int *invited, const char **what)
{
    assert(store_in_tx());
    static const char *unused;
    if (!what)
        what = &unused;
    *what = NULL;
    struct invite iv = {.kind = nm->kind};
    int rc = ZB_OK;
    const char *refusal = NULL;
    if (!nm->place || !*nm->place || (unsigned)nm->kind >= MK_COUNT)
        return ZB_EINVAL;
    if (strlen(nm->place) > WHEN_WORD_MAX || (nm->topic && strlen(nm->topic) > WHEN_TOPIC_MAX))
        return ZB_ETOOBIG;
    if (!nm->held && nm->starts_at <= now)
        return ZB_EINVAL;
    if (nm->held && nm->starts_at > now)
        return ZB_EINVAL;
    int64_t org = nm->org_id, branch = 0;
    struct branch b;
    if (!org && actor_is_member(actor) && (rc = meetings_member_branch(actor->member_id, &org)))
        return rc;
    if (!org || branch_get(org, &b) != ZB_OK)
        return ZB_ENOTFOUND;
    branch = b.level == BRANCH_GROUP ? b.parent_id : org;
    if (nm->kind == MK_GROUP) {
        if (b.level != BRANCH_GROUP) {
            if (nm->group && *nm->group) {
                char path[BRANCH_PATH_MAX + 1], err[BRANCH_ERR_MAX];
                if ((rc = branch_path(branch, path, sizeof path)))
                    return rc;
                size_t l = strlen(path);
                snprintf(path + l, sizeof path - l, "/%s", nm->group);
                if (branch_resolve(path, &org, err, sizeof err) != ZB_OK) {
                    *what = "group";
                    return ZB_ENOTFOUND;
                }
            } else if (actor_is_member(actor)) {
                struct member me;
                if ((rc = member_get(actor->member_id, &me)))
                    return rc;
                org = me.group_id;
                if (!org) {
                    *what = "group";
                    return ZB_ENOTFOUND;
                }
            } else {
                *what = "group";
                return ZB_ENOTFOUND;
            }
        }
        iv.group = org;
    } else {
        org = branch;
    }
    if ((rc = role_can(actor, &meetings_schedule, org, &refusal)))
        return rc;
    /* a group leader schedules only their own group's meetings */
    if (actor_is_member(actor) && nm->kind != MK_GROUP) {
        struct member me;
        if ((rc = member_get(actor->member_id, &me)))
            return rc;
        if (!(me.roles & (LEADS)))
            return ZB_EDENIED;
    }
    iv.ids = xcalloc(MEETINGS_PEOPLE_MAX, sizeof *iv.ids);
    if ((rc = member_each(branch, collect, &iv)))
        goto done;
    int64_t chair = nm->kind == MK_GROUP && iv.leader ? iv.leader : iv.secretary;
    int64_t recorder = iv.organizer ? iv.organizer : actor->member_id;
    if (nm->chair && *nm->chair && person(nm->chair, branch, &chair)) {
        *what = "chair";
        rc = ZB_ENOTFOUND;
        goto done;
    }
    if (nm->recorder && *nm->recorder && person(nm->recorder, branch, &recorder)) {
        *what = "recorder";
        rc = ZB_ENOTFOUND;
        goto done;
    }
    sqlite3_stmt *st = store_stmt(sql_insert);
    if (!st) {
        rc = ZB_EDB;
        goto done;
    }
    sqlite3_bind_int64(st, 1, org);
    sqlite3_bind_int64(st, 2, branch);
    sqlite3_bind_text(st, 3, meeting_kind_id(nm->kind), -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 4, nm->starts_at);
    sqlite3_bind_text(st, 5, nm->place, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 6, nm->topic ? nm->topic : "", -1, SQLITE_TRANSIENT);
    if (chair)
        sqlite3_bind_int64(st, 7, chair);
    if (recorder)
        sqlite3_bind_int64(st, 8, recorder);
    sqlite3_bind_int(st, 9, nm->held);
    sqlite3_bind_text(st, 10, actor->label, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 11, now);
    if ((rc = store_exec_done(st)))
        goto done;
    int64_t id = sqlite3_last_insert_rowid(store_db());
    for (size_t i = 0; i < iv.n; i++) {
        if (!(st = store_stmt(sql_invite))) {
            rc = ZB_EDB;
            goto done;
        }
        sqlite3_bind_int64(st, 1, id);
        sqlite3_bind_int64(st, 2, iv.ids[i]);
        if ((rc = store_exec_done(st)))
            goto done;
    }
    if ((rc = meetings_get(id, out)))
        goto done;
    if (!nm->held && !nm->silent)
        rc = tell(out, "会议通知", "notice");
    char detail[400];
    snprintf(detail, sizeof detail, "%s %s %s", meeting_kind_name(nm->kind), out->place,
             nm->held ? "（补录）" : "");
    actor_audit(actor, "meeting.add", id, detail, now, &rc);
    if (invited)
        *invited = (int)iv.n;
done:
    free(iv.ids);
    return rc;
}

/* editable - meeting id, which actor may change. */
static int editable(const struct actor *actor, const struct role_action *act, int64_t id,
                    struct meeting *m)
{
    const char *refusal = NULL;
    int rc = meetings_get(id, m);
    if (rc)
        return rc;
    return role_can(actor, act, m->org_id, &refusal);
}

/*
 * took_place - whether meeting m is on the record as held: it has started and someone checked in,
 * or its minutes are stored. Such a meeting is part of the ledger (台账) and may be neither moved
 * nor cancelled. *out is set; ZB_EDB when the lookup fails.
 */
static int took_place(const struct meeting *m, int64_t now, bool *out)
{
    *out = m->has_minutes;
    if (*out || m->starts_at > now)
        return ZB_OK;
    sqlite3_stmt *st = store_stmt(sql_any_present);
    if (!st)
        return ZB_EDB;
    sqlite3_bind_int64(st, 1, m->id);
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return ZB_EDB;
    *out = rc == SQLITE_ROW;
    return ZB_OK;
}

int meetings_held(int64_t id, int64_t now, bool *held)
{
    struct meeting m;
    int rc = meetings_get(id, &m);
    if (rc)
        return rc;
    return took_place(&m, now, held);
}

int meetings_change(const struct actor *actor, int64_t id, int64_t starts_at, const char *place,
                    int64_t now)
{
    assert(store_in_tx());
    struct meeting m;
    int rc = editable(actor, &meetings_schedule, id, &m);
    if (rc)
        return rc;
    if (m.status == MS_CANCELLED)
        return ZB_EDONE;
    bool held = false;
    if ((rc = took_place(&m, now, &held)))
        return rc;
    if (held || (starts_at && starts_at <= now) ||
        (place && (!*place || strlen(place) > WHEN_WORD_MAX)))
        return ZB_EINVAL;
    sqlite3_stmt *st = store_stmt(sql_change);
    if (!st)
        return ZB_EDB;
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_int64(st, 2, starts_at ? starts_at : m.starts_at);
    sqlite3_bind_text(st, 3, place ? place : m.place, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 4, now);
    if ((rc = store_exec_done(st)) || (rc = meetings_get(id, &m)))
        return rc;
    rc = tell(&m, "会议变更", "change");
    actor_audit(actor, "meeting.change", id, m.place, now, &rc);
    return rc;
}

int meetings_cancel(const struct actor *actor, int64_t id, int64_t now)
{
    assert(store_in_tx());
    struct meeting m;
    int rc = editable(actor, &meetings_schedule, id, &m);
    if (rc)
        return rc;
    if (m.status == MS_CANCELLED)
        return ZB_EDONE;
    bool held = false;
    if ((rc = took_place(&m, now, &held)))
        return rc;
    if (held)
        return ZB_EINVAL;
    sqlite3_stmt *st = store_stmt(sql_cancel);
    if (!st)
        return ZB_EDB;
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_int64(st, 2, now);
    if ((rc = store_exec_done(st)))
        return rc;
    if (m.starts_at > now)
        rc = tell(&m, "会议取消", "cancel");
    actor_audit(actor, "meeting.cancel", id, meeting_kind_name(m.kind), now, &rc);
    return rc;
}

int meetings_set_code(const struct actor *actor, int64_t id, char *code, size_t codesz, int64_t now)
{
    assert(store_in_tx());
    struct meeting m;
    int rc = editable(actor, &meetings_schedule, id, &m);
    if (rc)
        return rc;
    if (m.status == MS_CANCELLED)
        return ZB_EDONE;
    if (codesz <= MEETINGS_CODE_LEN)
        return ZB_ETOOBIG;
    snprintf(code, codesz, "%04u", (unsigned)(rand_u64() % 10000));
    sqlite3_stmt *st = store_stmt(sql_set_code);
    if (!st)
        return ZB_EDB;
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_text(st, 2, code, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 3, now);
    rc = store_exec_done(st);
    actor_audit(actor, "meeting.code", id, NULL, now, &rc); /* never the code itself */
    return rc;
}

static enum attend_state state_parse(const char *s)
{
    return strcmp(s, "present") == 0 ? AS_PRESENT : strcmp(s, "leave") == 0 ? AS_LEAVE : AS_INVITED;
}

int meetings_for_member(int64_t member_id, int64_t now, bool past, struct meetings_row *rows,
                        size_t max, size_t *n)
{
    *n = 0;
    int64_t ids[MEETINGS_LIST_MAX];
    enum attend_state states[MEETINGS_LIST_MAX];
    size_t k = 0;
    if (max > MEETINGS_LIST_MAX)
        max = MEETINGS_LIST_MAX;
    sqlite3_stmt *st = store_stmt(sql_for_member);
    if (!st)
        return ZB_EDB;
    sqlite3_bind_int64(st, 1, member_id);
    sqlite3_bind_int64(st, 2, now - (int64_t)cfg.checkin_after_min * 60);
    sqlite3_bind_int(st, 3, past);
    sqlite3_bind_int64(st, 4, (sqlite3_int64)max);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW && k < max) {
        ids[k] = sqlite3_column_int64(st, 0);
        states[k++] = state_parse(store_text(st, 1));
    }
    sqlite3_reset(st);
    if (rc != SQLITE_DONE && rc != SQLITE_ROW)
        return ZB_EDB;
    for (size_t i = 0; i < k; i++) {
        if ((rc = meetings_get(ids[i], &rows[*n].m)))
            return rc;
        rows[(*n)++].state = states[i];
    }
    return ZB_OK;
}

static int state_of(int64_t id, int64_t member, enum attend_state *s)
{
    sqlite3_stmt *st = store_stmt(sql_state);
    if (!st)
        return ZB_EDB;
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_int64(st, 2, member);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        *s = state_parse(store_text(st, 0));
    sqlite3_reset(st);
    return rc == SQLITE_ROW ? ZB_OK : rc == SQLITE_DONE ? ZB_ENOTFOUND : ZB_EDB;
}

static int set_state(int64_t id, int64_t member, enum attend_state s, int64_t now, const char *how,
                     const char *by, const char *reason)
{
    sqlite3_stmt *st = store_stmt(sql_set_state);
    if (!st)
        return ZB_EDB;
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_int64(st, 2, member);
    sqlite3_bind_text(st, 3,
                      s == AS_PRESENT ? "present"
                      : s == AS_LEAVE ? "leave"
                                      : "invited",
                      -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 4, now);
    sqlite3_bind_text(st, 5, how, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 6, by, -1, SQLITE_TRANSIENT);
    if (reason)
        sqlite3_bind_text(st, 7, reason, -1, SQLITE_TRANSIENT);
    return store_exec_done(st);
}

/* open_now - the member's meeting whose check-in window holds now. */
static int open_now(int64_t member, int64_t now, int64_t *id)
{
    struct meetings_row rows[8];
    size_t n = 0;
    int rc = meetings_for_member(member, now, false, rows, 8, &n);
    for (size_t i = 0; rc == ZB_OK && i < n; i++)
        if (now >= rows[i].m.starts_at - (int64_t)cfg.checkin_before_min * 60 &&
            now <= rows[i].m.starts_at + (int64_t)cfg.checkin_after_min * 60) {
            *id = rows[i].m.id;
            return ZB_OK;
        }
    return rc ? rc : ZB_ENOTFOUND;
}

static int checkin(int64_t member, int64_t id, const char *code, bool check_code, const char *how,
                   const char *by, int64_t now, struct meeting *out)
{
    struct meeting m;
    enum attend_state s;
    int rc;
    if (!id && (rc = open_now(member, now, &id)))
        return rc;
    if ((rc = meetings_get(id, &m)) || (rc = state_of(id, member, &s)))
        return rc;
    if (out)
        *out = m;
    if (m.status == MS_CANCELLED)
        return ZB_ENOTFOUND;
    bool recording = m.held && !check_code; /* a meeting recorded after the fact, by proxy */
    if (!recording && (now < m.starts_at - (int64_t)cfg.checkin_before_min * 60 ||
                       now > m.starts_at + (int64_t)cfg.checkin_after_min * 60))
        return ZB_ESTALE;
    if (s == AS_PRESENT)
        return ZB_EDONE;
    if (check_code && m.has_code) {
        sqlite3_stmt *st = store_stmt(sql_code);
        if (!st)
            return ZB_EDB;
        sqlite3_bind_int64(st, 1, id);
        bool ok = sqlite3_step(st) == SQLITE_ROW && code && ct_streq(store_text(st, 0), code);
        sqlite3_reset(st);
        if (!ok)
            return ZB_ESIG;
    }
    return set_state(id, member, AS_PRESENT, recording ? m.starts_at : now, how, by, NULL);
}

int meetings_checkin(int64_t member_id, int64_t id, const char *code, const char *how, int64_t now,
                     struct meeting *out)
{
    assert(store_in_tx());
    char by[40];
    snprintf(by, sizeof by, "member:%lld", (long long)member_id);
    return checkin(member_id, id, code, true, how ? how : "self", by, now, out);
}

static int leave(int64_t member, int64_t id, const char *reason, const char *how, const char *by,
                 int64_t now, struct meeting *out)
{
    struct meeting m;
    enum attend_state s;
    int rc;
    if (!reason || !*reason)
        return ZB_EINVAL;
    if (strlen(reason) > MEETINGS_REASON_MAX)
        return ZB_ETOOBIG;
    if (!id) {
        struct meetings_row r;
        size_t n = 0;
        if ((rc = meetings_for_member(member, now, false, &r, 1, &n)))
            return rc;
        if (!n)
            return ZB_ENOTFOUND;
        id = r.m.id;
    }
    if ((rc = meetings_get(id, &m)) || (rc = state_of(id, member, &s)))
        return rc;
    if (out)
        *out = m;
    if (m.status == MS_CANCELLED)
        return ZB_ENOTFOUND;
    if (now >= m.starts_at && !(m.held && strcmp(how, "proxy") == 0))
        return ZB_ESTALE;
    if (s == AS_PRESENT)
        return ZB_EDONE;
    return set_state(id, member, AS_LEAVE, now, how, by, reason);
}

int meetings_leave(int64_t member_id, int64_t id, const char *reason, int64_t now,
                   struct meeting *out)
{
    assert(store_in_tx());
    char by[40];
    snprintf(by, sizeof by, "member:%lld", (long long)member_id);
    return leave(member_id, id, reason, "self", by, now, out);
}

int meetings_proxy(const struct actor *actor, int64_t id, const char *member_name,
                   const char *reason, int64_t now, int64_t *who)
{
    assert(store_in_tx());
    int64_t branch = 0, member = 0;
    const char *refusal = NULL;
    struct member target;
    int rc;
    if (actor_is_member(actor)) {
        if ((rc = meetings_member_branch(actor->member_id, &branch)))
            return rc;
    } else if (!id) {
        return ZB_EINVAL;
    }
    if (id) {
        struct meeting m;
        if ((rc = meetings_get(id, &m)))
            return rc;
        branch = m.branch_id;
    }
    if ((rc = person(member_name, branch, &member)) || (rc = member_get(member, &target)))
        return rc;
    /* a group leader acts on their own group; role_can checks the target's organisation */
    if ((rc = role_can(actor, &meetings_proxy_act,
                       target.group_id ? target.group_id : target.branch_id, &refusal)))
        return rc;
    if (!id && actor_is_member(actor) && (rc = open_now(actor->member_id, now, &id)) &&
        (rc = open_now(member, now, &id)))
        return rc;
    rc = reason ? leave(member, id, reason, "proxy", actor->label, now, NULL)
                : checkin(member, id, NULL, false, "proxy", actor->label, now, NULL);
    *who = member;
    char detail[120];
    snprintf(detail, sizeof detail, "%s %s", reason ? "代请假" : "代签到", target.name);
    actor_audit(actor, "meeting.proxy", id, detail, now, &rc);
    return rc;
}

void meetings_sheet_quorum(struct meetings_sheet *s)
{
    s->has_quorum = s->m.kind == MK_GENERAL || s->m.kind == MK_COMMITTEE;
    s->quorum_due = s->quorum_present = 0;
    s->present = s->leave = s->absent = s->exempt = 0;
    for (size_t i = 0; i < s->n; i++) {
        const struct meetings_person *p = &s->people[i];
        if (p->state == AS_PRESENT)
            s->present++;
        else if (p->state == AS_LEAVE)
            s->leave++;
        else if (p->exempt)
            s->exempt++;
        else
            s->absent++;
        bool counts = s->m.kind == MK_COMMITTEE ? p->committee : !p->probationary && !p->exempt;
        if (s->m.kind == MK_COMMITTEE)
            counts = p->committee;
        if (!counts ||
            (p->state == AS_LEAVE && cfg.quorum_leave_shrinks && s->m.kind == MK_GENERAL))
            continue;
        s->quorum_due++;
        if (p->state == AS_PRESENT)
            s->quorum_present++;
    }
    if (s->m.kind == MK_GENERAL)
        s->quorum_met = s->quorum_present * 2 > s->quorum_due;
    else if (s->m.kind == MK_COMMITTEE)
        s->quorum_met = s->quorum_due > 0 && s->quorum_present * 2 >= s->quorum_due;
    else
        s->quorum_met = true;
}

static int sheet(int64_t id, struct meetings_sheet *out)
{
    memset(out, 0, sizeof *out);
    int rc = meetings_get(id, &out->m);
    if (rc)
        return rc;
    out->people = xcalloc(MEETINGS_PEOPLE_MAX, sizeof *out->people);
    sqlite3_stmt *st = store_stmt(sql_attendees);
    if (!st)
        return ZB_EDB;
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_int(st, 2, MEETINGS_PEOPLE_MAX);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        struct meetings_person *p = &out->people[out->n++];
        p->member_id = sqlite3_column_int64(st, 0);
        p->state = state_parse(store_text(st, 1));
        p->at = sqlite3_column_int64(st, 2);
        snprintf(p->how, sizeof p->how, "%s", store_text(st, 3));
        snprintf(p->reason, sizeof p->reason, "%s", store_text(st, 4));
    }
    sqlite3_reset(st);
    if (rc != SQLITE_DONE)
        return ZB_EDB;
    for (size_t i = 0; i < out->n; i++) {
        struct member mb;
        struct meetings_person *p = &out->people[i];
        if (member_get(p->member_id, &mb) != ZB_OK) {
            snprintf(p->name, sizeof p->name, "#%lld", (long long)p->member_id);
            continue;
        }
        snprintf(p->name, sizeof p->name, "%s", mb.name);
        p->exempt = mb.stats_exempt;
        p->probationary = mb.status == STATUS_PROBATIONARY;
        p->committee = (mb.roles & ROLE_ELECTED) != 0;
    }
    meetings_sheet_quorum(out);
    return ZB_OK;
}

int meetings_attendance(const struct actor *actor, int64_t id, struct meetings_sheet *out)
{
    struct meeting m;
    memset(out, 0, sizeof *out);
    int rc = editable(actor, &meetings_records, id, &m);
    if (rc)
        return rc;
    rc = sheet(id, out);
    if (rc) {
        free(out->people);
        out->people = NULL;
    }
    return rc;
}

static const char *member_name(int64_t id, char *buf, size_t sz)
{
    struct member m;
    snprintf(buf, sz, "%s", id && member_get(id, &m) == ZB_OK ? m.name : "（未定）");
    return buf;
}

/* blank - only spaces, tabs, line breaks and U+3000 (full-width spaces). */
static bool blank(const char *s)
{
    while (*s) {
        if (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
            s++;
        else if (strncmp(s, "\xe3\x80\x80", 3) == 0)
            s += 3;
        else
            return false;
    }
    return true;
}

int meetings_minutes(const struct actor *actor, int64_t id, const char *text, int64_t now)
{
    assert(store_in_tx());
    struct meetings_sheet s = {0};
    struct buf b;
    buf_init(&b, MEETINGS_MINUTES_MAX + 16 * 1024);
    int rc = ZB_OK;
    if (!text || !*text || blank(text))
        return ZB_EINVAL;
    if (strlen(text) > MEETINGS_MINUTES_MAX)
        return ZB_ETOOBIG;
    if ((rc = meetings_attendance(actor, id, &s)))
        goto done;
    char when[64], chair[80], rec[80];
    when_format(s.m.starts_at, when, sizeof when);
    rc = buf_appendf(&b,
                     "%s\n时间：%s\n地点：%s\n主持人：%s\n记录人：%s\n应到 %zu 人，实到 %d "
                     "人，请假 %d 人，缺席 %d 人\n",
                     meeting_kind_name(s.m.kind), when, s.m.place,
                     member_name(s.m.chair_id, chair, sizeof chair),
                     member_name(s.m.recorder_id, rec, sizeof rec), s.n - (size_t)s.exempt,
                     s.present, s.leave, s.absent);
    for (int pass = 0; rc == ZB_OK && pass < 3; pass++) {
        static const char *const heads[3] = {"出席：", "请假：", "缺席："};
        rc = buf_appendf(&b, "%s", heads[pass]);
        int k = 0;
        for (size_t i = 0; rc == ZB_OK && i < s.n; i++) {
            const struct meetings_person *p = &s.people[i];
            bool in = pass == 0   ? p->state == AS_PRESENT
                      : pass == 1 ? p->state == AS_LEAVE
                                  : p->state == AS_INVITED && !p->exempt;
            if (!in)
                continue;
            rc = buf_appendf(&b, "%s%s%s%s%s", k++ ? "、" : "", p->name, pass == 1 ? "（" : "",
                             pass == 1 ? p->reason : "", pass == 1 ? "）" : "");
        }
        if (rc == ZB_OK)
            rc = buf_appendf(&b, "%s\n", k ? "" : "无");
    }
    if (rc == ZB_OK)
        rc = buf_appendf(&b, "\n%s\n", text);
    if (rc)
        goto done;
    sqlite3_stmt *st = store_stmt(sql_set_minutes);
    if (!st) {
        rc = ZB_EDB;
        goto done;
    }
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_text(st, 2, b.data, (int)b.len, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 3, now);
    rc = store_exec_done(st);
    actor_audit(actor, "meeting.minutes", id, NULL, now, &rc);
done:
    free(s.people);
    buf_free(&b);
    return rc;
}

int meetings_minutes_get(const struct actor *actor, int64_t id, char **out)
{
    struct meeting m;
    *out = NULL;
    int rc = editable(actor, &meetings_records, id, &m);
    if (rc)
        return rc;
    sqlite3_stmt *st = store_stmt(sql_minutes);
    if (!st)
        return ZB_EDB;
    sqlite3_bind_int64(st, 1, id);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL)
        *out = xstrdup(store_text(st, 0));
    sqlite3_reset(st);
    return rc == SQLITE_ROW ? (*out ? ZB_OK : ZB_ENOTFOUND) : ZB_EDB;
}

int meetings_quarter_parse(const char *s, int *year, int *q)
{
    int y = 0, n = 0;
    for (; n < 4 && s[n] >= '0' && s[n] <= '9'; n++)
        y = y * 10 + (s[n] - '0');
    if (n != 4 || (s[4] != 'Q' && s[4] != 'q') || s[5] < '1' || s[5] > '4' || s[6] || y < 1970)
        return ZB_EINVAL;
    *year = y;
    *q = s[5] - '0';
    return ZB_OK;
}

/* span - ids of meetings of branch held in [from, to) and not after now. */
static int span(int64_t branch, int64_t from, int64_t to, int64_t now, int64_t *ids, size_t max,
                size_t *n)
{
    sqlite3_stmt *st = store_stmt(sql_span);
    if (!st)
        return ZB_EDB;
    sqlite3_bind_int64(st, 1, branch);
    sqlite3_bind_int64(st, 2, from);
    sqlite3_bind_int64(st, 3, to);
    sqlite3_bind_int64(st, 4, now);
    int rc;
    *n = 0;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW && *n < max)
        ids[(*n)++] = sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    return rc == SQLITE_DONE || rc == SQLITE_ROW ? ZB_OK : ZB_EDB;
}

/* row_for - the report row of kind (and org for groups), added when missing. */
static struct meetings_report_row *row_for(struct meetings_report_row *rows, size_t max, size_t *n,
                                           enum meeting_kind k, const char *group)
{
    for (size_t i = 0; i < *n; i++)
        if (rows[i].kind == k && strcmp(rows[i].group, group) == 0)
            return &rows[i];
    if (*n >= max)
        return NULL;
    struct meetings_report_row *r = &rows[(*n)++];
    memset(r, 0, sizeof *r);
    r->kind = k;
    snprintf(r->group, sizeof r->group, "%s", group);
    return r;
}

static void add_date(struct meetings_report_row *r, int64_t t)
{
    time_t tt = (time_t)t;
    struct tm tm;
    size_t l = strlen(r->dates);
    if (localtime_r(&tt, &tm) && l + 24 < sizeof r->dates)
        snprintf(r->dates + l, sizeof r->dates - l, "%s%d月%d日", l ? "、" : "", tm.tm_mon + 1,
                 tm.tm_mday);
}

int meetings_report(const struct actor *actor, int64_t branch, int year, int q, int64_t now,
                    struct meetings_report_row *rows, size_t max, size_t *n, bool *quiet)
{
    const char *refusal = NULL;
    struct branch br;
    *n = 0;
    int rc = role_can(actor, &meetings_records, branch, &refusal);
    if (rc)
        return rc;
    if (q < 1 || q > 4 || (rc = branch_get(branch, &br)))
        return rc ? rc : ZB_EINVAL;
    int64_t qfrom = (int64_t)0, qto = 0, yfrom = 0;
    {
        struct tm a = {.tm_year = year - 1900, .tm_mon = (q - 1) * 3, .tm_mday = 1, .tm_isdst = -1};
        struct tm b = {.tm_year = year - 1900, .tm_mon = q * 3, .tm_mday = 1, .tm_isdst = -1};
        struct tm c = {.tm_year = year - 1900, .tm_mon = 0, .tm_mday = 1, .tm_isdst = -1};
        qfrom = (int64_t)mktime(&a);
        qto = (int64_t)mktime(&b);
        yfrom = (int64_t)mktime(&c);
    }
    bool lesson_yearly = cfg.lessons_per_year < 4;
    static const enum meeting_kind order[] = {MK_GENERAL, MK_COMMITTEE, MK_THEME_DAY, MK_LESSON,
                                              MK_LIFE};
    for (size_t i = 0; i < sizeof order / sizeof *order; i++)
        (void)row_for(rows, max, n, order[i], "");
    /* every group of the branch gets its row, held or not */
    struct branch *all = NULL;
    size_t nall = 0;
    if ((rc = branch_all(&all, &nall)))
        return rc;
    for (size_t i = 0; i < nall; i++)
        if (all[i].parent_id == branch && all[i].level == BRANCH_GROUP)
            (void)row_for(rows, max, n, MK_GROUP, all[i].name);
    free(all);
    int64_t ids[400];
    size_t k = 0;
    if ((rc = span(branch, yfrom, qto, now, ids, 400, &k)))
        return rc;
    for (size_t i = 0; i < k; i++) {
        struct meeting m;
        struct branch g;
        if ((rc = meetings_get(ids[i], &m)))
            return rc;
        bool yearly = m.kind == MK_LIFE || (m.kind == MK_LESSON && lesson_yearly);
        if (!yearly && m.starts_at < qfrom)
            continue;
        const char *gname = "";
        if (m.kind == MK_GROUP && branch_get(m.org_id, &g) == ZB_OK)
            gname = g.name;
        struct meetings_report_row *r =
            row_for(rows, max, n, m.kind, m.kind == MK_GROUP ? gname : "");
        if (!r)
            continue;
        r->held++;
        add_date(r, m.starts_at);
    }
    for (size_t i = 0; i < *n; i++) {
        struct meetings_report_row *r = &rows[i];
        switch (r->kind) {
        case MK_GENERAL:
            r->required = 1;
            break;
        case MK_COMMITTEE:
        case MK_GROUP:
        case MK_THEME_DAY:
            r->required = 3;
            break;
        case MK_LIFE:
            r->yearly = true;
            r->required = q == 4 ? 1 : 0;
            break;
        case MK_LESSON:
            r->yearly = lesson_yearly;
            r->required = lesson_yearly ? (q == 4 ? cfg.lessons_per_year : 0)
                                        : (cfg.lessons_per_year + 3) / 4;
            break;
        default:
            break;
        }
        r->short_of = r->held < r->required;
    }
    if (quiet) {
        sqlite3_stmt *st = store_stmt(sql_last_held);
        if (!st)
            return ZB_EDB;
        sqlite3_bind_int64(st, 1, branch);
        sqlite3_bind_int64(st, 2, now);
        int64_t last = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
        sqlite3_reset(st);
        *quiet = now - last > (int64_t)cfg.quiet_days * 86400;
    }
    return ZB_OK;
}

int meetings_remind(int64_t now, int *sent)
{
    assert(store_in_tx());
    int64_t ids[500];
    size_t k = 0;
    int count = 0, rc;
    sqlite3_stmt *st = store_stmt(sql_due);
    if (!st)
        return ZB_EDB;
    sqlite3_bind_int64(st, 1, now);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW && k < 500)
        ids[k++] = sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    if (rc != SQLITE_DONE && rc != SQLITE_ROW)
        return ZB_EDB;
    rc = ZB_OK;
    for (size_t i = 0; rc == ZB_OK && i < k; i++) {
        struct meetings_sheet s;
        if ((rc = sheet(ids[i], &s))) {
            free(s.people);
            break;
        }
        bool hour = s.m.starts_at - now <= 3600;
        char when[64], when_s[32], text[1200], key[NOTIFY_KEY_MAX], place[WHEN_WORD_MAX + 4];
        when_format(s.m.starts_at, when, sizeof when);
        when_format_short(s.m.starts_at, when_s, sizeof when_s);
        meetings_field_cut(s.m.place, place, sizeof place);
        snprintf(text, sizeof text, "%s提醒：%s\n时间：%s\n地点：%s\n%s",
                 hour ? "会议即将开始" : "明日会议", meeting_kind_name(s.m.kind), when, s.m.place,
                 hour ? "到场后回复 签到。" : "不能参加请回复 请假 原因。");
        struct notify_fields f = {.title = meeting_kind_name(s.m.kind),
                                  .time = when_s,
                                  .place = place,
                                  .status = hour ? "即将开始" : "待参加",
                                  .text = text};
        for (size_t j = 0; rc == ZB_OK && j < s.n; j++) {
            if (s.people[j].state != AS_INVITED)
                continue;
            struct notify_result res;
            snprintf(key, sizeof key, "meeting:%lld:r%d:member:%lld:%s", (long long)s.m.id, s.m.rev,
                     (long long)s.people[j].member_id, hour ? "1h" : "24h");
            char link[LINK_URL_MAX];
            meetings_link(s.m.id, s.people[j].member_id, s.m.starts_at, link, sizeof link);
            f.link = link[0] ? link : NULL;
            rc = notify_send(s.people[j].member_id, "meeting.reminder",
                             hour ? NOTIFY_URGENT : NOTIFY_ROUTINE, key, &f, &res);
            if (rc == ZB_ENOTFOUND)
                rc = ZB_OK;
            else if (rc == ZB_OK && res.outcome != NOTIFY_DUPLICATE)
                count++;
        }
        free(s.people);
    }
    if (sent)
        *sent = count;
    return rc;
}

int meetings_quiet(int64_t now, int *flagged)
{
    assert(store_in_tx());
    int64_t br[200];
    size_t k = 0;
    int count = 0, rc;
    sqlite3_stmt *st = store_stmt(sql_branches_with_meetings);
    if (!st)
        return ZB_EDB;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW && k < 200)
        br[k++] = sqlite3_column_int64(st, 0);
    sqlite3_reset(st);
    rc = ZB_OK;
    for (size_t i = 0; rc == ZB_OK && i < k; i++) {
        struct invite iv = {.kind = MK_LIFE, .ids = xcalloc(MEETINGS_PEOPLE_MAX, sizeof(int64_t))};
        if (!(st = store_stmt(sql_last_held))) {
            free(iv.ids);
            return ZB_EDB;
        }
        sqlite3_bind_int64(st, 1, br[i]);
        sqlite3_bind_int64(st, 2, now);
        int64_t last = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
        sqlite3_reset(st);
        if (now - last > (int64_t)cfg.quiet_days * 86400 &&
            (rc = member_each(br[i], collect, &iv)) == ZB_OK && iv.secretary) {
            char key[NOTIFY_KEY_MAX], text[300];
            snprintf(key, sizeof key, "meeting:quiet:%lld:%lld", (long long)br[i], (long long)last);
            snprintf(text, sizeof text,
                     "支部已有 %d 天以上没有开会。请安排三会一课，发送“会议 时间 类型 地点 内容”。",
                     cfg.quiet_days);
            struct notify_fields f = {.title = "组织生活提醒", .status = "待安排", .text = text};
            struct notify_result res;
            rc = notify_send(iv.secretary, "meeting.quiet", NOTIFY_ROUTINE, key, &f, &res);
            if (rc == ZB_OK && res.outcome != NOTIFY_DUPLICATE)
                count++;
        }
        free(iv.ids);
    }
    if (flagged)
        *flagged = count;
    return rc;
}
