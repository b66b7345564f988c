/*
 * tests/unit/webhook/wechat_xml.c - the WeChat XML reader and writers against the plaintexts of
 * shared/protocols/wechat.md §3 (V5, V7b, V8a, V12a), the §4 quirks (web-client stray text, CDATA
 * splitting) and hostile inputs (XXE, billion laughs, each cap).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "bot/base/buf.h"
#include "bot/base/err.h"
#include "webhook/wechat/wechat_xml.h"

/* V5 POST body: compatible mode, plaintext fields and Encrypt side by side. */
static const char v5_body[] =
    "<xml><ToUserName><![CDATA[gh_10f6c3c3ac5a]]></ToUserName><FromUserName><![CDATA["
    "oyORnuP8q7ou2gfYjqLzSIWZf0rs]]></FromUserName><CreateTime>1409735668</CreateTime><MsgType><!"
    "[CDATA[text]]></MsgType><Content><![CDATA[abcdteT]]></Content><MsgId>6054768590064713728</"
    "MsgId><Encrypt><![CDATA[hyzAe4OzmOMbd6TvGdIOO6uBmdJoD0Fk53REIHvxYtJlE2B655HuD0m8KUePWB3+"
    "LrPXo87wzQ1QLvbeUgmBM4x6F8PGHQHFVAFmOD2LdJF9FrXpbUAh0B5GIItb52sn896wVsMSHGuPE328HnRGBcrS7C41"
    "IzDWyWNlZkyyXwon8T332jisa+h6tEDYsVticbSnyU8dKOIbgU6ux5VTjg3yt+WGzjlpKn6NPhRjpA912xMezR4kw6KW"
    "wMrCVKSVCZciVGCgavjIQ6X8tCOp3yZbGpy0VxpAe+77TszTfRd5RJSVO/HTnifJpXgCSUdUue1v6h0EIBYYI1BD1DlD+"
    "C0CR8e6OewpusjZ4uBl9FyJvnhvQl+q5rv1ixrcpCumEPo5MJSgM9ehVsNPfUM669WuMyVWQLCzpu9GhglF2PE=]]></"
    "Encrypt></xml>";

static const char v5_encrypt[] =
    "hyzAe4OzmOMbd6TvGdIOO6uBmdJoD0Fk53REIHvxYtJlE2B655HuD0m8KUePWB3+"
    "LrPXo87wzQ1QLvbeUgmBM4x6F8PGHQHFVAFmOD2LdJF9FrXpbUAh0B5GIItb52sn896wVsMSHGuPE328HnRGBcrS7C41"
    "IzDWyWNlZkyyXwon8T332jisa+h6tEDYsVticbSnyU8dKOIbgU6ux5VTjg3yt+WGzjlpKn6NPhRjpA912xMezR4kw6KW"
    "wMrCVKSVCZciVGCgavjIQ6X8tCOp3yZbGpy0VxpAe+77TszTfRd5RJSVO/HTnifJpXgCSUdUue1v6h0EIBYYI1BD1DlD+"
    "C0CR8e6OewpusjZ4uBl9FyJvnhvQl+q5rv1ixrcpCumEPo5MJSgM9ehVsNPfUM669WuMyVWQLCzpu9GhglF2PE=";

static const char v5_plain[] = "<xml><ToUserName><![CDATA[gh_10f6c3c3ac5a]]></ToUserName>\n"
                               "<FromUserName><![CDATA[oyORnuP8q7ou2gfYjqLzSIWZf0rs]]></"
                               "FromUserName>\n"
                               "<CreateTime>1409735668</CreateTime>\n"
                               "<MsgType><![CDATA[text]]></MsgType>\n"
                               "<Content><![CDATA[abcdteT]]></Content>\n"
                               "<MsgId>6054768590064713728</MsgId>\n"
                               "</xml>";

static const char v7b_plain[] = "<xml><ToUserName><![CDATA[wx5823bf96d3bd56c7]]></ToUserName>\n"
                                "<FromUserName><![CDATA[mycreate]]></FromUserName>\n"
                                "<CreateTime>1409659813</CreateTime>\n"
                                "<MsgType><![CDATA[text]]></MsgType>\n"
                                "<Content><![CDATA[hello]]></Content>\n"
                                "<MsgId>4561255354251345929</MsgId>\n"
                                "<AgentID>218</AgentID>\n"
                                "</xml>";

