/*
 * GICv2 (Arm IHI 0048): distributor and memory-mapped CPU interface. SGIs
 * and PPIs are banked per CPU in the distributor; a CPU's interface number
 * (for SGI targets) is read from its banked GICD_ITARGETSR0.
 */
#include "arch/mmu.h"
#include "core/console.h"
#include "core/percpu.h"
#include "drivers/gic.h"

#define GICD_CTLR 0x000
#define GICD_TYPER 0x004
#define GICD_ISENABLER 0x100
#define GICD_ICENABLER 0x180
#define GICD_IPRIORITYR 0x400
#define GICD_ITARGETSR 0x800
#define GICD_ICFGR 0xc00
#define GICD_SGIR 0xf00

#define GICC_CTLR 0x00
#define GICC_PMR 0x04
#define GICC_BPR 0x08
#define GICC_IAR 0x0c
#define GICC_EOIR 0x10

#define DEFAULT_PRIORITY 0xa0

static uint8_t *dist, *cpuif;
static uint8_t cpu_mask[PLATFORM_MAX_CPUS];

static volatile uint32_t *reg32(uint8_t *base, unsigned off)
{
	return (volatile uint32_t *)(base + off);
}

static volatile uint8_t *reg8(uint8_t *base, unsigned off)
{
	return (volatile uint8_t *)(base + off);
}

static int gicv2_init(const struct platform *plat)
{
	unsigned nlines;

	dist = mmu_map_device(plat->gic.dist.base, plat->gic.dist.size);
	cpuif = mmu_map_device(plat->gic.cpuif.base, plat->gic.cpuif.size);
	if (!dist || !cpuif)
		return -1;
	*reg32(dist, GICD_CTLR) = 0;
	nlines = 32 * ((*reg32(dist, GICD_TYPER) & 0x1f) + 1);
	for (unsigned i = GIC_SPI_BASE; i < nlines; i += 32)
		*reg32(dist, GICD_ICENABLER + i / 8) = 0xffffffffu;
	for (unsigned i = GIC_SPI_BASE; i < nlines; i += 4)
		*reg32(dist, GICD_IPRIORITYR + i) = DEFAULT_PRIORITY * 0x01010101u;
	*reg32(dist, GICD_CTLR) = 1;
	return 0;
}

static int gicv2_init_cpu(unsigned cpu, uint64_t mpidr)
{
	(void)mpidr;
	cpu_mask[cpu] = *reg8(dist, GICD_ITARGETSR);
	/* A uniprocessor GIC has RAZ/WI target registers (GICD_TYPER.CPUNumber 0). */
	if (!cpu_mask[cpu] && !((*reg32(dist, GICD_TYPER) >> 5) & 7))
		cpu_mask[cpu] = 1;
	if (!cpu_mask[cpu]) {
		pr_err("gicv2: CPU %u has no CPU interface number\n", cpu);
		return -1;
	}
	*reg32(dist, GICD_ICENABLER) = 0xffffffffu;
	for (unsigned i = 0; i < 32; i += 4)
		*reg32(dist, GICD_IPRIORITYR + i) = DEFAULT_PRIORITY * 0x01010101u;
	*reg32(cpuif, GICC_PMR) = 0xff;
	*reg32(cpuif, GICC_BPR) = 0;
	*reg32(cpuif, GICC_CTLR) = 1;
	return 0;
}

static void gicv2_enable(uint32_t intid, bool level)
{
	if (intid >= GIC_PPI_BASE) {
		volatile uint32_t *cfg = reg32(dist, GICD_ICFGR + (intid / 16) * 4);
		uint32_t bit = 1u << ((intid % 16) * 2 + 1);

		*cfg = level ? (*cfg & ~bit) : (*cfg | bit);
	}
	if (intid >= GIC_SPI_BASE)
		*reg8(dist, GICD_ITARGETSR + intid) = cpu_mask[0];
	*reg32(dist, GICD_ISENABLER + (intid / 32) * 4) = 1u << (intid % 32);
}

static void gicv2_disable(uint32_t intid)
{
	*reg32(dist, GICD_ICENABLER + (intid / 32) * 4) = 1u << (intid % 32);
}

/*
 * GICC_EOIR wants the whole GICC_IAR value back, SGI source CPU included;
 * interrupts are not nested, so one saved value per CPU is enough.
 */
static uint32_t last_iar[PLATFORM_MAX_CPUS];

static uint32_t gicv2_ack(void)
{
	uint32_t iar = *reg32(cpuif, GICC_IAR);

	last_iar[this_cpu_id()] = iar;
	return iar & 0x3ff;
}

static void gicv2_eoi(uint32_t intid)
{
	uint32_t iar = last_iar[this_cpu_id()];

	*reg32(cpuif, GICC_EOIR) = (iar & 0x3ff) == intid ? iar : intid;
}

static void gicv2_send_sgi(unsigned cpu, uint32_t sgi)
{
	__asm__ volatile("dsb ishst" ::: "memory");
	*reg32(dist, GICD_SGIR) = (uint32_t)cpu_mask[cpu] << 16 | (sgi & 0xf);
}

const struct gic_ops gicv2_ops = {
	.name = "GICv2",
	.init = gicv2_init,
	.init_cpu = gicv2_init_cpu,
	.enable = gicv2_enable,
	.disable = gicv2_disable,
	.ack = gicv2_ack,
	.eoi = gicv2_eoi,
	.send_sgi = gicv2_send_sgi,
};
