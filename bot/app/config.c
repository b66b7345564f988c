/*
 * config.c - load and validate the JSON configuration against one table of keys.
 *
 * The table below is the single source of truth: each entry names a dotted key, its type,
 * bounds, default, optional environment variable and a line of documentation. Loading walks the
 * JSON object, rejects unknown keys and wrong types by name, fills defaults, applies the
 * environment, and then checks what no single key can (listen address, time zone).
 */
#include "bot/app/config.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bot/base/log.h"
#include "bot/base/xmalloc.h"
#include "bot/delivery/channel.h"
#include "bot/delivery/notify.h"
#include "handlers/quiz/quiz.h"
#include "handlers/dues/dues.h"
#include "handlers/transfer/transfer.h"
#include "webhook/http/guard.h"

#define CONFIG_MAX_FILE (1024 * 1024)

enum ktype { K_STR, K_INT, K_BOOL, K_OBJ };

#define CONFIG_TEMPLATES_MAX 64 /* entries of wechat.templates */

struct key {
    const char *name;    /* dotted path in the JSON file */
    enum ktype type;     /* JSON type expected */
    size_t off;          /* offset of the field in struct config */
    long min, max;       /* K_INT bounds, inclusive */
    const char *def;     /* default as text: string value, number, "true"/"false" */
    const char *env;     /* environment variable that overrides the file, or NULL */
    const char *choices; /* K_STR: "a|b|c" allowed values, or NULL for any */
    const char *doc;     /* one line for `zhibu help config` */
};

#define F(field) offsetof(struct config, field)

