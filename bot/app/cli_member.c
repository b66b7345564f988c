/*
 * cli_member.c - `zhibu member`, `zhibu branch`, `zhibu audit` (see cli_member.h).
 *
 * A thin surface over member.h, member_import.h, branch.h, binding.h and audit.h: parse the
 * words, open the store, call the domain function inside one transaction, print the outcome.
 * Every write and its audit row are committed together.
 */
#include "bot/app/cli_member.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "bot/chat/platform.h"
#include "bot/org/audit.h"
#include "bot/org/binding.h"
#include "bot/org/branch.h"
#include "bot/app/config.h"
#include "bot/base/clock.h"
#include "bot/base/csv.h"
#include "bot/org/identity.h"
#include "bot/base/log.h"
#include "bot/org/member.h"
#include "handlers/members/import.h"
#include "bot/org/role.h"
#include "bot/store/store.h"
#include "bot/base/xmalloc.h"

#define MAX_WORDS      4  /* positional words after the subcommand */
#define MAX_IDENTITIES 16 /* identities shown per member */

const char cli_member_usage[] =
    "  member import 文件.csv [--dry-run] [--create-branches]\n"
    "                             导入党员名单（Excel 另存的 CSV，UTF-8 或 GBK 均可）；\n"
    "                             有任何错误则一条也不写入；--dry-run 只显示将会做的修改\n"
    "  member list [--branch 组织]  党员名单，每行以编号开头（手机号隐去中间四位）\n"
    "  member show 编号 [--unmask]  一名党员的全部信息；--unmask 显示完整手机号（记入审计）\n"
    "  member set 编号 字段 值       修改一项信息，如 member set 3 手机号 13900001111\n"
    "  member codes [--branch 组织] 每名党员的一次性绑定码（6 位数字，用过即换新码）\n"
    "  member bind 编号 --wechat OPENID | --onebot QQ号 | --qqbot OPENID [--account 账号]\n"
    "                             手工绑定微信或 QQ；member unbind 加同样参数为解绑\n"
    "  branch add 路径             新建组织，如 市交通运输局党委/船闸支部/第一党小组\n"
    "  branch list                组织树、各级人数和规模提醒\n"
    "  audit [--since 日期] [--actor 编号] [--limit N]\n"
    "                             审计记录：谁在何时、通过什么渠道做了什么\n";

struct args {
    const char *config;       /* --config */
    const char *branch;       /* --branch */
    const char *wechat;       /* --wechat */
    const char *onebot;       /* --onebot */
    const char *qqbot;        /* --qqbot */
    const char *account;      /* --account */
    const char *since;        /* --since */
    const char *actor;        /* --actor */
    long limit;               /* --limit, 0 = default */
    bool dry_run;             /* --dry-run */
    bool create_branches;     /* --create-branches */
    bool unmask;              /* --unmask */
    const char *w[MAX_WORDS]; /* positional words */
    int n;                    /* positional words given */
};

/* parse - options and words; false (message printed) on a mistake. */
static bool parse(int argc, char **argv, struct args *a)
{
    memset(a, 0, sizeof *a);
    for (int i = 0; i < argc; i++) {
        const char *s = argv[i];
        const char **slot = NULL;
        if (strcmp(s, "--dry-run") == 0) {
            a->dry_run = true;
            continue;
        }
        if (strcmp(s, "--create-branches") == 0) {
            a->create_branches = true;
            continue;
        }
        if (strcmp(s, "--unmask") == 0) {
            a->unmask = true;
            continue;
        }
        if (strcmp(s, "--config") == 0)
            slot = &a->config;
        else if (strcmp(s, "--branch") == 0)
            slot = &a->branch;
        else if (strcmp(s, "--wechat") == 0)
            slot = &a->wechat;
        else if (strcmp(s, "--onebot") == 0)
            slot = &a->onebot;
        else if (strcmp(s, "--qqbot") == 0)
            slot = &a->qqbot;
        else if (strcmp(s, "--account") == 0)
            slot = &a->account;
        else if (strcmp(s, "--since") == 0)
            slot = &a->since;
        else if (strcmp(s, "--actor") == 0)
            slot = &a->actor;
        if (slot || strcmp(s, "--limit") == 0) {
            if (i + 1 >= argc) {
                fprintf(stderr, "错误：%s 后面缺少取值\n", s);
                return false;
            }
            const char *v = argv[++i];
            if (slot) {
                *slot = v;
                continue;
            }
            char *end;
            errno = 0;
            a->limit = strtol(v, &end, 10);
            if (errno || *end || a->limit < 1 || a->limit > 1000000) {
                fprintf(stderr, "错误：--limit 需要 1 到 1000000 的整数\n");
                return false;
            }
            continue;
        }
        if (strncmp(s, "--", 2) == 0 && s[2]) {
            fprintf(stderr, "错误：未知选项 %s（见 zhibu help）\n", s);
            return false;
        }
        if (a->n == MAX_WORDS) {
            fprintf(stderr, "错误：多余的参数 %s\n", s);
            return false;
        }
        a->w[a->n++] = s;
    }
    return true;
}

