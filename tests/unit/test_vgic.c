/*
 * The virtual GICv3 (hyp/core/vgic*.c) against a fake ICH register bank:
 * register emulation as Linux's irq-gic-v3 driver uses it, list-register
 * filling and read-back, overflow and maintenance, level/edge semantics,
 * SGI generation, the WFI wake-up check, and the cost of the fast path.
 *
 * The fake bank behaves like the architecture (and QEMU's model): ELRSR
 * marks LRs with no state and no pending EOI maintenance, EISR those with
 * no state and the EOI bit, MISR derives U/NP/EOI from the LRs and HCR.
 * The "guest" acknowledges and EOIs through the LRs as the virtual CPU
 * interface would.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../hyp/core/vgic_internal.h"
#include "core/console.h"
#include "core/irq.h"
#include "drivers/gic.h"
#include "test.h"

#define NV 4
#define NO_IRQ 1023u

/* --- the fake ICH registers ----------------------------------------------------- */

static struct {
	bool present;
	unsigned nr_lrs, nr_aprs;
	uint64_t lr[VGIC_HW_MAX_LRS];
	uint64_t hcr, vmcr;
	uint32_t ap0r[4], ap1r[4];
	unsigned reads, writes;		/* register accesses, for the fast path */
} hw;

static uint32_t fake_elrsr(void)
{
	uint32_t v = 0;

	for (unsigned i = 0; i < hw.nr_lrs; i++)
		if (!(hw.lr[i] & ICH_LR_STATE) &&
		    ((hw.lr[i] & ICH_LR_HW) || !(hw.lr[i] & ICH_LR_EOI)))
			v |= 1u << i;
	return v;
}

static uint32_t fake_eisr(void)
{
	uint32_t v = 0;

	for (unsigned i = 0; i < hw.nr_lrs; i++)
		if ((hw.lr[i] & (ICH_LR_STATE | ICH_LR_HW | ICH_LR_EOI)) == ICH_LR_EOI)
			v |= 1u << i;
	return v;
}

static uint32_t fake_misr(void)
{
	unsigned valid = 0;
	bool pending = false;
	uint32_t misr = 0;

	for (unsigned i = 0; i < hw.nr_lrs; i++) {
		if (hw.lr[i] & ICH_LR_STATE)
			valid++;
		if ((hw.lr[i] & ICH_LR_STATE) == ICH_LR_PENDING)
			pending = true;
	}
	if (fake_eisr())
		misr |= ICH_MISR_EOI;
	if ((hw.hcr & ICH_HCR_UIE) && valid < 2)
		misr |= ICH_MISR_U;
	if ((hw.hcr & ICH_HCR_NPIE) && !pending)
		misr |= ICH_MISR_NP;
	return misr;
}

/* The physical maintenance interrupt line. */
static bool maintenance_asserted(void)
{
	return (hw.hcr & ICH_HCR_EN) && fake_misr();
}

bool vgic_hw_probe(struct vgic_hw_info *info)
{
	if (!hw.present)
		return false;
	info->nr_lrs = hw.nr_lrs;
	info->nr_aprs = hw.nr_aprs;
	info->pri_bits = 5;
	return true;
}

uint64_t vgic_hw_read_lr(unsigned n)
{
	CHECK(n < hw.nr_lrs);
	hw.reads++;
	return hw.lr[n];
}

void vgic_hw_write_lr(unsigned n, uint64_t value)
{
	CHECK(n < hw.nr_lrs);
	hw.writes++;
	hw.lr[n] = value;
}

uint64_t vgic_hw_read_hcr(void) { hw.reads++; return hw.hcr; }
void vgic_hw_write_hcr(uint64_t value) { hw.writes++; hw.hcr = value; }
uint64_t vgic_hw_read_vmcr(void) { hw.reads++; return hw.vmcr; }
void vgic_hw_write_vmcr(uint64_t value) { hw.writes++; hw.vmcr = value; }

uint32_t vgic_hw_read_ap0r(unsigned n)
{
	CHECK(n < hw.nr_aprs);
	hw.reads++;
	return hw.ap0r[n];
}

void vgic_hw_write_ap0r(unsigned n, uint32_t v)
{
	CHECK(n < hw.nr_aprs);
	hw.writes++;
	hw.ap0r[n] = v;
}

uint32_t vgic_hw_read_ap1r(unsigned n)
{
	CHECK(n < hw.nr_aprs);
	hw.reads++;
	return hw.ap1r[n];
}

void vgic_hw_write_ap1r(unsigned n, uint32_t v)
{
	CHECK(n < hw.nr_aprs);
	hw.writes++;
	hw.ap1r[n] = v;
}

uint32_t vgic_hw_read_misr(void) { hw.reads++; return fake_misr(); }
uint32_t vgic_hw_read_elrsr(void) { hw.reads++; return fake_elrsr(); }
uint32_t vgic_hw_read_eisr(void) { hw.reads++; return fake_eisr(); }

/* --- stubs for the rest of the hypervisor (weak: real ones win) ------------------- */

static struct domain dom;
static struct vcpu vcpus[NV];
static struct vcpu *current;
static uint32_t kicked;			/* bit per vCPU index */
static irq_handler_fn maint_fn;
static uint32_t maint_intid, gic_enabled_intid;

__attribute__((weak)) int domain_add_mmio(struct domain *d, uint64_t base, uint64_t size,
					  const struct mmio_ops *ops, void *ctx,
					  const char *name)
{
	if (d->nmmio == MAX_MMIO_REGIONS)
		return -1;
	d->mmio[d->nmmio++] = (struct mmio_region){ base, size, ops, ctx, name };
	return 0;
}

__attribute__((weak)) void vcpu_kick(struct vcpu *v)
{
	__atomic_fetch_or(&kicked, 1u << v->id, __ATOMIC_RELAXED);
}

__attribute__((weak)) struct vcpu *current_vcpu(void)
{
	return current;
}

static unsigned printk_calls;

__attribute__((weak)) int printk(const char *fmt, ...)
{
	(void)fmt;
	__atomic_fetch_add(&printk_calls, 1, __ATOMIC_RELAXED);
	return 0;
}

__attribute__((weak)) int irq_register(uint32_t intid, irq_handler_fn fn, void *ctx)
{
	(void)ctx;
	maint_intid = intid;
	maint_fn = fn;
	return 0;
}

__attribute__((weak)) void gic_enable(uint32_t intid, bool level)
{
	CHECK(level);
	gic_enabled_intid = intid;
}

/* --- fixture ------------------------------------------------------------------------ */

static void setup_with(unsigned nr_lrs, const uint64_t *mpidrs)
{
	memset(&hw, 0, sizeof(hw));
	hw.present = true;
	hw.nr_lrs = nr_lrs;
	hw.nr_aprs = 1;
	CHECK_EQ(vgic_global_init(0), 0);
	CHECK_EQ(maint_intid, VGIC_MAINTENANCE_PPI);
	vgic_cpu_init();
	CHECK_EQ(gic_enabled_intid, VGIC_MAINTENANCE_PPI);

	memset(&dom, 0, sizeof(dom));
	memset(vcpus, 0, sizeof(vcpus));
	dom.id = 1;
	dom.name = "test";
	dom.nvcpus = NV;
	for (unsigned i = 0; i < NV; i++) {
		vcpus[i].dom = &dom;
		vcpus[i].id = i;
		vcpus[i].vmpidr = mpidrs ? mpidrs[i] : i;
		dom.vcpu[i] = &vcpus[i];
	}
	CHECK_EQ(vgic_domain_init(&dom), 0);
	for (unsigned i = 0; i < NV; i++)
		CHECK_EQ(vgic_vcpu_init(&vcpus[i]), 0);
	kicked = 0;
	current = NULL;
	printk_calls = 0;
}

static void setup(void)
{
	setup_with(4, NULL);
}

static const struct mmio_region *region_of(uint64_t addr)
{
	for (unsigned i = 0; i < dom.nmmio; i++)
		if (addr >= dom.mmio[i].base && addr < dom.mmio[i].base + dom.mmio[i].size)
			return &dom.mmio[i];
	unit_fail(__FILE__, __LINE__, "no MMIO region at %#lx", (unsigned long)addr);
}