static const struct key keys[] = {
    {"listen", K_STR, F(listen), 0, 0, "127.0.0.1:8080", NULL, NULL,
     "address and port the server binds, HOST:PORT ([::1]:PORT for IPv6)"},
    {"database", K_STR, F(database), 0, 0, "var/zhibu.db", NULL, NULL,
     "SQLite database file; created with its directory on first start"},
    {"timezone", K_STR, F(timezone), 0, 0, "Asia/Shanghai", NULL, NULL,
     "IANA time zone for dates shown to people and for scheduled jobs"},
    {"log_level", K_STR, F(log_level), 0, 0, "info", "ZHIBU_LOG_LEVEL", "debug|info|warn|error",
     "lowest level of log lines written to stderr"},
    {"storage.durability", K_BOOL, F(durability_power), 0, 0, "normal", NULL, "normal|power",
     "\"normal\": a reply is durable across a crash of zhibu; \"power\": also across power loss"},
    {"testing", K_BOOL, F(testing), 0, 0, "false", NULL, NULL,
     "test mode: the clock may be read from ZHIBU_TEST_NOW_FILE; never in production"},
    {"server.body_limit", K_INT, F(body_limit), 1024, 16 * 1024 * 1024, "65536", NULL, NULL,
     "largest request body accepted, in bytes; larger gets 413"},
    {"server.threads", K_INT, F(threads), 0, 256, "0", NULL, NULL,
     "HTTP worker threads; 0 = one per CPU core"},
    {"server.connection_limit", K_INT, F(connection_limit), 4, 100000, "1024", NULL, NULL,
     "most open client connections at once"},
    {"server.request_timeout_s", K_INT, F(request_timeout_s), 1, 300, "15", NULL, NULL,
     "a request's headers and body must all arrive within this many seconds of its start"},
    {"server.max_conns_per_ip", K_INT, F(max_conns_per_ip), 1, 100000, "32", NULL, NULL,
     "most open connections from one client address (trusted proxies excepted)"},
    {"server.trusted_proxies", K_STR, F(trusted_proxies), 0, 0, "127.0.0.1,::1", NULL, NULL,
     "addresses exempt from max_conns_per_ip (a reverse proxy): a list, or one comma-separated "
     "string"},
    {"server.public_url", K_STR, F(public_url), 0, 0, "", NULL, NULL,
     "https base URL members' phones open for pages and signed links; empty = http://LISTEN"},
    {"server.link_secret", K_STR, F(link_secret), 0, 0, "", "ZHIBU_LINK_SECRET", NULL,
     "key of signed links, 16+ bytes (secret); empty = generated once and kept in the database"},
    {"session.ttl_s", K_INT, F(session_ttl_s), 30, 7 * 86400, "1800", NULL, NULL,
     "a multi-turn conversation (and \"+ more\" pages) expires after this many seconds"},
    {"wechat.enabled", K_BOOL, F(wechat.enabled), 0, 0, "false", NULL, NULL,
     "serve the WeChat official account at /wechat"},
    {"wechat.app_id", K_STR, F(wechat.app_id), 0, 0, "", NULL, NULL,
     "AppID of the account; required with encoding_aes_key (checked in every encrypted message)"},
    {"wechat.app_secret", K_STR, F(wechat.app_secret), 0, 0, "", "ZHIBU_WECHAT_APP_SECRET", NULL,
     "AppSecret, for the platform API (secret)"},
    {"wechat.token", K_STR, F(wechat.token), 0, 0, "", "ZHIBU_WECHAT_TOKEN", NULL,
     "Token set in the console's server configuration (secret); required when enabled"},
    {"wechat.encoding_aes_key", K_STR, F(wechat.encoding_aes_key), 0, 0, "", "ZHIBU_WECHAT_AES_KEY",
     NULL, "EncodingAESKey, 43 characters (secret); empty = plaintext mode only"},
    {"wechat.mode", K_STR, F(wechat.mode), 0, 0, "", NULL, NULL,
     "message encryption as set in the console: plain, compatible (both) or safe (encrypted "
     "only); empty = safe when encoding_aes_key is set, else plain"},
    {"wechat.timestamp_window_s", K_INT, F(wechat.timestamp_window_s), 0, 86400 * 365, "300", NULL,
     NULL, "reject requests whose timestamp is further than this from now; 0 = no check"},
    {"wechat.api_base", K_STR, F(wechat.api_base), 0, 0, "https://api.weixin.qq.com", NULL, NULL,
     "base URL of the WeChat API (a fake server in tests)"},
    {"wechat.cs_window_s", K_INT, F(wechat.cs_window_s), 60, 7 * 86400, "172800", NULL, NULL,
     "customer-service messages may be sent this long after a member's own message (48 h)"},
    {"wechat.cs_limit", K_INT, F(wechat.cs_limit), 0, 1000, "5", NULL, NULL,
     "customer-service messages per window; then template messages; 0 = never customer service"},
    {"wechat.templates", K_OBJ, 0, 0, 0, "{}", NULL, NULL,
     "per message kind (a notify kind like meeting.reminder, or reply|reminder|broadcast|digest): "
     "{\"id\": TEMPLATE_ID, \"fields\": {\"thing1\": \"title\", \"time2\": \"time\", ...}, "
     "\"type\": \"template\"|\"subscribe\"}; fields map the template's keys to notify's "
     "title|time|place|status|link|text (values cut to the platform's limits); used outside the "
     "customer-service window, template before subscribe"},
    {"wechat.template.reply", K_STR, F(wechat.template_id[0]), 0, 0, "", NULL, NULL,
     "deprecated (still loads, with a warning): wechat.templates.reply {\"id\"}"},
    {"wechat.template.reminder", K_STR, F(wechat.template_id[1]), 0, 0, "", NULL, NULL,
     "deprecated: wechat.templates.reminder {\"id\"}"},
    {"wechat.template.broadcast", K_STR, F(wechat.template_id[2]), 0, 0, "", NULL, NULL,
     "deprecated: wechat.templates.broadcast {\"id\"}"},
    {"wechat.template.digest", K_STR, F(wechat.template_id[3]), 0, 0, "", NULL, NULL,
     "deprecated: wechat.templates.digest {\"id\"}"},
    {"wechat.subscribe.reply", K_STR, F(wechat.subscribe_id[0]), 0, 0, "", NULL, NULL,
     "deprecated: wechat.templates.reply {\"id\", \"type\": \"subscribe\"}"},
    {"wechat.subscribe.reminder", K_STR, F(wechat.subscribe_id[1]), 0, 0, "", NULL, NULL,
     "deprecated: wechat.templates.reminder {\"id\", \"type\": \"subscribe\"}"},
    {"wechat.subscribe.broadcast", K_STR, F(wechat.subscribe_id[2]), 0, 0, "", NULL, NULL,
     "deprecated: wechat.templates.broadcast {\"id\", \"type\": \"subscribe\"}"},
    {"wechat.subscribe.digest", K_STR, F(wechat.subscribe_id[3]), 0, 0, "", NULL, NULL,
     "deprecated: wechat.templates.digest {\"id\", \"type\": \"subscribe\"}"},
    {"wechat.template_field", K_STR, F(wechat.template_field), 0, 0, "content", NULL, NULL,
     "template data key that carries the text of a message queued without data"},
    {"onebot.enabled", K_BOOL, F(onebot.enabled), 0, 0, "false", NULL, NULL,
     "serve a OneBot v11 implementation's HTTP POST reports at /qq/onebot"},
    {"onebot.secret", K_STR, F(onebot.secret), 0, 0, "", "ZHIBU_ONEBOT_SECRET", NULL,
     "secret of X-Signature (HMAC-SHA1 over the body); empty = reports are not signed (secret)"},
    {"onebot.access_token", K_STR, F(onebot.access_token), 0, 0, "", "ZHIBU_ONEBOT_ACCESS_TOKEN",
     NULL, "Bearer token for the OneBot HTTP API (secret)"},
    {"onebot.self_id", K_STR, F(onebot.self_id), 0, 0, "", NULL, NULL,
     "the bot's QQ number; reports with another X-Self-ID are refused; empty = any"},
    {"onebot.api_base", K_STR, F(onebot.api_base), 0, 0, "http://127.0.0.1:5700", NULL, NULL,
     "base URL of the OneBot HTTP API, for messages zhibu sends on its own"},
    {"onebot.group_prefix", K_STR, F(onebot.group_prefix), 0, 0, "#", NULL, NULL,
     "a group message starting with this is addressed to zhibu (as is an @ or a menu keyword)"},
    {"qqbot.enabled", K_BOOL, F(qqbot.enabled), 0, 0, "false", NULL, NULL,
     "serve the QQ open-platform bot webhook at /qq/bot"},
    {"qqbot.app_id", K_STR, F(qqbot.app_id), 0, 0, "", NULL, NULL, "the bot's AppID"},
    {"qqbot.secret", K_STR, F(qqbot.secret), 0, 0, "", "ZHIBU_QQBOT_SECRET", NULL,
     "the bot's AppSecret: verifies callbacks and fetches access tokens (secret)"},
    {"qqbot.api_base", K_STR, F(qqbot.api_base), 0, 0, "https://api.sgroup.qq.com", NULL, NULL,
     "base URL of the open-platform API (a fake server in tests)"},
    {"qqbot.token_url", K_STR, F(qqbot.token_url), 0, 0,
     "https://bots.qq.com/app/getAppAccessToken", NULL, NULL,
     "where the access token is fetched (a fake server in tests)"},
    {"qqbot.active_push", K_BOOL, F(qqbot.active_push), 0, 0, "false", NULL, NULL,
     "send active (non-reply) messages; the platform has restricted them"},
    {"qqbot.group_prefix", K_STR, F(qqbot.group_prefix), 0, 0, "#", NULL, NULL,
     "a group message (where the bot gets all of them) starting with this is for zhibu"},
    {"qqbot.timestamp_window_s", K_INT, F(qqbot.timestamp_window_s), 0, 86400 * 365, "0", NULL,
     NULL,
     "refuse callbacks whose X-Signature-Timestamp is further than this from now; 0 = no check "
     "(the platform documents no window; a replayed event is answered from the log)"},
    {"outbox.concurrency", K_INT, F(outbox.concurrency), 1, 256, "16", NULL, NULL,
     "platform API requests the sender keeps in flight at most"},
    {"outbox.max_attempts", K_INT, F(outbox.max_attempts), 1, 100, "10", NULL, NULL,
     "attempts before a message is marked failed"},
    {"outbox.backoff_s", K_INT, F(outbox.backoff_s), 1, 3600, "2", NULL, NULL,
     "delay before the first retry; doubles with each attempt, with jitter"},
    {"outbox.backoff_max_s", K_INT, F(outbox.backoff_max_s), 1, 86400, "1800", NULL, NULL,
     "longest delay between two attempts"},
    {"wxmini.enabled", K_BOOL, F(wxmini.enabled), 0, 0, "false", NULL, NULL,
     "serve the mini-program's message push at /wechat/mini"},
    {"wxmini.app_id", K_STR, F(wxmini.app_id), 0, 0, "", NULL, NULL,
     "the mini-program's AppID (receive-id of encrypted pushes, access tokens)"},
    {"wxmini.app_secret", K_STR, F(wxmini.app_secret), 0, 0, "", "ZHIBU_WXMINI_APP_SECRET", NULL,
     "the mini-program's AppSecret, for access tokens (secret)"},
    {"wxmini.token", K_STR, F(wxmini.token), 0, 0, "", "ZHIBU_WXMINI_TOKEN", NULL,
     "the message push Token from the mini-program console (secret)"},
    {"wxmini.encoding_aes_key", K_STR, F(wxmini.encoding_aes_key), 0, 0, "", "ZHIBU_WXMINI_AES_KEY",
     NULL, "the message push EncodingAESKey, 43 characters (secret)"},
    {"wxmini.mode", K_STR, F(wxmini.mode), 0, 0, "", NULL, "|plain|compatible|safe",
     "message push mode as in the console; default safe with an encoding_aes_key, else plain"},
    {"wxmini.api_base", K_STR, F(wxmini.api_base), 0, 0, "https://api.weixin.qq.com", NULL, NULL,
     "WeChat API base URL for the mini-program (tests point it at a fake)"},
    {"wxmini.templates", K_OBJ, 0, 0, 0, "{}", NULL, NULL,
     "subscribe-message templates per message kind: {KIND: {\"id\", \"fields\": {KEY: FIELD}}}, "
     "sent once per grant the mini-program reported"},
    {"outbox.timeout_ms", K_INT, F(outbox.timeout_ms), 100, 120000, "10000", NULL, NULL,
     "time-out of one platform API request"},
    {"outbox.rate_pause_s", K_INT, F(outbox.rate_pause_s), 1, 86400, "60", NULL, NULL,
     "after a platform answers \"too many requests\", send nothing to it for this long"},
    {"outbox.keep_days", K_INT, F(outbox.keep_days), 0, 3650, "180", NULL, NULL,
     "delivered messages are deleted after this many days; 0 = keep; failed ones are kept"},
    {"outbox.channel_order", K_STR, F(outbox.channel_order), 0, 0, "wechat,wxmini,onebot,qqbot",
     NULL, NULL, "platforms tried for a member with several identities, in order"},
    {"ratelimit.wechat", K_INT, F(ratelimit.wechat), 0, 100000, "50", NULL, NULL,
     "messages per second to the WeChat API; 0 = unlimited"},
    {"ratelimit.onebot", K_INT, F(ratelimit.onebot), 0, 100000, "2", NULL, NULL,
     "messages per second through OneBot (a QQ account sending fast gets frozen); 0 = unlimited"},
    {"ratelimit.qqbot", K_INT, F(ratelimit.qqbot), 0, 100000, "5", NULL, NULL,
     "messages per second to the QQ open platform; 0 = unlimited"},
    {"api.enabled", K_BOOL, F(api.enabled), 0, 0, "false", NULL, NULL,
     "serve the REST API under /api/v1 (the mini-program and the console)"},
    {"api.token_ttl_s", K_INT, F(api.token_ttl_s), 60, 365 * 86400, "604800", NULL, NULL,
     "a bearer token of the API expires this long after it was issued"},
    {"api.rate_per_min", K_INT, F(api.rate_per_min), 1, 100000, "120", NULL, NULL,
     "requests per token per minute; more are answered 429"},
    {"api.login_per_min", K_INT, F(api.login_per_min), 0, 100000, "30", NULL, NULL,
     "logins per client address per minute (each costs a jscode2session call, whose quota is the "
     "whole app's; behind a proxy this caps all logins); more are answered 429; 0 = no cap"},
    {"meetings.checkin_before_min", K_INT, F(meetings.checkin_before_min), 0, 240, "30", NULL, NULL,
     "签到 opens this many minutes before a meeting starts"},
    {"meetings.checkin_after_min", K_INT, F(meetings.checkin_after_min), 0, 240, "30", NULL, NULL,
     "签到 closes this many minutes after a meeting starts"},
    {"meetings.quorum_leave_shrinks", K_BOOL, F(meetings.quorum_leave_shrinks), 0, 0, "false", NULL,
     NULL,
     "members on leave leave the general meeting's quorum denominator (default: they stay in it)"},
    {"meetings.lessons_per_year", K_INT, F(meetings.lessons_per_year), 1, 12, "4", NULL, NULL,
     "党课 required a year; 4 or more are counted per quarter, fewer over the year (sources "
     "conflict: yearly, half-yearly, quarterly)"},
    {"meetings.quiet_days", K_INT, F(meetings.quiet_days), 7, 365, "30", NULL, NULL,
     "a branch that held no meeting for this many days is flagged to its secretary"},
    {"api.login_timeout_ms", K_INT, F(api.login_timeout_ms), 100, 60000, "5000", NULL, NULL,
     "time-out of the login's call to jscode2session; slower answers 504"},
    {"quiz.questions_per_round", K_INT, F(quiz.questions_per_round), 1, 20, "5", NULL, NULL,
     "questions in one round of 答题"},
    {"quiz.contest_seconds", K_INT, F(quiz.contest_seconds), 5, 600, "30", NULL, NULL,
     "time allowed for each question of a group contest (开始竞答)"},
    {"quiz.bank_dir", K_STR, F(quiz.bank_dir), 0, 0, "content/quiz", NULL, NULL,
     "folder of the bundled question banks (*.json) that `zhibu demo seed` imports and approves"},
    {"content.review_levels", K_INT, F(content.review_levels), 1, 2, "1", NULL, NULL,
     "review of study items and question banks: 1, or 2 to add a second signature by the 书记 or "
     "副书记 of the owning organisation or the one above"},
    {"content.sensitive_words", K_STR, F(content.sensitive_words), 0, 0, "", NULL, NULL,
     "file of sensitive words, one per line; text containing one is refused at import"},
    {"study.digest_time", K_STR, F(study.digest_time), 0, 0, "07:30", NULL, NULL,
     "local time (HH:MM) the daily digest goes to subscribed members"},
    {"study.daily_points_cap", K_INT, F(study.daily_points_cap), 0, 1000, "20", NULL, NULL,
     "study and quiz points a member earns in a day at most (one per item read, one per right "
     "answer); 0 = no cap"},
    {"study.show_rankings", K_BOOL, F(study.show_rankings), 0, 0, "false", NULL, NULL,
     "name the best members in contest results (off: only counts and shares)"},
    {"study.audiences", K_OBJ, 0, 0, 0, "{}", NULL, NULL,
     "audience tags: {TAG: {\"categories\": [...], \"post_words\": [...], "
     "\"education_words\": [...]}}"},
    {"dues.employed_rates", K_STR, F(dues.employed_rates), 0, 0, "3000:0.5,5000:1,10000:1.5,*:2",
     NULL, NULL,
     "dues of employed members: after-tax income bands (upper bound in yuan, inclusive) : rate "
     "in percent of the whole income; the 2008 regulation by default"},
    {"dues.retired_rates", K_STR, F(dues.retired_rates), 0, 0, "5000:0.5,*:1", NULL, NULL,
     "dues of retirees: pension bands : rate in percent"},
    {"dues.flat", K_STR, F(dues.flat), 0, 0, "0.20", NULL, NULL,
     "yuan a month for students, the unemployed and members on 低保 or relief"},
    {"dues.farmer", K_STR, F(dues.farmer), 0, 0, "0.20", NULL, NULL,
     "yuan a month for farmers (0.20 to 1.00)"},
    {"dues.rounding", K_STR, F(dues.rounding), 0, 0, "half_up", NULL, "half_up|down|up",
     "rounding of dues to the fen"},
    {"dues.probationary_from", K_STR, F(dues.probationary_from), 0, 0, "admission", NULL,
     "admission|approval",
     "probationary members pay from the general meeting's admission or the higher approval"},
    {"dues.reminder_day", K_INT, F(dues.reminder_day), 1, 28, "25", NULL, NULL,
     "day of the month when unpaid members get one routine reminder"},
    {"dues.backpay_months", K_INT, F(dues.backpay_months), 1, 120, "6", NULL, NULL,
     "earlier months one payment may cover without the organizer's confirmation"},
    {"transfer.routes", K_STR, F(transfer.routes), 0, 0, "", NULL, NULL,
     "transfer routing rules, \"FROM -> TO : HOP, HOP\" separated by \";\" (FROM a path or *, "
     "TO a path, * or external): the hops come after the sender's climb up the tree"},
    {"transfer.remind_after_days", K_INT, F(transfer.remind_after_days), 1, 60, "3", NULL, NULL,
     "a transfer step idle this many days reminds its approver"},
    {"transfer.validity_city_days", K_INT, F(transfer.validity_city_days), 1, 180, "10", NULL, NULL,
     "default validity of a letter within the city (sources conflict: 10 days)"},
    {"transfer.validity_outside_days", K_INT, F(transfer.validity_outside_days), 1, 180, "30", NULL,
     NULL, "default validity of a letter outside the city (sources conflict: 30 days)"},
    {"transfer.validity_max_days", K_INT, F(transfer.validity_max_days), 1, 180, "90", NULL, NULL,
     "the longest validity of a letter (3 months; 6 across provinces: 180)"},
    {"transfer.expiry_warn_days", K_INT, F(transfer.expiry_warn_days), 0, 30, "3", NULL, NULL,
     "warn the member and the sending secretary this many days before a letter expires"},
};