static const char v8a_plain[] = "<xml><ToUserName><![CDATA[gh_97417a04a28d]]></ToUserName>\n"
                                "<FromUserName><![CDATA[o9AgO5Kd5ggOC-bXrbNODIiE3bGY]]></"
                                "FromUserName>\n"
                                "<CreateTime>1715943329</CreateTime>\n"
                                "<MsgType><![CDATA[event]]></MsgType>\n"
                                "<Event><![CDATA[debug_demo]]></Event>\n"
                                "<debug_str><![CDATA[hello world]]></debug_str>\n"
                                "</xml>";

static const char v12a_plain[] =
    "<xml><ToUserName><![CDATA[oia2TjjewbmiOUlr6X-1crbLOvLw]]></ToUserName><FromUserName><![CDATA["
    "gh_7f083739789a]]></FromUserName><CreateTime>1409304348</CreateTime><MsgType><![CDATA[text]]><"
    "/MsgType><Content><![CDATA[你好]]></Content></xml>";

/* Parse a NUL-terminated document, expecting rc; returns the fields on ZB_OK. */
static struct wechat_xml *parse_s(const char *doc, int want)
{
    struct wechat_xml *x = (struct wechat_xml *)1;
    int rc = wechat_xml_parse(doc, strlen(doc), &x);
    assert_int_equal(rc, want);
    if (want != ZB_OK)
        assert_null(x);
    else
        assert_non_null(x);
    return x;
}

static void test_v5_compat_body(void **state)
{
    (void)state;
    struct wechat_xml *x = parse_s(v5_body, ZB_OK);
    assert_string_equal(wechat_xml_get(x, "ToUserName"), "gh_10f6c3c3ac5a");
    assert_string_equal(wechat_xml_get(x, "FromUserName"), "oyORnuP8q7ou2gfYjqLzSIWZf0rs");
    assert_string_equal(wechat_xml_get(x, "CreateTime"), "1409735668");
    assert_string_equal(wechat_xml_get(x, "MsgType"), "text");
    assert_string_equal(wechat_xml_get(x, "Content"), "abcdteT");
    assert_string_equal(wechat_xml_get(x, "MsgId"), "6054768590064713728");
    assert_string_equal(wechat_xml_get(x, "Encrypt"), v5_encrypt);
    assert_null(wechat_xml_get(x, "Event"));
    wechat_xml_free(x);
}

static void test_v5_plaintext(void **state)
{
    (void)state;
    struct wechat_xml *x = parse_s(v5_plain, ZB_OK);
    assert_string_equal(wechat_xml_get(x, "ToUserName"), "gh_10f6c3c3ac5a");
    assert_string_equal(wechat_xml_get(x, "FromUserName"), "oyORnuP8q7ou2gfYjqLzSIWZf0rs");
    assert_string_equal(wechat_xml_get(x, "CreateTime"), "1409735668");
    assert_string_equal(wechat_xml_get(x, "MsgType"), "text");
    assert_string_equal(wechat_xml_get(x, "Content"), "abcdteT");
    assert_string_equal(wechat_xml_get(x, "MsgId"), "6054768590064713728");
    assert_null(wechat_xml_get(x, "Encrypt"));
    wechat_xml_free(x);
}

static void test_v7b_plaintext(void **state)
{
    (void)state;
    struct wechat_xml *x = parse_s(v7b_plain, ZB_OK);
    assert_string_equal(wechat_xml_get(x, "ToUserName"), "wx5823bf96d3bd56c7");
    assert_string_equal(wechat_xml_get(x, "FromUserName"), "mycreate");
    assert_string_equal(wechat_xml_get(x, "CreateTime"), "1409659813");
    assert_string_equal(wechat_xml_get(x, "MsgType"), "text");
    assert_string_equal(wechat_xml_get(x, "Content"), "hello");
    assert_string_equal(wechat_xml_get(x, "MsgId"), "4561255354251345929");
    assert_string_equal(wechat_xml_get(x, "AgentID"), "218");
    wechat_xml_free(x);
}

