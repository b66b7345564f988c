/*
 * guard.c - request deadlines and per-address connection counts (see guard.h).
 *
 * One mutex guards the list of open connections (their slots) and the table of counts per
 * address. A slot is removed in the connection's CLOSED notification, which libmicrohttpd sends
 * before it closes the socket; the reaper shuts sockets down only under the same mutex, so it
 * never touches a descriptor that was closed and reused.
 */
#include "webhook/http/guard.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bot/base/ct.h"
#include "bot/base/log.h"
#include "bot/base/xmalloc.h"

#define KEY_LEN       17  /* address family byte, then 16 address bytes */
#define BUCKETS       256 /* of the count table */
#define REAP_EVERY_MS 200 /* the reaper's period */
#define ADDR_TEXT_MAX 64  /* one address of the trusted list */

struct ipcount {
    unsigned char key[KEY_LEN]; /* the address */
    long n;                     /* its open connections */
    struct ipcount *next;       /* bucket chain */
};

struct slot {
    struct guard *g;            /* owner */
    int fd;                     /* the connection's socket */
    unsigned char key[KEY_LEN]; /* its client address, counted */
    bool counted;               /* key was counted in the table */
    bool timed;                 /* a request is being received: deadline applies */
    bool shut;                  /* the reaper shut it down */
    int64_t deadline_ms;        /* monotonic ms by which the request must be complete */
    struct slot *prev, *next;   /* the open list */
};

struct guard {
    pthread_mutex_t mu;                                /* everything below */
    pthread_cond_t cv;                                 /* stop, on CLOCK_MONOTONIC */
    pthread_t tid;                                     /* the reaper */
    bool stop;                                         /* guard_stop began */
    long timeout_ms;                                   /* server.request_timeout_s */
    long max_per_ip;                                   /* server.max_conns_per_ip */
    unsigned char trusted[GUARD_TRUSTED_MAX][KEY_LEN]; /* server.trusted_proxies */
    size_t ntrusted;                                   /* entries used */
    struct ipcount *buckets[BUCKETS];                  /* counts per address */
    struct slot *head;                                 /* open connections */
    unsigned long long reaped, refused;                /* for the stop log line */
};

static int64_t mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* key_of - the key of a socket address (IPv4-mapped IPv6 as IPv4). false for other families. */
static bool key_of(const struct sockaddr *sa, socklen_t len, unsigned char key[KEY_LEN])
{
    memset(key, 0, KEY_LEN);
    if (sa && sa->sa_family == AF_INET && len >= (socklen_t)sizeof(struct sockaddr_in)) {
        key[0] = 4;
        memcpy(key + 1, &((const struct sockaddr_in *)sa)->sin_addr, 4);
        return true;
    }
    if (sa && sa->sa_family == AF_INET6 && len >= (socklen_t)sizeof(struct sockaddr_in6)) {
        const struct in6_addr *a = &((const struct sockaddr_in6 *)sa)->sin6_addr;
        if (IN6_IS_ADDR_V4MAPPED(a)) {
            key[0] = 4;
            memcpy(key + 1, a->s6_addr + 12, 4);
        } else {
            key[0] = 6;
            memcpy(key + 1, a->s6_addr, 16);
        }
        return true;
    }
    return false;
}

/* key_parse - one address as text into key. */
static bool key_parse(const char *text, unsigned char key[KEY_LEN])
{
    struct sockaddr_in a4 = {.sin_family = AF_INET};
    struct sockaddr_in6 a6 = {.sin6_family = AF_INET6};
    if (inet_pton(AF_INET, text, &a4.sin_addr) == 1)
        return key_of((struct sockaddr *)&a4, sizeof a4, key);
    if (inet_pton(AF_INET6, text, &a6.sin6_addr) == 1)
        return key_of((struct sockaddr *)&a6, sizeof a6, key);
    return false;
}

/* each_trusted - call fn on each entry of list; stops at the first false. ZB_ECONFIG with err
 * set on a malformed entry or too many. */
