/*
 * sysoff: PSCI SYSTEM_OFF from a running domain. vCPU 0 starts vCPU 1 (if
 * there is one), which keeps running, then powers the domain off. Not a
 * test domain: it prints "sysoff: calling PSCI SYSTEM_OFF" and then must
 * never be heard of again. The other domains of the scenario must keep
 * running and pass. Failures print "TEST FAIL sysoff: ...":
 *  - SYSTEM_OFF returned;
 *  - vCPU 1 still runs 50 ms (virtual time) after the call.
 */
#include "guest.h"

#define STILL_RUNNING_MS 50

static volatile uint64_t off_at;

static void keep_running(unsigned cpu, void *arg)
{
	(void)arg;
	for (;;) {
		uint64_t t = off_at;

		if (t && timer_now() > t + ms_to_ticks(STILL_RUNNING_MS))
			test_fatal("vCPU %u still running %u ms after SYSTEM_OFF", cpu,
				   STILL_RUNNING_MS);
		cpu_relax();
	}
}

void guest_main(void)
{
	unsigned n;
	int64_t r;

	test_init("sysoff");
	n = smp_start_all(keep_running, NULL);
	mdelay(10);
	printf("sysoff: %u vCPU%s running; calling PSCI SYSTEM_OFF\n", n, n == 1 ? "" : "s");
	off_at = timer_now();
	dsb(sy);
	r = psci_system_off();
	test_fatal("PSCI SYSTEM_OFF returned %ld", r);
}
