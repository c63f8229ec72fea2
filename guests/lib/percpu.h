/*
 * Per-vCPU state of the library, indexed by cpu_id(). Each field is written
 * by its own vCPU only (or, for the start request, by the vCPU that starts
 * it before CPU_ON), so no locks or atomics are needed: with the MMU off,
 * memory is Device-nGnRnE and exclusives are not guaranteed to work.
 */
#ifndef GUEST_PERCPU_H
#define GUEST_PERCPU_H

#include "arch.h"
#include "config.h"

/* The last exception a probe or exec_insn() caught (see probe.h, exec.h). */
struct caught_exception {
	uint64_t esr, far, elr;
	bool sync;			/* a synchronous exception was taken */
	bool serror;			/* an SError arrived during a probe */
};

struct percpu {
	/* Start request (smp.c), written by the starting vCPU before CPU_ON. */
	void (*entry)(unsigned cpu, void *arg);
	void *arg;
	uint64_t context;		/* context id the vCPU was started with */
	volatile uint32_t online;	/* set by the vCPU itself, per start */

	unsigned failures;		/* failed CHECKs on this vCPU */
	bool gic_ready;			/* redistributor + CPU interface set up */

	/* Exception expectations (exceptions.c). */
	volatile bool probe_armed;	/* SErrors are expected (probe.c) */
	volatile bool exec_armed;	/* faults at exec_pc are expected (exec.c) */
	uint64_t exec_pc;
	struct caught_exception caught;
	unsigned in_report;		/* nesting of unexpected-exception reports */

	/* IRQ exceptions taken, and those that found nothing to acknowledge. */
	volatile uint64_t irqs, irqs_spurious;
} __attribute__((aligned(64)));

extern struct percpu percpu[GUEST_MAX_CPUS];

static inline struct percpu *this_cpu(void)
{
	return &percpu[cpu_id()];
}

#endif