#define NKEYS (sizeof keys / sizeof keys[0])

const char *config_resolve_path(const char *explicit_path)
{
    if (explicit_path && *explicit_path)
        return explicit_path;
    const char *env = getenv("ZHIBU_CONFIG");
    if (env && *env)
        return env;
    if (access("config/zhibu.json", R_OK) == 0)
        return "config/zhibu.json";
    return CONFIG_DEMO_PATH;
}

static const struct key *find_key(const char *name)
{
    for (size_t i = 0; i < NKEYS; i++)
        if (strcmp(keys[i].name, name) == 0)
            return &keys[i];
    return NULL;
}

/* is_section - true when some key starts with "name." */
static int is_section(const char *name)
{
    size_t n = strlen(name);
    for (size_t i = 0; i < NKEYS; i++)
        if (strncmp(keys[i].name, name, n) == 0 && keys[i].name[n] == '.')
            return 1;
    return 0;
}

static char **str_field(struct config *c, const struct key *k)
{
    return (char **)((char *)c + k->off);
}

static long *int_field(struct config *c, const struct key *k)
{
    return (long *)((char *)c + k->off);
}

static bool *bool_field(struct config *c, const struct key *k)
{
    return (bool *)((char *)c + k->off);
}

static int choice_ok(const char *choices, const char *v)
{
    size_t n = strlen(v);
    const char *p = choices;
    while (*p) {
        const char *bar = strchr(p, '|');
        size_t len = bar ? (size_t)(bar - p) : strlen(p);
        if (len == n && strncmp(p, v, n) == 0)
            return 1;
        if (!bar)
            break;
        p = bar + 1;
    }
    return 0;
}

