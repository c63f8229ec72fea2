/* Small CPU-level primitives the portable core uses. */
#ifndef ARCH_CPU_H
#define ARCH_CPU_H

#include "lib/types.h"

struct percpu;

/* This CPU's struct percpu, kept in TPIDR_EL2. */
static inline struct percpu *arch_percpu_get(void)
{
	struct percpu *p;

	__asm__ volatile("mrs %0, tpidr_el2" : "=r"(p));
	return p;
}

static inline void arch_percpu_set(struct percpu *p)
{
	__asm__ volatile("msr tpidr_el2, %0" : : "r"(p) : "memory");
}

static inline uint64_t arch_read_mpidr(void)
{
	uint64_t v;

	__asm__ volatile("mrs %0, mpidr_el1" : "=r"(v));
	return v & 0xff00ffffffUL;	/* Aff3..Aff0 */
}

/* Counter ticks and frequency of the system counter. */
static inline uint64_t arch_counter_now(void)
{
	uint64_t v;

	__asm__ volatile("isb; mrs %0, cntpct_el0" : "=r"(v) : : "memory");
	return v;
}

static inline uint64_t arch_counter_freq(void)
{
	uint64_t v;

	__asm__ volatile("mrs %0, cntfrq_el0" : "=r"(v));
	return v;
}

/* True if the CPU implements FEAT_RNG (RNDR, readable at every EL). */
static inline bool arch_has_rndr(void)
{
	uint64_t v;

	__asm__ volatile("mrs %0, id_aa64isar0_el1" : "=r"(v));
	return (v >> 60) != 0;
}

/* True if the CPU implements FEAT_VHE (and elvisor runs with E2H = 1). */
bool arch_has_vhe(void);

/* Wait for an interrupt without taking it (interrupts stay as they are). */
static inline void arch_wait_for_interrupt(void)
{
	__asm__ volatile("dsb sy; wfi" ::: "memory");
}

/*
 * The hypervisor runs with interrupts masked and takes them only here:
 * wait (WFI wakes on a pending interrupt even while it is masked), then
 * open a window in which the pending interrupt is taken, and mask again.
 * Called with interrupts masked, after checking that there is nothing to
 * do: an interrupt arriving after that check is not lost, it ends the WFI.
 */
static inline void arch_idle_wait(void)
{
	__asm__ volatile("dsb sy; wfi; msr daifclr, #3; isb; msr daifset, #3"
			 ::: "memory");
}

static inline void arch_irq_enable(void)
{
	__asm__ volatile("msr daifclr, #3" ::: "memory");
}

/* Asynchronous aborts are always reported (never masked after boot). */
static inline void arch_serror_enable(void)
{
	__asm__ volatile("msr daifclr, #4" ::: "memory");
}

static inline void arch_irq_disable(void)
{
	__asm__ volatile("msr daifset, #3" ::: "memory");
}

/* Mask interrupts, returning the previous mask to restore. */
static inline uint64_t arch_irq_save(void)
{
	uint64_t daif;

	__asm__ volatile("mrs %0, daif; msr daifset, #3" : "=r"(daif) : : "memory");
	return daif;
}

static inline void arch_irq_restore(uint64_t daif)
{
	__asm__ volatile("msr daif, %0" : : "r"(daif) : "memory");
}

static inline void dsb_ish_barrier(void)
{
	__asm__ volatile("dsb ish" ::: "memory");
}

static inline void arch_cpu_relax(void)
{
	__asm__ volatile("yield" ::: "memory");
}

/* Stop this CPU for good: interrupts masked, waiting forever. */
static inline __noreturn void arch_park(void)
{
	arch_irq_disable();
	for (;;)
		__asm__ volatile("wfi" ::: "memory");
}

#endif
