/*
 * cli.c - the CLI's parser, dispatcher and generated help (see bot/app/cli.h, bot/api/cli.h).
 *
 * One parser for every command: options are looked up in the command's descriptor, so a wrong
 * one names itself and prints that command's usage (exit 2); --config FILE and --as MEMBER are
 * accepted anywhere after the command. The dispatcher resolves the actor, loads the config and
 * opens the store for commands that need it, and calls role_can before run() - the only place a
 * CLI command's role is checked.
 */
#include "bot/app/open.h"
#include "bot/app/cli.h"
#include "bot/app/cli_engine.h"

#include <curl/curl.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bot/app/config.h"
#include "bot/base/buf.h"
#include "bot/base/clock.h"
#include "bot/base/log.h"
#include "bot/base/textfmt.h"
#include "bot/base/version.h"
#include "bot/base/xmalloc.h"
#include "bot/org/member.h"
#include "bot/org/role.h"
#include "bot/store/store.h"
#include "handlers/meetings/meetings.h"

#define TEXT_MAX    (64 * 1024) /* bytes of the joined positional words */
#define NAME_IDS    2           /* members looked up for a --as name: one, or "more than one" */
#define HELP_COLUMN 26          /* terminal columns of a help line's left column */

struct cli_args {
    const struct cli_command *cmd; /* whose options these are */
    const char *val[CLI_OPTS_MAX]; /* per option of cmd: its value ("" for a flag), NULL */
    long num[CLI_OPTS_MAX];        /* CLI_INT values */
    const char **words;            /* positional words (pointers into argv) */
    size_t nwords;                 /* how many */
    struct buf text;               /* cli_text's joined words */
};

static int opt_index(const struct cli_command *cmd, const char *name)
{
    for (int i = 0; cmd->opts && cmd->opts[i].name && i < CLI_OPTS_MAX; i++)
        if (strcmp(cmd->opts[i].name, name) == 0)
            return i;
    return -1;
}

bool cli_has(const struct cli_args *a, const char *name)
{
    int i = opt_index(a->cmd, name);
    return i >= 0 && a->val[i];
}

const char *cli_str(const struct cli_args *a, const char *name)
{
    int i = opt_index(a->cmd, name);
    return i >= 0 ? a->val[i] : NULL;
}

long cli_int(const struct cli_args *a, const char *name, long dflt)
{
    int i = opt_index(a->cmd, name);
    return i >= 0 && a->val[i] ? a->num[i] : dflt;
}

size_t cli_nwords(const struct cli_args *a)
{
    return a->nwords;
}

const char *cli_word(const struct cli_args *a, size_t i)
{
    return i < a->nwords ? a->words[i] : NULL;
}

const char *cli_text(const struct cli_args *a, size_t from)
{
    struct buf *b = (struct buf *)&a->text; /* a cache owned by args */
    b->len = 0;
    if (buf_appendz(b, ""))
        return "";
    for (size_t i = from; i < a->nwords; i++)
        if ((i > from && buf_append(b, " ", 1)) || buf_appendz(b, a->words[i]))
            return "";
    return buf_str(b);
}

/* help_line - "  LEFT  TEXT": left padded to HELP_COLUMN terminal columns (a Chinese character
 * takes two), or on a line of its own with the text below when it is wider. */
static void help_line(FILE *f, const char *left, const char *text)
{
    fputs("  ", f);
    if (textfmt_width(left) > HELP_COLUMN) {
        fprintf(f, "%s\n  ", left);
        left = "";
    }
    textfmt_pad(f, left, HELP_COLUMN);
    fprintf(f, " %s\n", text ? text : "");
}

static void print_name(FILE *f, const struct cli_command *cmd)
{
    fprintf(f, "zhibu %s%s%s", cmd->noun, cmd->verb ? " " : "", cmd->verb ? cmd->verb : "");
}

void cli_usage(FILE *f, const struct cli_command *cmd)
{
    fputs("用法：", f);
    print_name(f, cmd);
    fprintf(f, "%s%s\n", cmd->usage && *cmd->usage ? " " : "", cmd->usage ? cmd->usage : "");
    for (size_t i = 0; cmd->opts && cmd->opts[i].name; i++) {
        const struct cli_opt *o = &cmd->opts[i];
        char left[96];
        snprintf(left, sizeof left, "%s%s%s", o->name, o->metavar ? " " : "",
                 o->metavar ? o->metavar : "");
        help_line(f, left, o->help);
    }
}

void cli_args_free(struct cli_args *a)
{
    if (!a)
        return;
    free(a->words);
    buf_free(&a->text);
    free(a);
}

