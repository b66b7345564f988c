/*
 * reply.c - platform-neutral replies and their encoding in the event log (see reply.h).
 *
 * A text reply is logged as its text; a news reply as a JSON array of
 * {"title","description","pic_url","url"} objects, so a retried delivery can be answered again
 * from the log exactly as the first time.
 */
#include "bot/chat/reply.h"

#include <cjson/cJSON.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bot/base/buf.h"
#include "bot/base/xmalloc.h"

#define REPLY_PLAIN_MAX (256 * 1024) /* bytes of a reply as plain text */

static char *dup_or_null(const char *s)
{
    return s ? xstrdup(s) : NULL;
}

void reply_free(struct reply *r)
{
    free(r->text);
    for (size_t i = 0; i < r->n_articles; i++) {
        free(r->articles[i].title);
        free(r->articles[i].description);
        free(r->articles[i].pic_url);
        free(r->articles[i].url);
    }
    memset(r, 0, sizeof *r);
}

void reply_text(struct reply *r, const char *text)
{
    reply_free(r);
    r->kind = REPLY_TEXT;
    r->text = xstrdup(text);
}

void reply_textf(struct reply *r, const char *fmt, ...)
{
    char tmp[8192];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    reply_text(r, tmp);
}

int reply_add_article(struct reply *r, const char *title, const char *description,
                      const char *pic_url, const char *url)
{
    if (r->kind != REPLY_NEWS) {
        reply_free(r);
        r->kind = REPLY_NEWS;
    }
    if (r->n_articles == REPLY_MAX_ARTICLES)
        return ZB_ETOOBIG;
    struct article *a = &r->articles[r->n_articles++];
    a->title = xstrdup(title ? title : "");
    a->description = dup_or_null(description);
    a->pic_url = dup_or_null(pic_url);
    a->url = dup_or_null(url);
    return ZB_OK;
}

char *reply_encode(const struct reply *r)
{
    if (r->kind == REPLY_TEXT)
        return xstrdup(r->text ? r->text : "");
    if (r->kind != REPLY_NEWS)
        return NULL;
    cJSON *arr = cJSON_CreateArray();
    for (size_t i = 0; i < r->n_articles; i++) {
        const struct article *a = &r->articles[i];
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "title", a->title);
        if (a->description)
            cJSON_AddStringToObject(o, "description", a->description);
        if (a->pic_url)
            cJSON_AddStringToObject(o, "pic_url", a->pic_url);
        if (a->url)
            cJSON_AddStringToObject(o, "url", a->url);
        cJSON_AddItemToArray(arr, o);
    }
    char *js = cJSON_PrintUnformatted(arr);
    cJSON_Delete(arr);
    if (!js)
        return NULL;
    char *out = xstrdup(js);
    cJSON_free(js);
    return out;
}

static const char *opt_str(const cJSON *o, const char *name)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

int reply_decode(enum reply_kind kind, const char *s, struct reply *out)
{
    memset(out, 0, sizeof *out);
    if (kind == REPLY_NONE)
        return ZB_OK;
    if (kind == REPLY_TEXT) {
        reply_text(out, s ? s : "");
        return ZB_OK;
    }
    if (kind != REPLY_NEWS || !s)
        return ZB_EPARSE;
    int rc = ZB_EPARSE;
    cJSON *arr = cJSON_Parse(s);
    const cJSON *o;
    if (!cJSON_IsArray(arr))
        goto done;
    cJSON_ArrayForEach(o, arr)
    {
        const char *title = opt_str(o, "title");
        if (!title || reply_add_article(out, title, opt_str(o, "description"),
                                        opt_str(o, "pic_url"), opt_str(o, "url")))
            goto done;
    }
    out->kind = REPLY_NEWS;
    rc = ZB_OK;
done:
    cJSON_Delete(arr);
    if (rc)
        reply_free(out);
    return rc;
}

const char *reply_kind_name(enum reply_kind k)
{
    switch (k) {
    case REPLY_TEXT:
        return "text";
    case REPLY_NEWS:
        return "news";
    default:
        return "none";
    }
}

int reply_kind_parse(const char *s)
{
    if (strcmp(s, "none") == 0)
        return REPLY_NONE;
    if (strcmp(s, "text") == 0)
        return REPLY_TEXT;
    if (strcmp(s, "news") == 0)
        return REPLY_NEWS;
    return -1;
}

char *reply_plain_text(const struct reply *r)
{
    if (r->kind == REPLY_TEXT)
        return xstrdup(r->text ? r->text : "");
    if (r->kind != REPLY_NEWS)
        return NULL;
    struct buf b;
    buf_init(&b, REPLY_PLAIN_MAX);
    for (size_t i = 0; i < r->n_articles; i++) {
        const struct article *a = &r->articles[i];
        int rc = buf_appendf(&b, "%s【%s】", i ? "\n\n" : "", a->title ? a->title : "");
        if (!rc && a->description && *a->description)
            rc = buf_appendf(&b, "\n%s", a->description);
        if (!rc && a->url && *a->url)
            rc = buf_appendf(&b, "\n%s", a->url);
        if (rc)
            break; /* at the cap: what fits is sent */
    }
    return buf_steal(&b);
}
