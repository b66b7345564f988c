/* page.c - the meeting's H5 page (see page.h). */
#include "handlers/meetings/page.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bot/base/html.h"
#include "bot/delivery/link.h"
#include "handlers/meetings/meetings.h"
#include "handlers/meetings/when.h"

void meetings_link(int64_t id, int64_t member_id, int64_t starts_at, char *out, size_t outsz)
{
    char obj[24];
    snprintf(obj, sizeof obj, "%lld", (long long)id);
    if (link_sign("m", member_id, obj, starts_at + MEETINGS_LINK_DAYS * 86400, out, outsz))
        out[0] = '\0';
}

static int short_page(struct buf *html, int *status, int code, const char *text)
{
    *status = code;
    int rc = html_head(html, "支部会议");
    if (!rc)
        rc = buf_appendf(html, "<p>%s</p>", text);
    return rc ? rc : html_tail(html);
}

/* state_of - the member's own state in meeting id: 0 not an attendee, else 1 + attend_state. */
static int state_of(int64_t member_id, int64_t id, int64_t now, int *state)
{
    struct meetings_row rows[32];
    size_t n = 0;
    *state = 0;
    for (int past = 0; past < 2 && !*state; past++) {
        int rc = meetings_for_member(member_id, now, past, rows, 32, &n);
        if (rc)
            return rc;
        for (size_t i = 0; i < n; i++)
            if (rows[i].m.id == id)
                *state = 1 + (int)rows[i].state;
    }
    return ZB_OK;
}

int meetings_page(const char *method, const char *path, const char *m, const char *e,
                  const char *sig, int64_t now, int *status, struct buf *html)
{
    struct link_claim claim;
    int rc = link_verify(path, m, e, sig, now, &claim);
    if (rc == ZB_ESTALE)
        return short_page(html, status, 410, "这个链接已过期。请在聊天中发送“会议”查看。");
    if (rc == ZB_EPARSE)
        return short_page(html, status, 400, "链接不完整，请从消息里重新打开。");
    if (rc)
        return short_page(html, status, 403, "链接无效，请从消息里重新打开。");
    char *end = NULL;
    long long id = strtoll(claim.object, &end, 10);
    struct meeting mt;
    if (*end || id <= 0 || (rc = meetings_get(id, &mt)) == ZB_ENOTFOUND)
        return short_page(html, status, 404, "没有这个会议。");
    if (rc)
        return rc;
    const char *note = NULL;
    if (strcmp(method, "POST") == 0) {
        rc = meetings_checkin(claim.member_id, id, "", "page", now, NULL);
        note = rc == ZB_OK      ? "签到成功。"
               : rc == ZB_EDONE ? "您已经签过到了。"
               : rc == ZB_ESTALE ? "现在不在签到时间内（会前后半小时内可以签到）。"
               : rc == ZB_ESIG ? "这次会议需要签到码，请在聊天中发送“签到 签到码”。"
               : rc == ZB_ENOTFOUND ? "这个会议没有安排您参加。"
                                    : NULL;
        if (!note)
            return rc;
    }
    int state = 0;
    if ((rc = state_of(claim.member_id, id, now, &state)))
        return rc;
    if (!state)
        return short_page(html, status, 403, "这个会议没有安排您参加。");
    char when[64];
    when_format(mt.starts_at, when, sizeof when);
    *status = 200;
    rc = html_head(html, meeting_kind_name(mt.kind));
    if (!rc)
        rc =
            buf_appendf(html, "<h1>%s</h1><p>时间：%s<br>地点：", meeting_kind_name(mt.kind), when);
    if (!rc)
        rc = html_escape(html, mt.place);
    if (!rc && mt.topic[0] && !(rc = buf_appendz(html, "<br>内容：")))
        rc = html_escape(html, mt.topic);
    if (!rc)
        rc = buf_appendz(html, "</p>");
    if (!rc && mt.status == MS_CANCELLED)
        rc = buf_appendz(html, "<p><b>这个会议已取消。</b></p>");
    if (!rc && note)
        rc = buf_appendf(html, "<p><b>%s</b></p>", note);
    if (!rc && mt.status != MS_CANCELLED)
        rc = state == 1 + AS_PRESENT ? buf_appendz(html, "<p>您已签到。</p>")
             : state == 1 + AS_LEAVE
                 ? buf_appendz(html, "<p>您已请假。</p>")
                 : buf_appendz(html, "<form method=\"post\"><button type="
                                     "\"submit\">签到</button></form>"
                                     "<p>不能参加请在聊天中回复：请假 原因</p>");
    return rc ? rc : html_tail(html);
}
