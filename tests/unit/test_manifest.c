/*
 * manifest_parse() on manifests compiled by dtc from
 * tests/unit/dts/manifest-*.dts, with a fake boot archive of in-memory
 * files (arm64 Image headers built here, raw blobs); the archive, the
 * report sink and the checks are manifest_harness.c's.
 *
 * Most rejection fixtures put the domain under test between the domains
 * "first" and "last" (manifest-first.dtsi, manifest-last.dtsi): each such
 * test checks the exact message and that both neighbours survive.
 */
#include <libfdt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/manifest.h"
#include "manifest_harness.h"
#include "test.h"

#define IMAGE_TEXT_OFFSET 0x80000ULL
#define IMAGE_SIZE (20 * MIB)		/* the header's image_size */
#define RAW_SIZE 0x3000
#define INITRD_SIZE 100000		/* not a multiple of the page size */

/* ---- the fake boot archive ---- */

static uint8_t image[4096], image_nosize[8192], image_odd[4096];
static uint8_t image_far[4096], raw[RAW_SIZE], initrd[INITRD_SIZE];

/*
 * The parser reads a ramdisk's size only, never its bytes, so the large
 * ramdisks claim sizes far beyond their (small) buffer.
 */
static const struct fake_file files[] = {
	{ "Image", image, sizeof(image) },
	{ "Image-nosize", image_nosize, sizeof(image_nosize) },
	{ "Image-odd", image_odd, sizeof(image_odd) },
	{ "Image-far", image_far, sizeof(image_far) },
	{ "raw.bin", raw, sizeof(raw) },
	{ "empty.bin", raw, 0 },
	{ "initrd.cpio", initrd, sizeof(initrd) },
	{ "16m.cpio", initrd, 16 * MIB },
	{ "huge.cpio", initrd, 300 * MIB },
};

static void make_files(void)
{
	make_arm64_image(image, sizeof(image), IMAGE_TEXT_OFFSET, IMAGE_SIZE);
	make_arm64_image(image_nosize, sizeof(image_nosize), IMAGE_TEXT_OFFSET, 0);
	make_arm64_image(image_odd, sizeof(image_odd), 0x80002, IMAGE_SIZE);
	make_arm64_image(image_far, sizeof(image_far), 1ULL << 40, IMAGE_SIZE);
	fill_nops(raw, sizeof(raw));
	memset(initrd, 0x5a, sizeof(initrd));
}

static const struct fake_archive archive = FAKE_ARCHIVE(files, make_files);

/* ---- parsing and checking ---- */

static int parse_blob(const void *blob, size_t size, unsigned pcpus,
		      uint64_t memory)
{
	return parse_manifest_blob(&archive, blob, size, pcpus, memory);
}

static int parse_with(const char *fixture, unsigned pcpus, uint64_t memory)
{
	return parse_manifest_fixture(&archive, "", fixture, pcpus, memory);
}

static int parse(const char *fixture)
{
	return parse_with(fixture, PCPUS, MEMORY_AVAILABLE);
}

/* A fixture without errors. */
static void parse_ok(const char *fixture, unsigned ndomains)
{
	CHECK_EQ(parse(fixture), 0);
	CHECK_CLEAN(ndomains);
}

/*
 * The fixture's domain `name` is rejected with every report about it and
 * one of them containing message; "first" and "last" are accepted.
 */
#define EXPECT_REJECTED(fixture, name, message)				\
	expect_rejected(__FILE__, __LINE__, (fixture), (name), (message))

static void expect_rejected(const char *file, int line, const char *fixture,
			    const char *name, const char *message)
{
	char prefix[96];
	unsigned i;

	CHECK_EQ(parse(fixture), 0);
	check_reported(file, line, message);
	snprintf(prefix, sizeof(prefix), "/elvisor/%s: ", name);
	for (i = 0; i < nreports && i < MAX_REPORTS; i++) {
		if (strncmp(reports[i], prefix, strlen(prefix)) != 0)
			show_reports(file, line, "a report about another node");
	}
	CHECK_EQ(manifest.rejected, 1);
	CHECK_EQ(manifest.ndomains, 2);
	CHECK_STR_EQ(manifest.domain[0].name, "first");
	CHECK_STR_EQ(manifest.domain[1].name, "last");
	CHECK(find_domain(name) == NULL);
	/* The survivors are placed as if the rejected domain was not there. */
	CHECK_EQ(manifest.domain[1].affinity[0], 1);
}

