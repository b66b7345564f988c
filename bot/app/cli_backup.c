/*
 * cli_backup.c - `zhibu backup FILE` (a consistent copy while the server runs, created 0600)
 * and `zhibu restore FILE` (refused while a server holds the database; the backup must pass
 * an integrity check). See bot/store/backup.h.
 */
#include "bot/app/cli_backup.h"

#include "bot/app/config.h"
#include "bot/org/audit.h"
#include "bot/store/backup.h"

#define ERR_MAX 512

static int run_backup(struct cli_ctx *c)
{
    const char *dest = cli_word(c->args, 0);
    int rc = store_backup(dest);
    if (rc == ZB_EBUSY) {
        fprintf(c->err, "错误：%s 已存在，备份不会覆盖已有文件\n", dest);
        return 1;
    }
    if (rc == ZB_EIO) {
        fprintf(c->err, "错误：无法创建 %s（目录不存在或没有写权限）\n", dest);
        return 1;
    }
    if (rc) {
        fprintf(c->err, "错误：备份到 %s 失败（见上方日志）\n", dest);
        return 1;
    }
    fprintf(c->out, "已备份到 %s\n", dest);
    return 0;
}

static int run_restore(struct cli_ctx *c)
{
    char err[ERR_MAX];
    struct config *cfg = NULL;
    if (config_load(c->config_path, &cfg, err, sizeof err)) {
        fprintf(c->err, "错误：%s\n", err);
        return 1;
    }
    const char *src = cli_word(c->args, 0);
    int rc = store_restore(cfg->database, src);
    int status = rc ? 1 : 0;
    if (rc == ZB_EBUSY)
        fprintf(c->err, "错误：服务正在运行，不能恢复。请先停止 zhibu serve\n");
    else if (rc == ZB_ENOTFOUND)
        fprintf(c->err, "错误：找不到备份文件 %s\n", src);
    else if (rc == ZB_EPARSE)
        fprintf(c->err, "错误：%s 不是完好的数据库备份，没有恢复\n", src);
    else if (rc)
        fprintf(c->err, "错误：恢复失败（见上方日志）\n");
    else
        fprintf(c->out, "已从 %s 恢复数据库 %s\n", src, cfg->database);
    config_free(cfg);
    return status;
}

const struct cli_command backup_cli[] = {
    {.noun = "backup",
     .usage = "文件",
     .summary = "在服务运行时备份数据库到一个新文件（仅本人可读）",
     .min_words = 1,
     .max_words = 1,
     .needs_store = true,
     .run = run_backup},
    {.noun = "restore",
     .usage = "文件",
     .summary = "用备份文件替换数据库（须先停止服务；会先检查备份是否完好）",
     .min_words = 1,
     .max_words = 1,
     .run = run_restore},
};

const size_t backup_cli_count = sizeof backup_cli / sizeof backup_cli[0];
