/*
 * e2e_first_hour.c - an operator's first hour on a fresh database, driven through the real
 * binary:
 *   import_excel_forms   a GB18030 roster with CRLF, names padded with spaces and phones that
 *                        Excel wrote as numbers (13800138003.0, 1.3800138001E+10) imports with
 *                        the names and phones as meant; a lossy 1.38E+10 is refused with a
 *                        sentence saying Excel dropped the digits, and nothing is written
 *   group_move_keeps_members   a 党小组 with members is not moved under another 支部 (its
 *                        members would sit in a 支部 that does not hold their 党小组); an
 *                        empty one moves
 *   errors_in_chinese    a missing CSV or config file and a backup into a missing directory are
 *                        explained in Chinese, never with the C library's English
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "tests/e2e/e2e_util.h"

static void write_bytes(const char *path, const char *data)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, strlen(data), f), strlen(data));
    assert_int_equal(fclose(f), 0);
}

static void assert_status(const struct e2e_proc *p, int status)
{
    if (p->status != status)
        fail_msg("exit status %d, want %d\nstdout: %s\nstderr: %s", p->status, status, p->out,
                 p->err);
}

static void import_excel_forms(void **state)
{
    (void)state;
    struct e2e_server *s = e2e_server_new(NULL);
    assert_non_null(s);
    char csv[400];
    struct e2e_proc p;
    /* GB18030 bytes: 姓名,手机号,支部 / "李  四" / 王明 / 赵一 / 第一支部 */
    snprintf(csv, sizeof csv, "%s/roster.csv", s->dir);
    write_bytes(csv,
                "\xd0\xd5\xc3\xfb,\xca\xd6\xbb\xfa\xba\xc5,\xd6\xa7\xb2\xbf\r\n"
                "\" \xc0\xee  \xcb\xc4 \",13800138003.0,\xb5\xda\xd2\xbb\xd6\xa7\xb2\xbf\r\n"
                "\r\n"
                "\xcd\xf5\xa1\xa1\xc3\xf7,1.3800138001E+10,\xb5\xda\xd2\xbb\xd6\xa7\xb2\xbf\r\n");
    assert_int_equal(
        e2e_zhibu(s->dir, &p, "branch", "add", "第一支部", "--config", s->config_path, NULL), 0);
    assert_status(&p, 0);
    e2e_proc_free(&p);
    assert_int_equal(
        e2e_zhibu(s->dir, &p, "member", "import", csv, "--config", s->config_path, NULL), 0);
    assert_status(&p, 0);
    e2e_proc_free(&p);
    char *row = e2e_db_text(s, "SELECT group_concat(name || ':' || phone, ';') FROM "
                               "(SELECT name, phone FROM members ORDER BY id)");
    assert_non_null(row);
    assert_string_equal(row, "李四:13800138003;王明:13800138001");
    free(row);

    snprintf(csv, sizeof csv, "%s/lossy.csv", s->dir);
    write_bytes(csv, "\xd0\xd5\xc3\xfb,\xca\xd6\xbb\xfa\xba\xc5,\xd6\xa7\xb2\xbf\r\n"
                     "\xd5\xd4\xd2\xbb,1.38E+10,\xb5\xda\xd2\xbb\xd6\xa7\xb2\xbf\r\n");
    assert_int_equal(
        e2e_zhibu(s->dir, &p, "member", "import", csv, "--config", s->config_path, NULL), 0);
    assert_status(&p, 1);
    assert_non_null(strstr(p.err, "科学计数法"));
    e2e_proc_free(&p);
    row = e2e_db_text(s, "SELECT count(*) FROM members");
    assert_non_null(row);
    assert_string_equal(row, "2");
    free(row);
    e2e_server_free(s);
}

/* run - zhibu with up to five words (NULL-padded) and the config; whether stderr says the move
 * was refused. */
static int run(struct e2e_server *s, int want, const char *a, const char *b, const char *c,
               const char *d, const char *e)
{
    const char *w[5] = {a, b, c, d, e}, *cf = "--config", *cp = s->config_path;
    const char *v[8] = {0};
    int n = 0;
    for (int i = 0; i < 5 && w[i]; i++)
        v[n++] = w[i];
    v[n++] = cf;
    v[n++] = cp;
    struct e2e_proc p;
    assert_int_equal(e2e_zhibu(s->dir, &p, v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], NULL),
                     0);
    assert_status(&p, want);
    int refused = strstr(p.err, "不能移到别的支部") != NULL;
    e2e_proc_free(&p);
    return refused;
}

static void group_move_keeps_members(void **state)
{
    (void)state;
    struct e2e_server *s = e2e_server_new(NULL);
    assert_non_null(s);
    run(s, 0, "branch", "add", "工委/甲支部/第一党小组", NULL, NULL);
    run(s, 0, "branch", "add", "工委/甲支部/第二党小组", NULL, NULL);
    run(s, 0, "branch", "add", "工委/乙支部", NULL, NULL);
    run(s, 0, "member", "add", "钱七", "支部=甲支部", "党小组=第一党小组");
    assert_true(run(s, 1, "branch", "move", "第一党小组", "--to", "乙支部"));
    char *where = e2e_db_text(s, "SELECT b.name FROM branches b JOIN branches g ON "
                                 "g.parent_id=b.id WHERE g.name='第一党小组'");
    assert_non_null(where);
    assert_string_equal(where, "甲支部");
    free(where);
    assert_false(run(s, 0, "branch", "move", "第二党小组", "--to", "乙支部"));
    e2e_server_free(s);
}

static void errors_in_chinese(void **state)
{
    (void)state;
    struct e2e_server *s = e2e_server_new(NULL);
    assert_non_null(s);
    char path[400];
    struct e2e_proc p;
    snprintf(path, sizeof path, "%s/missing.csv", s->dir);
    assert_int_equal(
        e2e_zhibu(s->dir, &p, "member", "import", path, "--config", s->config_path, NULL), 0);
    assert_status(&p, 1);
    assert_non_null(strstr(p.err, "文件不存在"));
    assert_null(strstr(p.err, "No such"));
    e2e_proc_free(&p);

    snprintf(path, sizeof path, "%s/missing.json", s->dir);
    assert_int_equal(e2e_zhibu(s->dir, &p, "member", "list", "--config", path, NULL), 0);
    assert_status(&p, 1);
    assert_non_null(strstr(p.err, "文件不存在"));
    assert_null(strstr(p.err, "No such"));
    e2e_proc_free(&p);

    snprintf(path, sizeof path, "%s/no/such/dir/b.db", s->dir);
    assert_int_equal(e2e_zhibu(s->dir, &p, "backup", path, "--config", s->config_path, NULL), 0);
    assert_status(&p, 1);
    assert_non_null(strstr(p.err, "无法创建"));
    assert_null(strstr(p.err, "见上方日志"));
    e2e_proc_free(&p);
    e2e_server_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(import_excel_forms),
        cmocka_unit_test(group_move_keeps_members),
        cmocka_unit_test(errors_in_chinese),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
