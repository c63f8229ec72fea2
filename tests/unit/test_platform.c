/*
 * platform_parse() on DTBs compiled by dtc from tests/unit/dts (two of them
 * dumped by QEMU itself), on corrupted blobs, and on random damage.
 */
#include <libfdt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/platform.h"
#include "test.h"

#define ERRLEN 256

struct parsed {
	struct platform plat;
	char err[ERRLEN];
	int status;
	void *blob;
	size_t blob_size;
};

static struct parsed parsed;

static void *load_dtb(const char *name, size_t *size)
{
	char relative[128];

	snprintf(relative, sizeof(relative), "dtb/%s.dtb", name);
	return unit_load_fixture(relative, size);
}

/* Each call replaces the previous fixture, so tests may parse several. */
static const struct platform *parse_fixture(const char *name)
{
	parsed.blob = load_dtb(name, &parsed.blob_size);
	parsed.status = platform_parse(parsed.blob, &parsed.plat, parsed.err,
				       sizeof(parsed.err));
	return &parsed.plat;
}

static const struct platform *parse_ok(const char *name)
{
	const struct platform *plat = parse_fixture(name);

	if (parsed.status != 0)
		unit_fail(__FILE__, __LINE__, "%s.dtb: status %d: %s", name,
			  parsed.status, parsed.err);
	CHECK_STR_EQ(parsed.err, "");
	return plat;
}

static void expect_error(const char *name, const char *message)
{
	parse_fixture(name);
	if (parsed.status >= 0)
		unit_fail(__FILE__, __LINE__, "%s.dtb parsed, expected \"%s\"",
			  name, message);
	CHECK_STR_EQ(parsed.err, message);
}

static void check_range(const struct mmio_range *r, uint64_t base, uint64_t size)
{
	CHECK_EQ(r->base, base);
	CHECK_EQ(r->size, size);
}

static void check_irq(const struct irq_desc *irq, uint32_t intid, uint32_t flags)
{
	CHECK(irq->valid);
	CHECK_EQ(irq->intid, intid);
	CHECK_EQ(irq->flags, flags);
}

TEST(platform, qemu_virt_gicv3)
{
	const struct platform *p = parse_ok("qemu-virt-gicv3");

	CHECK_EQ(p->ram_banks, 1);
	check_range(&p->ram[0], 0x40000000, 0x20000000);
	CHECK_EQ(p->ram_total, 0x20000000);
	CHECK_EQ(p->ncpus, 4);
	CHECK_EQ(p->cpu_mpidr[0], 0);
	CHECK_EQ(p->cpu_mpidr[3], 3);
	CHECK_EQ(p->cpus_ignored, 0);
	CHECK_EQ(p->gic.version, GIC_V3);
	CHECK_STR_EQ(p->gic.compatible, "arm,gic-v3");
	check_range(&p->gic.dist, 0x8000000, 0x10000);
	check_range(&p->gic.redist, 0x80a0000, 0xf60000);
	check_irq(&p->gic.maintenance, 25, 4);
	CHECK(p->uart.present);
	check_range(&p->uart.regs, 0x9000000, 0x1000);
	check_irq(&p->uart.irq, 33, 4);
	check_irq(&p->timer.sec_phys, 29, 4);
	check_irq(&p->timer.phys, 30, 4);
	check_irq(&p->timer.virt, 27, 4);
	check_irq(&p->timer.hyp_phys, 26, 4);
	CHECK_EQ(p->timer.frequency, 0);
	CHECK_EQ(p->psci.conduit, PSCI_CONDUIT_SMC);
	CHECK(p->psci.v0_2_or_later);
	CHECK_STR_EQ(p->bootargs, "console=ttyAMA0 elvisor.test=smoke");
	CHECK_EQ(p->initrd_start, 0x48000000);
	CHECK_EQ(p->initrd_end, 0x48000000 + 1000);
	CHECK_EQ(p->dtb_size, parsed.blob_size);
}

TEST(platform, qemu_virt_gicv2)
{
	const struct platform *p = parse_ok("qemu-virt-gicv2");

	CHECK_EQ(p->ram_banks, 1);
	check_range(&p->ram[0], 0x40000000, 0x40000000);
	CHECK_EQ(p->ncpus, 2);
	CHECK_EQ(p->gic.version, GIC_V2);
	CHECK_STR_EQ(p->gic.compatible, "arm,cortex-a15-gic");
	check_range(&p->gic.dist, 0x8000000, 0x10000);
	check_range(&p->gic.cpuif, 0x8010000, 0x10000);
	check_range(&p->gic.hyp, 0x8030000, 0x10000);
	check_range(&p->gic.vcpu, 0x8040000, 0x10000);
	check_range(&p->gic.redist, 0, 0);
	check_irq(&p->gic.maintenance, 25, 4);
	/* 0x304: CPU mask bits 15:8 are dropped, the trigger type kept. */
	check_irq(&p->timer.phys, 30, 4);
	CHECK_STR_EQ(p->bootargs, "");
	CHECK_EQ(p->initrd_start, 0);
	CHECK_EQ(p->initrd_end, 0);
}

