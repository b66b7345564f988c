/* when.c - the scheduling message parser (see when.h). */
#include "handlers/meetings/when.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

static const char *const kind_names[MK_COUNT] = {"支部党员大会", "支委会",   "党小组会",
                                                 "党课",         "主题党日", "组织生活会"};
static const char *const kind_ids[MK_COUNT] = {"general", "committee", "group",
                                               "lesson",  "theme_day", "life"};

const char *meeting_kind_name(enum meeting_kind k)
{
    return (unsigned)k < MK_COUNT ? kind_names[k] : NULL;
}

const char *meeting_kind_id(enum meeting_kind k)
{
    return (unsigned)k < MK_COUNT ? kind_ids[k] : NULL;
}

int meeting_kind_parse(const char *s)
{
    for (int k = 0; k < MK_COUNT; k++)
        if (strcmp(s, kind_names[k]) == 0 || strcmp(s, kind_ids[k]) == 0)
            return k;
    if (strcmp(s, "党员大会") == 0)
        return MK_GENERAL;
    if (strcmp(s, "支部委员会") == 0)
        return MK_COMMITTEE;
    if (strcmp(s, "小组会") == 0)
        return MK_GROUP;
    return -1;
}

/* eat - skip word w at *p; true when it was there. */
static bool eat(const char **p, const char *w)
{
    size_t n = strlen(w);
    if (strncmp(*p, w, n) != 0)
        return false;
    *p += n;
    return true;
}

static void spaces(const char **p)
{
    while (**p == ' ')
        (*p)++;
}

/* num - 1 to maxd ASCII digits at *p into *v. */
static bool num(const char **p, int maxd, int *v)
{
    int n = 0, x = 0;
    while (n < maxd && (*p)[n] >= '0' && (*p)[n] <= '9')
        x = x * 10 + ((*p)[n++] - '0');
    if (n == 0 || ((*p)[n] >= '0' && (*p)[n] <= '9'))
        return false;
    *p += n;
    *v = x;
    return true;
}

