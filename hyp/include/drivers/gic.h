/*
 * The physical interrupt controller: GICv3 (system-register CPU interface,
 * redistributors) or GICv2 (memory-mapped CPU interface), chosen by the
 * device tree. The hypervisor uses group 1 (non-secure) interrupts.
 */
#ifndef DRIVERS_GIC_H
#define DRIVERS_GIC_H

#include "core/platform.h"
#include "lib/types.h"

#define GIC_SPURIOUS 1023
#define GIC_PPI_BASE 16
#define GIC_SPI_BASE 32

struct gic_ops {
	const char *name;
	int (*init)(const struct platform *plat);	/* distributor, once */
	int (*init_cpu)(unsigned cpu, uint64_t mpidr);	/* every CPU */
	void (*enable)(uint32_t intid, bool level);	/* PPIs: this CPU's */
	void (*disable)(uint32_t intid);
	uint32_t (*ack)(void);
	void (*eoi)(uint32_t intid);
	void (*send_sgi)(unsigned cpu, uint32_t sgi);
};

extern const struct gic_ops gicv3_ops, gicv2_ops;

int gic_init(const struct platform *plat);
int gic_init_cpu(unsigned cpu, uint64_t mpidr);
void gic_enable(uint32_t intid, bool level);
void gic_disable(uint32_t intid);
uint32_t gic_ack(void);
void gic_eoi(uint32_t intid);
void gic_send_sgi(unsigned cpu, uint32_t sgi);

#endif