/* open_all - config, time zone, store; NULL (message printed) on failure. Caller frees the
 * config with config_free and closes the store with store_close_thread. */
static struct config *open_all(const struct args *a)
{
    char err[512];
    struct config *cfg = NULL;
    if (config_load(config_resolve_path(a->config), &cfg, err, sizeof err)) {
        fprintf(stderr, "错误：%s\n", err);
        return NULL;
    }
    setenv("TZ", cfg->timezone, 1);
    tzset();
    log_set_level((enum log_level)log_parse_level(cfg->log_level));
    if (clock_configure(cfg->testing)) {
        fprintf(stderr, "错误：设置了 ZHIBU_TEST_NOW_FILE，但配置没有 \"testing\": true；"
                        "正式环境不能从文件读取时间\n");
        config_free(cfg);
        return NULL;
    }
    if (store_init(cfg->database, cfg->durability_power, NULL, 0)) {
        fprintf(stderr, "错误：无法打开数据库 %s（见上方日志）\n", cfg->database);
        config_free(cfg);
        return NULL;
    }
    return cfg;
}

static void close_all(struct config *cfg)
{
    store_close_thread();
    config_free(cfg);
}

static int db_failed(void)
{
    fprintf(stderr, "错误：数据库操作失败（见上方日志）\n");
    return 1;
}

/* member_id - a member number from text; false (message printed) when it is not one. */
static bool member_id(const char *s, int64_t *id)
{
    char *end;
    errno = 0;
    long long v = s ? strtoll(s, &end, 10) : 0;
    if (!s || errno || *end || v < 1) {
        fprintf(stderr, "错误：“%s”不是党员编号（member list 每行开头的数字）\n", s ? s : "");
        return false;
    }
    *id = v;
    return true;
}

/* load_member - member id into m; false (message printed) when missing. */
static bool load_member(int64_t id, struct member *m)
{
    int rc = member_get(id, m);
    if (rc == ZB_ENOTFOUND)
        fprintf(stderr, "错误：没有编号为 %lld 的党员\n", (long long)id);
    else if (rc)
        db_failed();
    return rc == ZB_OK;
}

/* scope - --branch resolved into *root (0: everyone); false (message printed) on failure. */
static bool scope(const struct args *a, int64_t *root)
{
    *root = 0;
    if (!a->branch)
        return true;
    char err[BRANCH_ERR_MAX];
    if (branch_resolve(a->branch, root, err, sizeof err)) {
        fprintf(stderr, "错误：%s（zhibu branch list 列出全部组织）\n", err);
        return false;
    }
    return true;
}

/* bound_text - "微信公众号、QQ" for the member's identities, "未绑定" when none. */
static int bound_text(int64_t id, char *out, size_t outsz)
{
    struct identity ids[MAX_IDENTITIES];
    size_t n = 0;
    int rc = identity_list(id, ids, MAX_IDENTITIES, &n);
    if (rc)
        return rc;
    size_t used = 0;
    out[0] = '\0';
    for (size_t i = 0; i < n; i++) {
        const char *label = platform_label(ids[i].platform);
        if (strstr(out, label))
            continue;
        int w = snprintf(out + used, outsz - used, "%s%s", used ? "、" : "已绑定", label);
        if (w < 0 || (size_t)w >= outsz - used)
            break;
        used += (size_t)w;
    }
    if (!used)
        snprintf(out, outsz, "未绑定");
    return ZB_OK;
}

