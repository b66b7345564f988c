/*
 * wechat_xml.h - WeChat's XML messages: a hardened reader and the passive-reply writers.
 *
 * The reader (expat) accepts one document whose root is <xml>, rejects any DOCTYPE, entity
 * declaration or external entity, and keeps the text of each element as a field named by its
 * path below the root ("Content", "ScanCodeInfo/ScanType"). Caps: depth, field count and total
 * text size (WECHAT_XML_MAX_*); hitting one is ZB_ETOOBIG. Stray text directly inside <xml> (the
 * old web-client "webwx_msg_cli_ver_0x1" quirk) is ignored. The writers put every string in
 * CDATA, splitting "]]>" so user text can never break out; they leave the buffer unchanged on
 * any error. The document is always read as UTF-8, whatever it declares.
 */
#ifndef ZHIBU_WECHAT_XML_H
#define ZHIBU_WECHAT_XML_H

#include <stddef.h>
#include <stdint.h>

#include "bot/base/buf.h"
#include "bot/base/err.h"
#include "bot/chat/reply.h"

#define WECHAT_XML_MAX_DEPTH  8           /* elements nested below <xml> */
#define WECHAT_XML_MAX_FIELDS 64          /* distinct element paths kept */
#define WECHAT_XML_MAX_TEXT   (64 * 1024) /* total bytes of element text kept */

struct wechat_xml; /* opaque: the parsed fields */

/*
 * wechat_xml_parse - parse len bytes of XML. On ZB_OK *out holds the fields (caller frees with
 * wechat_xml_free). Errors: ZB_EPARSE (not well-formed, root not <xml>, DOCTYPE or entities
 * present), ZB_ETOOBIG (a cap was hit). A repeated element keeps its first value.
 */
int wechat_xml_parse(const char *data, size_t len, struct wechat_xml **out) ZB_MUST_USE;

/* wechat_xml_get - the text of the field at path, "" for an empty element, NULL when absent. */
const char *wechat_xml_get(const struct wechat_xml *x, const char *path);

void wechat_xml_free(struct wechat_xml *x);

/* wechat_xml_cdata - append s as one or more CDATA sections ("]]>" split across two). */
int wechat_xml_cdata(struct buf *b, const char *s) ZB_MUST_USE;

/*
 * wechat_xml_reply - append the passive reply XML for r (REPLY_TEXT or REPLY_NEWS) addressed
 * to user `to` from account `from` at time `now`. ZB_EINVAL for REPLY_NONE, NULL text, or a
 * news reply without articles. Text must be valid UTF-8 without control characters.
 */
int wechat_xml_reply(struct buf *b, const char *to, const char *from, int64_t now,
                     const struct reply *r) ZB_MUST_USE;

/*
 * wechat_xml_envelope - append the safe-mode reply envelope:
 * <xml><Encrypt>..</Encrypt><MsgSignature>..</MsgSignature><TimeStamp>..</TimeStamp>
 * <Nonce>..</Nonce></xml>, each element on its own line as WeChat's samples do. ZB_EINVAL when
 * timestamp is not all digits (it is written outside CDATA).
 */
int wechat_xml_envelope(struct buf *b, const char *encrypt, const char *msg_signature,
                        const char *timestamp, const char *nonce) ZB_MUST_USE;

#endif
