/*
 * e2e_tasks_quote.c - a 收到 in a QQ group that quotes the task's post (issue 15) against the real
 * binary and the fake OneBot API: the sender keeps the message id the fake's send_group_msg
 * answered for the task's post into the bound group; a member's 收到 quoting that id (a reply
 * segment) is their receipt, one quoting another message (the task's private copy to them) is
 * not, and zhibu says nothing into the group either way.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "tests/e2e/qq_util.h"

#define BRANCH "市级机关工委/市交通运输局党委/市航道处党总支/船闸支部"
#define GROUP  "9100"
#define MEMBER "10005" /* member #5's QQ */

static struct qq_env env;
static struct e2e_server *srv;
static struct e2e_proc proc;
static long long next_id;

static int setup(void **state)
{
    (void)state;
    next_id = (long long)(time(NULL) % 100000) * 1000;
    if (qq_env_up(&env, NULL, NULL))
        return -1;
    srv = env.srv;
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    e2e_proc_free(&proc);
    return qq_env_down(&env) == 0 ? 0 : -1;
}

#define cli(...) run(__VA_ARGS__, "--config", srv->config_path, (char *)NULL)
static int run(const char *a0, ...)
{
    const char *a[14] = {a0};
    int n = 1;
    va_list ap;
    va_start(ap, a0);
    for (const char *x; n < 13 && (x = va_arg(ap, const char *)) != NULL;)
        a[n++] = x;
    va_end(ap);
    e2e_proc_free(&proc);
    assert_int_equal(e2e_zhibu(srv->dir, &proc, a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7],
                               a[8], a[9], a[10], a[11], a[12], (char *)NULL),
                     0);
    return proc.status;
}

#define db(...) e2e_db_int(srv, __VA_ARGS__)

/* group_says - member 10005 says message (a CQ string) in the group; the HTTP status (204:
 * zhibu says nothing). */
static long group_says(const char *message)
{
    char *body = ob_message(MEMBER, GROUP, ++next_id, message, false);
    struct e2e_resp r;
    ob_post(srv, body, OB_SIGNED, &r);
    free(body);
    long st = r.status;
    if (st != 204)
        fprintf(stderr, "\"%s\": HTTP %ld %.*s\n", message, st, (int)r.len, r.body ? r.body : "");
    e2e_resp_free(&r);
    return st;
}

/* sent_id - the platform message id kept for the outbox row with idem_key, waiting (10 s) for
 * the sender to deliver it; caller frees. */
static char *sent_id(const char *key)
{
    for (int i = 0; i < 200; i++) {
        char *id = e2e_db_text(srv,
                               "SELECT platform_msg_id FROM outbox WHERE idem_key = %Q AND "
                               "status = 'sent'",
                               key);
        if (id)
            return id;
        du_sleep_ms(50);
    }
    fail_msg("%s was not sent with a message id", key);
    return NULL;
}

static void test_quote_of_the_post(void **state)
{
    (void)state;
    char example[512];
    const char *src = getenv("ZHIBU_SRC");
    snprintf(example, sizeof example, "%s/config/members.example.csv", src ? src : ".");
    assert_int_equal(cli("member", "import", example, "--create-branches"), 0);
    assert_int_equal(cli("member", "bind", "5", "--onebot", MEMBER), 0);
    assert_int_equal(
        cli("group", "bind", "--platform", "onebot", "--group", GROUP, "--branch", BRANCH), 0);
    assert_int_equal(cli("task", "add", "--branch", BRANCH, "周五前上报学习心得"), 0);

    /* the post into the group and the private copy to #5 both went out through the fake, each
     * with the message id the fake answered, and they differ */
    char *post = sent_id("task:1:group:onebot:" GROUP);
    char *copy = sent_id("task:1:member:5");
    assert_true(post[0] && copy[0]);
    assert_string_not_equal(post, copy);
    size_t n = 0;
    struct du_rec *recs = du_records(&env.fake, &n);
    int posts = 0;
    for (size_t i = 0; i < n; i++)
        if (strcmp(recs[i].api, "onebot_group") == 0) {
            assert_string_equal(recs[i].to, GROUP);
            assert_non_null(strstr(recs[i].text, "周五前上报学习心得"));
            posts++;
        }
    free(recs);
    assert_int_equal(posts, 1);

    /* 收到 quoting another message (the private copy's id): chatter, no receipt, no reply */
    char msg[160];
    snprintf(msg, sizeof msg, "[CQ:reply,id=%s]收到", copy);
    assert_int_equal(group_says(msg), 204);
    snprintf(msg, sizeof msg, "[CQ:reply,id=%s9]收到", post);
    assert_int_equal(group_says(msg), 204);
    assert_int_equal(db("SELECT received_at FROM task_recipients WHERE task_id = 1 AND "
                        "member_id = 5"),
                     0);

    /* 收到 quoting the task's post: the receipt, silently */
    snprintf(msg, sizeof msg, "[CQ:reply,id=%s]收到", post);
    assert_int_equal(group_says(msg), 204);
    assert_true(db("SELECT received_at FROM task_recipients WHERE task_id = 1 AND "
                   "member_id = 5 AND channel = 'onebot'") > 0);
    long long at = db("SELECT received_at FROM task_recipients WHERE task_id = 1 AND "
                      "member_id = 5");
    assert_int_equal(group_says(msg), 204); /* again: one receipt */
    assert_int_equal(db("SELECT received_at FROM task_recipients WHERE task_id = 1 AND "
                        "member_id = 5"),
                     at);
    assert_int_equal(cli("task", "status", "1"), 0);
    assert_non_null(strstr(proc.out, "已收到 1/"));

    /* nothing was said into the group but the post itself */
    du_sleep_ms(300);
    assert_int_equal(db("SELECT count(*) FROM outbox WHERE rcpt = 'onebot_group'"), 1);
    recs = du_records(&env.fake, &n);
    posts = 0;
    for (size_t i = 0; i < n; i++)
        posts += strcmp(recs[i].api, "onebot_group") == 0;
    free(recs);
    assert_int_equal(posts, 1);
    free(post);
    free(copy);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_quote_of_the_post)};
    return cmocka_run_group_tests_name("e2e_tasks_quote", tests, setup, teardown);
}
