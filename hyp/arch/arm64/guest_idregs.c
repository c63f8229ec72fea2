/*
 * What a guest reads from the feature ID registers (HCR_EL2.TID3 traps
 * every read of the op0=3, op1=0, CRn=0, CRm=1..7 space): the host CPU's
 * values with every feature elvisor does not give guests removed, because
 * an OS that sees a feature uses it, and each of these would trap to EL2
 * (and be refused) or leak state between guests:
 * - SVE and SME (their registers trap by CPTR_EL2 and are not switched),
 *   MTE (no tag memory), AMU, MPAM, RME, TME, LS64, MOPS, WFxT: hidden.
 * - The PMU, SPE, trace and BRBE (MDCR_EL2 traps their registers): hidden,
 *   so Linux never touches PMUSERENR_EL0 and friends.
 * - EL2 and EL3 features (VHE, NV, FGT, HCX, TWED, FWB, EVT, VMID size,
 *   stage-2 granules) and LORegions (HCR_EL2.TLOR traps them): hidden.
 * - AArch32: EL0 and EL1 are reported AArch64-only and the AArch32 ID
 *   registers read as zero (the trap handlers assume A64 instructions).
 * - PARange is at most the IPA size stage 2 covers.
 * Pointer authentication, BTI, atomics, crypto, RNDR and the rest of the
 * EL0/EL1 instruction set are passed through: they need nothing from EL2
 * (PAC's keys are switched with the vCPU, vcpu_switch.c). Registers of the
 * space not listed below read as zero.
 *
 * Pure policy (no register access), so that host unit tests can check it;
 * guest_sysreg.c reads the hardware.
 */
#include "arch/guest_sysreg.h"

#define FIELD(shift) (0xfUL << (shift))

/* ID_AA64PFR0_EL1: EL3 FP AdvSIMD GIC RAS DIT CSV2 CSV3 kept; EL0, EL1 AArch64 only */
#define PFR0_EL0 0
#define PFR0_EL1 4
#define PFR0_KEEP (FIELD(12) | FIELD(16) | FIELD(20) | FIELD(24) | FIELD(28) | \
		   FIELD(48) | FIELD(56) | FIELD(60))
#define PFR0_AARCH64_ONLY 1UL
/* ID_AA64PFR1_EL1: BT, SSBS, RAS_frac, CSV2_frac */
#define PFR1_KEEP (FIELD(0) | FIELD(4) | FIELD(12) | FIELD(32))
/* ID_AA64DFR0_EL1: DebugVer, BRPs, WRPs, CTX_CMPs, DoubleLock */
#define DFR0_KEEP (FIELD(0) | FIELD(12) | FIELD(20) | FIELD(28) | FIELD(36))
/* ID_AA64ISAR0_EL1: all but TME */
#define ISAR0_KEEP (~FIELD(24))
/* ID_AA64ISAR1_EL1: all but XS and LS64 */
#define ISAR1_KEEP (~(FIELD(56) | FIELD(60)))
/* ID_AA64ISAR2_EL1: RPRES, GPA3, APA3, BC, PAC_frac, CLRBHB */
#define ISAR2_KEEP (FIELD(4) | FIELD(8) | FIELD(12) | FIELD(20) | FIELD(24) | FIELD(28))
/* ID_AA64MMFR0_EL1: all but the stage-2 granules, FGT and ECV; PARange clamped */
#define MMFR0_PARANGE 0
#define MMFR0_KEEP (~(FIELD(32) | FIELD(36) | FIELD(40) | FIELD(56) | FIELD(60)))
/* ID_AA64MMFR1_EL1: HAFDBS HPDS PAN SpecSEI XNX ETS AFP nTLBPA CMOW ECBHB */
#define MMFR1_KEEP (FIELD(0) | FIELD(12) | FIELD(20) | FIELD(24) | FIELD(28) | \
		    FIELD(36) | FIELD(44) | FIELD(48) | FIELD(56) | FIELD(60))
/* ID_AA64MMFR2_EL1: all but NV, FWB and EVT */
#define MMFR2_KEEP (~(FIELD(24) | FIELD(40) | FIELD(56)))

#define ID(crm, op2) ((crm) * 8 + (op2))

/* The PARange encoding of an IPA size (arch_stage2_init's choices: 40..48). */
static uint64_t parange_of(unsigned ipa_bits)
{
	switch (ipa_bits) {
	case 40: return 2;
	case 42: return 3;
	case 44: return 4;
	default: return 5;	/* 48: the most a 4-level stage 2 covers */
	}
}

static uint64_t clamp_field(uint64_t reg, unsigned shift, uint64_t max)
{
	uint64_t v = (reg >> shift) & 0xf;

	return (reg & ~FIELD(shift)) | (v < max ? v : max) << shift;
}

bool guest_id_reg_passed(unsigned crm, unsigned op2)
{
	switch (ID(crm, op2)) {
	case ID(4, 0): case ID(4, 1): case ID(5, 0): case ID(6, 0): case ID(6, 1):
	case ID(6, 2): case ID(7, 0): case ID(7, 1): case ID(7, 2):
		return true;
	default:
		return false;
	}
}

uint64_t guest_id_sanitize(unsigned crm, unsigned op2, uint64_t hw, unsigned ipa_bits)
{
	switch (ID(crm, op2)) {
	case ID(4, 0):
		return (hw & PFR0_KEEP) | PFR0_AARCH64_ONLY << PFR0_EL0 |
		       PFR0_AARCH64_ONLY << PFR0_EL1;
	case ID(4, 1): return hw & PFR1_KEEP;
	case ID(5, 0): return hw & DFR0_KEEP;
	case ID(6, 0): return hw & ISAR0_KEEP;
	case ID(6, 1): return hw & ISAR1_KEEP;
	case ID(6, 2): return hw & ISAR2_KEEP;
	case ID(7, 0): return clamp_field(hw, MMFR0_PARANGE, parange_of(ipa_bits)) & MMFR0_KEEP;
	case ID(7, 1): return hw & MMFR1_KEEP;
	case ID(7, 2): return hw & MMFR2_KEEP;
	default: return 0;
	}
}
