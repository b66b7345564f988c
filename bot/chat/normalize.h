/*
 * normalize.h - the text normaliser that lets older members type keywords any way they can.
 *
 * Applied to a message before keyword and menu matching (the event log keeps the raw text):
 *  - full-width ASCII (U+FF01..U+FF5E) to half-width, U+3000 ideographic space to a space;
 *  - ASCII letters folded to lower case;
 *  - runs of whitespace (space, tab, CR, LF, U+3000, NBSP) collapsed to one space;
 *  - leading and trailing spaces and punctuation trimmed (ASCII . , ! ? ; : ~ ' " and Chinese
 *    。，、！？；：～…·“”‘’) — but a message that is only punctuation keeps its first mark, so
 *    "?" (and its full-width form) survives; "+" is never trimmed;
 *  - a run of four or more single Chinese digits (零〇一二两三...九, as voice recognition
 *    spells a code) becomes ASCII digits: "绑定二零五五四三" -> "绑定205543";
 *  - a whole message that is a Chinese numeral from 零 to 九十九 (零 〇 一 二 两 三 ... 十, 十一,
 *    二十, 二十三) becomes its digits: "一" -> "1", "十二" -> "12", "零" -> "0";
 *  - invalid UTF-8 bytes and NUL are dropped. The output is never longer than the input.
 */
#ifndef ZHIBU_NORMALIZE_H
#define ZHIBU_NORMALIZE_H

#include <stddef.h>

/* normalize_text - the normalised form of len bytes at s; NUL-terminated, caller frees. */
char *normalize_text(const char *s, size_t len);

#endif
