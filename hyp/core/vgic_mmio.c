/*
 * The vGIC's memory-mapped registers: the distributor (GICD) and one
 * redistributor per vCPU (GICR: RD_base and SGI_base frames), as trapped
 * stage-2 accesses. Register layout: Arm IHI 0069 (GICv3), chapter 12.
 *
 * Access rules: 32-bit accesses everywhere; IPRIORITYR (and the RAZ/WI
 * ITARGETSR, SPENDSGIR, CPENDSGIR) also by byte; IROUTER, GICR_TYPER,
 * GICR_PROPBASER/PENDBASER also as 64-bit. Any other width or a misaligned
 * access is refused (the guest gets a data abort). Offsets the GIC does
 * not define, or that this one does not implement, read as zero and ignore
 * writes; the first such access is logged.
 *
 * The same code serves the distributor's SPIs and a redistributor's
 * SGIs/PPIs: a "bank" is a run of interrupts, its register index n covers
 * INTIDs 32n..32n+31 (1 bit each), 4n..4n+3 (priority bytes) or
 * 16n..16n+15 (2 configuration bits each); INTIDs outside the bank are RAZ/WI.
 */
#include "core/console.h"
#include "vgic_internal.h"

/* GICD */
#define GICD_CTLR 0x0000
#define GICD_TYPER 0x0004
#define GICD_IIDR 0x0008
#define GICD_TYPER2 0x000c
#define GICD_STATUSR 0x0010
#define GICD_SETSPI_NSR 0x0040
#define GICD_CLRSPI_SR 0x0058
#define GICD_IGROUPR 0x0080
#define GICD_ISENABLER 0x0100
#define GICD_ICENABLER 0x0180
#define GICD_ISPENDR 0x0200
#define GICD_ICPENDR 0x0280
#define GICD_ISACTIVER 0x0300
#define GICD_ICACTIVER 0x0380
#define GICD_IPRIORITYR 0x0400
#define GICD_ITARGETSR 0x0800
#define GICD_ICFGR 0x0c00
#define GICD_IGRPMODR 0x0d00
#define GICD_NSACR 0x0e00
#define GICD_SGIR 0x0f00
#define GICD_CPENDSGIR 0x0f10
#define GICD_SPENDSGIR 0x0f20
#define GICD_IROUTER 0x6000
#define GICD_IDREGS 0xffd0

#define GICD_CTLR_ENABLE_G0 (1u << 0)
#define GICD_CTLR_ENABLE_G1 (1u << 1)
#define GICD_CTLR_ARE (1u << 4)
#define GICD_CTLR_DS (1u << 6)

#define GICD_TYPER_IDBITS_SHIFT 19
#define GICD_TYPER_A3V (1u << 24)
#define GICD_TYPER_NO1N (1u << 25)
#define GICD_TYPER_RSS (1u << 26)

/* GICR, RD_base frame */
#define GICR_CTLR 0x0000
#define GICR_IIDR 0x0004
#define GICR_TYPER 0x0008
#define GICR_STATUSR 0x0010
#define GICR_WAKER 0x0014
#define GICR_PROPBASER 0x0070
#define GICR_PENDBASER 0x0078
#define GICR_IDREGS 0xffd0
#define GICR_SGI_BASE 0x10000

#define GICR_TYPER_LAST (1u << 4)
#define GICR_WAKER_PROCESSOR_SLEEP (1u << 1)
#define GICR_WAKER_CHILDREN_ASLEEP (1u << 2)

/* Implementer Arm (0x43b), product 'E' (no erratum workaround matches it). */
#define VGIC_IIDR 0x4500043bu
#define VGIC_IROUTER_MASK 0xff00ffffffUL	/* IRM (1 of N) is RAZ/WI */

