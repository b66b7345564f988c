/*
 * fuzz_tasks_date.c - tasks_parse_date, which reads the deadline a secretary types in chat
 * (`任务 DATE TEXT`) and the REST body's "deadline": never crashes, and whatever it accepts is
 * the last second of a real local day between 2000 and 2200.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "handlers/tasks/tasks.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int once;
    if (!once) {
        setenv("TZ", "Asia/Shanghai", 1);
        tzset();
        once = 1;
    }
    char s[64];
    if (size >= sizeof s)
        return 0;
    memcpy(s, data, size);
    s[size] = '\0';
    int64_t d = 0;
    if (tasks_parse_date(s, 1796000000, &d) != 0)
        return 0;
    time_t t = (time_t)d;
    struct tm tm;
    if (!localtime_r(&t, &tm) || tm.tm_hour != 23 || tm.tm_min != 59 || tm.tm_sec != 59 ||
        tm.tm_year + 1900 < 2000 || tm.tm_year + 1900 > 2200)
        abort();
    return 0;
}
