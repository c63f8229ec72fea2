/*
 * EL0 apps (docs/app-abi.md, abi/app.h): device emulators and services
 * that serve one domain from EL0. When a vCPU of the domain traps on one of
 * an app's MMIO or HVC/SMC ranges, the app runs on that pCPU, on that
 * vCPU's time (charged to it), and the vCPU resumes with the answer. Apps
 * are not domains: never scheduled, not in the domain list.
 */
#ifndef CORE_APP_H
#define CORE_APP_H

#include <stdatomic.h>

#include "core/domain.h"
#include "core/percpu.h"

/* Create and initialise the apps of d's manifest. 0, or -1 with the reason printed. */
int apps_create(struct domain *d);

/*
 * An HVC/SMC of v: if an app of its domain serves regs[0]'s function ID,
 * run it (x0..x6 in regs, results in regs[0..3]) and return true.
 */
bool apps_handle_call(struct vcpu *v, uint64_t regs[7]);

/*
 * Deliver timer and console-input events that arrived on this pCPU. Called
 * at safe points of the run loop (never from an app). Returns the counter
 * ticks spent (charged to the apps' domains, not to a loaded vCPU). Inline
 * check first: the run loop asks after every guest exit.
 */
extern _Atomic bool apps_deferred_pending[PLATFORM_MAX_CPUS];
uint64_t apps_run_deferred_now(void);

static inline uint64_t apps_run_deferred(void)
{
	if (!atomic_load_explicit(&apps_deferred_pending[this_cpu_id()], memory_order_relaxed))
		return 0;
	return apps_run_deferred_now();
}

/* Console input for domain d: to its `console` app. False if it has none. */
bool apps_console_input(struct domain *d, uint8_t c);
bool apps_have_console(const struct domain *d);

/* The domain stops (SYSTEM_OFF) or resets: timers, mappings, lines released; RESET event. */
void apps_domain_stop(struct domain *d);
void apps_domain_reset(struct domain *d);

/* The app listing (console command `apps`). */
void apps_print(void);

#endif
