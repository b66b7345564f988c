/*
 * gen_qq.c - the request pools of the QQ scenarios of `make bench`.
 *
 * `gen_qq onebot N OUT SECRET SELF_ID` writes N distinct OneBot v11 HTTP POST reports, signed
 * with X-Signature (HMAC-SHA1 with SECRET) and carrying X-Self-ID, as an implementation such as
 * NapCat posts them: mostly group messages in POOL_GROUPS groups from POOL_USERS members (half
 * with `message` as a CQ string, half as a segment array), some private ones. The contents are
 * what a branch group sees: chatter zhibu must leave alone (answered 204), whole-message menu
 * keywords and numbers, an @ of the bot, the "#" prefix, and "留言" followed FOLLOW_GAP
 * requests later by the same member's next message in the same group (the session).
 *
 * `gen_qq qqbot N OUT SECRET APP_ID` writes N open-platform callbacks as Tencent sends them:
 * GROUP_AT_MESSAGE_CREATE and C2C_MESSAGE_CREATE, each signed with Ed25519 over
 * X-Signature-Timestamp and the body, with the key derived from SECRET, and X-Bot-Appid.
 *
 * The pool format is tests/bench/gen.c's, with the request headers as more tab-separated
 * fields after the body (tests/bench/pool.lua sends them):
 *   # zhibu-bench-pool mode=onebot|qqbot n=N
 *   PATH <TAB> BODY <TAB> Header: value <TAB> Header: value ...
 */
#include <cjson/cJSON.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bot/base/buf.h"
#include "bot/base/rand.h"
#include "webhook/qq/cqcode.h"
#include "webhook/qq/qq_sign.h"

#define POOL_MAX    10000000 /* most requests one pool may hold */
#define POOL_USERS  5000     /* distinct senders */
#define POOL_GROUPS 50       /* distinct groups */
#define FOLLOW_GAP  256      /* requests between "留言" and the member's follow-up */
#define REQUEST_MAX (16 * 1024)

struct choice {
    const char *text; /* what the member types */
    bool at;          /* OneBot: with an @ of the bot in front */
    int weight;       /* relative frequency */
};

/* OneBot group traffic: about half of it is chatter that zhibu must not answer. */
static const struct choice onebot_contents[] = {
    {"今天下午几点开会？", false, 14},
    {"收到", false, 10},
    {"好的，谢谢书记", false, 10},
    {"学习资料在群文件里", false, 8},
    {"帮助", false, 10},     /* a whole-message keyword */
    {"0", false, 8},         /* a whole-message menu number */
    {"#菜单", false, 8},     /* the prefix */
    {"帮助", true, 10},      /* an @ of the bot */
    {"在吗", true, 6},       /* an @ with text no handler knows: the fallback */
    {"留言", true, 10},      /* starts a session; see FOLLOW_GAP */
    {"[x] &data", false, 6}, /* characters that CQ strings escape */
};

/* Open-platform traffic: every message is an @ of the bot or a private one. */
static const struct choice qqbot_contents[] = {
    {"帮助", false, 20}, {"0", false, 15},    {"7", false, 10},
    {"在吗", false, 15}, {"留言", false, 10}, {"菜单", false, 10},
};

static const char *const follow_ups[] = {
    "建议把每月的学习时间改到周六上午。",
    "我下周出差，组织生活会请个假。",
    "党费已经交到小王那里了，请查收。",
};
#define NFOLLOW ((int)(sizeof follow_ups / sizeof follow_ups[0]))

struct gen {
    FILE *out;                          /* the pool file */
    bool qqbot;                         /* mode */
    const char *secret;                 /* onebot.secret or qqbot.secret */
    const char *id;                     /* onebot self_id or qqbot app_id */
    unsigned char sk[QQBOT_SK_LEN];     /* qqbot signing key */
    char ts[24];                        /* the time every request carries */
    uint64_t msg_id;                    /* next message id */
    uint64_t prng;                      /* splitmix64 state */
    struct buf body, msg;               /* scratch */
    int follow_user[FOLLOW_GAP];        /* member owed a follow-up, or -1 */
    int follow_group[FOLLOW_GAP];       /* in this group, or -1 for a private chat */
    long n_requests, n_leave, n_follow; /* for the summary line */
};