/* PIDR4..7, PIDR0..3, CIDR0..3: PIDR2.ArchRev = 3 (GICv3), Linux checks. */
static const uint8_t gicd_idregs[12] = {
	0x04, 0, 0, 0, 0x92, 0xb4, 0x3b, 0x00, 0x0d, 0xf0, 0x05, 0xb1,
};
static const uint8_t gicr_idregs[12] = {
	0x04, 0, 0, 0, 0x93, 0xb4, 0x3b, 0x00, 0x0d, 0xf0, 0x05, 0xb1,
};

/* --- access checks and logging --------------------------------------------------- */

enum width { W32 = 1, W8 = 2, W64 = 4, WANY = 8 };

static bool width_ok(uint64_t offset, unsigned size, unsigned allowed)
{
	if ((size != 1 && size != 2 && size != 4 && size != 8) || (offset & (size - 1)))
		return false;
	if (allowed & WANY)
		return true;
	return (size == 4 && (allowed & W32)) || (size == 1 && (allowed & W8)) ||
	       (size == 8 && (allowed & W64));
}

static void log_unhandled(const char *frame, uint64_t offset, bool write)
{
	static _Atomic bool logged;

	if (!atomic_exchange(&logged, true))
		printk("vgic: %s %s at offset %#lx: not implemented, RAZ/WI "
		       "(logged once)\n", write ? "write to" : "read of", frame,
		       (unsigned long)offset);
}

/* --- banks ------------------------------------------------------------------------ */

struct bank {
	struct domain *d;
	struct vgic_irq *irqs;		/* irqs[i] is INTID first + i */
	uint32_t first, count;
	uint32_t kick;			/* vCPUs to kick once unlocked */
};

static struct vgic_irq *bank_irq(const struct bank *b, uint32_t intid)
{
	if (intid < b->first || intid - b->first >= b->count)
		return NULL;
	return &b->irqs[intid - b->first];
}

/* q's state changed so that its owner's list registers may be stale. */
static void refresh(struct bank *b, struct vgic_irq *q)
{
	struct vcpu *owner = vgic_irq_owner(b->d, q);

	if (owner) {
		vgic_mark_dirty(owner);
		b->kick |= vgic_vcpu_bit(owner);
	}
}

enum bit_op {
	OP_GROUP, OP_SET_ENABLE, OP_CLEAR_ENABLE, OP_SET_PENDING, OP_CLEAR_PENDING,
	OP_SET_ACTIVE, OP_CLEAR_ACTIVE,
};

static bool bit_read(const struct bank *b, const struct vgic_irq *q, enum bit_op op)
{
	switch (op) {
	case OP_GROUP:
		return true;			/* group 1, RAO/WI */
	case OP_SET_ENABLE:
	case OP_CLEAR_ENABLE:
		return q->enabled;
	case OP_SET_PENDING:
	case OP_CLEAR_PENDING:
		return vgic_irq_is_pending(q);
	case OP_SET_ACTIVE:
	case OP_CLEAR_ACTIVE:
		return q->active;
	}
	(void)b;
	return false;
}

/*
 * Returns whether the owner must refill its LRs. Changes to the pending or
 * active state of a resident interrupt set override: that LR's next
 * read-back must not undo them.
 */
static bool bit_write(struct bank *b, struct vgic_irq *q, enum bit_op op)
{
	switch (op) {
	case OP_GROUP:
		return false;
	case OP_SET_ENABLE:
		if (q->enabled)
			return false;
		q->enabled = true;
		return vgic_irq_wanted(b->d, q);
	case OP_CLEAR_ENABLE:
		if (!q->enabled)
			return false;
		q->enabled = false;
		return q->lr_vcpu != NULL;	/* withdraw it if only pending */
	case OP_SET_PENDING:
		q->pending_latch = true;
		return vgic_irq_wanted(b->d, q);
	case OP_CLEAR_PENDING:
		q->pending_latch = false;	/* a high level line stays pending */
		if (!q->lr_vcpu || !q->lr_pending)
			return false;
		q->lr_pending = false;
		q->override = true;
		return true;
	case OP_SET_ACTIVE:
	case OP_CLEAR_ACTIVE:
		if (q->active == (op == OP_SET_ACTIVE))
			return false;
		q->active = op == OP_SET_ACTIVE;
		if (q->lr_vcpu)
			q->override = true;
		return q->lr_vcpu || vgic_irq_wanted(b->d, q);
	}
	return false;
}

