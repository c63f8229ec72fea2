/* GICv3 driver for one guest: just what the tests need. */
#include "arch.h"
#include "config.h"
#include "gic.h"
#include "mmio.h"
#include "percpu.h"
#include "test.h"
#include "timer.h"

#define GICD_CTLR 0x0000
#define GICD_TYPER 0x0004
#define GICD_ISENABLER 0x0100
#define GICD_ICENABLER 0x0180
#define GICD_ISPENDR 0x0200
#define GICD_IPRIORITYR 0x0400
#define GICD_IGROUPR 0x0080
#define GICD_IROUTER 0x6000
/* Written bits 0, 1 and 4: with one security state (DS = 1) EnableGrp0,
 * EnableGrp1, ARE; seen from Non-secure with two, EnableGrp1NS,
 * EnableGrp1A, ARE_NS. Either way: group 1 on, affinity routing. */
#define GICD_CTLR_ENABLE 0x13u
#define GICD_CTLR_RWP (1u << 31)

#define GICR_TYPER 0x0008
#define GICR_TYPER_LAST (1u << 4)
#define GICR_WAKER 0x0014
#define GICR_WAKER_PROCESSOR_SLEEP (1u << 1)
#define GICR_WAKER_CHILDREN_ASLEEP (1u << 2)
/* SGI frame (RD + 64 KiB) */
#define GICR_IGROUPR0 0x0080
#define GICR_ISENABLER0 0x0100
#define GICR_ICENABLER0 0x0180
#define GICR_ISPENDR0 0x0200
#define GICR_IPRIORITYR 0x0400

#define ICC_SRE_SRE 1u

static volatile bool dist_ready;
static uint64_t redist[GUEST_MAX_CPUS];

/* Bounded wait for a register bit to clear (1 s of virtual time). */
static bool wait_clear32(uint64_t addr, uint32_t bits)
{
	uint64_t end = timer_now() + ms_to_ticks(1000);

	while (mmio_read32(addr) & bits)
		if (timer_now() > end)
			return false;
	return true;
}

bool gic_dist_ready(void)
{
	return dist_ready;
}

static bool dist_init(void)
{
	mmio_write32(GICD_BASE + GICD_CTLR, 0);
	if (!CHECK(wait_clear32(GICD_BASE + GICD_CTLR, GICD_CTLR_RWP), "GICD_CTLR.RWP stuck"))
		return false;
	/* SPIs: group 1, default priority, disabled. */
	for (unsigned i = 32; i < GUEST_NR_IRQS; i += 32) {
		mmio_write32(GICD_BASE + GICD_IGROUPR + i / 8, ~0u);
		mmio_write32(GICD_BASE + GICD_ICENABLER + i / 8, ~0u);
	}
	for (unsigned i = 32; i < GUEST_NR_IRQS; i += 4)
		mmio_write32(GICD_BASE + GICD_IPRIORITYR + i, GIC_DEFAULT_PRIORITY * 0x01010101u);
	for (unsigned i = 32; i < GUEST_NR_IRQS; i++)
		mmio_write64(GICD_BASE + GICD_IROUTER + i * 8, 0);	/* to vCPU 0 */
	mmio_write32(GICD_BASE + GICD_CTLR, GICD_CTLR_ENABLE);
	if (!CHECK(wait_clear32(GICD_BASE + GICD_CTLR, GICD_CTLR_RWP), "GICD_CTLR.RWP stuck"))
		return false;
	CHECK((mmio_read32(GICD_BASE + GICD_CTLR) & 0x12) == 0x12,
	      "GICD_CTLR %#x: group 1 or affinity routing did not stick",
	      mmio_read32(GICD_BASE + GICD_CTLR));
	dsb(sy);
	dist_ready = true;
	return true;
}

/* Our frame is the one whose GICR_TYPER affinity is our MPIDR's. */
static uint64_t find_redist(void)
{
	uint64_t mpidr = read_sysreg(mpidr_el1);
	uint64_t want = (mpidr & 0xffffff) | ((mpidr >> 8) & 0xff000000);

	for (unsigned i = 0; i < 64; i++) {
		uint64_t base = GICR_BASE + i * GICR_STRIDE;
		uint64_t typer = mmio_read64(base + GICR_TYPER);

		if ((typer >> 32) == want)
			return base;
		if (typer & GICR_TYPER_LAST)
			break;
	}
	return 0;
}

