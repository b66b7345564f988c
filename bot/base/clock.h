/*
 * clock.h - the one clock of the process.
 *
 * Every "now" in zhibu comes from clock_now(), so a test can move the server's and the CLI's time
 * together. In production it is the system's real time. With `testing: true` in the config (and
 * only then: clock_use_test_file() is refused otherwise, and logged loudly) the time is read from
 * the file named by ZHIBU_TEST_NOW_FILE: one decimal Unix time in seconds, re-read on every call,
 * so a test writes the file and both processes see the new time at once. A missing or unreadable
 * file falls back to the real time.
 */
#ifndef ZHIBU_CLOCK_H
#define ZHIBU_CLOCK_H

#include <stdbool.h>
#include <stdint.h>

#include "bot/base/err.h"

/* clock_now - Unix seconds, UTC. */
int64_t clock_now(void);

/* clock_now_ms - Unix milliseconds, UTC (the test file's seconds * 1000 when in use). */
int64_t clock_now_ms(void);

/*
 * clock_configure - called once at start-up with the config's `testing` flag. When testing is
 * true and ZHIBU_TEST_NOW_FILE is set, the clock reads that file from then on (logged at WARN on
 * every start so it is never missed). When testing is false and the variable is set anyway,
 * ZB_ECONFIG (logged as an error): a production server never takes its time from a file.
 */
int clock_configure(bool testing) ZB_MUST_USE;

/* clock_is_test - true when the clock reads the test file. */
bool clock_is_test(void);

#endif
