/*
 * The vGIC's list registers: what each vCPU's LRs hold, filling them
 * before guest entry, reading back what the guest did with them after an
 * exit, saving/restoring them when the vCPU is scheduled out/in, and the
 * maintenance interrupt. Portable: the ICH registers are reached through
 * arch/vgic_hw.h.
 *
 * The fast path. Between two fills a vCPU's LRs stay as they are; the
 * software image (vc->lr_val) always equals the hardware while the guest
 * is not running. So:
 *  - vgic_before_entry() does nothing, touches no register, unless
 *    something marked the vCPU dirty (an injection, a register write, a
 *    consumed LR that leaves something to deliver, a maintenance IRQ);
 *  - vgic_after_exit() does nothing while no LR is in use; otherwise it
 *    reads ICH_ELRSR_EL2 (plus ICH_EISR_EL2 if a level interrupt with EOI
 *    maintenance is in flight, plus each LR that was written pending, to
 *    see whether the guest acknowledged it), and takes the locks only if
 *    something changed.
 *
 * Filling: the vCPU's candidates are its active interrupts (they must stay
 * in LRs until the guest EOIs them) and its pending, enabled ones; active
 * first, then by priority (lower value first), then by INTID. If there are
 * more than LRs, the rest stay queued and a maintenance interrupt is asked
 * for: NPIE (no LR pending any more) when some LR holds a pending one,
 * otherwise UIE (at most one LR still valid). Its handler marks the vCPU
 * dirty so the next entry refills.
 *
 * Level-triggered interrupts whose line is high when they go into an LR get
 * the EOI maintenance bit: when the guest EOIs one, the line is sampled
 * again and, still high, it is made pending again at once.
 */
#include "core/console.h"
#include "core/irq.h"
#include "drivers/gic.h"
#include "vgic_internal.h"

struct vgic_hw_info vgic_hw;
static uint32_t maintenance_intid = VGIC_MAINTENANCE_PPI;
static _Atomic(vgic_resample_fn) resample_fns[VGIC_NR_PRIVATE];

int vgic_register_resample(uint32_t intid, vgic_resample_fn fn)
{
	vgic_resample_fn none = NULL;

	if (intid < 16 || intid >= VGIC_NR_PRIVATE || !fn)
		return -1;
	return atomic_compare_exchange_strong(&resample_fns[intid], &none, fn) ? 0 : -1;
}

/* i takes the index of each set bit of mask, lowest first. */
#define for_each_bit(i, mask) \
	for (uint32_t bits_left_ = (mask), i = 0; \
	     bits_left_ && (i = (uint32_t)__builtin_ctz(bits_left_), true); \
	     bits_left_ &= bits_left_ - 1)

/* --- the LR image --------------------------------------------------------------- */

/* q leaves the LRs; a pending edge it had there is kept in the latch. */
static void irq_unresident(struct vgic_irq *q)
{
	if (!q->level && q->lr_pending)
		q->pending_latch = true;
	q->lr_pending = false;
	q->lr_vcpu = NULL;
	q->override = false;
}

static void lr_clear(struct vgic_cpu *vc, unsigned i)
{
	uint32_t bit = 1u << i;

	vc->lr_irq[i] = NULL;
	vc->lr_val[i] = 0;
	vc->used_lrs &= ~bit;
	vc->pending_lrs &= ~bit;
	vc->eoi_lrs &= ~bit;
}

static void lr_set(struct vgic_cpu *vc, unsigned i, struct vgic_irq *q, uint64_t val)
{
	uint32_t bit = 1u << i;

	vc->lr_irq[i] = q;
	vc->lr_val[i] = val;
	vc->used_lrs |= bit;
	if (val & ICH_LR_PENDING)
		vc->pending_lrs |= bit;
	else
		vc->pending_lrs &= ~bit;
	if (val & ICH_LR_EOI)
		vc->eoi_lrs |= bit;
	else
		vc->eoi_lrs &= ~bit;
}

/* Reset: everything leaves v's LRs; an SPI keeps its pending state only. */
void vgic_lr_release_all(struct vcpu *v)
{
	struct vgic_cpu *vc = v->vgic;

	for_each_bit(i, vc->used_lrs) {
		struct vgic_irq *q = vc->lr_irq[i];

		q->active = false;
		irq_unresident(q);
		lr_clear(vc, i);
	}
}

/* --- reading back ------------------------------------------------------------------- */

/*
 * The guest changed the LRs in `changed` to now[]: fold that into the
 * interrupts' state. Both locks held. Returns vCPUs to kick, and in
 * *resample the PPIs whose line must be sampled again (EOI'd while high).
 */
