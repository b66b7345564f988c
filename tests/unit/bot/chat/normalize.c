/*
 * tests/unit/bot/normalize.c - known answers for bot/normalize.c, one table row per rule or edge
 * case, plus a property check: normalising is idempotent and never lengthens its input, over the
 * table and over random byte strings from a fixed seed. Idempotence also proves the output is
 * valid UTF-8 with no NUL, because a second pass drops any byte that is not.
 *
 * Decisions recorded here because the header leaves them open:
 *  - a message that is only edge punctuation keeps its first mark after full-width conversion, so
 *    "？？" -> "?" and a lone Chinese "。" -> "。" (it has no half-width form and stays as is);
 *  - '+' is never trimmed, so "1+" and "+?" keep their '+';
 *  - the trimmed set also holds ASCII quotes ' " and Chinese quotes “ ” ‘ ’;
 *  - "一十" is accepted as 10 (D十 with D = 一); 两 counts as 2 wherever a digit may stand;
 *  - a "第" prefix is not stripped ("第一" stays), since the header does not say so;
 *  - NUL is dropped like an invalid byte, since the result is a C string;
 *  - a bare 0xA0 byte (Latin-1 NBSP) is invalid UTF-8 and dropped; only U+00A0 is whitespace.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "bot/chat/normalize.h"

struct norm_case {
    const char *in;   /* raw message bytes, may hold NUL */
    size_t len;       /* bytes at in */
    const char *want; /* expected normalised form */
};

#define CASE(in, want)                                                                             \
    {                                                                                              \
        in, sizeof(in) - 1, want                                                                   \
    }

