/*
 * cli.c - the members capability's CLI face: `zhibu member ...`, `zhibu branch ...` and
 * `zhibu audit` (see members.h). Each command reads its arguments, calls the domain function
 * inside one transaction (the write and its audit row commit together), and turns the result
 * or the code into Chinese for the operator.
 */
#include "handlers/members/cli.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bot/base/clock.h"
#include "bot/chat/platform.h"
#include "bot/base/buf.h"
#include "bot/base/csv.h"
#include "bot/base/xmalloc.h"
#include "bot/org/audit.h"
#include "bot/store/store.h"
#include "handlers/members/import.h"
#include "handlers/members/members.h"
#include "bot/base/textfmt.h"

#define TREE_MAX (16 << 20) /* bytes of the printed organisation tree */

static int db_failed(void)
{
    fprintf(stderr, "错误：数据库操作失败（见上方日志）\n");
    return 1;
}

/* failed - the Chinese for a domain code; the exit status (1). */
static int failed(int rc, const struct members_why *why, int64_t id)
{
    switch (rc) {
    case ZB_EDENIED:
        fprintf(stderr, "错误：%s\n", why->refusal ? why->refusal : "没有权限");
        return 1;
    case ZB_EINVAL:
        fprintf(stderr, "错误：%s\n", why->detail);
        return 1;
    case ZB_ENOTFOUND:
        fprintf(stderr, "错误：没有编号为 %lld 的党员\n", (long long)id);
        return 1;
    default:
        return db_failed();
    }
}

/* finish - commit when rc is ZB_OK, else roll back; the code after it. */
static int finish(int rc)
{
    if (rc == ZB_OK)
        return store_commit();
    store_rollback();
    return rc;
}

/* member_id - a member number from text; false (message printed) when it is not one. */
static bool member_id(const char *s, int64_t *id)
{
    char *end;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (errno || *end || v < 1) {
        fprintf(stderr, "错误：“%s”不是党员编号（member list 每行开头的数字）\n", s);
        return false;
    }
    *id = v;
    return true;
}

/* bound_text - "已绑定微信公众号、QQ" for the member's identities, "未绑定" when none. */
static int bound_text(int64_t id, char *out, size_t outsz)
{
    struct identity ids[MEMBERS_IDENTITIES_MAX];
    size_t n = 0;
    int rc = identity_list(id, ids, MEMBERS_IDENTITIES_MAX, &n);
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
    int n;     /* members printed */
    FILE *out; /* where lines go */
};

static int print_member_line(const struct members_row *r, void *arg)
{
    struct list_ctx *lc = arg;
    const struct member *m = r->m;
    char where[2 * BRANCH_PATH_MAX], roles[ROLE_TEXT_MAX], phone[24], bound[128];
    int rc;
    if ((rc = place_text(m, where, sizeof where)) || (rc = bound_text(m->id, bound, sizeof bound)))
        return rc;
    role_names(m->roles, roles, sizeof roles);
    member_mask_phone(m->phone, phone, sizeof phone);
    fprintf(lc->out, "%lld  ", (long long)m->id);
    textfmt_clean(lc->out, m->name); /* imported text: no controls, no forged lines */
    fputs("  ", lc->out);
    textfmt_clean(lc->out, where);
    if (r->code) {
        fprintf(lc->out, "  绑定码 %s  ", r->code);
    } else {
        fprintf(lc->out, "  %s  %s  ", member_status_name(m->status), roles);
        textfmt_clean(lc->out, phone[0] ? phone : "无手机号");
        fputs("  ", lc->out);
    }
    textfmt_clean(lc->out, bound);
    fputc('\n', lc->out);
    lc->n++;
    return ZB_OK;
}

static int scope_failed(int rc, const struct members_why *why)
{
    if (rc == ZB_EINVAL) {
        fprintf(stderr, "错误：%s（zhibu branch list 列出全部组织）\n", why->detail);
        return 1;
    }
    return failed(rc, why, 0);
}

static int cmd_list(struct cli_ctx *c)
{
    struct list_ctx lc = {.out = stdout};
    struct members_why why = {0};
    int rc = members_list(c->actor, cli_str(c->args, "--branch"), print_member_line, &lc, &why);
    if (rc)
        return scope_failed(rc, &why);
    if (lc.n == 0)
        printf("（没有党员。用 zhibu member import 文件.csv 导入名单）\n");
    else
        printf("共 %d 人\n", lc.n);
    return 0;
}

