/*
 * cli.c - unit tests for bot/app/cli.c: the one parser (options, global --config and --as,
 * integer bounds, word counts, the mistake named with the usage) and the command table.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "bot/app/cli.h"
#include "bot/base/textfmt.h"

static int run_nothing(struct cli_ctx *c)
{
    (void)c;
    return 0;
}

static const struct cli_opt opts[] = {
    {"--limit", CLI_INT, 1, 100, "N", "最多几条"},
    {"--name", CLI_STR, 0, 0, "名字", "名字"},
    {"--dry-run", CLI_FLAG, 0, 0, NULL, "试运行"},
    {0},
};

static const struct cli_command cmd = {.noun = "thing",
                                       .verb = "do",
                                       .usage = "编号 [文字...]",
                                       .summary = "做一件事",
                                       .opts = opts,
                                       .min_words = 1,
                                       .max_words = 3,
                                       .run = run_nothing};

/* parse - cli_parse over the NULL-terminated words; the code; stderr text in err (caller
 * frees). */
static int parse(struct cli_args **a, const char **config, const char **as, char **err, ...)
{
    char *argv[16];
    int argc = 0;
    va_list ap;
    va_start(ap, err);
    for (char *w; argc < 16 && (w = va_arg(ap, char *)) != NULL;)
        argv[argc++] = w;
    va_end(ap);
    size_t len = 0;
    FILE *f = open_memstream(err, &len);
    int rc = cli_parse(&cmd, argc, argv, a, config, as, f);
    fclose(f);
    return rc;
}

static void test_options_and_words(void **state)
{
    (void)state;
    struct cli_args *a = NULL;
    const char *config, *as;
    char *err = NULL;
    assert_int_equal(parse(&a, &config, &as, &err, "7", "--limit", "5", "--dry-run", "一", "二",
                           "--as", "3", "--config", "x.json", NULL),
                     ZB_OK);
    assert_string_equal(err, "");
    assert_int_equal(cli_int(a, "--limit", 20), 5);
    assert_true(cli_has(a, "--dry-run"));
    assert_false(cli_has(a, "--name"));
    assert_null(cli_str(a, "--name"));
    assert_int_equal(cli_nwords(a), 3);
    assert_string_equal(cli_word(a, 0), "7");
    assert_null(cli_word(a, 3));
    assert_string_equal(cli_text(a, 1), "一 二");
    assert_string_equal(as, "3");
    assert_string_equal(config, "x.json");
    cli_args_free(a);
    free(err);
    /* defaults when not given */
    assert_int_equal(parse(&a, &config, &as, &err, "7", NULL), ZB_OK);
    assert_int_equal(cli_int(a, "--limit", 20), 20);
    assert_null(as);
    assert_string_equal(cli_text(a, 1), "");
    cli_args_free(a);
    free(err);
}

static void expect_bad(const char *needle, char *w1, char *w2, char *w3)
{
    struct cli_args *a = NULL;
    const char *config, *as;
    char *err = NULL;
    assert_int_equal(parse(&a, &config, &as, &err, w1, w2, w3, NULL), ZB_EINVAL);
    assert_null(a);
    if (!strstr(err, needle))
        fail_msg("expected \"%s\" in \"%s\"", needle, err);
    if (!strstr(err, "用法：zhibu thing do 编号 [文字...]"))
        fail_msg("no usage in \"%s\"", err);
    assert_non_null(strstr(err, "--limit N"));
    free(err);
}

static void test_mistakes_name_themselves(void **state)
{
    (void)state;
    expect_bad("错误：未知选项 --foo", "7", "--foo", NULL);
    expect_bad("错误：--name 后面缺少取值", "7", "--name", NULL);
    expect_bad("错误：--as 后面缺少取值", "7", "--as", NULL);
    expect_bad("--limit 需要 1 到 100 的整数", "7", "--limit", "0");
    expect_bad("--limit 需要 1 到 100 的整数", "7", "--limit", "101");
    expect_bad("--limit 需要 1 到 100 的整数", "7", "--limit", "5x");
    expect_bad("缺少参数", "--dry-run", NULL, NULL);
    struct cli_args *a = NULL;
    const char *config, *as;
    char *err = NULL;
    assert_int_equal(parse(&a, &config, &as, &err, "1", "2", "3", "4", NULL), ZB_EINVAL);
    assert_non_null(strstr(err, "多余的参数 4"));
    free(err);
}

