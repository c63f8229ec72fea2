/*
 * The benchmark app (docs/benchmarks.md): the EL0 twin of the hypervisor's
 * test device (hyp/core/testdev.c), so that the guest can time the same
 * MMIO access handled at EL2 and handled here, plus an SMCCC service call
 * that answers at once. It is kept minimal on purpose: the benchmark
 * measures the path into an app and back, not the app.
 *
 * Registers (the same as the test device's): BENCH_REGS little-endian
 * 64-bit scratch registers at offsets 0, 8, ... of the app's MMIO range;
 * each reads back the last value written. Accesses of 1, 2, 4 or 8 bytes
 * inside one register read or merge those bytes; anything else in the
 * range reads as zero and ignores writes.
 *
 * Calls: every function ID of the app's `calls` ranges returns 0
 * (SMCCC success) in x0 and the call's first argument in x1, so a guest
 * can check that the call reached the app.
 */
#include <stdbool.h>

#include "app.h"

#define BENCH_REGS 16		/* = TESTDEV_REGS (hyp/include/core/testdev.h) */

static uint64_t regs[BENCH_REGS];

static uint64_t size_mask(unsigned int size)
{
	return size >= 8 ? ~(uint64_t)0 : ((uint64_t)1 << (size * 8)) - 1;
}

/* The register an access falls in, and the bit position of its first byte. */
static bool locate(uint64_t ipa, unsigned int size, unsigned int *index, unsigned int *shift)
{
	uint64_t offset = ipa - app_device.mmio_base;

	if (offset / 8 >= BENCH_REGS || (offset & 7) + size > 8)
		return false;
	*index = (unsigned int)(offset / 8);
	*shift = (unsigned int)(offset & 7) * 8;
	return true;
}

static uint64_t bench_read(uint64_t ipa, unsigned int size)
{
	unsigned int i, shift;

	if (!locate(ipa, size, &i, &shift))
		return 0;
	return (regs[i] >> shift) & size_mask(size);
}

static void bench_write(uint64_t ipa, unsigned int size, uint64_t value)
{
	uint64_t mask = size_mask(size);
	unsigned int i, shift;

	if (!locate(ipa, size, &i, &shift))
		return;
	regs[i] = (regs[i] & ~(mask << shift)) | ((value & mask) << shift);
}

static void bench_call(uint32_t fid, const uint64_t args[6], uint64_t res[4])
{
	(void)fid;
	res[0] = 0;
	res[1] = args[0];
}

/* After a fault or a domain reset: power-on state. */
static int64_t bench_reset(uint64_t reason, uint64_t domain_id)
{
	(void)reason;
	(void)domain_id;
	memset(regs, 0, sizeof(regs));
	return 0;
}

const struct app_ops app_ops = {
	.mmio_read = bench_read,
	.mmio_write = bench_write,
	.call = bench_call,
	.reset = bench_reset,
};
