/*
 * Template app: a "scratch register" MMIO device. Copy this directory to
 * apps/<yourname>/ and `make` builds build/<toolchain>/apps/<yourname>.elf.
 *
 * The device: every 8-byte-aligned register in the app's MMIO range(s)
 * (the manifest names them) reads back the last value written to it; the
 * first SCRATCH_REGS registers are backed, the rest read as zero and
 * ignore writes. Accesses of any size 1/2/4/8 work on the containing
 * register, little-endian, like a real 64-bit register file.
 *
 * What an app is (see docs/app-abi.md): a set of handlers in app_ops that
 * crt0 calls, one per event, each on a fresh stack. State lives in globals
 * (data/bss), which persist between events. Calls are serialized: no
 * locking. Keep each handler short: it runs on the trapping vCPU's time,
 * under the manifest's per-call budget.
 */
#include "app.h"

#define SCRATCH_REGS 16

static uint64_t domain;			/* our domain's id, from init */
static uint64_t base;			/* the first IPA we saw: register 0 */
static uint64_t regs[SCRATCH_REGS];
static uint64_t writes;			/* statistics, shown on reset */

/*
 * Which register an access hits, or -1. Register 0 is the 8-byte-aligned
 * address of the first access seen: a real device would know its base from
 * the manifest; this one learns it, which keeps the template standalone.
 */
static int reg_index(uint64_t ipa)
{
	uint64_t off;

	if (base == 0)
		base = ipa & ~(uint64_t)7;
	if (ipa < base)
		return -1;
	off = (ipa - base) / 8;
	return off < SCRATCH_REGS ? (int)off : -1;
}

static int64_t scratch_init(uint64_t domain_id)
{
	domain = domain_id;
	app_log("scratch: ready for domain %llu, %d registers",
		(unsigned long long)domain_id, SCRATCH_REGS);
	return 0;
}

static uint64_t scratch_read(uint64_t ipa, unsigned int size)
{
	int i = reg_index(ipa);
	unsigned int shift = (unsigned int)(ipa & 7) * 8;

	if (i < 0 || (ipa & 7) + size > 8)
		return 0;	/* read-as-zero outside the registers */
	return regs[i] >> shift;	/* the hypervisor keeps the low size bytes */
}

static void scratch_write(uint64_t ipa, unsigned int size, uint64_t value)
{
	int i = reg_index(ipa);
	unsigned int shift = (unsigned int)(ipa & 7) * 8;
	uint64_t mask;

	if (i < 0 || (ipa & 7) + size > 8)
		return;		/* write-ignored */
	mask = size == 8 ? ~(uint64_t)0 : (((uint64_t)1 << (size * 8)) - 1);
	regs[i] = (regs[i] & ~(mask << shift)) | ((value & mask) << shift);
	writes++;
}

/* Power-on state again. After a fault the memory is fresh anyway. */
static int64_t scratch_reset(uint64_t reason, uint64_t domain_id)
{
	app_log("scratch: reset (%s) after %llu writes",
		reason == APP_RESET_FAULT ? "fault" : "domain",
		(unsigned long long)writes);
	memset(regs, 0, sizeof(regs));
	writes = 0;
	domain = domain_id;
	return 0;
}

/* Handlers left out (call, timer) get crt0's defaults. */
const struct app_ops app_ops = {
	.init = scratch_init,
	.mmio_read = scratch_read,
	.mmio_write = scratch_write,
	.reset = scratch_reset,
};
