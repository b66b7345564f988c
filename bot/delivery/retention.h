/*
 * retention.h - the daily clean-up job of the scheduler: expired conversations and "+ more"
 * pages, REST tokens a week past their expiry or revocation, and delivered outbox rows older than
 * outbox.keep_days (failed and unreachable rows are kept: secretaries follow them up). Runs once a
 * day at 04:00 in the configured time zone.
 */
#ifndef ZHIBU_RETENTION_H
#define ZHIBU_RETENTION_H

#include "bot/base/err.h"

/* retention_register - register the job with the scheduler; keep_days 0 keeps sent rows. */
int retention_register(long keep_days) ZB_MUST_USE;

#endif
