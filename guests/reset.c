/*
 * reset: PSCI SYSTEM_RESET, over and over. Each boot checks that the reset
 * gave a fresh domain, prints "reset: boot ok", starts vCPU 1 (if any),
 * marks its memory, waits RESET_AFTER_MS and resets again. Not a test
 * domain (nothing survives a reset to count boots with): a scenario
 * expects "reset: boot ok" at least twice. Failures print
 * "TEST FAIL reset: ..." and stop the loop:
 *  - the image's initialised data is not as linked (image not reloaded);
 *  - a word we wrote before the reset is still there (RAM not cleared);
 *  - vCPU 1 is not OFF at boot (AFFINITY_INFO);
 *  - SYSTEM_RESET returned.
 */
#include "guest.h"

#define RESET_AFTER_MS 20
#define MARK 0x5e5e7ab1ed0ff1ceUL

static volatile uint64_t data_word = 0x600dda7a600dda7aUL;	/* .data */
static volatile uint64_t spins;

static void spin(unsigned cpu, void *arg)
{
	(void)cpu;
	(void)arg;
	for (;;)
		spins = spins + 1;
}

/* A word well past the image and below the device tree (RAM >= 8 MiB). */
static volatile uint64_t *mark_word(void)
{
	return (volatile uint64_t *)((image_end() + (1UL << 20)) & ~0xfffUL);
}

void guest_main(void)
{
	int64_t aff, r;

	test_init("reset");
	CHECK(data_word == 0x600dda7a600dda7aUL, "initialised data is %#lx: image not reloaded",
	      data_word);
	CHECK(*mark_word() != MARK, "the mark written before the reset survived at %#lx",
	      (uint64_t)mark_word());
	aff = psci_affinity_info(1, 0);
	CHECK(aff == PSCI_AFFINITY_OFF || aff == PSCI_E_INVALID_PARAMS,
	      "vCPU 1 is not OFF after the reset: AFFINITY_INFO %ld", aff);
	if (test_failures())
		test_fatal("the reset did not give a fresh domain");
	printf("reset: boot ok (image fresh, RAM clean, vCPU 1 off)\n");

	if (aff == PSCI_AFFINITY_OFF)
		smp_start_all(spin, NULL);
	data_word = 0;
	*mark_word() = MARK;
	dsb(sy);
	mdelay(RESET_AFTER_MS);
	r = psci_system_reset();
	test_fatal("PSCI SYSTEM_RESET returned %ld", r);
}
