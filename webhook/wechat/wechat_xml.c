/*
 * wechat_xml.c - WeChat's XML messages: a hardened expat reader and the passive-reply writers.
 *
 * The reader feeds the body to expat (input forced to UTF-8) and stops at the first DOCTYPE or
 * entity declaration, so no DTD, internal or external entity is ever expanded; only the five
 * predefined entities and character references decode. Each leaf element below the root <xml>
 * becomes a field named by its path ("Content", "ScanCodeInfo/ScanType") holding its character
 * data (CDATA included, untrimmed). Elements that contain elements are not fields and their own
 * text is dropped, which also disposes of the web client's stray "webwx_msg_cli_ver_0x1". Depth,
 * field count, total kept text and path length are capped; the parse state holds at most one
 * pending text per open element, so memory stays bounded by the caps. The writers emit the
 * passive reply and the safe-mode envelope byte-for-byte in WeChat's layout, with every string
 * in CDATA and "]]>" split so user text cannot close the section.
 */
#include "webhook/wechat/wechat_xml.h"
#include "bot/base/textfmt.h"

#include <expat.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "bot/base/rand.h"
#include "bot/base/xmalloc.h"

static pthread_once_t salt_once = PTHREAD_ONCE_INIT;
static unsigned long salt; /* expat's hash salt, random once per process */

static void make_salt(void)
{
    rand_bytes(&salt, sizeof salt);
}

#define PATH_MAX_BYTES 512           /* longest field path ("A/B/C"), bytes */
#define FEED_CHUNK     (1024 * 1024) /* bytes handed to XML_Parse per call (its length is an int) */

struct field {
    char *path; /* "Content", "ScanCodeInfo/ScanType"; owned */
    char *text; /* element text, NUL-terminated, "" when empty; owned */
};

struct wechat_xml {
    struct field fields[WECHAT_XML_MAX_FIELDS]; /* the first n are in use, in document order */
    size_t n;                                   /* fields in use */
};

struct frame {
    size_t path_len; /* length of st->path before this element's name was appended */
    int has_child;   /* an element started inside this one: it is a container, not a field */
    int skip;        /* path already kept (repeat) or root: collect no text */
    struct buf text; /* pending text while this may still be a leaf */
};

struct parse_state {
    XML_Parser p;                                 /* the parser, for XML_StopParser */
    struct wechat_xml *x;                         /* fields being collected */
    struct frame stack[WECHAT_XML_MAX_DEPTH + 1]; /* [0] is <xml>, [d] is depth d below it */
    size_t open;                                  /* elements currently open, root included */
    int seen_root;                                /* the root element has started */
    struct buf path;                              /* path of the innermost open element */
    size_t text_total;                            /* bytes of kept + pending text */
    int rc;                                       /* first error raised by a handler, else ZB_OK */
};

/* expat allocates through the xmalloc family, so its out-of-memory follows ours: log and abort. */
static const XML_Memory_Handling_Suite xmalloc_suite = {xmalloc, xrealloc, free};

static const struct field *find(const struct wechat_xml *x, const char *path)
{
    for (size_t i = 0; i < x->n; i++)
        if (strcmp(x->fields[i].path, path) == 0)
            return &x->fields[i];
    return NULL;
}

/* Shorten b to its first len bytes (len <= b->len): drop a path step or a half-written element. */
static void cut(struct buf *b, size_t len)
{
    b->len = len;
    if (b->data)
        b->data[len] = '\0';
}

/* Record the first error and ask expat to stop; later callbacks see st->rc and return. */
static void fail(struct parse_state *st, int rc)
{
    if (st->rc == ZB_OK)
        st->rc = rc;
    XML_StopParser(st->p, XML_FALSE);
}

static void XMLCALL on_doctype(void *ud, const XML_Char *name, const XML_Char *sysid,
                               const XML_Char *pubid, int has_internal_subset)
{
    (void)name;
    (void)sysid;
    (void)pubid;
    (void)has_internal_subset;
    fail(ud, ZB_EPARSE);
}

