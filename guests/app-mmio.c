/*
 * app-mmio: an MMIO range served by an EL0 app. The manifest
 * (configs/tests/app-template.dts) gives this domain the template app
 * (apps/template/main.c) at IPA 0x0a000000: 16 little-endian 64-bit scratch
 * registers at offsets 0x00..0x78, any access size, the rest of the range
 * reads as zero and ignores writes. Every access here is one plain
 * [Xn] load or store (ISV = 1), which the hypervisor must hand to the app
 * and complete: none may abort.
 *
 *  1. distinct 64-bit values in all 16 registers, read back 64-bit;
 *  2. 32-, 16- and 8-bit reads of register 0 at every aligned offset give
 *     its little-endian pieces, zero-extended;
 *  3. 32-bit writes to either half of register 1 merge into it (the app
 *     keeps the other bytes), and so do 16- and 8-bit writes to register 2;
 *  4. offsets 0x80 and 0x800 (in the range, past the registers) read 0 and
 *     ignore writes;
 *  5. all 16 registers still hold what they should.
 *
 * The template learns its base from the first access it sees (the aligned
 * address of that access is register 0), so the first access here must be
 * to offset 0: it is (step 1 writes register 0 first).
 */
#include "guest.h"
#include "mmio.h"

#define SCRATCH_BASE 0x0a000000UL
#define SCRATCH_REGS 16
#define REG(i) (SCRATCH_BASE + 8UL * (i))

/*
 * mmio.h has 32 and 64 bits only. These load into a W register and return
 * the whole X register, so a hypervisor that forgets to zero-extend (or to
 * keep only the access size of what the app returns) is caught.
 */
static inline uint64_t read32x(uint64_t addr)
{
	uint64_t v;

	__asm__ volatile("ldr %w0, [%1]" : "=r"(v) : "r"(addr) : "memory");
	return v;
}

/* Distinct per register, every byte distinct and nonzero, top bit set. */
static uint64_t pattern(unsigned int i)
{
	return 0x8877665544332211UL + i * 0x0101010101010101UL;
}

static uint64_t expect[SCRATCH_REGS];

static void check_reg(unsigned int i, const char *when)
{
	uint64_t v = mmio_read64(REG(i));

	CHECK(v == expect[i], "%s: reg %u = %#lx, expected %#lx", when, i, v, expect[i]);
}

void guest_main(void)
{
	uint64_t v, r0;
	unsigned int i, off;

	test_init("app-mmio");

	/* 1. 64-bit writes, then 64-bit reads. */
	for (i = 0; i < SCRATCH_REGS; i++) {
		expect[i] = pattern(i);
		mmio_write64(REG(i), expect[i]);
	}
	for (i = 0; i < SCRATCH_REGS; i++)
		check_reg(i, "64-bit");

	/* 2. Narrow reads of register 0, little-endian, zero-extended. */
	r0 = expect[0];
	for (off = 0; off < 8; off += 4) {
		v = mmio_read32(REG(0) + off);
		CHECK(v == (uint32_t)(r0 >> (off * 8)), "32-bit read at +%u: %#lx", off, v);
		v = read32x(REG(0) + off);
		CHECK(v == (uint32_t)(r0 >> (off * 8)), "32-bit read at +%u, X: %#lx", off, v);
	}
	for (off = 0; off < 8; off += 2) {
		v = mmio_read16(REG(0) + off);
		CHECK(v == (uint16_t)(r0 >> (off * 8)), "16-bit read at +%u: %#lx", off, v);
	}
	for (off = 0; off < 8; off++) {
		v = mmio_read8(REG(0) + off);
		CHECK(v == (uint8_t)(r0 >> (off * 8)), "8-bit read at +%u: %#lx", off, v);
	}

	/* 3. Narrow writes replace their bytes only (read-modify-write in the app). */
	mmio_write32(REG(1), 0xdeadbeef);
	expect[1] = (expect[1] & 0xffffffff00000000UL) | 0xdeadbeefUL;
	check_reg(1, "32-bit write low");
	mmio_write32(REG(1) + 4, 0xcafef00d);
	expect[1] = 0xcafef00ddeadbeefUL;
	check_reg(1, "32-bit write high");
	mmio_write16(REG(2) + 2, 0xa5a5);
	expect[2] = (expect[2] & ~0x00000000ffff0000UL) | 0x00000000a5a50000UL;
	check_reg(2, "16-bit write");
	mmio_write8(REG(2) + 7, 0x5a);
	expect[2] = (expect[2] & ~0xff00000000000000UL) | 0x5a00000000000000UL;
	check_reg(2, "8-bit write");

	/* 4. Past the registers, inside the range: read-as-zero, write-ignored. */
	for (off = 0x80; off <= 0x800; off += 0x780) {
		v = mmio_read64(SCRATCH_BASE + off);
		CHECK(v == 0, "read at +%#x: %#lx, expected 0", off, v);
		mmio_write64(SCRATCH_BASE + off, ~0UL);
		v = mmio_read64(SCRATCH_BASE + off);
		CHECK(v == 0, "read at +%#x after a write: %#lx, expected 0", off, v);
		v = mmio_read32(SCRATCH_BASE + off);
		CHECK(v == 0, "32-bit read at +%#x: %#lx, expected 0", off, v);
	}

	/* 5. Nothing else moved. */
	for (i = 0; i < SCRATCH_REGS; i++)
		check_reg(i, "final");

	printf("app-mmio: %u scratch registers at %#lx checked\n", SCRATCH_REGS, SCRATCH_BASE);
	test_done();
}