/* renew_code - member codes --renew ID: a fresh code for one member (the old one is public). */
static int renew_code(struct cli_ctx *c, int64_t id)
{
    char code[MEMBER_CODE_LEN + 1];
    struct member m;
    struct members_why why = {0};
    int rc = store_begin();
    if (!rc)
        rc = finish(members_code_renew(c->actor, id, code, sizeof code, &m, &why));
    if (rc)
        return failed(rc, &why, id);
    printf("已为 #%lld ", (long long)id);
    textfmt_clean(stdout, m.name);
    printf(" 换发新绑定码 %s，旧码作废\n", code);
    return 0;
}

static int cmd_codes(struct cli_ctx *c)
{
    if (cli_has(c->args, "--renew"))
        return renew_code(c, (int64_t)cli_int(c->args, "--renew", 0));
    /* Codes may be issued (a write), so this runs in a transaction; the lines are collected in
     * memory and printed after the commit, so a slow reader (a pager) never holds the lock. */
    char *text = NULL;
    size_t text_len = 0;
    FILE *mem = open_memstream(&text, &text_len);
    if (!mem)
        return db_failed();
    struct list_ctx lc = {.out = mem};
    struct members_why why = {0};
    int rc = store_begin();
    if (!rc)
        rc = finish(
            members_codes(c->actor, cli_str(c->args, "--branch"), print_member_line, &lc, &why));
    fclose(mem);
    if (rc) {
        free(text);
        return scope_failed(rc, &why);
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

#define SHOW_SAME_NAME 20 /* members listed when a name is shared */

/* show_target - the member `member show` names: a number, or a name exactly one member has.
 * When several share it they are listed (one line each) and 1 comes back; 0 with *id set. */
static int show_target(const char *word, int64_t *id)
{
    char *end;
    errno = 0;
    long long v = strtoll(word, &end, 10);
    if (!errno && !*end && end != word)
        return member_id(word, id) ? 0 : 2;
    int64_t ids[SHOW_SAME_NAME];
    size_t n = 0;
    if (member_find_name(word, -1, ids, SHOW_SAME_NAME, &n))
        return db_failed();
    if (n == 1) {
        *id = ids[0];
        return 0;
    }
    if (n == 0) {
        fprintf(stderr, "错误：没有叫“%s”的党员（zhibu member list 列出全部）\n", word);
        return 1;
    }
    fprintf(stderr, "叫“%s”的党员有 %zu 名，请用编号：\n", word, n);
    for (size_t i = 0; i < n; i++) {
        struct member m;
        char where[2 * BRANCH_PATH_MAX];
        if (member_get(ids[i], &m) || place_text(&m, where, sizeof where))
            return db_failed();
        fprintf(stderr, "  zhibu member show %lld  ", (long long)m.id);
        textfmt_clean(stderr, where);
        fputc('\n', stderr);
    }
    (void)v;
    return 1;
}

static int cmd_show(struct cli_ctx *c)
{
    int64_t id;
    int st = show_target(cli_word(c->args, 0), &id);
    if (st)
        return st;
    bool unmask = cli_has(c->args, "--unmask");
    struct members_card *card = xmalloc(sizeof *card);
    struct members_why why = {0};
    int rc = store_begin();
    if (!rc)
        rc = finish(members_show(c->actor, id, unmask, card, &why));
    int status = 0;
    if (rc) {
        status = failed(rc, &why, id);
        goto done;
    }
    const struct member *m = &card->m;
    printf("编号：%lld\n", (long long)m->id);
    if (m->left_at) {
        char when[32];
        textfmt_time(m->left_at, when, sizeof when);
        printf("状态：已移出（%s", when);
        if (m->left_reason[0]) {
            fputs("，", stdout);
            textfmt_clean(stdout, m->left_reason);
        }
        puts("）");
    }
    for (int f = 0; f < MF_COUNT; f++) {
        char v[MEMBER_SHOW_MAX];
        if (member_field_show(m, (enum member_field)f, unmask, v, sizeof v)) {
            status = db_failed();
            goto done;
        }
        printf("%s：", member_field_label((enum member_field)f));
        textfmt_block(stdout, v[0] ? v : "—", "  ");
        putchar('\n');
    }
    printf("绑定：%s\n", card->n_ids ? "" : "未绑定");
    for (size_t i = 0; i < card->n_ids; i++) {
        char shown[160];
        bool qq = strcmp(card->ids[i].platform, "onebot") == 0;
        if (qq && !unmask)
            member_mask_phone(card->ids[i].ext_id, shown, sizeof shown);
        else
            snprintf(shown, sizeof shown, "%s", card->ids[i].ext_id);
        printf("  %s  ", platform_label(card->ids[i].platform));
        textfmt_clean(stdout, shown);
        putchar('\n');
    }
done:
    free(card);
    return status;
}

static int cmd_set(struct cli_ctx *c)
{
    int64_t id;
    if (!member_id(cli_word(c->args, 0), &id))
        return 2;
    if (member_field_lookup(cli_word(c->args, 1)) < 0) {
        fprintf(stderr, "错误：不认识字段“%s”\n", cli_word(c->args, 1));
        return 2;
    }
    struct members_change ch;
    struct members_why why = {0};
    int rc = store_begin();
    if (!rc)
        rc = finish(members_set(c->actor, id, cli_word(c->args, 1), cli_word(c->args, 2),
                                cli_has(c->args, "--force") ? MEMBERS_FORCE : 0, &ch, &why));
    if (rc == ZB_EBUSY) {
        fprintf(stderr, "错误：这个手机号已登记在另一名党员名下\n");
        return 1;
    }
    if (rc == ZB_EINVAL && why.forceable) {
        fprintf(stderr, "错误：%s。确需如此请加 --force（记入审计）\n", why.detail);
        return 1;
    }
    if (rc)
        return failed(rc, &why, id);
    if (!ch.changed)
        printf("没有变化：#%lld %s 的%s已是 %s\n", (long long)id, ch.name,
               member_field_label(ch.field), ch.detail[0] ? ch.detail : "（空）");
    else
        printf("已修改 #%lld %s\n", (long long)id, ch.detail);
    return 0;
}

#define ADD_FIELDS_MAX 16 /* 字段=值 words of member add */

static int cmd_add(struct cli_ctx *c)
{
    struct members_value vals[ADD_FIELDS_MAX];
    size_t n = 0;
    char keys[ADD_FIELDS_MAX][64];
    for (size_t i = 1; i < cli_nwords(c->args); i++) {
        const char *w = cli_word(c->args, i), *eq = strchr(w, '=');
        if (!eq || eq == w || (size_t)(eq - w) >= sizeof keys[0]) {
            fprintf(stderr, "错误：“%s”应写成 字段=值，如 手机号=13900001111\n", w);
            return 2;
        }
        if (n == ADD_FIELDS_MAX) {
            fprintf(stderr, "错误：最多 %d 个字段\n", ADD_FIELDS_MAX);
            return 2;
        }
        snprintf(keys[n], sizeof keys[n], "%.*s", (int)(eq - w), w);
        if (member_field_lookup(keys[n]) < 0) {
            fprintf(stderr, "错误：不认识字段“%s”\n", keys[n]);
            return 2;
        }
        vals[n].field = keys[n];
        vals[n].value = eq + 1;
        n++;
    }
    struct member m;
    struct members_why why = {0};
    int rc = store_begin();
    if (!rc)
        rc = finish(members_add(c->actor, cli_word(c->args, 0), vals, n,
                                cli_has(c->args, "--force") ? MEMBERS_FORCE : 0, &m, &why));
    if (rc == ZB_EBUSY) {
        fprintf(stderr, "错误：这个手机号已登记在 #%lld 名下\n", (long long)why.other);
        return 1;
    }
    if (rc == ZB_EINVAL && why.forceable) {
        fprintf(stderr, "错误：%s。确需如此请加 --force（记入审计）\n", why.detail);
        return 1;
    }
    if (rc)
        return failed(rc, &why, 0);
    char where[2 * BRANCH_PATH_MAX];
    if (place_text(&m, where, sizeof where))
        return db_failed();
    printf("已新增 #%lld ", (long long)m.id);
    textfmt_clean(stdout, m.name);
    fputs("  ", stdout);
    textfmt_clean(stdout, where);
    printf("\n下一步：zhibu member codes --branch 组织 打印绑定码\n");
    return 0;
}

static int cmd_remove(struct cli_ctx *c)
{
    int64_t id;
    if (!member_id(cli_word(c->args, 0), &id))
        return 2;
    const char *reason = cli_str(c->args, "--reason");
    if (reason && strlen(reason) > MEMBER_TEXT_MAX) {
        fprintf(stderr, "错误：原因最多 %d 字节\n", MEMBER_TEXT_MAX);
        return 2;
    }
    struct member m;
    struct members_why why = {0};
    int rc = store_begin();
    if (!rc)
        rc = finish(members_remove(c->actor, id, reason, &m, &why));
    if (rc)
        return failed(rc, &why, id);
    printf("已移出名单：#%lld ", (long long)id);
    textfmt_clean(stdout, m.name);
    printf("（记录保留，可用 member show %lld 查看；已解除绑定）\n", (long long)id);
    return 0;
}

/* bind_or_unbind - member bind|unbind ID --wechat|--onebot|--qqbot X [--account A]. */
static int bind_or_unbind(struct cli_ctx *c, bool bind)
{
    int64_t id;
    if (!member_id(cli_word(c->args, 0), &id))
        return 2;
    const char *wx = cli_str(c->args, "--wechat"), *ob = cli_str(c->args, "--onebot"),
               *qb = cli_str(c->args, "--qqbot");
    if (!!wx + !!ob + !!qb != 1) {
        fprintf(stderr, "错误：请给出 --wechat OPENID、--onebot QQ号 或 --qqbot OPENID 中的一个\n");
        return 1;
    }
    struct members_who who = {.platform = wx   ? "wechat"
                                          : ob ? "onebot"
                                               : "qqbot",
                              .ext_id = wx   ? wx
                                        : ob ? ob
                                             : qb,
                              .account = cli_str(c->args, "--account"),
                              .default_account = c->setting("qqbot.app_id")};
    struct member m = {0};
    struct members_why why = {0};
    int rc = store_begin();
    if (!rc)
        rc = finish(members_bind(c->actor, id, &who, bind, &m, &why));
    if (rc == ZB_EBUSY) {
        fprintf(stderr, "错误：这个账号已绑定到另一名党员（#%lld），请先用 member unbind 解绑\n",
                (long long)why.other);
        return 1;
    }
    if (rc == ZB_ENOTFOUND && !bind && m.id == id) {
        fprintf(stderr, "错误：这个账号没有绑定到 #%lld %s\n", (long long)id, m.name);
        return 1;
    }
    if (rc)
        return failed(rc, &why, id);
    printf("已%s：#%lld %s  %s %s\n", bind ? "绑定" : "解绑", (long long)id, m.name,
           platform_label(who.platform), who.ext_id);
    return 0;
}

static int cmd_bind(struct cli_ctx *c)
{
    return bind_or_unbind(c, true);
}

static int cmd_unbind(struct cli_ctx *c)
{
    return bind_or_unbind(c, false);
}

/* open_why - why fopen failed, in the operator's words (strerror is English). */
static const char *open_why(int e)
{
    switch (e) {
    case ENOENT:
        return "文件不存在";
    case EACCES:
    case EPERM:
        return "没有读取权限";
    case EISDIR:
        return "这是一个目录，不是文件";
    case ENOTDIR:
        return "路径中有一段不是目录";
    default:
        return "打开失败";
    }
}

/* read_file - the whole file (at most CSV_MAX_FILE bytes) into *data (caller frees). */
static int read_file(const char *path, char **data, size_t *len)
{
    *data = NULL;
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "错误：无法打开 %s：%s\n", path, open_why(errno));
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

static int cmd_import(struct cli_ctx *c)
{
    const char *path = cli_word(c->args, 0);
    bool dry = cli_has(c->args, "--dry-run");
    char *data;
    size_t len;
    if (read_file(path, &data, &len))
        return 1;
    const char *base = strrchr(path, '/');
    struct import_opts o = {.dry_run = dry,
                            .create_branches = cli_has(c->args, "--create-branches"),
                            .actor = c->actor->label,
                            .channel = c->actor->channel,
                            .source_name = base ? base + 1 : path,
                            .now = clock_now()};
    struct import_report r;
    import_report_init(&r);
    int rc = member_import(data, len, &o, &r);
    int status = 0;
    if (rc == ZB_OK) {
        if (dry)
            printf("试运行（没有写入数据库），文件编码 %s：\n", charset_name(r.charset));
        fputs(buf_str(&r.text), stdout);
        printf("%s新增 %d 人，更新 %d 人，未变 %d 人，新建组织 %d 个。\n", dry ? "将会" : "完成：",
               r.added, r.updated, r.unchanged, r.branches_created);
        if (!dry && r.added)
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

/* ---- branch ---- */

static int print_node(const struct members_node *n, void *arg)
{
    struct buf *out = arg;
    char path[BRANCH_PATH_MAX + 1];
    int rc = branch_path(n->b->id, path, sizeof path);
    if (!rc)
        rc = buf_appendf(out, "%lld  %s  %s  ", (long long)n->b->id, branch_level_name(n->b->level),
                         path);
    if (!rc && (n->b->level == BRANCH_BRANCH || n->b->level == BRANCH_GROUP))
        rc = buf_appendf(out, "%d 人（正式 %d，预备 %d）\n", n->t->members, n->t->full,
                         n->probationary);
    else if (!rc)
        rc = buf_appendf(out, "共 %d 人%s\n", n->t->subtree,
                         n->sized ? "" : "（只含已导入的下级组织，不按人数提醒）");
    if (!rc && n->sized)
        rc = branch_warnings(n->b, n->t, out);
    return rc;
}

static int cmd_branch_list(struct cli_ctx *c)
{
    struct buf out;
    buf_init(&out, TREE_MAX);
    struct members_why why = {0};
    int rc = members_tree(c->actor, print_node, &out, &why);
    int status = 0;
    if (rc)
        status = failed(rc, &why, 0);
    else if (out.len == 0)
        printf("（还没有组织。用 zhibu branch add 路径 新建，或导入名单时加 --create-branches）\n");
    else
        fputs(buf_str(&out), stdout);
    buf_free(&out);
    return status;
}

static const struct cli_opt branch_add_opts[] = {
    {.name = "--kind",
     .type = CLI_STR,
     .metavar = "类别",
     .help = "party、workcomm（工委）或 orgdept（组织部）"},
    {.name = "--external", .type = CLI_FLAG, .help = "系统外的组织，只接收转入"},
    {0},
};
static const struct cli_opt branch_move_opts[] = {
    {.name = "--to", .type = CLI_STR, .metavar = "上级", .help = "新的上级组织"},
    {.name = "--root", .type = CLI_FLAG, .help = "设为顶层组织"},
    {0},
};

static int cmd_branch_add(struct cli_ctx *c)
{
    int64_t id = 0;
    int made = 0;
    char path[BRANCH_PATH_MAX + 1];
    struct members_why why = {0};
    int rc = store_begin();
    if (!rc) {
        rc = members_branch_add(c->actor, cli_word(c->args, 0), &id, &made, &why);
        if (!rc)
            rc = branch_path(id, path, sizeof path);
        rc = finish(rc);
    }
    const char *kind = cli_str(c->args, "--kind");
    int k = kind ? branch_kind_parse(kind) : -1;
    if (!rc && kind && k < 0) {
        fprintf(stderr,
                "错误：--kind 只能是 party（党组织）、workcomm（工委）或 orgdept（组织部）\n");
        return 2;
    }
    if (!rc && (kind || cli_has(c->args, "--external")) && !(rc = store_begin()))
        rc = finish(members_branch_kind(c->actor, path, k, cli_has(c->args, "--external"), &why));
    if (rc)
        return failed(rc, &why, 0);
    if (made)
        printf("已新建 %s（编号 %lld，共新建 %d 个）\n", path, (long long)id, made);
    else
        printf("已存在：%s（编号 %lld）\n", path, (long long)id);
    return 0;
}

static int cmd_branch_rename(struct cli_ctx *c)
{
    char before[BRANCH_PATH_MAX + 1], after[BRANCH_PATH_MAX + 1];
    struct members_why why = {0};
    int rc = store_begin();
    if (!rc)
        rc = finish(members_branch_rename(c->actor, cli_word(c->args, 0), cli_word(c->args, 1),
                                          before, after, &why));
    if (rc)
        return failed(rc, &why, 0);
    fputs("已改名：", stdout);
    textfmt_clean(stdout, before);
    fputs(" → ", stdout);
    textfmt_clean(stdout, after);
    putchar('\n');
    return 0;
}

static int cmd_branch_move(struct cli_ctx *c)
{
    char before[BRANCH_PATH_MAX + 1], after[BRANCH_PATH_MAX + 1];
    struct members_why why = {0};
    const char *to = cli_str(c->args, "--to");
    if (!to && !cli_has(c->args, "--root")) {
        fprintf(stderr, "错误：请用 --to 上级 指明新的上级（或 --root 设为顶层）\n");
        return 2;
    }
    int rc = store_begin();
    if (!rc)
        rc = finish(
            members_branch_move(c->actor, cli_word(c->args, 0), to ? to : "", before, after, &why));
    if (rc)
        return failed(rc, &why, 0);
    fputs("已移动：", stdout);
    textfmt_clean(stdout, before);
    fputs(" → ", stdout);
    textfmt_clean(stdout, after);
    putchar('\n');
    return 0;
}

/* ---- audit ---- */

static int cmd_audit(struct cli_ctx *c)
{
    int64_t since = 0;
    const char *since_s = cli_str(c->args, "--since");
    if (since_s) {
        char day[11];
        struct tm tm = {0};
        if (member_parse_date(since_s, day, sizeof day) ||
            sscanf(day, "%d-%d-%d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday) != 3) {
            fprintf(stderr, "错误：--since 需要日期，如 2026-11-01\n");
            return 2;
        }
        tm.tm_year -= 1900;
        tm.tm_mon -= 1;
        tm.tm_isdst = -1;
        since = (int64_t)mktime(&tm);
    }
    if (audit_print(stdout, since, cli_str(c->args, "--actor"),
                    (int)cli_int(c->args, "--limit", 200)))
        return db_failed();
    return 0;
}

static const struct cli_opt branch_opt[] = {
    {"--branch", CLI_STR, 0, 0, "组织", "只列出这个组织（路径或唯一的名字）及其下级"},
    {0},
};
static const struct cli_opt codes_opts[] = {
    {"--branch", CLI_STR, 0, 0, "组织", "只列出这个组织（路径或唯一的名字）及其下级"},
    {"--renew", CLI_INT, 1, INT64_MAX, "编号", "给这名党员换发新码，旧码作废（记入审计）"},
    {0},
};
static const struct cli_opt remove_opts[] = {
    {"--reason", CLI_STR, 0, 0, "原因", "如 转出、去世（记入历史）"},
    {0},
};
static const struct cli_opt show_opts[] = {
    {"--unmask", CLI_FLAG, 0, 0, NULL, "显示完整手机号（记入审计）"},
    {0},
};
static const struct cli_opt set_opts[] = {
    {"--force", CLI_FLAG, 0, 0, NULL, "支部已有书记时仍设为书记（记入审计）"},
    {0},
};
static const struct cli_opt bind_opts[] = {
    {"--wechat", CLI_STR, 0, 0, "OPENID", "公众号用户"},
    {"--onebot", CLI_STR, 0, 0, "QQ号", "QQ（OneBot）"},
    {"--qqbot", CLI_STR, 0, 0, "OPENID", "QQ 开放平台机器人的用户"},
    {"--account", CLI_STR, 0, 0, "账号", "公众号原始 ID 或机器人 AppID（有多个时指明）"},
    {0},
};
static const struct cli_opt import_opts_cli[] = {
    {"--dry-run", CLI_FLAG, 0, 0, NULL, "只显示将会做的修改，不写入"},
    {"--create-branches", CLI_FLAG, 0, 0, NULL, "新建文件里提到、还不存在的组织"},
    {0},
};
static const struct cli_opt audit_opts[] = {
    {"--since", CLI_STR, 0, 0, "日期", "从这一天起，如 2026-11-01"},
    {"--actor", CLI_STR, 0, 0, "编号", "只看这名党员做的"},
    {"--limit", CLI_INT, 1, 1000000, "N", "最多显示几条（默认 200）"},
    {0},
};

const struct cli_command members_cli[] = {
    {.noun = "member",
     .verb = "import",
     .usage = "文件.csv [--dry-run] [--create-branches]",
     .summary = "导入党员名单（Excel 另存的 CSV，UTF-8 或 GBK 均可）；有任何错误则一条也不写入",
     .opts = import_opts_cli,
     .min_words = 1,
     .max_words = 1,
     .action = &members_edit,
     .run = cmd_import},
    {.noun = "member",
     .verb = "list",
     .usage = "[--branch 组织]",
     .summary = "党员名单，每行以编号开头（手机号隐去中间四位）",
     .opts = branch_opt,
     .needs_store = true,
     .action = &members_view,
     .run = cmd_list},
    {.noun = "member",
     .verb = "show",
     .usage = "编号|姓名 [--unmask]",
     .summary =
         "一名党员的全部信息（可用姓名，重名时列出各人编号）；--unmask 显示完整手机号（记入审计）",
     .opts = show_opts,
     .min_words = 1,
     .max_words = 1,
     .needs_store = true,
     .action = &members_view,
     .run = cmd_show},
    {.noun = "member",
     .verb = "set",
     .usage = "编号 字段 值 [--force]",
     .opts = set_opts,
     .summary = "修改一项信息，如 member set 3 手机号 13900001111（值为空用 \"\"）。字段：姓名 "
                "手机号 支部 党小组 党员类别 人员类别 月收入 岗位 学历 职务 入党日期 预备期开始 "
                "出生年份 免于统计",
     .min_words = 3,
     .max_words = 3,
     .needs_store = true,
     .run = cmd_set},
    {.noun = "member",
     .verb = "add",
     .usage = "姓名 [字段=值 ...] [--force]",
     .summary = "新增一名党员，如 member add 李建国 支部=船闸支部 手机号=13900001111（字段同 "
                "member set；记入审计）",
     .opts = set_opts,
     .min_words = 1,
     .max_words = 1 + ADD_FIELDS_MAX,
     .needs_store = true,
     .action = &members_edit,
     .run = cmd_add},
    {.noun = "member",
     .verb = "remove",
     .usage = "编号 [--reason 原因]",
     .summary = "移出名单（记录保留在历史中，解除绑定，不再计入名单和统计；记入审计）",
     .opts = remove_opts,
     .min_words = 1,
     .max_words = 1,
     .needs_store = true,
     .action = &members_edit,
     .run = cmd_remove},
    {.noun = "member",
     .verb = "codes",
     .usage = "[--branch 组织] [--renew 编号]",
     .summary = "每名党员的一次性绑定码（6 位数字，用过即换新码）；--renew 编号 换发一人的码",
     .opts = codes_opts,
     .action = &members_edit,
     .run = cmd_codes},
    {.noun = "member",
     .verb = "bind",
     .usage = "编号 --wechat OPENID | --onebot QQ号 | --qqbot OPENID [--account 账号]",
     .summary = "手工绑定微信或 QQ",
     .opts = bind_opts,
     .min_words = 1,
     .max_words = 1,
     .action = &members_edit,
     .run = cmd_bind},
    {.noun = "member",
     .verb = "unbind",
     .usage = "编号 --wechat OPENID | --onebot QQ号 | --qqbot OPENID [--account 账号]",
     .summary = "手工解绑",
     .opts = bind_opts,
     .min_words = 1,
     .max_words = 1,
     .action = &members_edit,
     .run = cmd_unbind},
    {.noun = "branch",
     .verb = "add",
     .usage = "路径 [--kind party|workcomm|orgdept] [--external]",
     .summary =
         "新建组织，如 市交通运输局党委/船闸支部/第一党小组；--kind 工委或组织部（默认按名称），"
         "--external 系统外只接收转入的组织",
     .opts = branch_add_opts,
     .min_words = 1,
     .max_words = 1,
     .action = &members_edit,
     .run = cmd_branch_add},
    {.noun = "branch",
     .verb = "rename",
     .usage = "路径 新名字",
     .summary = "组织改名（名字结尾的级别不变），如 branch rename 船闸支部 船闸运行支部",
     .min_words = 2,
     .max_words = 2,
     .needs_store = true,
     .action = &members_edit,
     .run = cmd_branch_rename},
    {.noun = "branch",
     .verb = "move",
     .usage = "路径 --to 新上级 | --root",
     .summary = "把组织（连同下级）移到新的上级之下",
     .opts = branch_move_opts,
     .min_words = 1,
     .max_words = 1,
     .needs_store = true,
     .action = &members_edit,
     .run = cmd_branch_move},
    {.noun = "branch",
     .verb = "list",
     .summary = "组织树、各级人数和规模提醒",
     .action = &members_view,
     .run = cmd_branch_list},
    {.noun = "audit",
     .usage = "[--since 日期] [--actor 编号] [--limit N]",
     .summary = "审计记录：谁在何时、通过什么渠道做了什么",
     .opts = audit_opts,
     .action = &members_audit,
     .run = cmd_audit},
    {0},
};