/* ---- good manifests ---- */

TEST(manifest, image_with_ramdisk_and_bootargs)
{
	const struct domain_config *d;
	uint64_t dtb = GUEST_RAM_BASE + 256 * MIB - GUEST_DTB_SPACE;

	parse_ok("good", 4);
	d = DOMAIN("linux");
	CHECK(d == &manifest.domain[0]);
	CHECK_EQ(d->vcpus, 2);
	CHECK_EQ(d->memory_bytes, 256 * MIB);
	CHECK_STR_EQ(d->kernel, "Image");
	CHECK(d->kernel_is_image);
	CHECK_EQ(d->load_address, GUEST_RAM_BASE + IMAGE_TEXT_OFFSET);
	CHECK_EQ(d->entry, GUEST_RAM_BASE + IMAGE_TEXT_OFFSET);
	CHECK_EQ(d->kernel_size, IMAGE_SIZE);
	CHECK_STR_EQ(d->ramdisk, "initrd.cpio");
	CHECK_EQ(d->ramdisk_size, INITRD_SIZE);
	CHECK_EQ(d->dtb_address, dtb);
	CHECK_EQ(d->dtb_address, 0x4fe00000);
	/* Right below the device tree, page aligned. */
	CHECK_EQ(d->ramdisk_address, (dtb - INITRD_SIZE) & ~0xfffULL);
	CHECK_EQ(d->ramdisk_address, 0x4fde7000);
	CHECK_STR_EQ(d->bootargs, "console=ttyAMA0 earlycon");
	CHECK(!d->pinned);
	CHECK_EQ(d->affinity[0], 0);
	CHECK_EQ(d->affinity[1], 1);
	CHECK_EQ(d->weight, 256);
	CHECK(!d->test_domain);
}

TEST(manifest, raw_binary_with_entry_pinned_test_domain)
{
	const struct domain_config *d;

	parse_ok("good", 4);
	d = DOMAIN("rtos");
	CHECK(d == &manifest.domain[1]);
	CHECK_EQ(d->vcpus, 1);
	CHECK_EQ(d->memory_bytes, 16 * MIB);
	CHECK(!d->kernel_is_image);
	CHECK_STR_EQ(d->kernel, "raw.bin");
	CHECK_EQ(d->load_address, 0x40000000);
	CHECK_EQ(d->entry, 0x40000100);
	CHECK_EQ(d->kernel_size, RAW_SIZE);
	CHECK_STR_EQ(d->ramdisk, "");
	CHECK_EQ(d->ramdisk_size, 0);
	CHECK_EQ(d->dtb_address, GUEST_RAM_BASE + 14 * MIB);
	CHECK_STR_EQ(d->bootargs, "");
	CHECK(d->pinned);
	CHECK_EQ(d->affinity[0], 3);
	CHECK_EQ(d->weight, 1024);
	CHECK(d->test_domain);
}

TEST(manifest, affinity_one_pcpu_per_vcpu)
{
	const struct domain_config *d;

	parse_ok("good", 4);
	d = DOMAIN("wide");
	CHECK(d->pinned);
	CHECK_EQ(d->vcpus, 3);
	CHECK_EQ(d->affinity[0], 1);
	CHECK_EQ(d->affinity[1], 2);
	CHECK_EQ(d->affinity[2], 3);
	CHECK_EQ(d->weight, 1);
}

TEST(manifest, image_size_zero_means_file_size)
{
	const struct domain_config *d;

	parse_ok("good", 4);
	d = DOMAIN("wide");
	CHECK(d->kernel_is_image);
	CHECK_STR_EQ(d->kernel, "Image-nosize");
	CHECK_EQ(d->load_address, GUEST_RAM_BASE + IMAGE_TEXT_OFFSET);
	CHECK_EQ(d->entry, d->load_address);
	CHECK_EQ(d->kernel_size, sizeof(image_nosize));
}

