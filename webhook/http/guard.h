/*
 * guard.h - the connection guard of the HTTP edge: a total deadline on receiving each request,
 * and a cap on the connections one client address holds.
 *
 * libmicrohttpd's own timeout is an idle timeout that restarts on every byte, so a client that
 * sends one header line every few seconds keeps its connection (and its slot of
 * server.connection_limit) for ever. The guard tracks every connection through libmicrohttpd's
 * connection notification: from accept (and, on a kept-alive connection, from the end of the
 * previous request) the whole request - headers and body - must arrive within
 * server.request_timeout_s; a reaper thread shuts the socket of a connection past its deadline
 * and libmicrohttpd closes it. A connection whose request is complete (running, suspended or
 * being answered) is not timed by the guard. The accept policy refuses a new connection from an
 * address that already holds server.max_conns_per_ip, unless the address is one of
 * server.trusted_proxies (a reverse proxy: every request comes from it).
 */
#ifndef ZHIBU_HTTP_GUARD_H
#define ZHIBU_HTTP_GUARD_H

#include <stdbool.h>
#include <sys/socket.h>

#include "bot/base/err.h"

#define GUARD_TRUSTED_MAX 16 /* addresses in server.trusted_proxies */

struct guard;
struct MHD_Connection;

/*
 * guard_parse_trusted - check a server.trusted_proxies value: IP addresses separated by commas
 * (spaces allowed), at most GUARD_TRUSTED_MAX. ZB_OK, or ZB_ECONFIG with err naming the bad
 * entry.
 */
int guard_parse_trusted(const char *list, char *err, size_t errsz) ZB_MUST_USE;

/*
 * guard_start - a guard with the request deadline timeout_s (seconds), max_per_ip connections
 * per address and the trusted list (as guard_parse_trusted accepts), and its reaper thread.
 * NULL (err set) on failure. Free with guard_stop after the daemon is stopped.
 */
struct guard *guard_start(long timeout_s, long max_per_ip, const char *trusted, char *err,
                          size_t errsz);
/* guard_stop - stop the reaper and free g. NULL is a no-op. */
void guard_stop(struct guard *g);

/* guard_accept - libmicrohttpd's accept policy callback (cls is the guard): true to accept. */
bool guard_accept(struct guard *g, const struct sockaddr *addr, socklen_t len);
/* guard_opened - a connection started (its notification): count and time it. */
void guard_opened(struct guard *g, struct MHD_Connection *conn, void **socket_ctx);
/* guard_closed - the connection closed: uncount it, stop timing it. */
void guard_closed(struct guard *g, void **socket_ctx);
/* guard_received - the connection's current request is complete: stop timing it. */
void guard_received(struct MHD_Connection *conn);
/* guard_next - the connection's request ended; the next one on it must arrive in time. */
void guard_next(struct guard *g, struct MHD_Connection *conn);

#endif
