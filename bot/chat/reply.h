/*
 * reply.h - what a handler answers, independent of any platform.
 *
 * A reply is nothing, a text, or a list of articles (rendered as WeChat 图文 / a text list
 * elsewhere). All strings are owned by the reply and freed by reply_free().
 */
#ifndef ZHIBU_REPLY_H
#define ZHIBU_REPLY_H

#include <stddef.h>

#include "bot/base/err.h"

#define REPLY_MAX_ARTICLES 8

enum reply_kind { REPLY_NONE = 0, REPLY_TEXT, REPLY_NEWS };

struct article {
    char *title;       /* required */
    char *description; /* may be NULL */
    char *pic_url;     /* may be NULL */
    char *url;         /* may be NULL */
};

struct reply {
    enum reply_kind kind;
    char *text;                                  /* REPLY_TEXT: UTF-8 text, owned */
    struct article articles[REPLY_MAX_ARTICLES]; /* REPLY_NEWS: the first n_articles */
    size_t n_articles;
};

/* reply_text - set r to a copy of text (previous contents freed). */
void reply_text(struct reply *r, const char *text);
/* reply_textf - formatted text reply, at most 8 KiB. */
void reply_textf(struct reply *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* reply_add_article - append a copy of the article; ZB_ETOOBIG past REPLY_MAX_ARTICLES. */
int reply_add_article(struct reply *r, const char *title, const char *description,
                      const char *pic_url, const char *url) ZB_MUST_USE;
void reply_free(struct reply *r);
/* reply_encode - the reply as one string for the event log; caller frees. NULL for REPLY_NONE. */
char *reply_encode(const struct reply *r);
/* reply_decode - rebuild a reply from its kind and reply_encode() string; ZB_EPARSE if damaged. */
int reply_decode(enum reply_kind kind, const char *s, struct reply *out) ZB_MUST_USE;
/* reply_plain_text - r as plain text for platforms without rich replies (QQ, the mini-program):
 * text as it is, news as one block per article ("【title】", description, link). NULL for
 * REPLY_NONE; caller frees. */
char *reply_plain_text(const struct reply *r);
/* reply_kind_name / reply_kind_parse - "none", "text", "news". parse returns -1 when unknown. */
const char *reply_kind_name(enum reply_kind k);
int reply_kind_parse(const char *s);

#endif
