/*
 * internal.h - what quiz.c shares with the tests of the quiz capability; not
 * for other capabilities.
 */
#ifndef ZHIBU_QUIZ_INTERNAL_H
#define ZHIBU_QUIZ_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "bot/base/err.h"
#include "handlers/quiz/quiz.h"

/* quiz_question_by_id - question id into *q; ZB_ENOTFOUND, ZB_EDB. */
int quiz_question_by_id(int64_t id, struct quiz_question *q) ZB_MUST_USE;
/* quiz_pick - up to n published question ids reaching org, avoiding member's recent rounds
 * (member 0: none) first; *got the count. */
int quiz_pick(int64_t member_id, int64_t org, int n, int64_t *ids, int *got) ZB_MUST_USE;
/* quiz_points_for - the points a right answer earns now (0 past the daily cap). */
int quiz_points_for(int64_t member_id, int64_t now, int *pts) ZB_MUST_USE;
/* quiz_answer_add - record an answer; ZB_EDONE when that question was answered already. */
int quiz_answer_add(int64_t member_id, int64_t qid, int64_t round, int64_t contest, int seq,
                    const char *given, bool correct, int points, int64_t now) ZB_MUST_USE;

#endif
