/*
 * Unit tests for bot/base/sensitive.c: plain matches, the evasions the matcher sees through
 * (spaces, punctuation, full-width forms, case, repeated characters), overlapping words and
 * their positions, invalid UTF-8, loading a list file, and the time to build a large list
 * (printed, never asserted).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "bot/base/sensitive.h"

#define HITS 16

/* scan - the hits of text as "word@pos[start,end)" joined by spaces, into out. */
static size_t scan(const struct sensitive *s, const char *text, char *out, size_t outsz)
{
    struct sensitive_hit h[HITS];
    size_t n = 0, total = 0;
    assert_int_equal(sensitive_scan(s, text, strlen(text), h, HITS, &n, &total), 0);
    out[0] = '\0';
    for (size_t i = 0; i < n; i++) {
        size_t l = strlen(out);
        snprintf(out + l, outsz - l, "%s%s@%zu[%zu,%zu)", i ? " " : "",
                 sensitive_word(s, h[i].word), h[i].pos, h[i].start, h[i].end);
    }
    return total;
}

static void test_plain_and_positions(void **state)
{
    (void)state;
    const char *words[] = {"法轮功", "赌博", "he", "she", "hers"};
    struct sensitive *s = sensitive_build(words, 5);
    assert_non_null(s);
    assert_int_equal(sensitive_count(s), 5);
    char out[512];
    assert_int_equal(scan(s, "今天学习党章", out, sizeof out), 0);
    assert_string_equal(out, "");
    assert_int_equal(scan(s, "不要赌博", out, sizeof out), 1);
    assert_string_equal(out, "赌博@2[6,12)");
    /* overlapping words all reported, in order of their ends */
    assert_int_equal(scan(s, "ushers", out, sizeof out), 3);
    assert_string_equal(out, "she@1[1,4) he@2[2,4) hers@2[2,6)");
    sensitive_free(s);
}

static void test_evasions(void **state)
{
    (void)state;
    const char *words[] = {"法轮功", "FALUN"};
    struct sensitive *s = sensitive_build(words, 2);
    char out[512];
    const struct {
        const char *text; /* an evasion */
        const char *word; /* the word it hides */
        size_t pos;       /* where the word starts, in characters */
    } caught[] = {
        {"法 轮 功", "法轮功", 0},       {"法-轮·功", "法轮功", 0},
        {"法，轮。功", "法轮功", 0},     {"法\t轮\n功", "法轮功", 0},
        {"法法轮轮功", "法轮功", 0},     {"法\u200b轮功", "法轮功", 0},
        {"＂法＂轮＂功＂", "法轮功", 1}, {"falun", "FALUN", 0},
        {"Ｆａｌｕｎ", "FALUN", 0},      {"f a l u n", "FALUN", 0},
        {"FFAALUN", "FALUN", 0},         {"法😀轮🙂功", "法轮功", 0},
        {"法\u202e轮功", "法轮功", 0},   {"【法】【轮】功", "法轮功", 1},
    };
    for (size_t i = 0; i < sizeof caught / sizeof caught[0]; i++) {
        struct sensitive_hit h[HITS];
        size_t n = 0, total = 0;
        const char *t = caught[i].text;
        assert_int_equal(sensitive_scan(s, t, strlen(t), h, HITS, &n, &total), 0);
        assert_int_equal(total, 1);
        assert_string_equal(sensitive_word(s, h[0].word), caught[i].word);
        assert_int_equal(h[0].pos, caught[i].pos);
        assert_true(h[0].start < h[0].end && h[0].end <= strlen(t));
    }
    /* the span covers the evasion: from the first character to the end of the last */
    assert_int_equal(scan(s, "说 法 轮 功 好", out, sizeof out), 1);
    assert_string_equal(out, "法轮功@2[4,15)");
    /* not a match: other characters between */
    assert_int_equal(scan(s, "法律轮流用功", out, sizeof out), 0);
    sensitive_free(s);
}

/* A word that repeats a character keeps the repeat: "哈哈" is not "哈" (哈尔滨 is no match). */
static void test_repeated_word(void **state)
{
    (void)state;
    const char *words[] = {"哈哈", "88", "法轮功"};
    struct sensitive *s = sensitive_build(words, 3);
    assert_non_null(s);
    char out[512];
    assert_int_equal(scan(s, "哈尔滨的支部，电话 8 号", out, sizeof out), 0);
    assert_int_equal(scan(s, "哈 哈", out, sizeof out), 1);
    assert_string_equal(out, "哈哈@0[0,7)");
    assert_int_equal(scan(s, "哈哈哈", out, sizeof out), 1);
    assert_int_equal(scan(s, "8-8", out, sizeof out), 1);
    assert_int_equal(scan(s, "法法轮轮功功", out, sizeof out), 1);
    assert_string_equal(out, "法轮功@0[0,15)");
    sensitive_free(s);
}