static bool real_day(int y, int m, int d)
{
    static const int len[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (y < 1970 || y > 2100 || m < 1 || m > 12 || d < 1)
        return false;
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return d <= len[m - 1] + (m == 2 && leap);
}

/* local - the Unix time of y-m-d h:mi in the process zone. */
static int64_t local(int y, int m, int d, int h, int mi)
{
    struct tm tm = {0};
    tm.tm_year = y - 1900;
    tm.tm_mon = m - 1;
    tm.tm_mday = d;
    tm.tm_hour = h;
    tm.tm_min = mi;
    tm.tm_isdst = -1;
    return (int64_t)mktime(&tm);
}

/* parse_time - the time of day at *p into *h, *mi. */
static bool parse_time(const char **p, int *h, int *mi)
{
    int half = 0; /* 0 as is, 1 afternoon/evening, 2 noon */
    if (eat(p, "上午") || eat(p, "早上") || eat(p, "早晨"))
        half = 0;
    else if (eat(p, "下午") || eat(p, "晚上") || eat(p, "傍晚"))
        half = 1;
    else if (eat(p, "中午"))
        half = 2;
    spaces(p);
    int hh = 0, mm = 0;
    if (!num(p, 2, &hh))
        return false;
    if (eat(p, ":") || eat(p, "：")) {
        if (!num(p, 2, &mm))
            return false;
    } else if (eat(p, "点") || eat(p, "时")) {
        if (eat(p, "半"))
            mm = 30;
        else if (num(p, 2, &mm))
            (void)(eat(p, "分"));
    } else {
        return false;
    }
    if (half == 1 && hh < 12)
        hh += 12;
    if (half == 2 && hh < 6)
        hh += 12;
    if (hh > 23 || mm > 59)
        return false;
    *h = hh;
    *mi = mm;
    return true;
}

static const char *const weekday_names[7] = {"日", "一", "二", "三", "四", "五", "六"};

int when_parse_at(const char *text, int64_t now, int64_t *at, const char **rest)
{
    const char *p = text;
    time_t tnow = (time_t)now;
    struct tm today;
    if (!text || !localtime_r(&tnow, &today))
        return ZB_EINVAL;
    int y = today.tm_year + 1900, m = today.tm_mon + 1, d = today.tm_mday;
    int h = 0, mi = 0;
    enum { EXACT, DAY_OF_YEAR, WEEKDAY } form = EXACT;
    int wday = -1, add_days = -1;

    if (eat(&p, "今天"))
        add_days = 0;
    else if (eat(&p, "明天"))
        add_days = 1;
    else if (eat(&p, "后天"))
        add_days = 2;
    else if (eat(&p, "周") || eat(&p, "星期") || eat(&p, "礼拜")) {
        for (int i = 0; i < 7 && wday < 0; i++)
            if (eat(&p, weekday_names[i]))
                wday = i;
        if (wday < 0 && (eat(&p, "天") || eat(&p, "7")))
            wday = 0;
        if (wday < 0) {
            int v;
            if (num(&p, 1, &v) && v >= 1 && v <= 6)
                wday = v;
        }
        if (wday < 0)
            return ZB_EINVAL;
        form = WEEKDAY;
    } else {
        int a, b, c;
        if (!num(&p, 4, &a))
            return ZB_EINVAL;
        if (a >= 1000) { /* a year */
            y = a;
            if (!(eat(&p, "-") || eat(&p, "/") || eat(&p, ".") || eat(&p, "年")))
                return ZB_EINVAL;
            if (!num(&p, 2, &b))
                return ZB_EINVAL;
            bool cn = eat(&p, "月");
            if (!cn && !(eat(&p, "-") || eat(&p, "/") || eat(&p, ".")))
                return ZB_EINVAL;
            if (!num(&p, 2, &c))
                return ZB_EINVAL;
            if (cn && !(eat(&p, "日") || eat(&p, "号")))
                return ZB_EINVAL;
            m = b;
            d = c;
        } else { /* month and day */
            bool cn = eat(&p, "月");
            if (!cn && !(eat(&p, "-") || eat(&p, "/")))
                return ZB_EINVAL;
            if (!num(&p, 2, &c))
                return ZB_EINVAL;
            if (cn && !(eat(&p, "日") || eat(&p, "号")))
                return ZB_EINVAL;
            m = a;
            d = c;
            form = DAY_OF_YEAR;
        }
    }
    spaces(&p);
    if (!parse_time(&p, &h, &mi))
        return ZB_EINVAL;

    int64_t t = 0;
    if (add_days >= 0) {
        t = local(y, m, d + add_days, h, mi);
    } else if (form == WEEKDAY) {
        int delta = (wday - today.tm_wday + 7) % 7;
        t = local(y, m, d + delta, h, mi);
        if (t <= now)
            t = local(y, m, d + delta + 7, h, mi);
    } else {
        if (!real_day(y, m, d))
            return ZB_EINVAL;
        t = local(y, m, d, h, mi);
        if (form == DAY_OF_YEAR && t <= now) {
            if (!real_day(y + 1, m, d))
                return ZB_EINVAL;
            t = local(y + 1, m, d, h, mi);
        }
    }
    if (t < 0)
        return ZB_EINVAL;
    if (*p != '\0' && *p != ' ')
        return ZB_EINVAL;
    spaces(&p);
    *at = t;
    if (rest)
        *rest = p;
    return ZB_OK;
}

/* word - the next space-delimited word of *p into out (size outsz); false when none or too
 * long. */
static int word(const char **p, char *out, size_t outsz)
{
    spaces(p);
    size_t n = strcspn(*p, " ");
    if (n == 0)
        return ZB_EINVAL;
    if (n >= outsz)
        return ZB_ETOOBIG;
    memcpy(out, *p, n);
    out[n] = '\0';
    *p += n;
    spaces(p);
    return ZB_OK;
}

static bool ends_with(const char *s, const char *tail)
{
    size_t a = strlen(s), b = strlen(tail);
    return a >= b && strcmp(s + a - b, tail) == 0;
}

int when_parse_request(const char *text, int64_t now, struct when_request *out)
{
    memset(out, 0, sizeof *out);
    if (!text || strlen(text) > WHEN_TEXT_MAX)
        return text ? ZB_ETOOBIG : ZB_EINVAL;
    const char *p = NULL;
    int rc = when_parse_at(text, now, &out->at, &p);
    if (rc)
        return rc;
    char w[WHEN_WORD_MAX + 1];
    if ((rc = word(&p, w, sizeof w)))
        return rc == ZB_ETOOBIG ? ZB_EINVAL : rc;
    int k = meeting_kind_parse(w);
    if (k < 0)
        return ZB_EINVAL;
    out->kind = (enum meeting_kind)k;
    if (k == MK_GROUP) {
        const char *q = p;
        if (word(&q, w, sizeof w) == ZB_OK && (ends_with(w, "党小组") || ends_with(w, "小组"))) {
            memcpy(out->group, w, sizeof out->group);
            p = q;
        }
    }
    /* the rest: place, then topic words; 主持 X and 记录 X anywhere in it */
    size_t tl = 0;
    while (*p) {
        if ((rc = word(&p, w, sizeof w)))
            return rc;
        char *slot = strcmp(w, "主持") == 0   ? out->chair
                     : strcmp(w, "记录") == 0 ? out->recorder
                                              : NULL;
        if (slot) {
            if ((rc = word(&p, w, sizeof w)))
                return rc;
            memcpy(slot, w, WHEN_WORD_MAX + 1);
            continue;
        }
        if (!out->place[0]) {
            memcpy(out->place, w, sizeof out->place);
            continue;
        }
        size_t wl = strlen(w);
        if (tl + wl + 2 > sizeof out->topic)
            return ZB_ETOOBIG;
        if (tl)
            out->topic[tl++] = ' ';
        memcpy(out->topic + tl, w, wl + 1);
        tl += wl;
    }
    return out->place[0] ? ZB_OK : ZB_EINVAL;
}

void when_format(int64_t t, char *out, size_t outsz)
{
    time_t tt = (time_t)t;
    struct tm tm;
    if (!localtime_r(&tt, &tm)) {
        snprintf(out, outsz, "?");
        return;
    }
    snprintf(out, outsz, "%d年%d月%d日（周%s）%02d:%02d", tm.tm_year + 1900, tm.tm_mon + 1,
             tm.tm_mday, weekday_names[tm.tm_wday], tm.tm_hour, tm.tm_min);
}

void when_format_short(int64_t t, char *out, size_t outsz)
{
    time_t tt = (time_t)t;
    struct tm tm;
    if (!localtime_r(&tt, &tm)) {
        snprintf(out, outsz, "?");
        return;
    }
    snprintf(out, outsz, "%d月%d日 %02d:%02d", tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min);
}