static void bits_access(struct bank *b, unsigned reg, enum bit_op op, bool write,
			uint64_t *value)
{
	uint32_t bits = 0;

	for (unsigned i = 0; i < 32; i++) {
		struct vgic_irq *q = bank_irq(b, reg * 32 + i);

		if (!q)
			continue;
		if (!write) {
			if (bit_read(b, q, op))
				bits |= 1u << i;
		} else if ((*value >> i) & 1) {
			if (bit_write(b, q, op))
				refresh(b, q);
		}
	}
	if (!write)
		*value = bits;
}

/* IPRIORITYR, byte or word: byte k of the access is INTID first_byte + k. */
static void priority_access(struct bank *b, unsigned first_byte, unsigned size,
			    bool write, uint64_t *value)
{
	uint64_t bytes = 0;

	for (unsigned k = 0; k < size; k++) {
		struct vgic_irq *q = bank_irq(b, first_byte + k);

		if (!q)
			continue;
		if (!write) {
			bytes |= (uint64_t)q->priority << (8 * k);
			continue;
		}
		q->priority = (uint8_t)(*value >> (8 * k)) & VGIC_PRIO_MASK;
		if (q->lr_vcpu || vgic_irq_wanted(b->d, q))
			refresh(b, q);
	}
	if (!write)
		*value = bytes;
}

/* ICFGR: bit 2k+1 set = edge-triggered. SGIs are edge, read-only. */
static void config_access(struct bank *b, unsigned reg, bool write, uint64_t *value)
{
	uint32_t bits = 0;

	for (unsigned k = 0; k < 16; k++) {
		struct vgic_irq *q = bank_irq(b, reg * 16 + k);
		bool level;

		if (!q)
			continue;
		if (!write) {
			if (!q->level)
				bits |= 2u << (2 * k);
			continue;
		}
		level = !((*value >> (2 * k + 1)) & 1);
		if (q->intid < 16 || q->level == level)
			continue;
		q->level = level;
		if (q->lr_vcpu || vgic_irq_wanted(b->d, q))
			refresh(b, q);
	}
	if (!write)
		*value = bits;
}

/*
 * The registers both frames share at the same offsets (GICD and GICR
 * SGI_base): group, enable, pending, active, priority, configuration.
 * Returns false if offset is none of them.
 */
static bool bank_register(struct bank *b, uint64_t offset, unsigned size, bool write,
			  uint64_t *value, bool *width_bad)
{
	static const struct { uint32_t base; enum bit_op op; } bit_regs[] = {
		{ GICD_IGROUPR, OP_GROUP },
		{ GICD_ISENABLER, OP_SET_ENABLE }, { GICD_ICENABLER, OP_CLEAR_ENABLE },
		{ GICD_ISPENDR, OP_SET_PENDING }, { GICD_ICPENDR, OP_CLEAR_PENDING },
		{ GICD_ISACTIVER, OP_SET_ACTIVE }, { GICD_ICACTIVER, OP_CLEAR_ACTIVE },
	};

	*width_bad = false;
	for (unsigned i = 0; i < ARRAY_SIZE(bit_regs); i++) {
		if (offset < bit_regs[i].base || offset >= bit_regs[i].base + 0x80)
			continue;
		if (!width_ok(offset, size, W32)) {
			*width_bad = true;
			return true;
		}
		bits_access(b, (unsigned)(offset - bit_regs[i].base) / 4, bit_regs[i].op,
			    write, value);
		return true;
	}
	if (offset >= GICD_IPRIORITYR && offset < GICD_ITARGETSR) {
		if (!width_ok(offset, size, W32 | W8)) {
			*width_bad = true;
			return true;
		}
		priority_access(b, (unsigned)(offset - GICD_IPRIORITYR), size, write, value);
		return true;
	}
	if (offset >= GICD_ICFGR && offset < GICD_IGRPMODR) {
		if (!width_ok(offset, size, W32)) {
			*width_bad = true;
			return true;
		}
		config_access(b, (unsigned)(offset - GICD_ICFGR) / 4, write, value);
		return true;
	}
	return false;
}