TEST(manifest, two_cell_addresses_and_spread)
{
	const struct domain_config *d;

	parse_ok("good", 4);
	d = DOMAIN("far");
	CHECK(d == &manifest.domain[3]);
	CHECK(!d->kernel_is_image);
	CHECK_EQ(d->load_address, 0x40200000);
	CHECK_EQ(d->entry, 0x40202ffc);
	CHECK_EQ(d->weight, 65535);
	/* The fourth domain: vCPU i on pCPU (3 + i) % 4. */
	CHECK(!d->pinned);
	CHECK_EQ(d->affinity[0], 3);
	CHECK_EQ(d->affinity[1], 0);
}

TEST(manifest, defaults)
{
	const struct domain_config *d;

	parse_ok("minimal", 1);
	d = DOMAIN("tiny");
	CHECK_EQ(d->vcpus, 1);
	CHECK_EQ(d->memory_bytes, 8 * MIB);
	CHECK_STR_EQ(d->ramdisk, "");
	CHECK_EQ(d->ramdisk_address, 0);
	CHECK_EQ(d->ramdisk_size, 0);
	CHECK_EQ(d->dtb_address, GUEST_RAM_BASE + 6 * MIB);
	CHECK_STR_EQ(d->bootargs, "");
	CHECK(!d->pinned);
	CHECK_EQ(d->affinity[0], 0);
	CHECK_EQ(d->weight, 256);
	CHECK(!d->test_domain);
}

TEST(manifest, more_vcpus_than_pcpus_share)
{
	const struct domain_config *d;
	unsigned i;

	CHECK_EQ(parse_with("vcpus-over-pcpus", 2, MEMORY_AVAILABLE), 0);
	CHECK_REPORTS(0);
	CHECK_EQ(manifest.ndomains, 2);
	CHECK_EQ(DOMAIN("one")->affinity[0], 0);
	d = DOMAIN("many");
	CHECK_EQ(d->vcpus, 8);
	for (i = 0; i < 8; i++)
		CHECK_EQ(d->affinity[i], (1 + i) % 2);
}

TEST(manifest, single_pcpu_machine)
{
	CHECK_EQ(parse_with("good", 1, MEMORY_AVAILABLE), 0);
	/* rtos and wide are pinned to pCPUs 1..3, which do not exist. */
	CHECK_REPORTED("/elvisor/rtos: affinity: pCPU 3 does not exist "
		       "(1 pCPU)");
	CHECK_REPORTED("/elvisor/wide: affinity: pCPU 1 does not exist");
	CHECK_REPORTED("/elvisor/wide: affinity: pCPU 3 does not exist");
	CHECK_REPORTS(4);
	CHECK_EQ(manifest.rejected, 2);
	CHECK_EQ(manifest.ndomains, 2);
	CHECK_EQ(DOMAIN("linux")->affinity[1], 0);
	CHECK_EQ(DOMAIN("far")->affinity[0], 0);
}

TEST(manifest, empty_elvisor_node)
{
	parse_ok("empty", 0);
}

TEST(manifest, phandle_is_allowed)
{
	parse_ok("phandle", 3);
	CHECK(DOMAIN("labelled") == &manifest.domain[1]);
}

TEST(manifest, memory_budget_counts_accepted_domains_only)
{
	CHECK_EQ(parse("memory-budget-exact"), 0);
	CHECK_REPORTS(1);
	CHECK_REPORTED("/elvisor/rejected: vcpus: 0 is not between 1 and 8");
	CHECK_EQ(manifest.rejected, 1);
	CHECK_EQ(manifest.ndomains, 3);
	CHECK_EQ(DOMAIN("big")->memory_bytes, 896 * MIB);
	CHECK(DOMAIN("last") == &manifest.domain[2]);
	/* One MiB less and the last domain no longer fits. */
	CHECK_EQ(parse_with("memory-budget-exact", PCPUS,
			    MEMORY_AVAILABLE - MIB), 0);
	CHECK_REPORTED("/elvisor/last: memory-mb: too much memory: 64 MiB "
		       "wanted, 63 MiB of the 1023 MiB for domains left");
	CHECK_EQ(manifest.rejected, 2);
	CHECK_EQ(manifest.ndomains, 2);
}

