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
 * File format (text, one request a line, no line contains a tab or newline of its own):
 *   # zhibu-bench-pool mode=plain|aes n=N
 *   PATH_AND_QUERY <TAB> BODY
 *
 * `gen rows DB` prints "events=E feedback=F": the rows in the events and feedback tables of a
 * zhibu database, opened read-only.
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
#include "webhook/wechat/wechat_crypto.h"
#include "webhook/wechat/wechat_xml.h"

#define POOL_MAX      10000000    /* most requests one pool may hold */
#define POOL_USERS    5000        /* distinct FromUserName values */
#define FOLLOW_GAP    256         /* requests between "留言" and the member's follow-up */
#define REQUEST_MAX   (16 * 1024) /* cap of one request's path, query or body */
#define BENCH_ACCOUNT "gh_zhibu_bench"

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
    const char *token;                  /* wechat.token */
    const char *app_id;                 /* wechat.app_id, the receive-id sealed in */
    unsigned char key[WECHAT_KEY_LEN];  /* decoded EncodingAESKey (aes only) */
    char ts[24];                        /* the timestamp every request carries */
    uint64_t msg_id;                    /* next MsgId */
    uint64_t prng;                      /* splitmix64 state for the content and user draws */
    struct buf xml, body, query;        /* scratch for one request, each capped at REQUEST_MAX */
    int follow_user[FOLLOW_GAP];        /* member owed a follow-up at i + FOLLOW_GAP, or -1 */
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
    for (int i = 0; i < NCONTENTS; i++)
        total += contents[i].weight;
    int r = (int)(next_rand(g) % (uint64_t)total);
    for (int i = 0; i < NCONTENTS; i++) {
        if (r < contents[i].weight)
            return contents[i].text;
        r -= contents[i].weight;
    }
    return contents[0].text;
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

/* write_request - one pool line: user number u says text. */
static int write_request(struct gen *g, int u, const char *text)
{
    char from[40], nonce[24], sig[WECHAT_SIG_HEX], msg_sig[WECHAT_SIG_HEX];
    snprintf(from, sizeof from, "oBench%022d", u);
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

/* generate - write n requests; at slot i a follow-up owed since i - FOLLOW_GAP comes first. */
static int generate(struct gen *g, long n)
{
    for (int i = 0; i < FOLLOW_GAP; i++)
        g->follow_user[i] = -1;
    if (fprintf(g->out, "# zhibu-bench-pool mode=%s n=%ld\n", g->aes ? "aes" : "plain", n) < 0)
        return ZB_EIO;
    for (long i = 0; i < n; i++) {
        int *owed = &g->follow_user[i % FOLLOW_GAP];
        int rc;
        if (*owed >= 0) {
            rc = write_request(g, *owed, follow_ups[next_rand(g) % NFOLLOW]);
            *owed = -1;
            g->n_follow++;
        } else {
            int u = (int)(next_rand(g) % POOL_USERS);
            const char *text = pick_content(g);
            rc = write_request(g, u, text);
            if (strcmp(text, "留言") == 0) {
                g->n_leave++;
                if (i + FOLLOW_GAP < n)
                    *owed = u;
            }
        }
        if (rc)
            return rc;
    }
    return ZB_OK;
}

static int cmd_gen(char **argv)
{
    struct gen g = {.aes = strcmp(argv[1], "aes") == 0, .token = argv[4], .app_id = argv[5]};
    char *end = NULL;
    long n = strtol(argv[2], &end, 10);
    int status = 1;
    if (*end || n < 1 || n > POOL_MAX) {
        fprintf(stderr, "gen: N must be 1..%d\n", POOL_MAX);
        return 2;
    }
    if (g.aes && wechat_key_decode(argv[6], g.key)) {
        fprintf(stderr, "gen: AES_KEY must be 43 letters and digits\n");
        return 2;
    }
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
    int rc = generate(&g, n);
    if (fclose(g.out) != 0 && !rc)
        rc = ZB_EIO;
    if (rc) {
        fprintf(stderr, "gen: writing %s failed: %s\n", argv[3], zb_strerror(rc));
        goto done;
    }
    printf("pool mode=%s n=%ld leave=%ld follow_ups=%ld users=%d\n", argv[1], g.n_requests,
           g.n_leave, g.n_follow, POOL_USERS);
    status = 0;
done:
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
    printf("events=%lld feedback=%lld\n", events, feedback);
    status = 0;
done:
    sqlite3_close(db);
    return status;
}

int main(int argc, char **argv)
{
    if (argc == 7 && (strcmp(argv[1], "plain") == 0 || strcmp(argv[1], "aes") == 0))
        return cmd_gen(argv);
    if (argc == 3 && strcmp(argv[1], "rows") == 0)
        return cmd_rows(argv[2]);
    fprintf(stderr,
            "usage: %s plain|aes N OUT TOKEN APP_ID AES_KEY\n"
            "       %s rows DATABASE\n",
            argv[0], argv[0]);
    return 2;
}
