/*
 * isolation-attacker: tries to reach memory and devices outside its own
 * RAM and its virtual GIC. Every access must end in an abort injected by
 * the hypervisor (or, for addresses beyond the physical address size, a
 * stage-1 fault): reads and writes of every width, pairs (which a
 * hypervisor cannot emulate: no syndrome), exclusives and atomics, at
 *  - fixed targets: QEMU virt's flash, the host's GIC parts not given to
 *    guests (GICv2 CPU interface slot, ITS), the host UART (the
 *    hypervisor's console), RTC, fw_cfg, virtio-mmio, PCIe, the RAM end and
 *    beyond, other domains' likely host addresses, above 4 GiB;
 *  - sweeps: every 64 KiB from our RAM end to 0x60000000 (where the host
 *    RAM, and so the other domains, usually is), every 1 MiB below RAM
 *    (skipping our GIC), every 16 MiB up to 4 GiB.
 * The hypercall interface must not be a way around it either: console
 * writes from outside our RAM or straddling its end are refused.
 * isolation-victim, in another domain, checks that its memory survived.
 *
 * bootargs: isolation.sweep=0 skips the sweeps.
 */
#include "guest.h"

#define SWEEP_STEP_LOW (1UL << 20)
#define SWEEP_STEP_NEAR (64UL << 10)
#define SWEEP_STEP_HIGH (16UL << 20)
#define HOST_RAM_GUESS_END 0x60000000UL	/* QEMU -m 512 */

static uint64_t attempts, aborts, ram_top;
static const uint64_t poison = 0xbad0bad0bad0bad0UL;

static bool in_our_gic(uint64_t a, uint64_t len)
{
	uint64_t redist_end = GICR_BASE + GUEST_MAX_CPUS * GICR_STRIDE;

	return (a < GICD_BASE + GICD_SIZE && a + len > GICD_BASE) ||
	       (a < redist_end && a + len > GICR_BASE);
}

static bool in_our_ram(uint64_t a, uint64_t len)
{
	return a < ram_top && a + len > GUEST_RAM_BASE;
}

#define REPORT_MAX 20			/* then only counted */

static uint64_t reported;

/* One access that must abort. */
static void expect_abort(enum probe_op op, uint64_t addr, const char *what)
{
	struct probe_result r;
	bool aborted;

	attempts++;
	aborted = probe(op, addr, poison, &r);
	if (aborted && r.faulted && r.ec != EC_DABT_CUR &&
	    reported++ < REPORT_MAX)
		test_fail("%s %#lx (%s): exception class %#x (%s), expected a data abort",
			  probe_op_name(op), addr, what, r.ec, esr_ec_name(r.ec));
	if (aborted) {
		aborts++;
		return;
	}
	if (reported++ >= REPORT_MAX)
		return;
	if (probe_op_is_load(op))
		printf("[guest] %s %#lx (%s) did not abort: read %#lx\n", probe_op_name(op), addr,
		       what, r.value);
	else
		printf("[guest] %s %#lx (%s) did not abort\n", probe_op_name(op), addr, what);
}

static bool lse_atomics(void)
{
	return ((read_sysreg(id_aa64isar0_el1) >> 20) & 0xf) >= 2;
}

/* Not STXR: a store-exclusive that fails its monitor check may skip the access. */
static void attack(uint64_t addr, const char *what)
{
	static const enum probe_op all[] = {
		PROBE_LDRB, PROBE_LDRH, PROBE_LDRW, PROBE_LDRX, PROBE_LDRSW, PROBE_LDP,
		PROBE_LDR_POST, PROBE_LDAR, PROBE_LDXR, PROBE_STRB, PROBE_STRH, PROBE_STRW,
		PROBE_STRX, PROBE_STP, PROBE_STR_PRE, PROBE_STLR,
	};

	for (unsigned i = 0; i < ARRAY_SIZE(all); i++)
		expect_abort(all[i], addr, what);
	if (lse_atomics()) {
		expect_abort(PROBE_LDADD, addr, what);
		expect_abort(PROBE_SWP, addr, what);
		expect_abort(PROBE_CAS, addr, what);
	}
}

/* Read and write every step bytes in [from, to), skipping what is ours. */
static void sweep(uint64_t from, uint64_t to, uint64_t step, const char *what)
{
	uint64_t before = attempts;

	for (uint64_t a = from; a < to; a += step) {
		if (in_our_gic(a, 16) || in_our_ram(a, 16))
			continue;
		expect_abort(PROBE_LDRX, a, what);
		expect_abort(PROBE_STRX, a, what);
	}
	printf("sweep %s [%#lx, %#lx) every %lu KiB: %lu accesses\n", what, from, to,
	       step >> 10, attempts - before);
}