bool gic_cpu_init(void)
{
	struct percpu *c = this_cpu();
	uint64_t rd, sgi;

	rd = find_redist();
	if (!CHECK(rd != 0, "no redistributor has this vCPU's affinity (MPIDR %#lx)",
		   read_sysreg(mpidr_el1)))
		return false;
	CHECK(rd == GICR_BASE + cpu_id() * GICR_STRIDE,
	      "vCPU %u's redistributor is at %#lx, expected %#lx", cpu_id(), rd,
	      GICR_BASE + cpu_id() * GICR_STRIDE);
	redist[cpu_id()] = rd;
	sgi = rd + GICR_SGI_OFFSET;

	mmio_write32(rd + GICR_WAKER,
		     mmio_read32(rd + GICR_WAKER) & ~GICR_WAKER_PROCESSOR_SLEEP);
	if (!CHECK(wait_clear32(rd + GICR_WAKER, GICR_WAKER_CHILDREN_ASLEEP),
		   "GICR_WAKER.ChildrenAsleep stays set"))
		return false;
	mmio_write32(sgi + GICR_IGROUPR0, ~0u);
	mmio_write32(sgi + GICR_ICENABLER0, ~0u);
	for (unsigned i = 0; i < 32; i += 4)
		mmio_write32(sgi + GICR_IPRIORITYR + i, GIC_DEFAULT_PRIORITY * 0x01010101u);

	/* The hypervisor sets ICC_SRE_EL2 so that SRE reads 1; bare metal, we set it. */
	write_sysreg(ICC_SRE_EL1, read_sysreg(ICC_SRE_EL1) | ICC_SRE_SRE);
	isb();
	if (!CHECK(read_sysreg(ICC_SRE_EL1) & ICC_SRE_SRE,
		   "ICC_SRE_EL1.SRE is 0: no system-register CPU interface"))
		return false;
	write_sysreg(ICC_PMR_EL1, 0xff);
	write_sysreg(ICC_BPR1_EL1, 0);
	write_sysreg(ICC_CTLR_EL1, 0);		/* EOImode 0: EOIR deactivates */
	write_sysreg(ICC_IGRPEN1_EL1, 1);
	isb();
	CHECK(read_sysreg(ICC_IGRPEN1_EL1) & 1, "ICC_IGRPEN1_EL1 did not stick");
	/* The virtual timer wakes wait_until(); its default handler masks it. */
	gic_enable_irq(VTIMER_PPI);
	c->gic_ready = true;
	return true;
}

bool gic_init(void)
{
	return dist_init() && gic_cpu_init();
}

uint64_t gic_redist_base(void)
{
	return redist[cpu_id()];
}

static uint64_t sgi_frame(void)
{
	return redist[cpu_id()] + GICR_SGI_OFFSET;
}

void gic_enable_irq(unsigned intid)
{
	if (intid < 32)
		mmio_write32(sgi_frame() + GICR_ISENABLER0, 1u << intid);
	else
		mmio_write32(GICD_BASE + GICD_ISENABLER + intid / 32 * 4, 1u << (intid % 32));
	dsb(sy);
}

void gic_disable_irq(unsigned intid)
{
	if (intid < 32)
		mmio_write32(sgi_frame() + GICR_ICENABLER0, 1u << intid);
	else
		mmio_write32(GICD_BASE + GICD_ICENABLER + intid / 32 * 4, 1u << (intid % 32));
	dsb(sy);
}

void gic_set_priority(unsigned intid, uint8_t priority)
{
	uint64_t reg = (intid < 32 ? sgi_frame() + GICR_IPRIORITYR
				   : GICD_BASE + GICD_IPRIORITYR) + (intid & ~3u);
	unsigned shift = (intid & 3) * 8;
	uint32_t v = mmio_read32(reg);

	v = (v & ~(0xffu << shift)) | ((uint32_t)priority << shift);
	mmio_write32(reg, v);
}

bool gic_irq_pending(unsigned intid)
{
	uint64_t reg = intid < 32 ? sgi_frame() + GICR_ISPENDR0
				  : GICD_BASE + GICD_ISPENDR + intid / 32 * 4;

	return mmio_read32(reg) & (1u << (intid % 32));
}

void gic_set_pending(unsigned intid)
{
	if (intid < 32)
		mmio_write32(sgi_frame() + GICR_ISPENDR0, 1u << intid);
	else
		mmio_write32(GICD_BASE + GICD_ISPENDR + intid / 32 * 4, 1u << (intid % 32));
}

void gic_write_sgi1r(uint64_t value)
{
	/* The SGI must not overtake the stores that tell its handler what to do. */
	dsb(sy);
	write_sysreg(ICC_SGI1R_EL1, value);
	isb();
}

void gic_send_sgi_mask(unsigned intid, uint16_t cpus)
{
	gic_write_sgi1r(((uint64_t)(intid & 0xf) << 24) | cpus);
}

void gic_send_sgi(unsigned intid, unsigned cpu)
{
	gic_send_sgi_mask(intid, (uint16_t)(1u << cpu));
}

void gic_send_sgi_others(unsigned intid)
{
	gic_write_sgi1r(((uint64_t)(intid & 0xf) << 24) | (1UL << 40));
}
