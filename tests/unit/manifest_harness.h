/*
 * The fake surroundings the manifest tests (test_manifest*.c) run
 * manifest_parse() in: a boot archive of in-memory files the test file
 * builds, a report sink that keeps every message, and checks on what was
 * reported and which domains were accepted.
 *
 * One manifest is parsed at a time (every test runs in its own process):
 * the result and the reports are in the globals below until the next parse.
 */
#ifndef TESTS_UNIT_MANIFEST_HARNESS_H
#define TESTS_UNIT_MANIFEST_HARNESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/manifest.h"

#define MIB (1ULL << 20)
#define PCPUS 4
#define MEMORY_AVAILABLE (1024 * MIB)
#define MAX_REPORTS 48		/* kept; more are counted in nreports only */
#define REPORT_MAX 512

/* ---- the fake boot archive ---- */

struct fake_file {
	const char *name;
	const uint8_t *data;	/* NULL: a size only, for files too big to allocate */
	size_t size;
};

/* A test file's archive: its files, and what fills in their bytes. */
struct fake_archive {
	const struct fake_file *files;
	size_t nfiles;
	void (*make_files)(void);	/* called before every parse */
};

#define FAKE_ARCHIVE(table, make)						\
	{ (table), sizeof(table) / sizeof((table)[0]), (make) }

/* Little-endian, as every field of an ELF or Image header here. */
void put_le(uint8_t *p, uint64_t value, unsigned bytes);
/* AArch64 nops: a raw binary, and not an ELF (bad magic 1f 20 03 d5). */
void fill_nops(uint8_t *buf, size_t size);
/* An arm64 Image header: branch, text_offset, image_size, flags, magic. */
void make_arm64_image(uint8_t *buf, size_t size, uint64_t text_offset,
		      uint64_t image_size);
/*
 * A static AArch64 executable of size bytes (at least 0x104): one PT_LOAD
 * segment with seg_flags covering the whole file at ELF_APP_VA_MIN, entered
 * at a nop 0x100 bytes in.
 */
void make_app_elf(uint8_t *buf, size_t size, uint32_t seg_flags);

/* ---- parsing ---- */

extern char reports[MAX_REPORTS][REPORT_MAX];
extern unsigned nreports;
extern struct manifest manifest;

/* The fixture dtb/manifest-<name>.dtb, in a malloc'd buffer. */
void *load_manifest_dtb(const char *name, size_t *size);
/* manifest_parse() into manifest, over garbage, with the reports cleared. */
int parse_manifest_blob(const struct fake_archive *archive, const void *blob,
			size_t size, unsigned pcpus, uint64_t memory);
/* The same on the fixture dtb/manifest-<prefix><name>.dtb. */
int parse_manifest_fixture(const struct fake_archive *archive, const char *prefix,
			   const char *name, unsigned pcpus, uint64_t memory);

/* ---- checking ---- */

/* Fails the test with why and every report. */
__attribute__((noreturn))
void show_reports(const char *file, int line, const char *why);

/* Some report contains the text. */
#define CHECK_REPORTED(text) check_reported(__FILE__, __LINE__, (text))
void check_reported(const char *file, int line, const char *text);

/* Exactly n reports. */
#define CHECK_REPORTS(n) check_reports(__FILE__, __LINE__, (n))
void check_reports(const char *file, int line, unsigned n);

/* A manifest without errors: no report, ndomains accepted, none rejected. */
#define CHECK_CLEAN(ndomains) check_clean(__FILE__, __LINE__, (ndomains))
void check_clean(const char *file, int line, unsigned ndomains);

/* Whether the report is about the domain or one of its child nodes. */
bool report_about(const char *report, const char *domain);

/*
 * The reports about the domain (report_about()) are exactly these
 * messages, whole and in this order. The messages are given with
 * MESSAGES("...", "..."): the array and its length.
 */
#define MESSAGES(...)								\
	(const char *const[]){ __VA_ARGS__ },					\
	sizeof((const char *const[]){ __VA_ARGS__ }) / sizeof(const char *)
void check_reports_about(const char *file, int line, const char *domain,
			 const char *const *messages, unsigned n);

/* The reports are exactly these messages, whole and in this order. */
#define CHECK_REPORTS_EXACTLY(...)						\
	check_all_reports(__FILE__, __LINE__, MESSAGES(__VA_ARGS__))
void check_all_reports(const char *file, int line, const char *const *messages, unsigned n);

/* The accepted domain of that name, or NULL. */
const struct domain_config *find_domain(const char *name);

/* The accepted domain of that name; fails the test if there is none. */
#define DOMAIN(name) domain_named(__FILE__, __LINE__, (name))
const struct domain_config *domain_named(const char *file, int line,
					 const char *name);

/* The same, and it is at that index of the domain list. */
#define DOMAIN_AT(name, index) domain_at(__FILE__, __LINE__, (name), (index))
const struct domain_config *domain_at(const char *file, int line,
				      const char *name, unsigned index);

#endif