static bool mmio_read(uint64_t addr, unsigned size, uint64_t *value)
{
	const struct mmio_region *r = region_of(addr);

	*value = 0x5a5a5a5a5a5a5a5aUL;
	return r->ops->read(&vcpus[0], r->ctx, addr - r->base, size, value);
}

static bool mmio_write(uint64_t addr, unsigned size, uint64_t value)
{
	const struct mmio_region *r = region_of(addr);

	return r->ops->write(&vcpus[0], r->ctx, addr - r->base, size, value);
}

static uint64_t rd(uint64_t addr, unsigned size)
{
	uint64_t v;

	if (!mmio_read(addr, size, &v))
		unit_fail(__FILE__, __LINE__, "read of %#lx (%u bytes) refused",
			  (unsigned long)addr, size);
	return v;
}

static void wr(uint64_t addr, unsigned size, uint64_t value)
{
	if (!mmio_write(addr, size, value))
		unit_fail(__FILE__, __LINE__, "write of %#lx (%u bytes) refused",
			  (unsigned long)addr, size);
}

#define GICD(off) (VGIC_DIST_BASE + (off))
#define GICR(cpu, off) (VGIC_REDIST_BASE + (uint64_t)(cpu) * VGIC_REDIST_STRIDE + (off))
#define SGI(cpu, off) GICR(cpu, 0x10000 + (off))

#define CTLR 0x0
#define ISENABLER 0x100
#define ICENABLER 0x180
#define ISPENDR 0x200
#define ICPENDR 0x280
#define ISACTIVER 0x300
#define ICACTIVER 0x380
#define IPRIORITYR 0x400
#define ICFGR 0xc00
#define IROUTER 0x6000

static uint32_t rd32(uint64_t addr) { return (uint32_t)rd(addr, 4); }
static void wr32(uint64_t addr, uint32_t v) { wr(addr, 4, v); }

/* Bit-per-interrupt register of the right frame for intid. */
static uint64_t bitreg(unsigned cpu, unsigned off, uint32_t intid)
{
	return intid < 32 ? SGI(cpu, off) : GICD(off + intid / 32 * 4);
}

static void set_bit_reg(unsigned cpu, unsigned off, uint32_t intid)
{
	wr32(bitreg(cpu, off, intid), 1u << (intid % 32));
}

static void set_priority(unsigned cpu, uint32_t intid, uint8_t prio)
{
	wr(intid < 32 ? SGI(cpu, IPRIORITYR + intid) : GICD(IPRIORITYR + intid), 1, prio);
}

static void set_edge(uint32_t intid, bool edge)
{
	uint64_t a = GICD(ICFGR + intid / 16 * 4);
	uint32_t v = rd32(a);
	uint32_t bit = 2u << (2 * (intid % 16));

	wr32(a, edge ? v | bit : v & ~bit);
}

static void route_spi(uint32_t intid, unsigned cpu)
{
	wr(GICD(IROUTER + 8 * intid), 8, vcpus[cpu].vmpidr);
}

/* Group 1 on, the SPI enabled with a priority, routed to cpu. */
static void spi_ready(uint32_t intid, uint8_t prio, unsigned cpu, bool edge)
{
	wr32(GICD(CTLR), 0x13);		/* what Linux writes: ARE, G1A, G1 */
	set_priority(0, intid, prio);
	set_edge(intid, edge);
	route_spi(intid, cpu);
	set_bit_reg(0, ISENABLER, intid);
}

/* --- the guest's side, through the LRs ------------------------------------------------ */

static struct vcpu *V(unsigned i) { return &vcpus[i]; }

static void load(unsigned i)
{
	current = V(i);
	vgic_vcpu_load(V(i));
}

static void put(unsigned i)
{
	vgic_vcpu_put(V(i));
	current = NULL;
}

static void enter(unsigned i)
{
	vgic_before_entry(V(i));
}

/* The exit path: read-back, then the maintenance IRQ if its line is up. */
static void leave(unsigned i)
{
	vgic_after_exit(V(i));
	if (maintenance_asserted())
		maint_fn(maint_intid, NULL);
	CHECK(!maintenance_asserted());
}

static uint32_t lr_intid(unsigned n)
{
	return (uint32_t)(hw.lr[n] & ICH_LR_VINTID_MASK);
}

/* Acknowledge the highest-priority pending LR (ICV_IAR1_EL1). */
static uint32_t guest_ack(void)
{
	int best = -1;

	for (unsigned i = 0; i < hw.nr_lrs; i++) {
		if ((hw.lr[i] & ICH_LR_STATE) != ICH_LR_PENDING)
			continue;
		if (best < 0 ||
		    (hw.lr[i] & ICH_LR_PRIO_MASK) < (hw.lr[best] & ICH_LR_PRIO_MASK))
			best = (int)i;
	}
	if (best < 0)
		return NO_IRQ;
	hw.lr[best] = (hw.lr[best] & ~ICH_LR_STATE) | ICH_LR_ACTIVE;
	return lr_intid((unsigned)best);
}

/* EOI with EOImode 0: drop the active state of that LR (ICV_EOIR1_EL1). */
static void guest_eoi(uint32_t intid)
{
	for (unsigned i = 0; i < hw.nr_lrs; i++)
		if ((hw.lr[i] & ICH_LR_ACTIVE) && lr_intid(i) == intid) {
			hw.lr[i] &= ~ICH_LR_ACTIVE;
			return;
		}
	unit_fail(__FILE__, __LINE__, "EOI of %u: not active in any LR", intid);
}

/* Whether intid is in a valid LR, and in which state. */
static uint64_t lr_state_of(uint32_t intid)
{
	for (unsigned i = 0; i < hw.nr_lrs; i++)
		if ((hw.lr[i] & ICH_LR_STATE) && lr_intid(i) == intid)
			return hw.lr[i] & ICH_LR_STATE;
	return 0;
}

static unsigned valid_lrs(void)
{
	unsigned n = 0;

	for (unsigned i = 0; i < hw.nr_lrs; i++)
		if (hw.lr[i] & ICH_LR_STATE)
			n++;
	return n;
}

/* One guest interrupt, start to end: returns its INTID (or NO_IRQ). */
static uint32_t guest_take_one(unsigned cpu)
{
	uint32_t intid;

	enter(cpu);
	intid = guest_ack();
	if (intid != NO_IRQ)
		guest_eoi(intid);
	leave(cpu);
	return intid;
}

static void check_unlocked(void)
{
	CHECK(!spin_is_locked(&dom.vgic->lock));
	for (unsigned i = 0; i < NV; i++)
		CHECK(!spin_is_locked(&vcpus[i].vgic->lock));
	CHECK(!unit_shim_irqs_masked());
}

/* --- register emulation ------------------------------------------------------------- */

TEST(vgic, mmio_regions_registered)
{
	setup();
	CHECK_EQ(dom.nmmio, 2);
	CHECK_EQ(dom.mmio[0].base, VGIC_DIST_BASE);
	CHECK_EQ(dom.mmio[0].size, VGIC_DIST_SIZE);
	CHECK_EQ(dom.mmio[1].base, VGIC_REDIST_BASE);
	CHECK_EQ(dom.mmio[1].size, NV * VGIC_REDIST_STRIDE);
}

TEST(vgic, gicd_identification)
{
	uint32_t typer;

	setup();
	CHECK_EQ(rd32(GICD(CTLR)), 0x50);		/* ARE, DS */
	wr32(GICD(CTLR), 0x13);
	CHECK_EQ(rd32(GICD(CTLR)), 0x53);
	wr32(GICD(CTLR), 0);
	CHECK_EQ(rd32(GICD(CTLR)), 0x50);		/* RWP never set */
	typer = rd32(GICD(0x4));
	CHECK_EQ(typer & 0x1f, (32 + VGIC_NR_SPIS) / 32 - 1);
	CHECK_EQ((typer >> 5) & 7, NV - 1);
	CHECK_EQ((typer >> 19) & 0x1f, 9);		/* IDbits: INTIDs < 1024 */
	CHECK_EQ(typer & (1u << 17), 0);		/* no LPIs */
	CHECK_EQ(typer & (1u << 16), 0);		/* no MBIs */
	CHECK_EQ(typer & (1u << 10), 0);		/* one security state */
	CHECK_EQ(typer & (1u << 8), 0);			/* no extended SPIs */
	CHECK_EQ(rd32(GICD(0x8)), 0x4500043b);
	CHECK_EQ(rd32(GICD(0xc)), 0);			/* TYPER2 */
	CHECK_EQ((rd32(GICD(0xffe8)) >> 4) & 0xf, 3);	/* PIDR2.ArchRev */
	CHECK_EQ(rd32(GICD(0x84)), 0xffffffff);		/* IGROUPR1: group 1 */
	wr32(GICD(0x84), 0);
	CHECK_EQ(rd32(GICD(0x84)), 0xffffffff);
	CHECK_EQ(rd32(GICD(0x80)), 0);			/* SGIs/PPIs: in the GICR */
	CHECK_EQ(rd32(GICD(0xd04)), 0);			/* IGRPMODR RAZ/WI */
	check_unlocked();
}