/* set_value - store text v for key k (from a default, the file or the environment). */
static int set_value(struct config *c, const struct key *k, const char *v, char *err, size_t errsz)
{
    switch (k->type) {
    case K_OBJ:
        return ZB_OK; /* loaded from the file by its own parser (walk) */
    case K_STR: {
        if (k->choices && !choice_ok(k->choices, v)) {
            snprintf(err, errsz, "key \"%s\": \"%s\" is not one of %s", k->name, v, k->choices);
            return ZB_ECONFIG;
        }
        char **f = str_field(c, k);
        free(*f);
        *f = xstrdup(v);
        return ZB_OK;
    }
    case K_INT: {
        char *end;
        errno = 0;
        long n = strtol(v, &end, 10);
        if (errno || end == v || *end || n < k->min || n > k->max) {
            snprintf(err, errsz, "key \"%s\": expected a whole number from %ld to %ld", k->name,
                     k->min, k->max);
            return ZB_ECONFIG;
        }
        *int_field(c, k) = n;
        return ZB_OK;
    }
    case K_BOOL:
        if (k->choices) { /* a two-valued string stored as a bool: second choice is true */
            if (!choice_ok(k->choices, v)) {
                snprintf(err, errsz, "key \"%s\": \"%s\" is not one of %s", k->name, v, k->choices);
                return ZB_ECONFIG;
            }
            *bool_field(c, k) =
                strchr(k->choices, '|') && strcmp(v, strchr(k->choices, '|') + 1) == 0;
            return ZB_OK;
        }
        if (strcmp(v, "true") && strcmp(v, "false")) {
            snprintf(err, errsz, "key \"%s\": expected true or false", k->name);
            return ZB_ECONFIG;
        }
        *bool_field(c, k) = strcmp(v, "true") == 0;
        return ZB_OK;
    }
    return ZB_ECONFIG;
}

