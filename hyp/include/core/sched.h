/*
 * The vCPU scheduler: each vCPU belongs to one pCPU (its manifest affinity,
 * or a spread placement) and each pCPU runs a weighted-fair policy over its
 * own vCPUs: the runnable vCPU that has received the least weighted time
 * runs next, for at most one time slice (SCHED_SLICE_US), preempted by the
 * pCPU's EL2 timer.
 */
#ifndef CORE_SCHED_H
#define CORE_SCHED_H

#include <stdatomic.h>

#include "core/domain.h"
#include "core/percpu.h"

#define SCHED_SLICE_US 4000
#define SCHED_WEIGHT_DEFAULT 256

void sched_init(void);

/* Attach a vCPU to its pCPU's run queue (any state). */
void sched_attach(struct vcpu *v);

/* The next vCPU to run on this pCPU, or NULL to idle. */
struct vcpu *sched_pick(void);

/* Charge ticks of run time to v (weighted). */
void sched_charge(struct vcpu *v, uint64_t ticks);

/* Begin a slice for v on this pCPU (arms the slice timer). */
void sched_start_slice(struct vcpu *v);

/* True when the running vCPU should give up the pCPU. */
extern _Atomic bool sched_need_resched[PLATFORM_MAX_CPUS];
static inline bool sched_should_yield(void)
{
	/* Relaxed: a request seen one exit late only delays the switch by that exit. */
	return atomic_load_explicit(&sched_need_resched[this_cpu_id()], memory_order_relaxed);
}

/* v became runnable (CPU_ON, wake-up from WFI): enqueue and kick its pCPU. */
void sched_wake(struct vcpu *v);

/* Ask the pCPU to run the scheduler at its next opportunity. */
void sched_request_resched(unsigned cpu);

#endif