static uint32_t fold(struct vcpu *v, uint32_t changed, const uint64_t *now,
		     uint32_t *resample)
{
	struct vgic_cpu *vc = v->vgic;
	struct domain *d = v->dom;
	uint32_t kick = 0;

	for_each_bit(i, changed) {
		struct vgic_irq *q = vc->lr_irq[i];
		uint64_t old = vc->lr_val[i], val = now[i];
		uint64_t state = val & ICH_LR_STATE;

		if (!q->override) {
			/* Acknowledged: a level interrupt's soft pending is consumed. */
			if ((old & ICH_LR_PENDING) && !(state & ICH_LR_PENDING) && q->level)
				q->pending_latch = false;
			q->active = (state & ICH_LR_ACTIVE) != 0;
			q->lr_pending = (state & ICH_LR_PENDING) != 0;
		}
		if (state) {
			lr_set(vc, i, q, val);
			continue;
		}
		/* The guest is done with it (EOI, or EOI + deactivate). */
		if (old & ICH_LR_EOI) {
			vgic_hw_write_lr(i, 0);		/* else EISR keeps it asserted */
			if (q->intid < VGIC_NR_PRIVATE)
				*resample |= 1u << q->intid;
		}
		lr_clear(vc, i);
		irq_unresident(q);
		if (vgic_irq_wanted(d, q)) {
			struct vcpu *owner = vgic_irq_owner(d, q);

			if (owner) {
				vgic_mark_dirty(owner);
				if (owner != v)
					kick |= vgic_vcpu_bit(owner);
			}
		}
		if (vc->overflow)
			vgic_mark_dirty(v);	/* room for the queued ones */
	}
	return kick;
}

/*
 * Read back what the guest did with v's LRs since they were written, and
 * fold it into the interrupts' state. v is loaded here, not running.
 */
static void lr_sync(struct vcpu *v)
{
	struct vgic_cpu *vc = v->vgic;
	uint32_t used = vc->used_lrs, emptied, changed;
	uint64_t now[VGIC_HW_MAX_LRS], flags;
	uint32_t kick, resample = 0;
	bool spis;

	if (!used)
		return;
	emptied = vgic_hw_read_elrsr() & used;
	if (used & vc->eoi_lrs)
		emptied |= vgic_hw_read_eisr() & used;
	changed = emptied;
	for_each_bit(i, emptied)
		now[i] = vc->lr_val[i] & ~ICH_LR_STATE;
	/* Only a pending LR can change without emptying (pending -> active). */
	for_each_bit(i, used & ~emptied & vc->pending_lrs) {
		now[i] = vgic_hw_read_lr(i);
		if (now[i] != vc->lr_val[i])
			changed |= 1u << i;
	}
	if (!changed)
		return;
	flags = vgic_lock_for_vcpu(v->dom, vc, &spis);
	kick = fold(v, changed, now, &resample);
	vgic_unlock_for_vcpu(v->dom, vc, spis, flags);
	vgic_kick_mask(v->dom, kick);
	for_each_bit(intid, resample) {
		vgic_resample_fn fn = atomic_load(&resample_fns[intid]);

		if (fn)
			fn(v, intid);
	}
}

/* --- filling ------------------------------------------------------------------------ */

/* Sort key: active first, then priority, then INTID. Lower goes first. */
static uint32_t fill_key(const struct vgic_irq *q)
{
	return (q->active ? 0u : 1u << 24) | (uint32_t)q->priority << 16 | q->intid;
}

struct fill {
	struct vgic_irq *best[VGIC_HW_MAX_LRS];
	uint32_t key[VGIC_HW_MAX_LRS];
	unsigned n, total;
};

static void fill_consider(struct fill *f, struct vgic_irq *q)
{
	uint32_t key = fill_key(q);
	unsigned pos = f->n;

	f->total++;
	if (f->n == vgic_hw.nr_lrs) {
		if (key >= f->key[f->n - 1])
			return;
		pos = --f->n;		/* the worst one drops out */
	}
	while (pos > 0 && f->key[pos - 1] > key) {
		f->best[pos] = f->best[pos - 1];
		f->key[pos] = f->key[pos - 1];
		pos--;
	}
	f->best[pos] = q;
	f->key[pos] = key;
	f->n++;
}

static bool fill_selected(const struct fill *f, const struct vgic_irq *q)
{
	for (unsigned j = 0; j < f->n; j++)
		if (f->best[j] == q)
			return true;
	return false;
}

