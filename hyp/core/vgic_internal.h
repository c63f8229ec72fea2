/*
 * State shared by the vGIC's parts: vgic.c (state, injection, SGIs),
 * vgic_mmio.c (distributor/redistributor registers) and vgic_lr.c (list
 * registers and the world-switch hooks). Not for anyone else.
 *
 * Locking. Each interrupt's state is protected by one lock: an SPI's by
 * its domain's dist->lock, an SGI/PPI's by its vCPU's vc->lock. When both
 * are needed (filling or reading back a vCPU's list registers), dist->lock
 * is taken first. Both are taken with interrupts masked (irqsave): the
 * maintenance interrupt handler and injections from interrupt context take
 * them too. The list-register image of a vCPU (vc->lr_*) is written only by
 * the pCPU the vCPU runs on, under vc->lock.
 *
 * "Resident": an interrupt that sits in a vCPU's list registers
 * (q->lr_vcpu != NULL). While it is resident, the LR is the truth for
 * its pending/active state, except that:
 *  - pending_latch then means "made pending again since it was put into
 *    the LR" (merged into the LR at the next fill), and
 *  - override means the guest changed its pending/active state through
 *    MMIO: the software state wins over what the LR says at the next
 *    read-back, and the LR is rewritten from it at the next fill.
 */
#ifndef CORE_VGIC_INTERNAL_H
#define CORE_VGIC_INTERNAL_H

#include "arch/vgic_hw.h"
#include "core/vgic.h"

#define VGIC_NR_PRIVATE 32
#define VGIC_NR_IRQS (VGIC_NR_PRIVATE + VGIC_NR_SPIS)
#define VGIC_NO_TARGET 0xff
/* Priority bits kept: 5, the minimum every GICv3 virtual interface has. */
#define VGIC_PRIO_MASK 0xf8

_Static_assert(VGIC_NR_IRQS <= 1020, "SPIs end below the special INTIDs");
_Static_assert(MAX_VCPUS <= 32, "vCPU masks are 32-bit");

struct vgic_irq {
	struct vcpu *lr_vcpu;	/* whose list registers hold it, or NULL */
	uint64_t route;		/* SPI: GICD_IROUTER (affinity fields only) */
	uint16_t intid;
	uint8_t priority;
	uint8_t target;		/* SPI: index of the vCPU route names, or NO_TARGET */
	uint8_t lr;		/* LR index while resident */
	bool enabled;
	bool level;		/* level-sensitive (ICFGR bit clear) */
	bool pending_latch;	/* edge pending / soft pending (ISPENDR, injection) */
	bool line_level;	/* input line (level-sensitive SPIs) */
	bool active;
	bool lr_pending;	/* resident: the LR has it pending */
	bool override;		/* resident: MMIO changed its state, see above */
};

struct vgic_dist {
	spinlock_t lock;
	/*
	 * Sticky: set before the guest's first write to a distributor
	 * register or the first SPI injection. Until then no SPI can be
	 * wanted or resident, and a vCPU's list-register work needs only its
	 * own lock: no per-domain lock on every trap of guests without SPIs.
	 */
	_Atomic bool spis_used;
	struct domain *dom;
	bool in_use;
	_Atomic uint32_t ctlr;		/* EnableGrp0/1 as written */
	unsigned nr_frames;		/* redistributor frames = vCPUs */
	struct vgic_irq spi[VGIC_NR_SPIS];
};

struct vgic_cpu {
	spinlock_t lock;
	struct vcpu *vcpu;
	bool in_use;
	bool loaded;			/* ICH state is on the vCPU's pCPU */
	bool reload;			/* reset while loaded: rewrite all ICH state */
	_Atomic bool dirty;		/* pending state changed: refill the LRs */
	uint32_t waker;			/* GICR_WAKER.ProcessorSleep */
	struct vgic_irq priv[VGIC_NR_PRIVATE];

	/* The list registers: what they hold (loaded) or will hold (not). */
	struct vgic_irq *lr_irq[VGIC_HW_MAX_LRS];
	uint64_t lr_val[VGIC_HW_MAX_LRS];
	uint32_t used_lrs;		/* LRs holding an interrupt */
	uint32_t pending_lrs;		/* ... written with the pending state */
	uint32_t eoi_lrs;		/* ... with the EOI maintenance bit */
	bool overflow;			/* more to deliver than LRs */
	uint64_t hcr;			/* ICH_HCR_EL2 while loaded */
	uint64_t vmcr;			/* ICH_VMCR_EL2, saved at put */
	uint32_t ap0r[VGIC_HW_MAX_APRS], ap1r[VGIC_HW_MAX_APRS];
};

/* vgic.c */
extern struct vgic_hw_info vgic_hw;
struct vgic_irq *vgic_get_irq(struct domain *d, struct vcpu *v, uint32_t intid);
bool vgic_irq_is_pending(const struct vgic_irq *q);
bool vgic_group1_enabled(struct domain *d);
bool vgic_irq_wanted(struct domain *d, const struct vgic_irq *q);
struct vcpu *vgic_irq_owner(struct domain *d, const struct vgic_irq *q);
void vgic_mark_dirty(struct vcpu *v);
void vgic_kick_mask(struct domain *d, uint32_t mask);
uint8_t vgic_route_to_target(struct domain *d, uint64_t route);
void vgic_reset_private(struct vgic_cpu *vc);

/* vgic_mmio.c */
extern const struct mmio_ops vgic_dist_mmio_ops, vgic_redist_mmio_ops;

/* vgic_lr.c */
void vgic_lr_release_all(struct vcpu *v);

/* The distributor's lock, then the vCPU's: the order everyone uses. */
static inline uint64_t vgic_lock_both(struct domain *d, struct vgic_cpu *vc)
{
	uint64_t flags = spin_lock_irqsave(&d->vgic->lock);

	spin_lock(&vc->lock);
	return flags;
}

static inline void vgic_unlock_both(struct domain *d, struct vgic_cpu *vc, uint64_t flags)
{
	spin_unlock(&vc->lock);
	spin_unlock_irqrestore(&d->vgic->lock, flags);
}

/*
 * The locks a vCPU's list-register work needs: its own, and the
 * distributor's as well once SPIs are in play (*spis says which).
 */
static inline uint64_t vgic_lock_for_vcpu(struct domain *d, struct vgic_cpu *vc, bool *spis)
{
	uint64_t flags;

	*spis = atomic_load_explicit(&d->vgic->spis_used, memory_order_acquire);
	if (*spis)
		return vgic_lock_both(d, vc);
	flags = spin_lock_irqsave(&vc->lock);
	return flags;
}

static inline void vgic_unlock_for_vcpu(struct domain *d, struct vgic_cpu *vc, bool spis,
					uint64_t flags)
{
	if (spis) {
		vgic_unlock_both(d, vc, flags);
		return;
	}
	spin_unlock_irqrestore(&vc->lock, flags);
}

static inline void vgic_note_spis_used(struct vgic_dist *dist)
{
	if (!atomic_load_explicit(&dist->spis_used, memory_order_relaxed))
		atomic_store_explicit(&dist->spis_used, true, memory_order_release);
}

static inline uint32_t vgic_vcpu_bit(const struct vcpu *v)
{
	return 1u << v->id;
}

#endif
