/*
 * cpu-bound: load for the scheduler's fairness tests, never finishes (not a
 * test domain). Every vCPU spins incrementing its own counter and, every
 * second of virtual time, prints one line for the judge:
 *
 *   cpu-bound: vcpu=<i> t=<s>s count=<n> run_ms=<ms> blocked_ms=<ms>
 *
 * count: increments so far; run_ms/blocked_ms: this vCPU's accounting from
 * ELVISOR_HVC_VCPU_TIMES (0 if unavailable). The format is stable.
 *
 * bootargs: cpubound.report_ms (default 1000).
 */
#include "guest.h"

#define CHECK_TIME_EVERY 4096		/* increments between clock reads */

static uint64_t report_every;

static void spin(unsigned cpu, void *arg)
{
	uint64_t count = 0, next, start = timer_now(), reports = 0;

	(void)arg;
	next = start + report_every;
	for (;;) {
		for (unsigned i = 0; i < CHECK_TIME_EVERY; i++)
			__asm__ volatile("" : "+r"(count) : : );
		count += CHECK_TIME_EVERY;
		if (timer_now() >= next) {
			uint64_t run = 0, blocked = 0;

			elvisor_vcpu_times(&run, &blocked);
			reports++;
			printf("cpu-bound: vcpu=%u t=%lus count=%lu run_ms=%lu blocked_ms=%lu\n", cpu,
			       ticks_to_ms(next - start) / 1000, count, run / 1000000,
			       blocked / 1000000);
			next += report_every;
		}
	}
}

void guest_main(void)
{
	unsigned n;

	report_every = ms_to_ticks(bootarg_uint_or("cpubound.report_ms", 1000));
	n = smp_start_all(spin, NULL);
	printf("cpu-bound: %u vCPU%s spinning, reporting every %lu ms\n", n, n == 1 ? "" : "s",
	       ticks_to_ms(report_every));
	spin(0, NULL);
}