/* bad - name the mistake and show the command's usage. */
static int bad(FILE *err, const struct cli_command *cmd, const char *fmt, const char *what)
{
    fputs("错误：", err);
    fprintf(err, fmt, what);
    fputs("\n", err);
    cli_usage(err, cmd);
    return ZB_EINVAL;
}

int cli_parse(const struct cli_command *cmd, int argc, char **argv, struct cli_args **out,
              const char **config, const char **as, FILE *err)
{
    struct cli_args *a = xcalloc(1, sizeof *a);
    a->cmd = cmd;
    a->words = xcalloc((size_t)argc + 1, sizeof *a->words);
    buf_init(&a->text, TEXT_MAX);
    *config = *as = NULL;
    *out = NULL;
    int rc = ZB_OK;
    for (int i = 0; i < argc; i++) {
        const char *s = argv[i];
        if (strncmp(s, "--", 2) != 0 || !s[2]) {
            a->words[a->nwords++] = s;
            continue;
        }
        const char **global = strcmp(s, "--config") == 0 ? config
                              : strcmp(s, "--as") == 0   ? as
                                                         : NULL;
        int k = global ? -1 : opt_index(cmd, s);
        if (!global && k < 0) {
            rc = bad(err, cmd, "未知选项 %s", s);
            goto done;
        }
        if (k >= 0 && cmd->opts[k].type == CLI_FLAG) {
            a->val[k] = "";
            continue;
        }
        if (i + 1 >= argc) {
            rc = bad(err, cmd, "%s 后面缺少取值", s);
            goto done;
        }
        const char *v = argv[++i];
        if (global) {
            *global = v;
            continue;
        }
        a->val[k] = v;
        if (cmd->opts[k].type == CLI_INT) {
            char *end;
            errno = 0;
            long n = strtol(v, &end, 10);
            if (errno || end == v || *end || n < cmd->opts[k].min || n > cmd->opts[k].max) {
                fprintf(err, "错误：%s 需要 %ld 到 %ld 的整数\n", s, cmd->opts[k].min,
                        cmd->opts[k].max);
                cli_usage(err, cmd);
                rc = ZB_EINVAL;
                goto done;
            }
            a->num[k] = n;
        }
    }
    if (a->nwords < (size_t)cmd->min_words) {
        rc = bad(err, cmd, "%s", "缺少参数");
        goto done;
    }
    if (cmd->max_words >= 0 && a->nwords > (size_t)cmd->max_words) {
        rc = bad(err, cmd, "多余的参数 %s", a->words[cmd->max_words]);
        goto done;
    }
    *out = a;
    a = NULL;
done:
    cli_args_free(a);
    return rc;
}

int cli_table_add(struct cli_table *t, const struct cli_command *cmds, size_t n, FILE *err)
{
    for (size_t i = 0; i < n; i++) {
        const struct cli_command *c = &cmds[i];
        if (t->n == CLI_TABLE_MAX) {
            fprintf(err, "错误：命令表已满（%d 条）\n", CLI_TABLE_MAX);
            return ZB_ETOOBIG;
        }
        for (size_t k = 0; k < t->n; k++) {
            const struct cli_command *o = t->cmd[k];
            if (strcmp(o->noun, c->noun) != 0)
                continue;
            /* a noun alone (`outbox`) may sit beside its verbs (`outbox cancel`) */
            if ((!o->verb && !c->verb) || (o->verb && c->verb && strcmp(o->verb, c->verb) == 0)) {
                fprintf(err, "错误：命令 %s %s 重复登记\n", c->noun, c->verb ? c->verb : "");
                return ZB_EINVAL;
            }
        }
        t->cmd[t->n++] = c;
    }
    return ZB_OK;
}

static bool noun_known(const struct cli_table *t, const char *noun)
{
    for (size_t i = 0; i < t->n; i++)
        if (strcmp(t->cmd[i]->noun, noun) == 0)
            return true;
    return false;
}

bool cli_noun_known(const struct cli_table *t, const char *noun)
{
    return noun_known(t, noun);
}