/* place_text - "path/党小组" of a member. */
static int place_text(const struct member *m, char *out, size_t outsz)
{
    char path[BRANCH_PATH_MAX + 1], group[MEMBER_SHOW_MAX];
    int rc = member_field_show(m, MF_BRANCH, false, path, sizeof path);
    if (!rc)
        rc = member_field_show(m, MF_GROUP, false, group, sizeof group);
    if (rc)
        return rc;
    int w =
        snprintf(out, outsz, "%s%s%s", path[0] ? path : "（未填组织）", group[0] ? "/" : "", group);
    return w < 0 || (size_t)w >= outsz ? ZB_ETOOBIG : ZB_OK;
}

struct list_ctx {
    int n;      /* members printed */
    bool codes; /* print binding codes */
    FILE *out;  /* where lines go; NULL = stdout */
};

static int print_member_line(const struct member *m, void *arg)
{
    struct list_ctx *lc = arg;
    char where[2 * BRANCH_PATH_MAX], roles[ROLE_TEXT_MAX], phone[24], bound[128];
    int rc;
    if ((rc = place_text(m, where, sizeof where)) || (rc = bound_text(m->id, bound, sizeof bound)))
        return rc;
    role_names(m->roles, roles, sizeof roles);
    member_mask_phone(m->phone, phone, sizeof phone);
    if (lc->codes) {
        char code[MEMBER_CODE_LEN + 1];
        if ((rc = member_code(m->id, code, sizeof code)))
            return rc;
        fprintf(lc->out ? lc->out : stdout, "%lld  %s  %s  绑定码 %s  %s\n", (long long)m->id,
                m->name, where, code, bound);
    } else {
        printf("%lld  %s  %s  %s  %s  %s  %s\n", (long long)m->id, m->name, where,
               member_status_name(m->status), roles, phone[0] ? phone : "无手机号", bound);
    }
    lc->n++;
    return ZB_OK;
}

static int member_list(const struct args *a)
{
    int64_t root;
    if (!scope(a, &root))
        return 1;
    struct list_ctx lc = {0};
    if (member_each(root, print_member_line, &lc))
        return db_failed();
    if (lc.n == 0)
        printf("（没有党员。用 zhibu member import 文件.csv 导入名单）\n");
    else
        printf("共 %d 人\n", lc.n);
    return 0;
}

static int member_codes(const struct args *a)
{
    int64_t root;
    if (!scope(a, &root))
        return 1;
    /* Codes may be issued (a write), so this runs in a transaction; the lines are collected in
     * memory and printed after the commit, so a slow reader (a pager) never holds the lock. */
    char *text = NULL;
    size_t text_len = 0;
    FILE *mem = open_memstream(&text, &text_len);
    if (!mem)
        return db_failed();
    struct list_ctx lc = {.codes = true, .out = mem};
    char actor[AUDIT_ACTOR_MAX], detail[64];
    audit_cli_actor(actor, sizeof actor);
    if (store_begin()) {
        fclose(mem);
        free(text);
        return db_failed();
    }
    int rc = member_each(root, print_member_line, &lc);
    snprintf(detail, sizeof detail, "%d 人", lc.n);
    if (!rc)
        rc =
            audit_write(actor, "codes", a->branch ? a->branch : "全部", detail, "cli", clock_now());
    fclose(mem);
    if (rc) {
        store_rollback();
        free(text);
        return db_failed();
    }
    if (store_commit()) {
        free(text);
        return db_failed();
    }
    fwrite(text, 1, text_len, stdout);
    free(text);
    if (lc.n == 0)
        printf("（没有党员）\n");
    else
        printf("共 %d 人。请把绑定码分别交给本人：在公众号或 QQ 里发送“绑定 绑定码”即可绑定。\n",
               lc.n);
    return 0;
}