/* The LR for q; consumes an edge pending into it. */
static uint64_t make_lr(struct domain *d, struct vgic_irq *q)
{
	bool pending = vgic_irq_is_pending(q);
	bool deliver = pending && q->enabled && vgic_group1_enabled(d);
	uint64_t val = q->intid | ICH_LR_GROUP1 |
		       (uint64_t)q->priority << ICH_LR_PRIO_SHIFT;

	if (!q->level)
		q->pending_latch = pending && !deliver;
	q->lr_pending = deliver;
	if (deliver)
		val |= ICH_LR_PENDING;
	if (q->active)
		val |= ICH_LR_ACTIVE;
	if (q->level && q->line_level)
		val |= ICH_LR_EOI;
	return val;
}

/* Whether v is where q should be delivered (or already is). */
static bool belongs_to(const struct vgic_irq *q, const struct vcpu *v)
{
	return q->lr_vcpu == v || (!q->lr_vcpu && q->target == v->id);
}

/*
 * Rewrite v's LRs from the interrupts' state. Both locks held, v loaded on
 * this pCPU and not running. Returns vCPUs to kick.
 */
static uint32_t lr_fill(struct vcpu *v, bool spis)
{
	struct vgic_cpu *vc = v->vgic;
	struct domain *d = v->dom;
	struct fill f = { .n = 0 };
	uint32_t old_used = vc->used_lrs, kick = 0;
	uint64_t old_val[VGIC_HW_MAX_LRS], hcr;

	for (unsigned i = 0; i < VGIC_NR_PRIVATE; i++)
		if (vgic_irq_wanted(d, &vc->priv[i]))
			fill_consider(&f, &vc->priv[i]);
	for (unsigned i = 0; spis && i < VGIC_NR_SPIS; i++) {
		struct vgic_irq *q = &d->vgic->spi[i];

		if (!belongs_to(q, v) || !vgic_irq_wanted(d, q))
			continue;
		/* Rerouted while waiting in our LRs: let the new target have it. */
		if (q->lr_vcpu == v && q->target != v->id && !q->active) {
			struct vcpu *owner;

			irq_unresident(q);
			owner = vgic_irq_owner(d, q);
			if (owner) {
				vgic_mark_dirty(owner);
				kick |= vgic_vcpu_bit(owner);
			}
			continue;
		}
		fill_consider(&f, q);
	}

	/* Whatever sat in an LR and was not chosen goes back to waiting. */
	for_each_bit(i, old_used) {
		struct vgic_irq *q = vc->lr_irq[i];

		old_val[i] = vc->lr_val[i];
		if (q->lr_vcpu == v && !fill_selected(&f, q))
			irq_unresident(q);
		lr_clear(vc, i);
	}

	for (unsigned j = 0; j < f.n; j++) {
		struct vgic_irq *q = f.best[j];
		uint64_t val = make_lr(d, q);

		if (!(old_used & (1u << j)) || old_val[j] != val)
			vgic_hw_write_lr(j, val);
		lr_set(vc, j, q, val);
		q->lr_vcpu = v;
		q->lr = (uint8_t)j;
		q->override = false;
	}
	for_each_bit(i, old_used)
		if (i >= f.n)
			vgic_hw_write_lr(i, 0);

	vc->overflow = f.total > f.n;
	hcr = ICH_HCR_EN;
	if (vc->overflow) {
		if (vc->pending_lrs)
			hcr |= ICH_HCR_NPIE;
		else if (f.n >= 2)
			hcr |= ICH_HCR_UIE;
	}
	if (hcr != vc->hcr) {
		vc->hcr = hcr;
		vgic_hw_write_hcr(hcr);
	}
	return kick;
}

/* --- the world-switch hooks ------------------------------------------------------------ */

static void restore_hw(struct vgic_cpu *vc, bool all_lrs)
{
	vgic_hw_write_vmcr(vc->vmcr);
	for (unsigned n = 0; n < vgic_hw.nr_aprs; n++) {
		vgic_hw_write_ap0r(n, vc->ap0r[n]);
		vgic_hw_write_ap1r(n, vc->ap1r[n]);
	}
	for (unsigned i = 0; i < vgic_hw.nr_lrs; i++)
		if (all_lrs || (vc->used_lrs & (1u << i)))
			vgic_hw_write_lr(i, vc->lr_val[i]);
	vgic_hw_write_hcr(vc->hcr | ICH_HCR_EN);
}

void vgic_vcpu_load(struct vcpu *v)
{
	struct vgic_cpu *vc = v->vgic;

	if (!vc)
		return;
	/* The other LRs are empty: the previous vgic_vcpu_put cleared its own. */
	restore_hw(vc, false);
	vc->loaded = true;
	vc->reload = false;
}