void cli_help(FILE *f, const struct cli_table *t, const char *noun)
{
    if (noun) {
        for (size_t i = 0; i < t->n; i++) {
            if (strcmp(t->cmd[i]->noun, noun) != 0)
                continue;
            cli_usage(f, t->cmd[i]);
            fprintf(f, "  %s\n\n", t->cmd[i]->summary ? t->cmd[i]->summary : "");
        }
        fputs("每个命令都可加 --config 文件 和 --as 党员编号（以这名党员的身份操作）。\n", f);
        return;
    }
    fputs("zhibu " ZHIBU_VERSION " — 支部小助手：公众号与 QQ 群里的党支部工作助手\n\n"
          "用法: zhibu 命令 [选项]\n\n命令:\n",
          f);
    for (size_t i = 0; i < t->n; i++) {
        bool first = true; /* group by noun, in the order nouns first appear */
        for (size_t k = 0; k < i && first; k++)
            first = strcmp(t->cmd[k]->noun, t->cmd[i]->noun) != 0;
        if (!first)
            continue;
        for (size_t k = i; k < t->n; k++) {
            const struct cli_command *c = t->cmd[k];
            if (strcmp(c->noun, t->cmd[i]->noun) != 0)
                continue;
            char line[256];
            snprintf(line, sizeof line, "%s%s%s%s%s", c->noun, c->verb ? " " : "",
                     c->verb ? c->verb : "", c->usage && *c->usage ? " " : "",
                     c->usage ? c->usage : "");
            help_line(f, line, c->summary);
        }
    }
    fputs("\n每个命令都可加 --config 文件。未指定时依次使用 $ZHIBU_CONFIG、config/zhibu.json、\n"
          "演示配置 config/zhibu.example.json。\n"
          "--as 党员编号（或唯一的姓名）：以这名党员的身份操作，按其职务检查权限并记入审计；\n"
          "不加时是命令行操作员。zhibu 名词 help 列出该名词的命令和选项，如 zhibu member help。\n"
          "\n"
          "党员在公众号或 QQ 里发送“绑定 绑定码”完成绑定，之后发送“我的”查看本人信息。\n",
          f);
}

/* find - the command argv names (noun, then verb as the first word after it); *skip receives
 * the words consumed. NULL when there is none (*verb_bad set when the noun exists). */
static const struct cli_command *find(const struct cli_table *t, int argc, char **argv, int *skip,
                                      bool *noun_ok)
{
    *noun_ok = noun_known(t, argv[1]);
    const struct cli_command *alone = NULL; /* the noun as a command of its own */
    for (size_t i = 0; i < t->n; i++) {
        const struct cli_command *c = t->cmd[i];
        if (strcmp(c->noun, argv[1]) != 0)
            continue;
        if (!c->verb) {
            alone = c;
            continue;
        }
        if (argc > 2 && strcmp(c->verb, argv[2]) == 0) {
            *skip = 3;
            return c;
        }
    }
    if (alone)
        *skip = 2;
    return alone;
}

static bool demo_fallback; /* no --config, $ZHIBU_CONFIG or config/zhibu.json: the demo's */

struct config *cli_load_config(const char *path)
{
    char err[1024];
    struct config *cfg = NULL;
    if (demo_fallback) { /* said once per run */
        fprintf(stderr, "提示：没有 --config，也没有 config/zhibu.json，使用演示配置 %s\n", path);
        demo_fallback = false;
    }
    if (config_load(path, &cfg, err, sizeof err)) {
        fprintf(stderr, "错误：%s\n", err);
        return NULL;
    }
    setenv("TZ", cfg->timezone, 1);
    tzset();
    struct meetings_config mc = {
        (int)cfg->meetings.checkin_before_min, (int)cfg->meetings.checkin_after_min,
        cfg->meetings.quorum_leave_shrinks, (int)cfg->meetings.lessons_per_year,
        (int)cfg->meetings.quiet_days};
    meetings_configure(&mc);
    log_set_level((enum log_level)log_parse_level(cfg->log_level));
    if (clock_configure(cfg->testing)) {
        fprintf(stderr, "错误：设置了 ZHIBU_TEST_NOW_FILE，但配置没有 \"testing\": true；"
                        "正式环境不能从文件读取时间\n");
        config_free(cfg);
        return NULL;
    }
    return cfg;
}

static struct config *loaded; /* the config of the running command, for setting() */

static const char *setting(const char *key)
{
    return loaded ? config_str(loaded, key) : NULL;
}

