/*
 * cqcode.c - CQ-code strings and segment arrays (see cqcode.h; onebot-11 message/string.md,
 * array.md).
 */
#include "webhook/qq/cqcode.h"

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bot/base/xmalloc.h"

static bool name_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '.' || c == '-';
}

/* name_ok - n > 0 bytes of s all in the type/key alphabet. */
static bool name_ok(const char *s, size_t n)
{
    if (n == 0)
        return false;
    for (size_t i = 0; i < n; i++)
        if (!name_char(s[i]))
            return false;
    return true;
}

char *cq_unescape(const char *s, size_t n)
{
    static const struct {
        const char *from;
        char to;
    } map[] = {{"&#44;", ','}, {"&#91;", '['}, {"&#93;", ']'}, {"&amp;", '&'}};
    /* One left-to-right pass equals nb-ob's replace chain (&#44;, &#91;, &#93;, then &amp;):
     * every pattern starts with '&' and holds no other '&', so matches never overlap and no
     * replacement can form a new pattern. */
    char *out = xmalloc(n + 1);
    size_t o = 0;
    for (size_t i = 0; i < n;) {
        size_t k = 0;
        if (s[i] == '&') {
            for (k = 0; k < sizeof map / sizeof *map; k++)
                if (n - i >= 5 && strncmp(s + i, map[k].from, 5) == 0)
                    break;
        }
        if (s[i] == '&' && k < sizeof map / sizeof *map) {
            out[o++] = map[k].to;
            i += 5;
        } else {
            out[o++] = s[i++];
        }
    }
    out[o] = '\0';
    return out;
}

static int escape(struct buf *b, const char *s, size_t n, bool comma)
{
    size_t run = 0; /* start of the pending unescaped run */
    for (size_t i = 0; i < n; i++) {
        const char *rep = NULL;
        switch (s[i]) {
        case '&':
            rep = "&amp;";
            break;
        case '[':
            rep = "&#91;";
            break;
        case ']':
            rep = "&#93;";
            break;
        case ',':
            rep = comma ? "&#44;" : NULL;
            break;
        default:
            break;
        }
        if (!rep)
            continue;
        int rc = buf_append(b, s + run, i - run);
        if (!rc)
            rc = buf_appendz(b, rep);
        if (rc)
            return rc;
        run = i + 1;
    }
    return buf_append(b, s + run, n - run);
}

int cq_escape_text(struct buf *b, const char *s, size_t n)
{
    return escape(b, s, n, false);
}

int cq_escape_param(struct buf *b, const char *s)
{
    return escape(b, s, strlen(s), true);
}

static void seg_free(struct cq_seg *g)
{
    for (size_t i = 0; i < g->n_params; i++) {
        free(g->params[i].key);
        free(g->params[i].value);
    }
    free(g->params);
    free(g->type);
    free(g->text);
}

void cq_free(struct cq_msg *m)
{
    if (!m)
        return;
    for (size_t i = 0; i < m->n; i++)
        seg_free(&m->segs[i]);
    free(m->segs);
    memset(m, 0, sizeof *m);
}

/* new_seg - append an empty segment of type (n bytes); NULL past CQ_MAX_SEGS. */
static struct cq_seg *new_seg(struct cq_msg *m, const char *type, size_t n)
{
    if (m->n >= CQ_MAX_SEGS)
        return NULL;
    if (m->n == m->alloc) {
        m->alloc = m->alloc ? 2 * m->alloc : 8;
        m->segs = xrealloc(m->segs, m->alloc * sizeof *m->segs);
    }
    struct cq_seg *g = &m->segs[m->n++];
    memset(g, 0, sizeof *g);
    g->type = xstrndup(type, n);
    return g;
}

/* add_text - append owned text t (freed here when empty), merging with a preceding text run. */
static int add_text(struct cq_msg *m, char *t)
{
    if (!*t) {
        free(t);
        return ZB_OK;
    }
    if (m->n && m->segs[m->n - 1].text) {
        struct cq_seg *prev = &m->segs[m->n - 1];
        size_t a = strlen(prev->text), b = strlen(t);
        prev->text = xrealloc(prev->text, a + b + 1);
        memcpy(prev->text + a, t, b + 1);
        free(t);
        return ZB_OK;
    }
    struct cq_seg *g = new_seg(m, "text", 4);
    if (!g) {
        free(t);
        return ZB_ETOOBIG;
    }
    g->text = t;
    return ZB_OK;
}

/* add_param - key (kn bytes) = owned value v; ZB_ETOOBIG (v freed) past CQ_MAX_PARAMS. */
static int add_param(struct cq_seg *g, const char *key, size_t kn, char *v)
{
    if (g->n_params >= CQ_MAX_PARAMS) {
        free(v);
        return ZB_ETOOBIG;
    }
    g->params = xrealloc(g->params, (g->n_params + 1) * sizeof *g->params);
    g->params[g->n_params].key = xstrndup(key, kn);
    g->params[g->n_params].value = v;
    g->n_params++;
    return ZB_OK;
}

/*
 * code_end - when s (n bytes) starts a well-formed code "[CQ:type(,k=v)*]", the offset just past
 * its ']'; 0 otherwise. Checks only the shape; parse_code builds it.
 */
