/*
 * gen.c - the request pool for `make bench`, and the row count that checks it was all logged.
 *
 * `gen plain|aes N OUT TOKEN APP_ID AES_KEY` writes N distinct WeChat text-message POSTs to OUT,
 * signed as the WeChat servers sign them, for tests/bench/pool.lua to replay with wrk. Every
 * request has a fresh nonce, the current timestamp, its own MsgId and a FromUserName from a pool
 * of POOL_USERS members; Content is drawn from the real keywords ("帮助", "0", "１", "菜单",
 * "?", "留言") and some text no handler knows. Each "留言" is followed FOLLOW_GAP requests later
 * by a message from the same member, so the feedback session (multi-turn) is exercised; the gap
 * is larger than wrk's connection count so the follow-up is almost always handled after it.
 *
 * plain: the signature covers token, timestamp and nonce only; the body is the message XML.
 * aes:   safe mode; each body is its own encryption (fresh random prefix) in the envelope, with
 *        its own msg_signature over token, timestamp, nonce and Encrypt. AES_KEY is the 43-char
 *        EncodingAESKey; in plain mode it is ignored ("-").
 *
 * chat:  `gen chat N OUT TOKEN APP_ID USERS` writes a plaintext pool of members talking to the
 *        study and quiz capabilities: "1", "学习", "下一篇", "往期", "答题", "2", "积分", "0"
 *        from the first USERS bench openids (bound to members by `gen members`). Each "答题" or
 *        "2" is followed by QUIZ_ANSWERS answers from the same member ("A", "B", "对", "1",
 *        ...), FOLLOW_GAP requests apart, so quiz rounds are started, answered and finished.
 *
 * receipt: `gen receipt N OUT TOKEN APP_ID FIRST USERS` writes a plaintext pool of members
 *        answering a task: every request is "收到" in private chat from one of the bench openids
 *        of users FIRST..FIRST+USERS-1 (the members tests/bench/run.sh's tasks scenario binds).
 *        The pool goes through them in passes, each pass a fresh shuffle of all USERS, so every
 *        member answers once per pass and a wrk run that outlasts a pass repeats them (receipts
 *        are idempotent: a repeat is answered, not counted again).
 *
 * File format (text, one request a line, no line contains a tab or newline of its own):
 *   # zhibu-bench-pool mode=plain|aes|chat|receipt n=N
 *   PATH_AND_QUERY <TAB> BODY
 *
 * `gen members DB N` adds N members to the demo branch (DEMO_BRANCH_PATH, which `zhibu demo seed`
 * creates) of a zhibu database, each with a bound WeChat identity whose openid is the bench
 * openid of user 0..N-1 on the bench account, in one transaction. Their categories, posts and
 * educations vary so study's audience targeting picks different items for them.
 *
 * `gen rows DB` prints "events=E feedback=F", the rows in the events and feedback tables of a
 * zhibu database, opened read-only, then " study_reads=S quiz_rounds=R quiz_done=D
 * quiz_answers=A" when the study and quiz tables exist.
 */
#include <inttypes.h>
#include <stdbool.h>
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bot/base/buf.h"
#include "bot/base/rand.h"
#include "bot/base/xmalloc.h"
#include "handlers/members/demo.h"
#include "webhook/wechat/wechat_crypto.h"
#include "webhook/wechat/wechat_xml.h"

#define POOL_MAX          10000000 /* most requests one pool may hold */
#define POOL_USERS        5000     /* distinct FromUserName values (plain, aes) */
#define CHAT_USERS_MAX    100000   /* most bench members `gen members` adds or a chat pool uses */
#define RECEIPT_FIRST_MAX 1000000  /* highest first bench user of a receipt pool */
#define RECEIPT_WORD      "收到"   /* what a member answers to a task */
#define QUIZ_ANSWERS      5        /* answers owed after "答题": quiz.questions' default */
#define FOLLOW_GAP        256      /* requests between "留言" and the member's follow-up */
#define REQUEST_MAX       (16 * 1024) /* cap of one request's path, query or body */
#define BENCH_ACCOUNT     "gh_zhibu_bench"

/* A content choice and its weight out of the weights' sum. */
struct choice {
    const char *text; /* Content as the member types it */
    int weight;       /* relative frequency */
};

