#include "arch.h"
#include "percpu.h"
#include "timer.h"
#include "wait.h"

bool wait_until(wait_cond_fn cond, void *arg, uint64_t timeout_us)
{
	uint64_t deadline = timer_now() + us_to_ticks(timeout_us);
	uint64_t tick = us_to_ticks(WAIT_TICK_US);
	uint64_t daif = read_sysreg(daif);
	bool ok;

	for (;;) {
		uint64_t now;

		irq_disable();
		if (cond(arg)) {
			ok = true;
			break;
		}
		now = timer_now();
		if (now >= deadline) {
			ok = false;
			break;
		}
		if (!this_cpu()->gic_ready) {
			irq_restore(daif);
			cpu_relax();
			continue;
		}
		/*
		 * With IRQs masked, a pending interrupt still ends WFI (Linux's
		 * idle loop relies on it too); unmasking then runs its handler.
		 */
		vtimer_arm(deadline - now < tick ? deadline : now + tick);
		wfi();
		irq_enable();
		isb();
	}
	if (this_cpu()->gic_ready)
		vtimer_disable();
	irq_restore(daif);
	return ok;
}

static bool never(void *arg)
{
	(void)arg;
	return false;
}

void sleep_us(uint64_t us)
{
	wait_until(never, NULL, us);
}

bool cond_flag_set(void *arg)
{
	return READ_ONCE(*(volatile uint32_t *)arg) != 0;
}

bool cond_count_reached(void *arg)
{
	struct wait_count *w = arg;

	return *w->counter >= w->target;
}
