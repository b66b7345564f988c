/* clock.c - the process clock: real time, or a test file when the config allows it (clock.h). */
#include "bot/base/clock.h"

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "bot/base/log.h"

#define TEST_FILE_MAX 64 /* bytes read from the test file: one decimal number */

static _Atomic(const char *) test_file; /* set once by clock_configure, else NULL */

/* read_test_file - the seconds in path, or -1 when it is missing or does not parse. */
static int64_t read_test_file(const char *path)
{
    char buf[TEST_FILE_MAX + 1];
    FILE *f = fopen(path, "r");
    if (!f)
        return -1;
    size_t n = fread(buf, 1, TEST_FILE_MAX, f);
    fclose(f);
    buf[n] = '\0';
    char *end;
    long long v = strtoll(buf, &end, 10);
    while (*end == ' ' || *end == '\n' || *end == '\r' || *end == '\t')
        end++;
    if (end == buf || *end || v < 0)
        return -1;
    return (int64_t)v;
}

int64_t clock_now_ms(void)
{
    const char *path = atomic_load(&test_file);
    if (path) {
        int64_t s = read_test_file(path);
        if (s >= 0)
            return s * 1000;
    }
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t clock_now(void)
{
    return clock_now_ms() / 1000;
}

int clock_configure(bool testing)
{
    const char *path = getenv("ZHIBU_TEST_NOW_FILE");
    if (!path || !*path)
        return ZB_OK;
    if (!testing) {
        log_error("clock: ZHIBU_TEST_NOW_FILE is set but the config does not say \"testing\": "
                  "true; refusing to take the time from a file");
        return ZB_ECONFIG;
    }
    log_warn("clock: TESTING MODE - the time is read from %s, not the system clock", path);
    atomic_store(&test_file, path);
    return ZB_OK;
}

bool clock_is_test(void)
{
    return atomic_load(&test_file) != NULL;
}