TEST(vgic, gicr_identification)
{
	setup();
	for (unsigned i = 0; i < NV; i++) {
		CHECK_EQ((rd32(GICR(i, 0xffe8)) >> 4) & 0xf, 3);
		CHECK_EQ(rd32(GICR(i, 0x4)), 0x4500043b);
		CHECK_EQ(rd32(GICR(i, CTLR)), 0);	/* no LPIs, RWP clear */
		CHECK_EQ(rd(GICR(i, 0x70), 8), 0);	/* PROPBASER RAZ/WI */
		wr(GICR(i, 0x78), 8, 0x1234000);
		CHECK_EQ(rd(GICR(i, 0x78), 8), 0);
		CHECK_EQ(rd32(SGI(i, 0x80)), 0xffffffff);	/* IGROUPR0 */
	}
}

TEST(vgic, gicr_typer_affinity_and_last)
{
	static const uint64_t mpidrs[NV] = { 0x0, 0x1, 0x0100020003UL, 0x00030201UL };

	setup_with(4, mpidrs);
	for (unsigned i = 0; i < NV; i++) {
		uint64_t typer = rd(GICR(i, 0x8), 8);
		uint64_t m = mpidrs[i];
		uint64_t aff = ((m >> 32) & 0xff) << 24 | (m & 0xffffff);

		CHECK_EQ(typer >> 32, aff);
		CHECK_EQ((typer >> 8) & 0xffff, i);		/* processor number */
		CHECK_EQ((typer >> 4) & 1, i == NV - 1);	/* Last */
		CHECK_EQ(typer & 0x3, 0);			/* no PLPIS, VLPIS */
		CHECK_EQ(rd(GICR(i, 0x8), 4), (uint32_t)typer);
		CHECK_EQ(rd(GICR(i, 0xc), 4), typer >> 32);
	}
}

TEST(vgic, gicr_waker_handshake)
{
	uint32_t val;

	setup();
	CHECK_EQ(rd32(GICR(1, 0x14)), 0x6);		/* asleep after reset */
	/* Linux's gic_enable_redist(true). */
	val = rd32(GICR(1, 0x14)) & ~2u;
	wr32(GICR(1, 0x14), val);
	CHECK_EQ(rd32(GICR(1, 0x14)) & 4, 0);		/* ChildrenAsleep follows */
	CHECK_EQ(rd32(GICR(1, 0x14)), 0);
	/* And back to sleep: writable, and the children follow. */
	wr32(GICR(1, 0x14), 0x80000003);
	CHECK_EQ(rd32(GICR(1, 0x14)), 0x6);
	CHECK_EQ(rd32(GICR(2, 0x14)), 0x6);		/* per redistributor */
}

TEST(vgic, spi_enable_pending_active_round_trip)
{
	setup();
	wr32(GICD(ISENABLER + 4), 1u << 5);		/* INTID 37 */
	CHECK_EQ(rd32(GICD(ISENABLER + 4)), 1u << 5);
	CHECK_EQ(rd32(GICD(ICENABLER + 4)), 1u << 5);
	wr32(GICD(ICENABLER + 4), 1u << 5);
	CHECK_EQ(rd32(GICD(ISENABLER + 4)), 0);

	wr32(GICD(ISPENDR + 8), 0x80000001);		/* INTIDs 64 and 95 */
	CHECK_EQ(rd32(GICD(ISPENDR + 8)), 0x80000001);
	CHECK_EQ(rd32(GICD(ICPENDR + 8)), 0x80000001);
	wr32(GICD(ICPENDR + 8), 1);
	CHECK_EQ(rd32(GICD(ISPENDR + 8)), 0x80000000);

	wr32(GICD(ISACTIVER + 4), 0x3);
	CHECK_EQ(rd32(GICD(ICACTIVER + 4)), 0x3);
	wr32(GICD(ICACTIVER + 4), 0x1);
	CHECK_EQ(rd32(GICD(ISACTIVER + 4)), 0x2);

	/* Register 0 (SGIs/PPIs) is the redistributor's: RAZ/WI here. */
	wr32(GICD(ISENABLER), 0xffffffff);
	CHECK_EQ(rd32(GICD(ISENABLER)), 0);
	/* Beyond the implemented SPIs: RAZ/WI. */
	wr32(GICD(ISENABLER + 12), 0xffffffff);
	CHECK_EQ(rd32(GICD(ISENABLER + 12)), 0);
	check_unlocked();
}

TEST(vgic, private_registers_round_trip)
{
	setup();
	/* Linux's gic_cpu_config(): PPIs off, SGIs on, default priority. */
	wr32(SGI(2, ICACTIVER), 0xffffffff);
	wr32(SGI(2, ICENABLER), 0xffff0000);
	wr32(SGI(2, ISENABLER), 0x0000ffff);
	for (unsigned i = 0; i < 32; i += 4)
		wr32(SGI(2, IPRIORITYR + i), 0xa0a0a0a0);
	CHECK_EQ(rd32(SGI(2, ISENABLER)), 0x0000ffff);
	CHECK_EQ(rd32(SGI(2, IPRIORITYR + 24)), 0xa0a0a0a0);
	wr32(SGI(2, ISENABLER), 1u << VGIC_VTIMER_PPI);
	CHECK_EQ(rd32(SGI(2, ISENABLER)), 0x0000ffff | 1u << VGIC_VTIMER_PPI);
	/* Banked: another vCPU's redistributor is untouched. */
	CHECK_EQ(rd32(SGI(1, IPRIORITYR + 24)), 0);
	CHECK_EQ(rd32(SGI(1, ISENABLER)) & (1u << VGIC_VTIMER_PPI), 0);
	wr32(SGI(2, ISPENDR), 1u << 7);
	CHECK_EQ(rd32(SGI(2, ISPENDR)), 1u << 7);
	CHECK_EQ(rd32(SGI(1, ISPENDR)), 0);
	wr32(SGI(2, ICPENDR), 1u << 7);
	CHECK_EQ(rd32(SGI(2, ISPENDR)), 0);
	check_unlocked();
}

TEST(vgic, priority_byte_and_word_access)
{
	setup();
	wr32(GICD(IPRIORITYR + 32), 0x80604020);	/* INTIDs 32..35 */
	CHECK_EQ(rd(GICD(IPRIORITYR + 32), 1), 0x20);
	CHECK_EQ(rd(GICD(IPRIORITYR + 33), 1), 0x40);
	CHECK_EQ(rd(GICD(IPRIORITYR + 35), 1), 0x80);
	wr(GICD(IPRIORITYR + 34), 1, 0xff);		/* 5 bits implemented */
	CHECK_EQ(rd32(GICD(IPRIORITYR + 32)), 0x80f84020);
	wr(GICD(IPRIORITYR + 33), 1, 0x07);
	CHECK_EQ(rd32(GICD(IPRIORITYR + 32)), 0x80f80020);
	/* Private ones by byte through the redistributor. */
	wr(SGI(3, IPRIORITYR + 27), 1, 0x90);
	CHECK_EQ(rd32(SGI(3, IPRIORITYR + 24)), 0x90000000);
	/* SGI/PPI priorities in the distributor: RAZ/WI with ARE. */
	wr32(GICD(IPRIORITYR), 0xffffffff);
	CHECK_EQ(rd32(GICD(IPRIORITYR)), 0);
}

