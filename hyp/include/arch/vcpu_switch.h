/* Loading and saving a vCPU's architectural state on a pCPU. */
#ifndef ARCH_VCPU_SWITCH_H
#define ARCH_VCPU_SWITCH_H

#include "arch/vcpu_context.h"
#include "lib/types.h"

struct vcpu;
struct domain;

/* Per-pCPU setup of EL2 controls for running guests (CNTHCTL, MDCR, ...). */
void arch_guest_cpu_init(void);

/* Architectural reset of a vCPU: EL1h, interrupts masked, MMU off, at pc. */
void arch_vcpu_reset(struct vcpu_context *ctx, uint64_t pc, uint64_t x0);

/* Put the vCPU's state on this pCPU / take it off again. */
void arch_vcpu_load(struct vcpu *v);
void arch_vcpu_put(struct vcpu *v);

/* Stage 2: VTCR_EL2 value and IPA size chosen from the CPU's PARange. */
int arch_stage2_init(char *err, size_t errlen);
unsigned arch_ipa_bits(void);

/* Invalidate every stage-1 and stage-2 TLB entry of a VMID, all pCPUs. */
void arch_tlb_flush_vmid(uint16_t vmid);

/* Deliver a synchronous exception to the guest's EL1 (abort or undef). */
void arch_inject_undef(struct vcpu_context *ctx);
void arch_inject_dabt(struct vcpu_context *ctx, uint64_t far);
void arch_inject_iabt(struct vcpu_context *ctx, uint64_t far);

/* Whether the loaded guest's virtual timer output is asserted right now. */
bool arch_vtimer_live_asserted(void);

/* The guest's virtual counter now, and its vtimer deadline in host ticks. */
uint64_t arch_vtimer_deadline(const struct vcpu_context *ctx, uint64_t cntvoff,
			      bool *armed);

#endif
