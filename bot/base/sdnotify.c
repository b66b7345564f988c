/*
 * sdnotify.c - sd_notify over a unix datagram socket (see sdnotify.h).
 */
#include "bot/base/sdnotify.h"

#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

int sdnotify_send_to(const char *socket_name, const char *state)
{
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    size_t n = socket_name ? strlen(socket_name) : 0;
    size_t len = strlen(state);
    if (n < 2 || n >= sizeof sa.sun_path || (socket_name[0] != '/' && socket_name[0] != '@') ||
        len == 0 || len > SDNOTIFY_STATE_MAX)
        return ZB_EINVAL;
    memcpy(sa.sun_path, socket_name, n);
    socklen_t salen = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n);
    if (socket_name[0] == '@')
        sa.sun_path[0] = '\0'; /* abstract: the name is exactly n bytes, no terminator */
    else
        salen++; /* a path includes its terminating NUL */
    int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return ZB_EIO;
    ssize_t sent;
    do
        sent = sendto(fd, state, len, MSG_NOSIGNAL, (struct sockaddr *)&sa, salen);
    while (sent < 0 && errno == EINTR);
    close(fd);
    return sent == (ssize_t)len ? ZB_OK : ZB_EIO;
}

int sdnotify_send(const char *state)
{
    const char *name = getenv("NOTIFY_SOCKET");
    if (!name || !*name)
        return 1;
    return sdnotify_send_to(name, state);
}

int64_t sdnotify_watchdog_us(void)
{
    const char *us = getenv("WATCHDOG_USEC");
    const char *pid = getenv("WATCHDOG_PID");
    if (!us || !*us)
        return 0;
    if (pid && *pid) {
        char *end;
        long long p = strtoll(pid, &end, 10);
        if (*end || p != (long long)getpid())
            return 0;
    }
    char *end;
    long long v = strtoll(us, &end, 10);
    return *end || v <= 0 ? 0 : (int64_t)v;
}