TEST(vgic, config_edge_and_level)
{
	setup();
	CHECK_EQ(rd32(GICD(ICFGR + 8)), 0);		/* SPIs level at reset */
	wr32(GICD(ICFGR + 8), 0x8);			/* INTID 33 edge */
	CHECK_EQ(rd32(GICD(ICFGR + 8)), 0x8);
	wr32(GICD(ICFGR + 8), 0x7);			/* odd bits only */
	CHECK_EQ(rd32(GICD(ICFGR + 8)), 0x2);
	/* SGIs: edge, read-only. PPIs: writable. */
	CHECK_EQ(rd32(SGI(0, ICFGR)), 0xaaaaaaaa);
	wr32(SGI(0, ICFGR), 0);
	CHECK_EQ(rd32(SGI(0, ICFGR)), 0xaaaaaaaa);
	CHECK_EQ(rd32(SGI(0, ICFGR + 4)), 0);
	wr32(SGI(0, ICFGR + 4), 2u << (2 * (VGIC_VTIMER_PPI - 16)));
	CHECK_EQ(rd32(SGI(0, ICFGR + 4)), 2u << (2 * (VGIC_VTIMER_PPI - 16)));
	/* The distributor's SGI/PPI configuration words: RAZ/WI. */
	wr32(GICD(ICFGR + 4), 0xffffffff);
	CHECK_EQ(rd32(GICD(ICFGR + 4)), 0);
}

TEST(vgic, irouter_64_bit_and_halves)
{
	static const uint64_t mpidrs[NV] = { 0x0, 0x1, 0x0100020003UL, 0x3 };

	setup_with(4, mpidrs);
	wr(GICD(IROUTER + 8 * 40), 8, 0x0100020003UL);
	CHECK_EQ(rd(GICD(IROUTER + 8 * 40), 8), 0x0100020003UL);
	CHECK_EQ(rd(GICD(IROUTER + 8 * 40), 4), 0x00020003);
	CHECK_EQ(rd(GICD(IROUTER + 8 * 40 + 4), 4), 0x01);
	CHECK_EQ(dom.vgic->spi[40 - 32].target, 2);
	/* Halves, and the RES0/IRM bits stay clear. */
	wr(GICD(IROUTER + 8 * 41), 4, 0x80000003);
	wr(GICD(IROUTER + 8 * 41 + 4), 4, 0xffffff00);
	CHECK_EQ(rd(GICD(IROUTER + 8 * 41), 8), 0x3);
	CHECK_EQ(dom.vgic->spi[41 - 32].target, 3);
	/* An affinity nobody has: no target. */
	wr(GICD(IROUTER + 8 * 42), 8, 0x7);
	CHECK_EQ(dom.vgic->spi[42 - 32].target, VGIC_NO_TARGET);
	/* IROUTER of SGIs/PPIs and of unimplemented SPIs: RAZ/WI. */
	wr(GICD(IROUTER + 8 * 5), 8, 0x1);
	CHECK_EQ(rd(GICD(IROUTER + 8 * 5), 8), 0);
	wr(GICD(IROUTER + 8 * 200), 8, 0x1);
	CHECK_EQ(rd(GICD(IROUTER + 8 * 200), 8), 0);
}

TEST(vgic, bad_width_and_alignment_refused)
{
	uint64_t v;

	setup();
	CHECK(!mmio_read(GICD(CTLR), 1, &v));
	CHECK(!mmio_read(GICD(ISENABLER + 4), 8, &v));
	CHECK(!mmio_write(GICD(ISENABLER + 4), 2, 1));
	CHECK(!mmio_read(GICD(ISENABLER + 6), 4, &v));	/* misaligned */
	CHECK(!mmio_read(GICD(IPRIORITYR + 32), 2, &v));
	CHECK(!mmio_read(GICD(IPRIORITYR + 34), 4, &v));
	CHECK(!mmio_read(GICD(IROUTER + 8 * 40 + 4), 8, &v));
	CHECK(!mmio_read(GICD(IROUTER + 8 * 40), 2, &v));
	CHECK(!mmio_read(GICD(ICFGR + 8), 1, &v));
	CHECK(!mmio_read(GICR(0, 0x14), 8, &v));	/* WAKER */
	CHECK(!mmio_read(GICR(0, 0xc), 8, &v));		/* TYPER high half */
	CHECK(!mmio_read(SGI(1, ISPENDR), 1, &v));
	/* Unknown offsets: RAZ/WI, any aligned width, logged once. */
	CHECK_EQ(printk_calls, 0);
	CHECK(mmio_read(GICD(0x5000), 4, &v));
	CHECK_EQ(v, 0);
	CHECK(mmio_write(GICD(0x5000), 8, ~0UL));
	CHECK(mmio_read(GICD(0x5001), 1, &v));
	CHECK(!mmio_read(GICD(0x5002), 4, &v));
	CHECK(mmio_read(GICR(2, 0x200), 4, &v));
	CHECK_EQ(v, 0);
	CHECK(mmio_read(SGI(2, 0x7000), 8, &v));
	CHECK_EQ(v, 0);
	CHECK_EQ(printk_calls, 1);
	/* Byte-accessible RAZ/WI registers of affinity routing. */
	CHECK(mmio_read(GICD(0x820), 1, &v));
	CHECK_EQ(v, 0);
	check_unlocked();
}

/* --- delivery through the list registers --------------------------------------------- */

TEST(vgic, spi_routed_to_its_target)
{
	setup();
	spi_ready(40, 0xa0, 2, false);
	kicked = 0;
	vgic_inject_spi(&dom, 40, true);
	CHECK_EQ(kicked, 1u << 2);
	load(0);
	enter(0);
	CHECK_EQ(valid_lrs(), 0);
	leave(0);
	put(0);
	load(2);
	enter(2);
	CHECK_EQ(lr_state_of(40), ICH_LR_PENDING);
	CHECK_EQ(hw.lr[0], 40 | ICH_LR_GROUP1 | ICH_LR_PENDING | ICH_LR_EOI |
			   (uint64_t)0xa0 << ICH_LR_PRIO_SHIFT);
	CHECK_EQ(hw.hcr, ICH_HCR_EN);
	check_unlocked();
}

TEST(vgic, lr_fill_highest_priority_first)
{
	static const uint8_t prio[6] = { 0xa0, 0x20, 0x80, 0x40, 0x60, 0x10 };

	setup();
	for (unsigned i = 0; i < 6; i++) {
		spi_ready(40 + i, prio[i], 1, true);
		vgic_inject_spi(&dom, 40 + i, true);
	}
	load(1);
	enter(1);
	CHECK_EQ(valid_lrs(), 4);
	CHECK_EQ(lr_intid(0), 45);	/* 0x10 */
	CHECK_EQ(lr_intid(1), 41);	/* 0x20 */
	CHECK_EQ(lr_intid(2), 43);	/* 0x40 */
	CHECK_EQ(lr_intid(3), 44);	/* 0x60 */
	CHECK(hw.hcr & ICH_HCR_NPIE);	/* overflow: refill when all taken */
	CHECK_EQ(rd32(GICD(ISPENDR + 4)), 0x3f << 8);
	check_unlocked();
}

TEST(vgic, overflow_refilled_after_guest_consumes)
{
	static const uint8_t prio[6] = { 0xa0, 0x20, 0x80, 0x40, 0x60, 0x10 };
	static const uint32_t order[6] = { 45, 41, 43, 44, 42, 40 };

	setup();
	for (unsigned i = 0; i < 6; i++) {
		spi_ready(40 + i, prio[i], 1, true);
		vgic_inject_spi(&dom, 40 + i, true);
	}
	load(1);
	for (unsigned i = 0; i < 6; i++)
		CHECK_EQ(guest_take_one(1), order[i]);
	CHECK_EQ(guest_take_one(1), NO_IRQ);
	CHECK_EQ(valid_lrs(), 0);
	CHECK_EQ(hw.hcr, ICH_HCR_EN);
	CHECK_EQ(rd32(GICD(ISPENDR + 4)), 0);
	CHECK_EQ(rd32(GICD(ISACTIVER + 4)), 0);
	check_unlocked();
}

