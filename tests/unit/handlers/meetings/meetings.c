/*
 * meetings.c - unit tests for handlers/meetings/meetings.c: attendees by kind, a time in the
 * past refused unless held, check-in windows and codes, leave after the start refused, proxy
 * check-in by a group leader (and refused for another group), the quorum with probationary and
 * exempt members (and the leave setting), reschedule and cancel (new notices, no reminders for a
 * cancelled meeting), reminder timing 24 h and 1 h before across midnight, the quarterly ledger
 * with the exempt never absent, audit rows.
 */
#include "tests/unit/unit_db.h"

#include <time.h>

#include "bot/org/actor.h"
#include "bot/org/branch.h"
#include "bot/org/member.h"
#include "bot/org/role.h"
#include "bot/store/migrations.h"
#include "handlers/meetings/meetings.h"
#include "bot/delivery/link.h"
#include "handlers/meetings/page.h"

static int64_t br, g1, g2;
static int64_t sec, org, lead1, m1, m2, prob, exempt, m3;

static int64_t local(int y, int mo, int d, int h, int mi)
{
    struct tm tm = {.tm_year = y - 1900,
                    .tm_mon = mo - 1,
                    .tm_mday = d,
                    .tm_hour = h,
                    .tm_min = mi,
                    .tm_isdst = -1};
    return (int64_t)mktime(&tm);
}

static int64_t person(const char *name, int64_t branch, int64_t group, unsigned roles,
                      enum member_status st, bool ex)
{
    struct member m;
    member_init(&m);
    snprintf(m.name, sizeof m.name, "%s", name);
    m.branch_id = branch;
    m.group_id = group;
    m.roles = roles;
    m.status = st;
    m.stats_exempt = ex;
    assert_int_equal(member_insert(&m, 1), ZB_OK);
    return m.id;
}

static int setup(void **state)
{
    (void)state;
    setenv("TZ", "Asia/Shanghai", 1);
    tzset();
    if (unit_db_open("meetings") || store_begin())
        return -1;
    for (size_t i = 0; i < meetings_migrations.n; i++)
        unit_db_exec(meetings_migrations.steps[i]);
    char err[BRANCH_ERR_MAX];
    if (branch_add("机关党委/第一支部", 1, &br, NULL, err, sizeof err) ||
        branch_add("机关党委/第一支部/第一党小组", 1, &g1, NULL, err, sizeof err) ||
        branch_add("机关党委/第一支部/第二党小组", 1, &g2, NULL, err, sizeof err))
        return -1;
    sec = person("书记甲", br, g1, ROLE_SECRETARY, STATUS_FULL, false);
    org = person("组织乙", br, g2, ROLE_ORGANIZER, STATUS_FULL, false);
    lead1 = person("组长丙", br, g1, ROLE_GROUP_LEADER, STATUS_FULL, false);
    m1 = person("党员丁", br, g1, 0, STATUS_FULL, false);
    m2 = person("党员戊", br, g2, 0, STATUS_FULL, false);
    prob = person("预备己", br, g1, 0, STATUS_PROBATIONARY, false);
    exempt = person("老党员庚", br, g2, 0, STATUS_FULL, true);
    m3 = person("党员辛", br, g2, 0, STATUS_FULL, false);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    store_rollback();
    unit_db_close();
    return 0;
}

#define NOW local(2026, 11, 30, 10, 0)

static int64_t add(const struct actor *a, enum meeting_kind k, const char *group, int64_t at,
                   int *invited)
{
    struct meetings_new nm = {.org_id = br,
                              .kind = k,
                              .group = group,
                              .starts_at = at,
                              .place = "三楼会议室",
                              .topic = "学习"};
    struct meeting m;
    assert_int_equal(meetings_add(a, &nm, NOW, &m, invited, NULL), ZB_OK);
    return m.id;
}

