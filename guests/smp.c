/*
 * smp: vCPU 0 finds and starts the other vCPUs through PSCI and checks the
 * power states PSCI reports, then every vCPU counts to SMP_INCREMENTS at
 * the same time (all make progress, none is lost), then one secondary
 * turns itself off and is started again.
 *
 * PSCI checks: AFFINITY_INFO is OFF before CPU_ON and ON after; CPU_ON of
 * a vCPU that is on gives ALREADY_ON (or ON_PENDING while it starts); the
 * first MPIDR without a vCPU gives INVALID_PARAMETERS for AFFINITY_INFO and
 * CPU_ON; the vCPU count matches the device tree's; CPU_OFF of a secondary
 * makes AFFINITY_INFO say OFF; a vCPU can be started again after CPU_OFF,
 * with the new context id.
 */
#include "guest.h"

#define SMP_INCREMENTS_DEFAULT 1000000
#define START_TIMEOUT_US 2000000
#define RUN_TIMEOUT_US 30000000

static uint64_t increments;
static volatile uint32_t go, release;
static volatile uint64_t counter[GUEST_MAX_CPUS];
static volatile uint32_t finished[GUEST_MAX_CPUS];
static volatile uint32_t off_request[GUEST_MAX_CPUS];

static void count_up(unsigned cpu)
{
	for (uint64_t i = 0; i < increments; i++)
		counter[cpu] = counter[cpu] + 1;
	dsb(sy);
	finished[cpu] = 1;
}

static bool cond_released(void *arg)
{
	unsigned cpu = (unsigned)(uintptr_t)arg;

	return release || off_request[cpu];
}

static void secondary(unsigned cpu, void *arg)
{
	(void)arg;
	if (!CHECK(wait_until(cond_flag_set, (void *)&go, RUN_TIMEOUT_US),
		   "vCPU %u never got the go", cpu))
		return;
	count_up(cpu);
	wait_until(cond_released, (void *)(uintptr_t)cpu, RUN_TIMEOUT_US);
	if (off_request[cpu]) {
		irq_disable();
		psci_cpu_off();
		test_fail("PSCI CPU_OFF returned on vCPU %u", cpu);
	}
	/* Returning turns the vCPU off (smp.c). */
}

static void restarted(unsigned cpu, void *arg)
{
	(void)arg;
	printf("vCPU %u running again, context %#lx\n", cpu, smp_context(cpu));
}

static bool all_finished(void *arg)
{
	unsigned n = (unsigned)(uintptr_t)arg;

	for (unsigned i = 0; i < n; i++)
		if (!finished[i])
			return false;
	return true;
}

struct off_wait {
	unsigned cpu;
};

static bool cond_affinity_off(void *arg)
{
	return psci_affinity_info(((struct off_wait *)arg)->cpu, 0) == PSCI_AFFINITY_OFF;
}

/* Start vCPUs 1..7 until PSCI says there is no such vCPU. Returns the count. */
static unsigned start_secondaries(void)
{
	unsigned n;

	for (n = 1; n < GUEST_MAX_CPUS; n++) {
		int64_t aff = psci_affinity_info(n, 0), r;

		if (aff == PSCI_E_INVALID_PARAMS)
			break;
		CHECK(aff == PSCI_AFFINITY_OFF, "AFFINITY_INFO(%u) before CPU_ON: %ld, expected OFF",
		      n, aff);
		r = smp_start(n, secondary, NULL, 0);
		if (!CHECK(r == PSCI_SUCCESS, "CPU_ON(%u): %ld", n, r))
			break;
		r = psci_cpu_on(n, (uint64_t)secondary_entry, n);
		CHECK(r == PSCI_E_ALREADY_ON || r == PSCI_E_ON_PENDING,
		      "second CPU_ON(%u) right away: %ld, expected ALREADY_ON or ON_PENDING", n, r);
	}
	/* The first MPIDR without a vCPU. */
	if (n < GUEST_MAX_CPUS || psci_affinity_info(n, 0) == PSCI_E_INVALID_PARAMS) {
		int64_t r = psci_cpu_on(n, (uint64_t)secondary_entry, n);

		CHECK(r == PSCI_E_INVALID_PARAMS, "CPU_ON(%u) (no such vCPU): %ld", n, r);
	}
	return n;
}

void guest_main(void)
{
	unsigned n;

	test_init("smp");
	increments = bootarg_uint_or("smp.increments", SMP_INCREMENTS_DEFAULT);
	gic_init();
	n = start_secondaries();
	printf("%u vCPUs (device tree: %u)\n", n, dt.cpus);
	if (dt.valid)
		CHECK(n == dt.cpus, "started %u vCPUs, the device tree lists %u", n, dt.cpus);
	for (unsigned i = 1; i < n; i++) {
		int64_t r;

		if (!CHECK(smp_wait_online(i, START_TIMEOUT_US), "vCPU %u did not start", i))
			continue;
		CHECK(smp_context(i) == i, "vCPU %u got context %#lx", i, smp_context(i));
		r = psci_affinity_info(i, 0);
		CHECK(r == PSCI_AFFINITY_ON, "AFFINITY_INFO(%u) once running: %ld", i, r);
		r = psci_cpu_on(i, (uint64_t)secondary_entry, i);
		CHECK(r == PSCI_E_ALREADY_ON, "CPU_ON(%u) of a running vCPU: %ld", i, r);
	}
	CHECK(psci_cpu_on(0, (uint64_t)secondary_entry, 0) == PSCI_E_ALREADY_ON,
	      "CPU_ON(0) from vCPU 0 is not ALREADY_ON");

	/* Everyone counts at once. */
	uint64_t t0 = timer_now();

	go = 1;
	dsb(sy);
	count_up(0);
	CHECK(wait_until(all_finished, (void *)(uintptr_t)n, RUN_TIMEOUT_US),
	      "not every vCPU finished counting within %u s", RUN_TIMEOUT_US / 1000000);
	for (unsigned i = 0; i < n; i++)
		CHECK(counter[i] == increments, "vCPU %u counted %lu, expected %lu", i, counter[i],
		      increments);
	printf("%u vCPUs counted to %lu each in %lu ms\n", n, increments,
	       ticks_to_ms(timer_now() - t0));

	if (n > 1) {
		unsigned last = n - 1;
		struct off_wait w = { last };
		int64_t r;

		off_request[last] = 1;
		CHECK(wait_until(cond_affinity_off, &w, START_TIMEOUT_US),
		      "vCPU %u not OFF after its CPU_OFF: AFFINITY_INFO %ld", last,
		      psci_affinity_info(last, 0));
		r = smp_start(last, restarted, NULL, 1);
		CHECK(r == PSCI_SUCCESS, "CPU_ON(%u) after its CPU_OFF: %ld", last, r);
		if (r == PSCI_SUCCESS) {
			CHECK(smp_wait_online(last, START_TIMEOUT_US), "vCPU %u did not restart", last);
			CHECK(smp_context(last) == (last | 1u << 8),
			      "restarted vCPU %u got context %#lx, expected %#x", last,
			      smp_context(last), last | 1u << 8);
			CHECK(wait_until(cond_affinity_off, &w, START_TIMEOUT_US),
			      "vCPU %u not OFF after returning (CPU_OFF)", last);
		}
	}
	release = 1;
	dsb(sy);
	test_done();
}
