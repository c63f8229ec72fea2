/*
 * arch/vgic_hw.h on the real thing: the GICv3 virtual CPU interface control
 * registers, ICH_*_EL2 (Arm IHI 0069, 12.4), by their op0/op1/CRn/CRm/op2
 * encodings so that any assembler takes them:
 *
 *   ICH_AP0R<n>_EL2  S3_4_C12_C8_<n>    n = 0..3
 *   ICH_AP1R<n>_EL2  S3_4_C12_C9_<n>    n = 0..3
 *   ICH_HCR_EL2      S3_4_C12_C11_0
 *   ICH_VTR_EL2      S3_4_C12_C11_1
 *   ICH_MISR_EL2     S3_4_C12_C11_2
 *   ICH_EISR_EL2     S3_4_C12_C11_3
 *   ICH_ELRSR_EL2    S3_4_C12_C11_5
 *   ICH_VMCR_EL2     S3_4_C12_C11_7
 *   ICH_LR<n>_EL2    S3_4_C12_C12_<n>   n = 0..7
 *                    S3_4_C12_C13_<n-8> n = 8..15
 *
 * They exist only with the GICv3 system-register interface
 * (ID_AA64PFR0_EL1.GIC != 0) and are usable with ICC_SRE_EL2.SRE = 1, which
 * the GICv3 driver sets on every CPU. MRS/MSR of a register number is
 * compiled in, so LRs and APRs are reached through a switch.
 */
#include "arch/sysreg.h"
#include "arch/vgic_hw.h"

#define ICH_AP0R0_EL2 S3_4_C12_C8_0
#define ICH_AP0R1_EL2 S3_4_C12_C8_1
#define ICH_AP0R2_EL2 S3_4_C12_C8_2
#define ICH_AP0R3_EL2 S3_4_C12_C8_3
#define ICH_AP1R0_EL2 S3_4_C12_C9_0
#define ICH_AP1R1_EL2 S3_4_C12_C9_1
#define ICH_AP1R2_EL2 S3_4_C12_C9_2
#define ICH_AP1R3_EL2 S3_4_C12_C9_3
#define ICH_HCR_EL2 S3_4_C12_C11_0
#define ICH_VTR_EL2 S3_4_C12_C11_1
#define ICH_MISR_EL2 S3_4_C12_C11_2
#define ICH_EISR_EL2 S3_4_C12_C11_3
#define ICH_ELRSR_EL2 S3_4_C12_C11_5
#define ICH_VMCR_EL2 S3_4_C12_C11_7
#define ICH_LR0_EL2 S3_4_C12_C12_0
#define ICH_LR1_EL2 S3_4_C12_C12_1
#define ICH_LR2_EL2 S3_4_C12_C12_2
#define ICH_LR3_EL2 S3_4_C12_C12_3
#define ICH_LR4_EL2 S3_4_C12_C12_4
#define ICH_LR5_EL2 S3_4_C12_C12_5
#define ICH_LR6_EL2 S3_4_C12_C12_6
#define ICH_LR7_EL2 S3_4_C12_C12_7
#define ICH_LR8_EL2 S3_4_C12_C13_0
#define ICH_LR9_EL2 S3_4_C12_C13_1
#define ICH_LR10_EL2 S3_4_C12_C13_2
#define ICH_LR11_EL2 S3_4_C12_C13_3
#define ICH_LR12_EL2 S3_4_C12_C13_4
#define ICH_LR13_EL2 S3_4_C12_C13_5
#define ICH_LR14_EL2 S3_4_C12_C13_6
#define ICH_LR15_EL2 S3_4_C12_C13_7

/* Expanded in two steps so that the register macros above are substituted. */
#define READ(r) read_sysreg(r)
#define WRITE(r, v) write_sysreg(r, v)

#define ID_AA64PFR0_GIC_SHIFT 24

bool vgic_hw_probe(struct vgic_hw_info *info)
{
	uint64_t vtr;
	unsigned pre_bits;

	if (((read_sysreg(id_aa64pfr0_el1) >> ID_AA64PFR0_GIC_SHIFT) & 0xf) == 0 ||
	    !(READ(ICC_SRE_EL2) & ICC_SRE_SRE))
		return false;
	vtr = READ(ICH_VTR_EL2);
	info->nr_lrs = (unsigned)(vtr & ICH_VTR_LISTREGS_MASK) + 1;
	info->pri_bits = (unsigned)((vtr >> ICH_VTR_PRIBITS_SHIFT) & 7) + 1;
	pre_bits = (unsigned)((vtr >> ICH_VTR_PREBITS_SHIFT) & 7) + 1;
	/* 32 preemption levels per APR: 5 bits -> 1, 6 -> 2, 7 -> 4. */
	info->nr_aprs = pre_bits >= 7 ? 4 : pre_bits == 6 ? 2 : 1;
	return true;
}

