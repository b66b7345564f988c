/*
 * migrations.c - unit tests for bot/store/migrations.c: capabilities' sets applied in either
 * order, on fresh and on existing databases, give the same schema; a second run applies
 * nothing; a failing step is rolled back alone and named; a database from before
 * schema_migrations (core's version in user_version only) is adopted.
 */
#include "tests/unit/unit_db.h"

#include "bot/base/buf.h"
#include "bot/base/xmalloc.h"
#include "bot/store/migrations.h"

static const char *const dues_steps[] = {
    "CREATE TABLE dues_bills (id INTEGER PRIMARY KEY, member_id INTEGER, fen INTEGER);",
    "CREATE INDEX dues_bills_member ON dues_bills(member_id);",
};
static const struct migration_set dues = {"dues", dues_steps, 2};

static const char *const study_steps[] = {
    "CREATE TABLE study_items (id INTEGER PRIMARY KEY, title TEXT NOT NULL);",
    "ALTER TABLE study_items ADD COLUMN body TEXT;",
    "CREATE TABLE study_reads (item_id INTEGER, member_id INTEGER);",
};
static const struct migration_set study = {"study", study_steps, 3};

static const char *const broken_steps[] = {
    "CREATE TABLE broken_a (id INTEGER PRIMARY KEY);",
    "CREATE TABLE broken_b (id INTEGER PRIMARY KEY); INSERT INTO no_such_table VALUES (1);",
};
static const struct migration_set broken = {"broken", broken_steps, 2};

static int n_db;

/* fresh - open a new, empty database file (core applied by store_init with the given sets). */
static int fresh(const struct migration_set *const *sets, size_t n)
{
    char name[32];
    store_close_thread();
    if (n_db)
        unit_db_close();
    snprintf(name, sizeof name, "migrations%d", n_db++);
    snprintf(unit_db_path, sizeof unit_db_path, "/tmp/zhibu-%s-%d.db", name, (int)getpid());
    unlink(unit_db_path);
    return store_init(unit_db_path, false, sets, n);
}

/* schema - every table and index, sorted, as one string (caller frees). */
static char *schema(void)
{
    struct buf b;
    sqlite3_stmt *st = NULL;
    buf_init(&b, 1 << 20);
    assert_int_equal(sqlite3_prepare_v2(store_db(),
                                        "SELECT type, name, coalesce(sql,'') FROM sqlite_master "
                                        "WHERE name NOT LIKE 'sqlite_%' ORDER BY type, name",
                                        -1, &st, NULL),
                     SQLITE_OK);
    while (sqlite3_step(st) == SQLITE_ROW)
        assert_int_equal(buf_appendf(&b, "%s %s %s\n", sqlite3_column_text(st, 0),
                                     sqlite3_column_text(st, 1), sqlite3_column_text(st, 2)),
                         0);
    sqlite3_finalize(st);
    char *s = xstrdup(buf_str(&b));
    buf_free(&b);
    return s;
}

static long long version(const char *owner)
{
    long long v = -1;
    assert_int_equal(migrations_version(owner, &v), 0);
    return v;
}

static void either_order_same_schema(void **state)
{
    (void)state;
    const struct migration_set *ab[] = {&dues, &study};
    const struct migration_set *ba[] = {&study, &dues};
    assert_int_equal(fresh(ab, 2), 0);
    char *s1 = schema();
    assert_int_equal(version("core"), (long long)migrations_core.n);
    assert_int_equal(version("dues"), 2);
    assert_int_equal(version("study"), 3);
    assert_int_equal(store_schema_version(), (int)migrations_core.n);

    assert_int_equal(fresh(ba, 2), 0);
    char *s2 = schema();
    assert_string_equal(s1, s2);

    /* an existing database that had only study gets dues later */
    const struct migration_set *only_study[] = {&study};
    assert_int_equal(fresh(only_study, 1), 0);
    assert_int_equal(version("dues"), 0);
    assert_int_equal(migrations_run(ab, 2, (char[128]){0}, 128), 0);
    char *s3 = schema();
    assert_string_equal(s1, s3);

    /* running again applies nothing */
    long long before = unit_db_int("SELECT total_changes()");
    char err[128] = "";
    assert_int_equal(migrations_run(ba, 2, err, sizeof err), 0);
    assert_int_equal(unit_db_int("SELECT total_changes()"), before);
    char *s4 = schema();
    assert_string_equal(s1, s4);
    free(s1);
    free(s2);
    free(s3);
    free(s4);
}

static void failing_step_named_and_rolled_back(void **state)
{
    (void)state;
    const struct migration_set *sets[] = {&dues, &broken, &study};
    assert_int_equal(fresh(NULL, 0), 0);
    char err[256] = "";
    assert_int_equal(migrations_run(sets, 3, err, sizeof err), ZB_EDB);
    assert_non_null(strstr(err, "broken step 2"));
    assert_non_null(strstr(err, "no_such_table"));
    assert_int_equal(version("broken"), 1); /* step 1 stays, step 2 rolled back whole */
    assert_int_equal(unit_db_int("SELECT count(*) FROM sqlite_master WHERE name='broken_a'"), 1);
    assert_int_equal(unit_db_int("SELECT count(*) FROM sqlite_master WHERE name='broken_b'"), 0);
    assert_int_equal(version("dues"), 2);
    assert_int_equal(version("study"), 0); /* not reached */
    /* store_init fails the same way */
    assert_int_not_equal(fresh(sets, 3), 0);
}

static void bad_sets_refused(void **state)
{
    (void)state;
    const struct migration_set core_again = {"core", dues_steps, 1};
    const struct migration_set *twice[] = {&dues, &dues};
    const struct migration_set *core[] = {&core_again};
    char err[128] = "";
    assert_int_equal(fresh(NULL, 0), 0);
    assert_int_equal(migrations_run(twice, 2, err, sizeof err), ZB_EINVAL);
    assert_non_null(strstr(err, "dues"));
    assert_int_equal(migrations_run(core, 1, err, sizeof err), ZB_EINVAL);
    assert_int_equal(version("dues"), 0);
}

/* A database made before schema_migrations: core's steps applied, user_version = n, no table. */
static void legacy_user_version_adopted(void **state)
{
    (void)state;
    assert_int_equal(fresh(NULL, 0), 0);
    char *want = schema();
    assert_int_equal(sqlite3_exec(store_db(), "DROP TABLE schema_migrations", NULL, NULL, NULL),
                     SQLITE_OK);
    assert_int_equal(store_schema_version(), (int)migrations_core.n);
    char err[128] = "";
    assert_int_equal(migrations_run(NULL, 0, err, sizeof err), 0);
    assert_int_equal(version("core"), (long long)migrations_core.n);
    char *got = schema();
    assert_string_equal(want, got);
    free(want);
    free(got);
    /* newer than this binary: refused */
    assert_int_equal(sqlite3_exec(store_db(),
                                  "UPDATE schema_migrations SET version=99 WHERE owner='core'",
                                  NULL, NULL, NULL),
                     SQLITE_OK);
    assert_int_equal(migrations_run(NULL, 0, err, sizeof err), ZB_EDB);
    assert_non_null(strstr(err, "newer"));
}

static int teardown(void **state)
{
    (void)state;
    unit_db_close();
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(either_order_same_schema),
        cmocka_unit_test(failing_step_named_and_rolled_back),
        cmocka_unit_test(bad_sets_refused),
        cmocka_unit_test(legacy_user_version_adopted),
    };
    return cmocka_run_group_tests(tests, NULL, teardown);
}
