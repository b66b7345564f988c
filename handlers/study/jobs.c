/*
 * jobs.c - the daily digest: once the local time passes study.digest_time, every subscribed
 * member gets one message (notify, urgent, key study:digest:member:M:DAY) with the digest's
 * sections - today's study item first - and the items notify() folded for them. A WeChat
 * template carries the title and a signed link, never a truncated body.
 */
#include "handlers/study/jobs.h"

#include <stdio.h>
#include <string.h>

#include "bot/delivery/digest.h"
#include "bot/delivery/link.h"
#include "bot/delivery/notify.h"
#include "handlers/study/chat.h"
#include "handlers/study/study.h"

/* today_section - the newest unread item for the member: its title and a link. */
static int today_section(int64_t member_id, int64_t now, struct buf *out)
{
    struct study_entry e[STUDY_PAST_SHOWN];
    size_t n = 0;
    int rc = study_for_member(member_id, e, STUDY_PAST_SHOWN, &n);
    if (rc)
        return rc;
    for (size_t i = 0; i < n; i++)
        if (!e[i].read) {
            char url[LINK_URL_MAX] = "", obj[24];
            snprintf(obj, sizeof obj, "%lld", (long long)e[i].id);
            if (link_sign("s", member_id, obj, now + STUDY_LINK_TTL_S, url, sizeof url))
                url[0] = '\0';
            return buf_appendf(out, "今日学习：《%s》\n%s%s", e[i].title,
                               url[0] ? url : "回复“学习”阅读", url[0] ? "" : "")
                       ? ZB_ETOOBIG
                       : ZB_OK;
        }
    return ZB_OK;
}

static const struct sched_job digest_job = {"study.digest", SCHED_MINUTE, 0, study_digest_run,
                                            NULL};

int study_jobs(void)
{
    int rc = digest_register_section("study", today_section);
    if (rc && rc != ZB_EINVAL) /* registered by an earlier call in this process */
        return rc;
    return scheduler_register(&digest_job);
}

int study_digest_run(const struct sched_tick *t, void *arg)
{
    (void)arg;
    int hh = 7, mm = 30;
    if (sscanf(study_settings()->digest_time, "%d:%d", &hh, &mm) != 2)
        return ZB_EINVAL;
    if (t->local.tm_hour * 60 + t->local.tm_min < hh * 60 + mm)
        return ZB_OK;
    char day[16];
    study_day(t->now, day, sizeof day);
    int64_t ids[STUDY_DIGEST_BATCH];
    size_t n = 0;
    int rc = study_subscribers(day, ids, STUDY_DIGEST_BATCH, &n);
    for (size_t i = 0; i < n && !rc; i++) {
        struct buf text;
        buf_init(&text, DIGEST_TEXT_MAX);
        bool any = false;
        int64_t upto = 0;
        rc = digest_build(ids[i], t->now, &text, &any, &upto);
        if (!rc && any) {
            char key[NOTIFY_KEY_MAX], url[LINK_URL_MAX] = "";
            snprintf(key, sizeof key, "study:digest:member:%lld:%s", (long long)ids[i], day);
            const char *u = strstr(buf_str(&text), "http");
            if (u) {
                size_t ul = strcspn(u, "\n");
                snprintf(url, sizeof url, "%.*s", (int)(ul < sizeof url ? ul : 0), u);
            }
            if (!buf_appendz(&text, "\n回复“退订”不再接收。")) {
                struct notify_fields f = {.title = "每日学习提要",
                                          .time = day,
                                          .link = url[0] ? url : NULL,
                                          .text = buf_str(&text)};
                struct notify_result res = {0};
                rc = notify_send(ids[i], "study.digest", NOTIFY_URGENT, key, &f, &res);
                if (rc == ZB_ENOTFOUND)
                    rc = ZB_OK;
                else if (!rc && upto && res.outcome == NOTIFY_QUEUED)
                    rc = notify_release_folded(ids[i], upto, res.outbox_id, NULL);
            }
        }
        if (!rc)
            rc = study_digest_mark(ids[i], day, t->now);
        buf_free(&text);
    }
    return rc;
}