/* clang-format off */
static const struct norm_case cases[] = {
    /* empty and whitespace only */
    CASE("", ""),
    CASE("   ", ""),
    CASE("\t\r\n ", ""),
    CASE("\xe3\x80\x80", ""),                        /* U+3000 alone */
    CASE("\xc2\xa0\xc2\xa0", ""),                    /* NBSP alone */
    /* full-width to half-width, case folding */
    CASE("１", "1"),
    CASE("１２３", "123"),
    CASE("Ｈｅｌｐ", "help"),
    CASE("HELP", "help"),
    CASE("ＡＢＣ", "abc"),
    CASE("ＡＢＣ＠ｘｙｚ", "abc@xyz"),
    CASE("Ｈｅｌｌｏ　Ｗｏｒｌｄ", "hello world"),
    CASE("\xef\xbd\x9f", "\xef\xbd\x9f"),            /* U+FF5F is past full-width ASCII */
    /* whitespace collapsing */
    CASE(" 帮助 ", "帮助"),
    CASE("绑定　１２３４５６", "绑定 123456"),
    CASE("绑定  \t\r\n 123456", "绑定 123456"),
    CASE("a\xc2\xa0" "b", "a b"),                     /* NBSP inside */
    CASE("\xc2\xa0帮助\xc2\xa0", "帮助"),
    CASE("a \xe3\x80\x80\xc2\xa0 b", "a b"),           /* mixed run */
    /* punctuation trimming at both ends */
    CASE("学习。", "学习"),
    CASE("帮助？", "帮助"),
    CASE("帮助 ？ ", "帮助"),
    CASE("1、", "1"),
    CASE("1.", "1"),
    CASE("…1…", "1"),
    CASE("？帮助", "帮助"),
    CASE("～～帮助～～", "帮助"),
    CASE("·帮助·", "帮助"),
    CASE("“帮助”", "帮助"),
    CASE("‘学习’", "学习"),
    CASE("\"help\"", "help"),
    CASE("'help'", "help"),
    CASE("；：！帮助!,.", "帮助"),
    CASE("，帮助，谢谢。", "帮助,谢谢"),                /* inner punctuation stays, converted */
    CASE("a ? b", "a ? b"),
    /* only punctuation: the first mark survives */
    CASE("?", "?"),
    CASE("？", "?"),
    CASE("??", "?"),
    CASE("？！", "?"),
    CASE("  ?  ", "?"),
    CASE(". ?", "."),
    CASE("。", "。"),                                 /* no half-width form: kept as is */
    CASE("。。。", "。"),
    CASE("…", "…"),
    CASE("\xef\xbd\x9e", "~"),                       /* a lone full-width tilde */
    /* '+' is not punctuation to trim */
    CASE("+", "+"),
    CASE("＋", "+"),
    CASE(" ＋ ", "+"),
    CASE("1+", "1+"),
    CASE("+?", "+"),
    CASE("?+", "+"),
    /* Chinese numerals, whole message only */
    CASE("一", "1"),
    CASE("零", "0"),
    CASE("〇", "0"),
    CASE("两", "2"),
    CASE("九", "9"),
    CASE("十", "10"),
    CASE("十一", "11"),
    CASE("一十", "10"),
    CASE("二十", "20"),
    CASE("二十三", "23"),
    CASE("九十九", "99"),
    CASE(" 三。", "3"),                               /* trimmed first, then converted */
    CASE("“十二”", "12"),
    CASE("一百", "一百"),
    CASE("百", "百"),
    CASE("一心一意", "一心一意"),
    CASE("一支部", "一支部"),
    CASE("十十", "十十"),
    /* runs of four or more single digits, as voice recognition spells a code */
    CASE("绑定二零五五四三。", "绑定205543"),
    CASE("二零五五四三", "205543"),
    CASE("电话一三八零", "电话1380"),
    CASE("三二一", "三二一"),       /* too short to be a code */
    CASE("一二三四五十", "12345十"), /* 十 is not a digit */
    CASE("十零", "十零"),
    CASE("零一", "零一"),
    CASE("二〇", "二〇"),
    CASE("一 二", "一 二"),
    CASE("一。一", "一。一"),
    CASE("２十", "2十"),                              /* mixed scripts are not a numeral */
    CASE("第一", "第一"),
    /* invalid UTF-8 is dropped */
    CASE("\xff帮助", "帮助"),
    CASE("帮助\xe5\xb8", "帮助"),                     /* truncated 3-byte sequence at the end */
    CASE("\xe5\xb8帮助", "帮助"),                     /* truncated sequence before a valid one */
    CASE("a\x80" "b", "ab"),                         /* stray continuation byte */
    CASE("a\xa0" "b", "ab"),                         /* Latin-1 NBSP byte is not UTF-8 */
    CASE("\xc0\xaf", ""),                            /* overlong '/' */
    CASE("\xc1\xbf" "x", "x"),                       /* overlong, C1 lead */
    CASE("a\xe0\x80\xaf", "a"),                      /* overlong 3-byte '/' */
    CASE("a\xf0\x80\x80\xaf", "a"),                  /* overlong 4-byte '/' */
    CASE("a\xed\xa0\x80" "b", "ab"),                  /* UTF-16 surrogate U+D800 */
    CASE("a\xf4\x90\x80\x80" "b", "ab"),              /* U+110000 */
    CASE("a\xf8\x88\x80\x80\x80" "b", "ab"),          /* 5-byte form */
    CASE("a\0b", "ab"),                              /* NUL */
    CASE("\xef\xbc\xa1\xef\xbc", "a"),                /* full-width A, then a cut one */
    CASE("赞\xf0\x9f\x91\x8d好", "赞\xf0\x9f\x91\x8d好"), /* valid 4-byte kept */
    CASE("好的\xf0\x9f\x91\x8c", "好的"),                   /* a trailing emoji is trimmed */
    CASE("\xf0\x9f\x99\x8f收到\xf0\x9f\x99\x8f\xf0\x9f\x8f\xbb", "收到"), /* and a leading one */
    CASE("\xe2\x9c\x8c\xef\xb8\x8f", "\xe2\x9c\x8c"), /* an emoji alone keeps its first mark */
    CASE("\xef\xbf\xbf", "\xef\xbf\xbf"),            /* U+FFFF is a valid scalar */
    CASE("\xf4\x8f\xbf\xbf", "\xf4\x8f\xbf\xbf"),    /* U+10FFFF, the last one */
};
/* clang-format on */