/* ---- the manifest as a whole ---- */

TEST(manifest, not_a_device_tree)
{
	static const uint64_t junk[64] = { 0x1234567890abcdefULL };

	CHECK_EQ(parse_blob(junk, sizeof(junk), PCPUS, MEMORY_AVAILABLE), -1);
	CHECK_REPORTS(1);
	CHECK_STR_EQ(reports[0], "manifest: not a valid device tree blob: "
		     "FDT_ERR_BADMAGIC");
	CHECK_EQ(manifest.ndomains, 0);
	CHECK_EQ(manifest.rejected, 0);
}

TEST(manifest, truncated_device_tree)
{
	size_t size;
	void *blob = load_manifest_dtb("good", &size);

	CHECK_EQ(parse_blob(blob, size - 1, PCPUS, MEMORY_AVAILABLE), -1);
	CHECK_REPORTS(1);
	CHECK_STR_EQ(reports[0], "manifest: not a valid device tree blob: "
		     "FDT_ERR_TRUNCATED");
	CHECK_EQ(manifest.ndomains, 0);
}

TEST(manifest, corrupted_device_tree)
{
	size_t size;
	uint8_t *blob = load_manifest_dtb("good", &size);
	uint32_t off_struct = fdt_off_dt_struct(blob);

	/* The first token of the structure block is no longer BEGIN_NODE. */
	blob[off_struct + 3] = 0x7f;
	CHECK_EQ(parse_blob(blob, size, PCPUS, MEMORY_AVAILABLE), -1);
	CHECK_REPORTS(1);
	CHECK_CONTAINS(reports[0], "manifest: not a valid device tree blob: ");
}

TEST(manifest, no_blob)
{
	CHECK_EQ(parse_blob(NULL, 0, PCPUS, MEMORY_AVAILABLE), -1);
	CHECK_REPORTS(1);
	CHECK_STR_EQ(reports[0], "manifest: none (manifest.dtb is missing or "
		     "empty)");
}

TEST(manifest, misaligned_blob)
{
	size_t size;
	void *blob = load_manifest_dtb("good", &size);
	uint8_t *copy = malloc(size + 8);	/* 16-byte aligned */

	CHECK(copy != NULL);
	memcpy(copy + 4, blob, size);
	CHECK_EQ(parse_blob(copy + 4, size, PCPUS, MEMORY_AVAILABLE), -1);
	CHECK_REPORTS(1);
	CHECK_CONTAINS(reports[0], "manifest: the blob is not 8-byte aligned");
	memmove(copy, copy + 4, size);
	CHECK_EQ(parse_blob(copy, size, PCPUS, MEMORY_AVAILABLE), 0);
	CHECK_EQ(manifest.ndomains, 4);
	free(copy);
}

TEST(manifest, no_elvisor_node)
{
	CHECK_EQ(parse("no-elvisor"), -1);
	CHECK_REPORTS(1);
	CHECK_STR_EQ(reports[0], "manifest: no /elvisor node (domains are "
		     "listed in / { elvisor { ... }; };)");
	CHECK_EQ(manifest.ndomains, 0);
}

TEST(manifest, elvisor_node_property_reported_domains_kept)
{
	CHECK_EQ(parse("elvisor-property"), 0);
	CHECK_REPORTS(1);
	CHECK_STR_EQ(reports[0], "/elvisor: unknown property \"#address-cells\" "
		     "(ignored)");
	CHECK_EQ(manifest.ndomains, 2);
	CHECK_EQ(manifest.rejected, 0);
}

TEST(manifest, too_many_domains)
{
	unsigned i;

	CHECK_EQ(parse("too-many"), 0);
	CHECK_REPORTS(2);
	CHECK_STR_EQ(reports[0], "/elvisor/d9: more than 8 domains: this one "
		     "is left out");
	CHECK_STR_EQ(reports[1], "/elvisor/d10: more than 8 domains: this one "
		     "is left out");
	CHECK_EQ(manifest.ndomains, MANIFEST_MAX_DOMAINS);
	CHECK_EQ(manifest.rejected, 2);
	for (i = 0; i < MANIFEST_MAX_DOMAINS; i++) {
		char name[8];

		snprintf(name, sizeof(name), "d%u", i + 1);
		CHECK_STR_EQ(manifest.domain[i].name, name);
		CHECK_EQ(manifest.domain[i].affinity[0], i % PCPUS);
	}
}

