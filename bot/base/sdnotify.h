/*
 * sdnotify.h - the service manager's notification protocol (sd_notify(3)) without libsystemd:
 * one datagram of "KEY=VALUE" lines sent to the unix socket named by $NOTIFY_SOCKET (a path, or
 * "@name" for the abstract namespace). systemd's Type=notify waits for READY=1; WatchdogSec=
 * expects WATCHDOG=1 at least every $WATCHDOG_USEC microseconds.
 */
#ifndef ZHIBU_SDNOTIFY_H
#define ZHIBU_SDNOTIFY_H

#include <stdint.h>

#include "bot/base/err.h"

#define SDNOTIFY_STATE_MAX 256 /* bytes of one notification */

/*
 * sdnotify_send - send state (e.g. "READY=1", "WATCHDOG=1", "STOPPING=1") to $NOTIFY_SOCKET.
 * ZB_OK when sent, 1 when no socket is configured (not run by a service manager), ZB_EINVAL for
 * an unusable socket name or a state over SDNOTIFY_STATE_MAX, ZB_EIO when sending failed.
 */
int sdnotify_send(const char *state) ZB_MUST_USE;

/* sdnotify_send_to - the same to the socket named socket_name (as $NOTIFY_SOCKET would be). */
int sdnotify_send_to(const char *socket_name, const char *state) ZB_MUST_USE;

/*
 * sdnotify_watchdog_us - the watchdog interval the service manager asks for: $WATCHDOG_USEC
 * when set, positive and meant for this process ($WATCHDOG_PID absent or equal to getpid()),
 * else 0 (no watchdog).
 */
int64_t sdnotify_watchdog_us(void);

#endif
