/*
 * The GICv3 virtual CPU interface control registers (ICH_*_EL2), as the
 * portable vGIC (core/vgic*.c) sees them: a bank of list registers and a
 * handful of control/status registers of the pCPU the caller runs on.
 * hyp/arch/arm64/vgic_v3_hw.c implements it with MRS/MSR; the host unit
 * tests implement it with a fake bank (tests/unit/test_vgic.c).
 *
 * Every function acts on the calling pCPU's registers: call them only with
 * interrupts masked (or from the maintenance interrupt handler).
 */
#ifndef ARCH_VGIC_HW_H
#define ARCH_VGIC_HW_H

#include "lib/types.h"

/* ICH_LR<n>_EL2 (GICv3 format). */
#define ICH_LR_VINTID_MASK 0xffffffffUL
#define ICH_LR_EOI (1UL << 41)		/* HW = 0: maintenance IRQ on EOI */
#define ICH_LR_PRIO_SHIFT 48
#define ICH_LR_PRIO_MASK (0xffUL << ICH_LR_PRIO_SHIFT)
#define ICH_LR_GROUP1 (1UL << 60)
#define ICH_LR_HW (1UL << 61)
#define ICH_LR_PENDING (1UL << 62)
#define ICH_LR_ACTIVE (1UL << 63)
#define ICH_LR_STATE (ICH_LR_PENDING | ICH_LR_ACTIVE)

/* ICH_HCR_EL2 */
#define ICH_HCR_EN (1UL << 0)
#define ICH_HCR_UIE (1UL << 1)		/* underflow: <= 1 valid LR */
#define ICH_HCR_LRENPIE (1UL << 2)
#define ICH_HCR_NPIE (1UL << 3)		/* no LR in the pending state */
#define ICH_HCR_EOICOUNT_SHIFT 27

/* ICH_MISR_EL2 */
#define ICH_MISR_EOI (1UL << 0)
#define ICH_MISR_U (1UL << 1)
#define ICH_MISR_LRENP (1UL << 2)
#define ICH_MISR_NP (1UL << 3)

/* ICH_VMCR_EL2 */
#define ICH_VMCR_VENG0 (1UL << 0)
#define ICH_VMCR_VENG1 (1UL << 1)
#define ICH_VMCR_VPMR_SHIFT 24
#define ICH_VMCR_VPMR_MASK (0xffUL << ICH_VMCR_VPMR_SHIFT)

/* ICH_VTR_EL2 */
#define ICH_VTR_LISTREGS_MASK 0x1fUL		/* [4:0]: count - 1 */
#define ICH_VTR_PREBITS_SHIFT 26		/* [28:26]: bits - 1 */
#define ICH_VTR_PRIBITS_SHIFT 29		/* [31:29]: bits - 1 */

#define VGIC_HW_MAX_LRS 16
#define VGIC_HW_MAX_APRS 4

struct vgic_hw_info {
	unsigned nr_lrs;	/* 1..16 */
	unsigned nr_aprs;	/* ICH_AP{0,1}R<n> implemented: 1, 2 or 4 */
	unsigned pri_bits;	/* virtual priority bits, 5..8 */
};

/*
 * Fills *info from ICH_VTR_EL2. False if this CPU has no usable GICv3
 * virtual CPU interface (the ICH registers must then never be touched).
 */
bool vgic_hw_probe(struct vgic_hw_info *info);

uint64_t vgic_hw_read_lr(unsigned n);
void vgic_hw_write_lr(unsigned n, uint64_t value);

uint64_t vgic_hw_read_hcr(void);
void vgic_hw_write_hcr(uint64_t value);
uint64_t vgic_hw_read_vmcr(void);
void vgic_hw_write_vmcr(uint64_t value);
uint32_t vgic_hw_read_ap0r(unsigned n);
void vgic_hw_write_ap0r(unsigned n, uint32_t value);
uint32_t vgic_hw_read_ap1r(unsigned n);
void vgic_hw_write_ap1r(unsigned n, uint32_t value);

/* Status (read-only): one bit per list register. */
uint32_t vgic_hw_read_misr(void);
uint32_t vgic_hw_read_elrsr(void);	/* LR n empty (no state, no pending EOI) */
uint32_t vgic_hw_read_eisr(void);	/* LR n EOI'd with its EOI bit set */

#endif
