/*
 * route.c - the route table's matcher (see route.h): one pass over the table, segment by
 * segment, no allocation.
 */
#include "webhook/http/route.h"

#include <stdio.h>
#include <string.h>

enum seg_kind { SEG_TAIL = 0, SEG_PARAM = 1, SEG_LITERAL = 2 };

static const char *const method_names[] = {"GET", "POST", "PUT", "PATCH", "DELETE"};
#define NMETHODS (sizeof method_names / sizeof method_names[0])

unsigned route_method_bit(const char *method)
{
    for (size_t i = 0; i < NMETHODS; i++)
        if (strcmp(method, method_names[i]) == 0)
            return 1u << i;
    return 0;
}

static const char *seg_end(const char *s)
{
    const char *e = strchr(s, '/');
    return e ? e : s + strlen(s);
}

static bool is_param(const char *s, const char *e)
{
    return e - s >= 3 && s[0] == '{' && e[-1] == '}';
}

static enum seg_kind kind_at(const char *pat)
{
    if (!*pat)
        return SEG_TAIL;
    return is_param(pat, seg_end(pat)) ? SEG_PARAM : SEG_LITERAL;
}

/* put - record a parameter; false when the value is too long or there are too many. */
static bool put(struct route_match *m, const char *name, size_t name_len, const char *v,
                size_t vlen)
{
    if (m->n >= ROUTE_PARAMS_MAX || vlen > ROUTE_PARAM_MAX)
        return false;
    m->name[m->n] = name;
    m->name_len[m->n] = name_len;
    memcpy(m->value[m->n], v, vlen);
    m->value[m->n][vlen] = '\0';
    m->n++;
    return true;
}

/* match - path against pat (both start with '/'); parameters into m. */
static bool match(const char *pat, const char *path, struct route_match *m)
{
    m->n = 0;
    if (*pat != '/' || *path != '/')
        return false;
    for (;;) {
        pat++;
        path++;
        if (!*pat) /* the pattern ended with '/': a prefix; the rest is "*" */
            return put(m, "*", 1, path, strlen(path));
        const char *pe = seg_end(pat), *qe = seg_end(path);
        size_t plen = (size_t)(pe - pat), qlen = (size_t)(qe - path);
        if (qlen == 0)
            return false;
        if (is_param(pat, pe)) {
            if (!put(m, pat + 1, plen - 2, path, qlen))
                return false;
        } else if (plen != qlen || strncmp(pat, path, plen) != 0) {
            return false;
        }
        if (!*pe)
            return !*qe;
        if (!*qe)
            return false;
        pat = pe;
        path = qe;
    }
}

/* better - a beats b for a path both match: at the first segment where their kinds differ, the
 * more literal wins. Equal patterns: the first in the table stays. */
static bool better(const char *a, const char *b)
{
    for (;;) {
        a++;
        b++;
        enum seg_kind ka = kind_at(a), kb = kind_at(b);
        if (ka != kb)
            return ka > kb;
        if (ka == SEG_TAIL)
            return false;
        a = seg_end(a);
        b = seg_end(b);
        if (!*a || !*b)
            return false;
    }
}

static void allow_text(unsigned methods, char *allow, size_t allowsz)
{
    if (!allow || !allowsz)
        return;
    size_t used = 0;
    allow[0] = '\0';
    for (size_t i = 0; i < NMETHODS; i++) {
        if (!(methods & (1u << i)))
            continue;
        int w = snprintf(allow + used, allowsz - used, "%s%s", used ? ", " : "", method_names[i]);
        if (w < 0 || (size_t)w >= allowsz - used)
            return;
        used += (size_t)w;
    }
}

int route_find(const struct route *table, size_t n, const char *path, unsigned method,
               struct route_match *m, char *allow, size_t allowsz)
{
    struct route_match tmp;
    if (strnlen(path, ROUTE_PATH_MAX + 1) > ROUTE_PATH_MAX)
        return ROUTE_TOO_LONG;
    int best = ROUTE_NOT_FOUND;
    unsigned path_methods = 0;
    for (size_t i = 0; i < n; i++) {
        if (!match(table[i].pattern, path, &tmp))
            continue;
        path_methods |= table[i].methods;
        if (!(table[i].methods & method))
            continue;
        if (best >= 0 && !better(table[i].pattern, table[best].pattern))
            continue;
        best = (int)i;
        if (m)
            *m = tmp;
    }
    if (best >= 0)
        return best;
    if (!path_methods)
        return ROUTE_NOT_FOUND;
    allow_text(path_methods, allow, allowsz);
    return ROUTE_BAD_METHOD;
}

const char *route_param(const struct route_match *m, const char *name)
{
    size_t len = strlen(name);
    for (int i = 0; i < m->n; i++)
        if (m->name_len[i] == len && strncmp(m->name[i], name, len) == 0)
            return m->value[i];
    return NULL;
}

int route_check(const struct route *table, size_t n, char *err, size_t errsz)
{
    for (size_t i = 0; i < n; i++) {
        const char *p = table[i].pattern;
        int params = 0;
        bool ok =
            p && p[0] == '/' && table[i].methods && table[i].handle && strlen(p) <= ROUTE_PATH_MAX;
        for (const char *s = ok ? p + 1 : ""; ok && *s;) {
            const char *e = seg_end(s);
            size_t len = (size_t)(e - s);
            if (len == 0)
                ok = false;
            else if (memchr(s, '{', len) || memchr(s, '}', len))
                ok = is_param(s, e) && len - 2 < 32 && !memchr(s + 1, '{', len - 2) &&
                     !memchr(s + 1, '}', len - 2) && ++params <= ROUTE_PARAMS_MAX;
            s = *e ? e + 1 : e;
        }
        if (ok && p[strlen(p) - 1] == '/' && ++params > ROUTE_PARAMS_MAX)
            ok = false;
        if (!ok) {
            snprintf(err, errsz, "route %zu: bad pattern \"%s\"", i, p ? p : "(null)");
            return ZB_EINVAL;
        }
    }
    return ZB_OK;
}
