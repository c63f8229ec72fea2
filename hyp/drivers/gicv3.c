/*
 * GICv3 (Arm IHI 0069): distributor and redistributors by MMIO, the CPU
 * interface through ICC_* system registers. QEMU's virt GIC runs with a
 * single security state (GICD_CTLR.DS = 1), so group 1 is ours.
 */
#include "arch/mmu.h"
#include "arch/sysreg.h"
#include "core/console.h"
#include "core/percpu.h"
#include "core/spinlock.h"
#include "drivers/gic.h"

#define GICD_CTLR 0x0000
#define GICD_TYPER 0x0004
#define GICD_IGROUPR 0x0080
#define GICD_ISENABLER 0x0100
#define GICD_ICENABLER 0x0180
#define GICD_IPRIORITYR 0x0400
#define GICD_ICFGR 0x0c00
#define GICD_IROUTER 0x6000
#define GICD_CTLR_RWP (1u << 31)
#define GICD_CTLR_ARE (1u << 4)
#define GICD_CTLR_ENABLE_G1 (1u << 1)

#define GICR_FRAME_SIZE 0x20000		/* RD_base + SGI_base */
#define GICR_VLPI_FRAMES_SIZE 0x20000	/* VLPI_base + reserved, GICv4 */
#define GICR_TYPER_VLPIS (1UL << 1)
#define GICR_CTLR 0x0000
#define GICR_CTLR_RWP (1u << 3)
#define GICD_ICPENDR 0x0280
#define GICD_ICACTIVER 0x0380
#define GICR_SGI_BASE 0x10000
#define GICR_WAKER 0x0014
#define GICR_TYPER 0x0008
#define GICR_TYPER_LAST (1UL << 4)
#define GICR_WAKER_SLEEP (1u << 1)
#define GICR_WAKER_CHILDREN_ASLEEP (1u << 2)

#define DEFAULT_PRIORITY 0xa0
#define WAIT_LOOPS 1000000

static uint8_t *dist;
static uint8_t *redist_region;
static uint64_t redist_size;
static uint8_t *redist[PLATFORM_MAX_CPUS];

static volatile uint32_t *reg32(uint8_t *base, unsigned off)
{
	return (volatile uint32_t *)(base + off);
}

static volatile uint64_t *reg64(uint8_t *base, unsigned off)
{
	return (volatile uint64_t *)(base + off);
}

static void wait_dist_rwp(void)
{
	for (unsigned i = 0; i < WAIT_LOOPS; i++)
		if (!(*reg32(dist, GICD_CTLR) & GICD_CTLR_RWP))
			return;
	pr_warn("gicv3: distributor register write did not complete\n");
}

static int gicv3_init(const struct platform *plat)
{
	unsigned nlines;

	dist = mmu_map_device(plat->gic.dist.base, plat->gic.dist.size);
	redist_region = mmu_map_device(plat->gic.redist.base, plat->gic.redist.size);
	redist_size = plat->gic.redist.size;
	if (!dist || !redist_region)
		return -1;

	*reg32(dist, GICD_CTLR) = 0;
	wait_dist_rwp();
	nlines = 32 * ((*reg32(dist, GICD_TYPER) & 0x1f) + 1);
	for (unsigned i = GIC_SPI_BASE; i < nlines; i += 32) {
		*reg32(dist, GICD_ICENABLER + i / 8) = 0xffffffffu;
		*reg32(dist, GICD_ICPENDR + i / 8) = 0xffffffffu;
		*reg32(dist, GICD_ICACTIVER + i / 8) = 0xffffffffu;
		*reg32(dist, GICD_IGROUPR + i / 8) = 0xffffffffu;
	}
	for (unsigned i = GIC_SPI_BASE; i < nlines; i += 4)
		*reg32(dist, GICD_IPRIORITYR + i) = DEFAULT_PRIORITY * 0x01010101u;
	wait_dist_rwp();
	*reg32(dist, GICD_CTLR) = GICD_CTLR_ARE | GICD_CTLR_ENABLE_G1;
	wait_dist_rwp();
	return 0;
}

/* The redistributor frame whose GICR_TYPER affinity matches mpidr. */
static uint8_t *find_redist(uint64_t mpidr)
{
	uint32_t aff = (uint32_t)((mpidr & 0xffffff) | ((mpidr >> 8) & 0xff000000));

	uint64_t off = 0;

	while (off + GICR_FRAME_SIZE <= redist_size) {
		uint64_t typer = *reg64(redist_region + off, GICR_TYPER);

		if ((uint32_t)(typer >> 32) == aff)
			return redist_region + off;
		if (typer & GICR_TYPER_LAST)
			break;
		/* GICv4 redistributors have two more 64 KiB frames. */
		off += GICR_FRAME_SIZE + (typer & GICR_TYPER_VLPIS ? GICR_VLPI_FRAMES_SIZE : 0);
	}
	return NULL;
}

