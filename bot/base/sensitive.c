/*
 * sensitive.c - an Aho-Corasick automaton over folded code points (see sensitive.h).
 *
 * Nodes live in one array; the goto function is an open-addressing hash table keyed by (node,
 * code point), so memory grows with the number of edges, not with the alphabet. Children are
 * also chained (first child, next sibling) for the breadth-first pass that sets the failure
 * links. Each node keeps the word that ends there (if any) and a link to the nearest node on
 * its failure chain where a word ends, so a scan reports every word at every end position
 * without walking chains that hold none.
 */
#include "bot/base/sensitive.h"

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bot/base/charset.h"
#include "bot/base/log.h"
#include "bot/base/xmalloc.h"

#define RING     512 /* >= longest word in characters (SENSITIVE_WORD_MAX bytes) + 1 */
#define NONE     0xFFFFFFFFu
#define BAD_BYTE 0x110000u /* an invalid UTF-8 byte b decodes as BAD_BYTE + b */

struct node {
    uint32_t fail;    /* failure link */
    uint32_t dict;    /* nearest node on the failure chain that ends a word, NONE if none */
    uint32_t word;    /* the word ending here, NONE if none */
    uint32_t depth;   /* characters from the root */
    uint32_t cp;      /* label of the edge into this node */
    uint32_t child;   /* first child, NONE if none */
    uint32_t sibling; /* next child of the parent, NONE if none */
};

struct edge {
    uint64_t key;   /* (node << 32 | cp) + 1; 0 = empty slot */
    uint32_t child; /* the node it leads to */
};

struct sensitive {
    struct node *nodes; /* nodes[0] is the root */
    uint32_t nnodes;    /* used */
    uint32_t capnodes;  /* allocated */
    struct edge *edges; /* the goto table, a power of two in size */
    size_t edgemask;    /* size - 1 */
    size_t nedges;      /* used slots */
    char **words;       /* the words as given */
    size_t nwords;      /* how many */
};

/* decode - the code point at s[i] (n bytes in all) into *cp; returns its length in bytes. An
 * invalid or truncated sequence decodes one byte as BAD_BYTE + byte. */
static size_t decode(const unsigned char *s, size_t n, size_t i, uint32_t *cp)
{
    unsigned char c = s[i];
    size_t len = c < 0x80             ? 1
                 : (c & 0xE0) == 0xC0 ? 2
                 : (c & 0xF0) == 0xE0 ? 3
                 : (c & 0xF8) == 0xF0 ? 4
                                      : 0;
    if (len == 1) {
        *cp = c;
        return 1;
    }
    if (len == 0 || i + len > n || !charset_utf8_valid((const char *)s + i, len)) {
        *cp = BAD_BYTE + c;
        return 1;
    }
    uint32_t v = c & (0x7F >> len);
    for (size_t k = 1; k < len; k++)
        v = v << 6 | (s[i + k] & 0x3F);
    *cp = v;
    return len;
}

/* fold - the code point as matched, or 0 for one that is skipped (space, punctuation,
 * symbols, marks, invisible characters). */
static uint32_t fold(uint32_t cp)
{
    if (cp >= 0xFF01 && cp <= 0xFF5E)
        cp -= 0xFEE0; /* full-width ASCII */
    if (cp < 0x80) {
        if (cp >= 'A' && cp <= 'Z')
            return cp + 32;
        if ((cp >= 'a' && cp <= 'z') || (cp >= '0' && cp <= '9'))
            return cp;
        return 0;
    }
    if (cp >= BAD_BYTE)
        return cp;
    if ((cp >= 0x80 && cp <= 0xBF) || cp == 0xD7 || cp == 0xF7 || /* Latin-1 punctuation */
        (cp >= 0x0300 && cp <= 0x036F) ||                         /* combining marks */
        (cp >= 0x2000 && cp <= 0x206F) || /* general punctuation, zero-width, bidi */
        (cp >= 0x20A0 && cp <= 0x20FF) || /* currency, combining for symbols */
        (cp >= 0x2100 && cp <= 0x2BFF) || /* letterlike, arrows, math, boxes, shapes */
        cp == 0x3000 || (cp >= 0x3001 && cp <= 0x3004) || (cp >= 0x3008 && cp <= 0x303F) ||
        (cp >= 0x30FB && cp <= 0x30FC) || /* katakana middle dot */
        (cp >= 0xFE00 && cp <= 0xFE0F) || /* variation selectors */
        (cp >= 0xFE30 && cp <= 0xFE6F) || /* CJK compat, small forms */
        cp == 0xFEFF || cp == 0xFF00 ||   /* BOM */
        (cp >= 0xFF5F && cp <= 0xFF65) || (cp >= 0xFFE0 && cp <= 0xFFEF) || /* half/full */
        (cp >= 0x1F000 && cp <= 0x1FAFF) || /* emoji and pictographs */
        (cp >= 0xE0000 && cp <= 0xE007F))   /* tags */
        return 0;
    return cp;
}