/* set_json - store JSON item j for key k, checking its JSON type. */
/* set_list - a JSON array of strings as one comma-separated string value of k. */
static int set_list(struct config *c, const struct key *k, const cJSON *j, char *err, size_t errsz)
{
    char joined[1024] = "";
    size_t used = 0;
    const cJSON *it;
    cJSON_ArrayForEach(it, j)
    {
        if (!cJSON_IsString(it) || strchr(it->valuestring, ',')) {
            snprintf(err, errsz, "key \"%s\": expected a list of addresses", k->name);
            return ZB_ECONFIG;
        }
        int n =
            snprintf(joined + used, sizeof joined - used, "%s%s", used ? "," : "", it->valuestring);
        if (n < 0 || (size_t)n >= sizeof joined - used) {
            snprintf(err, errsz, "key \"%s\": list too long", k->name);
            return ZB_ECONFIG;
        }
        used += (size_t)n;
    }
    return set_value(c, k, joined, err, errsz);
}

static int set_json(struct config *c, const struct key *k, const cJSON *j, char *err, size_t errsz)
{
    char num[32];
    if (k->type == K_STR && k->off == F(onebot.self_id) && cJSON_IsNumber(j)) {
        /* a QQ number is a number to whoever writes the file: take it as its digits */
        double d = cJSON_GetNumberValue(j);
        if (!(d > 0 && d < 9007199254740992.0) || d != (double)(long long)d) {
            snprintf(err, errsz, "key \"%s\": expected the QQ number, as digits", k->name);
            return ZB_ECONFIG;
        }
        snprintf(num, sizeof num, "%lld", (long long)d);
        return set_value(c, k, num, err, errsz);
    }
    if (k->off == F(trusted_proxies) && cJSON_IsArray(j))
        return set_list(c, k, j, err, errsz);
    if (k->type == K_STR || (k->type == K_BOOL && k->choices)) {
        if (!cJSON_IsString(j)) {
            snprintf(err, errsz, "key \"%s\": expected a string", k->name);
            return ZB_ECONFIG;
        }
        return set_value(c, k, j->valuestring, err, errsz);
    }
    if (k->type == K_INT) {
        double d = cJSON_GetNumberValue(j);
        if (!cJSON_IsNumber(j) || d != (double)(long)d) {
            snprintf(err, errsz, "key \"%s\": expected a whole number", k->name);
            return ZB_ECONFIG;
        }
        snprintf(num, sizeof num, "%ld", (long)d);
        return set_value(c, k, num, err, errsz);
    }
    if (!cJSON_IsBool(j)) {
        snprintf(err, errsz, "key \"%s\": expected true or false", k->name);
        return ZB_ECONFIG;
    }
    return set_value(c, k, cJSON_IsTrue(j) ? "true" : "false", err, errsz);
}

/* kind_ok - a message kind: 1..NOTIFY_KIND_MAX bytes of [a-z0-9_.]. */
static int kind_ok(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > NOTIFY_KIND_MAX)
        return 0;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '_' || *s == '.'))
            return 0;
    return 1;
}

/* A templates list of the config: wechat.templates or wxmini.templates. */
struct tlist {
    const char *section;                 /* "wechat" or "wxmini" */
    struct channel_template **templates; /* the array */
    size_t *n;                           /* its entries */
};

static struct tlist tlist_of(struct config *c, bool wxmini)
{
    if (wxmini)
        return (struct tlist){"wxmini", &c->wxmini.templates, &c->wxmini.ntemplates};
    return (struct tlist){"wechat", &c->wechat.templates, &c->wechat.ntemplates};
}

static struct channel_template *tlist_add(struct tlist l, const char *kind, const char *id,
                                          bool subscribe)
{
    *l.templates = xrealloc(*l.templates, (*l.n + 1) * sizeof **l.templates);
    struct channel_template *t = &(*l.templates)[(*l.n)++];
    memset(t, 0, sizeof *t);
    t->kind = xstrdup(kind);
    t->id = xstrdup(id);
    t->subscribe = subscribe;
    return t;
}

static struct channel_template *template_add(struct config *c, const char *kind, const char *id,
                                             bool subscribe)
{
    return tlist_add(tlist_of(c, false), kind, id, subscribe);
}

/* template_fields - the "fields" object of one template into t. */
static int template_fields(struct channel_template *t, const cJSON *fields, const char *name,
                           char *err, size_t errsz)
{
    const cJSON *f;
    cJSON_ArrayForEach(f, fields)
    {
        if (!cJSON_IsString(f) || notify_field_parse(f->valuestring) < 0) {
            snprintf(err, errsz,
                     "key \"%s.fields.%.40s\": expected one of \"title\", \"time\", \"place\", "
                     "\"status\", \"link\", \"text\"",
                     name, f->string);
            return ZB_ECONFIG;
        }
        if (!*f->string || strlen(f->string) > 32 || t->nfields >= CHANNEL_TEMPLATE_FIELDS) {
            snprintf(err, errsz, "key \"%s.fields\": keys of 1 to 32 bytes, at most %d of them",
                     name, CHANNEL_TEMPLATE_FIELDS);
            return ZB_ECONFIG;
        }
        t->key[t->nfields] = xstrdup(f->string);
        t->field[t->nfields++] = notify_field_parse(f->valuestring);
    }
    return ZB_OK;
}