static void hypercall_loopholes(void)
{
	static const uint64_t outside[] = {
		0x0, 0x09000000, GICD_BASE - 0x100, HOST_RAM_GUESS_END - 0x1000, 0x80000000UL,
		0x100000000UL, 0xfffffffffffff000UL,
	};
	int64_t r;

	for (unsigned i = 0; i < ARRAY_SIZE(outside); i++) {
		r = elvisor_console_write((const void *)outside[i], 16);
		CHECK(r == ELVISOR_E_FAULT, "console write of 16 bytes at %#lx: %ld, expected "
		      "ELVISOR_E_FAULT", outside[i], r);
	}
	if (ram_top) {
		r = elvisor_console_write((const void *)(ram_top - 8), 16);
		CHECK(r == ELVISOR_E_FAULT, "console write straddling the RAM end: %ld", r);
		r = elvisor_console_write((const void *)(GUEST_RAM_BASE - 8), 16);
		CHECK(r == ELVISOR_E_FAULT, "console write straddling the RAM start: %ld", r);
	}
	r = elvisor_console_write((const void *)0xffffffffffffff00UL, 256);
	CHECK(r == ELVISOR_E_FAULT, "console write wrapping around the address space: %ld", r);
	r = elvisor_console_write((const void *)GUEST_RAM_BASE, ELVISOR_CONSOLE_MAX + 1);
	CHECK(r == ELVISOR_E_INVALID, "console write of %d bytes: %ld, expected ELVISOR_E_INVALID",
	      ELVISOR_CONSOLE_MAX + 1, r);
}

void guest_main(void)
{
	struct {
		uint64_t addr;
		const char *what;
	} targets[] = {
		{ 0x0, "flash 0" },
		{ 0x04000000, "flash 1" },
		{ 0x08010000, "host GIC (GICv2 CPU interface slot)" },
		{ 0x08080000, "host GIC ITS" },
		{ 0x09000000, "host UART" },
		{ 0x09010000, "host RTC" },
		{ 0x09020000, "host fw_cfg" },
		{ 0x09030000, "host GPIO" },
		{ 0x0a000000, "virtio-mmio" },
		{ 0x0c000000, "platform bus" },
		{ 0x10000000, "PCIe MMIO" },
		{ 0x3eff0000, "PCIe I/O" },
		{ 0x3f000000, "PCIe ECAM" },
		{ GUEST_RAM_BASE - 8, "just below RAM" },
		{ 0, "RAM end" },
		{ 0, "RAM end + 1 MiB" },
		{ 0x60000000, "0x60000000" },
		{ 0x80000000, "0x80000000" },
		{ 0xbffff000, "end of the largest guest RAM" },
		{ 0xffff0000, "top page below 4 GiB" },
		{ 0x100000000UL, "4 GiB" },
		{ 0x4010000000UL, "PCIe high ECAM" },
		{ 0x8000000000UL, "512 GiB" },
		{ 0xfffffffff000UL, "top of a 48-bit address space" },
	};

	test_init("isolation-attacker");
	ram_top = ram_end();
	if (!CHECK(ram_top > GUEST_RAM_BASE, "no RAM size from the device tree (DTB at %#lx)",
		   dt.addr)) {
		test_done();
		return;
	}
	printf("RAM [%#lx, %#lx); attacking everything else\n", GUEST_RAM_BASE, ram_top);
	targets[14].addr = ram_top;
	targets[15].addr = ram_top + (1UL << 20);
	for (unsigned i = 0; i < ARRAY_SIZE(targets); i++) {
		uint64_t before = aborts;

		attack(targets[i].addr, targets[i].what);
		printf("%#lx %s: %lu accesses aborted\n", targets[i].addr, targets[i].what,
		       aborts - before);
	}
	/* Our own memory is not ours to lose either: the last word of RAM works. */
	uint64_t v;
	struct probe_result r;

	CHECK(!probe_read(ram_top - 8, 8, &v, &r), "reading our own last RAM word aborted (ESR %#lx)",
	      r.esr);
	hypercall_loopholes();
	if (bootarg_uint_or("isolation.sweep", 1)) {
		sweep(0, GUEST_RAM_BASE, SWEEP_STEP_LOW, "below RAM");
		sweep(ram_top, HOST_RAM_GUESS_END, SWEEP_STEP_NEAR, "above RAM");
		sweep(HOST_RAM_GUESS_END, 0x100000000UL, SWEEP_STEP_HIGH, "up to 4 GiB");
	}
	printf("%lu of %lu accesses aborted\n", aborts, attempts);
	CHECK(aborts == attempts, "%lu accesses outside our RAM did not abort", attempts - aborts);
	test_done();
}