static void XMLCALL on_entity_decl(void *ud, const XML_Char *name, int is_param,
                                   const XML_Char *value, int value_len, const XML_Char *base,
                                   const XML_Char *sysid, const XML_Char *pubid,
                                   const XML_Char *notation)
{
    (void)name;
    (void)is_param;
    (void)value;
    (void)value_len;
    (void)base;
    (void)sysid;
    (void)pubid;
    (void)notation;
    fail(ud, ZB_EPARSE);
}

static void XMLCALL on_start(void *ud, const XML_Char *name, const XML_Char **attrs)
{
    struct parse_state *st = ud;
    (void)attrs;
    if (st->rc != ZB_OK)
        return;
    if (st->open == 0) {
        /* expat already refuses a second root ("junk after document element"). */
        if (st->seen_root || strcmp(name, "xml") != 0) {
            fail(st, ZB_EPARSE);
            return;
        }
        st->seen_root = 1;
        struct frame *root = &st->stack[0];
        root->path_len = 0;
        root->has_child = 0;
        root->skip = 1;
        buf_init(&root->text, 0);
        st->open = 1;
        return;
    }
    if (st->open > WECHAT_XML_MAX_DEPTH) {
        fail(st, ZB_ETOOBIG);
        return;
    }
    struct frame *parent = &st->stack[st->open - 1];
    if (!parent->has_child) {
        parent->has_child = 1;
        st->text_total -= parent->text.len;
        buf_free(&parent->text);
    }
    struct frame *f = &st->stack[st->open];
    f->path_len = st->path.len;
    f->has_child = 0;
    f->skip = 0;
    buf_init(&f->text, WECHAT_XML_MAX_TEXT);
    int rc = ZB_OK;
    if (st->open > 1)
        rc = buf_append(&st->path, "/", 1);
    if (rc == ZB_OK)
        rc = buf_appendz(&st->path, name);
    st->open++;
    if (rc != ZB_OK) {
        fail(st, rc);
        return;
    }
    f->skip = find(st->x, buf_str(&st->path)) != NULL;
}

static void XMLCALL on_end(void *ud, const XML_Char *name)
{
    struct parse_state *st = ud;
    (void)name;
    if (st->rc != ZB_OK || st->open == 0)
        return;
    /* The frame is popped here, so its text is either kept as a field or freed now. */
    struct frame *f = &st->stack[--st->open];
    if (st->open == 0)
        return;
    if (!f->has_child && !f->skip && st->x->n < WECHAT_XML_MAX_FIELDS) {
        struct field *fl = &st->x->fields[st->x->n++];
        fl->path = xstrdup(buf_str(&st->path));
        fl->text = buf_steal(&f->text);
    } else {
        if (!f->has_child && !f->skip)
            fail(st, ZB_ETOOBIG);
        st->text_total -= f->text.len;
        buf_free(&f->text);
    }
    cut(&st->path, f->path_len);
}

static void XMLCALL on_text(void *ud, const XML_Char *s, int len)
{
    struct parse_state *st = ud;
    if (st->rc != ZB_OK || st->open == 0)
        return;
    struct frame *f = &st->stack[st->open - 1];
    if (f->skip || f->has_child || len <= 0)
        return;
    if ((size_t)len > WECHAT_XML_MAX_TEXT - st->text_total) {
        fail(st, ZB_ETOOBIG);
        return;
    }
    int rc = buf_append(&f->text, s, (size_t)len);
    if (rc != ZB_OK) {
        fail(st, rc);
        return;
    }
    st->text_total += (size_t)len;
}

/*
 * wechat_xml_parse - see wechat_xml.h. A NUL byte anywhere is ZB_EPARSE before expat sees it.
 * A DOCTYPE (with or without an internal subset) stops the parse at its start, so entity
 * declarations, external entities and billion-laughs expansions never happen; an undeclared
 * entity reference such as &x; is then expat's "undefined entity" error, also ZB_EPARSE.
 * Leaf elements only become fields; a container's path is absent (NULL from wechat_xml_get).
 */
