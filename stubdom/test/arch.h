/*
 * Host stand-ins for stubdom/arm64/arch.h, for runtime_test.c: the ring is
 * a test variable, a completion is recorded instead of made, and waiting
 * is not needed (the test calls stub_serve itself).
 */
#ifndef STUBDOM_ARCH_H
#define STUBDOM_ARCH_H

#include <stdint.h>

#include "abi/stubdom.h"

struct test_completion {
	uint64_t seq;
	uint64_t res[4];
};

extern struct stub_ring *test_ring;
void test_complete(uint64_t seq, uint64_t r0, uint64_t r1, uint64_t r2, uint64_t r3);

static inline const struct stub_ring *stub_ring(void)
{
	return test_ring;
}

static inline void stub_complete(uint64_t seq, uint64_t r0, uint64_t r1, uint64_t r2,
				 uint64_t r3)
{
	test_complete(seq, r0, r1, r2, r3);
}

static inline void stub_wait(void)
{
}

#endif
