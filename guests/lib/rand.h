/* Deterministic pseudo-random numbers (xorshift64*): same seed, same run. */
#ifndef GUEST_RAND_H
#define GUEST_RAND_H

#include <stdint.h>

struct rng {
	uint64_t state;
};

static inline void rng_seed(struct rng *r, uint64_t seed)
{
	r->state = seed ? seed : 0x9e3779b97f4a7c15ULL;
}

static inline uint64_t rng_next(struct rng *r)
{
	uint64_t x = r->state;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	r->state = x;
	return x * 0x2545f4914f6cdd1dULL;
}

/* Uniform enough in [0, n) for test purposes (n > 0). */
static inline uint64_t rng_below(struct rng *r, uint64_t n)
{
	return rng_next(r) % n;
}

/* In [lo, hi). */
static inline uint64_t rng_range(struct rng *r, uint64_t lo, uint64_t hi)
{
	return lo + rng_below(r, hi - lo);
}

#endif