static size_t code_end(const char *s, size_t n)
{
    if (n < 6 || strncmp(s, "[CQ:", 4) != 0)
        return 0;
    size_t i = 4, start = 4;
    while (i < n && s[i] != ',' && s[i] != ']')
        i++;
    if (i >= n || !name_ok(s + start, i - start))
        return 0;
    while (s[i] == ',') {
        size_t p = ++i;
        while (i < n && s[i] != ',' && s[i] != ']')
            i++;
        if (i >= n)
            return 0;
        if (i == p)
            continue; /* an empty parameter ("[CQ:at,]") is skipped */
        const char *eq = memchr(s + p, '=', i - p);
        size_t kl = eq ? (size_t)(eq - (s + p)) : i - p;
        if (!name_ok(s + p, kl))
            return 0;
    }
    return i + 1; /* s[i] == ']' */
}

/* parse_code - the code s[0..end) (shape checked by code_end) as a new segment of m. */
static int parse_code(struct cq_msg *m, const char *s, size_t end)
{
    size_t i = 4;
    while (s[i] != ',' && s[i] != ']')
        i++;
    struct cq_seg *g = new_seg(m, s + 4, i - 4);
    if (!g)
        return ZB_ETOOBIG;
    while (i < end - 1) { /* s[i] == ',' */
        size_t p = ++i;
        while (s[i] != ',' && s[i] != ']')
            i++;
        if (i == p)
            continue;
        const char *eq = memchr(s + p, '=', i - p);
        size_t kl = eq ? (size_t)(eq - (s + p)) : i - p;
        char *v = eq ? cq_unescape(eq + 1, (size_t)(s + i - eq - 1)) : xstrdup("");
        int rc = add_param(g, s + p, kl, v);
        if (rc)
            return rc;
    }
    return ZB_OK;
}

int cq_parse(const char *s, size_t n, struct cq_msg *out)
{
    memset(out, 0, sizeof *out);
    const char *nul = memchr(s, '\0', n);
    if (nul)
        n = (size_t)(nul - s);
    size_t text = 0; /* start of the pending text run */
    size_t i = 0;
    while (i < n) {
        size_t end = s[i] == '[' ? code_end(s + i, n - i) : 0;
        if (!end) {
            i++;
            continue;
        }
        int rc = add_text(out, cq_unescape(s + text, i - text));
        if (!rc)
            rc = parse_code(out, s + i, end);
        if (rc)
            return rc;
        i += end;
        text = i;
    }
    return add_text(out, cq_unescape(s + text, n - text));
}

/* json_value - a data value as owned text; NULL for values that have none (objects, null). */
static char *json_value(const cJSON *v)
{
    if (cJSON_IsString(v))
        return xstrdup(v->valuestring);
    if (cJSON_IsBool(v))
        return xstrdup(cJSON_IsTrue(v) ? "true" : "false");
    if (cJSON_IsNumber(v)) {
        char num[64];
        double d = v->valuedouble;
        if (d == (double)(long long)d && d > -9.2e18 && d < 9.2e18)
            snprintf(num, sizeof num, "%lld", (long long)d);
        else
            snprintf(num, sizeof num, "%.17g", d);
        return xstrdup(num);
    }
    return NULL;
}

int cq_from_json(const cJSON *arr, struct cq_msg *out)
{
    memset(out, 0, sizeof *out);
    if (!cJSON_IsArray(arr))
        return ZB_EPARSE;
    const cJSON *it;
    cJSON_ArrayForEach(it, arr)
    {
        const cJSON *type = cJSON_GetObjectItemCaseSensitive(it, "type");
        const cJSON *data = cJSON_GetObjectItemCaseSensitive(it, "data");
        if (!cJSON_IsObject(it) || !cJSON_IsString(type))
            return ZB_EPARSE;
        if (strcmp(type->valuestring, "text") == 0) {
            const cJSON *t = cJSON_GetObjectItemCaseSensitive(data, "text");
            int rc = add_text(out, xstrdup(cJSON_IsString(t) ? t->valuestring : ""));
            if (rc)
                return rc;
            continue;
        }
        if (!name_ok(type->valuestring, strlen(type->valuestring)))
            continue; /* cannot be written as a code; nothing we read has such a type */
        struct cq_seg *g = new_seg(out, type->valuestring, strlen(type->valuestring));
        if (!g)
            return ZB_ETOOBIG;
        const cJSON *kv;
        const cJSON *obj = cJSON_IsObject(data) ? data : NULL;
        cJSON_ArrayForEach(kv, obj)
        {
            char *v = json_value(kv);
            if (!v || !name_ok(kv->string, strlen(kv->string))) {
                free(v);
                continue;
            }
            int rc = add_param(g, kv->string, strlen(kv->string), v);
            if (rc)
                return rc;
        }
    }
    return ZB_OK;
}

int cq_render(const struct cq_msg *m, struct buf *b)
{
    for (size_t i = 0; i < m->n; i++) {
        const struct cq_seg *g = &m->segs[i];
        int rc;
        if (g->text) {
            rc = cq_escape_text(b, g->text, strlen(g->text));
        } else {
            rc = buf_appendf(b, "[CQ:%s", g->type);
            for (size_t k = 0; !rc && k < g->n_params; k++) {
                rc = buf_appendf(b, ",%s=", g->params[k].key);
                if (!rc)
                    rc = cq_escape_param(b, g->params[k].value);
            }
            if (!rc)
                rc = buf_append(b, "]", 1);
        }
        if (rc)
            return rc;
    }
    return ZB_OK;
}

const char *cq_get(const struct cq_seg *seg, const char *key)
{
    for (size_t i = 0; i < seg->n_params; i++)
        if (strcmp(seg->params[i].key, key) == 0)
            return seg->params[i].value;
    return NULL;
}