int wechat_xml_parse(const char *data, size_t len, struct wechat_xml **out)
{
    struct parse_state st;
    int rc = ZB_OK;

    *out = NULL;
    memset(&st, 0, sizeof st);
    buf_init(&st.path, PATH_MAX_BYTES);
    if (!data || (len && memchr(data, '\0', len))) {
        rc = ZB_EPARSE;
        goto done;
    }
    st.x = xcalloc(1, sizeof *st.x);
    st.p = XML_ParserCreate_MM("UTF-8", &xmalloc_suite, NULL);
    if (!st.p) {
        rc = ZB_EINVAL; /* unreachable: allocation failure aborts in xmalloc */
        goto done;
    }
    /* A per-process random salt instead of expat's per-parser one: the same protection against
     * hash flooding without a getrandom() system call on every request. */
    pthread_once(&salt_once, make_salt);
    XML_SetHashSalt(st.p, salt);
    XML_SetUserData(st.p, &st);
    XML_SetParamEntityParsing(st.p, XML_PARAM_ENTITY_PARSING_NEVER);
    XML_SetStartDoctypeDeclHandler(st.p, on_doctype);
    XML_SetEntityDeclHandler(st.p, on_entity_decl);
    XML_SetElementHandler(st.p, on_start, on_end);
    XML_SetCharacterDataHandler(st.p, on_text);

    size_t off = 0;
    do {
        size_t n = len - off < FEED_CHUNK ? len - off : FEED_CHUNK;
        int final = off + n == len;
        if (XML_Parse(st.p, data + off, (int)n, final) != XML_STATUS_OK) {
            rc = st.rc != ZB_OK ? st.rc : ZB_EPARSE;
            goto done;
        }
        off += n;
    } while (off < len);
    if (st.rc != ZB_OK) {
        rc = st.rc;
        goto done;
    }
    *out = st.x;
    st.x = NULL;

done:
    for (size_t i = 0; i < st.open && i <= WECHAT_XML_MAX_DEPTH; i++)
        buf_free(&st.stack[i].text);
    buf_free(&st.path);
    if (st.p)
        XML_ParserFree(st.p);
    wechat_xml_free(st.x);
    return rc;
}

const char *wechat_xml_get(const struct wechat_xml *x, const char *path)
{
    if (!x || !path)
        return NULL;
    const struct field *f = find(x, path);
    return f ? f->text : NULL;
}

void wechat_xml_free(struct wechat_xml *x)
{
    if (!x)
        return;
    for (size_t i = 0; i < x->n; i++) {
        free(x->fields[i].path);
        free(x->fields[i].text);
    }
    free(x);
}

static int cdata(struct buf *b, const char *s)
{
    int rc = buf_appendz(b, "<![CDATA[");
    const char *end;
    while (rc == ZB_OK && (end = strstr(s, "]]>")) != NULL) {
        /* "]]" closes this section, ">" opens the next: "]]]]><![CDATA[>". */
        rc = buf_append(b, s, (size_t)(end - s) + 2);
        if (rc == ZB_OK)
            rc = buf_appendz(b, "]]><![CDATA[");
        s = end + 2;
    }
    if (rc == ZB_OK)
        rc = buf_appendz(b, s);
    if (rc == ZB_OK)
        rc = buf_appendz(b, "]]>");
    return rc;
}

/*
 * wechat_xml_cdata - see wechat_xml.h. NULL is written as an empty section. On ZB_ETOOBIG the
 * buffer is left as it was.
 */
int wechat_xml_cdata(struct buf *b, const char *s)
{
    size_t mark = b->len;
    int rc = cdata(b, s ? s : "");
    if (rc != ZB_OK)
        cut(b, mark);
    return rc;
}

/* <tag><![CDATA[s]]></tag>; NULL s is an empty section. */
static int element(struct buf *b, const char *tag, const char *s)
{
    int rc = buf_appendf(b, "<%s>", tag);
    if (rc == ZB_OK)
        rc = cdata(b, s ? s : "");
    if (rc == ZB_OK)
        rc = buf_appendf(b, "</%s>", tag);
    return rc;
}