uint64_t vgic_hw_read_lr(unsigned n)
{
	switch (n) {
	case 0: return READ(ICH_LR0_EL2);
	case 1: return READ(ICH_LR1_EL2);
	case 2: return READ(ICH_LR2_EL2);
	case 3: return READ(ICH_LR3_EL2);
	case 4: return READ(ICH_LR4_EL2);
	case 5: return READ(ICH_LR5_EL2);
	case 6: return READ(ICH_LR6_EL2);
	case 7: return READ(ICH_LR7_EL2);
	case 8: return READ(ICH_LR8_EL2);
	case 9: return READ(ICH_LR9_EL2);
	case 10: return READ(ICH_LR10_EL2);
	case 11: return READ(ICH_LR11_EL2);
	case 12: return READ(ICH_LR12_EL2);
	case 13: return READ(ICH_LR13_EL2);
	case 14: return READ(ICH_LR14_EL2);
	case 15: return READ(ICH_LR15_EL2);
	default: return 0;
	}
}

void vgic_hw_write_lr(unsigned n, uint64_t value)
{
	switch (n) {
	case 0: WRITE(ICH_LR0_EL2, value); break;
	case 1: WRITE(ICH_LR1_EL2, value); break;
	case 2: WRITE(ICH_LR2_EL2, value); break;
	case 3: WRITE(ICH_LR3_EL2, value); break;
	case 4: WRITE(ICH_LR4_EL2, value); break;
	case 5: WRITE(ICH_LR5_EL2, value); break;
	case 6: WRITE(ICH_LR6_EL2, value); break;
	case 7: WRITE(ICH_LR7_EL2, value); break;
	case 8: WRITE(ICH_LR8_EL2, value); break;
	case 9: WRITE(ICH_LR9_EL2, value); break;
	case 10: WRITE(ICH_LR10_EL2, value); break;
	case 11: WRITE(ICH_LR11_EL2, value); break;
	case 12: WRITE(ICH_LR12_EL2, value); break;
	case 13: WRITE(ICH_LR13_EL2, value); break;
	case 14: WRITE(ICH_LR14_EL2, value); break;
	case 15: WRITE(ICH_LR15_EL2, value); break;
	default: break;
	}
}

uint64_t vgic_hw_read_hcr(void)
{
	return READ(ICH_HCR_EL2);
}

/*
 * The ISB makes the new enable/maintenance bits take effect before this
 * CPU unmasks interrupts at EL2 (vcpu_put) or its maintenance line is
 * sampled; guest entry (ERET) synchronizes by itself.
 */
void vgic_hw_write_hcr(uint64_t value)
{
	WRITE(ICH_HCR_EL2, value);
	isb();
}

uint64_t vgic_hw_read_vmcr(void)
{
	return READ(ICH_VMCR_EL2);
}

void vgic_hw_write_vmcr(uint64_t value)
{
	WRITE(ICH_VMCR_EL2, value);
}

uint32_t vgic_hw_read_ap0r(unsigned n)
{
	switch (n) {
	case 0: return (uint32_t)READ(ICH_AP0R0_EL2);
	case 1: return (uint32_t)READ(ICH_AP0R1_EL2);
	case 2: return (uint32_t)READ(ICH_AP0R2_EL2);
	case 3: return (uint32_t)READ(ICH_AP0R3_EL2);
	default: return 0;
	}
}

void vgic_hw_write_ap0r(unsigned n, uint32_t value)
{
	switch (n) {
	case 0: WRITE(ICH_AP0R0_EL2, value); break;
	case 1: WRITE(ICH_AP0R1_EL2, value); break;
	case 2: WRITE(ICH_AP0R2_EL2, value); break;
	case 3: WRITE(ICH_AP0R3_EL2, value); break;
	default: break;
	}
}

uint32_t vgic_hw_read_ap1r(unsigned n)
{
	switch (n) {
	case 0: return (uint32_t)READ(ICH_AP1R0_EL2);
	case 1: return (uint32_t)READ(ICH_AP1R1_EL2);
	case 2: return (uint32_t)READ(ICH_AP1R2_EL2);
	case 3: return (uint32_t)READ(ICH_AP1R3_EL2);
	default: return 0;
	}
}

void vgic_hw_write_ap1r(unsigned n, uint32_t value)
{
	switch (n) {
	case 0: WRITE(ICH_AP1R0_EL2, value); break;
	case 1: WRITE(ICH_AP1R1_EL2, value); break;
	case 2: WRITE(ICH_AP1R2_EL2, value); break;
	case 3: WRITE(ICH_AP1R3_EL2, value); break;
	default: break;
	}
}

uint32_t vgic_hw_read_misr(void)
{
	return (uint32_t)READ(ICH_MISR_EL2);
}

uint32_t vgic_hw_read_elrsr(void)
{
	return (uint32_t)READ(ICH_ELRSR_EL2);
}

uint32_t vgic_hw_read_eisr(void)
{
	return (uint32_t)READ(ICH_EISR_EL2);
}
