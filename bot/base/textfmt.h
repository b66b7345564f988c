/*
 * textfmt.h - small formatting helpers for what the CLI prints: local times, one-line excerpts
 * of stored text, columns measured in terminal cells; and the one check for a run of decimal
 * digits.
 */
#ifndef ZHIBU_TEXTFMT_H
#define ZHIBU_TEXTFMT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* textfmt_time - Unix seconds t as "YYYY-MM-DD HH:MM:SS" in the process time zone (TZ). */
void textfmt_time(int64_t t, char *out, size_t n);

/* textfmt_excerpt - print s on one line to f: newlines shown as "⏎", other control bytes
 * dropped, cut after max bytes at a UTF-8 boundary with "…". */
void textfmt_excerpt(FILE *f, const char *s, size_t max);

/* What every continuation line of a multi-line value starts with in a listing (after the
 * entry's own indent), so that a line break in stored text cannot forge a listing line. */
#define TEXTFMT_CONT "  | "

/*
 * textfmt_clean - print s to f as textfmt_block with no indent: without terminal control
 * characters (C0 but newline and tab, DEL, and the C1 range U+0080..U+009F) and bidirectional
 * controls, each continuation line starting with TEXTFMT_CONT; a trailing newline is dropped.
 */
void textfmt_clean(FILE *f, const char *s);

/* textfmt_block - textfmt_clean with each continuation line starting with indent, then
 * TEXTFMT_CONT: the one way a CLI listing prints a stored multi-line value. */
void textfmt_block(FILE *f, const char *s, const char *indent);

/*
 * textfmt_bidi_len - bytes of the bidirectional control character at s (U+061C, U+200E,
 * U+200F, U+202A..U+202E, U+2066..U+2069 as UTF-8), 0 when s starts with anything else. Listings
 * drop them: a U+202E in a member's text could reverse what the secretary reads.
 */
size_t textfmt_bidi_len(const char *s);

/*
 * textfmt_width - the terminal columns UTF-8 text s takes: East Asian wide and fullwidth
 * characters (CJK ideographs, kana, hangul, fullwidth forms, CJK punctuation such as "，" and
 * "（") take two, combining marks and zero-width characters none, control bytes none, anything
 * else one. A byte that does not start a valid UTF-8 sequence counts one.
 */
size_t textfmt_width(const char *s);

/* textfmt_pad - print s to f, then spaces up to width columns (textfmt_width); nothing extra
 * when s is already that wide or wider. */
void textfmt_pad(FILE *f, const char *s, size_t width);

/*
 * textfmt_digits - true when s is min_len to max_len (0: no upper cap) ASCII decimal digits;
 * with lead_zero false, the first may not be '0' (QQ numbers, group numbers).
 */
bool textfmt_digits(const char *s, size_t min_len, size_t max_len, bool lead_zero);

#endif
