/*
 * The Arm generic timer, EL2 physical timer (CNTHP_*): the hypervisor's own
 * per-CPU timer. Guests keep the EL1 physical and virtual timers.
 */
#ifndef DRIVERS_TIMER_H
#define DRIVERS_TIMER_H

#include "arch/cpu.h"
#include "core/platform.h"
#include "lib/types.h"

typedef void (*timer_callback_fn)(void);

int timer_init(const struct platform *plat);	/* once, boot CPU */
void timer_init_cpu(void);			/* every CPU */
/* Ticks of the physical counter; inline: the run loop and app path read it often. */
static inline uint64_t timer_now(void)
{
	return arch_counter_now();
}
uint64_t timer_frequency(void);			/* ticks per second */
uint64_t timer_us_to_ticks(uint64_t us);
void timer_arm_at(uint64_t deadline);		/* one-shot, absolute ticks */
void timer_cancel(void);
/* Called in interrupt context on the CPU whose timer fired (may be NULL). */
void timer_set_callback(timer_callback_fn fn);

#endif