static void test_attendees_by_kind(void **state)
{
    (void)state;
    struct actor a = actor_member(sec, "wechat");
    int n = 0;
    add(&a, MK_GENERAL, NULL, NOW + 86400, &n);
    assert_int_equal(n, 8);
    add(&a, MK_COMMITTEE, NULL, NOW + 86400, &n);
    assert_int_equal(n, 2); /* secretary and organizer */
    add(&a, MK_GROUP, "第二党小组", NOW + 86400, &n);
    assert_int_equal(n, 4);
    /* the group leader schedules their own group's meeting without naming it */
    struct actor l = actor_member(lead1, "wechat");
    add(&l, MK_GROUP, NULL, NOW + 86400, &n);
    assert_int_equal(n, 4);
    struct meetings_new nm = {.org_id = br,
                              .kind = MK_GROUP,
                              .group = "第二党小组",
                              .starts_at = NOW + 86400,
                              .place = "x"};
    struct meeting m;
    assert_int_equal(meetings_add(&l, &nm, NOW, &m, NULL, NULL), ZB_EDENIED);
    nm.kind = MK_GENERAL;
    assert_int_equal(meetings_add(&l, &nm, NOW, &m, NULL, NULL), ZB_EDENIED);
    struct actor plain = actor_member(m1, "wechat");
    assert_int_equal(meetings_add(&plain, &nm, NOW, &m, NULL, NULL), ZB_EDENIED);
    /* past time refused unless held */
    nm.starts_at = NOW - 3600;
    assert_int_equal(meetings_add(&a, &nm, NOW, &m, NULL, NULL), ZB_EINVAL);
    nm.held = true;
    assert_int_equal(meetings_add(&a, &nm, NOW, &m, NULL, NULL), ZB_OK);
    /* unknown group, chair */
    const char *what = NULL;
    struct meetings_new bad = {
        .org_id = br, .kind = MK_GROUP, .group = "第九党小组", .starts_at = NOW + 60, .place = "x"};
    assert_int_equal(meetings_add(&a, &bad, NOW, &m, NULL, &what), ZB_ENOTFOUND);
    assert_string_equal(what, "group");
    struct meetings_new bad2 = {
        .org_id = br, .kind = MK_LESSON, .starts_at = NOW + 60, .place = "x", .chair = "无此人"};
    assert_int_equal(meetings_add(&a, &bad2, NOW, &m, NULL, &what), ZB_ENOTFOUND);
    assert_string_equal(what, "chair");
    /* an urgent notice per attendee, one audit row per meeting */
    assert_true(unit_db_int("SELECT count(*) FROM notify_items WHERE kind = 'meeting.notice'") >=
                8);
    assert_true(unit_db_int("SELECT count(*) FROM audit WHERE action = 'meeting.add'") >= 5);
}