static size_t hash(uint64_t key)
{
    key ^= key >> 33;
    key *= 0xff51afd7ed558ccdULL;
    key ^= key >> 33;
    return (size_t)key;
}

/* edge_find - the child of node along cp, NONE if none. */
static uint32_t edge_find(const struct sensitive *s, uint32_t node, uint32_t cp)
{
    uint64_t key = ((uint64_t)node << 32 | cp) + 1;
    for (size_t i = hash(key) & s->edgemask;; i = (i + 1) & s->edgemask) {
        if (s->edges[i].key == key)
            return s->edges[i].child;
        if (!s->edges[i].key)
            return NONE;
    }
}

static void edge_put(struct edge *table, size_t mask, uint64_t key, uint32_t child)
{
    size_t i = hash(key) & mask;
    while (table[i].key)
        i = (i + 1) & mask;
    table[i].key = key;
    table[i].child = child;
}

/* edge_add - insert node --cp--> child, growing the table at half full. */
static void edge_add(struct sensitive *s, uint32_t node, uint32_t cp, uint32_t child)
{
    if ((s->nedges + 1) * 2 > s->edgemask + 1) {
        size_t size = (s->edgemask + 1) * 2;
        struct edge *t = xcalloc(size, sizeof *t);
        for (size_t i = 0; i <= s->edgemask; i++)
            if (s->edges[i].key)
                edge_put(t, size - 1, s->edges[i].key, s->edges[i].child);
        free(s->edges);
        s->edges = t;
        s->edgemask = size - 1;
    }
    edge_put(s->edges, s->edgemask, ((uint64_t)node << 32 | cp) + 1, child);
    s->nedges++;
}

static uint32_t node_new(struct sensitive *s, uint32_t depth, uint32_t cp)
{
    if (s->nnodes == s->capnodes) {
        s->capnodes = s->capnodes ? s->capnodes * 2 : 1024;
        s->nodes = xrealloc(s->nodes, s->capnodes * sizeof *s->nodes);
    }
    s->nodes[s->nnodes] = (struct node){0, NONE, NONE, depth, cp, NONE, NONE};
    return s->nnodes++;
}

/* insert - add word i (valid UTF-8). false when it has no significant character. */
static bool insert(struct sensitive *s, const char *w, uint32_t index)
{
    const unsigned char *u = (const unsigned char *)w;
    size_t n = strlen(w);
    uint32_t node = 0, depth = 0;
    for (size_t i = 0; i < n;) {
        uint32_t cp;
        i += decode(u, n, i, &cp);
        cp = fold(cp);
        if (!cp)
            continue; /* a repeat is kept: "哈哈" must not become "哈" */
        uint32_t next = edge_find(s, node, cp);
        if (next == NONE) {
            next = node_new(s, depth + 1, cp);
            struct node *parent = &s->nodes[node];
            s->nodes[next].sibling = parent->child;
            parent->child = next;
            edge_add(s, node, cp, next);
        }
        node = next;
        depth++;
    }
    if (!depth)
        return false;
    if (s->nodes[node].word == NONE)
        s->nodes[node].word = index;
    return true;
}

/* link - breadth-first failure and dictionary links. */
static void link(struct sensitive *s)
{
    uint32_t *queue = xmalloc(s->nnodes * sizeof *queue);
    size_t head = 0, tail = 0;
    for (uint32_t c = s->nodes[0].child; c != NONE; c = s->nodes[c].sibling) {
        s->nodes[c].fail = 0;
        queue[tail++] = c;
    }
    while (head < tail) {
        uint32_t u = queue[head++];
        for (uint32_t c = s->nodes[u].child; c != NONE; c = s->nodes[c].sibling) {
            uint32_t cp = s->nodes[c].cp, f = s->nodes[u].fail, to;
            while ((to = edge_find(s, f, cp)) == NONE && f != 0)
                f = s->nodes[f].fail;
            s->nodes[c].fail = to != NONE && to != c ? to : 0;
            uint32_t fl = s->nodes[c].fail;
            s->nodes[c].dict = s->nodes[fl].word != NONE ? fl : s->nodes[fl].dict;
            queue[tail++] = c;
        }
    }
    free(queue);
}

struct sensitive *sensitive_build(const char *const *words, size_t n)
{
    if (n > SENSITIVE_WORDS_MAX) {
        log_error("sensitive: %zu words, more than %d", n, SENSITIVE_WORDS_MAX);
        return NULL;
    }
    struct sensitive *s = xcalloc(1, sizeof *s);
    s->edges = xcalloc(1024, sizeof *s->edges);
    s->edgemask = 1023;
    s->words = xcalloc(n ? n : 1, sizeof *s->words);
    node_new(s, 0, 0);
    for (size_t i = 0; i < n; i++) {
        size_t len = strlen(words[i]);
        if (len > SENSITIVE_WORD_MAX || !charset_utf8_valid(words[i], len)) {
            log_error("sensitive: word %zu is too long or not UTF-8", i + 1);
            sensitive_free(s);
            return NULL;
        }
        if (insert(s, words[i], (uint32_t)s->nwords))
            s->words[s->nwords++] = xstrdup(words[i]);
    }
    link(s);
    return s;
}