TEST(platform, base_prefers_stdout_uart_over_first)
{
	const struct platform *p = parse_ok("base");

	check_range(&p->uart.regs, 0x9000000, 0x1000);
	check_irq(&p->uart.irq, 33, 4);
	CHECK_EQ(p->psci.conduit, PSCI_CONDUIT_HVC);
	CHECK(p->psci.v0_2_or_later);
}

TEST(platform, uart_through_alias_with_options)
{
	const struct platform *p = parse_ok("uart-alias");

	check_range(&p->uart.regs, 0x9040000, 0x1000);
	check_irq(&p->uart.irq, 40, 4);
}

TEST(platform, uart_stdout_path_to_nowhere_falls_back_to_first)
{
	check_range(&parse_ok("uart-stdout-missing")->uart.regs, 0x9040000, 0x1000);
}

TEST(platform, disabled_nodes_are_skipped)
{
	const struct platform *p = parse_ok("status-disabled");

	CHECK_EQ(p->ram_banks, 1);
	check_range(&p->uart.regs, 0x9040000, 0x1000);
}

TEST(platform, uart_absent_is_not_an_error)
{
	const struct platform *p = parse_ok("uart-absent");

	CHECK(!p->uart.present);
	CHECK(!p->uart.irq.valid);
}

TEST(platform, uart_wired_to_another_controller_has_no_irq)
{
	const struct platform *p = parse_ok("uart-off-gic");

	CHECK(p->uart.present);
	check_range(&p->uart.regs, 0x9000000, 0x1000);
	CHECK(!p->uart.irq.valid);
}

TEST(platform, two_ram_banks_in_one_node_and_a_third_node)
{
	const struct platform *p = parse_ok("ram-banks");

	CHECK_EQ(p->ram_banks, 3);
	check_range(&p->ram[0], 0x40000000, 0x20000000);
	check_range(&p->ram[1], 0x100000000ULL, 0x40000000);
	check_range(&p->ram[2], 0x80000000, 0x10000000);
	CHECK_EQ(p->ram_total, 0x70000000);
	CHECK_EQ(p->ram_banks_ignored, 0);
}

TEST(platform, one_cell_addresses_and_sizes)
{
	const struct platform *p = parse_ok("cells32");

	CHECK_EQ(p->ram_banks, 2);
	check_range(&p->ram[0], 0x80000000, 0x10000000);
	check_range(&p->ram[1], 0xa0000000, 0x08000000);
	CHECK_EQ(p->ncpus, 2);
	CHECK_EQ(p->cpu_mpidr[1], 0x100);
	CHECK_EQ(p->gic.version, GIC_V2);
	CHECK_STR_EQ(p->gic.compatible, "arm,cortex-a15-gic");
	check_range(&p->gic.dist, 0x2c001000, 0x1000);
	check_range(&p->gic.cpuif, 0x2c002000, 0x2000);
	check_range(&p->gic.hyp, 0, 0);	/* no virtualization extensions */
	CHECK(!p->gic.maintenance.valid);
	CHECK_EQ(p->timer.frequency, 24000000);
	check_irq(&p->timer.hyp_phys, 26, 8);
	CHECK_EQ(p->psci.conduit, PSCI_CONDUIT_NONE);
	CHECK(!p->uart.present);
}

TEST(platform, addresses_translated_through_bus_ranges)
{
	const struct platform *p = parse_ok("soc-ranges");

	CHECK_EQ(p->gic.version, GIC_V3);
	check_range(&p->gic.dist, 0xf9000000, 0x10000);
	check_range(&p->gic.redist, 0xf9100000, 0x100000);
	check_range(&p->uart.regs, 0xfa000000, 0x1000);
	check_irq(&p->uart.irq, 65, 4);
	CHECK_EQ(p->ncpus, 2);
	CHECK_EQ(p->cpu_mpidr[1], 0x100000000ULL);
}

TEST(platform, bus_without_ranges_is_not_memory_mapped)
{
	expect_error("soc-no-ranges",
		     "/bus: ranges: missing, so addresses below it are not memory-mapped");
}

TEST(platform, no_memory_node)
{
	expect_error("no-memory", "no memory node (device_type = \"memory\")");
}

TEST(platform, memory_reg_length_not_a_multiple)
{
	expect_error("memory-bad-reg",
		     "/memory@40000000: reg: length 12 is not a multiple of 16");
}