static void test_checkin_window_and_code(void **state)
{
    (void)state;
    struct actor a = actor_member(sec, "wechat");
    int64_t start = local(2026, 12, 2, 15, 0);
    int64_t id = add(&a, MK_LESSON, NULL, start, NULL);
    struct meeting m;
    assert_int_equal(meetings_checkin(m1, id, "", "self", start - 31 * 60, &m), ZB_ESTALE);
    assert_int_equal(meetings_checkin(m1, id, "", "self", start + 31 * 60, &m), ZB_ESTALE);
    char code[8];
    assert_int_equal(meetings_set_code(&a, id, code, sizeof code, NOW), ZB_OK);
    assert_int_equal(strlen(code), 4);
    char wrong[8];
    snprintf(wrong, sizeof wrong, "%04d", (int)((strtol(code, NULL, 10) + 1) % 10000));
    assert_int_equal(meetings_checkin(m1, id, wrong, "self", start - 30 * 60, &m), ZB_ESIG);
    assert_int_equal(meetings_checkin(m1, id, "", "self", start, &m), ZB_ESIG);
    assert_int_equal(meetings_checkin(m1, 0, code, "self", start - 30 * 60, &m), ZB_OK);
    assert_int_equal(m.id, id);
    assert_int_equal(meetings_checkin(m1, id, code, "self", start, &m), ZB_EDONE);
    assert_int_equal(meetings_checkin(m2, id, code, "self", start + 30 * 60, &m), ZB_OK);
    /* leave before the start only */
    assert_int_equal(meetings_leave(m3, id, "出差", start, &m), ZB_ESTALE);
    assert_int_equal(meetings_leave(m3, id, "", start - 60, &m), ZB_EINVAL);
    assert_int_equal(meetings_leave(m3, id, "出差", start - 60, &m), ZB_OK);
    assert_int_equal(meetings_leave(m1, id, "出差", start - 60, &m), ZB_EDONE);
    /* proxy: the group leader for a member of the group, not for another group */
    struct actor l = actor_member(lead1, "onebot");
    int64_t who = 0;
    assert_int_equal(meetings_proxy(&l, id, "预备己", NULL, start + 60, &who), ZB_OK);
    assert_int_equal(who, prob);
    assert_int_equal(unit_db_int("SELECT count(*) FROM meeting_attendees WHERE meeting_id = %lld "
                                 "AND member_id = %lld AND how = 'proxy' AND state = 'present'",
                                 (long long)id, (long long)prob),
                     1);
    assert_int_equal(meetings_proxy(&l, id, "党员戊", NULL, start + 60, &who), ZB_EDENIED);
    struct actor plain = actor_member(m1, "wechat");
    assert_int_equal(meetings_proxy(&plain, id, "预备己", NULL, start + 60, &who), ZB_EDENIED);
}

static void test_quorum(void **state)
{
    (void)state;
    struct actor a = actor_member(sec, "wechat");
    int64_t start = local(2026, 12, 3, 15, 0);
    int64_t id = add(&a, MK_GENERAL, NULL, start, NULL);
    /* voting: 6 full members not exempt (sec, org, lead1, m1, m2, m3) */
    struct meeting m;
    assert_int_equal(meetings_checkin(sec, id, "", "self", start, &m), ZB_OK);
    assert_int_equal(meetings_checkin(org, id, "", "self", start, &m), ZB_OK);
    assert_int_equal(meetings_checkin(prob, id, "", "self", start, &m), ZB_OK); /* no vote */
    assert_int_equal(meetings_leave(m3, id, "病假", start - 60, &m), ZB_OK);
    struct meetings_sheet s;
    assert_int_equal(meetings_attendance(&a, id, &s), ZB_OK);
    assert_int_equal(s.quorum_due, 6);
    assert_int_equal(s.quorum_present, 2);
    assert_false(s.quorum_met);
    assert_int_equal(s.present, 3);
    assert_int_equal(s.leave, 1);
    assert_int_equal(s.exempt, 1);
    assert_int_equal(s.absent, 3); /* lead1, m1, m2 - never the exempt member */
    assert_int_equal(meetings_checkin(lead1, id, "", "self", start, &m), ZB_OK);
    free(s.people);
    assert_int_equal(meetings_attendance(&a, id, &s), ZB_OK);
    assert_int_equal(s.quorum_present, 3);
    assert_false(s.quorum_met); /* 3 of 6 is not more than half */
    struct meetings_config c = *meetings_settings();
    struct meetings_config shrink = c;
    shrink.quorum_leave_shrinks = true;
    meetings_configure(&shrink);
    meetings_sheet_quorum(&s);
    assert_int_equal(s.quorum_due, 5);
    assert_true(s.quorum_met);
    meetings_configure(&c);
    free(s.people);
    /* committee: at least half */
    int64_t cid = add(&a, MK_COMMITTEE, NULL, start, NULL);
    assert_int_equal(meetings_checkin(sec, cid, "", "self", start, &m), ZB_OK);
    assert_int_equal(meetings_attendance(&a, cid, &s), ZB_OK);
    assert_int_equal(s.quorum_due, 2);
    assert_true(s.quorum_met);
    free(s.people);
    struct actor plain = actor_member(m1, "wechat");
    assert_int_equal(meetings_attendance(&plain, cid, &s), ZB_EDENIED);
}

