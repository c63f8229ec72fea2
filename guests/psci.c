/*
 * psci: the PSCI interface itself, and elvisor's informational hypercall.
 *
 * - PSCI_VERSION is 1.1 (0x10001), through HVC and through SMC.
 * - PSCI_FEATURES: 0 for each function elvisor implements, NOT_SUPPORTED
 *   for functions it does not and for IDs that are not PSCI at all.
 * - MIGRATE_INFO_TYPE: 2 (no Trusted OS to migrate).
 * - CPU_ON: INVALID_PARAMETERS for MPIDRs without a vCPU, ALREADY_ON for a
 *   vCPU that runs, INVALID_ADDRESS for an entry point outside RAM.
 * - AFFINITY_INFO: ON for vCPU 0, OFF for a vCPU not started, ON once it
 *   runs, OFF again after its CPU_OFF; INVALID_PARAMETERS without a vCPU.
 * - An unknown function ID gives NOT_SUPPORTED (-1) through HVC and SMC.
 * - ELVISOR_HVC_VCPU_TIMES: run time grows while running, blocked time
 *   while sleeping in WFI.
 * Needs 2 vCPUs in its manifest to test a secondary.
 */
#include "guest.h"

#define WAIT_US 2000000

static volatile uint32_t secondary_ran;

static void secondary(unsigned cpu, void *arg)
{
	(void)cpu;
	(void)arg;
	secondary_ran++;
	/* Returning calls CPU_OFF (smp.c). */
}

static bool cond_off(void *arg)
{
	return psci_affinity_info((uint64_t)(uintptr_t)arg, 0) == PSCI_AFFINITY_OFF;
}

static void check_version_and_features(void)
{
	static const uint32_t supported[] = {
		PSCI_VERSION, PSCI_CPU_OFF, PSCI_CPU_ON_64, PSCI_AFFINITY_INFO_64,
		PSCI_MIGRATE_INFO_TYPE, PSCI_SYSTEM_OFF, PSCI_SYSTEM_RESET, PSCI_FEATURES,
	};
	static const uint32_t unsupported[] = {
		PSCI_MIGRATE_64, PSCI_CPU_FREEZE, PSCI_NODE_HW_STATE_64, PSCI_STAT_RESIDENCY_64,
		PSCI_MEM_PROTECT, 0x8400001f, 0xc400001f,	/* unassigned PSCI IDs */
		0x12345678,		/* not PSCI */
		0xc6000001,		/* elvisor's console call: not PSCI either */
	};
	int64_t v = psci_version();

	CHECK(v == 0x10001, "PSCI_VERSION %#lx, expected 0x10001 (1.1)", v);
	v = smc_call(PSCI_VERSION, 0, 0, 0);
	CHECK(v == 0x10001, "PSCI_VERSION through SMC: %#lx, expected 0x10001", v);
	for (unsigned i = 0; i < ARRAY_SIZE(supported); i++) {
		int64_t r = psci_features(supported[i]);

		CHECK(r >= 0, "PSCI_FEATURES(%#x): %ld, expected supported (>= 0)", supported[i], r);
	}
	for (unsigned i = 0; i < ARRAY_SIZE(unsupported); i++) {
		int64_t r = psci_features(unsupported[i]);

		CHECK(r == PSCI_E_NOT_SUPPORTED, "PSCI_FEATURES(%#x): %ld, expected NOT_SUPPORTED",
		      unsupported[i], r);
	}
	v = psci_migrate_info_type();
	CHECK(v == PSCI_MIGRATE_NOT_PRESENT, "MIGRATE_INFO_TYPE %ld, expected 2", v);
}

static void check_unknown_calls(void)
{
	/* Owned by nobody here: the standard answer is NOT_SUPPORTED. */
	static const uint32_t unknown[] = {
		0xc6000004, 0xc600ffff, 0x86000001, 0x82000000, 0xc2000010, 0xc5000020,
		0x8400001e, 0xbf00ff00,
	};

	for (unsigned i = 0; i < ARRAY_SIZE(unknown); i++) {
		int64_t h = hvc_call(unknown[i], 1, 2, 3), s = smc_call(unknown[i], 1, 2, 3);

		CHECK((int32_t)h == SMCCC_NOT_SUPPORTED, "HVC %#x: %ld, expected NOT_SUPPORTED",
		      unknown[i], h);
		CHECK((int32_t)s == SMCCC_NOT_SUPPORTED, "SMC %#x: %ld, expected NOT_SUPPORTED",
		      unknown[i], s);
	}
}

