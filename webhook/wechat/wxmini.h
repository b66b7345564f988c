/*
 * wxmini.h - the mini-program's message push at /wechat/mini (customer-service messages).
 *
 * GET: server-URL verification as the official account's (3-field signature with wxmini.token,
 * echostr echoed). POST: the console's data format, JSON or XML (told by Content-Type, else by
 * the first byte), in wxmini.mode: plain (plaintext only), compatible (either) or safe (only
 * encrypt_type=aes). Checks in order, each before anything is parsed: the 3-field signature and
 * the timestamp window (wechat.timestamp_window_s), the mode, the replay memory (a signature
 * seen with another message is refused), then the body; in encrypted pushes the msg_signature
 * over Encrypt before it is decrypted (AES-256-CBC, receive-id wxmini.app_id). Text must be
 * valid UTF-8. Messages (text, image, miniprogrampage) and the event user_enter_tempsession go
 * to the router as platform wxmini, user = the openid; the answer is "success" once the event is
 * committed, and the reply is queued in the outbox to the openid (RCPT_WXMINI), which the sender
 * delivers through the customer-service API.
 */
#ifndef ZHIBU_WXMINI_H
#define ZHIBU_WXMINI_H

#include <stddef.h>

#include "bot/app/config.h"
#include "bot/base/err.h"
#include "webhook/http/http.h"

#define WXMINI_FIELD_MAX 128         /* bytes of an id field (ToUserName, MsgType, ...) */
#define WXMINI_TEXT_MAX  (16 * 1024) /* bytes of Content (and the other text fields) */

/* One push message, from JSON or XML; strings are NUL-terminated, "" when absent. */
struct wxmini_msg {
    char to[WXMINI_FIELD_MAX];    /* ToUserName: the mini-program's original id */
    char from[WXMINI_FIELD_MAX];  /* FromUserName: the user's openid */
    char created[24];             /* CreateTime, decimal */
    char type[WXMINI_FIELD_MAX];  /* MsgType */
    char event[WXMINI_FIELD_MAX]; /* Event (MsgType event) */
    char msg_id[24];              /* MsgId, decimal, "" for events */
    char *text;                   /* Content / PicUrl / Title / SessionFrom by type (owned) */
    char *encrypt;                /* Encrypt, or NULL (owned) */
};

/*
 * wxmini_json_parse - a push body in JSON (len bytes, at most WECHAT_MAX_CIPHER_B64) into *out
 * (free with wxmini_msg_free, also after an error). Fields of the wrong JSON type, over their
 * caps, or text that is not valid UTF-8 are ZB_EPARSE / ZB_ETOOBIG; absent fields stay "".
 */
int wxmini_json_parse(const char *body, size_t len, struct wxmini_msg *out) ZB_MUST_USE;

/* wxmini_xml_parse - the same for the XML format (through wechat_xml.h). */
int wxmini_xml_parse(const char *body, size_t len, struct wxmini_msg *out) ZB_MUST_USE;

void wxmini_msg_free(struct wxmini_msg *m);

/* wxmini_init - check the wxmini section (the AES key's shape); err names the key. */
int wxmini_init(const struct config *cfg, char *err, size_t errsz) ZB_MUST_USE;

/* wxmini_handle - the /wechat/mini route (GET and POST). */
void wxmini_handle(const struct config *cfg, struct http_request *req, struct http_response *resp);

#endif
