/*
 * ESR_ELx (Exception Syndrome Register) decoding: pure functions, so the
 * trap path and the host tests share them. The EC values are the
 * architecture's (Arm ARM, "ESR_EL2, Exception Syndrome Register"); the
 * trap dispatch table is indexed by esr_ec().
 */
#ifndef ARCH_ESR_H
#define ARCH_ESR_H

#include "lib/types.h"

enum esr_ec {
	ESR_EC_UNKNOWN = 0x00,
	ESR_EC_WFX = 0x01,		/* WFI, WFE, WFIT, WFET */
	ESR_EC_CP15_MCR_MRC = 0x03,	/* AArch32 coproc 0b1111 */
	ESR_EC_CP15_MCRR_MRRC = 0x04,
	ESR_EC_CP14_MCR_MRC = 0x05,	/* AArch32 coproc 0b1110 */
	ESR_EC_CP14_LDC_STC = 0x06,
	ESR_EC_FP_ASIMD = 0x07,		/* SVE, SIMD or FP access trapped */
	ESR_EC_CP10_VMRS = 0x08,	/* AArch32 ID group trap */
	ESR_EC_PAUTH = 0x09,		/* pointer authentication trapped */
	ESR_EC_OTHER = 0x0a,		/* LD64B/ST64B* and other traps */
	ESR_EC_CP14_MRRC = 0x0c,
	ESR_EC_BTI = 0x0d,		/* branch target exception */
	ESR_EC_ILLEGAL_STATE = 0x0e,
	ESR_EC_SVC32 = 0x11,
	ESR_EC_HVC32 = 0x12,
	ESR_EC_SMC32 = 0x13,
	ESR_EC_SVC64 = 0x15,
	ESR_EC_HVC64 = 0x16,
	ESR_EC_SMC64 = 0x17,
	ESR_EC_SYSREG = 0x18,		/* MSR, MRS or system instruction */
	ESR_EC_SVE = 0x19,
	ESR_EC_ERET = 0x1a,		/* ERET/ERETAA/ERETAB trapped (NV) */
	ESR_EC_FPAC = 0x1c,		/* pointer authentication failure */
	ESR_EC_SME = 0x1d,
	ESR_EC_GPC = 0x1e,		/* granule protection check (RME) */
	ESR_EC_IMP_DEF = 0x1f,		/* implementation defined, EL3 */
	ESR_EC_IABT_LOW = 0x20,
	ESR_EC_IABT_CUR = 0x21,
	ESR_EC_PC_ALIGN = 0x22,
	ESR_EC_DABT_LOW = 0x24,
	ESR_EC_DABT_CUR = 0x25,
	ESR_EC_SP_ALIGN = 0x26,
	ESR_EC_MOPS = 0x27,		/* memory copy/set operation */
	ESR_EC_FP_EXC32 = 0x28,
	ESR_EC_FP_EXC64 = 0x2c,
	ESR_EC_GCS = 0x2d,		/* guarded control stack */
	ESR_EC_SERROR = 0x2f,
	ESR_EC_BREAKPT_LOW = 0x30,
	ESR_EC_BREAKPT_CUR = 0x31,
	ESR_EC_SOFTSTP_LOW = 0x32,
	ESR_EC_SOFTSTP_CUR = 0x33,
	ESR_EC_WATCHPT_LOW = 0x34,
	ESR_EC_WATCHPT_CUR = 0x35,
	ESR_EC_BKPT32 = 0x38,
	ESR_EC_VECTOR32 = 0x3a,
	ESR_EC_BRK64 = 0x3c,
	ESR_EC_COUNT = 0x40		/* size of an EC-indexed table */
};

#define ESR_EC_SHIFT 26
#define ESR_EC_MASK 0x3fU
#define ESR_IL (1ULL << 25)		/* 32-bit instruction trapped */
#define ESR_ISS_MASK 0x1ffffffULL

/* Data abort ISS fields (valid for ESR_EC_DABT_*). */
#define ESR_DABT_ISV (1U << 24)		/* the fields below are valid */
#define ESR_DABT_SAS_SHIFT 22		/* access size: 1 << SAS bytes */
#define ESR_DABT_SSE (1U << 21)		/* sign-extend the loaded value */
#define ESR_DABT_SRT_SHIFT 16		/* register number; 31 = xzr */
#define ESR_DABT_SF (1U << 15)		/* 64-bit register */
#define ESR_DABT_AR (1U << 14)		/* acquire/release */
#define ESR_DABT_FNV (1U << 10)		/* FAR is not valid */
#define ESR_DABT_EA (1U << 9)		/* external abort type */
#define ESR_DABT_CM (1U << 8)		/* cache maintenance */
#define ESR_DABT_S1PTW (1U << 7)	/* on a stage-1 walk, in stage 2 */
#define ESR_DABT_WNR (1U << 6)		/* write, not read */
#define ESR_FSC_MASK 0x3fU		/* DFSC/IFSC */

static inline unsigned esr_iss(uint64_t esr)
{
	return (unsigned)(esr & ESR_ISS_MASK);
}

/* Inline: every trap and app exit asks. */
static inline unsigned esr_ec(uint64_t esr)
{
	return (unsigned)(esr >> ESR_EC_SHIFT) & ESR_EC_MASK;
}

/* "Data Abort from same EL", ..., "Unallocated EC" for reserved values. */
const char *esr_ec_name(unsigned ec);

/*
 * Fault status code (DFSC/IFSC) decoded: a name ("translation fault") and
 * the translation table level it happened at, or ESR_FSC_NO_LEVEL.
 */
#define ESR_FSC_NO_LEVEL (-2)
const char *esr_fsc_name(unsigned fsc, int *level);

/*
 * One line describing the exception, e.g. "EC 0x24 Data Abort from lower
 * EL: ISV=1 SAS=4 bytes SSE=0 SRT=x2 SF=0 AR=0 WnR=0 S1PTW=0 CM=0 EA=0
 * FnV=0 DFSC 0x06 translation fault level 2 FAR 0x9000000". far is printed
 * only where the architecture says it is valid. snprintf semantics.
 */
size_t esr_describe(uint64_t esr, uint64_t far, char *buf, size_t len);

#endif