static int member_show(const struct args *a)
{
    int64_t id;
    struct member m;
    if (a->n != 2 || !member_id(a->w[1], &id)) {
        fprintf(stderr, "用法：zhibu member show 编号 [--unmask]\n");
        return 2;
    }
    if (store_begin())
        return db_failed();
    int status = 1;
    if (!load_member(id, &m))
        goto done;
    printf("编号：%lld\n", (long long)m.id);
    for (int f = 0; f < MF_COUNT; f++) {
        char v[MEMBER_SHOW_MAX];
        if (member_field_show(&m, (enum member_field)f, a->unmask, v, sizeof v)) {
            db_failed();
            goto done;
        }
        printf("%s：%s\n", member_field_label((enum member_field)f), v[0] ? v : "—");
    }
    struct identity ids[MAX_IDENTITIES];
    size_t n = 0;
    if (identity_list(id, ids, MAX_IDENTITIES, &n)) {
        db_failed();
        goto done;
    }
    printf("绑定：%s\n", n ? "" : "未绑定");
    for (size_t i = 0; i < n; i++) {
        char shown[160];
        bool qq = strcmp(ids[i].platform, "onebot") == 0;
        if (qq && !a->unmask)
            member_mask_phone(ids[i].ext_id, shown, sizeof shown);
        else
            snprintf(shown, sizeof shown, "%s", ids[i].ext_id);
        printf("  %s  %s\n", platform_label(ids[i].platform), shown);
    }
    if (a->unmask) {
        char actor[AUDIT_ACTOR_MAX], target[48];
        audit_cli_actor(actor, sizeof actor);
        snprintf(target, sizeof target, "member:%lld", (long long)id);
        if (audit_write(actor, "unmask", target, m.name, "cli", clock_now())) {
            db_failed();
            goto done;
        }
    }
    status = 0;
done:
    if (status == 0 && store_commit())
        return db_failed();
    if (status)
        store_rollback();
    return status;
}

/* set_place - MF_BRANCH / MF_GROUP of m from value; false (message printed) on failure. */
static bool set_place(struct member *m, enum member_field f, const char *value)
{
    char err[BRANCH_ERR_MAX];
    int64_t node = 0;
    struct branch b;
    if (f == MF_BRANCH) {
        if (!*value) {
            m->branch_id = m->group_id = 0;
            return true;
        }
        if (branch_resolve(value, &node, err, sizeof err) || branch_get(node, &b)) {
            fprintf(stderr, "错误：%s\n", err);
            return false;
        }
        if (b.level == BRANCH_GROUP) {
            m->branch_id = b.parent_id;
            m->group_id = b.id;
        } else if (node != m->branch_id) {
            m->branch_id = node;
            m->group_id = 0;
        }
        return true;
    }
    if (!*value) {
        m->group_id = 0;
        return true;
    }
    char path[BRANCH_PATH_MAX + 1], full[2 * BRANCH_PATH_MAX + 4];
    if (!m->branch_id) {
        fprintf(stderr, "错误：这名党员还没有所在支部，请先设置 支部\n");
        return false;
    }
    if (branch_path(m->branch_id, path, sizeof path))
        return false;
    snprintf(full, sizeof full, "%s/%s", path, value);
    if (branch_resolve(full, &node, err, sizeof err) || branch_get(node, &b)) {
        fprintf(stderr, "错误：%s\n", err);
        return false;
    }
    if (b.level != BRANCH_GROUP || b.parent_id != m->branch_id) {
        fprintf(stderr, "错误：“%s”不是这名党员所在支部的党小组\n", value);
        return false;
    }
    m->group_id = node;
    return true;
}