/* Two nodes of the same name: dtc merges them, so build the blob here. */
static void *blob_with_duplicate_names(size_t *size)
{
	static uint64_t blob[512];
	void *fdt = blob;
	int i;

	CHECK_EQ(fdt_create(fdt, sizeof(blob)), 0);
	CHECK_EQ(fdt_finish_reservemap(fdt), 0);
	CHECK_EQ(fdt_begin_node(fdt, ""), 0);
	CHECK_EQ(fdt_begin_node(fdt, "elvisor"), 0);
	for (i = 0; i < 3; i++) {
		CHECK_EQ(fdt_begin_node(fdt, i < 2 ? "twin" : "other"), 0);
		CHECK_EQ(fdt_property_string(fdt, "compatible",
					     "elvisor,domain"), 0);
		CHECK_EQ(fdt_property_u32(fdt, "vcpus", 1), 0);
		CHECK_EQ(fdt_property_u32(fdt, "memory-mb", 16), 0);
		CHECK_EQ(fdt_property_string(fdt, "kernel", "raw.bin"), 0);
		CHECK_EQ(fdt_property_u32(fdt, "load-address", 0x40000000), 0);
		CHECK_EQ(fdt_end_node(fdt), 0);
	}
	CHECK_EQ(fdt_end_node(fdt), 0);
	CHECK_EQ(fdt_end_node(fdt), 0);
	CHECK_EQ(fdt_finish(fdt), 0);
	*size = fdt_totalsize(fdt);
	return fdt;
}

TEST(manifest, duplicate_domain_name)
{
	size_t size;
	void *blob = blob_with_duplicate_names(&size);

	CHECK_EQ(parse_blob(blob, size, PCPUS, MEMORY_AVAILABLE), 0);
	CHECK_REPORTS(1);
	CHECK_STR_EQ(reports[0], "/elvisor/twin: node name \"twin\": another "
		     "domain has the same name");
	CHECK_EQ(manifest.ndomains, 2);
	CHECK_EQ(manifest.rejected, 1);
	CHECK_STR_EQ(manifest.domain[0].name, "twin");
	CHECK_STR_EQ(manifest.domain[1].name, "other");
}

/* ---- one test per rule: the domain is rejected, its neighbours kept ---- */

TEST(manifest, name_with_unit_address)
{
	EXPECT_REJECTED("name-unit-address", "foo@1", "/elvisor/foo@1: node "
			"name \"foo@1\" has a unit address: a domain name is "
			"letters, digits, '-' and '_' only");
	CHECK_REPORTS(1);
}

TEST(manifest, name_with_bad_character)
{
	EXPECT_REJECTED("name-character", "a.b", "/elvisor/a.b: node name "
			"\"a.b\": '.' is not allowed: a domain name is "
			"letters, digits, '-' and '_' only");
	CHECK_REPORTS(1);
}

TEST(manifest, name_too_long)
{
	EXPECT_REJECTED("name-too-long", "a-domain-name-of-32-characters-x",
			"node name \"a-domain-name-of-32-characters-x\" is 32 "
			"characters long, at most 31 are allowed");
	CHECK_REPORTS(1);
}

TEST(manifest, unknown_property)
{
	/* A typo of a required property: reported twice over. */
	EXPECT_REJECTED("unknown-property", "b",
			"/elvisor/b: unknown property \"vcpu\"");
	CHECK_REPORTED("/elvisor/b: vcpus: required property is missing");
	CHECK_REPORTS(2);
}

TEST(manifest, child_node)
{
	/*
	 * A child node is an app: this one lacks its image, the one required
	 * property besides compatible (mmio is optional, so only the image is
	 * reported).
	 */
	EXPECT_REJECTED("child-node", "linux/uart", "/elvisor/linux/uart: image: required "
			"property is missing");
	CHECK_REPORTS(1);
}

