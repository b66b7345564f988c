/*
 * when.c - unit tests for handlers/meetings/when.c: every date and time form of the scheduling
 * message, good and bad, with "now" fixed (Asia/Shanghai): a weekday or day already past means
 * the next one, across year ends and leap days.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "handlers/meetings/when.h"

/* local - y-m-d h:mi in Asia/Shanghai (UTC+8, no DST). */
static int64_t local(int y, int m, int d, int h, int mi)
{
    struct tm tm = {.tm_year = y - 1900,
                    .tm_mon = m - 1,
                    .tm_mday = d,
                    .tm_hour = h,
                    .tm_min = mi,
                    .tm_isdst = -1};
    return (int64_t)mktime(&tm);
}

/* Monday 2026-11-30 10:00 local */
#define NOW local(2026, 11, 30, 10, 0)

static int64_t at(const char *s, int64_t now)
{
    int64_t t = 0;
    assert_int_equal(when_parse_at(s, now, &t, NULL), ZB_OK);
    return t;
}

static void test_absolute(void **state)
{
    (void)state;
    assert_true(at("2026-12-01 15:00", NOW) == local(2026, 12, 1, 15, 0));
    assert_true(at("2026/12/1 9:30", NOW) == local(2026, 12, 1, 9, 30));
    assert_true(at("2026.12.1 09:05", NOW) == local(2026, 12, 1, 9, 5));
    assert_true(at("2026年12月1日 下午3点", NOW) == local(2026, 12, 1, 15, 0));
    assert_true(at("2028-02-29 08:00", NOW) == local(2028, 2, 29, 8, 0));
    /* a past absolute date is returned as is: the domain refuses it */
    assert_true(at("2026-01-01 08:00", NOW) == local(2026, 1, 1, 8, 0));
}

static void test_relative(void **state)
{
    (void)state;
    assert_true(at("今天 15:00", NOW) == local(2026, 11, 30, 15, 0));
    assert_true(at("明天 15:00", NOW) == local(2026, 12, 1, 15, 0)); /* across a month end */
    assert_true(at("后天 上午9点半", NOW) == local(2026, 12, 2, 9, 30));
    int64_t eve = local(2026, 12, 31, 20, 0);
    assert_true(at("明天 8:00", eve) == local(2027, 1, 1, 8, 0)); /* across a year end */
    assert_true(at("周五 9:30", NOW) == local(2026, 12, 4, 9, 30));
    assert_true(at("星期一 15:00", NOW) == local(2026, 11, 30, 15, 0)); /* today, still ahead */
    assert_true(at("周一 9:00", NOW) == local(2026, 12, 7, 9, 0));      /* today, past: next */
    assert_true(at("礼拜日 晚上7点", NOW) == local(2026, 12, 6, 19, 0));
    assert_true(at("周日 10:00", NOW) == local(2026, 12, 6, 10, 0));
}

static void test_day_of_year(void **state)
{
    (void)state;
    assert_true(at("12月1日 下午3点", NOW) == local(2026, 12, 1, 15, 0));
    assert_true(at("11月1日 15:00", NOW) == local(2027, 11, 1, 15, 0)); /* past: next year */
    assert_true(at("12-25 中午12点", NOW) == local(2026, 12, 25, 12, 0));
    assert_true(at("1月5号 3点30分", NOW) == local(2027, 1, 5, 3, 30));
    assert_true(at("12月1日 中午1点", NOW) == local(2026, 12, 1, 13, 0));
}

static void test_bad(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "",
        "15:00",
        "明天",
        "明天 25:00",
        "明天 9:60",
        "2026-13-01 15:00",
        "2026-02-30 15:00",
        "2月30日 15:00",
        "周八 15:00",
        "2026-12-01",
        "2026-12-01 下午",
        "12月 15:00",
        "2026-12-01 15:00x",
        "后天15",
        "99999-1-1 1:00",
        "12月1 15:00",
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        int64_t t = 0;
        if (when_parse_at(bad[i], NOW, &t, NULL) != ZB_EINVAL)
            fail_msg("accepted: %s", bad[i]);
    }
}

static void test_request(void **state)
{
    (void)state;
    struct when_request r;
    assert_int_equal(
        when_parse_request("2026-12-01 15:00 支部党员大会 三楼会议室 学习新修订的党章", NOW, &r),
        ZB_OK);
    assert_int_equal(r.kind, MK_GENERAL);
    assert_string_equal(r.place, "三楼会议室");
    assert_string_equal(r.topic, "学习新修订的党章");
    assert_string_equal(r.group, "");
    assert_int_equal(
        when_parse_request("明天 下午3点 党小组会 第一党小组 活动室 谈心 谈话 主持 张三 记录 李四",
                           NOW, &r),
        ZB_OK);
    assert_int_equal(r.kind, MK_GROUP);
    assert_string_equal(r.group, "第一党小组");
    assert_string_equal(r.place, "活动室");
    assert_string_equal(r.topic, "谈心 谈话");
    assert_string_equal(r.chair, "张三");
    assert_string_equal(r.recorder, "李四");
    assert_int_equal(when_parse_request("周五 9:30 支委会 书记办公室", NOW, &r), ZB_OK);
    assert_int_equal(r.kind, MK_COMMITTEE);
    assert_string_equal(r.topic, "");
    /* bad: no kind, unknown kind, no place, dangling 主持 */
    assert_int_equal(when_parse_request("明天 15:00", NOW, &r), ZB_EINVAL);
    assert_int_equal(when_parse_request("明天 15:00 茶话会 食堂", NOW, &r), ZB_EINVAL);
    assert_int_equal(when_parse_request("明天 15:00 党课", NOW, &r), ZB_EINVAL);
    assert_int_equal(when_parse_request("明天 15:00 党课 礼堂 主持", NOW, &r), ZB_EINVAL);
    assert_int_equal(when_parse_request("支部党员大会 明天 15:00 礼堂", NOW, &r), ZB_EINVAL);
    char big[WHEN_TEXT_MAX + 10];
    memset(big, 'x', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    assert_int_equal(when_parse_request(big, NOW, &r), ZB_ETOOBIG);
}

static void test_kinds_and_format(void **state)
{
    (void)state;
    for (int k = 0; k < MK_COUNT; k++) {
        assert_int_equal(meeting_kind_parse(meeting_kind_name((enum meeting_kind)k)), k);
        assert_int_equal(meeting_kind_parse(meeting_kind_id((enum meeting_kind)k)), k);
    }
    assert_int_equal(meeting_kind_parse("党员大会"), MK_GENERAL);
    assert_int_equal(meeting_kind_parse("会"), -1);
    char s[64];
    when_format(local(2026, 12, 1, 15, 0), s, sizeof s);
    assert_string_equal(s, "2026年12月1日（周二）15:00");
    when_format_short(local(2026, 12, 1, 15, 0), s, sizeof s);
    assert_string_equal(s, "12月1日 15:00");
}

int main(void)
{
    setenv("TZ", "Asia/Shanghai", 1);
    tzset();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_absolute),    cmocka_unit_test(test_relative),
        cmocka_unit_test(test_day_of_year), cmocka_unit_test(test_bad),
        cmocka_unit_test(test_request),     cmocka_unit_test(test_kinds_and_format),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
