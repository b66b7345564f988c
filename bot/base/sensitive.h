/*
 * sensitive.h - the sensitive-word matcher: every word of a list found in a text, in one pass.
 *
 * A list is built once (sensitive_build, or sensitive_load from a file with one word per line)
 * into an Aho-Corasick automaton over Unicode code points, so a scan is linear in the text
 * whatever the size of the list. Matching sees through the usual evasions: the text and the
 * words are both reduced to their significant characters before matching - whitespace,
 * punctuation and symbols (ASCII and CJK, full-width and half-width) are skipped, full-width
 * letters and digits fold to ASCII, ASCII letters fold to lower case, and a character repeated
 * in a row counts once where the word does not repeat it ("法 轮-功", "ＦＡＬＵＮ", "法法轮功"
 * all match "法轮功"; "哈哈" matches "哈 哈" and "哈哈哈", never a lone "哈"). A hit reports
 * the span of the original text it covers, so a face can show the word and where it stands.
 *
 * A built list is read-only: any number of threads may scan it at once.
 */
#ifndef ZHIBU_SENSITIVE_H
#define ZHIBU_SENSITIVE_H

#include <stddef.h>

#include "bot/base/err.h"

#define SENSITIVE_WORD_MAX  256         /* bytes of one word; longer lines are refused */
#define SENSITIVE_WORDS_MAX 1000000     /* words in one list */
#define SENSITIVE_FILE_MAX  (64u << 20) /* bytes of a list file */

struct sensitive; /* a built list (opaque) */

/* One word found. */
struct sensitive_hit {
    size_t word;  /* index of the word in the list (sensitive_word) */
    size_t start; /* byte offset in the text of its first character */
    size_t end;   /* byte offset just past its last character */
    size_t pos;   /* its first character's position in the text, counted in characters from 0 */
};

/*
 * sensitive_build - a list of n words (UTF-8; duplicates and words with no significant
 * character are skipped). NULL (logged) for a word over SENSITIVE_WORD_MAX bytes or invalid
 * UTF-8, or more than SENSITIVE_WORDS_MAX words. Caller frees with sensitive_free.
 */
struct sensitive *sensitive_build(const char *const *words, size_t n);

/*
 * sensitive_load - the list in file path: UTF-8, one word per line, blank lines and lines
 * starting with '#' ignored, CR LF accepted. NULL on failure with a Chinese reason in err
 * (naming the line). Caller frees with sensitive_free.
 */
struct sensitive *sensitive_load(const char *path, char *err, size_t errsz);

/* sensitive_count - the words in the list. */
size_t sensitive_count(const struct sensitive *s);
/* sensitive_word - word i as given (owned by the list), NULL past the end. */
const char *sensitive_word(const struct sensitive *s, size_t i);

/*
 * sensitive_scan - find the words of s in text (len bytes; invalid UTF-8 bytes count as
 * significant characters of their own). Up to max hits go to hits in text order (each end
 * position once per word; overlapping words are all reported); *n receives how many were
 * stored and *total (may be NULL) how many there were. ZB_OK; ZB_EINVAL for NULL arguments.
 */
int sensitive_scan(const struct sensitive *s, const char *text, size_t len,
                   struct sensitive_hit *hits, size_t max, size_t *n, size_t *total) ZB_MUST_USE;

/* sensitive_free - release s (NULL is fine). */
void sensitive_free(struct sensitive *s);

#endif