static void test_v8a_plaintext(void **state)
{
    (void)state;
    struct wechat_xml *x = parse_s(v8a_plain, ZB_OK);
    assert_string_equal(wechat_xml_get(x, "ToUserName"), "gh_97417a04a28d");
    assert_string_equal(wechat_xml_get(x, "FromUserName"), "o9AgO5Kd5ggOC-bXrbNODIiE3bGY");
    assert_string_equal(wechat_xml_get(x, "CreateTime"), "1715943329");
    assert_string_equal(wechat_xml_get(x, "MsgType"), "event");
    assert_string_equal(wechat_xml_get(x, "Event"), "debug_demo");
    assert_string_equal(wechat_xml_get(x, "debug_str"), "hello world");
    assert_null(wechat_xml_get(x, "MsgId"));
    wechat_xml_free(x);
}

static void test_nested_path(void **state)
{
    (void)state;
    struct wechat_xml *x = parse_s(
        "<xml><ToUserName><![CDATA[gh_e136c6e50636]]></ToUserName><MsgType><![CDATA[event]]></"
        "MsgType><Event><![CDATA[scancode_push]]></Event><EventKey><![CDATA[6]]></EventKey>"
        "<ScanCodeInfo>\n  <ScanType><![CDATA[qrcode]]></ScanType>\n  <ScanResult><![CDATA[1]]></"
        "ScanResult>\n</ScanCodeInfo></xml>",
        ZB_OK);
    assert_string_equal(wechat_xml_get(x, "ScanCodeInfo/ScanType"), "qrcode");
    assert_string_equal(wechat_xml_get(x, "ScanCodeInfo/ScanResult"), "1");
    assert_string_equal(wechat_xml_get(x, "Event"), "scancode_push");
    /* A container is not a field, and a leaf is only found by its full path. */
    assert_null(wechat_xml_get(x, "ScanCodeInfo"));
    assert_null(wechat_xml_get(x, "ScanType"));
    assert_null(wechat_xml_get(x, ""));
    assert_null(wechat_xml_get(x, "xml"));
    wechat_xml_free(x);
}

static void test_empty_and_absent(void **state)
{
    (void)state;
    struct wechat_xml *x = parse_s("<xml><MsgType>voice</MsgType><Recognition><![CDATA[]]>"
                                   "</Recognition><Format></Format><Label/></xml>",
                                   ZB_OK);
    assert_string_equal(wechat_xml_get(x, "Recognition"), "");
    assert_string_equal(wechat_xml_get(x, "Format"), "");
    assert_string_equal(wechat_xml_get(x, "Label"), "");
    assert_null(wechat_xml_get(x, "MediaId"));
    assert_null(wechat_xml_get(NULL, "MsgType"));
    assert_null(wechat_xml_get(x, NULL));
    wechat_xml_free(x);
    wechat_xml_free(NULL);
}

static void test_text_kept_verbatim(void **state)
{
    (void)state;
    struct wechat_xml *x = parse_s("<xml><Content>\n  line one\r\n<![CDATA[ two ]]>three<!-- c -->"
                                   "four <?pi x?>five\n</Content><Other a=\"1\">v</Other></xml>",
                                   ZB_OK);
    /* Untrimmed; expat normalises \r\n to \n; comments and PIs vanish; attributes ignored. */
    assert_string_equal(wechat_xml_get(x, "Content"), "\n  line one\n two threefour five\n");
    assert_string_equal(wechat_xml_get(x, "Other"), "v");
    wechat_xml_free(x);
}

static void test_repeated_keeps_first(void **state)
{
    (void)state;
    struct wechat_xml *x = parse_s("<xml><Content>first</Content><Content>second</Content>"
                                   "<A><B>1</B></A><A><B>2</B></A></xml>",
                                   ZB_OK);
    assert_string_equal(wechat_xml_get(x, "Content"), "first");
    assert_string_equal(wechat_xml_get(x, "A/B"), "1");
    wechat_xml_free(x);
}

static void test_entities_predefined(void **state)
{
    (void)state;
    struct wechat_xml *x =
        parse_s("<xml><Content>a &lt; b &amp;&amp; c &gt; d &quot;&apos; &#20320;&#x597D;"
                "</Content><Cd><![CDATA[&lt;]]></Cd></xml>",
                ZB_OK);
    assert_string_equal(wechat_xml_get(x, "Content"), "a < b && c > d \"' 你好");
    /* Inside CDATA an entity is just text. */
    assert_string_equal(wechat_xml_get(x, "Cd"), "&lt;");
    wechat_xml_free(x);
}

