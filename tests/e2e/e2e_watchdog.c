/*
 * e2e_watchdog.c - zhibu under a service manager: with $NOTIFY_SOCKET and
 * $WATCHDOG_USEC set, `zhibu serve` sends READY=1 once its database check
 * passes, WATCHDOG=1 while it keeps passing, and stops the pings when the
 * database file is damaged under it (so systemd restarts it).
 */
#include <errno.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "tests/e2e/e2e_util.h"

#define WATCHDOG_US 600000 /* WATCHDOG_USEC given: a ping every 200 ms */

/* next_note - the next notification within ms into out ("" when none came). */
static void next_note(int fd, int ms, char *out, size_t outsz)
{
    out[0] = '\0';
    struct pollfd p = {.fd = fd, .events = POLLIN};
    if (poll(&p, 1, ms) != 1)
        return;
    ssize_t n = recv(fd, out, outsz - 1, 0);
    out[n > 0 ? n : 0] = '\0';
}

static void test_ready_watchdog_and_damage(void **state)
{
    (void)state;
    char path[96], note[512];
    snprintf(path, sizeof path, "/tmp/zhibu-e2e-notify-%d.sock", (int)getpid());
    unlink(path);
    int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    assert_true(fd >= 0);
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    snprintf(sa.sun_path, sizeof sa.sun_path, "%s", path);
    assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof sa), 0);
    char us[24];
    snprintf(us, sizeof us, "%d", WATCHDOG_US);
    setenv("NOTIFY_SOCKET", path, 1);
    setenv("WATCHDOG_USEC", us, 1);
    struct e2e_server *s = e2e_server_up(&(struct e2e_config){0});
    unsetenv("NOTIFY_SOCKET");
    unsetenv("WATCHDOG_USEC");
    assert_non_null(s);
    next_note(fd, 3000, note, sizeof note);
    assert_string_equal(note, "READY=1");
    for (int i = 0; i < 3; i++) {
        next_note(fd, 1000, note, sizeof note);
        assert_string_equal(note, "WATCHDOG=1");
    }
    /* damage every page but the header page; the pings must stop */
    assert_int_equal(e2e_db_exec(s, "PRAGMA wal_checkpoint(TRUNCATE)"), 0);
    FILE *f = fopen(s->db_path, "r+b");
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    static char junk[4096];
    memset(junk, 0x3c, sizeof junk);
    for (long off = 4096; off < size; off += 4096) {
        fseek(f, off, SEEK_SET);
        assert_int_equal(fwrite(junk, 1, sizeof junk, f), sizeof junk);
    }
    fclose(f);
    e2e_sleep_ms(1500); /* the check's one-second cache runs out */
    do
        next_note(fd, 50, note, sizeof note);
    while (*note);
    next_note(fd, 1500, note, sizeof note);
    assert_string_equal(note, "");
    assert_true(e2e_log_has(s, 0, "not notifying the service manager"));
    e2e_server_kill9(s);
    e2e_server_free(s);
    close(fd);
    unlink(path);
}

/* Without $NOTIFY_SOCKET nothing is sent and serve runs as before (the other
 * tests). */
static void test_stopping_on_sigterm(void **state)
{
    (void)state;
    char path[96], note[512];
    snprintf(path, sizeof path, "/tmp/zhibu-e2e-notify2-%d.sock", (int)getpid());
    unlink(path);
    int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    assert_true(fd >= 0);
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    snprintf(sa.sun_path, sizeof sa.sun_path, "%s", path);
    assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof sa), 0);
    setenv("NOTIFY_SOCKET", path, 1);
    struct e2e_server *s = e2e_server_up(&(struct e2e_config){0});
    unsetenv("NOTIFY_SOCKET");
    assert_non_null(s);
    next_note(fd, 3000, note, sizeof note);
    assert_string_equal(note, "READY=1");
    next_note(fd, 700, note, sizeof note); /* no watchdog asked for: no pings */
    assert_string_equal(note, "");
    assert_int_equal(e2e_server_stop(s), 0);
    next_note(fd, 1000, note, sizeof note);
    assert_string_equal(note, "STOPPING=1");
    e2e_server_free(s);
    close(fd);
    unlink(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ready_watchdog_and_damage),
        cmocka_unit_test(test_stopping_on_sigterm),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
