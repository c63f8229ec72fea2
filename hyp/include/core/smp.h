/* Bringing up the other CPUs and handing them work. */
#ifndef CORE_SMP_H
#define CORE_SMP_H

#include "core/percpu.h"
#include "core/platform.h"

/* Start every CPU the platform lists; returns how many are online. */
unsigned smp_boot_secondaries(const struct platform *plat);

unsigned smp_online_count(void);
unsigned smp_cpu_count(void);

/*
 * Run fn(arg) on CPU cpu (the caller's own included) and wait until it
 * has returned. Other CPUs pick the work up from their idle loop, woken by
 * an SGI.
 */
void smp_call(unsigned cpu, cpu_work_fn fn, void *arg);

/* Run fn(arg) on every online CPU at once (the caller too), wait for all. */
void smp_call_all(cpu_work_fn fn, void *arg);

/* From now on every online pCPU runs vCPUs (pcpu_run_loop). */
void smp_run_guests_everywhere(void);

/* The idle loop of a CPU with nothing to do: runs handed work, else WFI. */
void cpu_idle_loop(void) __noreturn;

/* Do any work handed to this CPU (from idle loops that also do other things). */
void smp_poll_work(void);

/* Per-CPU setup every CPU does (GIC CPU interface, timer), boot CPU too. */
int cpu_local_init(unsigned cpu);

/* Register the SGI handlers smp_call() relies on (boot CPU, once). */
int smp_register_irqs(void);

/* Interrupt another pCPU so it re-evaluates (timers, run queue, work). */
void smp_send_wakeup(unsigned cpu);

#define SGI_WAKEUP 0

#endif
