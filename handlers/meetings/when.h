/*
 * when.h - the secretary's scheduling message, parsed: a date and time in the forms people type
 * and the words after it (kind, group, place, topic, 主持, 记录).
 *
 * Dates: 2026-12-01, 2026/12/1, 2026.12.1, 2026年12月1日; 12月1日 / 12-01 (this year, or the next
 * when the day is already past); 今天, 明天, 后天; 周五, 星期五, 礼拜五 (this week's, or the next
 * one when it is past - today counts when its time is still ahead). Times: 15:00, 9:30, 15点,
 * 3点半, 3点30, 3点30分, with 上午/早上 (as is), 中午 (12 -> 12, 1 -> 13), 下午/晚上 (+12 below
 * 12). All calendar arithmetic is in the process time zone (TZ, set from the config). Pure
 * functions: no SQL, no clock (now is given), safe for the fuzzer.
 */
#ifndef ZHIBU_MEETINGS_WHEN_H
#define ZHIBU_MEETINGS_WHEN_H

#include <stddef.h>
#include <stdint.h>

#include "bot/base/err.h"

#define WHEN_TEXT_MAX  1024 /* bytes of a scheduling message */
#define WHEN_WORD_MAX  200  /* bytes of a place, a group or a person's name */
#define WHEN_TOPIC_MAX 600  /* bytes of a topic */

/* The meeting kinds of 三会一课 and regular organisation life. */
enum meeting_kind {
    MK_GENERAL = 0, /* 支部党员大会 */
    MK_COMMITTEE,   /* 支委会 */
    MK_GROUP,       /* 党小组会 */
    MK_LESSON,      /* 党课 */
    MK_THEME_DAY,   /* 主题党日 */
    MK_LIFE,        /* 组织生活会 */
    MK_COUNT
};

/* What a scheduling message says. */
struct when_request {
    int64_t at;                       /* the start, Unix seconds */
    enum meeting_kind kind;           /* the kind */
    char group[WHEN_WORD_MAX + 1];    /* 党小组会: the group named after the kind, "" none */
    char place[WHEN_WORD_MAX + 1];    /* where */
    char topic[WHEN_TOPIC_MAX + 1];   /* what, may hold spaces; "" when not given */
    char chair[WHEN_WORD_MAX + 1];    /* 主持 NAME, "" = default */
    char recorder[WHEN_WORD_MAX + 1]; /* 记录 NAME, "" = default */
};

/* meeting_kind_name - 支部党员大会, 支委会, ...; NULL out of range. */
const char *meeting_kind_name(enum meeting_kind k);
/* meeting_kind_id - general, committee, group, lesson, theme_day, life; NULL out of range. */
const char *meeting_kind_id(enum meeting_kind k);
/* meeting_kind_parse - a kind's Chinese name (also 党员大会, 支部委员会, 小组会) or id; -1. */
int meeting_kind_parse(const char *s);

/*
 * when_parse_at - the date and time at the start of text, relative to now. *at receives the
 * start; *rest (may be NULL) points after them and the spaces that follow. ZB_EINVAL when the
 * text does not start with a date and a time, or names no real day (2月30日).
 */
int when_parse_at(const char *text, int64_t now, int64_t *at, const char **rest) ZB_MUST_USE;

/*
 * when_parse_request - a whole scheduling message: "DATE TIME KIND [GROUP] PLACE [TOPIC...]
 * [主持 NAME] [记录 NAME]". ZB_EINVAL when the date/time, the kind or the place is missing or
 * malformed; ZB_ETOOBIG past the caps.
 */
int when_parse_request(const char *text, int64_t now, struct when_request *out) ZB_MUST_USE;

/* when_format - t as "2026年12月1日（周二）15:00" in the process time zone, into out. */
void when_format(int64_t t, char *out, size_t outsz);
/* when_format_short - t as "12月1日 15:00" (fits a template field), into out. */
void when_format_short(int64_t t, char *out, size_t outsz);

#endif
