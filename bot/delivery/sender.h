/*
 * sender.h - the outbox sender thread: delivery through the platforms' HTTP APIs.
 *
 * One thread and one curl multi handle with keep-alive connections. It claims due rows
 * (outbox_claim: one row in flight per recipient, queue order per recipient), chooses the
 * channel (channel.h), waits for the platform's token bucket (ratelimit.h), lets the platform's
 * client build the request and judge the answer, and writes the results in batches:
 *   delivered              -> sent
 *   transient (5xx, time-out, busy)    -> pending again after exponential backoff with jitter,
 *                             failed after outbox.max_attempts with the last reason
 *   rate-limited           -> the platform's bucket pauses, the row backs off
 *   token refused          -> the client drops the token; the row is sent again at once, once
 *   channel closed (WeChat 45015/45047/43004, ...) -> the next channel of the recipient, or
 * unreachable never-retry (bad secret, IP not allowed, user refused) -> failed at once with the
 * reason Platform knowledge lives in the clients (webhook/wechat_api.c, onebot_api.c, qqbot_api.c),
 * handed in as struct send_client by the composition root; this file knows only HTTP.
 */
#ifndef ZHIBU_SENDER_H
#define ZHIBU_SENDER_H

#include <stdint.h>

#include "bot/base/buf.h"
#include "bot/delivery/channel.h"
#include "bot/base/err.h"
#include "bot/chat/event.h"
#include "bot/delivery/outbox.h"

#define SEND_BODY_MAX  (64 * 1024) /* largest request body a client may build */
#define SEND_RESP_MAX  (64 * 1024) /* largest response body read; more is a transport error */
#define SEND_MSGID_MAX 127         /* longest platform message id kept from an answer, bytes */

enum send_outcome {
    SEND_OK = 0, /* delivered (or the platform says it already was) */
    SEND_RETRY,  /* transient: back off and try again */
    SEND_RATE,   /* too many requests: pause the platform, back off */
    SEND_TOKEN,  /* access token refused (the client dropped it): send again now, once */
    SEND_CLOSED, /* this channel cannot reach the recipient now: try the recipient's next one */
    SEND_FATAL,  /* never retry: failed with the reason */
};

/* One HTTP request, built by a client's prepare. The sender owns it and reuses it. */
struct send_request {
    char url[1024];     /* full URL (may hold a token: never log it) */
    char auth[1200];    /* an "Authorization: ..." header line, "" for none */
    char extra[256];    /* one more header line, "" for none */
    struct buf body;    /* JSON body, capped at SEND_BODY_MAX */
    unsigned token_gen; /* generation of the token used, for apitoken_invalid */
};

/* What went wrong, for the row: code (platform errcode or ours) and a reason. */
struct send_error {
    char code[64];  /* "40164", "http_500", "timeout", ... */
    char text[512]; /* Chinese reason, with the platform's errmsg when there is one */
};

struct send_client {
    enum platform platform; /* which platform this client speaks */
    void *ctx;              /* the client's state */
    /*
     * prepare - build the request for row on route rt at time now (may fetch a token, which
     * blocks the sender for at most one request time-out). SEND_OK, or the outcome with err set
     * when it cannot (e.g. SEND_FATAL for a bad secret, SEND_RETRY when the token fetch failed).
     */
    enum send_outcome (*prepare)(void *ctx, const struct outbox_row *row,
                                 const struct channel_route *rt, int64_t now,
                                 struct send_request *req, struct send_error *err);
    /*
     * judge - the outcome of an answer: HTTP status and body (NUL-terminated, len bytes). On
     * SEND_TOKEN the client has dropped the token of req->token_gen. err is set unless SEND_OK.
     * On SEND_OK the client may copy the platform's id of the sent message into msg_id
     * (SEND_MSGID_MAX + 1 bytes, "" on entry), only whole: an id that does not fit is left
     * out. The sender keeps it with the row when it is printable ASCII without spaces.
     */
    enum send_outcome (*judge)(void *ctx, const struct channel_route *rt,
                               const struct send_request *req, long status, const char *body,
                               size_t len, char *msg_id, struct send_error *err);
};

struct sender_config {
    long concurrency;                                 /* requests in flight at most */
    long max_attempts;                                /* then failed */
    long backoff_s;                                   /* first retry delay (doubles) */
    long backoff_max_s;                               /* longest delay */
    long timeout_ms;                                  /* per request */
    long rate_pause_s;                                /* a platform's pause after "too many" */
    long rate[PLATFORM_COUNT];                        /* messages per second, 0 = unlimited */
    struct channel_rules rules;                       /* channel choice */
    const struct send_client *client[PLATFORM_COUNT]; /* NULL: platform cannot send */
};

struct sender;

/*
 * sender_start - put rows left "sending" by a crash back to pending and start the thread.
 * cfg and the clients must outlive the sender. ZB_EDB / ZB_EIO on failure.
 */
int sender_start(const struct sender_config *cfg, struct sender **out) ZB_MUST_USE;

/*
 * sender_stop - stop claiming, give requests in flight up to 3 s to finish and record them;
 * abandoned ones go back to pending (they may have arrived: the only repeats). NULL is a no-op.
 */
void sender_stop(struct sender *s);

/* Counters of a running sender (for tests and metrics). */
struct sender_stats {
    unsigned long claims;     /* outbox_claim calls that found rows */
    unsigned long follow_ups; /* rows claimed back to back after their recipient's previous one */
    unsigned long loops;      /* rounds of the sender thread's loop: bounded by the work done and
                                 one a second when idle, never by a throttled queue's wait */
};

/* sender_stats - a snapshot of s's counters into *out (zeros for NULL). Any thread. */
void sender_stats(const struct sender *s, struct sender_stats *out);

/*
 * sender_backoff_s - seconds before attempt `attempt` + 1 after `attempt` failures:
 * base * 2^(attempt-1) capped at max, then "equal jitter": uniform in [d/2, d] from rnd;
 * at least 1.
 */
int64_t sender_backoff_s(int attempt, long base, long max, uint64_t rnd);

/*
 * sender_net_reason - a short Chinese reason for a failed transfer, from libcurl's CURLcode
 * (passed as int): what the secretary reads in `zhibu outbox`, instead of curl's English.
 */
const char *sender_net_reason(int curl_code);

#endif