static int member_set(const struct args *a)
{
    int64_t id;
    if (a->n != 4 || !member_id(a->w[1], &id)) {
        fprintf(stderr, "用法：zhibu member set 编号 字段 值（值为空用 \"\"）\n"
                        "字段：姓名 手机号 支部 党小组 党员类别 人员类别 月收入 岗位 学历 职务 "
                        "入党日期 预备期开始 出生年份 免于统计\n");
        return 2;
    }
    int f = member_field_lookup(a->w[2]);
    if (f < 0) {
        fprintf(stderr, "错误：不认识字段“%s”\n", a->w[2]);
        return 2;
    }
    struct member old, m;
    char err[MEMBER_ERR_MAX];
    if (store_begin())
        return db_failed();
    int status = 1;
    if (!load_member(id, &old))
        goto done;
    m = old;
    if (f == MF_BRANCH || f == MF_GROUP) {
        if (!set_place(&m, (enum member_field)f, a->w[3]))
            goto done;
    } else if (member_field_set(&m, (enum member_field)f, a->w[3], err, sizeof err) ||
               member_check(&m, err, sizeof err)) {
        fprintf(stderr, "错误：%s\n", err);
        goto done;
    }
    char before[MEMBER_SHOW_MAX], after[MEMBER_SHOW_MAX];
    if (member_field_show(&old, (enum member_field)f, false, before, sizeof before) ||
        member_field_show(&m, (enum member_field)f, false, after, sizeof after)) {
        db_failed();
        goto done;
    }
    int rc = member_update(&m, clock_now());
    if (rc == ZB_EBUSY) {
        fprintf(stderr, "错误：这个手机号已登记在另一名党员名下\n");
        goto done;
    }
    char actor[AUDIT_ACTOR_MAX], target[48], detail[2 * MEMBER_SHOW_MAX + 160];
    audit_cli_actor(actor, sizeof actor);
    snprintf(target, sizeof target, "member:%lld", (long long)id);
    snprintf(detail, sizeof detail, "%s：%s %s → %s", m.name, member_field_label(f),
             before[0] ? before : "（空）", after[0] ? after : "（空）");
    if (rc ||
        audit_write(actor, f == MF_ROLES ? "role" : "set", target, detail, "cli", clock_now())) {
        db_failed();
        goto done;
    }
    printf("已修改 #%lld %s\n", (long long)id, detail);
    status = 0;
done:
    if (status == 0 && store_commit())
        return db_failed();
    if (status)
        store_rollback();
    return status;
}

/*
 * who_of - the identity --wechat/--onebot/--qqbot names, its account resolved: an identity seen
 * before keeps its account; else --account; else the one account seen on that platform; else ""
 * for QQ numbers and the configured app id for the QQ bot. false (message printed) on failure.
 */
static bool who_of(const struct args *a, const struct config *cfg, struct bind_who *w,
                   char *account, size_t accountsz)
{
    int given = !!a->wechat + !!a->onebot + !!a->qqbot;
    if (given != 1) {
        fprintf(stderr, "错误：请给出 --wechat OPENID、--onebot QQ号 或 --qqbot OPENID 中的一个\n");
        return false;
    }
    w->platform = a->wechat ? "wechat" : a->onebot ? "onebot" : "qqbot";
    w->ext_id = a->wechat ? a->wechat : a->onebot ? a->onebot : a->qqbot;
    if (!*w->ext_id || strlen(w->ext_id) > 127) {
        fprintf(stderr, "错误：账号不能为空，也不能超过 127 个字符\n");
        return false;
    }
    if (a->onebot)
        for (const char *p = w->ext_id; *p; p++)
            if (*p < '0' || *p > '9') {
                fprintf(stderr, "错误：QQ 号只能是数字\n");
                return false;
            }
    w->account = account;
    if (a->account) {
        snprintf(account, accountsz, "%s", a->account);
        return true;
    }
    struct identity seen[2];
    size_t n = 0;
    if (identity_lookup(w->platform, w->ext_id, seen, 2, &n)) {
        db_failed();
        return false;
    }
    if (n == 1) {
        snprintf(account, accountsz, "%s", seen[0].account);
        return true;
    }
    if (n > 1) {
        fprintf(stderr, "错误：这个账号出现在多个公众号或机器人下，请用 --account 指明\n");
        return false;
    }
    int count = 0;
    if (identity_accounts(w->platform, account, accountsz, &count)) {
        db_failed();
        return false;
    }
    if (count == 1)
        return true;
    if (a->wechat) {
        fprintf(stderr, "错误：还不知道公众号的原始 ID（gh_ 开头），请用 --account 指明\n");
        return false;
    }
    snprintf(account, accountsz, "%s", a->qqbot ? cfg->qqbot.app_id : "");
    return true;
}

