/*
 * Unit tests of bot/store/health.c: a sound database is healthy; a file damaged underneath a
 * connection that has it cached, and a file that is not a database, are not; the result is
 * cached for a second.
 */
#include "tests/unit/unit_db.h"

#include "bot/store/health.h"

static void damage(const char *path)
{
    FILE *f = fopen(path, "r+b");
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    char junk[4096];
    memset(junk, 0xa5, sizeof junk);
    for (long off = 4096; off < size; off += 4096) {
        fseek(f, off, SEEK_SET);
        assert_int_equal(fwrite(junk, 1, sizeof junk, f), sizeof junk);
    }
    fclose(f);
}

static void test_sound_then_damaged(void **state)
{
    (void)state;
    assert_int_equal(unit_db_open("health"), 0);
    struct store_health h;
    store_health_forget();
    assert_int_equal(store_health_check(unit_db_path, &h), ZB_OK);
    assert_null(h.failed);
    assert_string_equal(h.detail, "");
    assert_int_equal(sqlite3_exec(store_db(), "PRAGMA wal_checkpoint(TRUNCATE)", NULL, NULL, NULL),
                     SQLITE_OK);
    damage(unit_db_path);
    /* cached: still the old answer within the second */
    assert_int_equal(store_health_check(unit_db_path, &h), ZB_OK);
    store_health_forget();
    assert_int_equal(store_health_check(unit_db_path, &h), ZB_EDB);
    assert_non_null(h.failed);
    assert_string_equal(h.failed, "database");
    assert_true(strlen(h.detail) > 0);
    unit_db_close();
}

static void test_not_a_database(void **state)
{
    (void)state;
    char path[96];
    snprintf(path, sizeof path, "/tmp/zhibu-health-junk-%d.db", (int)getpid());
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    for (int i = 0; i < 4096; i++)
        fputc('z', f);
    fclose(f);
    struct store_health h;
    store_health_forget();
    assert_int_equal(store_health_check(path, &h), ZB_EDB);
    assert_string_equal(h.failed, "database");
    unlink(path);
    store_health_forget();
    snprintf(path, sizeof path, "/tmp/zhibu-health-none-%d.db", (int)getpid());
    assert_int_equal(store_health_check(path, &h), ZB_EDB); /* missing: read-only open fails */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sound_then_damaged),
        cmocka_unit_test(test_not_a_database),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
