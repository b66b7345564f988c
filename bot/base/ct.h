/*
 * ct.h - constant-time comparison of secrets and signatures.
 *
 * Use these, never memcmp/strcmp, whenever one side is a secret or a value derived from one.
 */
#ifndef ZHIBU_CT_H
#define ZHIBU_CT_H

#include <stdbool.h>
#include <stddef.h>

/* ct_memeq - true when the n bytes at a and b are equal; time depends only on n. */
bool ct_memeq(const void *a, const void *b, size_t n);
/* ct_streq - true when the C strings are equal; time depends only on the lengths. */
bool ct_streq(const char *a, const char *b);

#endif
