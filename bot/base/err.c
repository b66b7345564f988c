/* err.c - descriptions of the shared error codes, for log lines. */
#include "bot/base/err.h"

const char *zb_strerror(int rc)
{
    switch (rc) {
    case ZB_OK:
        return "ok";
    case ZB_EINVAL:
        return "invalid argument";
    case ZB_ETOOBIG:
        return "size limit exceeded";
    case ZB_EPARSE:
        return "parse error";
    case ZB_ESIG:
        return "bad signature";
    case ZB_ECRYPTO:
        return "decryption failed";
    case ZB_EAPPID:
        return "receive-id mismatch";
    case ZB_ESTALE:
        return "timestamp outside window";
    case ZB_EDB:
        return "database error";
    case ZB_EIO:
        return "i/o error";
    case ZB_ENOTFOUND:
        return "not found";
    case ZB_ECONFIG:
        return "configuration error";
    case ZB_EDENIED:
        return "permission denied";
    case ZB_EBUSY:
        return "busy";
    case ZB_ENESTED:
        return "nested transaction";
    case ZB_EDONE:
        return "already done";
    default:
        return "unknown error";
    }
}