static int each_trusted(const char *list, bool (*fn)(void *arg, const unsigned char *key),
                        void *arg, char *err, size_t errsz)
{
    size_t count = 0;
    for (const char *p = list; *p;) {
        while (*p == ' ' || *p == ',')
            p++;
        if (!*p)
            break;
        size_t n = strcspn(p, ", ");
        char text[ADDR_TEXT_MAX];
        unsigned char key[KEY_LEN];
        if (n >= sizeof text || (memcpy(text, p, n), text[n] = '\0', !key_parse(text, key))) {
            snprintf(err, errsz, "配置项 \"server.trusted_proxies\"：\"%.*s\" 不是 IP 地址",
                     (int)(n > 60 ? 60 : n), p);
            return ZB_ECONFIG;
        }
        if (++count > GUARD_TRUSTED_MAX) {
            snprintf(err, errsz, "配置项 \"server.trusted_proxies\"：最多 %d 个地址",
                     GUARD_TRUSTED_MAX);
            return ZB_ECONFIG;
        }
        if (fn && !fn(arg, key))
            break;
        p += n;
    }
    return ZB_OK;
}

int guard_parse_trusted(const char *list, char *err, size_t errsz)
{
    return each_trusted(list, NULL, NULL, err, errsz);
}

static bool add_trusted(void *arg, const unsigned char *key)
{
    struct guard *g = arg;
    memcpy(g->trusted[g->ntrusted++], key, KEY_LEN);
    return true;
}

static unsigned bucket_of(const unsigned char key[KEY_LEN])
{
    uint32_t h = 2166136261u; /* FNV-1a */
    for (int i = 0; i < KEY_LEN; i++)
        h = (h ^ key[i]) * 16777619u;
    return h % BUCKETS;
}

/* count_of - the entry of key, created when add; NULL when absent and not add. Under mu. */
static struct ipcount *count_of(struct guard *g, const unsigned char key[KEY_LEN], bool add)
{
    struct ipcount **b = &g->buckets[bucket_of(key)];
    for (struct ipcount *c = *b; c; c = c->next)
        if (ct_memeq(c->key, key, KEY_LEN))
            return c;
    if (!add)
        return NULL;
    struct ipcount *c = xcalloc(1, sizeof *c);
    memcpy(c->key, key, KEY_LEN);
    c->next = *b;
    *b = c;
    return c;
}

/* uncount - one connection of key closed; the entry goes at zero. Under mu. */
static void uncount(struct guard *g, const unsigned char key[KEY_LEN])
{
    struct ipcount **p = &g->buckets[bucket_of(key)];
    for (; *p; p = &(*p)->next)
        if (ct_memeq((*p)->key, key, KEY_LEN)) {
            if (--(*p)->n <= 0) {
                struct ipcount *dead = *p;
                *p = dead->next;
                free(dead);
            }
            return;
        }
}

static bool is_trusted(const struct guard *g, const unsigned char key[KEY_LEN])
{
    for (size_t i = 0; i < g->ntrusted; i++)
        if (ct_memeq(g->trusted[i], key, KEY_LEN))
            return true;
    return false;
}

/* reaper - shut down the sockets of connections past their deadline, every REAP_EVERY_MS. */
static void *reaper(void *arg)
{
    struct guard *g = arg;
    pthread_mutex_lock(&g->mu);
    while (!g->stop) {
        struct timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        ts.tv_nsec += REAP_EVERY_MS * 1000000L;
        if (ts.tv_nsec >= 1000000000L) {
            ts.tv_sec++;
            ts.tv_nsec -= 1000000000L;
        }
        pthread_cond_timedwait(&g->cv, &g->mu, &ts);
        int64_t now = mono_ms();
        unsigned n = 0;
        for (struct slot *s = g->head; s; s = s->next)
            if (s->timed && !s->shut && now >= s->deadline_ms) {
                shutdown(s->fd, SHUT_RDWR); /* libmicrohttpd sees the end and closes it */
                s->shut = true;
                n++;
            }
        if (n) {
            g->reaped += n;
            log_info("http: %u connections dropped: request not received within %ld s", n,
                     g->timeout_ms / 1000);
        }
    }
    pthread_mutex_unlock(&g->mu);
    return NULL;
}

struct guard *guard_start(long timeout_s, long max_per_ip, const char *trusted, char *err,
                          size_t errsz)
{
    struct guard *g = xcalloc(1, sizeof *g);
    g->timeout_ms = timeout_s * 1000;
    g->max_per_ip = max_per_ip;
    if (each_trusted(trusted, add_trusted, g, err, errsz)) {
        free(g);
        return NULL;
    }
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&g->cv, &ca);
    pthread_condattr_destroy(&ca);
    pthread_mutex_init(&g->mu, NULL);
    if (pthread_create(&g->tid, NULL, reaper, g)) {
        snprintf(err, errsz, "cannot start the connection guard thread");
        pthread_cond_destroy(&g->cv);
        pthread_mutex_destroy(&g->mu);
        free(g);
        return NULL;
    }
    return g;
}