TEST(vgic, overflow_refill_through_maintenance)
{
	uint32_t seen = 0, intid;

	setup();
	for (unsigned i = 0; i < 6; i++) {
		spi_ready(40 + i, (uint8_t)(0x10 * (i + 1)), 1, true);
		vgic_inject_spi(&dom, 40 + i, true);
	}
	load(1);
	enter(1);
	/* The guest takes all four without EOI (nested): no LR pending. */
	for (unsigned i = 0; i < 4; i++) {
		intid = guest_ack();
		CHECK_EQ(intid, 40 + i);
		seen |= 1u << (intid - 40);
	}
	CHECK(maintenance_asserted());		/* NP */
	leave(1);
	enter(1);
	/* All LRs hold active ones: nothing fits, wait for an underflow. */
	CHECK_EQ(valid_lrs(), 4);
	CHECK(hw.hcr & ICH_HCR_UIE);
	CHECK(!(hw.hcr & ICH_HCR_NPIE));
	CHECK_EQ(rd32(GICD(ISACTIVER + 4)), 0xf << 8);
	for (unsigned i = 0; i < 3; i++)
		guest_eoi(43 - i);
	CHECK(maintenance_asserted());		/* U: one valid LR left */
	leave(1);
	enter(1);
	CHECK_EQ(lr_state_of(40), ICH_LR_ACTIVE);
	CHECK_EQ(lr_state_of(44), ICH_LR_PENDING);
	CHECK_EQ(lr_state_of(45), ICH_LR_PENDING);
	CHECK_EQ(hw.hcr, ICH_HCR_EN);
	guest_eoi(40);
	while ((intid = guest_ack()) != NO_IRQ) {
		seen |= 1u << (intid - 40);
		guest_eoi(intid);
	}
	leave(1);
	enter(1);
	CHECK_EQ(seen, 0x3f);
	CHECK_EQ(valid_lrs(), 0);
	check_unlocked();
}

TEST(vgic, edge_coalesces_and_repends_while_active)
{
	setup();
	spi_ready(50, 0x80, 0, true);
	vgic_inject_spi(&dom, 50, true);
	vgic_inject_spi(&dom, 50, true);	/* same pending state */
	load(0);
	enter(0);
	CHECK_EQ(valid_lrs(), 1);
	CHECK(!(hw.lr[0] & ICH_LR_EOI));	/* edge: no EOI maintenance */
	CHECK_EQ(guest_ack(), 50);
	leave(0);
	CHECK_EQ(rd32(GICD(ISACTIVER + 4)), 1u << 18);
	CHECK_EQ(rd32(GICD(ISPENDR + 4)), 0);
	/* A new edge while the guest handles it: active and pending. */
	vgic_inject_spi(&dom, 50, true);
	CHECK_EQ(rd32(GICD(ISPENDR + 4)), 1u << 18);
	enter(0);
	CHECK_EQ(lr_state_of(50), ICH_LR_ACTIVE | ICH_LR_PENDING);
	guest_eoi(50);
	CHECK_EQ(lr_state_of(50), ICH_LR_PENDING);
	CHECK_EQ(guest_ack(), 50);
	guest_eoi(50);
	leave(0);
	CHECK_EQ(guest_take_one(0), NO_IRQ);
	CHECK_EQ(rd32(GICD(ISPENDR + 4)), 0);
	check_unlocked();
}

TEST(vgic, level_stays_pending_while_line_high)
{
	setup();
	spi_ready(60, 0x80, 0, false);
	vgic_inject_spi(&dom, 60, true);
	load(0);
	enter(0);
	CHECK(hw.lr[0] & ICH_LR_EOI);		/* resample on EOI */
	CHECK_EQ(guest_ack(), 60);
	leave(0);
	CHECK_EQ(rd32(GICD(ISPENDR + 4)), 1u << 28);	/* active and pending */
	CHECK_EQ(rd32(GICD(ISACTIVER + 4)), 1u << 28);
	guest_eoi(60);
	CHECK(maintenance_asserted());		/* EOI maintenance */
	leave(0);
	/* Line still high: pending again at once. */
	enter(0);
	CHECK_EQ(lr_state_of(60), ICH_LR_PENDING);
	CHECK_EQ(guest_ack(), 60);
	leave(0);
	/* The guest's handler quiets the device: the line drops. */
	vgic_inject_spi(&dom, 60, false);
	enter(0);
	CHECK_EQ(lr_state_of(60), ICH_LR_ACTIVE);
	CHECK(!(hw.lr[0] & ICH_LR_EOI));
	guest_eoi(60);
	CHECK(!maintenance_asserted());
	leave(0);
	CHECK_EQ(guest_take_one(0), NO_IRQ);
	CHECK_EQ(rd32(GICD(ISPENDR + 4)) | rd32(GICD(ISACTIVER + 4)), 0);
	check_unlocked();
}

TEST(vgic, level_withdrawn_when_line_drops_before_ack)
{
	setup();
	spi_ready(60, 0x80, 0, false);
	vgic_inject_spi(&dom, 60, true);
	load(0);
	enter(0);
	CHECK_EQ(lr_state_of(60), ICH_LR_PENDING);
	leave(0);
	kicked = 0;
	vgic_inject_spi(&dom, 60, false);
	CHECK_EQ(kicked, 1u << 0);
	enter(0);
	CHECK_EQ(valid_lrs(), 0);
	CHECK_EQ(rd32(GICD(ISPENDR + 4)), 0);
	check_unlocked();
}

TEST(vgic, level_soft_pending_consumed_by_ack)
{
	setup();
	spi_ready(61, 0x80, 0, false);
	wr32(GICD(ISPENDR + 4), 1u << 29);		/* line low, soft pending */
	load(0);
	enter(0);
	CHECK(!(hw.lr[0] & ICH_LR_EOI));
	CHECK_EQ(guest_ack(), 61);
	guest_eoi(61);
	leave(0);
	CHECK_EQ(guest_take_one(0), NO_IRQ);
	CHECK_EQ(rd32(GICD(ISPENDR + 4)), 0);
	/* ICPENDR clears the soft pending but not a high line. */
	vgic_inject_spi(&dom, 61, true);
	wr32(GICD(ISPENDR + 4), 1u << 29);
	wr32(GICD(ICPENDR + 4), 1u << 29);
	CHECK_EQ(rd32(GICD(ISPENDR + 4)), 1u << 29);
	vgic_inject_spi(&dom, 61, false);
	CHECK_EQ(rd32(GICD(ISPENDR + 4)), 0);
}

TEST(vgic, disabled_interrupts_never_delivered)
{
	setup();
	spi_ready(45, 0x80, 0, true);
	wr32(GICD(ICENABLER + 4), 1u << 13);
	kicked = 0;
	vgic_inject_spi(&dom, 45, true);
	CHECK_EQ(kicked, 0);
	vgic_inject_private(V(0), 20);			/* PPIs off at reset */
	CHECK_EQ(kicked, 0);
	load(0);
	hw.vmcr = ICH_VMCR_VENG1 | 0xf0UL << ICH_VMCR_VPMR_SHIFT;
	for (unsigned i = 0; i < 3; i++)
		CHECK_EQ(guest_take_one(0), NO_IRQ);
	CHECK(!vgic_vcpu_pending(V(0)));
	CHECK_EQ(rd32(GICD(ISPENDR + 4)), 1u << 13);	/* still pending */
	/* Enabling it delivers it. */
	wr32(GICD(ISENABLER + 4), 1u << 13);
	CHECK(vgic_vcpu_pending(V(0)));
	enter(0);
	CHECK_EQ(lr_state_of(45), ICH_LR_PENDING);
	/* Disabled again before the guest took it: withdrawn, still pending. */
	leave(0);
	wr32(GICD(ICENABLER + 4), 1u << 13);
	enter(0);
	CHECK_EQ(valid_lrs(), 0);
	CHECK_EQ(rd32(GICD(ISPENDR + 4)), 1u << 13);
	check_unlocked();
}