/* resolve_actor - --as: a member id, or a name that exactly one member has. 0 or exit status. */
static int resolve_actor(const char *as, struct actor *out)
{
    char *end;
    errno = 0;
    long long id = strtoll(as, &end, 10);
    int64_t ids[NAME_IDS];
    size_t n = 0;
    if (*as && !*end && !errno && id > 0) {
        struct member m;
        int rc = member_get(id, &m);
        if (rc == ZB_OK && m.left_at) {
            fprintf(stderr, "错误：#%s 已移出名单（--as）\n", as);
            return 1;
        }
        if (rc == ZB_OK) {
            *out = actor_member(id, "cli");
            return 0;
        }
        if (rc != ZB_ENOTFOUND) {
            fprintf(stderr, "错误：读取数据库失败（见上方日志）\n");
            return 1;
        }
        fprintf(stderr, "错误：没有编号为 %s 的党员（--as）\n", as);
        return 1;
    }
    if (member_find_name(as, -1, ids, NAME_IDS, &n)) {
        fprintf(stderr, "错误：读取数据库失败（见上方日志）\n");
        return 1;
    }
    if (n != 1) {
        fprintf(stderr,
                n ? "错误：叫“%s”的党员不止一名，请用 --as 党员编号\n"
                  : "错误：没有叫“%s”的党员（--as）\n",
                as);
        return 1;
    }
    *out = actor_member(ids[0], "cli");
    return 0;
}

int cli_main(const struct cli_table *t, int argc, char **argv)
{
    if (argc < 2) {
        cli_help(stderr, t, NULL);
        return 2;
    }
    char *alias[3] = {argv[0], NULL, NULL};
    if (strcmp(argv[1], "--version") == 0)
        alias[1] = "version";
    else if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)
        alias[1] = "help";
    if (alias[1]) {
        argv = alias;
        argc = 2;
    }
    if (argc >= 3 && strcmp(argv[2], "help") == 0 && noun_known(t, argv[1]) &&
        strcmp(argv[1], "help") != 0) {
        cli_help(stdout, t, argv[1]);
        return 0;
    }
    int skip = 0;
    bool noun_ok = false;
    const struct cli_command *cmd = find(t, argc, argv, &skip, &noun_ok);
    if (!cmd) {
        if (noun_ok && (argc < 3 || argv[2][0] == '-')) {
            fprintf(stderr, "错误：%s 后面要写做什么，可用的命令如下\n\n", argv[1]);
            cli_help(stderr, t, argv[1]);
        } else if (noun_ok) {
            fprintf(stderr, "错误：未知命令 %s %s\n\n", argv[1], argv[2]);
            cli_help(stderr, t, argv[1]);
        } else {
            fprintf(stderr, "错误：未知命令 %s\n\n", argv[1]);
            cli_help(stderr, t, NULL);
        }
        return 2;
    }
    struct cli_args *args = NULL;
    const char *config = NULL, *as = NULL;
    if (cli_parse(cmd, argc - skip, argv + skip, &args, &config, &as, stderr))
        return 2;
    struct actor actor = actor_operator();
    struct cli_ctx c = {.cmd = cmd,
                        .args = args,
                        .actor = &actor,
                        .config_path = config_resolve_path(config),
                        .out = stdout,
                        .err = stderr};
    demo_fallback = strcmp(c.config_path, CONFIG_DEMO_PATH) == 0 && (!config || !*config) &&
                    !getenv("ZHIBU_CONFIG");
    int status = 1;
    bool store = cmd->needs_store || cmd->action || as;
    curl_global_init(CURL_GLOBAL_DEFAULT);
    if (store) {
        if (!(loaded = cli_load_config(c.config_path)))
            goto done;
        /* a command speaks to a person: warnings and errors only (not "applied migration ..."
         * in English); `zhibu serve` logs at log_level, and ZHIBU_VERBOSE=1 restores it here */
        const char *verbose = getenv("ZHIBU_VERBOSE");
        if (!(verbose && *verbose && strcmp(verbose, "0") != 0) &&
            log_parse_level(loaded->log_level) < LOG_WARN)
            log_set_level(LOG_WARN);
        if (app_store_init(loaded->database, loaded->durability_power)) {
            fprintf(stderr, "错误：无法打开数据库 %s（见上方日志）\n", loaded->database);
            goto done;
        }
        if (app_study_init(loaded))
            goto done;
        c.timezone = loaded->timezone;
        c.setting = setting;
        if (app_tasks_configure(loaded))
            goto done;
    }
    if (as && (status = resolve_actor(as, &actor)) != 0)
        goto done;
    const char *refusal = NULL;
    int rc = role_can(&actor, cmd->action, 0, &refusal);
    if (rc == ZB_EDENIED) {
        fprintf(stderr, "错误：%s\n", refusal);
        status = 1;
        goto done;
    }
    if (rc) {
        fprintf(stderr, "错误：读取数据库失败（见上方日志）\n");
        status = 1;
        goto done;
    }
    status = cmd->run(&c);
done:
    if (store)
        store_close_thread();
    config_free(loaded);
    loaded = NULL;
    cli_args_free(args);
    curl_global_cleanup();
    return status;
}