void vgic_vcpu_put(struct vcpu *v)
{
	struct vgic_cpu *vc = v->vgic;

	if (!vc || !vc->loaded)
		return;
	lr_sync(v);
	vc->vmcr = vgic_hw_read_vmcr();
	for (unsigned n = 0; n < vgic_hw.nr_aprs; n++) {
		vc->ap0r[n] = vgic_hw_read_ap0r(n);
		vc->ap1r[n] = vgic_hw_read_ap1r(n);
	}
	for_each_bit(i, vc->used_lrs)
		vgic_hw_write_lr(i, 0);
	vgic_hw_write_hcr(0);		/* interface off: no maintenance IRQs */
	vc->loaded = false;
}

void vgic_before_entry(struct vcpu *v)
{
	struct vgic_cpu *vc = v->vgic;
	uint64_t flags;
	uint32_t kick;
	bool spis;

	if (!vc)
		return;
	if (vc->reload) {		/* reset while loaded (not the usual way) */
		vc->reload = false;
		restore_hw(vc, true);
	}
	if (!atomic_load_explicit(&vc->dirty, memory_order_relaxed))
		return;
	/*
	 * Cleared before the state is read: a change made after this is
	 * either seen by the fill or marks the vCPU dirty again and kicks it.
	 */
	atomic_exchange(&vc->dirty, false);
	flags = vgic_lock_for_vcpu(v->dom, vc, &spis);
	kick = lr_fill(v, spis);
	vgic_unlock_for_vcpu(v->dom, vc, spis, flags);
	vgic_kick_mask(v->dom, kick);
}

void vgic_after_exit(struct vcpu *v)
{
	struct vgic_cpu *vc = v->vgic;

	if (vc && vc->used_lrs)
		lr_sync(v);
}

/* --- the maintenance interrupt ---------------------------------------------------- */

static void maintenance_irq(uint32_t intid, void *ctx)
{
	struct vcpu *v = current_vcpu();
	struct vgic_cpu *vc = v ? v->vgic : NULL;

	(void)intid;
	(void)ctx;
	if (!vc || !vc->loaded) {
		vgic_hw_write_hcr(0);	/* nobody's interface: keep it off */
		return;
	}
	/* EOI maintenance: fold the EOI'd LRs (clears ICH_EISR_EL2). */
	lr_sync(v);
	/* Underflow / no pending: the next entry refills; ask again then. */
	if (vc->hcr & (ICH_HCR_UIE | ICH_HCR_NPIE)) {
		vc->hcr &= ~(ICH_HCR_UIE | ICH_HCR_NPIE);
		vgic_hw_write_hcr(vc->hcr);
		vgic_mark_dirty(v);
	}
}

int vgic_global_init(uint32_t intid)
{
	if (!vgic_hw_probe(&vgic_hw) || vgic_hw.nr_lrs == 0) {
		pr_err("vgic: no GICv3 virtual CPU interface\n");
		vgic_hw.nr_lrs = 0;
		return -1;
	}
	vgic_hw.nr_lrs = MIN(vgic_hw.nr_lrs, (unsigned)VGIC_HW_MAX_LRS);
	vgic_hw.nr_aprs = MIN(vgic_hw.nr_aprs, (unsigned)VGIC_HW_MAX_APRS);
	/* The DT may not name it (0): the SBSA/QEMU virt PPI then. */
	maintenance_intid = intid >= GIC_PPI_BASE && intid < GIC_SPI_BASE ?
			    intid : VGIC_MAINTENANCE_PPI;
	if (irq_register(maintenance_intid, maintenance_irq, NULL)) {
		pr_err("vgic: cannot register the maintenance interrupt %u\n",
		       maintenance_intid);
		return -1;
	}
	printk("vgic: GICv3 virtual CPU interface, %u list registers, %u priority bits, "
	       "maintenance INTID %u\n", vgic_hw.nr_lrs, vgic_hw.pri_bits, maintenance_intid);
	return 0;
}

void vgic_cpu_init(void)
{
	if (!vgic_hw.nr_lrs)
		return;
	vgic_hw_write_hcr(0);
	for (unsigned n = 0; n < vgic_hw.nr_aprs; n++) {
		vgic_hw_write_ap0r(n, 0);
		vgic_hw_write_ap1r(n, 0);
	}
	for (unsigned i = 0; i < vgic_hw.nr_lrs; i++)
		vgic_hw_write_lr(i, 0);
	gic_enable(maintenance_intid, true);
}