struct sensitive *sensitive_load(const char *path, char *err, size_t errsz)
{
    struct sensitive *s = NULL;
    char *data = NULL;
    const char **list = NULL;
    size_t nlist = 0, cap = 0;
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(err, errsz, "无法打开敏感词表 %s：%s", path, strerror(errno));
        return NULL;
    }
    data = xmalloc(SENSITIVE_FILE_MAX + 1);
    size_t len = fread(data, 1, SENSITIVE_FILE_MAX + 1, f);
    fclose(f);
    if (len > SENSITIVE_FILE_MAX) {
        snprintf(err, errsz, "敏感词表 %s 超过 %u MB", path, SENSITIVE_FILE_MAX >> 20);
        goto done;
    }
    data[len] = '\0';
    size_t line = 0;
    for (char *p = data, *next; p < data + len; p = next) {
        char *nl = memchr(p, '\n', (size_t)(data + len - p));
        next = nl ? nl + 1 : data + len;
        if (nl)
            *nl = '\0';
        line++;
        size_t l = strlen(p);
        if (l && p[l - 1] == '\r')
            p[--l] = '\0';
        if (line == 1 && l >= 3 && (unsigned char)p[0] == 0xEF && (unsigned char)p[1] == 0xBB &&
            (unsigned char)p[2] == 0xBF)
            p += 3, l -= 3; /* BOM */
        while (l && (p[l - 1] == ' ' || p[l - 1] == '\t'))
            p[--l] = '\0';
        while (*p == ' ' || *p == '\t')
            p++, l--;
        if (!l || *p == '#')
            continue;
        if (l > SENSITIVE_WORD_MAX || !charset_utf8_valid(p, l)) {
            snprintf(err, errsz, "敏感词表 %s 第 %zu 行：%s", path, line,
                     l > SENSITIVE_WORD_MAX ? "太长" : "不是 UTF-8 文字");
            goto done;
        }
        if (nlist == SENSITIVE_WORDS_MAX) {
            snprintf(err, errsz, "敏感词表 %s 超过 %d 个词", path, SENSITIVE_WORDS_MAX);
            goto done;
        }
        if (nlist == cap) {
            cap = cap ? cap * 2 : 256;
            list = xrealloc(list, cap * sizeof *list);
        }
        list[nlist++] = p;
    }
    if (!(s = sensitive_build(list, nlist)))
        snprintf(err, errsz, "敏感词表 %s 无法载入", path);
done:
    free(list);
    free(data);
    return s;
}

size_t sensitive_count(const struct sensitive *s)
{
    return s ? s->nwords : 0;
}

const char *sensitive_word(const struct sensitive *s, size_t i)
{
    return s && i < s->nwords ? s->words[i] : NULL;
}

int sensitive_scan(const struct sensitive *s, const char *text, size_t len,
                   struct sensitive_hit *hits, size_t max, size_t *n, size_t *total)
{
    if (!s || !text || !n || (max && !hits))
        return ZB_EINVAL;
    *n = 0;
    size_t count = 0, chars = 0, sig = 0;
    struct {
        size_t start, pos; /* byte offset and character position of a significant character */
    } ring[RING];
    const unsigned char *u = (const unsigned char *)text;
    uint32_t node = 0, prev = 0;
    for (size_t i = 0; i < len;) {
        uint32_t cp;
        size_t start = i, pos = chars++;
        i += decode(u, len, i, &cp);
        cp = fold(cp);
        if (!cp)
            continue;
        /* a repeat the word being followed does not have counts once ("法法轮功") */
        if (cp == prev && node != 0 && s->nodes[node].cp == cp && edge_find(s, node, cp) == NONE)
            continue;
        prev = cp;
        ring[sig % RING].start = start;
        ring[sig % RING].pos = pos;
        sig++;
        uint32_t to;
        while ((to = edge_find(s, node, cp)) == NONE && node != 0)
            node = s->nodes[node].fail;
        node = to == NONE ? 0 : to;
        for (uint32_t m = s->nodes[node].word != NONE ? node : s->nodes[node].dict; m != NONE;
             m = s->nodes[m].dict) {
            size_t first = sig - s->nodes[m].depth;
            if (*n < max)
                hits[(*n)++] = (struct sensitive_hit){s->nodes[m].word, ring[first % RING].start, i,
                                                      ring[first % RING].pos};
            count++;
        }
    }
    if (total)
        *total = count;
    return ZB_OK;
}

void sensitive_free(struct sensitive *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->nwords; i++)
        free(s->words[i]);
    free(s->words);
    free(s->nodes);
    free(s->edges);
    free(s);
}
