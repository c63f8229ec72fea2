/*
 * The virtual GICv3: per-domain distributor state (SPIs), per-vCPU
 * redistributor state (SGIs, PPIs), interrupt injection and SGI generation.
 * Register emulation is in vgic_mmio.c, the list registers in vgic_lr.c.
 * Portable: no system register is touched here except through
 * arch/vgic_hw.h, so all of it runs in the host unit tests.
 *
 * The guest sees a GICv3 with a single security state (GICD_CTLR.DS = 1),
 * affinity routing always on, every interrupt in group 1, no LPIs/ITS.
 */
#include "core/console.h"
#include "lib/string.h"
#include "vgic_internal.h"

#define AFFINITY_MASK 0xff00ffffffUL	/* Aff3, Aff2, Aff1, Aff0 */
#define GICD_CTLR_ENABLE_G1 (1u << 1)

/* Interrupt controller state lives in static pools: no allocator needed. */
static struct vgic_dist dist_pool[MAX_DOMAINS];
static struct vgic_cpu cpu_pool[MAX_DOMAINS * MAX_VCPUS];
static spinlock_t pool_lock = SPINLOCK_INIT;

/* --- helpers shared with vgic_mmio.c and vgic_lr.c ---------------------------- */

struct vgic_irq *vgic_get_irq(struct domain *d, struct vcpu *v, uint32_t intid)
{
	if (intid < VGIC_NR_PRIVATE)
		return v && v->vgic ? &v->vgic->priv[intid] : NULL;
	if (intid < VGIC_NR_IRQS && d && d->vgic)
		return &d->vgic->spi[intid - VGIC_NR_PRIVATE];
	return NULL;
}

/*
 * Level-sensitive: the line, or a soft pending (ISPENDR) not yet
 * acknowledged. Edge: latched, or still pending in an LR.
 */
bool vgic_irq_is_pending(const struct vgic_irq *q)
{
	if (q->level)
		return q->pending_latch || q->line_level;
	return q->pending_latch || (q->lr_vcpu && q->lr_pending);
}

bool vgic_group1_enabled(struct domain *d)
{
	return atomic_load_explicit(&d->vgic->ctlr, memory_order_relaxed) &
	       GICD_CTLR_ENABLE_G1;
}

/* Whether q belongs in its owner's list registers. */
bool vgic_irq_wanted(struct domain *d, const struct vgic_irq *q)
{
	return q->active ||
	       (vgic_irq_is_pending(q) && q->enabled && vgic_group1_enabled(d));
}

/* The vCPU that holds q, or would get it: for SPIs from the routing. */
struct vcpu *vgic_irq_owner(struct domain *d, const struct vgic_irq *q)
{
	struct vcpu *v;

	if (q->lr_vcpu)
		return q->lr_vcpu;
	if (q->target == VGIC_NO_TARGET || q->target >= d->nvcpus)
		return NULL;
	v = d->vcpu[q->target];
	return v && v->vgic ? v : NULL;
}

/* v's list registers must be refilled before it next enters the guest. */
void vgic_mark_dirty(struct vcpu *v)
{
	atomic_store_explicit(&v->vgic->dirty, true, memory_order_release);
}

/* Kick the vCPUs in mask (bit = vCPU index): call with no vGIC lock held. */
void vgic_kick_mask(struct domain *d, uint32_t mask)
{
	while (mask) {
		unsigned i = (unsigned)__builtin_ctz(mask);

		mask &= mask - 1;
		if (i < d->nvcpus && d->vcpu[i])
			vcpu_kick(d->vcpu[i]);
	}
}

uint8_t vgic_route_to_target(struct domain *d, uint64_t route)
{
	for (unsigned i = 0; i < d->nvcpus; i++) {
		struct vcpu *v = d->vcpu[i];

		if (v && v->vgic && (v->vmpidr & AFFINITY_MASK) == (route & AFFINITY_MASK))
			return (uint8_t)i;
	}
	return VGIC_NO_TARGET;
}

/*
 * Reset state of a vCPU's SGIs and PPIs: SGIs enabled and edge-triggered
 * (their configuration is fixed), PPIs disabled and level-sensitive (the
 * timers are), priority 0; the redistributor asleep, as after a cold reset.
 */
