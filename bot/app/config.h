/*
 * config.h - the configuration: one JSON file, validated entirely at start-up.
 *
 * Every key lives in one table (config.c) with its type, bounds, default, environment variable
 * and one line of documentation; `zhibu help config` prints it. Unknown keys, wrong types and
 * out-of-range values are errors that name the key. Secrets may come from the environment.
 */
#ifndef ZHIBU_CONFIG_H
#define ZHIBU_CONFIG_H

#include <stdbool.h>
#include <stdio.h>

#include "bot/base/err.h"

struct channel_template;

struct config {
    char *path;             /* the file this was loaded from */
    char *listen;           /* "HOST:PORT" the server binds */
    char *database;         /* SQLite file */
    char *timezone;         /* IANA zone used to show times, e.g. "Asia/Shanghai" */
    char *log_level;        /* debug | info | warn | error */
    bool durability_power;  /* storage.durability == "power": synchronous=FULL */
    bool testing;           /* testing: the clock may come from ZHIBU_TEST_NOW_FILE */
    long body_limit;        /* server.body_limit: largest request body in bytes */
    long threads;           /* server.threads: worker threads, 0 = one per core */
    long connection_limit;  /* server.connection_limit: open connections at most */
    long request_timeout_s; /* server.request_timeout_s: a request must arrive within it */
    long max_conns_per_ip;  /* server.max_conns_per_ip: open connections of one address */
    char *trusted_proxies;  /* server.trusted_proxies: addresses exempt from it, comma-separated */
    char *public_url;       /* server.public_url: base of pages and links, no trailing '/' */
    char *link_secret;      /* server.link_secret: key of signed links, "" = kept in the DB */
    long session_ttl_s;     /* session.ttl_s: a multi-turn conversation expires after this */
    struct {
        bool require_review;  /* tasks.require_review: a second committee member approves */
        long remind_after_h;  /* tasks.remind_after_h: first reminder after sending, 0 = none */
        long remind_before_h; /* tasks.remind_before_h: second before the deadline, 0 = none */
    } tasks;
    struct {
        bool enabled;            /* serve /wechat */
        char *app_id;            /* AppID: the receive-id inside encrypted messages */
        char *app_secret;        /* AppSecret, for the API (secret) */
        char *token;             /* the Token set in the console (secret) */
        char *encoding_aes_key;  /* EncodingAESKey, "" = plaintext mode only (secret) */
        char *mode;              /* plain | compatible | safe; "" = safe with a key, else plain */
        long timestamp_window_s; /* reject requests further than this from now; 0 = off */
        char *api_base;          /* https://api.weixin.qq.com, or a fake in tests */
        long cs_window_s;        /* customer-service window after a member's message */
        long cs_limit;           /* customer-service messages allowed in that window */
        char *template_id[4];    /* template message per outbox kind, "" = none */
        char *subscribe_id[4];   /* subscription notice (bizsend) per outbox kind, "" = none */
        char *template_field;    /* data key that carries the text when a row has no data */
        struct channel_template *templates; /* wechat.templates, then the old keys (owned) */
        size_t ntemplates;                  /* entries in templates */
    } wechat;
    struct {
        bool enabled;           /* serve /wechat/mini */
        char *app_id;           /* the mini-program's AppID: receive-id of encrypted pushes */
        char *app_secret;       /* AppSecret, for access tokens (secret) */
        char *token;            /* the message push Token set in the console (secret) */
        char *encoding_aes_key; /* EncodingAESKey, "" = plaintext only (secret) */
        char *mode;             /* plain | compatible | safe (resolved at load) */
        char *api_base;         /* https://api.weixin.qq.com, or a fake in tests */
        struct channel_template *templates; /* wxmini.templates: subscribe messages (owned) */
        size_t ntemplates;                  /* entries in templates */
    } wxmini;
    struct {
        bool enabled;       /* serve /qq/onebot */
        char *secret;       /* X-Signature HMAC-SHA1 key; "" = unsigned (secret) */
        char *access_token; /* Bearer token for the OneBot HTTP API (secret) */
        char *self_id;      /* the bot's QQ number; checked against X-Self-ID when set */
        char *api_base;     /* the OneBot implementation's HTTP API, e.g. http://127.0.0.1:5700 */
        char *group_prefix; /* a group message starting with this is addressed to zhibu */
    } onebot;
    struct {
        bool enabled;            /* serve /qq/bot */
        char *app_id;            /* the bot's AppID */
        char *secret;            /* the bot's AppSecret: signs callbacks, fetches tokens (secret) */
        char *api_base;          /* https://api.sgroup.qq.com, or a fake in tests */
        char *token_url;         /* https://bots.qq.com/app/getAppAccessToken, or a fake */
        bool active_push;        /* send active (non-reply) messages; the platform restricts them */
        char *group_prefix;      /* GROUP_MESSAGE_CREATE starting with this is addressed */
        long timestamp_window_s; /* refuse callbacks signed further than this from now */
    } qqbot;
    struct {
        long concurrency;    /* requests in flight at most */
        long max_attempts;   /* attempts before a row is failed */
        long backoff_s;      /* first retry delay, doubling */
        long backoff_max_s;  /* longest retry delay */
        long timeout_ms;     /* per request */
        long rate_pause_s;   /* a platform's pause after a rate-limit answer */
        long keep_days;      /* sent rows are deleted after this; 0 = never */
        char *channel_order; /* "wechat,onebot,qqbot": a member's platforms in order */
    } outbox;
    struct {
        long wechat, onebot, qqbot; /* messages per second per platform, 0 = unlimited */
    } ratelimit;
    struct {
        bool enabled;          /* serve the REST door under /api/v1 */
        long token_ttl_s;      /* a bearer token expires this long after it was issued */
        long rate_per_min;     /* requests per token per minute; more answer 429 */
        long login_timeout_ms; /* jscode2session slower than this answers 504 */
        long login_per_min;    /* logins per client address per minute, 0 = no cap */
    } api;
    struct {
        long questions_per_round; /* quiz.questions_per_round */
        long contest_seconds;     /* quiz.contest_seconds: time per contest question */
        char *bank_dir;           /* quiz.bank_dir: bundled banks the demo imports */
    } quiz;
    struct {
        long review_levels;    /* content.review_levels: 1, or 2 for a second signature */
        char *sensitive_words; /* content.sensitive_words: word list file, "" = none */
    } content;
    struct {
        char *digest_time;     /* study.digest_time: "HH:MM" local */
        long daily_points_cap; /* study.daily_points_cap: study and quiz points a day at most */
        char *audiences;       /* study.audiences as JSON text ("{}" = none) */
        bool show_rankings;    /* study.show_rankings: names in contest results */
    } study;
    struct {
        long checkin_before_min;   /* check-in opens this many minutes before the start */
        long checkin_after_min;    /* and closes this many after it */
        bool quorum_leave_shrinks; /* leave takes a member out of the quorum's denominator */
        long lessons_per_year;     /* 党课 required a year (the sources conflict) */
        long quiet_days;           /* flag a branch that held nothing for this long */
    } meetings;
    struct {
        char *employed_rates;    /* "3000:0.5,5000:1,10000:1.5,*:2": bound in yuan : percent */
        char *retired_rates;     /* "5000:0.5,*:1" */
        char *flat;              /* yuan a month for students, low-income, unemployed */
        char *farmer;            /* yuan a month for farmers, 0.20..1.00 */
        char *rounding;          /* half_up | down | up, to the fen */
        char *probationary_from; /* admission | approval (domain.md CONFLICT) */
        long reminder_day;       /* day of the month of the reminder */
        long backpay_months;     /* months a back payment covers without confirmation */
    } dues;
    struct {
        char *routes;               /* transfer.routes: "FROM -> TO : HOP, ...; ..." */
        char *approvers;            /* transfer.approvers: "ORG : ROLE, ROLE; ..." */
        long remind_after_days;     /* an idle step reminds its approver after this long */
        long validity_city_days;    /* a letter within the city (domain.md CONFLICT) */
        long validity_outside_days; /* a letter outside the city */
        long validity_max_days;     /* the longest letter (3 months; 6 across provinces) */
        long expiry_warn_days;      /* warn this many days before a letter expires */
    } transfer;
};

/*
 * config_resolve_path - the config file to use: explicit (when not NULL), else $ZHIBU_CONFIG,
 * else config/zhibu.json if it exists, else the demo config/zhibu.example.json
 * (CONFIG_DEMO_PATH). Static or env storage; do not free. config_load reads a relative
 * "database" as relative to the config file's directory.
 */
#define CONFIG_DEMO_PATH "config/zhibu.example.json"
const char *config_resolve_path(const char *explicit_path);

/*
 * config_load - read and validate path. On ZB_OK *out is the config (free with config_free).
 * On error, err (size errsz) holds one line naming the file and key, and *out is NULL.
 */
int config_load(const char *path, struct config **out, char *err, size_t errsz) ZB_MUST_USE;
void config_free(struct config *c);
/* config_str - the value of a string key ("qqbot.app_id") of c, NULL for an unknown key, a
 * key that is not a string, or a secret. Borrowed from c. */
const char *config_str(const struct config *c, const char *key);

/* config_print_doc - the table of keys, types, defaults and documentation, for `help config`. */
void config_print_doc(FILE *f);

#endif
