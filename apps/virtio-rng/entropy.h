/*
 * The virtio-rng app's entropy. Where the CPU has FEAT_RNG (the hypervisor
 * says so in INIT: APP_HWCAP_RNDR), every byte comes from RNDR, the
 * processor's own random number generator, read directly at EL0. Elsewhere
 * (e.g. Cortex-A57) the fallback is xoshiro256** (Blackman and Vigna),
 * seeded through splitmix64 from the app clock and stirred with the clock
 * on every request: statistically good and NOT cryptographic, since the
 * clock is guessable (and under QEMU's -icount fully deterministic). See
 * docs/virtio.md.
 */
#ifndef VRNG_ENTROPY_H
#define VRNG_ENTROPY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Use RNDR (use_rndr) or seed the fallback from the clock (INIT and resets). */
void entropy_seed(uint64_t clock_ns, bool use_rndr);
/* The source entropy_fill uses, for the log. */
const char *entropy_source(void);
/* Mix the clock into the state (each request). */
void entropy_stir(uint64_t clock_ns);
/* Fill buf with len pseudo-random bytes. */
void entropy_fill(uint8_t *buf, size_t len);

#endif