void vgic_reset_private(struct vgic_cpu *vc)
{
	for (unsigned i = 0; i < VGIC_NR_PRIVATE; i++) {
		struct vgic_irq *q = &vc->priv[i];

		memset(q, 0, sizeof(*q));
		q->intid = (uint16_t)i;
		q->target = (uint8_t)vc->vcpu->id;
		q->enabled = i < 16;
		q->level = i >= 16;
	}
	vc->waker = 1;
}

static void reset_spis(struct domain *d)
{
	struct vgic_dist *dist = d->vgic;
	uint8_t target = vgic_route_to_target(d, 0);

	for (unsigned i = 0; i < VGIC_NR_SPIS; i++) {
		struct vgic_irq *q = &dist->spi[i];

		memset(q, 0, sizeof(*q));
		q->intid = (uint16_t)(VGIC_NR_PRIVATE + i);
		q->level = true;
		q->target = target;
	}
	atomic_store(&dist->ctlr, 0);
}

/* --- lifetime ------------------------------------------------------------------ */

static struct vgic_dist *alloc_dist(void)
{
	struct vgic_dist *dist = NULL;

	spin_lock(&pool_lock);
	for (unsigned i = 0; i < ARRAY_SIZE(dist_pool) && !dist; i++)
		if (!dist_pool[i].in_use) {
			dist = &dist_pool[i];
			memset(dist, 0, sizeof(*dist));
			dist->in_use = true;
		}
	spin_unlock(&pool_lock);
	return dist;
}

static struct vgic_cpu *alloc_cpu(void)
{
	struct vgic_cpu *vc = NULL;

	spin_lock(&pool_lock);
	for (unsigned i = 0; i < ARRAY_SIZE(cpu_pool) && !vc; i++)
		if (!cpu_pool[i].in_use) {
			vc = &cpu_pool[i];
			memset(vc, 0, sizeof(*vc));
			vc->in_use = true;
		}
	spin_unlock(&pool_lock);
	return vc;
}

static void free_to_pool(bool *in_use)
{
	spin_lock(&pool_lock);
	*in_use = false;
	spin_unlock(&pool_lock);
}

int vgic_domain_init(struct domain *d)
{
	struct vgic_dist *dist;
	unsigned n = d->nvcpus;

	if (!vgic_hw.nr_lrs) {
		pr_err("vgic: %s: no virtual CPU interface (vgic_global_init)\n", d->name);
		return -1;
	}
	if (n == 0 || n > MAX_VCPUS) {
		pr_err("vgic: %s: %u vCPUs\n", d->name, n);
		return -1;
	}
	dist = alloc_dist();	/* zeroed: its lock is unlocked */
	if (!dist) {
		pr_err("vgic: %s: no free distributor\n", d->name);
		return -1;
	}
	dist->dom = d;
	dist->nr_frames = n;
	d->vgic = dist;
	reset_spis(d);
	if (domain_add_mmio(d, VGIC_DIST_BASE, VGIC_DIST_SIZE, &vgic_dist_mmio_ops,
			    dist, "GICD") ||
	    domain_add_mmio(d, VGIC_REDIST_BASE, (uint64_t)n * VGIC_REDIST_STRIDE,
			    &vgic_redist_mmio_ops, dist, "GICR")) {
		pr_err("vgic: %s: cannot register the GIC's MMIO regions\n", d->name);
		d->vgic = NULL;
		free_to_pool(&dist->in_use);
		return -1;
	}
	return 0;
}

void vgic_domain_destroy(struct domain *d)
{
	for (unsigned i = 0; i < d->nvcpus; i++) {
		struct vcpu *v = d->vcpu[i];

		if (v && v->vgic) {
			struct vgic_cpu *vc = v->vgic;

			v->vgic = NULL;
			free_to_pool(&vc->in_use);
		}
	}
	if (d->vgic) {
		struct vgic_dist *dist = d->vgic;

		d->vgic = NULL;
		free_to_pool(&dist->in_use);
	}
}

/* A new vCPU may be what some SPI's IROUTER names: resolve them again. */
static void retarget_spis(struct domain *d)
{
	struct vgic_dist *dist = d->vgic;
	uint64_t flags = spin_lock_irqsave(&dist->lock);

	for (unsigned i = 0; i < VGIC_NR_SPIS; i++)
		dist->spi[i].target = vgic_route_to_target(d, dist->spi[i].route);
	spin_unlock_irqrestore(&dist->lock, flags);
}