static void test_webwx_stray_text(void **state)
{
    (void)state;
    struct wechat_xml *x =
        parse_s("<xml><ToUserName><![CDATA[gh_d3e07d51b513]]></ToUserName>\n"
                "<FromUserName><![CDATA[diaosi]]></FromUserName>\n"
                "<CreateTime>1362161914</CreateTime>\n"
                "<MsgType><![CDATA[text]]></MsgType>\n"
                "<Content><![CDATA[hi]]></Content>\n"
                "<MsgId>5850440872586764820</MsgId>\nwebwx_msg_cli_ver_0x1\n</xml>",
                ZB_OK);
    assert_string_equal(wechat_xml_get(x, "Content"), "hi");
    assert_string_equal(wechat_xml_get(x, "MsgId"), "5850440872586764820");
    assert_string_equal(wechat_xml_get(x, "FromUserName"), "diaosi");
    wechat_xml_free(x);

    /* Text around child elements of a deeper container is dropped too. */
    x = parse_s("<xml><A>before<B>b</B>between<C>c</C>after</A></xml>", ZB_OK);
    assert_null(wechat_xml_get(x, "A"));
    assert_string_equal(wechat_xml_get(x, "A/B"), "b");
    assert_string_equal(wechat_xml_get(x, "A/C"), "c");
    wechat_xml_free(x);
}

static void test_xml_declaration(void **state)
{
    (void)state;
    struct wechat_xml *x = parse_s("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                                   "<xml><Content>ok</Content></xml>\n",
                                   ZB_OK);
    assert_string_equal(wechat_xml_get(x, "Content"), "ok");
    wechat_xml_free(x);
}

static void test_xxe_rejected(void **state)
{
    (void)state;
    parse_s("<?xml version=\"1.0\"?><!DOCTYPE xml [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>"
            "<xml><Content>&x;</Content></xml>",
            ZB_EPARSE);
    parse_s("<!DOCTYPE xml SYSTEM \"http://example.invalid/x.dtd\"><xml><Content>a</Content></xml>",
            ZB_EPARSE);
    parse_s("<!DOCTYPE xml><xml><Content>a</Content></xml>", ZB_EPARSE);
    parse_s("<!DOCTYPE xml [<!ENTITY % p SYSTEM \"file:///etc/passwd\"> %p;]><xml/>", ZB_EPARSE);
    /* No DTD at all: an unknown entity is undefined, not fetched. */
    parse_s("<xml><Content>&x;</Content></xml>", ZB_EPARSE);
}

static void test_billion_laughs_rejected(void **state)
{
    (void)state;
    parse_s("<?xml version=\"1.0\"?>\n"
            "<!DOCTYPE lolz [\n"
            " <!ENTITY lol \"lol\">\n"
            " <!ENTITY lol1 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">\n"
            " <!ENTITY lol2 \"&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;\">\n"
            " <!ENTITY lol3 \"&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;\">\n"
            " <!ENTITY lol4 \"&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;\">\n"
            " <!ENTITY lol5 \"&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;\">\n"
            " <!ENTITY lol6 \"&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;\">\n"
            " <!ENTITY lol7 \"&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;\">\n"
            " <!ENTITY lol8 \"&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;\">\n"
            " <!ENTITY lol9 \"&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;\">\n"
            "]>\n"
            "<xml><Content>&lol9;</Content></xml>",
            ZB_EPARSE);
}

static void test_malformed_rejected(void **state)
{
    (void)state;
    parse_s("<root><Content>a</Content></root>", ZB_EPARSE);
    parse_s("<XML><Content>a</Content></XML>", ZB_EPARSE);
    parse_s("<xml><ToUserName><![CDATA[gh_10f6c3c3ac5a]]></ToUserName><Content><![CDATA[ab",
            ZB_EPARSE);
    parse_s("<xml><Content>a</Content>", ZB_EPARSE);
    parse_s("<xml><Content>a</xml>", ZB_EPARSE);
    parse_s("<xml></xml><xml></xml>", ZB_EPARSE);
    parse_s("", ZB_EPARSE);
    parse_s("just text", ZB_EPARSE);
    parse_s("<xml><Content>\x01</Content></xml>", ZB_EPARSE);
    parse_s("<xml><Content>\xff\xfe</Content></xml>", ZB_EPARSE);

    static const char nul_doc[] = "<xml><Content>a\0b</Content></xml>";
    struct wechat_xml *x = NULL;
    assert_int_equal(wechat_xml_parse(nul_doc, sizeof nul_doc - 1, &x), ZB_EPARSE);
    assert_null(x);
    /* A NUL right after a complete document is still rejected. */
    static const char nul_tail[] = "<xml><Content>a</Content></xml>\0";
    assert_int_equal(wechat_xml_parse(nul_tail, sizeof nul_tail - 1, &x), ZB_EPARSE);
    assert_null(x);
}