static void test_reminders_change_cancel(void **state)
{
    (void)state;
    struct actor a = actor_member(sec, "wechat");
    int64_t start = local(2026, 12, 31, 23, 30); /* reminders cross midnight and a year end */
    int64_t id = add(&a, MK_THEME_DAY, NULL, start, NULL);
    int sent = -1;
    assert_int_equal(meetings_remind(start - 86400 - 60, &sent), ZB_OK);
    assert_int_equal(unit_db_int("SELECT count(*) FROM notify_items WHERE idem_key LIKE "
                                 "'meeting:%lld:r1:%%:24h'",
                                 (long long)id),
                     0);
    assert_int_equal(meetings_remind(start - 86400, &sent), ZB_OK);
    assert_int_equal(sent, 8);
    assert_int_equal(unit_db_int("SELECT count(*) FROM notify_items WHERE idem_key LIKE "
                                 "'meeting:%lld:r1:%%:24h' AND urgent = 0",
                                 (long long)id),
                     8);
    assert_int_equal(meetings_remind(start - 86000, &sent), ZB_OK);
    assert_int_equal(sent, 0); /* idempotent */
    assert_int_equal(meetings_remind(start - 3600, &sent), ZB_OK);
    assert_int_equal(sent, 8); /* the urgent hour */
    /* a change: new revision, notices again, reminders afresh */
    assert_int_equal(meetings_change(&a, id, start + 86400, NULL, NOW), ZB_OK);
    assert_int_equal(meetings_remind(start - 3600, &sent), ZB_OK);
    assert_int_equal(sent, 0); /* moved a day later: 25 h ahead, nothing due */
    assert_int_equal(meetings_remind(start + 60, &sent), ZB_OK);
    assert_int_equal(sent, 8); /* the 24 h reminder of revision 2 */
    assert_int_equal(meetings_cancel(&a, id, NOW), ZB_OK);
    assert_int_equal(meetings_cancel(&a, id, NOW), ZB_EDONE);
    assert_int_equal(meetings_remind(start + 86400 - 3600, &sent), ZB_OK);
    assert_int_equal(sent, 0); /* cancelled: nothing more */
    assert_int_equal(meetings_change(&a, id, start + 2 * 86400, NULL, NOW), ZB_EDONE);
}

/* A meeting that took place (started, someone checked in) stays in the ledger: it can be neither
 * cancelled nor moved; one nobody came to can still be cancelled after its start. */
static void test_held_meeting_kept(void **state)
{
    (void)state;
    struct actor a = actor_member(sec, "wechat");
    int64_t start = local(2026, 12, 3, 15, 0);
    int64_t id = add(&a, MK_GENERAL, NULL, start, NULL);
    int64_t empty = add(&a, MK_COMMITTEE, NULL, start, NULL);
    char code[8];
    struct meeting m;
    assert_int_equal(meetings_set_code(&a, id, code, sizeof code, NOW), ZB_OK);
    assert_int_equal(meetings_checkin(m1, id, code, "self", start - 60, &m), ZB_OK);
    bool held = true;
    assert_int_equal(meetings_held(id, start - 30, &held), ZB_OK);
    assert_false(held); /* not started yet: still movable */
    assert_int_equal(meetings_held(id, start + 3600, &held), ZB_OK);
    assert_true(held);
    assert_int_equal(meetings_cancel(&a, id, start + 3600), ZB_EINVAL);
    assert_int_equal(meetings_change(&a, id, start + 86400, NULL, start + 3600), ZB_EINVAL);
    assert_int_equal(meetings_change(&a, id, 0, "礼堂", start + 3600), ZB_EINVAL);
    assert_int_equal(meetings_get(id, &m), ZB_OK);
    assert_int_equal(m.status, MS_SCHEDULED);
    assert_int_equal(m.starts_at, start);
    assert_int_equal(meetings_held(empty, start + 3600, &held), ZB_OK);
    assert_false(held);
    assert_int_equal(meetings_cancel(&a, empty, start + 3600), ZB_OK);
}

