/*
 * The virtual GICv3 of a domain: distributor and redistributors emulated by
 * trapping their MMIO, the CPU interface provided by the hardware's virtual
 * CPU interface (ICV_* registers) fed through the ICH list registers.
 *
 * Guest-physical layout (what the generated guest DT says):
 *   GICD at VGIC_DIST_BASE (VGIC_DIST_SIZE),
 *   GICR frames (RD + SGI, 2 x 64 KiB) from VGIC_REDIST_BASE, one per vCPU,
 *   in vCPU order, the last with GICR_TYPER.Last set.
 */
#ifndef CORE_VGIC_H
#define CORE_VGIC_H

#include "core/domain.h"

#define VGIC_DIST_BASE 0x08000000UL
#define VGIC_DIST_SIZE 0x10000UL
#define VGIC_REDIST_BASE 0x080a0000UL
#define VGIC_REDIST_STRIDE 0x20000UL
#define VGIC_NR_SPIS 64			/* INTIDs 32..95 */
#define VGIC_VTIMER_PPI 27
#define VGIC_MAINTENANCE_PPI 25

/* Once at boot: read the hardware's LR count, register the maintenance IRQ. */
int vgic_global_init(uint32_t maintenance_intid);

/* On every pCPU: enable the maintenance interrupt locally. */
void vgic_cpu_init(void);

int vgic_domain_init(struct domain *d);		/* state + MMIO regions */
void vgic_domain_destroy(struct domain *d);
int vgic_vcpu_init(struct vcpu *v);		/* after vgic_domain_init */
void vgic_vcpu_reset(struct vcpu *v);		/* PSCI CPU_ON / domain reset */
/*
 * Domain reset: every vCPU's redistributor (vgic_vcpu_reset) and the
 * distributor (SPIs disabled, idle, routed to vCPU 0; GICD_CTLR = 0).
 * Call while none of its vCPUs is loaded anywhere.
 */
void vgic_domain_reset(struct domain *d);

/* Make an SGI/PPI (intid < 32) pending on one vCPU; kicks it. */
void vgic_inject_private(struct vcpu *v, uint32_t intid);
/* Make an SPI pending (edge) or set its line level; routes and kicks. */
void vgic_inject_spi(struct domain *d, uint32_t intid, bool level);

/*
 * The input line of one vCPU's PPI (16..31): while high, a level-sensitive
 * PPI is pending; for an edge-triggered one, level = true is one edge.
 * Kicks the vCPU when it has something new to take.
 */
void vgic_set_private_level(struct vcpu *v, uint32_t intid, bool level);

/*
 * Resampling a level PPI (e.g. the virtual timer): fn(v, intid) is called
 * when v's guest EOIs intid while its line was high, so that the line's
 * owner can lower it (vgic_set_private_level) before it is delivered
 * again. Called on v's pCPU with v loaded and no vGIC lock held, from
 * vgic_after_exit() or the maintenance interrupt. One fn per INTID, shared
 * by all vCPUs. 0, or -1 if intid is not a PPI or already has one.
 */
typedef void (*vgic_resample_fn)(struct vcpu *v, uint32_t intid);
int vgic_register_resample(uint32_t intid, vgic_resample_fn fn);

/* Guest write to ICC_SGI1R_EL1 (trapped): send SGIs to the targets. */
void vgic_sgi1r_write(struct vcpu *v, uint64_t value);

/*
 * True if an interrupt is pending, enabled and would be taken (WFI wake-up):
 * group 1 on in GICD_CTLR and in the vCPU (ICC_IGRPEN1), priority above its
 * ICC_PMR, not active already. Call it on the vCPU's own pCPU, or while
 * the vCPU is not loaded (its PMR then comes from the state saved at put).
 */
bool vgic_vcpu_pending(struct vcpu *v);

/*
 * World-switch hooks, called with interrupts masked on the vCPU's pCPU:
 * load/save the virtual CPU interface (ICH_* registers) when the vCPU is
 * scheduled in/out, and update the list registers around each guest entry
 * and after each exit. The entry/exit hooks must be cheap when nothing
 * changed (the EL0-app fast path returns to the guest through them):
 * before_entry touches no register unless the vCPU's interrupts changed,
 * after_exit none while no list register is in use.
 *
 * Order: load, then any number of (before_entry, guest runs, after_exit,
 * exit handling, including irq_handle_pending() for the maintenance
 * interrupt), then put. load sets ICH_HCR_EL2.En; put clears it and
 * empties the list registers, so between a put and the next load the
 * virtual interface is off and raises no maintenance interrupt.
 */
void vgic_vcpu_load(struct vcpu *v);
void vgic_vcpu_put(struct vcpu *v);
void vgic_before_entry(struct vcpu *v);
void vgic_after_exit(struct vcpu *v);

#endif