TEST(vgic, group_1_disabled_delivers_nothing)
{
	setup();
	spi_ready(40, 0x80, 0, true);
	wr32(GICD(CTLR), 0);
	vgic_inject_spi(&dom, 40, true);
	wr32(SGI(0, ISPENDR), 1u << 1);
	load(0);
	CHECK_EQ(guest_take_one(0), NO_IRQ);
	kicked = 0;
	wr32(GICD(CTLR), 0x2);			/* EnableGrp1: everyone re-checks */
	CHECK_EQ(kicked, (1u << NV) - 1);
	enter(0);
	CHECK_EQ(valid_lrs(), 2);
	CHECK_EQ(lr_intid(0), 1);		/* SGI priority 0 first */
	CHECK_EQ(lr_intid(1), 40);
}

TEST(vgic, vtimer_ppi_injection)
{
	setup();
	wr32(GICD(CTLR), 0x13);
	wr(SGI(1, IPRIORITYR + VGIC_VTIMER_PPI), 1, 0xa0);
	wr32(SGI(1, ISENABLER), 1u << VGIC_VTIMER_PPI);
	kicked = 0;
	vgic_inject_private(V(1), VGIC_VTIMER_PPI);
	CHECK_EQ(kicked, 1u << 1);
	load(1);
	enter(1);
	CHECK_EQ(hw.lr[0], VGIC_VTIMER_PPI | ICH_LR_GROUP1 | ICH_LR_PENDING |
			   (uint64_t)0xa0 << ICH_LR_PRIO_SHIFT);
	CHECK_EQ(guest_ack(), VGIC_VTIMER_PPI);
	guest_eoi(VGIC_VTIMER_PPI);
	leave(1);
	CHECK_EQ(guest_take_one(1), NO_IRQ);		/* one injection, one IRQ */
	CHECK_EQ(rd32(SGI(1, ISPENDR)), 0);
	/* Other vCPUs have their own. */
	CHECK_EQ(rd32(SGI(0, ISPENDR)), 0);
	check_unlocked();
}

/* The line's owner (a virtual timer) on EOI: lower the line unless told not to. */
static unsigned resample_calls;
static bool resample_keeps_high;

static void timer_resample(struct vcpu *v, uint32_t intid)
{
	CHECK(!spin_is_locked(&v->vgic->lock));
	CHECK(!spin_is_locked(&dom.vgic->lock));
	resample_calls++;
	if (!resample_keeps_high)
		vgic_set_private_level(v, intid, false);
}

TEST(vgic, private_level_line_with_resample)
{
	setup();
	CHECK_EQ(vgic_register_resample(VGIC_VTIMER_PPI, timer_resample), 0);
	CHECK(vgic_register_resample(VGIC_VTIMER_PPI, timer_resample) != 0);
	CHECK(vgic_register_resample(40, timer_resample) != 0);
	wr32(GICD(CTLR), 0x13);
	wr32(SGI(1, ISENABLER), 1u << VGIC_VTIMER_PPI);
	load(1);
	kicked = 0;
	vgic_set_private_level(V(1), VGIC_VTIMER_PPI, true);
	CHECK_EQ(kicked, 1u << 1);
	CHECK_EQ(rd32(SGI(1, ISPENDR)), 1u << VGIC_VTIMER_PPI);
	enter(1);
	CHECK(hw.lr[0] & ICH_LR_EOI);
	CHECK_EQ(guest_ack(), VGIC_VTIMER_PPI);
	guest_eoi(VGIC_VTIMER_PPI);
	/* Still high at EOI: the owner is asked, keeps it, it comes again. */
	resample_keeps_high = true;
	leave(1);
	CHECK_EQ(resample_calls, 1);
	enter(1);
	CHECK_EQ(lr_state_of(VGIC_VTIMER_PPI), ICH_LR_PENDING);
	CHECK_EQ(guest_ack(), VGIC_VTIMER_PPI);
	guest_eoi(VGIC_VTIMER_PPI);
	/* This time the owner finds the condition gone and lowers the line. */
	resample_keeps_high = false;
	leave(1);
	CHECK_EQ(resample_calls, 2);
	enter(1);
	CHECK_EQ(valid_lrs(), 0);
	CHECK_EQ(rd32(SGI(1, ISPENDR)), 0);
	/* Edge-configured: each high is one edge, low does nothing. */
	wr32(SGI(1, ICFGR + 4), 2u << (2 * (VGIC_VTIMER_PPI - 16)));
	vgic_set_private_level(V(1), VGIC_VTIMER_PPI, true);
	vgic_set_private_level(V(1), VGIC_VTIMER_PPI, false);
	CHECK_EQ(guest_take_one(1), VGIC_VTIMER_PPI);
	CHECK_EQ(guest_take_one(1), NO_IRQ);
	CHECK_EQ(resample_calls, 2);
	/* Not for SGIs or SPIs. */
	vgic_set_private_level(V(1), 3, true);
	vgic_set_private_level(V(1), 40, true);
	CHECK_EQ(rd32(SGI(1, ISPENDR)), 0);
	check_unlocked();
}

/* --- SGIs ------------------------------------------------------------------------------ */

#define SGI1R(intid, aff1, targets) \
	((uint64_t)(intid) << 24 | (uint64_t)(aff1) << 16 | (targets))
#define SGI1R_IRM (1UL << 40)
#define SGI1R_RS(rs) ((uint64_t)(rs) << 44)

static uint32_t sgi_pending_mask(uint32_t sgi)
{
	uint32_t mask = 0;

	for (unsigned i = 0; i < NV; i++)
		if (rd32(SGI(i, ISPENDR)) & (1u << sgi))
			mask |= 1u << i;
	return mask;
}

TEST(vgic, sgi1r_target_list)
{
	setup();
	wr32(GICD(CTLR), 0x13);
	kicked = 0;
	vgic_sgi1r_write(V(0), SGI1R(3, 0, 0x6));	/* Aff0 1 and 2 */
	CHECK_EQ(sgi_pending_mask(3), 0x6);
	CHECK_EQ(kicked, 0x6);
	CHECK_EQ(sgi_pending_mask(4), 0);
	/* Delivered at the target's next entry. */
	load(2);
	CHECK_EQ(guest_take_one(2), 3);
	CHECK_EQ(sgi_pending_mask(3), 0x2);
	check_unlocked();
}

TEST(vgic, sgi1r_affinity_and_range_selector)
{
	static const uint64_t mpidrs[NV] = { 0x000, 0x100, 0x110, 0x0100000100UL };

	setup_with(4, mpidrs);
	vgic_sgi1r_write(V(0), SGI1R(5, 1, 0x1));
	CHECK_EQ(sgi_pending_mask(5), 1u << 1);		/* Aff1 = 1, Aff0 = 0 */
	vgic_sgi1r_write(V(0), SGI1R(6, 1, 0x1) | SGI1R_RS(1));
	CHECK_EQ(sgi_pending_mask(6), 1u << 2);		/* Aff0 = 16 */
	vgic_sgi1r_write(V(0), SGI1R(7, 2, 0xffff));
	CHECK_EQ(sgi_pending_mask(7), 0);		/* nobody at Aff1 = 2 */
	vgic_sgi1r_write(V(0), SGI1R(8, 1, 0x1) | 1UL << 48);
	CHECK_EQ(sgi_pending_mask(8), 1u << 3);		/* Aff3 = 1 */
	vgic_sgi1r_write(V(1), SGI1R(9, 0, 0x1));
	CHECK_EQ(sgi_pending_mask(9), 1u << 0);
}

TEST(vgic, sgi1r_broadcast_to_all_but_self)
{
	setup();
	wr32(GICD(CTLR), 0x13);
	kicked = 0;
	vgic_sgi1r_write(V(1), SGI1R(2, 0x55, 0x1234) | SGI1R_IRM);
	CHECK_EQ(sgi_pending_mask(2), 0xd);
	CHECK_EQ(kicked, 0xd);
}

TEST(vgic, sgi_to_self)
{
	setup();
	wr32(GICD(CTLR), 0x13);
	load(0);
	enter(0);
	leave(0);
	kicked = 0;
	vgic_sgi1r_write(V(0), SGI1R(0, 0, 0x1));
	CHECK_EQ(kicked, 0);				/* it is running the trap */
	CHECK_EQ(guest_take_one(0), 0);
	check_unlocked();
}

/* --- WFI ------------------------------------------------------------------------------- */