/*
 * templates_load - SECTION.templates (wechat or wxmini): {KIND: {"id": ID, "fields": {KEY:
 * FIELD}, "type": "template"|"subscribe"}}. Every problem names its key. The mini-program has
 * subscribe messages only: its entries are subscribe messages whatever their type.
 */
static int templates_load(struct tlist l, const cJSON *obj, char *err, size_t errsz)
{
    const cJSON *it;
    if (!cJSON_IsObject(obj)) {
        snprintf(err, errsz, "key \"%s.templates\": expected an object", l.section);
        return ZB_ECONFIG;
    }
    cJSON_ArrayForEach(it, obj)
    {
        char name[128];
        snprintf(name, sizeof name, "%s.templates.%.64s", l.section, it->string);
        if (*it->string == '_')
            continue;
        if (!kind_ok(it->string)) {
            snprintf(err, errsz, "key \"%s\": a kind is a-z, 0-9, _ and . only", name);
            return ZB_ECONFIG;
        }
        const cJSON *id = cJSON_GetObjectItemCaseSensitive(it, "id");
        const cJSON *type = cJSON_GetObjectItemCaseSensitive(it, "type");
        const cJSON *fields = cJSON_GetObjectItemCaseSensitive(it, "fields");
        const cJSON *m;
        if (!cJSON_IsObject(it) || !cJSON_IsString(id) || !*id->valuestring ||
            strlen(id->valuestring) > 90) {
            snprintf(err, errsz,
                     "key \"%s\": expected {\"id\": \"TEMPLATE_ID\", \"fields\": {...}}", name);
            return ZB_ECONFIG;
        }
        cJSON_ArrayForEach(m, it)
        {
            if (strcmp(m->string, "id") && strcmp(m->string, "type") &&
                strcmp(m->string, "fields") && *m->string != '_') {
                snprintf(err, errsz, "unknown key \"%s.%.40s\" (see zhibu help config)", name,
                         m->string);
                return ZB_ECONFIG;
            }
        }
        if (type && (!cJSON_IsString(type) || (strcmp(type->valuestring, "template") &&
                                               strcmp(type->valuestring, "subscribe")))) {
            snprintf(err, errsz, "key \"%s.type\": \"template\" or \"subscribe\"", name);
            return ZB_ECONFIG;
        }
        if (fields && !cJSON_IsObject(fields)) {
            snprintf(err, errsz, "key \"%s.fields\": expected an object", name);
            return ZB_ECONFIG;
        }
        bool sub = (type && strcmp(type->valuestring, "subscribe") == 0) ||
                   strcmp(l.section, "wxmini") == 0;
        for (size_t i = 0; i < *l.n; i++)
            if (strcmp((*l.templates)[i].kind, it->string) == 0) {
                snprintf(err, errsz, "key \"%s\": given twice", name);
                return ZB_ECONFIG;
            }
        if (*l.n >= CONFIG_TEMPLATES_MAX) {
            snprintf(err, errsz, "key \"%s.templates\": at most %d kinds", l.section,
                     CONFIG_TEMPLATES_MAX);
            return ZB_ECONFIG;
        }
        struct channel_template *t = tlist_add(l, it->string, id->valuestring, sub);
        if (fields && template_fields(t, fields, name, err, errsz))
            return ZB_ECONFIG;
    }
    return ZB_OK;
}

/*
 * templates_legacy - the old wechat.template.KIND and wechat.subscribe.KIND keys become
 * templates without a field map, each with a warning naming the new key. An old key for a kind
 * that wechat.templates also sets is an error: which one is meant is not clear.
 */
static int templates_legacy(struct config *c, char *err, size_t errsz)
{
    size_t nnew = c->wechat.ntemplates;
    for (int sub = 0; sub < 2; sub++) {
        for (int k = 0; k < OUTBOX_KIND_COUNT; k++) {
            const char *id = sub ? c->wechat.subscribe_id[k] : c->wechat.template_id[k];
            const char *kind = outbox_kind_name((enum outbox_kind)k);
            if (!id || !*id)
                continue;
            for (size_t i = 0; i < nnew; i++) {
                if (strcmp(c->wechat.templates[i].kind, kind) == 0) {
                    snprintf(err, errsz,
                             "key \"wechat.%s.%s\": wechat.templates.%s is set too; keep only "
                             "the new key",
                             sub ? "subscribe" : "template", kind, kind);
                    return ZB_ECONFIG;
                }
            }
            log_warn("config %s: key \"wechat.%s.%s\" is deprecated; it still works, but write "
                     "it as \"wechat.templates.%s\": {\"id\": \"%s\"%s}",
                     c->path, sub ? "subscribe" : "template", kind, kind, id,
                     sub ? ", \"type\": \"subscribe\"" : "");
            template_add(c, kind, id, sub);
        }
    }
    return ZB_OK;
}