TEST(platform, no_cpus)
{
	expect_error("no-cpus", "no cpu nodes under /cpus");
	expect_error("no-cpus-node", "no /cpus node");
}

TEST(platform, more_cpus_than_supported_are_counted_not_fatal)
{
	const struct platform *p = parse_ok("many-cpus");

	CHECK_EQ(p->ncpus, PLATFORM_MAX_CPUS);
	CHECK_EQ(p->cpus_ignored, 10 - PLATFORM_MAX_CPUS);
	CHECK_EQ(p->cpu_mpidr[4], 0x100);
	CHECK_EQ(p->cpu_mpidr[7], 0x103);
}

TEST(platform, duplicate_mpidr)
{
	expect_error("cpus-duplicate", "/cpus/cpu@3: reg: MPIDR 0x1 appears twice");
}

TEST(platform, gicv2_with_virtualization_extensions)
{
	const struct platform *p = parse_ok("gicv2");

	CHECK_EQ(p->gic.version, GIC_V2);
	CHECK_STR_EQ(p->gic.compatible, "arm,gic-400");
	check_range(&p->gic.dist, 0x8000000, 0x1000);
	check_range(&p->gic.cpuif, 0x8010000, 0x2000);
	check_range(&p->gic.hyp, 0x8030000, 0x2000);
	check_range(&p->gic.vcpu, 0x8040000, 0x2000);
	check_irq(&p->gic.maintenance, 25, 4);
	check_irq(&p->timer.virt, 27, 8);
}

TEST(platform, unsupported_gic)
{
	expect_error("gic-unsupported", "/intc@8000000: unsupported GIC \"arm,gic-v5\"");
	expect_error("gic-unsupported-no-parent",
		     "/intc@8000000: unsupported GIC \"vendor,some-intc\"");
}

TEST(platform, missing_gic)
{
	expect_error("gic-missing",
		     "no interrupt controller (no /interrupt-parent, no GIC node)");
}

TEST(platform, gicv3_needs_two_regions)
{
	expect_error("gicv3-one-reg", "/intc@8000000: reg: GICv3 needs 2 regions, found 1");
}

TEST(platform, psci_smc_hvc_absent_and_bad)
{
	const struct platform *p = parse_ok("psci-smc-v01");

	CHECK_EQ(p->psci.conduit, PSCI_CONDUIT_SMC);
	CHECK(!p->psci.v0_2_or_later);
	CHECK_EQ(parse_ok("base")->psci.conduit, PSCI_CONDUIT_HVC);
	p = parse_ok("psci-absent");
	CHECK_EQ(p->psci.conduit, PSCI_CONDUIT_NONE);
	CHECK(!p->psci.v0_2_or_later);
	expect_error("psci-bad-method",
		     "/psci: method: \"svc\" is neither \"smc\" nor \"hvc\"");
}

TEST(platform, timer_errors)
{
	expect_error("timer-short",
		     "/timer: interrupts: 3 interrupts, expected secure phys, phys, virt and hyp phys");
	expect_error("timer-absent", "no timer node (compatible \"arm,armv8-timer\")");
	expect_error("timer-bad-type",
		     "/timer: interrupts: <7 14>: not a valid SPI/PPI (type, number)");
}

TEST(platform, initrd_32_and_64_bit_cells)
{
	const struct platform *p = parse_ok("initrd32");

	CHECK_EQ(p->initrd_start, 0x48000000);
	CHECK_EQ(p->initrd_end, 0x48200000);
	CHECK_STR_EQ(p->bootargs, "console=ttyAMA0 elvisor.test=initrd");
	p = parse_ok("initrd64");
	CHECK_EQ(p->initrd_start, 0x100000000ULL);
	CHECK_EQ(p->initrd_end, 0x100800000ULL);
}

TEST(platform, initrd_errors)
{
	expect_error("initrd-no-end",
		     "/chosen: linux,initrd-end: missing (the other initrd bound is present)");
	expect_error("initrd-bad-length",
		     "/chosen: linux,initrd-start: length 3 is neither 4 nor 8");
	expect_error("initrd-reversed",
		     "/chosen: linux,initrd-end: 0x48000000 is below linux,initrd-start 0x48200000");
}

TEST(platform, bootargs_limits)
{
	const struct platform *p = parse_ok("bootargs-max");

	CHECK_EQ(strlen(p->bootargs), PLATFORM_BOOTARGS_MAX - 1);
	expect_error("bootargs-too-long",
		     "/chosen: bootargs: 300 characters do not fit in 255");
}

/* ---- damaged blobs ---- */

static int parse_blob(const void *blob)
{
	parsed.status = platform_parse(blob, &parsed.plat, parsed.err,
				       sizeof(parsed.err));
	return parsed.status;
}

static void put_be32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)(v >> 24);
	p[1] = (unsigned char)(v >> 16);
	p[2] = (unsigned char)(v >> 8);
	p[3] = (unsigned char)v;
}