static const struct choice contents[] = {
    {"帮助", 14},
    {"0", 14},
    {"１", 10}, /* full-width digit: the normaliser makes it menu number 1 */
    {"菜单", 10},
    {"?", 10},
    {"留言", 10}, /* starts a feedback session; see FOLLOW_GAP */
    {"今天下午几点开会？", 8},
    {"你好", 8},
    {"学习资料在哪里下载", 8},
    {"谢谢小助手 👍", 8},
};
#define NCONTENTS ((int)(sizeof contents / sizeof contents[0]))

/* The chat mix: study and quiz keywords of bound members ("1" is menu 1, today's study item;
 * "答题" and menu "2" start a quiz round, see QUIZ_ANSWERS); answers come as follow-ups. */
static const struct choice chat_contents[] = {
    {"1", 14},    {"学习", 14}, {"下一篇", 10}, {"往期", 4},
    {"答题", 14}, {"2", 4},     {"积分", 8},    {"0", 8},
};

/* Quiz answers in the forms members type: letters, a number, 对/错, a multiple choice. */
static const char *const answers[] = {"A", "B", "C", "对", "错", "1", "AC", "ａ"};
#define NANSWERS ((int)(sizeof answers / sizeof answers[0]))

static const char *const follow_ups[] = {
    "建议把每月的学习时间改到周六上午。",
    "我下周出差，组织生活会请个假。",
    "党费已经交到小王那里了，请查收。",
    "希望多发一些适合老党员看的学习材料，字大一点。",
};
#define NFOLLOW ((int)(sizeof follow_ups / sizeof follow_ups[0]))

struct gen {
    FILE *out;                          /* the pool file being written */
    bool aes;                           /* safe mode */
    bool chat;                          /* the study and quiz mix (plaintext) */
    bool receipt;                       /* members answering 收到 (plaintext) */
    int first;                          /* the first bench user (receipt) */
    const struct choice *mix;           /* the contents drawn from */
    int nmix;                           /* their count */
    int users;                          /* distinct FromUserName values */
    const char *token;                  /* wechat.token */
    const char *app_id;                 /* wechat.app_id, the receive-id sealed in */
    unsigned char key[WECHAT_KEY_LEN];  /* decoded EncodingAESKey (aes only) */
    char ts[24];                        /* the timestamp every request carries */
    uint64_t msg_id;                    /* next MsgId */
    uint64_t prng;                      /* splitmix64 state for the content and user draws */
    struct buf xml, body, query;        /* scratch for one request, each capped at REQUEST_MAX */
    int follow_user[FOLLOW_GAP];        /* member owed a follow-up at i + FOLLOW_GAP, or -1 */
    int follow_left[FOLLOW_GAP];        /* follow-ups that member still owes in this slot */
    long n_follow, n_leave, n_requests; /* what was written, for the summary line */
};

