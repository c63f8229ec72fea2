/*
 * The virtio-rng app's generator: xoshiro256** (Blackman and Vigna),
 * seeded through splitmix64 from the app clock and stirred with the clock
 * on every request. It is statistically good and NOT cryptographic: the
 * clock is guessable (and under QEMU's -icount fully deterministic). See
 * docs/virtio.md for why and what would make it real.
 */
#ifndef VRNG_ENTROPY_H
#define VRNG_ENTROPY_H

#include <stddef.h>
#include <stdint.h>

/* Seed from the clock (INIT and resets). */
void entropy_seed(uint64_t clock_ns);
/* Mix the clock into the state (each request). */
void entropy_stir(uint64_t clock_ns);
/* Fill buf with len pseudo-random bytes. */
void entropy_fill(uint8_t *buf, size_t len);

#endif