static void test_bad_input(void **state)
{
    (void)state;
    const char *bad[] = {"ok", "\xff\xfe"};
    assert_null(sensitive_build(bad, 2));
    char longw[SENSITIVE_WORD_MAX + 2];
    memset(longw, 'a', sizeof longw - 1);
    longw[sizeof longw - 1] = '\0';
    const char *toolong[] = {longw};
    assert_null(sensitive_build(toolong, 1));
    /* words with nothing significant are skipped; an empty list matches nothing */
    const char *empty[] = {"", "  ", "，。"};
    struct sensitive *s = sensitive_build(empty, 3);
    assert_non_null(s);
    assert_int_equal(sensitive_count(s), 0);
    char out[64];
    assert_int_equal(scan(s, "任何文字", out, sizeof out), 0);
    sensitive_free(s);
    /* invalid UTF-8 in the text is scanned byte by byte, never past the end */
    const char *w[] = {"ab"};
    s = sensitive_build(w, 1);
    assert_int_equal(scan(s,
                          "\xe4\xb8"
                          "ab\xff",
                          out, sizeof out),
                     1);
    assert_string_equal(out, "ab@2[2,4)");
    struct sensitive_hit h;
    size_t n = 9;
    assert_int_equal(sensitive_scan(s, "abab", 4, &h, 1, &n, NULL), 0);
    assert_int_equal(n, 1); /* two hits, one stored */
    assert_int_equal(sensitive_scan(NULL, "x", 1, &h, 1, &n, NULL), -1);
    sensitive_free(s);
}

static void test_load_file(void **state)
{
    (void)state;
    char path[] = "/tmp/zhibu-sensitive-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    const char body[] = "\xef\xbb\xbf# comment\r\n赌博\r\n\r\n  邪教  \n";
    assert_int_equal(write(fd, body, sizeof body - 1), (ssize_t)(sizeof body - 1));
    close(fd);
    char err[256] = "";
    struct sensitive *s = sensitive_load(path, err, sizeof err);
    assert_non_null(s);
    assert_int_equal(sensitive_count(s), 2);
    assert_string_equal(sensitive_word(s, 1), "邪教");
    char out[128];
    assert_int_equal(scan(s, "参与邪 教和赌博", out, sizeof out), 2);
    sensitive_free(s);
    FILE *f = fopen(path, "w");
    fputs("好词\n\xff\xfe\n", f);
    fclose(f);
    assert_null(sensitive_load(path, err, sizeof err));
    assert_non_null(strstr(err, "第 2 行"));
    unlink(path);
    assert_null(sensitive_load("/nonexistent/words.txt", err, sizeof err));
    assert_non_null(strstr(err, "无法打开"));
}

/* A list of 100,000 words of 2 to 6 CJK characters: the build time is printed for the notes. */
static void test_large_list(void **state)
{
    (void)state;
    enum { N = 100000 };
    char **words = malloc(N * sizeof *words);
    uint32_t x = 12345;
    for (size_t i = 0; i < N; i++) {
        size_t len = 2 + i % 5;
        words[i] = malloc(len * 3 + 1);
        for (size_t k = 0; k < len; k++) {
            x = x * 1103515245u + 12345u;
            uint32_t cp = 0x4E00 + (x >> 16) % 0x5000;
            words[i][k * 3] = (char)(0xE0 | cp >> 12);
            words[i][k * 3 + 1] = (char)(0x80 | (cp >> 6 & 0x3F));
            words[i][k * 3 + 2] = (char)(0x80 | (cp & 0x3F));
        }
        words[i][len * 3] = '\0';
    }
    struct timespec a, b;
    clock_gettime(CLOCK_MONOTONIC, &a);
    struct sensitive *s = sensitive_build((const char *const *)words, N);
    clock_gettime(CLOCK_MONOTONIC, &b);
    assert_non_null(s);
    printf("sensitive: built %zu words in %.3f s\n", sensitive_count(s),
           (double)(b.tv_sec - a.tv_sec) + (double)(b.tv_nsec - a.tv_nsec) / 1e9);
    /* every word is found in a text made of it */
    for (size_t i = 0; i < N; i += 997) {
        struct sensitive_hit h[8];
        size_t n = 0;
        assert_int_equal(sensitive_scan(s, words[i], strlen(words[i]), h, 8, &n, NULL), 0);
        assert_true(n >= 1);
    }
    sensitive_free(s);
    for (size_t i = 0; i < N; i++)
        free(words[i]);
    free(words);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_plain_and_positions), cmocka_unit_test(test_evasions),
        cmocka_unit_test(test_bad_input),           cmocka_unit_test(test_load_file),
        cmocka_unit_test(test_large_list),          cmocka_unit_test(test_repeated_word),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
