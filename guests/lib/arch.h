/*
 * AArch64 EL1 primitives: system registers, barriers, interrupt masking,
 * the current vCPU's index (kept in TPIDR_EL1 by the boot code).
 */
#ifndef GUEST_ARCH_H
#define GUEST_ARCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define stringify_(x) #x
#define stringify(x) stringify_(x)

#define read_sysreg(reg) ({ \
	uint64_t v_; \
	__asm__ volatile("mrs %0, " stringify(reg) : "=r"(v_) : : "memory"); \
	v_; \
})

#define write_sysreg(reg, val) \
	__asm__ volatile("msr " stringify(reg) ", %x0" : : "rZ"((uint64_t)(val)) : "memory")

#define isb() __asm__ volatile("isb" : : : "memory")
#define dsb(opt) __asm__ volatile("dsb " #opt : : : "memory")
#define dmb(opt) __asm__ volatile("dmb " #opt : : : "memory")
#define wfi() __asm__ volatile("wfi" : : : "memory")
#define cpu_relax() __asm__ volatile("yield" : : : "memory")
#define compiler_barrier() __asm__ volatile("" : : : "memory")

/* Accesses another vCPU (or an interrupt handler) may make concurrently. */
#define READ_ONCE(x) (*(const volatile __typeof__(x) *)&(x))
#define WRITE_ONCE(x, v) (*(volatile __typeof__(x) *)&(x) = (v))

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* GICv3 CPU interface, by encoding (both assemblers know these forms). */
#define ICC_PMR_EL1 S3_0_C4_C6_0
#define ICC_IAR0_EL1 S3_0_C12_C8_0
#define ICC_IAR1_EL1 S3_0_C12_C12_0
#define ICC_EOIR1_EL1 S3_0_C12_C12_1
#define ICC_HPPIR1_EL1 S3_0_C12_C12_2
#define ICC_BPR1_EL1 S3_0_C12_C12_3
#define ICC_CTLR_EL1 S3_0_C12_C12_4
#define ICC_SRE_EL1 S3_0_C12_C12_5
#define ICC_IGRPEN1_EL1 S3_0_C12_C12_7
#define ICC_RPR_EL1 S3_0_C12_C11_3
#define ICC_SGI1R_EL1 S3_0_C12_C11_5

#define DAIF_I (1UL << 7)
#define DAIF_A (1UL << 8)

static inline void irq_disable(void)
{
	__asm__ volatile("msr daifset, #2" : : : "memory");
}

static inline void irq_enable(void)
{
	__asm__ volatile("msr daifclr, #2" : : : "memory");
}

static inline uint64_t irq_save(void)
{
	uint64_t daif = read_sysreg(daif);

	irq_disable();
	return daif;
}

static inline void irq_restore(uint64_t daif)
{
	write_sysreg(daif, daif);
}

static inline unsigned cpu_id(void)
{
	return (unsigned)read_sysreg(tpidr_el1);
}

/* MPIDR affinity fields Aff3..Aff0 (bits 39:32 and 23:0). */
static inline uint64_t mpidr_affinity(uint64_t mpidr)
{
	return mpidr & 0xff00ffffffUL;
}

static inline unsigned current_el(void)
{
	return (unsigned)(read_sysreg(CurrentEL) >> 2) & 3;
}

/* Never returns: interrupts masked, the vCPU sleeps for good. */
void cpu_halt(void) __attribute__((noreturn));

#endif
