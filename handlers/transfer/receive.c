/* receive.c - a member transferred in from outside zhibu (see transfer.h, transfer_receive):
 * the sender as an external node, the member created or restored, a done transfer with the
 * letter's details. */
#include <assert.h>
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "bot/org/branch.h"
#include "bot/org/member.h"
#include "bot/org/role.h"
#include "bot/store/store.h"
#include "handlers/dues/dues.h"
#include "handlers/transfer/internal.h"
#include "handlers/transfer/transfer.h"

static const char sql_t_received[] =
    "INSERT INTO transfers(member_id, from_org, to_org, status, reason, letter_no, "
    "dues_paid_through, validity_days, issued_at, created_at, received_at, created_by) "
    "VALUES(?1, ?2, ?3, 'done', '系统外转入', ?4, ?5, 0, ?6, ?7, ?7, ?8)";
static const char sql_s_received[] =
    "INSERT INTO transfer_steps(transfer_id, seq, org_id, state, opened_at, decided_at, "
    "decided_by) VALUES(?1, 1, ?2, 'approved', ?3, ?3, ?4)";

int transfer_letter_date(const char *s, int64_t *t)
{
    char iso[16];
    struct tm tm = {0};
    if (member_parse_date(s, iso, sizeof iso))
        return ZB_EINVAL;
    if (sscanf(iso, "%d-%d-%d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday) != 3)
        return ZB_EINVAL;
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    tm.tm_hour = 12;
    tm.tm_isdst = -1;
    time_t v = mktime(&tm);
    if (v == (time_t)-1)
        return ZB_EINVAL;
    *t = (int64_t)v;
    return ZB_OK;
}

static int bad_incoming(struct transfer_why *why, const char *field, const char *text)
{
    why->reason = TR_BAD_INCOMING;
    why->field = field;
    snprintf(why->detail, sizeof why->detail, "%s", text);
    return ZB_EINVAL;
}

/* sender_of - the external node named from, added when missing. */
static int sender_of(const char *from, int64_t now, int64_t *org, struct transfer_why *why)
{
    struct branch b;
    int rc = branch_resolve(from, org, why->detail, sizeof why->detail);
    if (rc == ZB_ENOTFOUND) {
        int created = 0;
        rc = branch_add(from, now, org, &created, why->detail, sizeof why->detail);
        /* every node the path made is outside zhibu: the leaf and the new ones above it */
        int64_t node = *org;
        for (int i = 0; !rc && i < created && node; i++) {
            struct branch nb;
            if (!(rc = branch_set_kind(node, BRANCH_KIND_PARTY, true)) &&
                !(rc = branch_get(node, &nb)))
                node = nb.parent_id;
        }
        if (!rc)
            return ZB_OK;
    }
    if (rc == ZB_EINVAL || rc == ZB_ETOOBIG) {
        why->reason = TR_BAD_FROM;
        why->field = "from";
        return ZB_EINVAL;
    }
    if (!rc)
        rc = branch_get(*org, &b);
    if (!rc && !b.external) {
        snprintf(why->detail, sizeof why->detail, "%s 在本系统内，请用发起转接", b.name);
        why->reason = TR_BAD_FROM;
        why->field = "from";
        return ZB_EINVAL;
    }
    return rc;
}

int transfer_receive(const struct actor *a, const struct transfer_incoming *in, int64_t now,
                     int64_t *id, int64_t *member, struct transfer_why *why)
{
    assert(store_in_tx());
    memset(why, 0, sizeof *why);
    *id = *member = 0;
    int64_t to = 0, from = 0;
    struct branch tb;
    if (!in->name || !in->name[0] || strlen(in->name) > MEMBER_NAME_MAX)
        return bad_incoming(why, "name", "请写姓名（不超过 20 个字）");
    if (!in->letter || !in->letter[0] || strlen(in->letter) > TRANSFER_LETTER_MAX)
        return bad_incoming(why, "letter", "请写介绍信编号（不超过 32 个字母或数字）");
    int rc = branch_resolve(in->to ? in->to : "", &to, why->detail, sizeof why->detail);
    if (rc == ZB_EDB)
        return rc;
    if (!rc && !(rc = branch_get(to, &tb)) && tb.external)
        rc = ZB_EINVAL;
    if (rc) {
        why->reason = TR_NO_TARGET;
        return ZB_EINVAL;
    }
    if ((rc = role_can(a, &transfer_manage, to, &why->refusal))) {
        if (rc == ZB_EDENIED)
            why->reason = TR_DENIED;
        return rc;
    }
    char phone[MEMBER_PHONE_MAX + 1] = "";
    if (in->phone && in->phone[0] && member_parse_phone(in->phone, phone, sizeof phone))
        return bad_incoming(why, "phone", "手机号不对，请写 11 位手机号");
    struct member m;
    member_init(&m);
    if (phone[0]) {
        int64_t found = 0;
        rc = member_find_phone(phone, &found);
        if (!rc && !(rc = member_get(found, &m)) && !m.left_at) {
            why->reason = TR_DUPLICATE;
            why->field = "phone";
            why->other = found;
            return ZB_EBUSY;
        }
        if (rc && rc != ZB_ENOTFOUND)
            return rc;
        if (rc == ZB_ENOTFOUND)
            member_init(&m);
    }
    if ((rc = sender_of(in->from ? in->from : "", now, &from, why)))
        return rc;
    snprintf(m.name, sizeof m.name, "%s", in->name);
    snprintf(m.phone, sizeof m.phone, "%s", phone);
    m.branch_id = to;
    m.group_id = 0;
    m.roles = 0;
    m.left_at = 0;
    bool restored = m.id != 0;
    if (restored && ((rc = member_restore(m.id, now)) || (rc = member_code_renew(m.id))))
        return rc;
    rc = restored ? member_update(&m, now) : member_insert(&m, now);
    if (rc == ZB_EBUSY) {
        why->reason = TR_DUPLICATE;
        why->field = "phone";
        return rc;
    }
    if (rc)
        return rc;
    *member = m.id;
    int64_t issued = in->issued_at ? in->issued_at : now;
    sqlite3_stmt *st = store_stmt(sql_t_received);
    if (!st)
        return ZB_EDB;
    sqlite3_bind_int64(st, 1, m.id);
    sqlite3_bind_int64(st, 2, from);
    sqlite3_bind_int64(st, 3, to);
    sqlite3_bind_text(st, 4, in->letter, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int(st, 5, in->dues_paid_to);
    sqlite3_bind_int64(st, 6, issued);
    sqlite3_bind_int64(st, 7, now);
    sqlite3_bind_text(st, 8, a->label, -1, SQLITE_TRANSIENT);
    if ((rc = store_exec_done(st)))
        return rc;
    *id = sqlite3_last_insert_rowid(store_db());
    if (!(st = store_stmt(sql_s_received)))
        return ZB_EDB;
    sqlite3_bind_int64(st, 1, *id);
    sqlite3_bind_int64(st, 2, to); /* the one step: the receiving side took the letter */
    sqlite3_bind_int64(st, 3, now);
    sqlite3_bind_text(st, 4, a->label, -1, SQLITE_TRANSIENT);
    if ((rc = store_exec_done(st)))
        return rc;
    struct branch fb;
    if ((rc = branch_get(from, &fb)))
        return rc;
    char month[16] = "不详", date[16];
    char d[MEMBER_NAME_MAX + 2 * BRANCH_NAME_MAX + TRANSFER_LETTER_MAX + 160];
    if (in->dues_paid_to >= 0)
        dues_month_text(in->dues_paid_to, month, sizeof month);
    time_t tt = (time_t)issued;
    struct tm tm;
    localtime_r(&tt, &tm);
    strftime(date, sizeof date, "%Y-%m-%d", &tm);
    snprintf(d, sizeof d, "%s 由系统外 %s 转入 %s，介绍信 %s，开具 %s，党费交至 %s%s", m.name,
             fb.name, tb.name, in->letter, date, month, restored ? "（恢复原档案）" : "");
    return transfer_event_write(*id, a, "receive_in", d, now);
}