static void test_table(void **state)
{
    (void)state;
    static struct cli_table t;
    static const struct cli_command alone = {.noun = "thing", .run = run_nothing};
    FILE *devnull = fopen("/dev/null", "w");
    assert_int_equal(cli_table_add(&t, &cmd, 1, devnull), ZB_OK);
    assert_int_equal(cli_table_add(&t, &cmd, 1, devnull), ZB_EINVAL); /* twice */
    /* a noun alone sits beside its verbs (`outbox` and `outbox cancel`), once */
    assert_int_equal(cli_table_add(&t, &alone, 1, devnull), ZB_OK);
    assert_int_equal(cli_table_add(&t, &alone, 1, devnull), ZB_EINVAL);
    fclose(devnull);
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    cli_help(f, &t, "thing");
    fclose(f);
    assert_non_null(strstr(text, "用法：zhibu thing do"));
    assert_non_null(strstr(text, "做一件事"));
    free(text);
}

/* column_of - the terminal column at which needle starts on its line of text (-1: absent). */
static long column_of(const char *text, const char *needle)
{
    const char *at = strstr(text, needle);
    if (!at)
        return -1;
    const char *line = at;
    while (line > text && line[-1] != '\n')
        line--;
    char *prefix = strndup(line, (size_t)(at - line));
    long w = (long)textfmt_width(prefix);
    free(prefix);
    return w;
}

/* The help's second column starts at the same terminal column whatever the first holds:
 * Chinese characters count two columns, not their three bytes. */
static void test_help_columns(void **state)
{
    (void)state;
    static struct cli_table t;
    static const struct cli_opt wide_opts[] = {
        {"--branch", CLI_STR, 0, 0, "组织", "哪个组织"},
        {"--limit", CLI_INT, 1, 9, "N", "几条"},
        {0},
    };
    static const struct cli_command add = {.noun = "branch",
                                           .verb = "add",
                                           .usage = "路径",
                                           .summary = "新建组织",
                                           .run = run_nothing};
    static const struct cli_command list = {.noun = "branch",
                                            .verb = "list",
                                            .summary = "组织树",
                                            .opts = wide_opts,
                                            .run = run_nothing};
    static const struct cli_command help = {
        .noun = "help", .usage = "[config|名词]", .summary = "本帮助", .run = run_nothing};
    static const struct cli_command longer = {.noun = "member",
                                              .verb = "set",
                                              .usage = "编号 字段 值（值为空用两个引号）",
                                              .summary = "修改一项",
                                              .run = run_nothing};
    FILE *devnull = fopen("/dev/null", "w");
    assert_int_equal(cli_table_add(&t, &add, 1, devnull), ZB_OK);
    assert_int_equal(cli_table_add(&t, &list, 1, devnull), ZB_OK);
    assert_int_equal(cli_table_add(&t, &help, 1, devnull), ZB_OK);
    assert_int_equal(cli_table_add(&t, &longer, 1, devnull), ZB_OK);
    fclose(devnull);

    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    cli_help(f, &t, NULL);
    fclose(f);
    const long col = 2 + 26 + 1;                        /* indent, the first column, one space */
    assert_int_equal(column_of(text, "新建组织"), col); /* "branch add 路径" */
    assert_int_equal(column_of(text, "组织树"), col);
    assert_int_equal(column_of(text, "本帮助"), col); /* "help [config|名词]" */
    /* too wide for the column: on its own line, the summary below in the column */
    assert_non_null(strstr(text, "  member set 编号 字段 值（值为空用两个引号）\n"));
    assert_int_equal(column_of(text, "修改一项"), col);
    free(text);

    text = NULL;
    f = open_memstream(&text, &len);
    cli_help(f, &t, "branch");
    fclose(f);
    assert_int_equal(column_of(text, "哪个组织"), col); /* "--branch 组织" */
    assert_int_equal(column_of(text, "几条"), col);
    free(text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_options_and_words),
        cmocka_unit_test(test_mistakes_name_themselves),
        cmocka_unit_test(test_table),
        cmocka_unit_test(test_help_columns),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