static uint64_t next_rand(struct gen *g)
{
    uint64_t z = (g->prng += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

static const struct choice *pick(struct gen *g, const struct choice *c, size_t n)
{
    int total = 0;
    for (size_t i = 0; i < n; i++)
        total += c[i].weight;
    int r = (int)(next_rand(g) % (uint64_t)total);
    for (size_t i = 0; i < n; i++) {
        if (r < c[i].weight)
            return &c[i];
        r -= c[i].weight;
    }
    return &c[0];
}

/* emit - one pool line: path, the JSON o (consumed), then the signed headers. */
static int emit(struct gen *g, const char *path, cJSON *o)
{
    char *json = cJSON_PrintUnformatted(o);
    cJSON_Delete(o);
    if (!json || strpbrk(json, "\t\n")) {
        free(json);
        return ZB_EINVAL;
    }
    buf_reset(&g->body);
    int rc = buf_appendz(&g->body, json);
    free(json);
    if (rc)
        return rc;
    char sig[QQBOT_SIG_HEX];
    if (g->qqbot) {
        qqbot_sign_hex(g->sk, g->ts, strlen(g->ts), g->body.data, g->body.len, sig);
        rc = fprintf(g->out,
                     "%s\t%s\tContent-Type: application/json\tUser-Agent: QQBot-Callback\t"
                     "X-Bot-Appid: %s\tX-Signature-Method: Ed25519\tX-Signature-Timestamp: %s\t"
                     "X-Signature-Ed25519: %s\n",
                     path, buf_str(&g->body), g->id, g->ts, sig) < 0;
    } else {
        char mac[ONEBOT_SIG_HEX];
        onebot_sign(g->secret, g->body.data, g->body.len, mac);
        rc = fprintf(g->out,
                     "%s\t%s\tContent-Type: application/json\tX-Self-ID: %s\t"
                     "X-Signature: sha1=%s\n",
                     path, buf_str(&g->body), g->id, mac) < 0;
    }
    if (rc)
        return ZB_EIO;
    g->n_requests++;
    return ZB_OK;
}

/* onebot_report - member u says c in group grp (-1: a private message). */
static int onebot_report(struct gen *g, int u, int grp, const struct choice *c)
{
    bool array = next_rand(g) & 1;
    cJSON *o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "time", (double)strtoll(g->ts, NULL, 10));
    cJSON_AddNumberToObject(o, "self_id", (double)strtoll(g->id, NULL, 10));
    cJSON_AddStringToObject(o, "post_type", "message");
    cJSON_AddStringToObject(o, "message_type", grp >= 0 ? "group" : "private");
    cJSON_AddStringToObject(o, "sub_type", grp >= 0 ? "normal" : "friend");
    cJSON_AddNumberToObject(o, "message_id", (double)(g->msg_id++ % 2000000000u));
    cJSON_AddNumberToObject(o, "user_id", 100000 + u);
    if (grp >= 0)
        cJSON_AddNumberToObject(o, "group_id", 900000 + grp);
    buf_reset(&g->msg);
    int rc = ZB_OK;
    if (array) {
        cJSON *arr = cJSON_AddArrayToObject(o, "message");
        if (c->at) {
            cJSON *at = cJSON_CreateObject();
            cJSON_AddStringToObject(at, "type", "at");
            cJSON_AddStringToObject(cJSON_AddObjectToObject(at, "data"), "qq", g->id);
            cJSON_AddItemToArray(arr, at);
        }
        cJSON *t = cJSON_CreateObject();
        cJSON_AddStringToObject(t, "type", "text");
        cJSON_AddStringToObject(cJSON_AddObjectToObject(t, "data"), "text", c->text);
        cJSON_AddItemToArray(arr, t);
    } else {
        if (c->at)
            rc = buf_appendf(&g->msg, "[CQ:at,qq=%s] ", g->id);
        if (!rc)
            rc = cq_escape_text(&g->msg, c->text, strlen(c->text));
        cJSON_AddStringToObject(o, "message", buf_str(&g->msg));
    }
    cJSON_AddNumberToObject(o, "font", 0);
    cJSON *sender = cJSON_AddObjectToObject(o, "sender");
    cJSON_AddNumberToObject(sender, "user_id", 100000 + u);
    cJSON_AddStringToObject(sender, "nickname", "党员");
    cJSON_AddStringToObject(sender, "role", "member");
    if (rc) {
        cJSON_Delete(o);
        return rc;
    }
    return emit(g, "/qq/onebot", o);
}

/* qqbot_event - member u says c, @-ing the bot in group grp (-1: C2C). */
static int qqbot_event(struct gen *g, int u, int grp, const struct choice *c)
{
    char mid[64], eid[96], openid[40], group[40], when[32];
    uint64_t n = g->msg_id++;
    snprintf(mid, sizeof mid, "ROBOT1.0_bench%016" PRIx64, n);
    snprintf(eid, sizeof eid, "%s:bench%016" PRIx64,
             grp >= 0 ? "GROUP_AT_MESSAGE_CREATE" : "C2C_MESSAGE_CREATE", n);
    snprintf(openid, sizeof openid, "BENCHUSER%023d", u);
    snprintf(group, sizeof group, "BENCHGROUP%022d", grp);
    time_t t = (time_t)strtoll(g->ts, NULL, 10);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
    cJSON *o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "op", 0);
    cJSON_AddStringToObject(o, "id", eid);
    cJSON_AddNumberToObject(o, "s", (double)(n % 100000));
    cJSON_AddStringToObject(o, "t", grp >= 0 ? "GROUP_AT_MESSAGE_CREATE" : "C2C_MESSAGE_CREATE");
    cJSON *d = cJSON_AddObjectToObject(o, "d");
    cJSON_AddStringToObject(cJSON_AddObjectToObject(d, "author"),
                            grp >= 0 ? "member_openid" : "user_openid", openid);
    buf_reset(&g->msg);
    if (buf_appendf(&g->msg, "%s%s", grp >= 0 ? " " : "", c->text)) {
        cJSON_Delete(o);
        return ZB_ETOOBIG;
    }
    cJSON_AddStringToObject(d, "content", buf_str(&g->msg));
    if (grp >= 0)
        cJSON_AddStringToObject(d, "group_openid", group);
    cJSON_AddStringToObject(d, "id", mid);
    cJSON_AddStringToObject(d, "timestamp", when);
    return emit(g, "/qq/bot", o);
}