TEST(manifest, compatible_missing)
{
	EXPECT_REJECTED("compatible-missing", "bad", "/elvisor/bad: "
			"compatible: required property is missing (compatible "
			"= \"elvisor,domain\";)");
	CHECK_REPORTS(1);
}

TEST(manifest, compatible_wrong)
{
	EXPECT_REJECTED("compatible-wrong", "bad", "/elvisor/bad: compatible: "
			"must be \"elvisor,domain\"");
	CHECK_REPORTS(1);
}

TEST(manifest, vcpus_missing)
{
	EXPECT_REJECTED("vcpus-missing", "bad", "/elvisor/bad: vcpus: "
			"required property is missing");
	CHECK_REPORTS(1);
}

TEST(manifest, vcpus_zero)
{
	EXPECT_REJECTED("vcpus-zero", "bad", "/elvisor/bad: vcpus: 0 is not "
			"between 1 and 8");
	CHECK_REPORTS(1);
}

TEST(manifest, vcpus_too_many)
{
	EXPECT_REJECTED("vcpus-too-many", "bad", "/elvisor/bad: vcpus: 9 is "
			"not between 1 and 8");
	CHECK_REPORTS(1);
}

TEST(manifest, vcpus_wrong_length)
{
	EXPECT_REJECTED("vcpus-length", "bad", "/elvisor/bad: vcpus: length 8 "
			"bytes: expected one cell (<n>)");
	CHECK_REPORTS(1);
}

TEST(manifest, memory_missing)
{
	EXPECT_REJECTED("memory-missing", "bad", "/elvisor/bad: memory-mb: "
			"required property is missing");
	CHECK_REPORTS(1);
}

TEST(manifest, memory_too_big)
{
	EXPECT_REJECTED("memory-too-big", "linux", "/elvisor/linux: "
			"memory-mb: 4096 is more than the 2048 MiB a domain "
			"may have");
	CHECK_REPORTS(1);
}

TEST(manifest, memory_too_small)
{
	EXPECT_REJECTED("memory-too-small", "bad", "/elvisor/bad: memory-mb: "
			"1 MiB is less than the 2 MiB at the top of RAM "
			"reserved for the device tree");
	CHECK_REPORTS(1);
}

TEST(manifest, too_much_memory)
{
	EXPECT_REJECTED("memory-budget", "big", "/elvisor/big: memory-mb: too "
			"much memory: 1000 MiB wanted, 960 MiB of the 1024 MiB "
			"for domains left");
	CHECK_REPORTS(1);
}

TEST(manifest, kernel_missing)
{
	EXPECT_REJECTED("kernel-missing", "bad", "/elvisor/bad: kernel: "
			"required property is missing");
	CHECK_REPORTS(1);
}

TEST(manifest, kernel_not_in_archive)
{
	EXPECT_REJECTED("kernel-not-found", "rtos", "/elvisor/rtos: kernel: "
			"\"rtos.bin\" is not in the boot archive");
	CHECK_REPORTS(1);
}

TEST(manifest, kernel_empty_name)
{
	EXPECT_REJECTED("kernel-empty-name", "bad", "/elvisor/bad: kernel: "
			"empty file name");
	CHECK_REPORTS(1);
}

TEST(manifest, kernel_name_too_long)
{
	EXPECT_REJECTED("kernel-long-name", "bad", "/elvisor/bad: kernel: 69 "
			"characters long, at most 63 fit");
	CHECK_REPORTS(1);
}

TEST(manifest, kernel_string_list)
{
	EXPECT_REJECTED("kernel-list", "bad", "/elvisor/bad: kernel: expected "
			"one string (kernel = \"...\")");
	CHECK_REPORTS(1);
}

TEST(manifest, kernel_empty_file)
{
	EXPECT_REJECTED("kernel-empty-file", "bad", "/elvisor/bad: kernel: "
			"\"empty.bin\" is empty");
	CHECK_REPORTS(1);
}

TEST(manifest, raw_kernel_needs_load_address)
{
	EXPECT_REJECTED("raw-no-load-address", "bad", "/elvisor/bad: "
			"load-address: required: \"raw.bin\" is a raw binary "
			"(no arm64 Image header)");
	CHECK_REPORTS(1);
}