TEST(vgic, wfi_pending_check)
{
	setup();
	wr32(GICD(CTLR), 0x13);
	load(0);
	hw.vmcr = ICH_VMCR_VENG1 | 0xf0UL << ICH_VMCR_VPMR_SHIFT;
	CHECK(!vgic_vcpu_pending(V(0)));
	wr(SGI(0, IPRIORITYR + 20), 1, 0x80);
	vgic_inject_private(V(0), 20);
	CHECK(!vgic_vcpu_pending(V(0)));		/* disabled */
	wr32(SGI(0, ISENABLER), 1u << 20);
	CHECK(vgic_vcpu_pending(V(0)));
	hw.vmcr = ICH_VMCR_VENG1 | 0x80UL << ICH_VMCR_VPMR_SHIFT;
	CHECK(!vgic_vcpu_pending(V(0)));		/* masked by the PMR */
	hw.vmcr = ICH_VMCR_VENG1 | 0x88UL << ICH_VMCR_VPMR_SHIFT;
	CHECK(vgic_vcpu_pending(V(0)));
	hw.vmcr = 0xf0UL << ICH_VMCR_VPMR_SHIFT;
	CHECK(!vgic_vcpu_pending(V(0)));		/* group 1 off in the vCPU */
	hw.vmcr = ICH_VMCR_VENG1 | 0xf0UL << ICH_VMCR_VPMR_SHIFT;
	wr32(GICD(CTLR), 0x11);
	CHECK(!vgic_vcpu_pending(V(0)));		/* group 1 off in the GICD */
	wr32(GICD(CTLR), 0x13);
	/* In an LR, pending: still counts; acknowledged (active): not. */
	enter(0);
	leave(0);
	CHECK(vgic_vcpu_pending(V(0)));
	CHECK_EQ(guest_ack(), 20);
	leave(0);
	CHECK(!vgic_vcpu_pending(V(0)));
	/* Scheduled out: judged on the saved VMCR. */
	put(0);
	CHECK(!vgic_vcpu_pending(V(0)));
	vgic_inject_private(V(0), 20);
	CHECK(!vgic_vcpu_pending(V(0)));		/* active and pending */
	check_unlocked();
}

/* --- the world switch -------------------------------------------------------------------- */

TEST(vgic, fast_path_touches_no_register)
{
	setup();
	wr32(GICD(CTLR), 0x13);
	load(0);
	enter(0);
	leave(0);
	hw.reads = hw.writes = 0;
	for (unsigned i = 0; i < 10; i++) {
		enter(0);
		leave(0);
	}
	CHECK_EQ(hw.reads + hw.writes, 0);

	/* The guest is handling an interrupt: one read (ELRSR) per exit. */
	vgic_inject_private(V(0), 1);
	enter(0);
	CHECK_EQ(guest_ack(), 1);
	leave(0);
	hw.reads = hw.writes = 0;
	for (unsigned i = 0; i < 10; i++) {
		enter(0);
		leave(0);
	}
	CHECK_EQ(hw.writes, 0);
	CHECK_EQ(hw.reads, 10);
	guest_eoi(1);
	leave(0);
	hw.reads = hw.writes = 0;
	enter(0);
	leave(0);
	CHECK_EQ(hw.reads + hw.writes, 0);

	/* Pending, not yet taken (guest IRQs masked): ELRSR and that LR. */
	vgic_inject_private(V(0), 2);
	enter(0);
	leave(0);
	hw.reads = hw.writes = 0;
	enter(0);
	leave(0);
	CHECK_EQ(hw.writes, 0);
	CHECK_EQ(hw.reads, 2);
}

TEST(vgic, load_put_save_and_restore)
{
	setup();
	wr32(GICD(CTLR), 0x13);
	load(0);
	hw.vmcr = ICH_VMCR_VENG1 | 0xf0UL << ICH_VMCR_VPMR_SHIFT;
	hw.ap1r[0] = 1u << 4;			/* as if the guest's ack set it */
	CHECK_EQ(hw.hcr, ICH_HCR_EN);
	vgic_inject_private(V(0), 2);
	enter(0);
	CHECK_EQ(guest_ack(), 2);
	leave(0);
	put(0);
	CHECK_EQ(hw.hcr, 0);
	CHECK_EQ(valid_lrs(), 0);
	/* Another vCPU uses the interface meanwhile. */
	load(1);
	CHECK_EQ(hw.hcr, ICH_HCR_EN);
	hw.vmcr = 0;
	hw.ap1r[0] = 0;
	vgic_inject_private(V(1), 3);
	CHECK_EQ(guest_take_one(1), 3);
	put(1);
	load(0);
	CHECK_EQ(hw.hcr, ICH_HCR_EN);
	CHECK_EQ(hw.vmcr, ICH_VMCR_VENG1 | 0xf0UL << ICH_VMCR_VPMR_SHIFT);
	CHECK_EQ(hw.ap1r[0], 1u << 4);
	CHECK_EQ(lr_state_of(2), ICH_LR_ACTIVE);
	guest_eoi(2);
	leave(0);
	CHECK_EQ(rd32(SGI(0, ISACTIVER)), 0);
	check_unlocked();
}

TEST(vgic, icactiver_from_another_vcpu_wins_over_the_lr)
{
	setup();
	spi_ready(70, 0x80, 1, true);
	vgic_inject_spi(&dom, 70, true);
	load(1);
	enter(1);
	CHECK_EQ(guest_ack(), 70);
	/* Read back while vCPU 1 keeps running: it shows active. */
	leave(1);
	CHECK_EQ(rd32(GICD(ISACTIVER + 8)), 1u << 6);
	kicked = 0;
	wr32(GICD(ICACTIVER + 8), 1u << 6);	/* from vCPU 0 */
	CHECK_EQ(kicked, 1u << 1);
	CHECK_EQ(rd32(GICD(ISACTIVER + 8)), 0);
	leave(1);				/* the kick's exit */
	CHECK_EQ(rd32(GICD(ISACTIVER + 8)), 0);
	enter(1);
	CHECK_EQ(valid_lrs(), 0);
	check_unlocked();
}

TEST(vgic, rerouted_pending_spi_moves_to_new_target)
{
	setup();
	spi_ready(71, 0x80, 0, true);
	vgic_inject_spi(&dom, 71, true);
	load(0);
	enter(0);
	CHECK_EQ(lr_state_of(71), ICH_LR_PENDING);
	leave(0);
	kicked = 0;
	route_spi(71, 3);
	CHECK_EQ(kicked, 1u << 0);		/* the holder lets go */
	kicked = 0;
	enter(0);
	CHECK_EQ(valid_lrs(), 0);
	CHECK_EQ(kicked, 1u << 3);		/* and the new target is told */
	leave(0);
	put(0);
	load(3);
	CHECK_EQ(guest_take_one(3), 71);
	check_unlocked();
}

TEST(vgic, vcpu_reset_clears_redistributor)
{
	setup();
	wr32(GICD(CTLR), 0x13);
	wr32(SGI(2, ISENABLER), 1u << VGIC_VTIMER_PPI);
	wr32(GICR(2, 0x14), 0);
	vgic_inject_private(V(2), VGIC_VTIMER_PPI);
	load(2);
	enter(2);
	CHECK_EQ(guest_ack(), VGIC_VTIMER_PPI);
	leave(2);
	put(2);
	vgic_vcpu_reset(V(2));
	CHECK_EQ(rd32(SGI(2, ISENABLER)), 0xffff);
	CHECK_EQ(rd32(SGI(2, ISACTIVER)), 0);
	CHECK_EQ(rd32(SGI(2, ISPENDR)), 0);
	CHECK_EQ(rd32(GICR(2, 0x14)), 0x6);
	load(2);
	CHECK_EQ(valid_lrs(), 0);
	CHECK_EQ(hw.vmcr, 0);
	CHECK_EQ(guest_take_one(2), NO_IRQ);
	check_unlocked();
}

TEST(vgic, domain_reset_clears_distributor)
{
	setup();
	spi_ready(80, 0x40, 1, false);
	vgic_inject_spi(&dom, 80, true);
	vgic_domain_reset(&dom);
	CHECK_EQ(rd32(GICD(CTLR)), 0x50);
	CHECK_EQ(rd32(GICD(ISENABLER + 8)), 0);
	CHECK_EQ(rd32(GICD(ISPENDR + 8)), 0);
	CHECK_EQ(rd(GICD(IPRIORITYR + 80), 1), 0);
	CHECK_EQ(rd(GICD(IROUTER + 8 * 80), 8), 0);
	check_unlocked();
}