static uint32_t id_register(const uint8_t *table, uint64_t offset, uint64_t base)
{
	return table[(offset - base) / 4];
}

/* --- distributor ------------------------------------------------------------------ */

static uint32_t gicd_typer(const struct vgic_dist *dist)
{
	uint32_t lines = (VGIC_NR_IRQS + 31) / 32 - 1;
	uint32_t cpus = MIN(dist->nr_frames, 8u) - 1;

	/* No LPIs, MBIs, ESPIs; one security state; INTIDs up to 1019. */
	return lines | cpus << 5 | 9u << GICD_TYPER_IDBITS_SHIFT | GICD_TYPER_A3V |
	       GICD_TYPER_NO1N | GICD_TYPER_RSS;
}

static void ctlr_write(struct vgic_dist *dist, uint32_t value)
{
	struct domain *d = dist->dom;
	uint32_t new = value & (GICD_CTLR_ENABLE_G0 | GICD_CTLR_ENABLE_G1);
	uint32_t kick = 0;

	if (atomic_exchange(&dist->ctlr, new) == new)
		return;
	/* Group 1 forwarding changed: everyone re-evaluates. */
	for (unsigned i = 0; i < d->nvcpus; i++)
		if (d->vcpu[i] && d->vcpu[i]->vgic) {
			vgic_mark_dirty(d->vcpu[i]);
			kick |= vgic_vcpu_bit(d->vcpu[i]);
		}
	vgic_kick_mask(d, kick);
}

/* IROUTER<n>, 64-bit or either 32-bit half. */
static void irouter_access(struct bank *b, uint64_t offset, unsigned size, bool write,
			   uint64_t *value)
{
	struct vgic_irq *q = bank_irq(b, (uint32_t)((offset - GICD_IROUTER) / 8));
	unsigned shift = (offset & 4) ? 32 : 0;
	uint64_t mask = size == 8 ? ~0UL : 0xffffffffUL << shift;
	uint8_t target;

	if (!q) {
		if (!write)
			*value = 0;
		return;
	}
	if (!write) {
		*value = (q->route & mask) >> shift;
		return;
	}
	q->route = ((q->route & ~mask) | ((*value << shift) & mask)) & VGIC_IROUTER_MASK;
	target = vgic_route_to_target(b->d, q->route);
	if (target == q->target)
		return;
	if (q->lr_vcpu)
		refresh(b, q);		/* old holder lets go of it if it can */
	q->target = target;
	if (vgic_irq_wanted(b->d, q))
		refresh(b, q);
}