void guard_stop(struct guard *g)
{
    if (!g)
        return;
    pthread_mutex_lock(&g->mu);
    g->stop = true;
    pthread_cond_signal(&g->cv);
    pthread_mutex_unlock(&g->mu);
    pthread_join(g->tid, NULL);
    if (g->reaped || g->refused)
        log_info("http: %llu connections dropped at their deadline, %llu refused over the "
                 "per-address limit",
                 g->reaped, g->refused);
    for (int i = 0; i < BUCKETS; i++)
        while (g->buckets[i]) {
            struct ipcount *c = g->buckets[i];
            g->buckets[i] = c->next;
            free(c);
        }
    while (g->head) { /* none after MHD_stop_daemon; kept safe all the same */
        struct slot *s = g->head;
        g->head = s->next;
        free(s);
    }
    pthread_cond_destroy(&g->cv);
    pthread_mutex_destroy(&g->mu);
    free(g);
}

bool guard_accept(struct guard *g, const struct sockaddr *addr, socklen_t len)
{
    unsigned char key[KEY_LEN];
    if (!key_of(addr, len, key))
        return true;
    pthread_mutex_lock(&g->mu);
    bool ok = true;
    if (!is_trusted(g, key)) {
        const struct ipcount *c = count_of(g, key, false);
        ok = !c || c->n < g->max_per_ip;
        if (!ok && g->refused++ % 100 == 0)
            log_warn("http: a client address holds %ld connections; refusing more", g->max_per_ip);
    }
    pthread_mutex_unlock(&g->mu);
    return ok;
}

void guard_opened(struct guard *g, struct MHD_Connection *conn, void **socket_ctx)
{
    struct slot *s = xcalloc(1, sizeof *s);
    s->g = g;
    s->fd = -1;
    const union MHD_ConnectionInfo *fdi =
        MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CONNECTION_FD);
    if (fdi)
        s->fd = fdi->connect_fd;
    const union MHD_ConnectionInfo *ai =
        MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    const struct sockaddr *sa = ai ? ai->client_addr : NULL;
    socklen_t salen = !sa                         ? 0
                      : sa->sa_family == AF_INET6 ? (socklen_t)sizeof(struct sockaddr_in6)
                                                  : (socklen_t)sizeof(struct sockaddr_in);
    s->timed = s->fd >= 0;
    s->deadline_ms = mono_ms() + g->timeout_ms;
    pthread_mutex_lock(&g->mu);
    if (key_of(sa, salen, s->key)) {
        count_of(g, s->key, true)->n++;
        s->counted = true;
    }
    s->next = g->head;
    if (g->head)
        g->head->prev = s;
    g->head = s;
    pthread_mutex_unlock(&g->mu);
    *socket_ctx = s;
}

void guard_closed(struct guard *g, void **socket_ctx)
{
    struct slot *s = *socket_ctx;
    if (!s)
        return;
    pthread_mutex_lock(&g->mu);
    if (s->counted)
        uncount(g, s->key);
    if (s->prev)
        s->prev->next = s->next;
    else
        g->head = s->next;
    if (s->next)
        s->next->prev = s->prev;
    pthread_mutex_unlock(&g->mu);
    free(s);
    *socket_ctx = NULL;
}

/* slot_of - the guard's slot of conn, or NULL. */
static struct slot *slot_of(struct MHD_Connection *conn)
{
    const union MHD_ConnectionInfo *i =
        MHD_get_connection_info(conn, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
    return i ? i->socket_context : NULL;
}

void guard_received(struct MHD_Connection *conn)
{
    struct slot *s = slot_of(conn);
    if (!s)
        return;
    pthread_mutex_lock(&s->g->mu);
    s->timed = false;
    pthread_mutex_unlock(&s->g->mu);
}

void guard_next(struct guard *g, struct MHD_Connection *conn)
{
    struct slot *s = slot_of(conn);
    if (!s)
        return;
    pthread_mutex_lock(&g->mu);
    s->timed = s->fd >= 0;
    s->deadline_ms = mono_ms() + g->timeout_ms;
    pthread_mutex_unlock(&g->mu);
}