static int news(struct buf *b, const struct reply *r)
{
    int rc = buf_appendf(b, "<ArticleCount>%zu</ArticleCount><Articles>", r->n_articles);
    for (size_t i = 0; rc == ZB_OK && i < r->n_articles; i++) {
        const struct article *a = &r->articles[i];
        rc = buf_appendz(b, "<item>");
        if (rc == ZB_OK)
            rc = element(b, "Title", a->title);
        if (rc == ZB_OK)
            rc = element(b, "Description", a->description);
        if (rc == ZB_OK)
            rc = element(b, "PicUrl", a->pic_url);
        if (rc == ZB_OK)
            rc = element(b, "Url", a->url);
        if (rc == ZB_OK)
            rc = buf_appendz(b, "</item>");
    }
    if (rc == ZB_OK)
        rc = buf_appendz(b, "</Articles>");
    return rc;
}

/*
 * wechat_xml_reply - see wechat_xml.h. One line, fields in the order of WeChat's samples:
 * ToUserName, FromUserName, CreateTime, MsgType, then Content (text) or ArticleCount + Articles
 * (news; NULL article fields become empty CDATA). ZB_EINVAL for REPLY_NONE, a NULL argument or
 * text, or a news reply with 0 or more than REPLY_MAX_ARTICLES articles; ZB_ETOOBIG when b's cap
 * is hit. On any error b is left as it was.
 */
int wechat_xml_reply(struct buf *b, const char *to, const char *from, int64_t now,
                     const struct reply *r)
{
    if (!to || !from || !r || (r->kind != REPLY_TEXT && r->kind != REPLY_NEWS))
        return ZB_EINVAL;
    if (r->kind == REPLY_TEXT && !r->text)
        return ZB_EINVAL;
    if (r->kind == REPLY_NEWS && (r->n_articles == 0 || r->n_articles > REPLY_MAX_ARTICLES))
        return ZB_EINVAL;

    size_t mark = b->len;
    int rc = buf_appendz(b, "<xml>");
    if (rc == ZB_OK)
        rc = element(b, "ToUserName", to);
    if (rc == ZB_OK)
        rc = element(b, "FromUserName", from);
    if (rc == ZB_OK)
        rc = buf_appendf(b, "<CreateTime>%" PRId64 "</CreateTime>", now);
    if (rc == ZB_OK)
        rc = element(b, "MsgType", r->kind == REPLY_TEXT ? "text" : "news");
    if (rc == ZB_OK)
        rc = r->kind == REPLY_TEXT ? element(b, "Content", r->text) : news(b, r);
    if (rc == ZB_OK)
        rc = buf_appendz(b, "</xml>");
    if (rc != ZB_OK)
        cut(b, mark);
    return rc;
}

/*
 * wechat_xml_envelope - see wechat_xml.h. Exactly
 * "<xml>\n<Encrypt><![CDATA[E]]></Encrypt>\n<MsgSignature><![CDATA[S]]></MsgSignature>\n
 * <TimeStamp>T</TimeStamp>\n<Nonce><![CDATA[N]]></Nonce>\n</xml>", no trailing newline.
 * TimeStamp is written bare, so it must be decimal digits (it may echo the query string):
 * ZB_EINVAL otherwise or for a NULL argument. ZB_ETOOBIG at b's cap. On error b is unchanged.
 */
int wechat_xml_envelope(struct buf *b, const char *encrypt, const char *msg_signature,
                        const char *timestamp, const char *nonce)
{
    if (!encrypt || !msg_signature || !timestamp || !nonce ||
        !textfmt_digits(timestamp, 1, 0, true))
        return ZB_EINVAL;

    size_t mark = b->len;
    int rc = buf_appendz(b, "<xml>\n");
    if (rc == ZB_OK)
        rc = element(b, "Encrypt", encrypt);
    if (rc == ZB_OK)
        rc = buf_appendz(b, "\n");
    if (rc == ZB_OK)
        rc = element(b, "MsgSignature", msg_signature);
    if (rc == ZB_OK)
        rc = buf_appendf(b, "\n<TimeStamp>%s</TimeStamp>\n", timestamp);
    if (rc == ZB_OK)
        rc = element(b, "Nonce", nonce);
    if (rc == ZB_OK)
        rc = buf_appendz(b, "\n</xml>");
    if (rc != ZB_OK)
        cut(b, mark);
    return rc;
}
