/*
 * Waiting without burning the pCPU: WFI, woken by any interrupt, and at
 * least every WAIT_TICK_US by the virtual timer (armed here, default PPI 27
 * handler). Interrupts are taken between checks, so conditions set by
 * interrupt handlers (SGIs) are seen. Needs this vCPU's GIC set up
 * (gic_ready); without it the wait polls. Do not use while a test owns the
 * virtual timer.
 */
#ifndef GUEST_WAIT_H
#define GUEST_WAIT_H

#include <stdbool.h>
#include <stdint.h>

#define WAIT_TICK_US 1000

typedef bool (*wait_cond_fn)(void *arg);

/* True once cond(arg) holds; false if timeout_us passed first. */
bool wait_until(wait_cond_fn cond, void *arg, uint64_t timeout_us);

/* Sleep in WFI for us microseconds (interrupts are handled meanwhile). */
void sleep_us(uint64_t us);

/* Common conditions: *(volatile uint32_t *)arg != 0 / arg points at a 64-bit
 * counter and a target: see struct wait_count. */
bool cond_flag_set(void *arg);

struct wait_count {
	const volatile uint64_t *counter;
	uint64_t target;
};
bool cond_count_reached(void *arg);

#endif
