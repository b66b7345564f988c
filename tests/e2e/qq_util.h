/*
 * qq_util.h - helpers for the QQ end-to-end tests: a zhibu server with OneBot and the open
 * platform enabled next to the fake platform APIs (so the outbox's sender delivers to
 * loopback), and requests signed exactly as a OneBot implementation and Tencent sign them.
 *
 * The server comes from e2e_util (config, start, database, CLI), the fake from delivery_util,
 * started with the open-platform credentials of qq.md's vector V1 so that the same server
 * answers V1's URL validation and delivers its passive replies to the fake.
 */
#ifndef ZHIBU_QQ_UTIL_H
#define ZHIBU_QQ_UTIL_H

#include <stdbool.h>
#include <stddef.h>

#include "tests/e2e/delivery_util.h"
#include "tests/e2e/e2e_util.h"

#define QQ_OB_SECRET "ob-e2e-secret"    /* onebot.secret */
#define QQ_OB_SELF   "10001000"         /* onebot.self_id */
#define QQ_APPID     "11111111"         /* qqbot.app_id (qq.md V1) */
#define QQ_SECRET    "DG5g3B4j9X2KOErG" /* qqbot.secret (qq.md V1) */

struct qq_env {
    struct e2e_server *srv; /* zhibu */
    struct du_fake fake;    /* the platform APIs */
    bool fake_up;           /* fake started */
};

/* qq_env_up - the fake, then zhibu with onebot and qqbot enabled and their APIs on the fake;
 * onebot_extra / qqbot_extra are raw JSON members appended to those sections (may be NULL).
 * 0 or -1 (printed). */
int qq_env_up(struct qq_env *e, const char *onebot_extra, const char *qqbot_extra);
/* qq_env_up_top - qq_env_up with raw JSON members appended to the top level (may be NULL). */
int qq_env_up_top(struct qq_env *e, const char *onebot_extra, const char *qqbot_extra,
                  const char *top_extra);
/* qq_env_down - stop both, remove their directories; returns the server's exit status. */
int qq_env_down(struct qq_env *e);

/* qq_post - POST body to path with the given "Name: value" headers (NULL-terminated array, may
 * be NULL) over a fresh connection; out as e2e_http (free with e2e_resp_free). */
void qq_post(const struct e2e_server *s, const char *path, const char *const *headers,
             const char *body, struct e2e_resp *out);

/* How a OneBot report is signed. */
enum ob_sig {
    OB_SIGNED = 0, /* X-Signature right, X-Self-ID QQ_OB_SELF */
    OB_NO_SIG,     /* no X-Signature */
    OB_BAD_SIG,    /* X-Signature under another secret */
    OB_NO_SELF,    /* signed, no X-Self-ID */
    OB_OTHER_SELF, /* signed, X-Self-ID of another bot */
};

/* ob_post - post a OneBot report body to /qq/onebot signed as sig says. */
void ob_post(const struct e2e_server *s, const char *body, enum ob_sig sig, struct e2e_resp *out);

/*
 * ob_message - a message report (caller frees): private when group is NULL; message is the CQ
 * string as given (already escaped), or, with array set, a segment array of an optional at of
 * the bot (when message starts with "@ ") and one text segment with the rest.
 */
char *ob_message(const char *user, const char *group, long long msg_id, const char *message,
                 bool array);
/* ob_notice - a notice report (caller frees): notice_type with group (may be NULL) and user. */
char *ob_notice(const char *notice_type, const char *group, const char *user, long long time);

/* ob_reply_text - the text of a quick-operation answer's reply (caller frees); NULL when the
 * body is not one. *at_sender gets at_sender (false when absent); *has_at whether it was sent. */
char *ob_reply_text(const char *body, bool *at_sender, bool *has_at);

/* How an open-platform callback is signed. */
enum qb_sig {
    QB_SIGNED = 0, /* both headers right */
    QB_UNSIGNED,   /* no signature headers */
    QB_WRONG_KEY,  /* signed with another secret's key */
    QB_OTHER_BODY, /* a valid signature of another body */
    QB_OTHER_TS,   /* a valid signature, but the timestamp header changed */
    QB_ONLY_SIG,   /* X-Signature-Ed25519 without X-Signature-Timestamp */
    QB_HIGH_BITS,  /* the signature with sig[63] & 0xE0 set */
    QB_OTHER_APP,  /* signed, X-Bot-Appid of another bot */
};

/* qb_post - post an open-platform callback body to /qq/bot signed as sig says. */
void qb_post(const struct e2e_server *s, const char *body, enum qb_sig sig, struct e2e_resp *out);

/*
 * qb_message - a GROUP_AT_MESSAGE_CREATE (group not NULL) or C2C_MESSAGE_CREATE payload from
 * openid user with message id msg_id and content, sent at Unix time t (caller frees).
 */
char *qb_message(const char *user, const char *group, const char *msg_id, const char *content,
                 long long t);
/* qb_event - an event payload of type t with event id id and the JSON object d (caller frees). */
char *qb_event(const char *t, const char *id, const char *d);

#endif