/* "<xml>" + depth nested <a> elements around "x" + closing tags. */
static char *nested(int depth)
{
    struct buf b;
    buf_init(&b, 4096);
    assert_int_equal(buf_appendz(&b, "<xml>"), ZB_OK);
    for (int i = 0; i < depth; i++)
        assert_int_equal(buf_appendz(&b, "<a>"), ZB_OK);
    assert_int_equal(buf_appendz(&b, "x"), ZB_OK);
    for (int i = 0; i < depth; i++)
        assert_int_equal(buf_appendz(&b, "</a>"), ZB_OK);
    assert_int_equal(buf_appendz(&b, "</xml>"), ZB_OK);
    return buf_steal(&b);
}

static void test_depth_cap(void **state)
{
    (void)state;
    char *doc = nested(WECHAT_XML_MAX_DEPTH);
    struct wechat_xml *x = parse_s(doc, ZB_OK);
    assert_string_equal(wechat_xml_get(x, "a/a/a/a/a/a/a/a"), "x");
    wechat_xml_free(x);
    free(doc);

    doc = nested(WECHAT_XML_MAX_DEPTH + 1);
    parse_s(doc, ZB_ETOOBIG);
    free(doc);

    /* The cap is hit on an empty-element tag as well. */
    parse_s("<xml><a><a><a><a><a><a><a><a><a/></a></a></a></a></a></a></a></a></xml>", ZB_ETOOBIG);
}

/* "<xml>" + n distinct empty elements <f0/>.. + "</xml>". */
static char *many_fields(int n)
{
    struct buf b;
    buf_init(&b, 4096);
    assert_int_equal(buf_appendz(&b, "<xml>"), ZB_OK);
    for (int i = 0; i < n; i++)
        assert_int_equal(buf_appendf(&b, "<f%d>%d</f%d>", i, i, i), ZB_OK);
    assert_int_equal(buf_appendz(&b, "</xml>"), ZB_OK);
    return buf_steal(&b);
}

static void test_field_cap(void **state)
{
    (void)state;
    char *doc = many_fields(WECHAT_XML_MAX_FIELDS);
    struct wechat_xml *x = parse_s(doc, ZB_OK);
    assert_string_equal(wechat_xml_get(x, "f0"), "0");
    assert_string_equal(wechat_xml_get(x, "f63"), "63");
    wechat_xml_free(x);
    free(doc);

    doc = many_fields(WECHAT_XML_MAX_FIELDS + 1);
    parse_s(doc, ZB_ETOOBIG);
    free(doc);

    /* Repeats of one path do not count as new fields. */
    struct buf b;
    buf_init(&b, 8192);
    assert_int_equal(buf_appendz(&b, "<xml>"), ZB_OK);
    for (int i = 0; i < 200; i++)
        assert_int_equal(buf_appendz(&b, "<item>v</item>"), ZB_OK);
    assert_int_equal(buf_appendz(&b, "</xml>"), ZB_OK);
    x = parse_s(buf_str(&b), ZB_OK);
    assert_string_equal(wechat_xml_get(x, "item"), "v");
    wechat_xml_free(x);
    buf_free(&b);
}

/* "<xml>" + each of the fields of n_i bytes of 'a' + "</xml>". */
static char *big_text(size_t n1, size_t n2)
{
    struct buf b;
    buf_init(&b, 4 * WECHAT_XML_MAX_TEXT);
    char *fill = malloc(n1 + n2 + 1);
    assert_non_null(fill);
    memset(fill, 'a', n1 + n2);
    assert_int_equal(buf_appendz(&b, "<xml><One>"), ZB_OK);
    assert_int_equal(buf_append(&b, fill, n1), ZB_OK);
    assert_int_equal(buf_appendz(&b, "</One><Two>"), ZB_OK);
    assert_int_equal(buf_append(&b, fill, n2), ZB_OK);
    assert_int_equal(buf_appendz(&b, "</Two></xml>"), ZB_OK);
    free(fill);
    return buf_steal(&b);
}

