/* Arm generic timer: the EL2 physical timer, one-shot, per CPU. */
#include "arch/cpu.h"
#include "arch/sysreg.h"
#include "core/console.h"
#include "core/irq.h"
#include "core/percpu.h"
#include "drivers/gic.h"
#include "drivers/timer.h"

static uint32_t hyp_timer_intid;
static uint64_t frequency;
static timer_callback_fn callback;

static void timer_irq(uint32_t intid, void *ctx)
{
	timer_callback_fn fn = __atomic_load_n(&callback, __ATOMIC_ACQUIRE);

	(void)intid;
	(void)ctx;
	/* One-shot: mask it until re-armed, or the level interrupt stays asserted. */
	timer_cancel();
	this_cpu()->timer_irqs++;
	if (fn)
		fn();
}

int timer_init(const struct platform *plat)
{
	if (!plat->timer.hyp_phys.valid) {
		pr_err("timer: the device tree names no EL2 physical timer interrupt\n");
		return -1;
	}
	hyp_timer_intid = plat->timer.hyp_phys.intid;
	frequency = arch_counter_freq();
	if (!frequency)
		frequency = plat->timer.frequency;
	if (!frequency) {
		pr_err("timer: CNTFRQ_EL0 is 0 and the device tree gives no clock-frequency\n");
		return -1;
	}
	return irq_register(hyp_timer_intid, timer_irq, NULL);
}

void timer_init_cpu(void)
{
	timer_cancel();
	gic_enable(hyp_timer_intid, true);
}

uint64_t timer_frequency(void)
{
	return frequency;
}

uint64_t timer_us_to_ticks(uint64_t us)
{
	return us * frequency / 1000000;
}

void timer_arm_at(uint64_t deadline)
{
	this_cpu()->timer_cval = deadline;
	write_sysreg(CNTHP_CVAL_EL2, deadline);
	write_sysreg(CNTHP_CTL_EL2, CNT_CTL_ENABLE);
	isb();
}

void timer_cancel(void)
{
	this_cpu()->timer_cval = UINT64_MAX;
	write_sysreg(CNTHP_CTL_EL2, CNT_CTL_IMASK);
	isb();
}

void timer_set_callback(timer_callback_fn fn)
{
	__atomic_store_n(&callback, fn, __ATOMIC_RELEASE);
}
