/*
 * qq_text.h - what both QQ adapters do with text: the group prefix, long replies in parts.
 *
 * QQ clients show long messages badly and the unofficial protocol ends get risk-controlled for
 * them, so a reply is sent as parts of at most QQ_PART_CHARS characters, cut at line
 * boundaries, in order. The router pages a reply at QQ_PAGE_CHARS ("+" for more): a page that
 * long splits into at most QQ_MAX_PARTS parts (every part but the last has at least half of
 * QQ_PART_CHARS, see router_split), which is the open platform's limit of passive replies to
 * one message and a polite number of messages in a group.
 */
#ifndef ZHIBU_QQ_TEXT_H
#define ZHIBU_QQ_TEXT_H

#include <stdbool.h>
#include <stddef.h>

#include "bot/base/err.h"

#define QQ_PART_CHARS 1500 /* one QQ message at most, in characters */
#define QQ_MAX_PARTS  5    /* messages in answer to one */
/* the longest page: QQ_MAX_PARTS - 1 parts of at least half QQ_PART_CHARS, then a full one */
#define QQ_PAGE_CHARS ((QQ_MAX_PARTS - 1) * (QQ_PART_CHARS / 2) + QQ_PART_CHARS)

struct qq_parts {
    char *part[QQ_MAX_PARTS]; /* the first n are used; owned */
    size_t n;
};

/*
 * qq_split - text as at most QQ_MAX_PARTS parts of at most QQ_PART_CHARS characters, cut after
 * lines; a trailing ROUTER_MORE_LINE stays with the last part (which may then exceed
 * QQ_PART_CHARS by its length). Text beyond QQ_MAX_PARTS parts (only possible for text the
 * router did not page, e.g. news) is cut and the last part ends in "……". Empty text gives no
 * parts. Free with qq_parts_free.
 */
void qq_split(const char *text, struct qq_parts *out);
void qq_parts_free(struct qq_parts *p);

/*
 * qq_strip_prefix - when text starts with prefix (a non-empty prefix "#" also matches the
 * full-width "＃"), the text after it and the spaces that follow; NULL when it does not.
 */
const char *qq_strip_prefix(const char *text, const char *prefix);

/* qq_trim - a copy of s without leading and trailing whitespace (ASCII and U+3000); caller
 * frees. */
char *qq_trim(const char *s);

#endif
