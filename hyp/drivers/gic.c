/* Chooses the GIC driver the device tree asks for and forwards to it. */
#include "core/console.h"
#include "drivers/gic.h"

static const struct gic_ops *gic;

int gic_init(const struct platform *plat)
{
	switch (plat->gic.version) {
	case GIC_V3:
		gic = &gicv3_ops;
		break;
	case GIC_V2:
		gic = &gicv2_ops;
		break;
	default:
		pr_err("gic: no supported interrupt controller\n");
		return -1;
	}
	return gic->init(plat);
}

int gic_init_cpu(unsigned cpu, uint64_t mpidr)
{
	return gic->init_cpu(cpu, mpidr);
}

void gic_enable(uint32_t intid, bool level)
{
	gic->enable(intid, level);
}

void gic_disable(uint32_t intid)
{
	gic->disable(intid);
}

uint32_t gic_ack(void)
{
	return gic->ack();
}

void gic_eoi(uint32_t intid)
{
	gic->eoi(intid);
}

void gic_send_sgi(unsigned cpu, uint32_t sgi)
{
	gic->send_sgi(cpu, sgi);
}