static int member_bind(const struct args *a, const struct config *cfg, bool bind)
{
    int64_t id;
    if (a->n != 2 || !member_id(a->w[1], &id)) {
        fprintf(stderr,
                "用法：zhibu member %s 编号 --wechat OPENID | --onebot QQ号 | --qqbot "
                "OPENID [--account 账号]\n",
                bind ? "bind" : "unbind");
        return 2;
    }
    struct bind_who w;
    char account[128];
    struct member m;
    char actor[AUDIT_ACTOR_MAX];
    audit_cli_actor(actor, sizeof actor);
    if (store_begin())
        return db_failed();
    int status = 1;
    if (!load_member(id, &m) || !who_of(a, cfg, &w, account, sizeof account))
        goto done;
    int64_t owner = 0;
    if (identity_owner(w.platform, w.account, w.ext_id, &owner)) {
        db_failed();
        goto done;
    }
    if (!bind && owner != id) {
        fprintf(stderr, "错误：这个账号没有绑定到 #%lld %s\n", (long long)id, m.name);
        goto done;
    }
    int rc = binding_by_hand(&w, bind ? id : 0, actor, "cli", clock_now());
    if (rc == ZB_EBUSY) {
        fprintf(stderr, "错误：这个账号已绑定到另一名党员（#%lld），请先用 member unbind 解绑\n",
                (long long)owner);
        goto done;
    }
    if (rc) {
        db_failed();
        goto done;
    }
    printf("已%s：#%lld %s  %s %s\n", bind ? "绑定" : "解绑", (long long)id, m.name,
           platform_label(w.platform), w.ext_id);
    status = 0;
done:
    if (status == 0 && store_commit())
        return db_failed();
    if (status)
        store_rollback();
    return status;
}

/* read_file - the whole file (at most CSV_MAX_FILE bytes) into *data (caller frees). */
static int read_file(const char *path, char **data, size_t *len)
{
    *data = NULL;
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "错误：无法打开 %s：%s\n", path, strerror(errno));
        return 1;
    }
    char *buf = xmalloc((size_t)CSV_MAX_FILE + 1);
    size_t n = fread(buf, 1, (size_t)CSV_MAX_FILE + 1, f);
    int bad = ferror(f);
    fclose(f);
    if (bad) {
        fprintf(stderr, "错误：读取 %s 失败\n", path);
        free(buf);
        return 1;
    }
    if (n > (size_t)CSV_MAX_FILE) {
        fprintf(stderr, "错误：%s 太大（最多 %d MB）\n", path, CSV_MAX_FILE >> 20);
        free(buf);
        return 1;
    }
    *data = buf;
    *len = n;
    return 0;
}

static int member_import_cmd(const struct args *a)
{
    if (a->n != 2) {
        fprintf(stderr, "用法：zhibu member import 文件.csv [--dry-run] [--create-branches]\n");
        return 2;
    }
    char *data;
    size_t len;
    if (read_file(a->w[1], &data, &len))
        return 1;
    char actor[AUDIT_ACTOR_MAX];
    audit_cli_actor(actor, sizeof actor);
    const char *base = strrchr(a->w[1], '/');
    struct import_opts o = {.dry_run = a->dry_run,
                            .create_branches = a->create_branches,
                            .actor = actor,
                            .channel = "cli",
                            .source_name = base ? base + 1 : a->w[1],
                            .now = clock_now()};
    struct import_report r;
    import_report_init(&r);
    int rc = member_import(data, len, &o, &r);
    int status = 0;
    if (rc == ZB_OK) {
        if (a->dry_run)
            printf("试运行（没有写入数据库），文件编码 %s：\n", charset_name(r.charset));
        fputs(buf_str(&r.text), stdout);
        printf("%s新增 %d 人，更新 %d 人，未变 %d 人，新建组织 %d 个。\n",
               a->dry_run ? "将会" : "完成：", r.added, r.updated, r.unchanged, r.branches_created);
        if (!a->dry_run && r.added)
            printf("下一步：zhibu member codes 打印绑定码，交给党员本人绑定。\n");
    } else if (rc == ZB_EDB) {
        status = db_failed();
    } else {
        fprintf(stderr, "导入失败，没有写入任何数据。发现 %d 个问题：\n%s", r.problems,
                buf_str(&r.text));
        status = 1;
    }
    import_report_free(&r);
    free(data);
    return status;
}

