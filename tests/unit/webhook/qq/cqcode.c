/*
 * tests/unit/webhook/cqcode.c - tests for webhook/cqcode.c: the V6 escaping vectors of
 * shared/protocols/qq.md and the spec's examples, round trips, the escaping order, malformed
 * codes kept as text, the array form, and the caps.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>
#include <cmocka.h>

#include "webhook/qq/cqcode.h"

static char *esc_text(const char *s)
{
    struct buf b;
    buf_init(&b, 1 << 16);
    assert_int_equal(cq_escape_text(&b, s, strlen(s)), ZB_OK);
    return buf_steal(&b);
}

static char *esc_param(const char *s)
{
    struct buf b;
    buf_init(&b, 1 << 16);
    assert_int_equal(cq_escape_param(&b, s), ZB_OK);
    return buf_steal(&b);
}

static char *render(const struct cq_msg *m)
{
    struct buf b;
    buf_init(&b, 1 << 20);
    assert_int_equal(cq_render(m, &b), ZB_OK);
    return buf_steal(&b);
}

static void test_v6_escape(void **state)
{
    (void)state;
    char *s = esc_text("[test],test");
    assert_string_equal(s, "&#91;test&#93;,test"); /* the comma is kept in text */
    free(s);
    s = esc_param("震惊,小伙睡觉前居然...");
    assert_string_equal(s, "震惊&#44;小伙睡觉前居然...");
    free(s);
    s = esc_param("a=1&b=2");
    assert_string_equal(s, "a=1&amp;b=2");
    free(s);
    /* the spec's plain-text example */
    s = esc_text("- [x] 使用 `&data` 获取地址");
    assert_string_equal(s, "- &#91;x&#93; 使用 `&amp;data` 获取地址");
    free(s);
    /* & first: an already escaped-looking text is escaped again, not left alone */
    s = esc_text("&#91;");
    assert_string_equal(s, "&amp;#91;");
    free(s);
}

static void test_v6_unescape(void **state)
{
    (void)state;
    const char *in = "&#91;x&#93; &amp;data";
    char *s = cq_unescape(in, strlen(in));
    assert_string_equal(s, "[x] &data");
    free(s);
    /* &amp; is undone last: "&amp;#91;" is the text "&#91;", not "[" */
    in = "&amp;#91;&amp;amp;&#44;";
    s = cq_unescape(in, strlen(in));
    assert_string_equal(s, "&#91;&amp;,");
    free(s);
    /* a lone or unknown & stays */
    in = "a & b &lt; &#92; &";
    s = cq_unescape(in, strlen(in));
    assert_string_equal(s, "a & b &lt; &#92; &");
    free(s);
    /* truncated escapes at the end */
    in = "x&#9";
    s = cq_unescape(in, strlen(in));
    assert_string_equal(s, "x&#9");
    free(s);
}

static void test_parse_spec_share(void **state)
{
    (void)state;
    const char *in =
        "看看[CQ:share,title=震惊&#44;小伙睡觉前居然...,url=http://baidu.com/?a=1&amp;b=2]!";
    struct cq_msg m;
    assert_int_equal(cq_parse(in, strlen(in), &m), ZB_OK);
    assert_int_equal(m.n, 3);
    assert_string_equal(m.segs[0].type, "text");
    assert_string_equal(m.segs[0].text, "看看");
    assert_string_equal(m.segs[1].type, "share");
    assert_null(m.segs[1].text);
    assert_int_equal(m.segs[1].n_params, 2);
    assert_string_equal(cq_get(&m.segs[1], "title"), "震惊,小伙睡觉前居然...");
    assert_string_equal(cq_get(&m.segs[1], "url"), "http://baidu.com/?a=1&b=2");
    assert_null(cq_get(&m.segs[1], "image"));
    assert_string_equal(m.segs[2].text, "!");
    char *r = render(&m);
    assert_string_equal(r, in); /* escaping is canonical here, so the bytes come back */
    free(r);
    cq_free(&m);
}

static void test_parse_at_and_text(void **state)
{
    (void)state;
    const char *in = "[CQ:at,qq=10001000] &#91;x&#93; 帮助[CQ:face,id=14][CQ:at,qq=all]";
    struct cq_msg m;
    assert_int_equal(cq_parse(in, strlen(in), &m), ZB_OK);
    assert_int_equal(m.n, 4);
    assert_string_equal(m.segs[0].type, "at");
    assert_string_equal(cq_get(&m.segs[0], "qq"), "10001000");
    assert_string_equal(m.segs[1].text, " [x] 帮助");
    assert_string_equal(m.segs[2].type, "face");
    assert_string_equal(cq_get(&m.segs[3], "qq"), "all");
    cq_free(&m);
}