int vgic_vcpu_init(struct vcpu *v)
{
	struct domain *d = v->dom;
	struct vgic_cpu *vc;

	if (!d->vgic || v->id >= d->vgic->nr_frames) {
		pr_err("vgic: %s: vCPU %u has no redistributor\n", d->name, v->id);
		return -1;
	}
	vc = alloc_cpu();
	if (!vc) {
		pr_err("vgic: %s: no free redistributor for vCPU %u\n", d->name, v->id);
		return -1;
	}
	vc->vcpu = v;
	vc->hcr = ICH_HCR_EN;
	vgic_reset_private(vc);
	v->vgic = vc;
	retarget_spis(d);
	return 0;
}

void vgic_vcpu_reset(struct vcpu *v)
{
	struct vgic_cpu *vc = v->vgic;
	uint64_t flags;

	if (!vc)
		return;
	flags = vgic_lock_both(v->dom, vc);
	vgic_lr_release_all(v);
	vgic_reset_private(vc);
	vc->vmcr = 0;
	memset(vc->ap0r, 0, sizeof(vc->ap0r));
	memset(vc->ap1r, 0, sizeof(vc->ap1r));
	vc->hcr = ICH_HCR_EN;
	vc->overflow = false;
	if (vc->loaded)
		vc->reload = true;	/* the registers still hold the old state */
	vgic_unlock_both(v->dom, vc, flags);
	vgic_mark_dirty(v);
}

void vgic_domain_reset(struct domain *d)
{
	uint64_t flags;

	if (!d->vgic)
		return;
	for (unsigned i = 0; i < d->nvcpus; i++)
		if (d->vcpu[i])
			vgic_vcpu_reset(d->vcpu[i]);
	flags = spin_lock_irqsave(&d->vgic->lock);
	reset_spis(d);
	spin_unlock_irqrestore(&d->vgic->lock, flags);
}

/* --- injection ------------------------------------------------------------------ */

void vgic_inject_private(struct vcpu *v, uint32_t intid)
{
	struct vgic_cpu *vc = v ? v->vgic : NULL;
	struct vgic_irq *q;
	uint64_t flags;
	bool wanted;

	if (!vc || intid >= VGIC_NR_PRIVATE)
		return;
	q = &vc->priv[intid];
	flags = spin_lock_irqsave(&vc->lock);
	q->pending_latch = true;
	wanted = vgic_irq_wanted(v->dom, q);
	if (wanted)
		vgic_mark_dirty(v);
	spin_unlock_irqrestore(&vc->lock, flags);
	if (wanted)
		vcpu_kick(v);
}

/*
 * Drive q's input line; q's lock held. Returns the vCPUs to kick: its
 * owner, if it has something new to take or a resident one to withdraw.
 */
static uint32_t set_line(struct domain *d, struct vgic_irq *q, bool level)
{
	struct vcpu *owner;
	bool changed = false;

	if (q->level) {
		changed = q->line_level != level;
	} else if (level) {
		/* Edge: every call with level set is one edge. */
		q->pending_latch = true;
		changed = true;
	}
	q->line_level = level;
	owner = vgic_irq_owner(d, q);
	if (!changed || !owner || (!q->lr_vcpu && !vgic_irq_wanted(d, q)))
		return 0;
	vgic_mark_dirty(owner);
	return vgic_vcpu_bit(owner);
}

void vgic_inject_spi(struct domain *d, uint32_t intid, bool level)
{
	struct vgic_dist *dist = d ? d->vgic : NULL;
	uint32_t kick;
	uint64_t flags;

	if (!dist || intid < VGIC_NR_PRIVATE || intid >= VGIC_NR_IRQS)
		return;
	vgic_note_spis_used(dist);
	flags = spin_lock_irqsave(&dist->lock);
	kick = set_line(d, &dist->spi[intid - VGIC_NR_PRIVATE], level);
	spin_unlock_irqrestore(&dist->lock, flags);
	vgic_kick_mask(d, kick);
}

void vgic_set_private_level(struct vcpu *v, uint32_t intid, bool level)
{
	struct vgic_cpu *vc = v ? v->vgic : NULL;
	uint32_t kick;
	uint64_t flags;

	if (!vc || intid < 16 || intid >= VGIC_NR_PRIVATE)
		return;
	flags = spin_lock_irqsave(&vc->lock);
	kick = set_line(v->dom, &vc->priv[intid], level);
	spin_unlock_irqrestore(&vc->lock, flags);
	vgic_kick_mask(v->dom, kick);
}

/* --- SGIs ------------------------------------------------------------------------- */

