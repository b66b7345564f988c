/* rand.h - cryptographically secure random bytes from the kernel (getrandom). */
#ifndef ZHIBU_RAND_H
#define ZHIBU_RAND_H

#include <stddef.h>
#include <stdint.h>

/* rand_bytes - fill p with n random bytes; aborts if the kernel cannot provide them. */
void rand_bytes(void *p, size_t n);
/* rand_u64 - one random 64-bit value. */
uint64_t rand_u64(void);

#endif
