/*
 * RNDR where the CPU has it; else xoshiro256** with splitmix64 seeding,
 * written from the published algorithm descriptions (see entropy.h for
 * what each is and is not).
 */
#include "entropy.h"

/* RNDR tries per 64-bit word before that word falls back to the generator. */
#define RNDR_RETRIES 16

static uint64_t state[4];
static uint64_t seed_counter;
static bool rndr;

static uint64_t rotl(uint64_t x, unsigned int k)
{
	return (x << k) | (x >> (64 - k));
}

/* splitmix64: a well-mixed 64-bit value from a counter; turns a clock into a seed. */
static uint64_t splitmix64(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static uint64_t next(void)
{
	uint64_t result = rotl(state[1] * 5, 7) * 9;
	uint64_t t = state[1] << 17;

	state[2] ^= state[0];
	state[3] ^= state[1];
	state[1] ^= state[2];
	state[0] ^= state[3];
	state[2] ^= t;
	state[3] = rotl(state[3], 45);
	return result;
}

/*
 * RNDR (S3_3_C2_C4_0, named by encoding so -march=armv8-a assembles it):
 * true with a random word, false when the generator could not deliver one
 * in reasonable time (PSTATE.Z set, the value 0).
 */
static bool read_rndr(uint64_t *value)
{
	uint64_t v, nzcv;

	__asm__ volatile("mrs %0, s3_3_c2_c4_0\n\tmrs %1, nzcv" : "=r"(v), "=r"(nzcv) : : "cc");
	*value = v;
	return !(nzcv & (1ULL << 30));
}

static uint64_t next_word(void)
{
	uint64_t v;

	if (rndr)
		for (unsigned int i = 0; i < RNDR_RETRIES; i++)
			if (read_rndr(&v))
				return v;
	return next();
}

const char *entropy_source(void)
{
	return rndr ? "RNDR (FEAT_RNG)" : "xoshiro256**, not cryptographic";
}

void entropy_seed(uint64_t clock_ns, bool use_rndr)
{
	rndr = use_rndr;
	seed_counter = clock_ns;
	/* splitmix64 never yields four zeros in a row: the state is never all zero. */
	for (unsigned int i = 0; i < 4; i++)
		state[i] = splitmix64(&seed_counter);
}

void entropy_stir(uint64_t clock_ns)
{
	uint64_t x = clock_ns ^ seed_counter++;

	state[0] ^= splitmix64(&x);
	if (!(state[0] | state[1] | state[2] | state[3]))
		state[0] = 1;		/* the one state xoshiro cannot leave */
}

void entropy_fill(uint8_t *buf, size_t len)
{
	while (len) {
		uint64_t r = next_word();

		for (unsigned int i = 0; i < 8 && len; i++, len--) {
			*buf++ = (uint8_t)r;
			r >>= 8;
		}
	}
}