int cli_member(int argc, char **argv)
{
    struct args a;
    if (!parse(argc, argv, &a))
        return 2;
    const char *sub = a.n ? a.w[0] : "";
    static const char *const subs[] = {"list", "show", "set", "codes", "bind", "unbind", "import"};
    bool known = false;
    for (size_t i = 0; i < sizeof subs / sizeof subs[0]; i++)
        known = known || strcmp(sub, subs[i]) == 0;
    if (!known) {
        fprintf(stderr, "用法：\n%s", cli_member_usage);
        return 2;
    }
    struct config *cfg = open_all(&a);
    if (!cfg)
        return 1;
    int status;
    if (strcmp(sub, "list") == 0)
        status = member_list(&a);
    else if (strcmp(sub, "show") == 0)
        status = member_show(&a);
    else if (strcmp(sub, "set") == 0)
        status = member_set(&a);
    else if (strcmp(sub, "codes") == 0)
        status = member_codes(&a);
    else if (strcmp(sub, "bind") == 0 || strcmp(sub, "unbind") == 0)
        status = member_bind(&a, cfg, strcmp(sub, "bind") == 0);
    else
        status = member_import_cmd(&a);
    close_all(cfg);
    return status;
}

/* ---- branch ---- */

struct tally_ctx {
    struct branch *b;       /* every node */
    size_t n;               /* nodes */
    struct branch_tally *t; /* per node */
    int *probationary;      /* per node, of members */
};

static ssize_t index_of(const struct tally_ctx *tc, int64_t id)
{
    for (size_t i = 0; i < tc->n; i++)
        if (tc->b[i].id == id)
            return (ssize_t)i;
    return -1;
}

static int tally_member(const struct member *m, void *arg)
{
    struct tally_ctx *tc = arg;
    int64_t own[2] = {m->branch_id, m->group_id};
    for (int k = 0; k < 2; k++) {
        ssize_t i = own[k] ? index_of(tc, own[k]) : -1;
        if (i < 0)
            continue;
        tc->t[i].members++;
        if (m->status == STATUS_FULL)
            tc->t[i].full++;
        else
            tc->probationary[i]++;
        if (k == 0 && (m->roles & (ROLE_ORGANIZER | ROLE_PUBLICITY | ROLE_DISCIPLINE)))
            tc->t[i].committee_posts = true;
    }
    /* every ancestor of the member's organisation (itself included) counts them once */
    int64_t at = m->branch_id;
    for (int depth = 0; at && depth <= BRANCH_DEPTH_MAX; depth++) {
        ssize_t i = index_of(tc, at);
        if (i < 0)
            break;
        tc->t[i].subtree++;
        at = tc->b[i].parent_id;
    }
    return ZB_OK;
}

/* print_tree - node i and its children, depth first. */
static int print_tree(const struct tally_ctx *tc, size_t i, int depth, struct buf *out)
{
    if (depth > BRANCH_DEPTH_MAX)
        return ZB_OK;
    char path[BRANCH_PATH_MAX + 1];
    int rc = branch_path(tc->b[i].id, path, sizeof path);
    if (rc)
        return rc;
    const struct branch_tally *t = &tc->t[i];
    rc = buf_appendf(out, "%lld  %s  %s  ", (long long)tc->b[i].id,
                     branch_level_name(tc->b[i].level), path);
    if (!rc && (tc->b[i].level == BRANCH_BRANCH || tc->b[i].level == BRANCH_GROUP))
        rc = buf_appendf(out, "%d 人（正式 %d，预备 %d）\n", t->members, t->full,
                         tc->probationary[i]);
    else if (!rc)
        rc = buf_appendf(out, "共 %d 人\n", t->subtree);
    if (!rc)
        rc = branch_warnings(&tc->b[i], t, out);
    for (size_t k = 0; !rc && k < tc->n; k++)
        if (tc->b[k].parent_id == tc->b[i].id)
            rc = print_tree(tc, k, depth + 1, out);
    return rc;
}