TEST(manifest, image_with_load_address)
{
	EXPECT_REJECTED("image-load-address", "bad", "/elvisor/bad: "
			"load-address: not allowed: \"Image\" is an arm64 "
			"Image, loaded at RAM base + its text_offset");
	CHECK_REPORTS(1);
}

TEST(manifest, image_with_entry)
{
	EXPECT_REJECTED("image-entry", "bad", "/elvisor/bad: entry: not "
			"allowed: \"Image\" is an arm64 Image, entered at its "
			"first byte");
	CHECK_REPORTS(1);
}

TEST(manifest, image_text_offset_unaligned)
{
	EXPECT_REJECTED("image-text-offset-unaligned", "bad", "/elvisor/bad: "
			"kernel: \"Image-odd\": Image text_offset 0x80002 is "
			"not 4-byte aligned");
	CHECK_REPORTS(1);
}

TEST(manifest, image_text_offset_beyond_ram)
{
	EXPECT_REJECTED("image-text-offset-far", "bad", "/elvisor/bad: "
			"kernel: \"Image-far\": Image text_offset "
			"0x10000000000 is beyond any domain's RAM");
	CHECK_REPORTS(1);
}

TEST(manifest, load_address_wrong_length)
{
	EXPECT_REJECTED("load-address-length", "bad", "/elvisor/bad: "
			"load-address: length 12 bytes: expected one or two "
			"cells (<addr> or <hi lo>)");
	CHECK_REPORTS(1);
}

TEST(manifest, load_address_below_ram)
{
	EXPECT_REJECTED("load-address-below-ram", "bad", "/elvisor/bad: "
			"load-address: kernel \"raw.bin\" [0x1000, 0x4000) is "
			"outside the domain's RAM [0x40000000, 0x41000000)");
	CHECK_REPORTS(1);
}

TEST(manifest, load_address_beyond_ram)
{
	EXPECT_REJECTED("load-address-beyond-ram", "bad", "/elvisor/bad: "
			"load-address: kernel \"raw.bin\" [0x40fff000, "
			"0x41002000) is outside the domain's RAM [0x40000000, "
			"0x41000000)");
	CHECK_REPORTS(1);
}

TEST(manifest, entry_outside_kernel)
{
	EXPECT_REJECTED("entry-outside", "bad", "/elvisor/bad: entry: "
			"0x40003000 is outside the kernel \"raw.bin\" "
			"[0x40000000, 0x40003000)");
	CHECK_REPORTS(1);
}

TEST(manifest, entry_unaligned)
{
	EXPECT_REJECTED("entry-unaligned", "bad", "/elvisor/bad: entry: "
			"0x40000002 is not 4-byte aligned (the entry point is "
			"an instruction)");
	CHECK_REPORTS(1);
}

TEST(manifest, ramdisk_not_in_archive)
{
	EXPECT_REJECTED("ramdisk-not-found", "bad", "/elvisor/bad: ramdisk: "
			"\"missing.cpio\" is not in the boot archive");
	CHECK_REPORTS(1);
}

TEST(manifest, ramdisk_does_not_fit)
{
	EXPECT_REJECTED("ramdisk-too-big", "bad", "/elvisor/bad: ramdisk: "
			"\"huge.cpio\" (314572800 bytes) does not fit in the "
			"62 MiB of RAM below the device tree");
	CHECK_REPORTS(1);
}

TEST(manifest, kernel_overlaps_ramdisk)
{
	EXPECT_REJECTED("overlap-ramdisk", "bad", "/elvisor/bad: kernel: "
			"overlapping guest address ranges: kernel \"Image\" "
			"[0x40080000, 0x41480000) and ramdisk \"16m.cpio\" "
			"[0x40e00000, 0x41e00000)");
	CHECK_REPORTS(1);
}

TEST(manifest, kernel_overlaps_device_tree)
{
	EXPECT_REJECTED("overlap-dtb", "bad", "/elvisor/bad: kernel: "
			"overlapping guest address ranges: kernel \"Image\" "
			"[0x40080000, 0x41480000) and device tree [0x41300000, "
			"0x41500000)");
	CHECK_REPORTS(1);
}