static bool dist_access(struct vgic_dist *dist, uint64_t offset, unsigned size,
			bool write, uint64_t *value)
{
	struct bank b = { dist->dom, dist->spi, VGIC_NR_PRIVATE, VGIC_NR_SPIS, 0 };
	bool handled, width_bad;
	uint64_t flags;

	if (write && offset != GICD_CTLR)
		vgic_note_spis_used(dist);
	if (offset >= GICD_IROUTER && offset < GICD_IROUTER + 8 * 1020) {
		if (!width_ok(offset, size, W32 | W64))
			return false;
		flags = spin_lock_irqsave(&dist->lock);
		irouter_access(&b, offset, size, write, value);
		spin_unlock_irqrestore(&dist->lock, flags);
		vgic_kick_mask(dist->dom, b.kick);
		return true;
	}

	flags = spin_lock_irqsave(&dist->lock);
	handled = bank_register(&b, offset, size, write, value, &width_bad);
	spin_unlock_irqrestore(&dist->lock, flags);
	if (handled) {
		vgic_kick_mask(dist->dom, b.kick);
		return !width_bad;
	}

	/* Byte-accessible registers that are RAZ/WI with affinity routing. */
	if ((offset >= GICD_ITARGETSR && offset < GICD_ICFGR) ||
	    (offset >= GICD_CPENDSGIR && offset < GICD_SPENDSGIR + 0x10)) {
		if (!width_ok(offset, size, W32 | W8))
			return false;
		if (!write)
			*value = 0;
		return true;
	}

	if (offset == GICD_CTLR || offset == GICD_TYPER || offset == GICD_IIDR ||
	    offset == GICD_TYPER2 || offset == GICD_STATUSR || offset == GICD_SGIR ||
	    (offset >= GICD_SETSPI_NSR && offset <= GICD_CLRSPI_SR) ||
	    (offset >= GICD_IGRPMODR && offset < GICD_SGIR) ||
	    (offset >= GICD_IDREGS && offset < VGIC_DIST_SIZE)) {
		if (!width_ok(offset, size, W32))
			return false;
		if (write) {
			if (offset == GICD_CTLR)
				ctlr_write(dist, (uint32_t)*value);
			return true;	/* the rest is read-only or WI */
		}
		if (offset == GICD_CTLR)
			*value = atomic_load(&dist->ctlr) | GICD_CTLR_ARE | GICD_CTLR_DS;
		else if (offset == GICD_TYPER)
			*value = gicd_typer(dist);
		else if (offset == GICD_IIDR)
			*value = VGIC_IIDR;
		else if (offset >= GICD_IDREGS)
			*value = id_register(gicd_idregs, offset, GICD_IDREGS);
		else
			*value = 0;	/* TYPER2, STATUSR, MBI, IGRPMODR, NSACR */
		return true;
	}

	if (!width_ok(offset, size, WANY))
		return false;
	log_unhandled("GICD", offset, write);
	if (!write)
		*value = 0;
	return true;
}

static bool dist_read(struct vcpu *v, void *ctx, uint64_t offset, unsigned size,
		      uint64_t *value)
{
	(void)v;
	return dist_access(ctx, offset, size, false, value);
}

static bool dist_write(struct vcpu *v, void *ctx, uint64_t offset, unsigned size,
		       uint64_t value)
{
	(void)v;
	return dist_access(ctx, offset, size, true, &value);
}

const struct mmio_ops vgic_dist_mmio_ops = { dist_read, dist_write };

/* --- redistributors ---------------------------------------------------------------- */

static uint64_t gicr_typer(const struct vgic_dist *dist, const struct vcpu *w)
{
	uint64_t mp = w->vmpidr;
	uint64_t aff = ((mp >> 32) & 0xff) << 24 | (mp & 0xffffff);

	/* No physical or virtual LPIs, no extended PPIs. */
	return aff << 32 | (uint64_t)(w->id & 0xffff) << 8 |
	       (w->id + 1 == dist->nr_frames ? GICR_TYPER_LAST : 0);
}

static uint32_t waker_value(const struct vgic_cpu *vc)
{
	/* The children fall asleep and wake up as soon as asked. */
	return vc->waker ? GICR_WAKER_PROCESSOR_SLEEP | GICR_WAKER_CHILDREN_ASLEEP : 0;
}

