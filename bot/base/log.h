/*
 * log.h - the one log entry point.
 *
 * Lines go to stderr as "2026-11-27T05:30:00Z INFO  [r42] text". Levels below the configured one
 * are dropped before formatting. Outside bytes must pass through log_quote() first; tokens, keys,
 * signatures and decrypted bodies are never logged above LOG_DEBUG.
 */
#ifndef ZHIBU_LOG_H
#define ZHIBU_LOG_H

#include <stddef.h>
#include <stdint.h>

enum log_level { LOG_DEBUG = 0, LOG_INFO = 1, LOG_WARN = 2, LOG_ERROR = 3 };

void log_set_level(enum log_level lv);
/* log_parse_level - "debug|info|warn|error" to a level; -1 when unknown. */
int log_parse_level(const char *s);
/* log_set_request - tag this thread's following lines with request id rid (0 clears). */
void log_set_request(uint64_t rid);
uint64_t log_request(void);

void log_msg(enum log_level lv, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#define log_debug(...) log_msg(LOG_DEBUG, __VA_ARGS__)
#define log_info(...)  log_msg(LOG_INFO, __VA_ARGS__)
#define log_warn(...)  log_msg(LOG_WARN, __VA_ARGS__)
#define log_error(...) log_msg(LOG_ERROR, __VA_ARGS__)

/*
 * log_quote - copy at most n bytes of s into out (size outsz >= 8) for a log line: control bytes,
 * quotes and backslashes escaped, cut with "..." when it does not fit. Returns out.
 */
const char *log_quote(const char *s, size_t n, char *out, size_t outsz);

#endif