static void check_cpu_on_errors(void)
{
	static const uint64_t no_vcpu[] = {
		GUEST_MAX_CPUS, 0xff, 0x100, 0x101, 0x10000, 0x100000000UL, 0xff00ffffffUL,
	};
	uint64_t entry = (uint64_t)secondary_entry;
	int64_t r;

	for (unsigned i = 0; i < ARRAY_SIZE(no_vcpu); i++) {
		r = psci_cpu_on(no_vcpu[i], entry, 1);
		CHECK(r == PSCI_E_INVALID_PARAMS, "CPU_ON(MPIDR %#lx) (no such vCPU): %ld",
		      no_vcpu[i], r);
		r = psci_affinity_info(no_vcpu[i], 0);
		CHECK(r == PSCI_E_INVALID_PARAMS, "AFFINITY_INFO(MPIDR %#lx) (no such vCPU): %ld",
		      no_vcpu[i], r);
	}
	r = psci_cpu_on(0, entry, 0);
	CHECK(r == PSCI_E_ALREADY_ON, "CPU_ON(0) from vCPU 0: %ld, expected ALREADY_ON", r);
	r = psci_affinity_info(0, 0);
	CHECK(r == PSCI_AFFINITY_ON, "AFFINITY_INFO(0) from vCPU 0: %ld, expected ON", r);
}

static void check_secondary(void)
{
	uint64_t entry = (uint64_t)secondary_entry;
	uint64_t ram = ram_end();
	int64_t r = psci_affinity_info(1, 0);

	if (r == PSCI_E_INVALID_PARAMS) {
		test_fail("no vCPU 1: the psci test needs 2 vCPUs");
		return;
	}
	CHECK(r == PSCI_AFFINITY_OFF, "AFFINITY_INFO(1) before CPU_ON: %ld, expected OFF", r);

	/* Entry points the caller cannot own: refused, vCPU 1 stays off. */
	const uint64_t bad_entries[] = {
		0, 0x1000, 0x09000000, GUEST_RAM_BASE - 4, ram ? ram : 0x80000000UL,
		0x100000000UL, entry + 2,
	};
	for (unsigned i = 0; i < ARRAY_SIZE(bad_entries); i++) {
		r = psci_cpu_on(1, bad_entries[i], 1);
		CHECK(r == PSCI_E_INVALID_ADDRESS,
		      "CPU_ON(1, entry %#lx): %ld, expected INVALID_ADDRESS", bad_entries[i], r);
		if (r == PSCI_SUCCESS)
			return;		/* vCPU 1 is running who knows what */
	}
	CHECK(psci_affinity_info(1, 0) == PSCI_AFFINITY_OFF,
	      "vCPU 1 is not OFF after refused CPU_ONs");

	r = smp_start(1, secondary, NULL, 0);
	if (!CHECK(r == PSCI_SUCCESS, "CPU_ON(1): %ld", r))
		return;
	CHECK(smp_wait_online(1, WAIT_US), "vCPU 1 did not start");
	CHECK(wait_until(cond_off, (void *)1, WAIT_US), "vCPU 1 not OFF after its CPU_OFF");
	CHECK(secondary_ran == 1, "vCPU 1 ran %u times", secondary_ran);

	/* And again: CPU_ON after CPU_OFF starts it afresh. */
	r = smp_start(1, secondary, NULL, 7);
	if (!CHECK(r == PSCI_SUCCESS, "CPU_ON(1) after CPU_OFF: %ld", r))
		return;
	CHECK(smp_wait_online(1, WAIT_US), "vCPU 1 did not start again");
	CHECK(smp_context(1) == (1 | 7u << 8), "vCPU 1 got context %#lx, expected 0x701",
	      smp_context(1));
	CHECK(wait_until(cond_off, (void *)1, WAIT_US), "vCPU 1 not OFF after its second CPU_OFF");
	CHECK(secondary_ran == 2, "vCPU 1 ran %u times, expected 2", secondary_ran);
}

static void check_vcpu_times(void)
{
	uint64_t run0, blocked0, run1, blocked1, run2, blocked2;

	if (!CHECK(elvisor_vcpu_times(&run0, &blocked0), "ELVISOR_HVC_VCPU_TIMES: %ld",
		   (int64_t)run0))
		return;
	mdelay(20);
	elvisor_vcpu_times(&run1, &blocked1);
	sleep_us(50000);
	elvisor_vcpu_times(&run2, &blocked2);
	printf("vCPU times: run %lu -> %lu -> %lu us, blocked %lu -> %lu -> %lu us\n",
	       run0 / 1000, run1 / 1000, run2 / 1000, blocked0 / 1000, blocked1 / 1000,
	       blocked2 / 1000);
	CHECK(run1 > run0, "run time did not grow while running (%lu -> %lu ns)", run0, run1);
	CHECK(run1 - run0 <= 1000000000, "run time grew by %lu ns in a 20 ms busy wait",
	      run1 - run0);
	CHECK(blocked2 >= blocked1 + 10000000,
	      "blocked time grew by %lu ns in a 50 ms WFI sleep, expected >= 10 ms",
	      blocked2 - blocked1);
}

void guest_main(void)
{
	test_init("psci");
	gic_init();			/* sleep_us() and waits use the timer */
	check_version_and_features();
	check_unknown_calls();
	check_cpu_on_errors();
	check_secondary();
	check_vcpu_times();
	test_done();
}
