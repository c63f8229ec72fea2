/*
 * Host stand-in for hyp/include/arch/cpu.h (which is AArch64 inline
 * assembly), for the unit tests only: tests/unit/unit.mk puts
 * tests/unit/shim before hyp/include, so portable hypervisor code that
 * includes "arch/cpu.h" (through core/spinlock.h, core/percpu.h ...)
 * compiles on the host. Same names and signatures as the real header; keep
 * them in step with it.
 *
 * Interrupt masking is modelled by a per-thread flag, so tests can check
 * that code leaves interrupts as it found them (unit_shim_irqs_masked()).
 */
#ifndef ARCH_CPU_H
#define ARCH_CPU_H

#include <sched.h>

#include "lib/types.h"

struct percpu;

static inline struct percpu **unit_shim_percpu_slot(void)
{
	static _Thread_local struct percpu *p;

	return &p;
}

static inline bool *unit_shim_irq_flag(void)
{
	static _Thread_local bool masked;

	return &masked;
}

static inline bool unit_shim_irqs_masked(void)
{
	return *unit_shim_irq_flag();
}

static inline struct percpu *arch_percpu_get(void)
{
	return *unit_shim_percpu_slot();
}

static inline void arch_percpu_set(struct percpu *p)
{
	*unit_shim_percpu_slot() = p;
}

static inline uint64_t arch_read_mpidr(void)
{
	return 0;
}

/*
 * The clock: timer_now() is inline on top of this, so a test that needs
 * time (test_sched.c) defines unit_shim_now() and steers it.
 */
uint64_t unit_shim_now(void);

static inline uint64_t arch_counter_now(void)
{
	return unit_shim_now();
}

static inline uint64_t arch_counter_freq(void)
{
	return 62500000;
}

bool arch_has_vhe(void);

static inline void arch_wait_for_interrupt(void)
{
}

static inline void arch_irq_enable(void)
{
	*unit_shim_irq_flag() = false;
}

static inline void arch_irq_disable(void)
{
	*unit_shim_irq_flag() = true;
}

/* Returns the previous state: 1 masked, 0 not (the real one returns DAIF). */
static inline uint64_t arch_irq_save(void)
{
	uint64_t was = *unit_shim_irq_flag();

	*unit_shim_irq_flag() = true;
	return was;
}

static inline void arch_irq_restore(uint64_t flags)
{
	*unit_shim_irq_flag() = flags != 0;
}

/*
 * Yield the host CPU: tests run more spinning threads than the host has
 * cores, and a ticket lock convoys badly if waiters keep their timeslice.
 */
static inline void arch_cpu_relax(void)
{
	sched_yield();
}

static inline __noreturn void arch_park(void)
{
	for (;;)
		arch_cpu_relax();
}

#endif