static int write_one(struct gen *g, int u, int grp, const struct choice *c)
{
    return g->qqbot ? qqbot_event(g, u, grp, c) : onebot_report(g, u, grp, c);
}

static int generate(struct gen *g, long n)
{
    for (int i = 0; i < FOLLOW_GAP; i++)
        g->follow_user[i] = -1;
    if (fprintf(g->out, "# zhibu-bench-pool mode=%s n=%ld\n", g->qqbot ? "qqbot" : "onebot", n) < 0)
        return ZB_EIO;
    const struct choice *cs = g->qqbot ? qqbot_contents : onebot_contents;
    size_t nc = g->qqbot ? sizeof qqbot_contents / sizeof *qqbot_contents
                         : sizeof onebot_contents / sizeof *onebot_contents;
    for (long i = 0; i < n; i++) {
        int slot = (int)(i % FOLLOW_GAP);
        int rc;
        if (g->follow_user[slot] >= 0) {
            struct choice f = {follow_ups[next_rand(g) % NFOLLOW], false, 1};
            rc = write_one(g, g->follow_user[slot], g->follow_group[slot], &f);
            g->follow_user[slot] = -1;
            g->n_follow++;
        } else {
            int u = (int)(next_rand(g) % POOL_USERS);
            /* OneBot: 85% group messages; open platform: 70% */
            int grp = (int)(next_rand(g) % 100) < (g->qqbot ? 70 : 85)
                          ? (int)(next_rand(g) % POOL_GROUPS)
                          : -1;
            const struct choice *c = pick(g, cs, nc);
            rc = write_one(g, u, grp, c);
            if (strcmp(c->text, "留言") == 0) {
                g->n_leave++;
                if (i + FOLLOW_GAP < n) {
                    g->follow_user[slot] = u;
                    g->follow_group[slot] = grp;
                }
            }
        }
        if (rc)
            return rc;
    }
    return ZB_OK;
}

int main(int argc, char **argv)
{
    if (argc != 6 || (strcmp(argv[1], "onebot") != 0 && strcmp(argv[1], "qqbot") != 0)) {
        fprintf(stderr,
                "usage: %s onebot N OUT SECRET SELF_ID\n"
                "       %s qqbot N OUT SECRET APP_ID\n",
                argv[0], argv[0]);
        return 2;
    }
    struct gen g = {.qqbot = strcmp(argv[1], "qqbot") == 0, .secret = argv[4], .id = argv[5]};
    char *end = NULL;
    long n = strtol(argv[2], &end, 10);
    if (*end || n < 1 || n > POOL_MAX) {
        fprintf(stderr, "gen_qq: N must be 1..%d\n", POOL_MAX);
        return 2;
    }
    unsigned char pk[QQBOT_PK_LEN];
    if (g.qqbot && qqbot_keys(g.secret, pk, g.sk)) {
        fprintf(stderr, "gen_qq: libsodium does not initialise\n");
        return 1;
    }
    snprintf(g.ts, sizeof g.ts, "%lld", (long long)time(NULL));
    g.msg_id = (rand_u64() >> 16) + 1;
    g.prng = rand_u64();
    buf_init(&g.body, REQUEST_MAX);
    buf_init(&g.msg, REQUEST_MAX);
    int status = 1;
    g.out = fopen(argv[3], "w");
    if (!g.out) {
        perror(argv[3]);
        goto done;
    }
    int rc = generate(&g, n);
    if (fclose(g.out) != 0 && !rc)
        rc = ZB_EIO;
    if (rc) {
        fprintf(stderr, "gen_qq: writing %s failed: %s\n", argv[3], zb_strerror(rc));
        goto done;
    }
    printf("pool mode=%s n=%ld leave=%ld follow_ups=%ld users=%d groups=%d\n", argv[1],
           g.n_requests, g.n_leave, g.n_follow, POOL_USERS, POOL_GROUPS);
    status = 0;
done:
    buf_free(&g.body);
    buf_free(&g.msg);
    return status;
}
