#include "arch.h"
#include "timer.h"

static uint64_t freq;

void timer_init(void)
{
	freq = read_sysreg(cntfrq_el0);
	if (!freq)
		freq = 62500000;	/* QEMU virt's; CNTFRQ must not be 0, but be safe */
}

uint64_t timer_freq(void)
{
	return freq;
}

uint64_t timer_now(void)
{
	isb();
	return read_sysreg(cntvct_el0);
}

uint64_t us_to_ticks(uint64_t us)
{
	return us * freq / 1000000;
}

uint64_t ms_to_ticks(uint64_t ms)
{
	return ms * freq / 1000;
}

uint64_t ticks_to_us(uint64_t ticks)
{
	return ticks / freq * 1000000 + ticks % freq * 1000000 / freq;
}

uint64_t ticks_to_ms(uint64_t ticks)
{
	return ticks / freq * 1000 + ticks % freq * 1000 / freq;
}

void udelay(uint64_t us)
{
	uint64_t end = timer_now() + us_to_ticks(us);

	while (timer_now() < end)
		cpu_relax();
}

void mdelay(uint64_t ms)
{
	udelay(ms * 1000);
}

void vtimer_set_cval(uint64_t cval)
{
	write_sysreg(cntv_cval_el0, cval);
	isb();
}

void vtimer_arm(uint64_t cval)
{
	write_sysreg(cntv_cval_el0, cval);
	write_sysreg(cntv_ctl_el0, CNTV_CTL_ENABLE);
	isb();
}

void vtimer_disable(void)
{
	write_sysreg(cntv_ctl_el0, 0);
	isb();
}

void vtimer_mask(void)
{
	write_sysreg(cntv_ctl_el0, CNTV_CTL_ENABLE | CNTV_CTL_IMASK);
	isb();
}

uint32_t vtimer_ctl(void)
{
	isb();
	return (uint32_t)read_sysreg(cntv_ctl_el0);
}