#define SGI1R_TARGETS(v) ((v) & 0xffff)
#define SGI1R_AFF1(v) (((v) >> 16) & 0xff)
#define SGI1R_INTID(v) (((v) >> 24) & 0xf)
#define SGI1R_AFF2(v) (((v) >> 32) & 0xff)
#define SGI1R_IRM(v) (((v) >> 40) & 1)
#define SGI1R_RS(v) (((v) >> 44) & 0xf)
#define SGI1R_AFF3(v) (((v) >> 48) & 0xff)

#define MPIDR_AFF0(m) ((m) & 0xff)
#define MPIDR_AFF1(m) (((m) >> 8) & 0xff)
#define MPIDR_AFF2(m) (((m) >> 16) & 0xff)
#define MPIDR_AFF3(m) (((m) >> 32) & 0xff)

/* Whether the SGI1R value (IRM = 0) names the vCPU with this MPIDR. */
static bool sgi1r_targets(uint64_t value, uint64_t mpidr)
{
	uint64_t aff0 = MPIDR_AFF0(mpidr);

	return MPIDR_AFF3(mpidr) == SGI1R_AFF3(value) &&
	       MPIDR_AFF2(mpidr) == SGI1R_AFF2(value) &&
	       MPIDR_AFF1(mpidr) == SGI1R_AFF1(value) &&
	       aff0 / 16 == SGI1R_RS(value) &&
	       (SGI1R_TARGETS(value) & (1u << (aff0 % 16)));
}

/* Make the SGI pending on w; true if w must be kicked. */
static bool sgi_set_pending(struct vcpu *w, uint32_t sgi)
{
	struct vgic_cpu *vc = w->vgic;
	uint64_t flags = spin_lock_irqsave(&vc->lock);
	struct vgic_irq *q = &vc->priv[sgi];
	bool wanted;

	q->pending_latch = true;
	wanted = vgic_irq_wanted(w->dom, q);
	if (wanted)
		vgic_mark_dirty(w);
	spin_unlock_irqrestore(&vc->lock, flags);
	return wanted;
}

void vgic_sgi1r_write(struct vcpu *v, uint64_t value)
{
	struct domain *d = v->dom;
	uint32_t sgi = (uint32_t)SGI1R_INTID(value);
	uint32_t kick = 0;

	if (!d->vgic)
		return;
	for (unsigned i = 0; i < d->nvcpus; i++) {
		struct vcpu *w = d->vcpu[i];
		bool hit;

		if (!w || !w->vgic)
			continue;
		if (SGI1R_IRM(value))
			hit = w != v;		/* every PE but the sender */
		else
			hit = sgi1r_targets(value, w->vmpidr);
		if (hit && sgi_set_pending(w, sgi) && w != v)
			kick |= vgic_vcpu_bit(w);
	}
	vgic_kick_mask(d, kick);
}

/* --- WFI -------------------------------------------------------------------------- */

static bool would_signal(const struct vgic_irq *q, unsigned pmr)
{
	return vgic_irq_is_pending(q) && q->enabled && !q->active && q->priority < pmr;
}

bool vgic_vcpu_pending(struct vcpu *v)
{
	struct vgic_cpu *vc = v->vgic;
	struct domain *d = v->dom;
	bool found = false, spis;
	uint64_t vmcr, flags;
	unsigned pmr;

	if (!vc || !d->vgic || !vgic_group1_enabled(d))
		return false;
	/* Loaded here: the guest may have changed ICC_PMR/IGRPEN1 since. */
	vmcr = vc->loaded && current_vcpu() == v ? vgic_hw_read_vmcr() : vc->vmcr;
	if (!(vmcr & ICH_VMCR_VENG1))
		return false;
	pmr = (unsigned)((vmcr & ICH_VMCR_VPMR_MASK) >> ICH_VMCR_VPMR_SHIFT);

	flags = vgic_lock_for_vcpu(d, vc, &spis);
	for (unsigned i = 0; i < VGIC_NR_PRIVATE && !found; i++)
		found = would_signal(&vc->priv[i], pmr);
	for (unsigned i = 0; spis && i < VGIC_NR_SPIS && !found; i++) {
		const struct vgic_irq *q = &d->vgic->spi[i];

		if (q->lr_vcpu == v || (!q->lr_vcpu && q->target == v->id))
			found = would_signal(q, pmr);
	}
	vgic_unlock_for_vcpu(d, vc, spis, flags);
	return found;
}