static int branch_list(void)
{
    struct tally_ctx tc = {0};
    struct buf out;
    buf_init(&out, 16 << 20);
    int status = 1;
    if (branch_all(&tc.b, &tc.n)) {
        db_failed();
        goto done;
    }
    if (tc.n == 0) {
        printf("（还没有组织。用 zhibu branch add 路径 新建，或导入名单时加 --create-branches）\n");
        status = 0;
        goto done;
    }
    tc.t = xcalloc(tc.n, sizeof *tc.t);
    tc.probationary = xcalloc(tc.n, sizeof *tc.probationary);
    if (member_each(0, tally_member, &tc)) {
        db_failed();
        goto done;
    }
    for (size_t i = 0; i < tc.n; i++) {
        if (tc.b[i].parent_id && index_of(&tc, tc.b[i].parent_id) >= 0)
            continue;
        if (print_tree(&tc, i, 0, &out)) {
            db_failed();
            goto done;
        }
    }
    fputs(buf_str(&out), stdout);
    status = 0;
done:
    buf_free(&out);
    free(tc.b);
    free(tc.t);
    free(tc.probationary);
    return status;
}

static int branch_add_cmd(const struct args *a)
{
    if (a->n != 2) {
        fprintf(stderr, "用法：zhibu branch add 路径（如 市交通运输局党委/船闸支部）\n");
        return 2;
    }
    char err[BRANCH_ERR_MAX], path[BRANCH_PATH_MAX + 1], actor[AUDIT_ACTOR_MAX], target[48];
    int64_t id = 0, now = clock_now();
    int made = 0;
    audit_cli_actor(actor, sizeof actor);
    if (store_begin())
        return db_failed();
    int rc = branch_add(a->w[1], now, &id, &made, err, sizeof err);
    if (rc == ZB_EINVAL) {
        store_rollback();
        fprintf(stderr, "错误：%s\n", err);
        return 1;
    }
    if (!rc)
        rc = branch_path(id, path, sizeof path);
    snprintf(target, sizeof target, "branch:%lld", (long long)id);
    if (!rc && made)
        rc = audit_write(actor, "branch_add", target, path, "cli", now);
    if (rc) {
        store_rollback();
        return db_failed();
    }
    if (store_commit())
        return db_failed();
    if (made)
        printf("已新建 %s（编号 %lld，共新建 %d 个）\n", path, (long long)id, made);
    else
        printf("已存在：%s（编号 %lld）\n", path, (long long)id);
    return 0;
}

int cli_branch(int argc, char **argv)
{
    struct args a;
    if (!parse(argc, argv, &a))
        return 2;
    const char *sub = a.n ? a.w[0] : "";
    if (strcmp(sub, "add") != 0 && strcmp(sub, "list") != 0) {
        fprintf(stderr, "用法：zhibu branch add 路径 | zhibu branch list\n");
        return 2;
    }
    struct config *cfg = open_all(&a);
    if (!cfg)
        return 1;
    int status = strcmp(sub, "add") == 0 ? branch_add_cmd(&a) : branch_list();
    close_all(cfg);
    return status;
}

/* ---- audit ---- */

int cli_audit(int argc, char **argv)
{
    struct args a;
    if (!parse(argc, argv, &a))
        return 2;
    if (a.n) {
        fprintf(stderr, "用法：zhibu audit [--since 日期] [--actor 编号] [--limit N]\n");
        return 2;
    }
    struct config *cfg = open_all(&a);
    if (!cfg)
        return 1;
    int64_t since = 0;
    int status = 0;
    if (a.since) {
        char day[11];
        struct tm tm = {0};
        if (member_parse_date(a.since, day, sizeof day) ||
            sscanf(day, "%d-%d-%d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday) != 3) {
            fprintf(stderr, "错误：--since 需要日期，如 2026-11-01\n");
            close_all(cfg);
            return 2;
        }
        tm.tm_year -= 1900;
        tm.tm_mon -= 1;
        tm.tm_isdst = -1;
        since = (int64_t)mktime(&tm);
    }
    if (audit_print(stdout, since, a.actor, a.limit ? (int)a.limit : 200))
        status = db_failed();
    close_all(cfg);
    return status;
}
