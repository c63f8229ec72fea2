/* Running vCPUs: the per-pCPU run loop and the events that drive it. */
#ifndef CORE_VCPU_H
#define CORE_VCPU_H

#include "core/domain.h"

/* Each pCPU's life once domains exist: pick a vCPU, run it, handle its exits. */
void pcpu_run_loop(void) __noreturn;

/* Per-pCPU setup for running guests (EL2 controls, vtimer and vGIC PPIs). */
void vcpu_cpu_init(void);

/* One-time setup (interrupt handlers). */
int vcpu_global_init(void);

/* Put v in its power-on state at entry with x0 = context, and make it runnable. */
void vcpu_power_on(struct vcpu *v, uint64_t entry, uint64_t context);

/* Trap handlers' verdicts. */
void vcpu_block_in_wfi(struct vcpu *v);	/* WFI with nothing pending */
void vcpu_power_off(struct vcpu *v);	/* PSCI CPU_OFF */

/*
 * The access v waits for is answered (v->io.ok and res filled): mark it done
 * and wake v if it already blocked. Any pCPU, any context.
 */
void vcpu_io_complete(struct vcpu *v);

/* Whether v's state is on some pCPU right now. */
bool vcpu_is_loaded(const struct vcpu *v);

/* Once per vCPU at creation: bind its software timers to it. */
void vcpu_bind_events(struct vcpu *v);

/* Ticks of the counter to nanoseconds, for reports. */
uint64_t ticks_to_ns(uint64_t ticks);

#endif