TEST(manifest, bootargs_too_long)
{
	EXPECT_REJECTED("bootargs-too-long", "bad", "/elvisor/bad: bootargs: "
			"300 characters long, at most 255 fit");
	CHECK_REPORTS(1);
}

TEST(manifest, bootargs_not_a_string)
{
	EXPECT_REJECTED("bootargs-cells", "bad", "/elvisor/bad: bootargs: "
			"expected one string (bootargs = \"...\")");
	CHECK_REPORTS(1);
}

TEST(manifest, affinity_pcpu_does_not_exist)
{
	EXPECT_REJECTED("affinity-no-pcpu", "a", "/elvisor/a: affinity: pCPU "
			"7 does not exist (4 pCPUs)");
	CHECK_REPORTS(1);
}

TEST(manifest, affinity_count)
{
	EXPECT_REJECTED("affinity-count", "bad", "/elvisor/bad: affinity: 3 "
			"pCPUs for 2 vCPUs: give one pCPU for all of them or "
			"one per vCPU");
	CHECK_REPORTS(1);
}

TEST(manifest, affinity_empty)
{
	EXPECT_REJECTED("affinity-empty", "bad", "/elvisor/bad: affinity: "
			"length 0 bytes: expected <pcpu> or one cell per vCPU");
	CHECK_REPORTS(1);
}

TEST(manifest, weight_zero)
{
	EXPECT_REJECTED("weight-zero", "bad", "/elvisor/bad: weight: 0 is not "
			"between 1 and 65535");
	CHECK_REPORTS(1);
}

TEST(manifest, weight_too_big)
{
	EXPECT_REJECTED("weight-too-big", "bad", "/elvisor/bad: weight: 65536 "
			"is not between 1 and 65535");
	CHECK_REPORTS(1);
}

TEST(manifest, test_domain_with_value)
{
	EXPECT_REJECTED("test-domain-value", "bad", "/elvisor/bad: "
			"test-domain: takes no value (test-domain;)");
	CHECK_REPORTS(1);
}

TEST(manifest, every_error_of_a_domain_is_reported)
{
	EXPECT_REJECTED("many-errors", "bad",
			"/elvisor/bad: unknown property \"colour\"");
	CHECK_REPORTED("/elvisor/bad: vcpus: 0 is not between 1 and 8");
	CHECK_REPORTED("/elvisor/bad: memory-mb: 4096 is more than the 2048 "
		       "MiB a domain may have");
	CHECK_REPORTED("/elvisor/bad: load-address: required: \"raw.bin\" is "
		       "a raw binary");
	CHECK_REPORTED("/elvisor/bad: weight: 0 is not between 1 and 65535");
	CHECK_REPORTS(5);
}

/* ---- robustness ---- */

/* Random damage to a good manifest: never a crash, never a bad domain. */
TEST(manifest, random_corruption)
{
	size_t size;
	uint8_t *good = load_manifest_dtb("good", &size);
	uint8_t *blob = malloc(size);
	unsigned round, i;

	CHECK(blob != NULL);
	for (round = 0; round < 2000; round++) {
		memcpy(blob, good, size);
		for (i = 0; i < 1 + unit_rand_below(4); i++)
			blob[unit_rand_below(size)] = (uint8_t)unit_rand();
		if (parse_blob(blob, size, PCPUS, MEMORY_AVAILABLE) < 0) {
			CHECK_EQ(manifest.ndomains, 0);
			continue;
		}
		CHECK(manifest.ndomains + manifest.rejected <= 4 + 8);
		for (i = 0; i < manifest.ndomains; i++) {
			const struct domain_config *d = &manifest.domain[i];

			CHECK(d->vcpus >= 1 && d->vcpus <= MANIFEST_MAX_VCPUS);
			CHECK(d->memory_bytes >= GUEST_DTB_SPACE);
			CHECK(d->load_address >= GUEST_RAM_BASE);
			CHECK(d->load_address + d->kernel_size <=
			      d->dtb_address);
			CHECK(d->entry >= d->load_address &&
			      d->entry < d->load_address + d->kernel_size);
			CHECK(d->name[0] != '\0');
		}
	}
	free(blob);
}