/* walk - apply every member of object obj, whose dotted prefix is prefix ("" at the top). */
static int walk(struct config *c, const cJSON *obj, const char *prefix, char *err, size_t errsz)
{
    const cJSON *it;
    cJSON_ArrayForEach(it, obj)
    {
        char name[128];
        int n = snprintf(name, sizeof name, "%s%s%s", prefix, *prefix ? "." : "", it->string);
        if (n < 0 || (size_t)n >= sizeof name) {
            snprintf(err, errsz, "key \"%.60s...\": name too long", name);
            return ZB_ECONFIG;
        }
        if (*it->string == '_' || strncmp(it->string, "//", 2) == 0)
            continue; /* "_comment" style keys document the file */
        const struct key *k = find_key(name);
        int rc;
        if (k && k->type == K_OBJ && strcmp(name, "study.audiences") == 0) {
            char *txt = cJSON_IsObject(it) ? cJSON_PrintUnformatted(it) : NULL;
            rc = txt ? ZB_OK : ZB_ECONFIG;
            if (txt) {
                free(c->study.audiences);
                c->study.audiences = txt;
            } else
                snprintf(err, errsz, "key \"study.audiences\": expected an object");
        } else if (k && k->type == K_OBJ)
            rc = templates_load(tlist_of(c, strncmp(name, "wxmini.", 7) == 0), it, err, errsz);
        else if (k)
            rc = set_json(c, k, it, err, errsz);
        else if (is_section(name) && cJSON_IsObject(it))
            rc = walk(c, it, name, err, errsz);
        else if (is_section(name)) {
            snprintf(err, errsz, "key \"%s\": expected an object", name);
            rc = ZB_ECONFIG;
        } else {
            snprintf(err, errsz, "unknown key \"%s\" (see zhibu help config)", name);
            rc = ZB_ECONFIG;
        }
        if (rc)
            return rc;
    }
    return ZB_OK;
}

static char *read_file(const char *path, char *err, size_t errsz)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(err, errsz, "cannot open: %s", strerror(errno));
        return NULL;
    }
    char *data = xmalloc(CONFIG_MAX_FILE + 1);
    size_t n = fread(data, 1, CONFIG_MAX_FILE + 1, f);
    int bad = ferror(f);
    fclose(f);
    if (bad || n > CONFIG_MAX_FILE) {
        snprintf(err, errsz, bad ? "cannot read the file" : "file larger than 1 MiB");
        free(data);
        return NULL;
    }
    data[n] = '\0';
    return data;
}

/* check_public_url - server.public_url: http(s)://HOST[...] without a trailing '/', or, when
 * empty, "http://" + listen. */
static int check_public_url(struct config *c, char *err, size_t errsz)
{
    char *u = c->public_url;
    if (!*u) {
        size_t n = strlen(c->listen) + sizeof "http://";
        free(c->public_url);
        c->public_url = xmalloc(n);
        snprintf(c->public_url, n, "http://%s", c->listen);
        return ZB_OK;
    }
    size_t n = strlen(u);
    while (n > 0 && u[n - 1] == '/')
        u[--n] = '\0';
    const char *host = strncmp(u, "https://", 8) == 0  ? u + 8
                       : strncmp(u, "http://", 7) == 0 ? u + 7
                                                       : NULL;
    if (!host || !*host || n > 200 || strpbrk(u, " ?#\"<>")) {
        snprintf(err, errsz,
                 "key \"server.public_url\": expected https://HOST (no query), got \"%.100s\"", u);
        return ZB_ECONFIG;
    }
    return ZB_OK;
}

/* check_listen - HOST:PORT or [V6]:PORT with a port 1..65535. */
static int check_listen(const char *v)
{
    const char *colon = strrchr(v, ':');
    if (!colon || colon == v || !colon[1])
        return 0;
    char *end;
    long port = strtol(colon + 1, &end, 10);
    return *end == '\0' && port >= 1 && port <= 65535;
}

