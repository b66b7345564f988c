/* err.c - descriptions of the shared error codes: English for log lines, Chinese for people. */
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

const char *zb_strerror_zh(int rc)
{
    switch (rc) {
    case ZB_OK:
        return "成功";
    case ZB_EINVAL:
        return "内容不对";
    case ZB_ETOOBIG:
        return "超过长度或数量上限";
    case ZB_EPARSE:
        return "格式不对";
    case ZB_ESIG:
        return "签名不对";
    case ZB_ECRYPTO:
        return "解密失败";
    case ZB_EAPPID:
        return "不是本公众号的消息";
    case ZB_ESTALE:
        return "已过期";
    case ZB_EDB:
        return "数据库出错";
    case ZB_EIO:
        return "读写或网络出错";
    case ZB_ENOTFOUND:
        return "没有找到";
    case ZB_ECONFIG:
        return "配置有误";
    case ZB_EDENIED:
        return "没有权限";
    case ZB_EBUSY:
        return "正忙，请稍后再试";
    case ZB_ENESTED:
        return "内部错误（事务嵌套）";
    case ZB_EDONE:
        return "已经处理过了";
    default:
        return "未知错误";
    }
}