TEST(vgic, maintenance_without_loaded_vcpu_is_harmless)
{
	setup();
	hw.hcr = ICH_HCR_EN | ICH_HCR_UIE;
	current = NULL;
	maint_fn(maint_intid, NULL);
	CHECK_EQ(hw.hcr, 0);
}

TEST(vgic, no_virtual_interface_refused)
{
	memset(&hw, 0, sizeof(hw));
	CHECK(vgic_global_init(25) != 0);
	memset(&dom, 0, sizeof(dom));
	dom.nvcpus = 1;
	dom.name = "test";
	CHECK(vgic_domain_init(&dom) != 0);
	vgic_cpu_init();			/* touches nothing */
	CHECK_EQ(hw.writes, 0);
}

TEST(vgic, random_traffic_keeps_invariants)
{
	/*
	 * Random injections, guest acks/EOIs and register writes on two
	 * vCPUs; after each step the LR image must equal the fake hardware
	 * and no interrupt may sit in two places.
	 */
	setup();
	for (unsigned i = 0; i < 16; i++) {
		spi_ready(32 + i, (uint8_t)(unit_rand_below(32) << 3), i % 2, i % 3 != 0);
		wr32(SGI(i % 2, ISENABLER), 0xffffffff);
	}
	load(0);
	for (unsigned step = 0; step < 3000; step++) {
		unsigned cpu = (unsigned)(current - vcpus);
		uint32_t intid;

		switch (unit_rand_below(9)) {
		case 0:
			vgic_inject_spi(&dom, 32 + (uint32_t)unit_rand_below(16),
					unit_rand_below(2));
			break;
		case 1:
			vgic_inject_private(V((unsigned)unit_rand_below(2)),
					    (uint32_t)unit_rand_below(32));
			break;
		case 2:
			vgic_sgi1r_write(current, SGI1R(unit_rand_below(16), 0,
							unit_rand_below(4)));
			break;
		case 3:
			enter(cpu);
			(void)guest_ack();
			leave(cpu);
			break;
		case 4:
			enter(cpu);
			for (unsigned i = 0; i < hw.nr_lrs; i++)
				if (hw.lr[i] & ICH_LR_ACTIVE) {
					guest_eoi(lr_intid(i));
					break;
				}
			leave(cpu);
			break;
		case 5:
			put(cpu);
			load(1 - cpu);
			break;
		case 6:
			route_spi(32 + (uint32_t)unit_rand_below(16),
				  (unsigned)unit_rand_below(2));
			break;
		case 7:
			intid = 32 + (uint32_t)unit_rand_below(16);
			wr32(bitreg(0, unit_rand_below(2) ? ISENABLER : ICENABLER, intid),
			     1u << (intid % 32));
			break;
		default:
			intid = (uint32_t)unit_rand_below(48);
			if (intid >= 16 || unit_rand_below(2))
				set_bit_reg(cpu, unit_rand_below(2) ? ICPENDR : ICACTIVER,
					    intid);
			break;
		}
		check_unlocked();
		cpu = (unsigned)(current - vcpus);
		for (unsigned i = 0; i < hw.nr_lrs; i++) {
			struct vgic_cpu *vc = vcpus[cpu].vgic;

			if (vc->used_lrs & (1u << i)) {
				CHECK_EQ(hw.lr[i], vc->lr_val[i]);
				CHECK(vc->lr_irq[i]->lr_vcpu == &vcpus[cpu]);
				CHECK_EQ(vc->lr_irq[i]->lr, i);
			} else {
				CHECK_EQ(hw.lr[i] & ICH_LR_STATE, 0);
			}
		}
		for (unsigned i = 0; i < VGIC_NR_SPIS; i++) {
			struct vgic_irq *q = &dom.vgic->spi[i];

			if (q->lr_vcpu)
				CHECK(q->lr_vcpu->vgic->lr_irq[q->lr] == q);
		}
	}
}

TEST(vgic, bad_arguments_ignored)
{
	setup();
	vgic_inject_spi(&dom, 5, true);			/* not an SPI */
	vgic_inject_spi(&dom, 32 + VGIC_NR_SPIS, true);
	vgic_inject_spi(NULL, 40, true);
	vgic_inject_private(V(0), 32);
	vgic_inject_private(NULL, 3);
	CHECK_EQ(kicked, 0);
	for (unsigned i = 0; i < 3; i++)
		CHECK_EQ(rd32(GICD(ISPENDR + 4 * i)) | rd32(SGI(0, ISPENDR)), 0);
	check_unlocked();
}

/* --- concurrency -------------------------------------------------------------------------- */

static _Atomic bool stress_stop;
static _Atomic unsigned stress_started, stress_iters;

/* Another pCPU: devices and other vCPUs poking vCPU 0's interrupts. */
static void *stress_injector(void *arg)
{
	unsigned seed = (unsigned)(uintptr_t)arg;

	atomic_fetch_add(&stress_started, 1);
	while (!atomic_load(&stress_stop)) {
		seed = seed * 1103515245u + 12345u;
		switch ((seed >> 16) % 5) {
		case 0:
			vgic_inject_spi(&dom, 32 + (seed >> 8) % 8, true);
			break;
		case 1:
			vgic_inject_private(V(0), 16 + (seed >> 8) % 4);
			break;
		case 2:
			vgic_sgi1r_write(V(1), SGI1R((seed >> 8) % 16, 0, 0x1));
			break;
		case 3:
			mmio_write(GICD(IPRIORITYR + 32 + (seed >> 8) % 8), 1,
				   (seed >> 4) & 0xf0);
			break;
		default:
			vgic_inject_spi(&dom, 40, (seed >> 8) & 1);	/* level line */
			break;
		}
		atomic_fetch_add(&stress_iters, 1);
	}
	return NULL;
}

TEST(vgic, concurrent_injection_while_running)
{
	pthread_t threads[2];
	unsigned delivered = 0;

	setup();
	for (unsigned i = 0; i < 8; i++)
		spi_ready(32 + i, 0x80, 0, true);
	spi_ready(40, 0x40, 0, false);
	wr32(SGI(0, ISENABLER), 0xffffffff);
	load(0);
	hw.vmcr = ICH_VMCR_VENG1 | 0xf0UL << ICH_VMCR_VPMR_SHIFT;
	for (unsigned i = 0; i < ARRAY_SIZE(threads); i++)
		CHECK_EQ(pthread_create(&threads[i], NULL, stress_injector,
					(void *)(uintptr_t)(i + 1)), 0);
	while (atomic_load(&stress_started) < ARRAY_SIZE(threads))
		;
	/* Until the other "pCPUs" did enough, within a bounded time. */
	for (unsigned round = 0; round < 2000000 &&
	     (round < 20000 || atomic_load(&stress_iters) < 200000); round++) {
		uint32_t intid;

		enter(0);
		intid = guest_ack();
		if (intid != NO_IRQ) {
			delivered++;
			guest_eoi(intid);
		}
		leave(0);
		if (round % 1000 == 999) {
			put(0);
			load(0);
		}
	}
	atomic_store(&stress_stop, true);
	for (unsigned i = 0; i < ARRAY_SIZE(threads); i++)
		pthread_join(threads[i], NULL);
	CHECK(delivered > 1000);
	CHECK(atomic_load(&stress_iters) >= 200000);
	/* Drain: everything still pending arrives, then nothing is left. */
	vgic_inject_spi(&dom, 40, false);
	for (unsigned i = 0; i < 200 && guest_take_one(0) != NO_IRQ; i++)
		;
	CHECK_EQ(guest_take_one(0), NO_IRQ);
	CHECK_EQ(rd32(SGI(0, ISPENDR)) | rd32(SGI(0, ISACTIVER)), 0);
	CHECK_EQ(rd32(GICD(ISPENDR + 4)) | rd32(GICD(ISACTIVER + 4)), 0);
	CHECK(!vgic_vcpu_pending(V(0)));
	check_unlocked();
}
