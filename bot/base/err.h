/*
 * err.h - the one error enum of zhibu.
 *
 * Fallible functions return 0 (ZB_OK) on success or one of the negative codes below; functions
 * returning pointers return NULL on failure instead. ZB_MUST_USE marks results that must be read.
 */
#ifndef ZHIBU_ERR_H
#define ZHIBU_ERR_H

#define ZB_MUST_USE __attribute__((warn_unused_result))

enum zb_err {
    ZB_OK = 0,
    ZB_EINVAL = -1,     /* bad argument or malformed input */
    ZB_ETOOBIG = -2,    /* a named size cap was hit */
    ZB_EPARSE = -3,     /* outside input does not parse (XML, JSON, CSV, base64) */
    ZB_ESIG = -4,       /* signature missing or mismatched */
    ZB_ECRYPTO = -5,    /* decryption failed: bad length, padding or layout */
    ZB_EAPPID = -6,     /* decrypted receive-id is not ours */
    ZB_ESTALE = -7,     /* timestamp outside the accepted window */
    ZB_EDB = -8,        /* SQLite failed */
    ZB_EIO = -9,        /* file, socket or HTTP transport failed */
    ZB_ENOTFOUND = -10, /* no such row, key or file */
    ZB_ECONFIG = -11,   /* configuration invalid */
    ZB_EDENIED = -12,   /* caller lacks the role for this action */
    ZB_EBUSY = -13,     /* try again later (rate limit, lock) */
    ZB_ENESTED = -14,   /* a transaction was begun inside this thread's open transaction */
    ZB_EDONE = -15,     /* already done: the object is no longer open (a decided decision) */
};

/* zb_strerror - a short English description of rc, for logs. Static storage; never NULL. */
const char *zb_strerror(int rc);
/* zb_strerror_zh - the same in plain Chinese, for what an operator or secretary reads (CLI
 * errors). Static storage; never NULL. */
const char *zb_strerror_zh(int rc);

#endif
