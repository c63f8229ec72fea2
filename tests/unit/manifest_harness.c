/*
 * The manifest tests' fake boot archive, report sink and checks: see
 * manifest_harness.h. Linked into the unit-test binary like the test files
 * (tests/unit/unit.mk compiles every .c file of tests/unit); it
 * defines no tests.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/elf.h"
#include "manifest_harness.h"
#include "test.h"

char reports[MAX_REPORTS][REPORT_MAX];
unsigned nreports;
struct manifest manifest;

/* The archive of the parse under way: the parser must hand it back as ctx. */
static const struct fake_archive *current_archive;

/* ---- building files ---- */

void put_le(uint8_t *p, uint64_t value, unsigned bytes)
{
	for (unsigned i = 0; i < bytes; i++)
		p[i] = (uint8_t)(value >> (8 * i));
}

#define AARCH64_NOP 0xd503201f

void fill_nops(uint8_t *buf, size_t size)
{
	for (size_t i = 0; i + 4 <= size; i += 4)
		put_le(buf + i, AARCH64_NOP, 4);
}

void make_arm64_image(uint8_t *buf, size_t size, uint64_t text_offset,
		      uint64_t image_size)
{
	memset(buf, 0, size);
	put_le(buf, 0x14000010, 4);		/* b +0x40: over the header */
	put_le(buf + 8, text_offset, 8);
	put_le(buf + 16, image_size, 8);
	put_le(buf + 24, 0xa, 8);		/* little-endian, 4 KiB pages, anywhere */
	memcpy(buf + 56, "ARM\x64", 4);
}

#define APP_ELF_ENTRY_OFFSET 0x100

void make_app_elf(uint8_t *buf, size_t size, uint32_t seg_flags)
{
	uint8_t *ph = buf + ELF64_EHDR_SIZE;

	CHECK(size >= APP_ELF_ENTRY_OFFSET + 4);
	memset(buf, 0, size);
	memcpy(buf, "\x7f" "ELF", 4);
	buf[EI_CLASS] = ELFCLASS64;
	buf[EI_DATA] = ELFDATA2LSB;
	buf[EI_VERSION] = EV_CURRENT;
	put_le(buf + 16, ET_EXEC, 2);
	put_le(buf + 18, EM_AARCH64, 2);
	put_le(buf + 20, EV_CURRENT, 4);
	put_le(buf + 24, ELF_APP_VA_MIN + APP_ELF_ENTRY_OFFSET, 8);	/* e_entry */
	put_le(buf + 32, ELF64_EHDR_SIZE, 8);	/* e_phoff */
	put_le(buf + 52, ELF64_EHDR_SIZE, 2);	/* e_ehsize */
	put_le(buf + 54, ELF64_PHDR_SIZE, 2);	/* e_phentsize */
	put_le(buf + 56, 1, 2);			/* e_phnum */
	put_le(ph + 0, PT_LOAD, 4);
	put_le(ph + 4, seg_flags, 4);
	put_le(ph + 8, 0, 8);			/* p_offset */
	put_le(ph + 16, ELF_APP_VA_MIN, 8);	/* p_vaddr */
	put_le(ph + 24, ELF_APP_VA_MIN, 8);	/* p_paddr */
	put_le(ph + 32, size, 8);		/* p_filesz */
	put_le(ph + 40, size, 8);		/* p_memsz */
	put_le(ph + 48, 0x1000, 8);		/* p_align */
	put_le(buf + APP_ELF_ENTRY_OFFSET, AARCH64_NOP, 4);
}

/* ---- the environment manifest_parse() sees ---- */

static bool fake_find_file(void *ctx, const char *name, const void **data,
			   size_t *size)
{
	CHECK(ctx == current_archive);
	for (size_t i = 0; i < current_archive->nfiles; i++) {
		const struct fake_file *f = &current_archive->files[i];

		if (strcmp(f->name, name) == 0) {
			*data = f->data;
			*size = f->size;
			return true;
		}
	}
	return false;
}

static void fake_report(void *ctx, const char *message)
{
	CHECK(ctx == current_archive);
	CHECK(strlen(message) < REPORT_MAX);
	if (nreports < MAX_REPORTS)
		strcpy(reports[nreports], message);
	nreports++;
}

void *load_manifest_dtb(const char *name, size_t *size)
{
	char relative[128];

	snprintf(relative, sizeof(relative), "dtb/manifest-%s.dtb", name);
	return unit_load_fixture(relative, size);
}

int parse_manifest_blob(const struct fake_archive *archive, const void *blob,
			size_t size, unsigned pcpus, uint64_t memory)
{
	const struct manifest_env env = {
		.pcpus = pcpus,
		.memory_available = memory,
		.find_file = fake_find_file,
		.ctx = (void *)archive,
		.report = fake_report,
	};

	current_archive = archive;
	archive->make_files();
	nreports = 0;
	/* Garbage first: the parser must fill in every field itself. */
	memset(&manifest, 0xa5, sizeof(manifest));
	return manifest_parse(blob, size, &env, &manifest);
}