static bool rd_access(struct vgic_dist *dist, struct vcpu *w, uint64_t offset,
		      unsigned size, bool write, uint64_t *value)
{
	struct vgic_cpu *vc = w->vgic;

	if (offset == GICR_TYPER || offset == GICR_TYPER + 4) {
		if (!width_ok(offset, size, W32 | W64))
			return false;
		if (!write) {
			uint64_t typer = gicr_typer(dist, w);

			*value = size == 8 ? typer : (uint32_t)(typer >> (offset & 4 ? 32 : 0));
		}
		return true;
	}
	if (offset >= GICR_PROPBASER && offset < GICR_PENDBASER + 8) {
		if (!width_ok(offset, size, W32 | W64))
			return false;
		if (!write)
			*value = 0;	/* no LPIs */
		return true;
	}
	if (offset == GICR_CTLR || offset == GICR_IIDR || offset == GICR_STATUSR ||
	    offset == GICR_WAKER || (offset >= GICR_IDREGS && offset < GICR_SGI_BASE)) {
		if (!width_ok(offset, size, W32))
			return false;
		if (offset == GICR_WAKER) {
			uint64_t flags = spin_lock_irqsave(&vc->lock);

			if (write)
				vc->waker = (*value & GICR_WAKER_PROCESSOR_SLEEP) != 0;
			else
				*value = waker_value(vc);
			spin_unlock_irqrestore(&vc->lock, flags);
		} else if (!write) {
			if (offset == GICR_IIDR)
				*value = VGIC_IIDR;
			else if (offset >= GICR_IDREGS)
				*value = id_register(gicr_idregs, offset, GICR_IDREGS);
			else
				*value = 0;	/* CTLR: no LPIs, RWP/UWP clear */
		}
		return true;
	}
	if (!width_ok(offset, size, WANY))
		return false;
	log_unhandled("GICR RD_base", offset, write);
	if (!write)
		*value = 0;
	return true;
}

static bool sgi_access(struct vcpu *w, uint64_t offset, unsigned size, bool write,
		       uint64_t *value)
{
	struct vgic_cpu *vc = w->vgic;
	struct bank b = { w->dom, vc->priv, 0, VGIC_NR_PRIVATE, 0 };
	bool handled, width_bad;
	uint64_t flags;

	flags = spin_lock_irqsave(&vc->lock);
	handled = bank_register(&b, offset, size, write, value, &width_bad);
	spin_unlock_irqrestore(&vc->lock, flags);
	if (handled) {
		vgic_kick_mask(w->dom, b.kick);
		return !width_bad;
	}
	if ((offset >= GICD_IGRPMODR && offset < GICD_IGRPMODR + 0x80) ||
	    (offset >= GICD_NSACR && offset < GICD_NSACR + 8)) {
		if (!width_ok(offset, size, W32))
			return false;
		if (!write)
			*value = 0;
		return true;
	}
	if (!width_ok(offset, size, WANY))
		return false;
	log_unhandled("GICR SGI_base", offset, write);
	if (!write)
		*value = 0;
	return true;
}

static bool redist_access(struct vgic_dist *dist, uint64_t offset, unsigned size,
			  bool write, uint64_t *value)
{
	uint64_t frame = offset / VGIC_REDIST_STRIDE;
	uint64_t in_frame = offset % VGIC_REDIST_STRIDE;
	struct domain *d = dist->dom;
	struct vcpu *w = frame < dist->nr_frames && frame < d->nvcpus ?
			 d->vcpu[frame] : NULL;

	if (!w || !w->vgic) {
		/* A frame without a vCPU (not created yet): RAZ/WI. */
		if (!width_ok(offset, size, WANY))
			return false;
		if (!write)
			*value = 0;
		return true;
	}
	if (in_frame < GICR_SGI_BASE)
		return rd_access(dist, w, in_frame, size, write, value);
	return sgi_access(w, in_frame - GICR_SGI_BASE, size, write, value);
}

static bool redist_read(struct vcpu *v, void *ctx, uint64_t offset, unsigned size,
			uint64_t *value)
{
	(void)v;
	return redist_access(ctx, offset, size, false, value);
}

static bool redist_write(struct vcpu *v, void *ctx, uint64_t offset, unsigned size,
			 uint64_t value)
{
	(void)v;
	return redist_access(ctx, offset, size, true, &value);
}

const struct mmio_ops vgic_redist_mmio_ops = { redist_read, redist_write };
