/* backup.c - online backup and locked restore of the SQLite database (see backup.h). */
#include "bot/store/backup.h"

#include <errno.h>
#include <fcntl.h>
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bot/base/log.h"
#include "bot/store/store.h"

#define LOCK_PATH_MAX 4200

/* copy_db - the backup API from src's main into dst's main, in one step (one transaction). */
static int copy_db(sqlite3 *dst, sqlite3 *src)
{
    sqlite3_backup *b = sqlite3_backup_init(dst, "main", src, "main");
    if (!b) {
        log_error("backup: %s", sqlite3_errmsg(dst));
        return ZB_EDB;
    }
    int rc = sqlite3_backup_step(b, -1);
    sqlite3_backup_finish(b);
    if (rc != SQLITE_DONE) {
        log_error("backup: copy failed: %s", sqlite3_errstr(rc));
        return ZB_EDB;
    }
    return ZB_OK;
}

int store_backup(const char *dest)
{
    sqlite3 *src = store_db(), *dst = NULL;
    if (!src)
        return ZB_EDB;
    int fd = open(dest, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0)
        return errno == EEXIST ? ZB_EBUSY : ZB_EIO;
    close(fd);
    int rc = ZB_EDB;
    if (sqlite3_open_v2(dest, &dst, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK)
        goto done;
    rc = copy_db(dst, src);
done:
    sqlite3_close(dst);
    if (rc)
        unlink(dest);
    return rc;
}

/* lock_fd - open db_path ".lock" (0600) and try to lock it exclusively without waiting: the fd,
 * or ZB_EBUSY / ZB_EIO. */
static int lock_fd(const char *db_path)
{
    char path[LOCK_PATH_MAX];
    if ((size_t)snprintf(path, sizeof path, "%s.lock", db_path) >= sizeof path)
        return ZB_EIO;
    int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0)
        return ZB_EIO;
    if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
        close(fd);
        return errno == EWOULDBLOCK ? ZB_EBUSY : ZB_EIO;
    }
    return fd;
}

int store_hold_serving(const char *db_path)
{
    int fd = lock_fd(db_path);
    return fd < 0 ? fd : ZB_OK; /* the fd stays open, and locked, until the process exits */
}

/* sound - src opens read-only and PRAGMA integrity_check says ok. */
static bool sound(sqlite3 *src)
{
    sqlite3_stmt *st = NULL;
    bool ok = sqlite3_prepare_v2(src, "PRAGMA integrity_check", -1, &st, NULL) == SQLITE_OK &&
              sqlite3_step(st) == SQLITE_ROW &&
              strcmp((const char *)sqlite3_column_text(st, 0), "ok") == 0;
    sqlite3_finalize(st);
    return ok;
}

int store_restore(const char *db_path, const char *src_path)
{
    struct stat sb;
    if (stat(src_path, &sb) != 0)
        return ZB_ENOTFOUND;
    int fd = lock_fd(db_path);
    if (fd < 0)
        return fd;
    sqlite3 *src = NULL, *dst = NULL;
    int rc = ZB_EPARSE;
    if (sqlite3_open_v2(src_path, &src, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK || !sound(src))
        goto done;
    rc = ZB_EDB;
    int dfd = open(db_path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (dfd < 0) {
        rc = ZB_EIO;
        goto done;
    }
    close(dfd);
    if (sqlite3_open_v2(db_path, &dst, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK)
        goto done;
    sqlite3_busy_timeout(dst, 5000);
    rc = copy_db(dst, src);
    if (rc == ZB_OK)
        sqlite3_exec(dst, "PRAGMA journal_mode=WAL", NULL, NULL, NULL);
done:
    sqlite3_close(src);
    sqlite3_close(dst);
    close(fd);
    return rc;
}