int parse_manifest_fixture(const struct fake_archive *archive, const char *prefix,
			   const char *name, unsigned pcpus, uint64_t memory)
{
	char full[128];
	size_t size;
	void *blob;
	int ret;

	snprintf(full, sizeof(full), "%s%s", prefix, name);
	blob = load_manifest_dtb(full, &size);
	ret = parse_manifest_blob(archive, blob, size, pcpus, memory);
	free(blob);	/* the manifest keeps copies, no pointers into the blob */
	return ret;
}

/* ---- checking ---- */

void show_reports(const char *file, int line, const char *why)
{
	/* Static: all of them would be a large frame for a sanitized build. */
	static char all[MAX_REPORTS * (REPORT_MAX + 4)];

	all[0] = '\0';
	for (unsigned i = 0; i < nreports && i < MAX_REPORTS; i++) {
		strcat(all, "\n  ");
		strcat(all, reports[i]);
	}
	unit_fail(file, line, "%s; %u report%s:%s", why, nreports,
		  nreports == 1 ? "" : "s", all);
}

void check_reported(const char *file, int line, const char *text)
{
	char why[REPORT_MAX + 32];

	for (unsigned i = 0; i < nreports && i < MAX_REPORTS; i++) {
		if (strstr(reports[i], text) != NULL)
			return;
	}
	snprintf(why, sizeof(why), "\"%s\" not reported", text);
	show_reports(file, line, why);
}

void check_reports(const char *file, int line, unsigned n)
{
	char why[64];

	if (nreports != n) {
		snprintf(why, sizeof(why), "expected %u report%s", n,
			 n == 1 ? "" : "s");
		show_reports(file, line, why);
	}
}

void check_clean(const char *file, int line, unsigned ndomains)
{
	check_reports(file, line, 0);
	unit_check_eq(file, line, "manifest.ndomains", "ndomains", manifest.ndomains, ndomains);
	unit_check_eq(file, line, "manifest.rejected", "0", manifest.rejected, 0);
}

bool report_about(const char *report, const char *domain)
{
	size_t n = strlen("/elvisor/"), len = strlen(domain);

	return strncmp(report, "/elvisor/", n) == 0 &&
	       strncmp(report + n, domain, len) == 0 &&
	       (report[n + len] == ':' || report[n + len] == '/');
}

void check_reports_about(const char *file, int line, const char *domain,
			 const char *const *messages, unsigned n)
{
	unsigned k = 0;
	char why[REPORT_MAX + 64];

	/* Every report was kept, so none can hide past the end of reports[]. */
	CHECK(nreports <= MAX_REPORTS);
	for (unsigned i = 0; i < nreports; i++) {
		if (!report_about(reports[i], domain))
			continue;
		if (k == n) {
			snprintf(why, sizeof(why), "unexpected report: %.*s",
				 REPORT_MAX, reports[i]);
			show_reports(file, line, why);
		}
		if (strcmp(reports[i], messages[k]) != 0) {
			snprintf(why, sizeof(why), "report %u about %s is not \"%s\"",
				 k, domain, messages[k]);
			show_reports(file, line, why);
		}
		k++;
	}
	if (k != n) {
		snprintf(why, sizeof(why), "%u reports about %s, expected %u",
			 k, domain, n);
		show_reports(file, line, why);
	}
}

void check_all_reports(const char *file, int line, const char *const *messages, unsigned n)
{
	char why[REPORT_MAX + 32];

	check_reports(file, line, n);
	for (unsigned i = 0; i < n; i++) {
		if (strcmp(reports[i], messages[i]) != 0) {
			snprintf(why, sizeof(why), "report %u is not \"%s\"", i, messages[i]);
			show_reports(file, line, why);
		}
	}
}

const struct domain_config *find_domain(const char *name)
{
	for (unsigned i = 0; i < manifest.ndomains; i++) {
		if (strcmp(manifest.domain[i].name, name) == 0)
			return &manifest.domain[i];
	}
	return NULL;
}

const struct domain_config *domain_named(const char *file, int line,
					 const char *name)
{
	const struct domain_config *d = find_domain(name);
	char why[128];

	if (d == NULL) {
		snprintf(why, sizeof(why), "domain \"%s\" not accepted", name);
		show_reports(file, line, why);
	}
	return d;
}

const struct domain_config *domain_at(const char *file, int line,
				      const char *name, unsigned index)
{
	const struct domain_config *d = domain_named(file, line, name);
	char why[128];

	if (d != &manifest.domain[index]) {
		snprintf(why, sizeof(why), "domain \"%s\" is number %td, not %u",
			 name, d - manifest.domain, index);
		show_reports(file, line, why);
	}
	return d;
}