static void test_text_cap(void **state)
{
    (void)state;
    char *doc = big_text(WECHAT_XML_MAX_TEXT, 0);
    struct wechat_xml *x = parse_s(doc, ZB_OK);
    assert_int_equal(strlen(wechat_xml_get(x, "One")), WECHAT_XML_MAX_TEXT);
    wechat_xml_free(x);
    free(doc);

    doc = big_text(WECHAT_XML_MAX_TEXT + 1, 0);
    parse_s(doc, ZB_ETOOBIG);
    free(doc);

    /* The cap is on the total, not per field. */
    doc = big_text(WECHAT_XML_MAX_TEXT / 2, WECHAT_XML_MAX_TEXT / 2 + 1);
    parse_s(doc, ZB_ETOOBIG);
    free(doc);

    /* A leaf's text counts as it arrives: too much is refused before the element ends. */
    struct buf b;
    buf_init(&b, 4 * WECHAT_XML_MAX_TEXT);
    assert_int_equal(buf_appendz(&b, "<xml><A>"), ZB_OK);
    for (int i = 0; i < 2 * WECHAT_XML_MAX_TEXT / 8; i++)
        assert_int_equal(buf_appendz(&b, "strayxx "), ZB_OK);
    assert_int_equal(buf_appendz(&b, "</A>"), ZB_OK);
    assert_int_equal(buf_appendz(&b, "</xml>"), ZB_OK);
    parse_s(buf_str(&b), ZB_ETOOBIG);
    /* Stray text directly in <xml> is dropped, not counted. */
    buf_reset(&b);
    assert_int_equal(buf_appendz(&b, "<xml>"), ZB_OK);
    for (int i = 0; i < 2 * WECHAT_XML_MAX_TEXT / 8; i++)
        assert_int_equal(buf_appendz(&b, "strayxx "), ZB_OK);
    assert_int_equal(buf_appendz(&b, "<Content>ok</Content></xml>"), ZB_OK);
    x = parse_s(buf_str(&b), ZB_OK);
    assert_string_equal(wechat_xml_get(x, "Content"), "ok");
    wechat_xml_free(x);
    buf_free(&b);
}

static void test_path_cap(void **state)
{
    (void)state;
    struct buf b;
    buf_init(&b, 8192);
    assert_int_equal(buf_appendz(&b, "<xml><"), ZB_OK);
    for (int i = 0; i < 600; i++)
        assert_int_equal(buf_appendz(&b, "N"), ZB_OK);
    assert_int_equal(buf_appendz(&b, "/></xml>"), ZB_OK);
    parse_s(buf_str(&b), ZB_ETOOBIG);
    buf_free(&b);
}

