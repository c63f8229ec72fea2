/*
 * Values shared between the boot assembly (head.S) and C: the MMU
 * configuration every CPU loads, the layout of the per-CPU stacks.
 */
#ifndef ARCH_BOOT_H
#define ARCH_BOOT_H

#define MAX_CPUS 8
/*
 * Each CPU's stack is the upper half of a naturally aligned 32 KiB slot;
 * the lower half is left unmapped as a guard. A valid SP thus always has
 * bit STACK_SHIFT set, which lets the exception entry detect an overflow
 * without a scratch register (vectors.S).
 */
#define STACK_SHIFT 14
#define STACK_SIZE (1 << STACK_SHIFT)
#define STACK_GUARD STACK_SIZE
#define STACK_SLOT (STACK_GUARD + STACK_SIZE)

/* QEMU virt's PL011: the console used until the device tree names one. */
#ifndef EARLY_UART_PA
#define EARLY_UART_PA 0x09000000
#endif

/* Offsets into struct mmu_boot_config, for head.S. */
#define MBC_MAIR 0
#define MBC_TCR 8
#define MBC_SCTLR 16
#define MBC_TTBR0 24
#define MBC_TTBR1 32
#define MBC_VA_OFFSET 40
#define MBC_HCR 48
#define MBC_CPTR 56

/* Under VHE the hypervisor lives in the upper (TTBR1) half. */
#define VHE_VA_BASE 0xffff000000000000

#ifndef __ASSEMBLY__
#include "lib/types.h"

struct mmu_boot_config {
	uint64_t mair, tcr, sctlr, ttbr0, ttbr1;
	uint64_t va_offset;	/* VA = PA + va_offset for all hypervisor mappings */
	uint64_t hcr, cptr;
};

_Static_assert(__builtin_offsetof(struct mmu_boot_config, cptr) == MBC_CPTR,
	       "head.S offsets out of date");

extern struct mmu_boot_config mmu_boot_config;
/* One slot per CPU, plus one for reporting a stack overflow. */
extern uint8_t cpu_stacks[MAX_CPUS + 1][STACK_SLOT];

/* Called by head.S with the MMU off. Returns the config to load. */
struct mmu_boot_config *early_mmu_setup(paddr_t image_pa, uint64_t va_offset,
					paddr_t dtb_pa, bool vhe);

/* Entered by head.S on the virtual mapping. */
void start_hypervisor(paddr_t dtb_pa, uint64_t va_offset) __noreturn;
void secondary_main(unsigned cpu) __noreturn;

/* Physical address secondaries start at (PSCI CPU_ON). */
extern char secondary_entry[];
#endif

#endif
