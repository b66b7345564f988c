/*
 * parse.c - reading a question bank (JSON or a spreadsheet's CSV) and a member's answer; no
 * database here, so the fuzz drivers run these alone. Every problem of a file is collected with
 * its line (CSV) or item (JSON) and field; the caller imports nothing when there is one.
 */
#include <cjson/cJSON.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bot/base/charset.h"
#include "bot/base/csv.h"
#include "bot/base/xmalloc.h"
#include "handlers/quiz/quiz.h"

#define REPORT_MAX 8192 /* bytes of a problem report */

static const char *const kind_names[] = {"单选", "多选", "判断"};

const char *quiz_kind_name(enum quiz_kind k)
{
    return (unsigned)k < 3 ? kind_names[k] : "?";
}

static void problem(struct quiz_bank *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void problem(struct quiz_bank *b, const char *fmt, ...)
{
    b->problems++;
    if (b->problems > QUIZ_PROBLEMS_MAX)
        return;
    va_list ap;
    va_start(ap, fmt);
    int rc = buf_vappendf(&b->report, fmt, ap);
    if (rc == ZB_OK)
        rc = buf_appendz(&b->report, "\n");
    (void)rc; /* past the report's cap the line is dropped; the count above stays right */
    va_end(ap);
}

static void bank_init(struct quiz_bank *b)
{
    memset(b, 0, sizeof *b);
    buf_init(&b->report, REPORT_MAX);
}

void quiz_bank_free(struct quiz_bank *b)
{
    free(b->q);
    b->q = NULL;
    b->n = 0;
    buf_free(&b->report);
}

/* kind_parse - a type word in English or Chinese; -1 when unknown. */
static int kind_parse(const char *s)
{
    static const struct {
        const char *w;
        enum quiz_kind k;
    } words[] = {
        {"single", QUIZ_SINGLE},       {"单选", QUIZ_SINGLE},     {"单选题", QUIZ_SINGLE},
        {"multiple", QUIZ_MULTIPLE},   {"多选", QUIZ_MULTIPLE},   {"多选题", QUIZ_MULTIPLE},
        {"truefalse", QUIZ_TRUEFALSE}, {"judge", QUIZ_TRUEFALSE}, {"判断", QUIZ_TRUEFALSE},
        {"判断题", QUIZ_TRUEFALSE},
    };
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
        if (strcmp(s, words[i].w) == 0)
            return (int)words[i].k;
    return -1;
}

/* copy - s into dst (cap bytes + NUL); false when too long. */
static bool copy(char *dst, size_t cap, const char *s)
{
    size_t n = strlen(s);
    if (n > cap)
        return false;
    memcpy(dst, s, n + 1);
    return true;
}

/* trimmed - s without surrounding ASCII spaces, into a static-free copy inside dst. */
static const char *trim(char *s)
{
    while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')
        s++;
    size_t n = strlen(s);
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r' || s[n - 1] == '\n'))
        s[--n] = '\0';
    return s;
}

/* bool_word - 1 for a "true" word, 0 for a "false" word, -1 otherwise. */
static int bool_word(const char *s)
{
    static const char *const yes[] = {"对", "是", "正确", "√", "✓", "✔", "true", "t", "y", NULL};
    static const char *const no[] = {"错", "否",    "错误", "×", "✗", "✘",
                                     "x",  "false", "f",    "n", NULL};
    for (size_t i = 0; yes[i]; i++)
        if (strcmp(s, yes[i]) == 0)
            return 1;
    for (size_t i = 0; no[i]; i++)
        if (strcmp(s, no[i]) == 0)
            return 0;
    return -1;
}

/* starts_sep - bytes of a separator at p (space, comma, 、, ，, ；, /), 0 when none. */
static size_t sep_len(const char *p)
{
    if (*p == ' ' || *p == ',' || *p == ';' || *p == '/' || *p == '\t')
        return 1;
    static const char *const wide[] = {"、", "，", "；", "　", NULL};
    for (size_t i = 0; wide[i]; i++)
        if (strncmp(p, wide[i], strlen(wide[i])) == 0)
            return strlen(wide[i]);
    return 0;
}

/* stem - 0..7 for the ordinal stems 甲 乙 丙 丁 戊 己 庚 辛 at p (how Chinese exam papers
 * label options, so older members answer 甲 for A), -1 otherwise. */
static int stem(const char *p)
{
    static const char *const stems[] = {"甲", "乙", "丙", "丁", "戊", "己", "庚", "辛"};
    for (int i = 0; i < (int)(sizeof stems / sizeof stems[0]); i++)
        if (strncmp(p, stems[i], strlen(stems[i])) == 0)
            return i;
    return -1;
}

/*
 * letters - text as a set of option letters (A.., a.., full-width Ａ/ａ, digits 1..9 as A..,
 * 甲 乙 丙 丁 ... as A..) within n options, sorted, into out. false when anything else is there
 * or nothing is.
 */
static bool letters(const char *text, size_t n, char out[QUIZ_OPTIONS_MAX + 1])
{
    bool seen[QUIZ_OPTIONS_MAX] = {false};
    size_t count = 0;
    for (const char *p = text; *p;) {
        size_t s = sep_len(p);
        if (s) {
            p += s;
            continue;
        }
        int idx = -1;
        unsigned char c = (unsigned char)*p;
        if (c >= 'A' && c <= 'Z')
            idx = c - 'A', p++;
        else if (c >= 'a' && c <= 'z')
            idx = c - 'a', p++;
        else if (c >= '1' && c <= '9')
            idx = c - '1', p++;
        else if (c == 0xEF && (unsigned char)p[1] == 0xBC && (unsigned char)p[2] >= 0xA1 &&
                 (unsigned char)p[2] <= 0xBA) /* Ａ..Ｚ */
            idx = (unsigned char)p[2] - 0xA1, p += 3;
        else if (c == 0xEF && (unsigned char)p[1] == 0xBD && (unsigned char)p[2] >= 0x81 &&
                 (unsigned char)p[2] <= 0x9A) /* ａ..ｚ */
            idx = (unsigned char)p[2] - 0x81, p += 3;
        else if (c == 0xEF && (unsigned char)p[1] == 0xBC && (unsigned char)p[2] >= 0x91 &&
                 (unsigned char)p[2] <= 0x99) /* １..９ */
            idx = (unsigned char)p[2] - 0x91, p += 3;
        else if ((idx = stem(p)) >= 0)
            p += strlen("甲");
        else
            return false;
        if (idx < 0 || (size_t)idx >= n)
            return false;
        if (!seen[idx])
            count++;
        seen[idx] = true;
    }
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (seen[i])
            out[k++] = (char)('A' + i);
    out[k] = '\0';
    return count > 0;
}

int quiz_parse_answer(const struct quiz_question *q, const char *text,
                      char out[QUIZ_OPTIONS_MAX + 1])
{
    char tmp[64];
    if (!text || strlen(text) >= sizeof tmp)
        return ZB_EINVAL;
    memcpy(tmp, text, strlen(text) + 1);
    const char *t = trim(tmp);
    /* a trailing full stop or 。 some members type */
    size_t len = strlen(t);
    if (len >= 3 && strcmp(t + len - 3, "。") == 0)
        tmp[(size_t)(t - tmp) + len - 3] = '\0';
    else if (len >= 1 && t[len - 1] == '.')
        tmp[(size_t)(t - tmp) + len - 1] = '\0';
    /* "选A", "我选 B", "答案是：C": the words members put before the letter */
    static const char *const lead[] = {"我选", "选择", "答案是", "答案", "选", NULL};
    for (const char *const *w = lead; *w; w++)
        if (strncmp(t, *w, strlen(*w)) == 0 && t[strlen(*w)]) {
            t += strlen(*w);
            while (*t == ' ' || *t == ':')
                t++;
            if (strncmp(t, "：", strlen("：")) == 0)
                t += strlen("：");
            break;
        }
    if (q->kind == QUIZ_TRUEFALSE) {
        int v = bool_word(t);
        if (v < 0) {
            char lower[64];
            size_t i = 0;
            for (; t[i] && i + 1 < sizeof lower; i++)
                lower[i] = (char)(t[i] >= 'A' && t[i] <= 'Z' ? t[i] + 32 : t[i]);
            lower[i] = '\0';
            v = bool_word(lower);
        }
        if (v >= 0) {
            out[0] = v ? 'A' : 'B';
            out[1] = '\0';
            return ZB_OK;
        }
    }
    if (!letters(t, q->n_options, out))
        return ZB_EINVAL;
    if (q->kind != QUIZ_MULTIPLE && strlen(out) != 1)
        return ZB_EINVAL;
    return ZB_OK;
}

/* check - the rules every question must pass; where names it ("第 3 行" / "第 3 题"). */
static void check(struct quiz_bank *b, const struct quiz_question *q, const char *where)
{
    if (!q->ext_id[0])
        problem(b, "%s：字段 id 为空", where);
    if (!q->text[0])
        problem(b, "%s：字段 question（题目）为空", where);
    if (q->n_options < 2)
        problem(b, "%s：字段 options 至少要有两个选项", where);
    for (size_t i = 0; i < q->n_options; i++)
        if (!q->options[i][0])
            problem(b, "%s：选项 %c 为空", where, (char)('A' + i));
    /* an empty or unknown answer was named once by set_answer */
    if (!q->answer[0])
        ;
    else if (q->kind != QUIZ_MULTIPLE && strlen(q->answer) != 1)
        problem(b, "%s：字段 answer：%s题只能有一个答案", where, quiz_kind_name(q->kind));
    else if (q->kind == QUIZ_MULTIPLE && strlen(q->answer) < 2)
        problem(b, "%s：字段 answer：多选题至少要有两个答案", where);
    for (size_t i = 0; i < b->n; i++)
        if (q->ext_id[0] && strcmp(b->q[i].ext_id, q->ext_id) == 0) {
            problem(b, "%s：字段 id：编号 %s 重复", where, q->ext_id);
            break;
        }
}

/* set_answer - the answer word(s) of q into q->answer ("" with one problem when empty or not an
 * option). */
static void set_answer(struct quiz_bank *b, struct quiz_question *q, const char *ans,
                       const char *where)
{
    q->answer[0] = '\0';
    if (q->kind == QUIZ_TRUEFALSE) {
        int v = bool_word(ans);
        if (v >= 0) {
            snprintf(q->answer, sizeof q->answer, "%s", v ? "A" : "B");
            return;
        }
    }
    /* the text of an option itself */
    for (size_t i = 0; i < q->n_options; i++)
        if (q->options[i][0] && strcmp(ans, q->options[i]) == 0 && strlen(ans) > 1) {
            q->answer[0] = (char)('A' + i);
            q->answer[1] = '\0';
            return;
        }
    char out[QUIZ_OPTIONS_MAX + 1];
    if (*ans && letters(ans, q->n_options, out))
        memcpy(q->answer, out, sizeof out);
    else if (*ans)
        problem(b, "%s：字段 answer：“%.40s”不在选项中", where, ans);
    else
        problem(b, "%s：字段 answer（答案）为空", where);
}

static void tf_options(struct quiz_question *q)
{
    q->n_options = 2;
    snprintf(q->options[0], sizeof q->options[0], "对");
    snprintf(q->options[1], sizeof q->options[1], "错");
}

/* field - copy s into dst with its cap, a problem when too long. */
static void field(struct quiz_bank *b, char *dst, size_t cap, const char *s, const char *where,
                  const char *name)
{
    if (!copy(dst, cap, s)) {
        problem(b, "%s：字段 %s 太长（最多 %zu 字节）", where, name, cap);
        dst[0] = '\0';
    }
}

/* json_text - a JSON string, number or array of strings (joined by sep) into out. */
static void json_text(const cJSON *j, char *out, size_t outsz, const char *sep)
{
    out[0] = '\0';
    if (cJSON_IsString(j)) {
        snprintf(out, outsz, "%s", j->valuestring);
    } else if (cJSON_IsNumber(j)) {
        snprintf(out, outsz, "%lld", (long long)j->valuedouble);
    } else if (cJSON_IsBool(j)) {
        snprintf(out, outsz, "%s", cJSON_IsTrue(j) ? "true" : "false");
    } else if (cJSON_IsArray(j)) {
        size_t len = 0;
        const cJSON *e;
        cJSON_ArrayForEach(e, j)
        {
            if (!cJSON_IsString(e))
                continue;
            int w = snprintf(out + len, outsz - len, "%s%s", len ? sep : "", e->valuestring);
            if (w < 0 || (size_t)w >= outsz - len)
                break;
            len += (size_t)w;
        }
    }
}

int quiz_parse_json(const char *data, size_t len, struct quiz_bank *b)
{
    bank_init(b);
    if (len > QUIZ_FILE_MAX) {
        problem(b, "文件太大（最多 %d 字节）", QUIZ_FILE_MAX);
        return ZB_ETOOBIG;
    }
    if (!charset_json_text_ok(data, len)) {
        problem(b, "文件不是有效的 UTF-8 JSON");
        return ZB_EPARSE;
    }
    const char *stop = NULL;
    cJSON *root = cJSON_ParseWithLengthOpts(data, len, &stop, 0);
    if (!root) {
        /* name the line where the parser stopped: an editor fixing a trailing comma needs it */
        int line = 1;
        for (const char *p = data; stop && p < stop && p < data + len; p++)
            line += *p == '\n';
        problem(b, "第 %d 行附近：JSON 格式错误（常见原因：多余的逗号，缺少引号、逗号或括号）",
                line);
        return ZB_EPARSE;
    }
    const cJSON *arr =
        cJSON_IsArray(root) ? root : cJSON_GetObjectItemCaseSensitive(root, "questions");
    int rc = ZB_OK;
    if (!cJSON_IsArray(arr)) {
        problem(b, "应为题目数组，或含 questions 数组的对象");
        rc = ZB_EPARSE;
        goto done;
    }
    int count = cJSON_GetArraySize(arr);
    if (count > QUIZ_BANK_MAX) {
        problem(b, "题目太多（一次最多 %d 题）", QUIZ_BANK_MAX);
        rc = ZB_ETOOBIG;
        goto done;
    }
    b->q = xcalloc((size_t)count + 1, sizeof *b->q);
    int i = 0;
    const cJSON *it;
    cJSON_ArrayForEach(it, arr)
    {
        char where[96];
        i++;
        struct quiz_question *q = &b->q[b->n];
        memset(q, 0, sizeof *q);
        const cJSON *id = cJSON_GetObjectItemCaseSensitive(it, "id");
        char idtxt[QUIZ_ID_MAX + 8] = "";
        json_text(id, idtxt, sizeof idtxt, "");
        snprintf(where, sizeof where, "第 %d 题（id=%.40s）", i, idtxt);
        if (!cJSON_IsObject(it)) {
            problem(b, "%s：应为对象", where);
            continue;
        }
        field(b, q->ext_id, QUIZ_ID_MAX, idtxt, where, "id");
        char tmp[QUIZ_EXPLAIN_MAX + 16];
        json_text(cJSON_GetObjectItemCaseSensitive(it, "type"), tmp, sizeof tmp, "");
        int k = kind_parse(tmp);
        if (k < 0) {
            problem(b, "%s：字段 type：“%.20s”应为 single、multiple 或 truefalse", where, tmp);
            k = QUIZ_SINGLE;
        }
        q->kind = (enum quiz_kind)k;
        json_text(cJSON_GetObjectItemCaseSensitive(it, "question"), tmp, sizeof tmp, "");
        field(b, q->text, QUIZ_TEXT_MAX, trim(tmp), where, "question");
        const cJSON *opts = cJSON_GetObjectItemCaseSensitive(it, "options");
        if (q->kind == QUIZ_TRUEFALSE && !opts) {
            tf_options(q);
        } else if (cJSON_IsArray(opts)) {
            const cJSON *o;
            cJSON_ArrayForEach(o, opts)
            {
                if (q->n_options == QUIZ_OPTIONS_MAX) {
                    problem(b, "%s：字段 options 最多 %d 个选项", where, QUIZ_OPTIONS_MAX);
                    break;
                }
                json_text(o, tmp, sizeof tmp, "");
                field(b, q->options[q->n_options], QUIZ_OPTION_MAX, trim(tmp), where, "options");
                q->n_options++;
            }
        }
        json_text(cJSON_GetObjectItemCaseSensitive(it, "answer"), tmp, sizeof tmp, "");
        set_answer(b, q, trim(tmp), where);
        json_text(cJSON_GetObjectItemCaseSensitive(it, "explanation"), tmp, sizeof tmp, "");
        field(b, q->explanation, QUIZ_EXPLAIN_MAX, trim(tmp), where, "explanation");
        json_text(cJSON_GetObjectItemCaseSensitive(it, "tags"), tmp, sizeof tmp, ",");
        field(b, q->tags, QUIZ_TAGS_MAX, trim(tmp), where, "tags");
        json_text(cJSON_GetObjectItemCaseSensitive(it, "source"), tmp, sizeof tmp, "");
        field(b, q->source, QUIZ_SOURCE_MAX, trim(tmp), where, "source");
        check(b, q, where);
        b->n++;
    }
    if (b->n == 0 && !b->problems)
        problem(b, "文件里没有题目");
    rc = b->problems ? ZB_EINVAL : ZB_OK;
done:
    cJSON_Delete(root);
    return rc;
}

/* The CSV columns, by header word (English or Chinese). */
enum col { C_ID = 0, C_TYPE, C_QUESTION, C_ANSWER, C_EXPLAIN, C_TAGS, C_SOURCE, C_OPT, C_COUNT };

static int col_parse(const char *h, int *opt)
{
    static const struct {
        const char *w;
        enum col c;
    } words[] = {
        {"id", C_ID},
        {"编号", C_ID},
        {"题号", C_ID},
        {"type", C_TYPE},
        {"题型", C_TYPE},
        {"类型", C_TYPE},
        {"question", C_QUESTION},
        {"题目", C_QUESTION},
        {"题干", C_QUESTION},
        {"answer", C_ANSWER},
        {"答案", C_ANSWER},
        {"explanation", C_EXPLAIN},
        {"解析", C_EXPLAIN},
        {"tags", C_TAGS},
        {"标签", C_TAGS},
        {"source", C_SOURCE},
        {"出处", C_SOURCE},
        {"来源", C_SOURCE},
    };
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
        if (strcmp(h, words[i].w) == 0)
            return (int)words[i].c;
    /* A..H, 选项A.., option_a.. */
    const char *p = h;
    if (strncmp(p, "选项", strlen("选项")) == 0)
        p += strlen("选项");
    else if (strncmp(p, "option_", 7) == 0 || strncmp(p, "option", 6) == 0)
        p += p[6] == '_' ? 7 : 6;
    if (p[0] && !p[1]) {
        char c = p[0];
        if (c >= 'a' && c <= 'h')
            c = (char)(c - 32);
        if (c >= 'A' && c <= 'H') {
            *opt = c - 'A';
            return C_OPT;
        }
    }
    return -1;
}

int quiz_parse_csv(const char *data, size_t len, struct quiz_bank *b)
{
    bank_init(b);
    char *text = NULL;
    size_t tlen = 0;
    struct csv_reader r;
    struct csv_record rec;
    int col_of[CSV_MAX_FIELDS], opt_of[CSV_MAX_FIELDS];
    bool have[C_COUNT] = {false};
    int rc;
    if (len > QUIZ_FILE_MAX) {
        problem(b, "文件太大（最多 %d 字节）", QUIZ_FILE_MAX);
        return ZB_ETOOBIG;
    }
    if ((rc = charset_to_utf8(data, len, QUIZ_FILE_MAX * 2, &text, &tlen, NULL))) {
        problem(b, "文件编码无法识别（请另存为 UTF-8 或 GBK 的 CSV）");
        return rc;
    }
    csv_init(&r, text, tlen);
    if ((rc = csv_next(&r, &rec))) {
        problem(b, rc == ZB_ENOTFOUND ? "文件是空的" : "第 %zu 行：%s",
                rc == ZB_ENOTFOUND ? (size_t)0 : r.err_line, rc == ZB_ENOTFOUND ? "" : r.error);
        rc = rc == ZB_ENOTFOUND ? ZB_EPARSE : rc;
        goto done;
    }
    size_t ncols = rec.n, nopts = 0;
    for (size_t i = 0; i < ncols; i++) {
        char h[64];
        snprintf(h, sizeof h, "%s", rec.field[i]);
        for (char *p = h; *p; p++)
            if (*p >= 'A' && *p <= 'Z' && strlen(h) > 1)
                *p = (char)(*p + 32);
        opt_of[i] = -1;
        col_of[i] = col_parse(trim(h), &opt_of[i]);
        if (col_of[i] >= 0 && col_of[i] != C_OPT && have[col_of[i]])
            problem(b, "第 %zu 行：表头“%s”重复", rec.line, rec.field[i]);
        if (col_of[i] >= 0)
            have[col_of[i]] = true;
        if (col_of[i] == C_OPT && (size_t)opt_of[i] + 1 > nopts)
            nopts = (size_t)opt_of[i] + 1;
    }
    if (!have[C_ID] || !have[C_QUESTION] || !have[C_ANSWER] || !have[C_TYPE]) {
        problem(b, "第 %zu 行：表头至少要有 编号、题型、题目、答案 四列（及选项 A、B……）",
                rec.line);
        rc = ZB_EINVAL;
        goto done;
    }
    b->q = xcalloc(QUIZ_BANK_MAX + 1, sizeof *b->q);
    while ((rc = csv_next(&r, &rec)) == ZB_OK) {
        bool blank = true;
        for (size_t i = 0; i < rec.n; i++)
            if (rec.field[i][0])
                blank = false;
        if (blank)
            continue;
        if (b->n == QUIZ_BANK_MAX) {
            problem(b, "题目太多（一次最多 %d 题）", QUIZ_BANK_MAX);
            rc = ZB_ETOOBIG;
            goto done;
        }
        char where[48];
        snprintf(where, sizeof where, "第 %zu 行", rec.line);
        struct quiz_question *q = &b->q[b->n];
        memset(q, 0, sizeof *q);
        const char *ans = "";
        int kind = QUIZ_SINGLE;
        for (size_t i = 0; i < rec.n && i < ncols; i++) {
            char *v = (char *)rec.field[i]; /* the reader's own buffer, trimmed in place */
            v = (char *)trim(v);
            switch (col_of[i]) {
            case C_ID:
                field(b, q->ext_id, QUIZ_ID_MAX, v, where, "编号");
                break;
            case C_TYPE:
                if ((kind = kind_parse(v)) < 0) {
                    problem(b, "%s：字段 题型：“%.20s”应为 单选、多选 或 判断", where, v);
                    kind = QUIZ_SINGLE;
                }
                break;
            case C_QUESTION:
                field(b, q->text, QUIZ_TEXT_MAX, v, where, "题目");
                break;
            case C_ANSWER:
                ans = v;
                break;
            case C_EXPLAIN:
                field(b, q->explanation, QUIZ_EXPLAIN_MAX, v, where, "解析");
                break;
            case C_TAGS:
                field(b, q->tags, QUIZ_TAGS_MAX, v, where, "标签");
                break;
            case C_SOURCE:
                field(b, q->source, QUIZ_SOURCE_MAX, v, where, "出处");
                break;
            case C_OPT:
                field(b, q->options[opt_of[i]], QUIZ_OPTION_MAX, v, where, "选项");
                break;
            default:
                break;
            }
        }
        q->kind = (enum quiz_kind)kind;
        q->n_options = 0;
        for (size_t i = 0; i < nopts; i++)
            if (q->options[i][0])
                q->n_options = i + 1;
        if (q->kind == QUIZ_TRUEFALSE && q->n_options == 0)
            tf_options(q);
        set_answer(b, q, ans, where);
        check(b, q, where);
        b->n++;
    }
    if (rc != ZB_ENOTFOUND) {
        problem(b, "第 %zu 行：%s", r.err_line, r.error ? r.error : "无法读取");
        goto done;
    }
    if (b->n == 0 && !b->problems)
        problem(b, "文件里没有题目");
    rc = b->problems ? ZB_EINVAL : ZB_OK;
done:
    csv_free(&r);
    free(text);
    return rc;
}