static void test_cdata_writer(void **state)
{
    (void)state;
    static const struct {
        const char *in;
        const char *out;
    } cases[] = {
        {"", "<![CDATA[]]>"},
        {"plain", "<![CDATA[plain]]>"},
        {"]]>", "<![CDATA[]]]]><![CDATA[>]]>"},
        {"a]]>b]]>c", "<![CDATA[a]]]]><![CDATA[>b]]]]><![CDATA[>c]]>"},
        {"]]]]>", "<![CDATA[]]]]]]><![CDATA[>]]>"},
        {"<&>", "<![CDATA[<&>]]>"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct buf b;
        buf_init(&b, 1024);
        assert_int_equal(wechat_xml_cdata(&b, cases[i].in), ZB_OK);
        assert_string_equal(buf_str(&b), cases[i].out);
        buf_free(&b);
    }
}

static void test_cdata_round_trip(void **state)
{
    (void)state;
    static const char *const tricky[] = {
        "]]>",       "a]]>b]]>c",  "]]]]>", "<&>",   "]]",           "]",   "]>", ">]]>]]>>",
        "<![CDATA[", "</Content>", "",      "&amp;", "多行\n文本\n", "x]]",
    };
    for (size_t i = 0; i < sizeof tricky / sizeof tricky[0]; i++) {
        struct buf b;
        buf_init(&b, 4096);
        assert_int_equal(buf_appendz(&b, "<xml><Content>"), ZB_OK);
        assert_int_equal(wechat_xml_cdata(&b, tricky[i]), ZB_OK);
        assert_int_equal(buf_appendz(&b, "</Content></xml>"), ZB_OK);
        struct wechat_xml *x = parse_s(buf_str(&b), ZB_OK);
        assert_string_equal(wechat_xml_get(x, "Content"), tricky[i]);
        wechat_xml_free(x);
        buf_free(&b);

        /* The same through the reply writer. */
        struct reply r;
        memset(&r, 0, sizeof r);
        r.kind = REPLY_TEXT;
        r.text = (char *)tricky[i];
        buf_init(&b, 4096);
        assert_int_equal(wechat_xml_reply(&b, "to]]>", "from", 1, &r), ZB_OK);
        x = parse_s(buf_str(&b), ZB_OK);
        assert_string_equal(wechat_xml_get(x, "Content"), tricky[i]);
        assert_string_equal(wechat_xml_get(x, "ToUserName"), "to]]>");
        wechat_xml_free(x);
        buf_free(&b);
    }
}

static void test_text_reply_v12a(void **state)
{
    (void)state;
    struct reply r;
    memset(&r, 0, sizeof r);
    r.kind = REPLY_TEXT;
    r.text = "你好";
    struct buf b;
    buf_init(&b, 4096);
    assert_int_equal(
        wechat_xml_reply(&b, "oia2TjjewbmiOUlr6X-1crbLOvLw", "gh_7f083739789a", 1409304348, &r),
        ZB_OK);
    assert_int_equal(b.len, strlen(v12a_plain));
    assert_string_equal(buf_str(&b), v12a_plain);
    buf_free(&b);
}

static void test_news_reply(void **state)
{
    (void)state;
    struct reply r;
    memset(&r, 0, sizeof r);
    r.kind = REPLY_NEWS;
    r.n_articles = 2;
    r.articles[0].title = "第一课";
    r.articles[0].description = "认识手机";
    r.articles[0].pic_url = "https://example.com/a.jpg";
    r.articles[0].url = "https://example.com/a?x=1&y=2";
    r.articles[1].title = "a]]>b";
    struct buf b;
    buf_init(&b, 4096);
    assert_int_equal(wechat_xml_reply(&b, "oUser", "gh_abc", 1700000000, &r), ZB_OK);
    assert_string_equal(
        buf_str(&b),
        "<xml><ToUserName><![CDATA[oUser]]></ToUserName><FromUserName><![CDATA[gh_abc]]></"
        "FromUserName><CreateTime>1700000000</CreateTime><MsgType><![CDATA[news]]></MsgType>"
        "<ArticleCount>2</ArticleCount><Articles>"
        "<item><Title><![CDATA[第一课]]></Title><Description><![CDATA[认识手机]]></Description>"
        "<PicUrl><![CDATA[https://example.com/a.jpg]]></PicUrl><Url><![CDATA[https://"
        "example.com/a?x=1&y=2]]></Url></item>"
        "<item><Title><![CDATA[a]]]]><![CDATA[>b]]></Title><Description><![CDATA[]]></"
        "Description><PicUrl><![CDATA[]]></PicUrl><Url><![CDATA[]]></Url></item>"
        "</Articles></xml>");

    struct wechat_xml *x = parse_s(buf_str(&b), ZB_OK);
    assert_string_equal(wechat_xml_get(x, "ArticleCount"), "2");
    assert_string_equal(wechat_xml_get(x, "Articles/item/Title"), "第一课");
    assert_string_equal(wechat_xml_get(x, "Articles/item/Url"), "https://example.com/a?x=1&y=2");
    wechat_xml_free(x);
    buf_free(&b);
}

static void test_reply_errors(void **state)
{
    (void)state;
    struct reply r;
    memset(&r, 0, sizeof r);
    struct buf b;
    buf_init(&b, 4096);
    assert_int_equal(buf_appendz(&b, "keep"), ZB_OK);

    r.kind = REPLY_NONE;
    assert_int_equal(wechat_xml_reply(&b, "to", "from", 1, &r), ZB_EINVAL);
    r.kind = REPLY_TEXT;
    assert_int_equal(wechat_xml_reply(&b, "to", "from", 1, &r), ZB_EINVAL); /* NULL text */
    r.kind = REPLY_NEWS;
    assert_int_equal(wechat_xml_reply(&b, "to", "from", 1, &r), ZB_EINVAL); /* no articles */
    r.n_articles = REPLY_MAX_ARTICLES + 1;
    assert_int_equal(wechat_xml_reply(&b, "to", "from", 1, &r), ZB_EINVAL);
    assert_string_equal(buf_str(&b), "keep");
    buf_free(&b);

    /* Hitting the cap part-way leaves the buffer as it was. */
    r.kind = REPLY_TEXT;
    r.text = "a long enough text to overflow the tiny buffer";
    buf_init(&b, 120);
    assert_int_equal(buf_appendz(&b, "keep"), ZB_OK);
    assert_int_equal(wechat_xml_reply(&b, "to", "from", 1, &r), ZB_ETOOBIG);
    assert_string_equal(buf_str(&b), "keep");
    assert_int_equal(b.len, 4);
    assert_int_equal(wechat_xml_cdata(&b, "]]>]]>]]>]]>]]>]]>]]>]]>]]>]]>]]>]]>]]>]]>]]>"),
                     ZB_ETOOBIG);
    assert_string_equal(buf_str(&b), "keep");
    assert_int_equal(wechat_xml_envelope(&b, "E", "S", "1", "N"), ZB_ETOOBIG);
    assert_string_equal(buf_str(&b), "keep");
    buf_free(&b);
}

static void test_envelope(void **state)
{
    (void)state;
    struct buf b;
    buf_init(&b, 4096);
    assert_int_equal(wechat_xml_envelope(&b,
                                         "jn1L23DB+6E=", "61476cacd15ad3b09989cb4a639ee3784511e4d3",
                                         "1409304348", "xxxxxx"),
                     ZB_OK);
    assert_string_equal(buf_str(&b),
                        "<xml>\n"
                        "<Encrypt><![CDATA[jn1L23DB+6E=]]></Encrypt>\n"
                        "<MsgSignature><![CDATA[61476cacd15ad3b09989cb4a639ee3784511e4d3]]>"
                        "</MsgSignature>\n"
                        "<TimeStamp>1409304348</TimeStamp>\n"
                        "<Nonce><![CDATA[xxxxxx]]></Nonce>\n"
                        "</xml>");
    struct wechat_xml *x = parse_s(buf_str(&b), ZB_OK);
    assert_string_equal(wechat_xml_get(x, "Encrypt"), "jn1L23DB+6E=");
    assert_string_equal(wechat_xml_get(x, "TimeStamp"), "1409304348");
    assert_string_equal(wechat_xml_get(x, "Nonce"), "xxxxxx");
    wechat_xml_free(x);

    buf_reset(&b);
    assert_int_equal(wechat_xml_envelope(&b, "E", "S", "1<x/>", "N"), ZB_EINVAL);
    assert_int_equal(wechat_xml_envelope(&b, "E", "S", "", "N"), ZB_EINVAL);
    assert_int_equal(wechat_xml_envelope(&b, NULL, "S", "1", "N"), ZB_EINVAL);
    assert_int_equal(b.len, 0);
    buf_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_v5_compat_body),
        cmocka_unit_test(test_v5_plaintext),
        cmocka_unit_test(test_v7b_plaintext),
        cmocka_unit_test(test_v8a_plaintext),
        cmocka_unit_test(test_nested_path),
        cmocka_unit_test(test_empty_and_absent),
        cmocka_unit_test(test_text_kept_verbatim),
        cmocka_unit_test(test_repeated_keeps_first),
        cmocka_unit_test(test_entities_predefined),
        cmocka_unit_test(test_webwx_stray_text),
        cmocka_unit_test(test_xml_declaration),
        cmocka_unit_test(test_xxe_rejected),
        cmocka_unit_test(test_billion_laughs_rejected),
        cmocka_unit_test(test_malformed_rejected),
        cmocka_unit_test(test_depth_cap),
        cmocka_unit_test(test_field_cap),
        cmocka_unit_test(test_text_cap),
        cmocka_unit_test(test_path_cap),
        cmocka_unit_test(test_cdata_writer),
        cmocka_unit_test(test_cdata_round_trip),
        cmocka_unit_test(test_text_reply_v12a),
        cmocka_unit_test(test_news_reply),
        cmocka_unit_test(test_reply_errors),
        cmocka_unit_test(test_envelope),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