#define NCASES (sizeof(cases) / sizeof(cases[0]))

static void test_table(void **state)
{
    (void)state;
    int failed = 0;
    for (size_t i = 0; i < NCASES; i++) {
        char *got = normalize_text(cases[i].in, cases[i].len);
        if (strcmp(got, cases[i].want) != 0) {
            print_error("case %zu: want \"%s\", got \"%s\"\n", i, cases[i].want, got);
            failed++;
        }
        free(got);
    }
    assert_int_equal(failed, 0);
}

/* The input need not be NUL-terminated: bytes past len are never read. */
static void test_not_terminated(void **state)
{
    (void)state;
    const char buf[] = {'\xef', '\xbc', '\x91', 'X', 'Y'}; /* "１XY" */
    char *got = normalize_text(buf, 3);
    assert_string_equal(got, "1");
    free(got);
    got = normalize_text(buf, 2); /* cut inside the sequence */
    assert_string_equal(got, "");
    free(got);
}

/* check_fixed_point - normalise in, then the result again; both agree and neither grows. */
static void check_fixed_point(const char *in, size_t len)
{
    char *once = normalize_text(in, len);
    size_t n = strlen(once);
    assert_true(n <= len);
    char *twice = normalize_text(once, n);
    assert_string_equal(twice, once);
    free(twice);
    free(once);
}

static void test_idempotent_table(void **state)
{
    (void)state;
    for (size_t i = 0; i < NCASES; i++)
        check_fixed_point(cases[i].in, cases[i].len);
}

/* xorshift64 - a fixed, libc-independent sequence so failures reproduce everywhere. */
static uint64_t xorshift64(uint64_t *s)
{
    uint64_t x = *s;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    *s = x;
    return x;
}

static const char *const pieces[] = {
    " ",
    "\t",
    "\n",
    "\xe3\x80\x80",
    "\xc2\xa0",
    "?",
    "？",
    "。",
    "、",
    "…",
    "·",
    "“",
    "”",
    "+",
    "＋",
    "~",
    "一",
    "二",
    "两",
    "十",
    "零",
    "〇",
    "九",
    "百",
    "Ａ",
    "ｚ",
    "H",
    "1",
    "１",
    "帮助",
    "\xff",
    "\xe5",
    "\xc0\xaf",
    "\xed\xa0\x80",
    "\x80",
    "\xf4",
    "\xf0\x9f\x91\x8d",
};

#define NPIECES        (sizeof(pieces) / sizeof(pieces[0]))
#define RANDOM_STRINGS 5000
#define RANDOM_MAX     64

static void test_idempotent_random(void **state)
{
    (void)state;
    uint64_t seed = 0x5a48494255ULL; /* "ZHIBU" */
    char buf[RANDOM_MAX * 8];

    for (int k = 0; k < RANDOM_STRINGS; k++) {
        size_t len = 0;
        size_t parts = (size_t)(xorshift64(&seed) % RANDOM_MAX);
        for (size_t p = 0; p < parts; p++) {
            uint64_t r = xorshift64(&seed);
            if (r % 3 == 0) {
                buf[len++] = (char)(r >> 8); /* any byte, NUL included */
            } else {
                const char *piece = pieces[(r >> 8) % NPIECES];
                size_t pl = strlen(piece);
                memcpy(buf + len, piece, pl);
                len += pl;
            }
        }
        check_fixed_point(buf, len);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_table),
        cmocka_unit_test(test_not_terminated),
        cmocka_unit_test(test_idempotent_table),
        cmocka_unit_test(test_idempotent_random),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