static void test_report_and_minutes(void **state)
{
    (void)state;
    struct actor a = actor_member(sec, "wechat");
    struct meetings_new nm = {.org_id = br, .kind = MK_GENERAL, .place = "礼堂", .held = true};
    struct meeting m;
    int64_t later = local(2027, 1, 10, 10, 0);
    nm.starts_at = local(2026, 10, 9, 15, 0);
    assert_int_equal(meetings_add(&a, &nm, later, &m, NULL, NULL), ZB_OK);
    nm.kind = MK_COMMITTEE;
    for (int mo = 10; mo <= 12; mo++) {
        nm.starts_at = local(2026, mo, 20, 15, 0);
        assert_int_equal(meetings_add(&a, &nm, later, &m, NULL, NULL), ZB_OK);
    }
    struct meetings_report_row rows[MEETINGS_REPORT_MAX];
    size_t n = 0;
    bool quiet = false;
    assert_int_equal(meetings_report(&a, br, 2026, 4, later, rows, MEETINGS_REPORT_MAX, &n, &quiet),
                     ZB_OK);
    bool saw_general = false, saw_committee = false, saw_life = false, saw_g2 = false;
    for (size_t i = 0; i < n; i++) {
        if (rows[i].kind == MK_GENERAL) {
            saw_general = true;
            assert_true(rows[i].held >= 1);
            assert_false(rows[i].short_of);
            assert_non_null(strstr(rows[i].dates, "10月9日"));
        }
        if (rows[i].kind == MK_COMMITTEE) {
            saw_committee = true;
            assert_false(rows[i].short_of);
        }
        if (rows[i].kind == MK_LIFE) {
            saw_life = true;
            assert_true(rows[i].short_of); /* missing in Q4 */
        }
        if (rows[i].kind == MK_GROUP && strcmp(rows[i].group, "第二党小组") == 0)
            saw_g2 = true;
    }
    assert_true(saw_general && saw_committee && saw_life && saw_g2);
    assert_false(quiet);
    assert_int_equal(meetings_report(&a, br, 2027, 1, local(2027, 6, 1, 0, 0), rows,
                                     MEETINGS_REPORT_MAX, &n, &quiet),
                     ZB_OK);
    assert_true(quiet);
    int year, q;
    assert_int_equal(meetings_quarter_parse("2026Q4", &year, &q), ZB_OK);
    assert_int_equal(year * 10 + q, 20264);
    assert_int_equal(meetings_quarter_parse("2026Q5", &year, &q), ZB_EINVAL);
    assert_int_equal(meetings_quarter_parse("26Q1", &year, &q), ZB_EINVAL);
    /* minutes carry the header from the records; the exempt member is not absent */
    assert_int_equal(meetings_minutes(&a, m.id, "一、传达文件。\n二、讨论。", later), ZB_OK);
    char *text = NULL;
    assert_int_equal(meetings_minutes_get(&a, m.id, &text), ZB_OK);
    assert_non_null(strstr(text, "地点：礼堂"));
    assert_non_null(strstr(text, "主持人：书记甲"));
    assert_non_null(strstr(text, "记录人：组织乙"));
    assert_non_null(strstr(text, "一、传达文件。"));
    assert_null(strstr(text, "老党员庚"));
    free(text);
    assert_int_equal(meetings_minutes(&a, m.id, "", later), ZB_EINVAL);
    assert_int_equal(meetings_minutes(&a, m.id, " \n\t\xe3\x80\x80 ", later),
                     ZB_EINVAL); /* blank */
}

