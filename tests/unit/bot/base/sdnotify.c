/*
 * Unit tests of bot/base/sdnotify.c: notifications reach a unix datagram socket bound to a path
 * and one in the abstract namespace, as systemd's $NOTIFY_SOCKET names them; bad names and
 * states are refused; the watchdog interval is read only when meant for this process.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include <cmocka.h>

#include "bot/base/sdnotify.h"

/* listen_dgram - a datagram socket bound to name ("/path" or "@abstract"), 1 s receive timeout. */
static int listen_dgram(const char *name)
{
    int fd = socket(AF_UNIX, SOCK_DGRAM, 0);
    assert_true(fd >= 0);
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    size_t n = strlen(name);
    memcpy(sa.sun_path, name, n);
    socklen_t len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n);
    if (name[0] == '@')
        sa.sun_path[0] = '\0';
    else
        len++;
    assert_int_equal(bind(fd, (struct sockaddr *)&sa, len), 0);
    struct timeval tv = {.tv_sec = 1};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    return fd;
}

/* recv_text - the next datagram on fd as a string ("" on timeout). */
static void recv_text(int fd, char *out, size_t outsz)
{
    ssize_t n = recv(fd, out, outsz - 1, 0);
    out[n > 0 ? n : 0] = '\0';
}

static void test_path_socket(void **state)
{
    (void)state;
    char path[96], got[512];
    snprintf(path, sizeof path, "/tmp/zhibu-sdnotify-%d.sock", (int)getpid());
    unlink(path);
    int fd = listen_dgram(path);
    setenv("NOTIFY_SOCKET", path, 1);
    assert_int_equal(sdnotify_send("READY=1"), 0);
    recv_text(fd, got, sizeof got);
    assert_string_equal(got, "READY=1");
    assert_int_equal(sdnotify_send("WATCHDOG=1"), 0);
    recv_text(fd, got, sizeof got);
    assert_string_equal(got, "WATCHDOG=1");
    close(fd);
    /* nobody listening any more: the send fails, it does not block or crash */
    unlink(path);
    assert_int_equal(sdnotify_send("WATCHDOG=1"), ZB_EIO);
    unsetenv("NOTIFY_SOCKET");
}

static void test_abstract_socket(void **state)
{
    (void)state;
    char name[64], got[512];
    snprintf(name, sizeof name, "@zhibu-sdnotify-%d", (int)getpid());
    int fd = listen_dgram(name);
    assert_int_equal(sdnotify_send_to(name, "STOPPING=1"), 0);
    recv_text(fd, got, sizeof got);
    assert_string_equal(got, "STOPPING=1");
    close(fd);
}

static void test_refused(void **state)
{
    (void)state;
    unsetenv("NOTIFY_SOCKET");
    assert_int_equal(sdnotify_send("READY=1"), 1); /* not under a service manager */
    assert_int_equal(sdnotify_send_to("relative.sock", "READY=1"), ZB_EINVAL);
    assert_int_equal(sdnotify_send_to("@", "READY=1"), ZB_EINVAL);
    assert_int_equal(sdnotify_send_to(NULL, "READY=1"), ZB_EINVAL);
    char longname[200];
    memset(longname, 'a', sizeof longname - 1);
    longname[0] = '/';
    longname[sizeof longname - 1] = '\0';
    assert_int_equal(sdnotify_send_to(longname, "READY=1"), ZB_EINVAL);
    char big[SDNOTIFY_STATE_MAX + 2];
    memset(big, 'x', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    assert_int_equal(sdnotify_send_to("/tmp/x.sock", big), ZB_EINVAL);
    assert_int_equal(sdnotify_send_to("/tmp/x.sock", ""), ZB_EINVAL);
}

static void test_watchdog_interval(void **state)
{
    (void)state;
    char pid[24];
    snprintf(pid, sizeof pid, "%d", (int)getpid());
    unsetenv("WATCHDOG_USEC");
    unsetenv("WATCHDOG_PID");
    assert_int_equal(sdnotify_watchdog_us(), 0);
    setenv("WATCHDOG_USEC", "30000000", 1);
    assert_int_equal(sdnotify_watchdog_us(), 30000000);
    setenv("WATCHDOG_PID", pid, 1);
    assert_int_equal(sdnotify_watchdog_us(), 30000000);
    setenv("WATCHDOG_PID", "1", 1); /* meant for another process */
    assert_int_equal(sdnotify_watchdog_us(), 0);
    unsetenv("WATCHDOG_PID");
    setenv("WATCHDOG_USEC", "-5", 1);
    assert_int_equal(sdnotify_watchdog_us(), 0);
    setenv("WATCHDOG_USEC", "12x", 1);
    assert_int_equal(sdnotify_watchdog_us(), 0);
    unsetenv("WATCHDOG_USEC");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_path_socket),
        cmocka_unit_test(test_abstract_socket),
        cmocka_unit_test(test_refused),
        cmocka_unit_test(test_watchdog_interval),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
