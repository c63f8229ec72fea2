/*
 * System register access and the register bits elvisor uses. Names follow
 * the Arm ARM; values are for AArch64 at EL2.
 */
#ifndef ARCH_SYSREG_H
#define ARCH_SYSREG_H

#ifdef __ASSEMBLY__
#define UL(x) x
#else
#define UL(x) x##UL
#endif
#define BIT(n) (UL(1) << (n))

/* HCR_EL2 */
#define HCR_FMO BIT(3)
#define HCR_IMO BIT(4)
#define HCR_AMO BIT(5)
/* DC: EL1&0 stage 1 off behaves as Normal WB memory (EL0 apps without VHE, stub domains). */
#define HCR_DC BIT(12)
#define HCR_TGE BIT(27)
#define HCR_RW BIT(31)
#define HCR_E2H BIT(34)
/* Physical IRQs, FIQs and SErrors are taken to EL2, even while at EL2. */
#define HCR_HOST_FLAGS (HCR_RW | HCR_IMO | HCR_FMO | HCR_AMO)

/* SCTLR_EL2, shared bits of the EL2 layout (E2H=0) and EL1 layout (E2H=1) */
#define SCTLR_M BIT(0)
#define SCTLR_A BIT(1)
#define SCTLR_C BIT(2)
#define SCTLR_SA BIT(3)
#define SCTLR_I BIT(12)
#define SCTLR_WXN BIT(19)
/* RES1 bits of the E2H=0 layout */
#define SCTLR_EL2_RES1 (BIT(4) | BIT(5) | BIT(11) | BIT(16) | BIT(18) | \
			BIT(22) | BIT(23) | BIT(28) | BIT(29))
/*
 * E2H=1 (EL1) layout: SA0, EOS, nTWI, nTWE (EL0 WFI/WFE not trapped: the
 * app path decides that by itself later), EIS, SPAN (1: PAN is not set on
 * every exception entry; PLATFORM.md), nTLSMD, LSMAOE. TSCXT=1 traps EL0's
 * SCXTNUM.
 */
#define SCTLR_EL2_E2H_BASE (BIT(4) | BIT(11) | BIT(16) | BIT(18) | BIT(20) | \
			    BIT(22) | BIT(23) | BIT(28) | BIT(29))

/* CPTR_EL2 */
#define CPTR_EL2_RES1 UL(0x33ff)	/* E2H=0: bits 0-7, 8, 9, 12, 13 */
#define CPTR_EL2_TFP BIT(10)
/*
 * E2H=1 layout, FPEN = 0b01: FP/SIMD traps at EL0 only while HCR_EL2.TGE is
 * set, i.e. in EL0 apps (an app's FP use is a fault: apps are built
 * -mgeneral-regs-only); guests and EL2 itself are not trapped.
 */
#define CPTR_EL2_E2H_FPEN (UL(1) << 20)

/* ID_AA64MMFR1_EL1.VH, bits [11:8] */
#define ID_AA64MMFR1_VH_SHIFT 8

/* SPSR/PSTATE */
#define PSR_MODE_EL2h UL(0x9)
#define PSR_NZCV UL(0xf0000000)
#define PSR_PAN BIT(22)
#define PSR_D BIT(9)
#define PSR_A BIT(8)
#define PSR_I BIT(7)
#define PSR_F BIT(6)

/* ICC_SRE_EL2 */
#define ICC_SRE_SRE BIT(0)
#define ICC_SRE_ENABLE BIT(3)

/* CNTHP_CTL_EL2 */
#define CNT_CTL_ENABLE BIT(0)
#define CNT_CTL_IMASK BIT(1)
#define CNT_CTL_ISTATUS BIT(2)

#ifndef __ASSEMBLY__
#include "lib/types.h"

#define read_sysreg(r) ({ uint64_t __rv; \
	__asm__ volatile("mrs %0, " #r : "=r"(__rv)); __rv; })
#define write_sysreg(r, v) do { uint64_t __v = (uint64_t)(v); \
	__asm__ volatile("msr " #r ", %0" : : "r"(__v)); } while (0)

/* Registers the assembler may not know by name. */
#define ICC_SRE_EL2 S3_4_C12_C9_5
#define ICC_PMR_EL1 S3_0_C4_C6_0
#define ICC_IAR1_EL1 S3_0_C12_C12_0
#define ICC_EOIR1_EL1 S3_0_C12_C12_1
#define ICC_IGRPEN1_EL1 S3_0_C12_C12_7
#define ICC_SGI1R_EL1 S3_0_C12_C11_5
#define ICC_CTLR_EL1 S3_0_C12_C12_4
#define ICC_BPR1_EL1 S3_0_C12_C12_3
#define CNTHP_CTL_EL2 S3_4_C14_C2_1
#define CNTHP_CVAL_EL2 S3_4_C14_C2_2

static inline void isb(void) { __asm__ volatile("isb" ::: "memory"); }
static inline void dsb_sy(void) { __asm__ volatile("dsb sy" ::: "memory"); }
static inline void dsb_ish(void) { __asm__ volatile("dsb ish" ::: "memory"); }
static inline void dsb_ishst(void) { __asm__ volatile("dsb ishst" ::: "memory"); }
static inline void wfi(void) { __asm__ volatile("wfi" ::: "memory"); }
static inline void cpu_relax(void) { __asm__ volatile("yield" ::: "memory"); }

static inline uint64_t irq_save(void)
{
	uint64_t daif = read_sysreg(daif);
	__asm__ volatile("msr daifset, #3" ::: "memory");
	return daif;
}

static inline void irq_restore(uint64_t daif)
{
	write_sysreg(daif, daif);
}

static inline void irq_enable(void)
{
	__asm__ volatile("msr daifclr, #3" ::: "memory");
}

static inline void irq_disable(void)
{
	__asm__ volatile("msr daifset, #3" ::: "memory");
}

static inline bool cpu_has_vhe(void)
{
	return ((read_sysreg(id_aa64mmfr1_el1) >> ID_AA64MMFR1_VH_SHIFT) & 0xf) != 0;
}
#endif

#endif