TEST(platform, null_and_bad_magic)
{
	size_t size;
	unsigned char *blob = load_dtb("base", &size);

	CHECK(parse_blob(NULL) < 0);
	CHECK_STR_EQ(parsed.err, "no DTB (null pointer)");
	blob[0] ^= 0xff;
	CHECK(parse_blob(blob) < 0);
	CHECK_STR_EQ(parsed.err, "bad DTB header: FDT_ERR_BADMAGIC");
	free(blob);
}

TEST(platform, header_claims_less_than_its_blocks)
{
	size_t size;
	unsigned char *blob = load_dtb("base", &size);

	put_be32(blob + 4, (uint32_t)size - 16);	/* totalsize */
	CHECK(parse_blob(blob) < 0);
	CHECK_STR_EQ(parsed.err, "bad DTB header: FDT_ERR_TRUNCATED");
	put_be32(blob + 4, 3U << 20);
	CHECK(parse_blob(blob) < 0);
	CHECK_STR_EQ(parsed.err, "bad DTB header: size 3145728 is over the 2097152 limit");
	free(blob);
}

TEST(platform, broken_structure_block)
{
	size_t size;
	unsigned char *blob = load_dtb("base", &size);
	uint32_t off_struct = fdt_off_dt_struct(blob);

	put_be32(blob + off_struct, 0x12345678);	/* the root's BEGIN_NODE tag */
	CHECK(parse_blob(blob) < 0);
	CHECK_CONTAINS(parsed.err, "corrupt DTB: FDT_ERR_");
	free(blob);
}

/* fdt_check_full() alone accepts this: the structure block is just FDT_END. */
TEST(platform, structure_without_root_node)
{
	size_t size;
	unsigned char *blob = load_dtb("base", &size);

	put_be32(blob + fdt_off_dt_struct(blob), FDT_END);
	CHECK_EQ(fdt_check_full(blob, size), 0);
	CHECK(parse_blob(blob) < 0);
	CHECK_CONTAINS(parsed.err, "corrupt DTB: no root node (FDT_ERR_");
	free(blob);
}

/*
 * A blob cut short in transfer: the header is intact, the rest of the
 * buffer (still totalsize bytes, so nothing reads out of bounds) is zero.
 */
TEST(platform, truncated_blob_zero_filled)
{
	size_t size, cut;
	unsigned char *blob = load_dtb("qemu-virt-gicv3", &size);
	unsigned char *copy = malloc(size);
	unsigned fails = 0;

	for (cut = 0; cut < size; cut += 7) {
		memset(copy, 0, size);
		memcpy(copy, blob, cut);
		if (parse_blob(copy) < 0) {
			fails++;
			CHECK(parsed.err[0] != '\0');
		}
	}
	/* Only cuts inside the strings block's unused tail may still parse. */
	CHECK(fails > size / 7 - 40);
	memset(copy, 0, size);
	memcpy(copy, blob, fdt_off_dt_strings(blob));
	CHECK(parse_blob(copy) < 0);
	free(copy);
	free(blob);
}

TEST(platform, random_damage_never_crashes)
{
	static const char *const names[] = { "base", "qemu-virt-gicv3", "soc-ranges" };
	unsigned n, round, errors = 0;

	for (n = 0; n < 3; n++) {
		size_t size;
		unsigned char *blob = load_dtb(names[n], &size);
		unsigned char *copy = malloc(size);

		for (round = 0; round < 2000; round++) {
			unsigned hits = 1 + (unsigned)unit_rand_below(4), h;

			memcpy(copy, blob, size);
			for (h = 0; h < hits; h++)
				copy[unit_rand_below(size)] = (unsigned char)unit_rand();
			if (parse_blob(copy) < 0) {
				errors++;
				CHECK(parsed.err[0] != '\0');
			}
		}
		free(copy);
		free(blob);
	}
	CHECK(errors > 0);
}

TEST(platform, small_or_no_error_buffer)
{
	struct platform plat;
	char small[12];
	size_t size;
	unsigned char *blob = load_dtb("no-memory", &size);

	memset(small, '#', sizeof(small));
	CHECK(platform_parse(blob, &plat, small, sizeof(small)) < 0);
	CHECK_STR_EQ(small, "no memory n");
	CHECK(platform_parse(blob, &plat, NULL, 0) < 0);
	free(blob);
}

TEST(platform, gic_version_names)
{
	CHECK_STR_EQ(gic_version_name(GIC_V2), "GICv2");
	CHECK_STR_EQ(gic_version_name(GIC_V3), "GICv3");
	CHECK_STR_EQ(gic_version_name(GIC_NONE), "none");
	CHECK_STR_EQ(gic_version_name((enum gic_version)7), "none");
}
