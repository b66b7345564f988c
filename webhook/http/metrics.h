/*
 * metrics.h - counters for GET /metrics, in Prometheus text format.
 *
 * Lock-free (atomic adds): requests by endpoint and status, request duration histogram by
 * endpoint, events by platform and kind, duplicates by platform; and delivery (stats.h): sends
 * by platform and result, token refreshes, outbox rows by status and platform, the oldest
 * pending row's age.
 */
#ifndef ZHIBU_METRICS_H
#define ZHIBU_METRICS_H

#include <stdbool.h>
#include <stdint.h>

#include "bot/base/buf.h"
#include "bot/chat/event.h"

enum endpoint {
    EP_WECHAT = 0,
    EP_ONEBOT,
    EP_QQBOT,
    EP_WXMINI,
    EP_HEALTHZ,
    EP_METRICS,
    EP_API,
    EP_OTHER,
    EP_COUNT
};

void metrics_request(enum endpoint ep, int status, int64_t duration_us);
void metrics_event(enum platform p, enum event_kind k, bool duplicate);
/* metrics_render - append the exposition text. */
int metrics_render(struct buf *b) ZB_MUST_USE;

#endif