static uint64_t next_rand(struct gen *g)
{
    uint64_t z = (g->prng += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

static const char *pick_content(struct gen *g)
{
    int total = 0;
    for (int i = 0; i < g->nmix; i++)
        total += g->mix[i].weight;
    int r = (int)(next_rand(g) % (uint64_t)total);
    for (int i = 0; i < g->nmix; i++) {
        if (r < g->mix[i].weight)
            return g->mix[i].text;
        r -= g->mix[i].weight;
    }
    return g->mix[0].text;
}

/* message_xml - the plaintext message from user `from` into g->xml. */
static int message_xml(struct gen *g, const char *from, const char *text)
{
    struct buf *x = &g->xml;
    buf_reset(x);
    int rc = buf_appendz(x, "<xml><ToUserName>");
    rc = rc ? rc : wechat_xml_cdata(x, BENCH_ACCOUNT);
    rc = rc ? rc : buf_appendz(x, "</ToUserName><FromUserName>");
    rc = rc ? rc : wechat_xml_cdata(x, from);
    rc = rc ? rc : buf_appendf(x, "</FromUserName><CreateTime>%s</CreateTime><MsgType>", g->ts);
    rc = rc ? rc : wechat_xml_cdata(x, "text");
    rc = rc ? rc : buf_appendz(x, "</MsgType><Content>");
    rc = rc ? rc : wechat_xml_cdata(x, text);
    rc = rc ? rc : buf_appendf(x, "</Content><MsgId>%" PRIu64 "</MsgId></xml>", g->msg_id++);
    return rc;
}

/* seal - the safe-mode envelope of g->xml into g->body; msg_sig receives its msg_signature. */
static int seal(struct gen *g, const char *nonce, char msg_sig[WECHAT_SIG_HEX])
{
    unsigned char rnd[16];
    char *cipher = NULL;
    rand_bytes(rnd, sizeof rnd);
    int rc = wechat_encrypt(g->key, rnd, g->xml.data, g->xml.len, g->app_id, &cipher);
    if (rc)
        return rc;
    const char *parts[4] = {g->token, g->ts, nonce, cipher};
    wechat_sign(parts, 4, msg_sig);
    rc = buf_appendz(&g->body, "<xml><ToUserName>");
    rc = rc ? rc : wechat_xml_cdata(&g->body, BENCH_ACCOUNT);
    rc = rc ? rc : buf_appendz(&g->body, "</ToUserName><Encrypt>");
    rc = rc ? rc : wechat_xml_cdata(&g->body, cipher);
    rc = rc ? rc : buf_appendz(&g->body, "</Encrypt></xml>");
    free(cipher);
    return rc;
}

/* bench_openid - the openid of bench user u (28 characters, as WeChat's are). */
static void bench_openid(char out[40], int u)
{
    snprintf(out, 40, "oBench%022d", u);
}

/* write_request - one pool line: user number u says text. */
static int write_request(struct gen *g, int u, const char *text)
{
    char from[40], nonce[24], sig[WECHAT_SIG_HEX], msg_sig[WECHAT_SIG_HEX];
    bench_openid(from, u);
    snprintf(nonce, sizeof nonce, "%" PRIu64, next_rand(g) % UINT64_C(10000000000));
    const char *parts[3] = {g->token, g->ts, nonce};
    wechat_sign(parts, 3, sig);
    buf_reset(&g->body);
    buf_reset(&g->query);
    int rc = message_xml(g, from, text);
    if (!rc && g->aes)
        rc = seal(g, nonce, msg_sig);
    else if (!rc)
        rc = buf_append(&g->body, g->xml.data, g->xml.len);
    rc = rc ? rc
            : buf_appendf(&g->query, "/wechat?signature=%s&timestamp=%s&nonce=%s&openid=%s", sig,
                          g->ts, nonce, from);
    if (!rc && g->aes)
        rc = buf_appendf(&g->query, "&encrypt_type=aes&msg_signature=%s", msg_sig);
    if (rc)
        return rc;
    if (strpbrk(buf_str(&g->body), "\t\n")) /* the line format cannot carry these */
        return ZB_EINVAL;
    if (fprintf(g->out, "%s\t%s\n", buf_str(&g->query), buf_str(&g->body)) < 0)
        return ZB_EIO;
    g->n_requests++;
    return ZB_OK;
}

/* owes - how many follow-ups text starts: a feedback message after "留言" (plain, aes), the
 * answers of a quiz round after "答题" or "2" (chat); 0 for anything else. */
static int owes(const struct gen *g, const char *text)
{
    if (g->chat)
        return strcmp(text, "答题") == 0 || strcmp(text, "2") == 0 ? QUIZ_ANSWERS : 0;
    return strcmp(text, "留言") == 0 ? 1 : 0;
}

/*
 * generate - write n requests. At slot i a follow-up owed since i - FOLLOW_GAP comes first; a
 * member owing more (a quiz's next answer) keeps the slot, so its next one comes FOLLOW_GAP later.
 */
static int generate(struct gen *g, long n)
{
    for (int i = 0; i < FOLLOW_GAP; i++)
        g->follow_user[i] = -1;
    const char *mode = g->chat ? "chat" : g->aes ? "aes" : g->receipt ? "receipt" : "plain";
    if (fprintf(g->out, "# zhibu-bench-pool mode=%s n=%ld\n", mode, n) < 0)
        return ZB_EIO;
    for (long i = 0; i < n; i++) {
        int *owed = &g->follow_user[i % FOLLOW_GAP];
        int *left = &g->follow_left[i % FOLLOW_GAP];
        int rc;
        if (*owed >= 0) {
            const char *text =
                g->chat ? answers[next_rand(g) % NANSWERS] : follow_ups[next_rand(g) % NFOLLOW];
            rc = write_request(g, *owed, text);
            if (--*left == 0 || i + FOLLOW_GAP >= n)
                *owed = -1;
            g->n_follow++;
        } else {
            int u = (int)(next_rand(g) % (uint64_t)g->users);
            const char *text = pick_content(g);
            rc = write_request(g, u, text);
            int k = owes(g, text);
            if (k > 0) {
                g->n_leave++;
                if (i + FOLLOW_GAP < n) {
                    *owed = u;
                    *left = k;
                }
            }
        }
        if (rc)
            return rc;
    }
    return ZB_OK;
}

/*
 * generate_receipts - n requests of RECEIPT_WORD from users first..first+users-1, in passes
 * over all of them, each pass shuffled (Fisher-Yates over order, which holds users entries).
 */
static int generate_receipts(struct gen *g, long n, int *order)
{
    if (fprintf(g->out, "# zhibu-bench-pool mode=receipt n=%ld\n", n) < 0)
        return ZB_EIO;
    for (int i = 0; i < g->users; i++)
        order[i] = g->first + i;
    for (long i = 0; i < n; i++) {
        int k = (int)(i % g->users);
        if (k == 0) {
            for (int j = g->users - 1; j > 0; j--) {
                int r = (int)(next_rand(g) % (uint64_t)(j + 1));
                int t = order[j];
                order[j] = order[r];
                order[r] = t;
            }
        }
        int rc = write_request(g, order[k], RECEIPT_WORD);
        if (rc)
            return rc;
    }
    return ZB_OK;
}

/* whole - argument s as a whole number in 1..max, or -1. */
static long whole(const char *s, long max)
{
    char *end = NULL;
    long v = strtol(s, &end, 10);
    return end == s || *end || v < 1 || v > max ? -1 : v;
}

/* cmd_gen - the plain, aes, chat and receipt pools (argv as main's; receipt has 8 arguments). */
static int cmd_gen(char **argv)
{
    struct gen g = {.aes = strcmp(argv[1], "aes") == 0,
                    .chat = strcmp(argv[1], "chat") == 0,
                    .receipt = strcmp(argv[1], "receipt") == 0,
                    .mix = contents,
                    .nmix = NCONTENTS,
                    .users = POOL_USERS,
                    .token = argv[4],
                    .app_id = argv[5]};
    long n = whole(argv[2], POOL_MAX);
    int status = 1;
    int *order = NULL; /* receipt: the current pass's users */
    if (n < 0) {
        fprintf(stderr, "gen: N must be 1..%d\n", POOL_MAX);
        return 2;
    }
    if (g.chat) {
        long users = whole(argv[6], CHAT_USERS_MAX);
        if (users < 0) {
            fprintf(stderr, "gen: USERS must be 1..%d\n", CHAT_USERS_MAX);
            return 2;
        }
        g.users = (int)users;
        g.mix = chat_contents;
        g.nmix = (int)(sizeof chat_contents / sizeof chat_contents[0]);
    }
    if (g.receipt) {
        long first = strcmp(argv[6], "0") == 0 ? 0 : whole(argv[6], RECEIPT_FIRST_MAX);
        long users = whole(argv[7], CHAT_USERS_MAX);
        if (first < 0 || users < 0) {
            fprintf(stderr, "gen: FIRST must be 0..%d and USERS 1..%d\n", RECEIPT_FIRST_MAX,
                    CHAT_USERS_MAX);
            return 2;
        }
        g.first = (int)first;
        g.users = (int)users;
    }
    if (g.aes && wechat_key_decode(argv[6], g.key)) {
        fprintf(stderr, "gen: AES_KEY must be 43 letters and digits\n");
        return 2;
    }
    if (g.receipt)
        order = xcalloc((size_t)g.users, sizeof *order);
    snprintf(g.ts, sizeof g.ts, "%lld", (long long)time(NULL));
    g.msg_id = (rand_u64() >> 12) + 1; /* a fresh range per pool, far from UINT64_MAX */
    g.prng = rand_u64();
    buf_init(&g.xml, REQUEST_MAX);
    buf_init(&g.body, REQUEST_MAX);
    buf_init(&g.query, REQUEST_MAX);
    g.out = fopen(argv[3], "w");
    if (!g.out) {
        perror(argv[3]);
        goto done;
    }
    int rc = g.receipt ? generate_receipts(&g, n, order) : generate(&g, n);
    if (fclose(g.out) != 0 && !rc)
        rc = ZB_EIO;
    if (rc) {
        fprintf(stderr, "gen: writing %s failed: %s\n", argv[3], zb_strerror(rc));
        goto done;
    }
    if (g.receipt)
        printf("pool mode=receipt n=%ld users=%d first=%d passes=%ld\n", g.n_requests, g.users,
               g.first, (g.n_requests + g.users - 1) / g.users);
    else
        printf("pool mode=%s n=%ld %s=%ld follow_ups=%ld users=%d\n", argv[1], g.n_requests,
               g.chat ? "quiz_starts" : "leave", g.n_leave, g.n_follow, g.users);
    status = 0;
done:
    free(order);
    buf_free(&g.xml);
    buf_free(&g.body);
    buf_free(&g.query);
    return status;
}

/* count - the single integer that sql (a SELECT count(*)) returns; -1 on any failure. */
static long long count(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *st = NULL;
    long long n = -1;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
        n = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return n;
}

static int cmd_rows(const char *path)
{
    sqlite3 *db = NULL;
    int status = 1;
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
        fprintf(stderr, "gen: cannot open %s: %s\n", path, db ? sqlite3_errmsg(db) : "no memory");
        goto done;
    }
    sqlite3_busy_timeout(db, 5000);
    long long events = count(db, "SELECT count(*) FROM events");
    long long feedback = count(db, "SELECT count(*) FROM feedback");
    if (events < 0 || feedback < 0) {
        fprintf(stderr, "gen: cannot count rows in %s: %s\n", path, sqlite3_errmsg(db));
        goto done;
    }
    printf("events=%lld feedback=%lld", events, feedback);
    long long reads = count(db, "SELECT count(*) FROM study_reads");
    long long rounds = count(db, "SELECT count(*) FROM quiz_rounds");
    long long done = count(db, "SELECT count(*) FROM quiz_rounds WHERE state='done'");
    long long answered = count(db, "SELECT count(*) FROM quiz_answers");
    if (reads >= 0 && rounds >= 0 && done >= 0 && answered >= 0)
        printf(" study_reads=%lld quiz_rounds=%lld quiz_done=%lld quiz_answers=%lld", reads, rounds,
               done, answered);
    printf("\n");
    status = 0;
done:
    sqlite3_close(db);
    return status;
}

/* The bench members' categories, posts and educations, cycled by member number. */
static const char *const member_categories[] = {"employed", "employed", "employed", "retired"};
static const char *const member_posts[] = {"运行工", "调度员", "所长",
                                           "会计",   "维修工", "船闸管理员"};
static const char *const member_educations[] = {"高中", "大专", "本科", "研究生", "本科"};
#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* exec - run one statement that returns no rows; ZB_EDB (message to stderr) on failure. */
static int exec(sqlite3 *db, const char *sql)
{
    if (sqlite3_exec(db, sql, NULL, NULL, NULL) == SQLITE_OK)
        return ZB_OK;
    fprintf(stderr, "gen: %s: %s\n", sql, sqlite3_errmsg(db));
    return ZB_EDB;
}

/* add_members - n members in branch, each with its bound bench identity (inside a transaction). */
static int add_members(sqlite3 *db, int64_t branch, long n)
{
    static const char sql_member[] =
        "INSERT INTO members(name, branch_id, category, post, education, joined_on, created_at, "
        "updated_at) VALUES(?1, ?2, ?3, ?4, ?5, '2010-07-01', ?6, ?6)";
    static const char sql_identity[] =
        "INSERT INTO identities(platform, account, ext_id, member_id, first_seen, last_seen, "
        "bound_at) VALUES('wechat', ?1, ?2, ?3, ?4, ?4, ?4)";
    sqlite3_stmt *m = NULL, *id = NULL;
    int rc = ZB_EDB;
    int64_t now = (int64_t)time(NULL);
    if (sqlite3_prepare_v2(db, sql_member, -1, &m, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(db, sql_identity, -1, &id, NULL) != SQLITE_OK)
        goto done;
    for (long u = 0; u < n; u++) {
        char name[32], openid[40];
        snprintf(name, sizeof name, "压测党员%05ld", u);
        bench_openid(openid, (int)u);
        sqlite3_reset(m);
        sqlite3_bind_text(m, 1, name, -1, SQLITE_TRANSIENT);
        sqlite3_bind_int64(m, 2, branch);
        sqlite3_bind_text(m, 3, member_categories[u % NELEM(member_categories)], -1, SQLITE_STATIC);
        sqlite3_bind_text(m, 4, member_posts[u % NELEM(member_posts)], -1, SQLITE_STATIC);
        sqlite3_bind_text(m, 5, member_educations[u % NELEM(member_educations)], -1, SQLITE_STATIC);
        sqlite3_bind_int64(m, 6, now);
        if (sqlite3_step(m) != SQLITE_DONE)
            goto done;
        sqlite3_reset(id);
        sqlite3_bind_text(id, 1, BENCH_ACCOUNT, -1, SQLITE_STATIC);
        sqlite3_bind_text(id, 2, openid, -1, SQLITE_TRANSIENT);
        sqlite3_bind_int64(id, 3, sqlite3_last_insert_rowid(db));
        sqlite3_bind_int64(id, 4, now);
        if (sqlite3_step(id) != SQLITE_DONE)
            goto done;
    }
    rc = ZB_OK;
done:
    if (rc)
        fprintf(stderr, "gen: adding members failed: %s\n", sqlite3_errmsg(db));
    sqlite3_finalize(m);
    sqlite3_finalize(id);
    return rc;
}

/*
 * cmd_members - `gen members DB N`: N bound bench members in the demo branch, the last part of
 * DEMO_BRANCH_PATH (a branch of that name must exist: run `zhibu demo seed` first).
 */
static int cmd_members(const char *path, const char *count_arg)
{
    const char *leaf = strrchr(DEMO_BRANCH_PATH, '/');
    leaf = leaf ? leaf + 1 : DEMO_BRANCH_PATH;
    sqlite3 *db = NULL;
    sqlite3_stmt *st = NULL;
    int status = 1;
    long n = whole(count_arg, CHAT_USERS_MAX);
    if (n < 0) {
        fprintf(stderr, "gen: N must be 1..%d\n", CHAT_USERS_MAX);
        return 2;
    }
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK) {
        fprintf(stderr, "gen: cannot open %s: %s\n", path, db ? sqlite3_errmsg(db) : "no memory");
        goto done;
    }
    sqlite3_busy_timeout(db, 5000);
    int64_t branch = 0;
    if (sqlite3_prepare_v2(db, "SELECT id FROM branches WHERE name=?1 AND level='branch'", -1, &st,
                           NULL) == SQLITE_OK) {
        sqlite3_bind_text(st, 1, leaf, -1, SQLITE_STATIC);
        if (sqlite3_step(st) == SQLITE_ROW)
            branch = sqlite3_column_int64(st, 0);
    }
    if (branch == 0) {
        fprintf(stderr, "gen: %s has no branch %s (run zhibu demo seed first)\n", path, leaf);
        goto done;
    }
    if (exec(db, "BEGIN IMMEDIATE"))
        goto done;
    if (add_members(db, branch, n) || exec(db, "COMMIT")) {
        (void)exec(db, "ROLLBACK");
        goto done;
    }
    printf("members n=%ld branch=%lld account=%s\n", n, (long long)branch, BENCH_ACCOUNT);
    status = 0;
done:
    sqlite3_finalize(st);
    sqlite3_close(db);
    return status;
}

int main(int argc, char **argv)
{
    if (argc == 7 && (strcmp(argv[1], "plain") == 0 || strcmp(argv[1], "aes") == 0 ||
                      strcmp(argv[1], "chat") == 0))
        return cmd_gen(argv);
    if (argc == 8 && strcmp(argv[1], "receipt") == 0)
        return cmd_gen(argv);
    if (argc == 4 && strcmp(argv[1], "members") == 0)
        return cmd_members(argv[2], argv[3]);
    if (argc == 3 && strcmp(argv[1], "rows") == 0)
        return cmd_rows(argv[2]);
    fprintf(stderr,
            "usage: %s plain|aes N OUT TOKEN APP_ID AES_KEY\n"
            "       %s chat N OUT TOKEN APP_ID USERS\n"
            "       %s receipt N OUT TOKEN APP_ID FIRST USERS\n"
            "       %s members DATABASE N\n"
            "       %s rows DATABASE\n",
            argv[0], argv[0], argv[0], argv[0], argv[0]);
    return 2;
}