/* Malformed codes are text: never an error, and rendering escapes them so they stay text. */
static void test_malformed_is_text(void **state)
{
    (void)state;
    const char *cases[][2] = {
        {"[CQ:at,qq=1", "[CQ:at,qq=1"},     /* no closing bracket */
        {"[CQ:]", "[CQ:]"},                 /* empty type */
        {"[CQ:a t]", "[CQ:a t]"},           /* bad type character */
        {"[CQ:at,q q=1]", "[CQ:at,q q=1]"}, /* bad key */
        {"[CQ:at,=1]", "[CQ:at,=1]"},       /* empty key */
        {"[cq:at,qq=1]", "[cq:at,qq=1]"},   /* the prefix is case-sensitive */
        {"a[b]c", "a[b]c"},
        {"[", "["},
        {"[CQ:", "[CQ:"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        struct cq_msg m;
        assert_int_equal(cq_parse(cases[i][0], strlen(cases[i][0]), &m), ZB_OK);
        assert_int_equal(m.n, 1);
        assert_string_equal(m.segs[0].text, cases[i][1]);
        char *r = render(&m);
        struct cq_msg back;
        assert_int_equal(cq_parse(r, strlen(r), &back), ZB_OK);
        assert_int_equal(back.n, 1);
        assert_string_equal(back.segs[0].text, cases[i][1]);
        cq_free(&back);
        free(r);
        cq_free(&m);
    }
}

static void test_params_edge(void **state)
{
    (void)state;
    /* empty parameters are skipped, a key without '=' has an empty value, the first '='
     * splits, a raw '[' may sit in a value, duplicate keys keep their order */
    const char *in = "[CQ:x,,a,b==c,d=[1,d=2,]";
    struct cq_msg m;
    assert_int_equal(cq_parse(in, strlen(in), &m), ZB_OK);
    assert_int_equal(m.n, 1);
    assert_int_equal(m.segs[0].n_params, 4);
    assert_string_equal(cq_get(&m.segs[0], "a"), "");
    assert_string_equal(cq_get(&m.segs[0], "b"), "=c");
    assert_string_equal(cq_get(&m.segs[0], "d"), "[1");
    assert_string_equal(m.segs[0].params[3].value, "2");
    char *r = render(&m);
    assert_string_equal(r, "[CQ:x,a=,b==c,d=&#91;1,d=2]");
    free(r);
    cq_free(&m);
}

static void test_round_trip_text(void **state)
{
    (void)state;
    const char *texts[] = {
        "[x] &data", "&#91;&amp;&&#44;,]][[", "纯中文，带逗号", "[CQ:at,qq=1]", "a&amp;b", "&",
        "]"};
    for (size_t i = 0; i < sizeof texts / sizeof *texts; i++) {
        char *e = esc_text(texts[i]);
        struct cq_msg m;
        assert_int_equal(cq_parse(e, strlen(e), &m), ZB_OK);
        assert_int_equal(m.n, 1);
        assert_string_equal(m.segs[0].text, texts[i]);
        cq_free(&m);
        char *u = cq_unescape(e, strlen(e));
        assert_string_equal(u, texts[i]);
        free(u);
        free(e);
        e = esc_param(texts[i]);
        assert_null(strchr(e, ','));
        u = cq_unescape(e, strlen(e));
        assert_string_equal(u, texts[i]);
        free(u);
        free(e);
    }
}

static void test_array_form(void **state)
{
    (void)state;
    const char *json = "[{\"type\":\"at\",\"data\":{\"qq\":\"10001000\"}},"
                       "{\"type\":\"text\",\"data\":{\"text\":\" [x] &amp;\"}},"
                       "{\"type\":\"text\",\"data\":{\"text\":\"more\"}},"
                       "{\"type\":\"text\",\"data\":{\"text\":\"\"}},"
                       "{\"type\":\"image\",\"data\":{\"file\":\"a,b.jpg\",\"size\":12,"
                       "\"flash\":false,\"bad key\":\"x\",\"obj\":{},\"nul\":null}},"
                       "{\"type\":\"reply\",\"data\":null}]";
    cJSON *arr = cJSON_Parse(json);
    assert_non_null(arr);
    struct cq_msg m;
    assert_int_equal(cq_from_json(arr, &m), ZB_OK);
    assert_int_equal(m.n, 4);
    assert_string_equal(cq_get(&m.segs[0], "qq"), "10001000");
    assert_string_equal(m.segs[1].text, " [x] &amp;more"); /* values are never unescaped */
    assert_string_equal(m.segs[2].type, "image");
    assert_int_equal(m.segs[2].n_params, 3);
    assert_string_equal(cq_get(&m.segs[2], "file"), "a,b.jpg");
    assert_string_equal(cq_get(&m.segs[2], "size"), "12");
    assert_string_equal(cq_get(&m.segs[2], "flash"), "false");
    assert_string_equal(m.segs[3].type, "reply");
    assert_int_equal(m.segs[3].n_params, 0);
    /* the array renders to the string form that parses back to the same segments */
    char *r = render(&m);
    assert_string_equal(r, "[CQ:at,qq=10001000] &#91;x&#93; &amp;amp;more"
                           "[CQ:image,file=a&#44;b.jpg,size=12,flash=false][CQ:reply]");
    struct cq_msg back;
    assert_int_equal(cq_parse(r, strlen(r), &back), ZB_OK);
    assert_int_equal(back.n, 4);
    assert_string_equal(back.segs[1].text, " [x] &amp;more");
    assert_string_equal(cq_get(&back.segs[2], "file"), "a,b.jpg");
    cq_free(&back);
    free(r);
    cq_free(&m);
    cJSON_Delete(arr);

    const char *bad[] = {"{}", "\"text\"", "[1]", "[{\"data\":{}}]", "[{\"type\":3}]"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        arr = cJSON_Parse(bad[i]);
        assert_int_equal(cq_from_json(arr, &m), ZB_EPARSE);
        cq_free(&m);
        cJSON_Delete(arr);
    }
}

static void test_caps(void **state)
{
    (void)state;
    struct buf b;
    buf_init(&b, 1 << 20);
    for (int i = 0; i <= CQ_MAX_SEGS; i++)
        assert_int_equal(buf_appendz(&b, "[CQ:face,id=1]"), ZB_OK);
    struct cq_msg m;
    assert_int_equal(cq_parse(b.data, b.len, &m), ZB_ETOOBIG);
    cq_free(&m);
    assert_int_equal(m.n, 0);
    buf_reset(&b);
    assert_int_equal(buf_appendz(&b, "[CQ:x"), ZB_OK);
    for (int i = 0; i <= CQ_MAX_PARAMS; i++)
        assert_int_equal(buf_appendf(&b, ",k%d=v", i), ZB_OK);
    assert_int_equal(buf_appendz(&b, "]"), ZB_OK);
    assert_int_equal(cq_parse(b.data, b.len, &m), ZB_ETOOBIG);
    cq_free(&m);
    /* exactly at the caps is fine */
    buf_reset(&b);
    for (int i = 0; i < CQ_MAX_SEGS; i++)
        assert_int_equal(buf_appendz(&b, i % 2 ? "t" : "[CQ:face,id=1]"), ZB_OK);
    assert_int_equal(cq_parse(b.data, b.len, &m), ZB_OK);
    assert_int_equal(m.n, CQ_MAX_SEGS);
    cq_free(&m);
    buf_free(&b);
    /* a NUL ends the input */
    assert_int_equal(cq_parse("ab\0[CQ:at,qq=1]", 15, &m), ZB_OK);
    assert_int_equal(m.n, 1);
    assert_string_equal(m.segs[0].text, "ab");
    cq_free(&m);
    assert_int_equal(cq_parse("", 0, &m), ZB_OK);
    assert_int_equal(m.n, 0);
    cq_free(&m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_v6_escape),
        cmocka_unit_test(test_v6_unescape),
        cmocka_unit_test(test_parse_spec_share),
        cmocka_unit_test(test_parse_at_and_text),
        cmocka_unit_test(test_malformed_is_text),
        cmocka_unit_test(test_params_edge),
        cmocka_unit_test(test_round_trip_text),
        cmocka_unit_test(test_array_form),
        cmocka_unit_test(test_caps),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