static int check_timezone(const char *tz)
{
    char path[512];
    if (!*tz || strstr(tz, "..") || *tz == '/')
        return 0;
    if (strcmp(tz, "UTC") == 0)
        return 1;
    snprintf(path, sizeof path, "/usr/share/zoneinfo/%s", tz);
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* relative_to_config - a relative database path names a file next to the config file: prefix
 * the config's directory (nothing to do for a config in the working directory). */
static void relative_to_config(struct config *c)
{
    const char *slash = strrchr(c->path, '/');
    if (c->database[0] == '/' || strcmp(c->database, ":memory:") == 0 || !slash)
        return;
    size_t dir = (size_t)(slash - c->path) + 1, n = strlen(c->database);
    char *p = xmalloc(dir + n + 1);
    memcpy(p, c->path, dir);
    memcpy(p + dir, c->database, n + 1);
    free(c->database);
    c->database = p;
}

/* configure_caps - hand each capability its settings once the config is valid. */
static void configure_caps(const struct config *c)
{
    struct quiz_settings q = {
        .per_round = (int)c->quiz.questions_per_round,
        .contest_seconds = (int)c->quiz.contest_seconds,
        .review_levels = (int)c->content.review_levels,
        .show_rankings = c->study.show_rankings,
        .daily_cap = (int)c->study.daily_points_cap,
        .bank_dir = c->quiz.bank_dir,
    };
    quiz_configure(&q);
}

int config_load(const char *path, struct config **out, char *err, size_t errsz)
{
    char sub[256] = "";
    int rc = ZB_ECONFIG;
    cJSON *root = NULL;
    char *data = NULL;
    struct config *c = xcalloc(1, sizeof *c);
    c->path = xstrdup(path);
    *out = NULL;

    for (size_t i = 0; i < NKEYS; i++)
        if (set_value(c, &keys[i], keys[i].def, sub, sizeof sub))
            goto done; /* a bad default is a bug; report it like any other error */
    data = read_file(path, sub, sizeof sub);
    if (!data)
        goto done;
    root = cJSON_ParseWithLength(data, strlen(data));
    if (!root) {
        const char *at = cJSON_GetErrorPtr();
        int line = 1;
        for (const char *p = data; at && p < at && *p; p++)
            line += *p == '\n';
        snprintf(sub, sizeof sub, "not valid JSON near line %d", line);
        goto done;
    }
    if (!cJSON_IsObject(root)) {
        snprintf(sub, sizeof sub, "the top level must be a JSON object");
        goto done;
    }
    if (walk(c, root, "", sub, sizeof sub))
        goto done;
    for (size_t i = 0; i < NKEYS; i++) {
        const char *v = keys[i].env ? getenv(keys[i].env) : NULL;
        if (v && *v && set_value(c, &keys[i], v, sub, sizeof sub))
            goto done;
    }
    if (templates_legacy(c, sub, sizeof sub))
        goto done;
    if (!check_listen(c->listen)) {
        snprintf(sub, sizeof sub, "key \"listen\": expected HOST:PORT, got \"%s\"", c->listen);
        goto done;
    }
    if (check_public_url(c, sub, sizeof sub))
        goto done;
    if (*c->link_secret && strlen(c->link_secret) < 16) {
        snprintf(sub, sizeof sub, "key \"server.link_secret\": at least 16 bytes (or empty)");
        goto done;
    }
    if (guard_parse_trusted(c->trusted_proxies, sub, sizeof sub))
        goto done;
    if (!*c->database) {
        snprintf(sub, sizeof sub, "key \"database\": must not be empty");
        goto done;
    }
    relative_to_config(c);
    if (!check_timezone(c->timezone)) {
        snprintf(sub, sizeof sub,
                 "key \"timezone\": unknown time zone \"%s\" (is the tzdata package installed?)",
                 c->timezone);
        goto done;
    }
    if (c->wechat.enabled && !*c->wechat.token) {
        snprintf(sub, sizeof sub,
                 "key \"wechat.token\": required when wechat.enabled (or set ZHIBU_WECHAT_TOKEN)");
        goto done;
    }
    if (c->wechat.enabled && *c->wechat.encoding_aes_key && !*c->wechat.app_id) {
        snprintf(sub, sizeof sub,
                 "key \"wechat.app_id\": required when wechat.encoding_aes_key is set");
        goto done;
    }
    if (!*c->wxmini.mode) { /* the console's default: safe once a key is configured */
        free(c->wxmini.mode);
        c->wxmini.mode = xstrdup(*c->wxmini.encoding_aes_key ? "safe" : "plain");
    }
    if (c->wxmini.enabled && !*c->wxmini.token) {
        snprintf(sub, sizeof sub,
                 "key \"wxmini.token\": required when wxmini.enabled (or set ZHIBU_WXMINI_TOKEN)");
        goto done;
    }
    if (c->wxmini.enabled && strcmp(c->wxmini.mode, "plain") != 0 &&
        (!*c->wxmini.encoding_aes_key || !*c->wxmini.app_id)) {
        snprintf(sub, sizeof sub, "key \"%s\": required when wxmini.mode is %s",
                 *c->wxmini.app_id ? "wxmini.encoding_aes_key" : "wxmini.app_id", c->wxmini.mode);
        goto done;
    }
    struct channel_rules order;
    if (channel_parse_order(&order, c->outbox.channel_order)) {
        snprintf(sub, sizeof sub,
                 "key \"outbox.channel_order\": expected platform names from wechat, onebot, "
                 "qqbot, wxmini separated by commas, each once; got \"%s\"",
                 c->outbox.channel_order);
        goto done;
    }
    if (c->qqbot.enabled && (!*c->qqbot.app_id || !*c->qqbot.secret)) {
        snprintf(sub, sizeof sub,
                 "key \"%s\": required when qqbot.enabled (or set ZHIBU_QQBOT_SECRET)",
                 *c->qqbot.app_id ? "qqbot.secret" : "qqbot.app_id");
        goto done;
    }
    struct dues_rules dues;
    if (dues_rules_parse(c->dues.employed_rates, c->dues.retired_rates, c->dues.flat,
                         c->dues.farmer, c->dues.rounding, c->dues.probationary_from,
                         (int)c->dues.reminder_day, (int)c->dues.backpay_months, &dues, sub,
                         sizeof sub))
        goto done;
    dues_configure(&dues); /* the rules are process-wide, like the time zone */
    if (c->transfer.validity_city_days > c->transfer.validity_max_days ||
        c->transfer.validity_outside_days > c->transfer.validity_max_days) {
        snprintf(sub, sizeof sub,
                 "key \"transfer.validity_max_days\": smaller than a default "
                 "validity");
        goto done;
    }
    char terr[160];
    if (transfer_set_rules(c->transfer.routes, terr, sizeof terr)) {
        snprintf(sub, sizeof sub, "key \"transfer.routes\": %s", terr);
        goto done;
    }
    struct transfer_config tc = {
        (int)c->transfer.remind_after_days, (int)c->transfer.validity_city_days,
        (int)c->transfer.validity_outside_days, (int)c->transfer.validity_max_days,
        (int)c->transfer.expiry_warn_days};
    transfer_configure(&tc);
    rc = ZB_OK;
    configure_caps(c);
    *out = c;
    c = NULL;
done:
    if (rc)
        snprintf(err, errsz, "config %s: %s", path, sub);
    cJSON_Delete(root);
    free(data);
    config_free(c);
    return rc;
}

const char *config_str(const struct config *c, const char *key)
{
    const struct key *k = find_key(key);
    if (!c || !k || k->type != K_STR || strstr(k->doc, "(secret)"))
        return NULL;
    return *(char *const *)((const char *)c + k->off);
}

void config_free(struct config *c)
{
    if (!c)
        return;
    for (size_t i = 0; i < NKEYS; i++)
        if (keys[i].type == K_STR)
            free(*str_field(c, &keys[i]));
    free(c->study.audiences);
    for (size_t i = 0; i < c->wechat.ntemplates; i++) {
        struct channel_template *t = &c->wechat.templates[i];
        free((char *)t->kind);
        free((char *)t->id);
        for (int j = 0; j < t->nfields; j++)
            free((char *)t->key[j]);
    }
    free(c->wechat.templates);
    for (size_t i = 0; i < c->wxmini.ntemplates; i++) {
        struct channel_template *t = &c->wxmini.templates[i];
        free((char *)t->kind);
        free((char *)t->id);
        for (int j = 0; j < t->nfields; j++)
            free((char *)t->key[j]);
    }
    free(c->wxmini.templates);
    free(c->path);
    free(c);
}

void config_print_doc(FILE *f)
{
    static const char *const tnames[] = {"string", "number", "bool", "object"};
    fprintf(f, "Configuration keys (JSON; nested objects for dotted names):\n\n");
    for (size_t i = 0; i < NKEYS; i++) {
        const struct key *k = &keys[i];
        const char *t = k->choices ? k->choices : tnames[k->type];
        fprintf(f, "  %-28s %-22s default %s%s%s\n", k->name, t, *k->def ? k->def : "\"\"",
                k->env ? ", env " : "", k->env ? k->env : "");
        fprintf(f, "      %s\n", k->doc);
    }
}
