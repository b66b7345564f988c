/*
 * fuzz_cqcode.c - libFuzzer driver for webhook/cqcode.c.
 *
 * The input is read three ways. As a CQ string: parse, render, parse again; the segments must
 * be the same and the second rendering byte-identical (rendering is canonical), so nothing a
 * member types can turn into a code or lose a character. As plain text: escaped as text it
 * parses back to exactly one text segment equal to the input, and cq_unescape undoes both
 * escapes. As JSON: when it is a segment array, the array form renders to a string that
 * parses back to the same segments.
 */
#include <cjson/cJSON.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "webhook/qq/cqcode.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void same(const struct cq_msg *a, const struct cq_msg *b)
{
    if (a->n != b->n)
        abort();
    for (size_t i = 0; i < a->n; i++) {
        const struct cq_seg *x = &a->segs[i], *y = &b->segs[i];
        if (strcmp(x->type, y->type) != 0 || !x->text != !y->text ||
            (x->text && strcmp(x->text, y->text) != 0) || x->n_params != y->n_params)
            abort();
        for (size_t k = 0; k < x->n_params; k++)
            if (strcmp(x->params[k].key, y->params[k].key) != 0 ||
                strcmp(x->params[k].value, y->params[k].value) != 0)
                abort();
    }
}

/* round_trip - render m, parse it back, compare; render again, compare the bytes. */
static void round_trip(const struct cq_msg *m)
{
    struct buf r1, r2;
    buf_init(&r1, 1 << 24);
    buf_init(&r2, 1 << 24);
    if (cq_render(m, &r1) != ZB_OK)
        abort();
    struct cq_msg back;
    if (cq_parse(buf_str(&r1), r1.len, &back) != ZB_OK)
        abort();
    same(m, &back);
    if (cq_render(&back, &r2) != ZB_OK || r1.len != r2.len ||
        memcmp(r1.data ? r1.data : "", r2.data ? r2.data : "", r1.len) != 0) /* lint: not secret */
        abort();
    cq_free(&back);
    buf_free(&r1);
    buf_free(&r2);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *s = (const char *)data;
    struct cq_msg m;
    int rc = cq_parse(s, size, &m);
    if (rc == ZB_OK)
        round_trip(&m);
    else if (rc != ZB_ETOOBIG)
        abort();
    cq_free(&m);

    size_t n = strnlen(s, size);
    struct buf e;
    buf_init(&e, 1 << 24);
    if (cq_escape_text(&e, s, n) != ZB_OK)
        abort();
    if (cq_parse(buf_str(&e), e.len, &m) != ZB_OK)
        abort();
    if (n == 0 ? m.n != 0
               : m.n != 1 || !m.segs[0].text || strlen(m.segs[0].text) != n ||
                     memcmp(m.segs[0].text, s, n) != 0) /* lint: not secret */
        abort();
    cq_free(&m);
    char *u = cq_unescape(buf_str(&e), e.len);
    if (strlen(u) != n || memcmp(u, s, n) != 0) /* lint: not secret */
        abort();
    free(u);
    char *plain = strndup(s, n);
    buf_reset(&e);
    if (cq_escape_param(&e, plain) != ZB_OK || memchr(buf_str(&e), ',', e.len))
        abort();
    u = cq_unescape(buf_str(&e), e.len);
    if (strcmp(u, plain) != 0)
        abort();
    free(u);
    free(plain);
    buf_free(&e);

    cJSON *j = cJSON_ParseWithLength(s, size);
    if (cJSON_IsArray(j)) {
        rc = cq_from_json(j, &m);
        if (rc == ZB_OK)
            round_trip(&m);
        else if (rc != ZB_EPARSE && rc != ZB_ETOOBIG)
            abort();
        cq_free(&m);
    }
    cJSON_Delete(j);
    return 0;
}
