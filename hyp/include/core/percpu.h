/* Per-CPU state. Each CPU reaches its own through TPIDR_EL2. */
#ifndef CORE_PERCPU_H
#define CORE_PERCPU_H

#include <stdatomic.h>
#include "arch/cpu.h"
#include "core/platform.h"
#include "lib/types.h"

typedef void (*cpu_work_fn)(void *arg);

struct percpu {
	unsigned cpu;			/* logical index; the boot CPU is 0 */
	uint64_t mpidr;
	_Atomic bool online;

	/* Work handed to this CPU by smp_call() (core/smp.c). */
	_Atomic(cpu_work_fn) work;
	void *work_arg;
	_Atomic unsigned work_done;	/* generation counter */

	/*
	 * The EL2 timer (drivers/timer.c, core/timer_event.c): the deadline
	 * its comparator holds (UINT64_MAX while masked), and a guard deadline
	 * it must fire at besides the event queue (0: none; an app's budget).
	 */
	uint64_t timer_cval;
	uint64_t timer_guard;

	/* Fault probing (arch/probe.h): the last ESR a probe saw. */
	uint64_t probe_esr;

	/* Counters. */
	_Atomic uint64_t irqs;
	_Atomic uint64_t timer_irqs;
	_Atomic uint64_t sgis;
};

extern struct percpu percpu_data[PLATFORM_MAX_CPUS];

static inline struct percpu *this_cpu(void)
{
	return arch_percpu_get();
}

static inline unsigned this_cpu_id(void)
{
	return this_cpu()->cpu;
}

#endif