/* page_call - meetings_page on the signed URL url (its path and query) at now. */
static int page_call(const char *method, const char *url, int64_t now, int *status, struct buf *b)
{
    char path[128], m[32] = "", e[32] = "", sig[96] = "";
    const char *p = strstr(url, "/m/"), *q = strchr(url, '?');
    assert_non_null(p);
    assert_non_null(q);
    snprintf(path, sizeof path, "%.*s", (int)(q - p), p);
    assert_int_equal(sscanf(q, "?m=%31[^&]&e=%31[^&]&sig=%95s", m, e, sig), 3);
    buf_reset(b);
    return meetings_page(method, path, m, e, sig, now, status, b);
}

static void test_page(void **state)
{
    (void)state;
    static const unsigned char secret[32] = "zhibu-unit-test-link-secret-0001";
    assert_int_equal(link_configure("http://127.0.0.1:8080", secret, sizeof secret), ZB_OK);
    struct actor a = actor_member(sec, "wechat");
    int64_t start = local(2026, 12, 3, 15, 0);
    int64_t id = add(&a, MK_LESSON, NULL, start, NULL);
    char url[LINK_URL_MAX];
    meetings_link(id, m1, start, url, sizeof url);
    struct buf b;
    buf_init(&b, MEETINGS_PAGE_MAX);
    int status = 0;
    /* the member's page: what, when, where, and the button */
    assert_int_equal(page_call("GET", url, NOW, &status, &b), ZB_OK);
    assert_int_equal(status, 200);
    assert_non_null(strstr(buf_str(&b), "三楼会议室"));
    assert_non_null(strstr(buf_str(&b), "<button"));
    /* too early to check in; in the window it records the check-in once */
    assert_int_equal(page_call("POST", url, start - 3600, &status, &b), ZB_OK);
    assert_non_null(strstr(buf_str(&b), "不在签到时间内"));
    assert_int_equal(page_call("POST", url, start - 600, &status, &b), ZB_OK);
    assert_non_null(strstr(buf_str(&b), "签到成功"));
    assert_null(strstr(buf_str(&b), "<button"));
    assert_int_equal(page_call("POST", url, start - 300, &status, &b), ZB_OK);
    assert_non_null(strstr(buf_str(&b), "已经签过到"));
    /* a tampered link, an expired one */
    char bad[LINK_URL_MAX];
    snprintf(bad, sizeof bad, "%s", url);
    bad[strlen(bad) - 2] = bad[strlen(bad) - 2] == 'A' ? 'B' : 'A';
    assert_int_equal(page_call("GET", bad, NOW, &status, &b), ZB_OK);
    assert_int_equal(status, 403);
    assert_int_equal(page_call("GET", url, start + (MEETINGS_LINK_DAYS + 1) * 86400, &status, &b),
                     ZB_OK);
    assert_int_equal(status, 410);
    buf_free(&b);
}

static void test_field_cut(void **state)
{
    (void)state;
    char out[256];
    meetings_field_cut("三楼会议室", out, sizeof out);
    assert_string_equal(out, "三楼会议室");
    meetings_field_cut("一二三四五六七八九十一二三四五六七八九十", out, sizeof out);
    assert_string_equal(out, "一二三四五六七八九十一二三四五六七八九十"); /* exactly 20 */
    meetings_field_cut("一二三四五六七八九十一二三四五六七八九十一", out, sizeof out);
    assert_string_equal(out, "一二三四五六七八九十一二三四五六七八九…");
    meetings_field_cut("abcdefghijklmnopqrstuvwxyz", out, sizeof out);
    assert_string_equal(out, "abcdefghijklmnopqrs…");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_attendees_by_kind),
        cmocka_unit_test(test_checkin_window_and_code),
        cmocka_unit_test(test_quorum),
        cmocka_unit_test(test_reminders_change_cancel),
        cmocka_unit_test(test_held_meeting_kept),
        cmocka_unit_test(test_report_and_minutes),
        cmocka_unit_test(test_field_cut),
        cmocka_unit_test(test_page),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
