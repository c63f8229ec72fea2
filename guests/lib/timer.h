/*
 * Time from the virtual counter (CNTVCT_EL0, which the hypervisor starts
 * near 0) and the EL1 virtual timer (CNTV_*_EL0, PPI 27, level).
 */
#ifndef GUEST_TIMER_H
#define GUEST_TIMER_H

#include <stdbool.h>
#include <stdint.h>

#define CNTV_CTL_ENABLE (1u << 0)
#define CNTV_CTL_IMASK (1u << 1)
#define CNTV_CTL_ISTATUS (1u << 2)

void timer_init(void);			/* reads CNTFRQ once (boot.c) */
uint64_t timer_freq(void);		/* ticks per second */
uint64_t timer_now(void);		/* CNTVCT_EL0, ordered after earlier code */
uint64_t us_to_ticks(uint64_t us);
uint64_t ms_to_ticks(uint64_t ms);
uint64_t ticks_to_us(uint64_t ticks);
uint64_t ticks_to_ms(uint64_t ticks);
void udelay(uint64_t us);		/* busy */
void mdelay(uint64_t ms);

/* Fire (assert PPI 27) once CNTVCT >= cval. */
void vtimer_arm(uint64_t cval);
void vtimer_set_cval(uint64_t cval);
void vtimer_disable(void);
void vtimer_mask(void);			/* keep running, stop asserting */
uint32_t vtimer_ctl(void);

#endif
