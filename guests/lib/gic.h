/*
 * The guest's GICv3: distributor at GICD_BASE, one redistributor (RD + SGI
 * frame) per vCPU from GICR_BASE, system-register CPU interface. Everything
 * is Group 1 (IRQ), EOImode 0, priority mask open.
 *
 * vCPU 0 calls gic_init() (distributor and its own CPU); vCPUs started
 * later through smp_start() set up their own CPU automatically when the
 * distributor is ready (or call gic_cpu_init() themselves).
 */
#ifndef GUEST_GIC_H
#define GUEST_GIC_H

#include <stdbool.h>
#include <stdint.h>

#define GIC_DEFAULT_PRIORITY 0xa0

bool gic_init(void);
bool gic_cpu_init(void);
bool gic_dist_ready(void);

/* This vCPU's redistributor (RD frame) base, 0 before gic_cpu_init(). */
uint64_t gic_redist_base(void);

/* SGIs and PPIs act on this vCPU's redistributor; SPIs on the distributor
 * (routed to vCPU 0). */
void gic_enable_irq(unsigned intid);
void gic_disable_irq(unsigned intid);
void gic_set_priority(unsigned intid, uint8_t priority);
bool gic_irq_pending(unsigned intid);	/* this vCPU's view */
void gic_set_pending(unsigned intid);	/* ISPENDR */

/* SGIs through ICC_SGI1R_EL1, to vCPUs in Aff0 (index) 0..15. */
void gic_send_sgi(unsigned intid, unsigned cpu);
void gic_send_sgi_mask(unsigned intid, uint16_t cpus);
void gic_send_sgi_others(unsigned intid);	/* IRM = 1: all but self */
/* Raw value (tests that target nonexistent vCPUs). */
void gic_write_sgi1r(uint64_t value);

#endif
