/* log.c - leveled, request-tagged log lines on stderr (see log.h). */
#include "bot/base/log.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

static enum log_level min_level = LOG_INFO;
static _Thread_local uint64_t request_id;

void log_set_level(enum log_level lv)
{
    min_level = lv;
}

int log_parse_level(const char *s)
{
    static const char *const names[] = {"debug", "info", "warn", "error"};
    for (int i = 0; i < 4; i++)
        if (strcmp(s, names[i]) == 0)
            return i;
    return -1;
}

void log_set_request(uint64_t rid)
{
    request_id = rid;
}

uint64_t log_request(void)
{
    return request_id;
}

void log_msg(enum log_level lv, const char *fmt, ...)
{
    static const char *const tags[] = {"DEBUG", "INFO ", "WARN ", "ERROR"};
    if (lv < min_level)
        return;
    char line[2048];
    struct timespec ts;
    struct tm tm;
    clock_gettime(CLOCK_REALTIME, &ts);
    localtime_r(&ts.tv_sec, &tm); /* the configured zone (TZ, set from the config) */
    size_t off = strftime(line, sizeof line, "%Y-%m-%dT%H:%M:%S%z ", &tm);
    int n;
    if (request_id)
        n = snprintf(line + off, sizeof line - off, "%s [r%llu] ", tags[lv],
                     (unsigned long long)request_id);
    else
        n = snprintf(line + off, sizeof line - off, "%s ", tags[lv]);
    if (n > 0 && (size_t)n < sizeof line - off)
        off += (size_t)n;
    va_list ap;
    va_start(ap, fmt);
    n = vsnprintf(line + off, sizeof line - off - 1, fmt, ap);
    va_end(ap);
    if (n < 0)
        n = 0;
    off += (size_t)n < sizeof line - off - 1 ? (size_t)n : sizeof line - off - 2;
    line[off++] = '\n';
    fwrite(line, 1, off, stderr);
}

const char *log_quote(const char *s, size_t n, char *out, size_t outsz)
{
    static const char hex[] = "0123456789abcdef";
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        char tmp[4];
        size_t k = 0;
        if (c == '\\' || c == '"') {
            tmp[k++] = '\\';
            tmp[k++] = (char)c;
        } else if (c < 0x20 || c == 0x7f) {
            tmp[k++] = '\\';
            tmp[k++] = 'x';
            tmp[k++] = hex[c >> 4];
            tmp[k++] = hex[c & 15];
        } else {
            tmp[k++] = (char)c;
        }
        if (o + k + 4 > outsz) {
            memcpy(out + o, "...", 3);
            o += 3;
            break;
        }
        memcpy(out + o, tmp, k);
        o += k;
    }
    out[o] = '\0';
    return out;
}