static int gicv3_init_cpu(unsigned cpu, uint64_t mpidr)
{
	uint8_t *rd = find_redist(mpidr);
	uint8_t *sgi;
	unsigned i;

	if (!rd) {
		pr_err("gicv3: no redistributor for CPU %u (MPIDR %#lx)\n", cpu, mpidr);
		return -1;
	}
	redist[cpu] = rd;
	sgi = rd + GICR_SGI_BASE;

	*reg32(rd, GICR_WAKER) &= ~GICR_WAKER_SLEEP;
	for (i = 0; i < WAIT_LOOPS; i++)
		if (!(*reg32(rd, GICR_WAKER) & GICR_WAKER_CHILDREN_ASLEEP))
			break;
	if (i == WAIT_LOOPS) {
		pr_err("gicv3: redistributor of CPU %u did not wake\n", cpu);
		return -1;
	}
	*reg32(sgi, GICD_ICENABLER) = 0xffffffffu;
	*reg32(sgi, GICD_ICPENDR) = 0xffffffffu;
	*reg32(sgi, GICD_ICACTIVER) = 0xffffffffu;
	for (i = 0; i < WAIT_LOOPS && (*reg32(rd, GICR_CTLR) & GICR_CTLR_RWP); i++)
		;
	*reg32(sgi, GICD_IGROUPR) = 0xffffffffu;
	for (i = 0; i < 32; i += 4)
		*reg32(sgi, GICD_IPRIORITYR + i) = DEFAULT_PRIORITY * 0x01010101u;

	write_sysreg(ICC_SRE_EL2, read_sysreg(ICC_SRE_EL2) | ICC_SRE_SRE | ICC_SRE_ENABLE);
	isb();
	write_sysreg(ICC_PMR_EL1, 0xff);
	write_sysreg(ICC_BPR1_EL1, 0);
	write_sysreg(ICC_CTLR_EL1, 0);		/* EOImode 0: EOI also deactivates */
	write_sysreg(ICC_IGRPEN1_EL1, 1);
	isb();
	return 0;
}

static void set_config(uint8_t *base, uint32_t intid, bool level)
{
	volatile uint32_t *cfg = reg32(base, GICD_ICFGR + (intid / 16) * 4);
	uint32_t shift = (intid % 16) * 2 + 1;

	if (level)
		*cfg &= ~(1u << shift);
	else
		*cfg |= 1u << shift;
}

/* Read-modify-writes of shared distributor registers. */
static spinlock_t dist_lock = SPINLOCK_INIT;

static void gicv3_enable(uint32_t intid, bool level)
{
	uint64_t flags;

	if (intid < GIC_SPI_BASE) {
		uint8_t *sgi = redist[this_cpu_id()] + GICR_SGI_BASE;

		if (intid >= GIC_PPI_BASE)
			set_config(sgi, intid, level);
		*reg32(sgi, GICD_ISENABLER) = 1u << intid;
		return;
	}
	flags = spin_lock_irqsave(&dist_lock);
	set_config(dist, intid, level);
	/* SPIs go to the boot CPU. */
	*reg64(dist, GICD_IROUTER + intid * 8) = percpu_data[0].mpidr;
	*reg32(dist, GICD_ISENABLER + (intid / 32) * 4) = 1u << (intid % 32);
	wait_dist_rwp();
	spin_unlock_irqrestore(&dist_lock, flags);
}

static void gicv3_disable(uint32_t intid)
{
	if (intid < GIC_SPI_BASE) {
		*reg32(redist[this_cpu_id()] + GICR_SGI_BASE, GICD_ICENABLER) = 1u << intid;
		return;
	}
	*reg32(dist, GICD_ICENABLER + (intid / 32) * 4) = 1u << (intid % 32);
	wait_dist_rwp();
}

static uint32_t gicv3_ack(void)
{
	uint32_t intid = (uint32_t)read_sysreg(ICC_IAR1_EL1) & 0xffffff;

	__asm__ volatile("dsb sy" ::: "memory");
	return intid;
}

static void gicv3_eoi(uint32_t intid)
{
	write_sysreg(ICC_EOIR1_EL1, intid);
	isb();
}

static void gicv3_send_sgi(unsigned cpu, uint32_t sgi)
{
	uint64_t mpidr = percpu_data[cpu].mpidr;
	uint64_t aff0 = mpidr & 0xff;
	uint64_t val = ((mpidr >> 32) & 0xff) << 48 | ((mpidr >> 16) & 0xff) << 32 |
		       ((mpidr >> 8) & 0xff) << 16 | (uint64_t)(sgi & 0xf) << 24 |
		       (aff0 >> 4) << 44 | (1UL << (aff0 & 0xf));

	dsb_ishst();
	write_sysreg(ICC_SGI1R_EL1, val);
	isb();
}

const struct gic_ops gicv3_ops = {
	.name = "GICv3",
	.init = gicv3_init,
	.init_cpu = gicv3_init_cpu,
	.enable = gicv3_enable,
	.disable = gicv3_disable,
	.ack = gicv3_ack,
	.eoi = gicv3_eoi,
	.send_sgi = gicv3_send_sgi,
};
