/*
 * hyp/lib/elf.c on ELF64 images written byte by byte in memory: a valid
 * static AArch64 executable, one broken copy per rejection rule, every
 * truncation of it, and seeded random corruption. Images are copied into
 * malloc'd buffers of exactly their size so ASan sees any over-read.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/elf.h"
#include "test.h"

#define PT_NOTE 4
#define PT_GNU_STACK 0x6474e551u

/* The valid image: text (R-X) at 0x400000, data+bss (RW-) at 0x411100. */
#define IMG_SIZE 0x1180
#define IMG_PHOFF 64
#define IMG_PHNUM 3		/* text, data, PT_GNU_STACK (ignored) */
#define IMG_ENTRY 0x400100
#define TEXT_VADDR 0x400000
#define TEXT_SIZE 0x1100
#define DATA_OFFSET 0x1100
#define DATA_VADDR 0x411100
#define DATA_FILESZ 0x80
#define DATA_MEMSZ 0x2000

/* Offsets inside a program header. */
#define PH_TYPE 0
#define PH_FLAGS 4
#define PH_OFFSET 8
#define PH_VADDR 16
#define PH_FILESZ 32
#define PH_MEMSZ 40

struct image {
	uint8_t bytes[0x4000];
	size_t size;
};

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, (uint16_t)v);
	put16(p + 2, (uint16_t)(v >> 16));
}

static void put64(uint8_t *p, uint64_t v)
{
	put32(p, (uint32_t)v);
	put32(p + 4, (uint32_t)(v >> 32));
}

static uint8_t *phdr(struct image *img, unsigned int i)
{
	return img->bytes + IMG_PHOFF + i * ELF64_PHDR_SIZE;
}

static void set_phdr(struct image *img, unsigned int i, uint32_t type,
		     uint32_t flags, uint64_t offset, uint64_t vaddr,
		     uint64_t filesz, uint64_t memsz)
{
	uint8_t *p = phdr(img, i);

	put32(p + PH_TYPE, type);
	put32(p + PH_FLAGS, flags);
	put64(p + PH_OFFSET, offset);
	put64(p + PH_VADDR, vaddr);
	put64(p + 24, vaddr);		/* p_paddr */
	put64(p + PH_FILESZ, filesz);
	put64(p + PH_MEMSZ, memsz);
	put64(p + 48, 0x10000);		/* p_align */
}

static void set_phnum(struct image *img, uint16_t phnum)
{
	put16(img->bytes + 56, phnum);
}

static void set_entry(struct image *img, uint64_t entry)
{
	put64(img->bytes + 24, entry);
}

static void build_valid(struct image *img)
{
	uint8_t *p = img->bytes;
	size_t i;

	memset(img, 0, sizeof(*img));
	img->size = IMG_SIZE;
	p[0] = 0x7f;
	p[1] = 'E';
	p[2] = 'L';
	p[3] = 'F';
	p[4] = ELFCLASS64;
	p[5] = ELFDATA2LSB;
	p[6] = EV_CURRENT;
	put16(p + 16, ET_EXEC);
	put16(p + 18, EM_AARCH64);
	put32(p + 20, EV_CURRENT);
	put64(p + 24, IMG_ENTRY);
	put64(p + 32, IMG_PHOFF);		/* e_phoff */
	put64(p + 40, 0);			/* e_shoff: none */
	put16(p + 52, ELF64_EHDR_SIZE);
	put16(p + 54, ELF64_PHDR_SIZE);
	set_phnum(img, IMG_PHNUM);
	put16(p + 58, 64);			/* e_shentsize */

	set_phdr(img, 0, PT_LOAD, PF_R | PF_X, 0, TEXT_VADDR, TEXT_SIZE,
		 TEXT_SIZE);
	set_phdr(img, 1, PT_LOAD, PF_R | PF_W, DATA_OFFSET, DATA_VADDR,
		 DATA_FILESZ, DATA_MEMSZ);
	set_phdr(img, 2, PT_GNU_STACK, PF_R | PF_W, 0, 0, 0, 0);

	/* Recognisable contents: code at the entry, a pattern elsewhere. */
	for (i = 0x100; i < IMG_SIZE; i++)
		p[i] = (uint8_t)(i * 7 + 3);
	put32(p + (IMG_ENTRY - TEXT_VADDR), 0xd503201f);	/* nop */
}

/* elf_parse on an exact-size heap copy; the message lands in err. */
static int parse_copy(const struct image *img, struct elf_info *info,
		      char *err, size_t errlen)
{
	uint8_t *copy = malloc(img->size ? img->size : 1);
	int ret;

	CHECK(copy != NULL);
	memcpy(copy, img->bytes, img->size);
	ret = elf_parse(copy, img->size, info, err, errlen);
	free(copy);
	return ret;
}

static void check_rejected(const struct image *img, const char *needle)
{
	struct elf_info info;
	struct elf_info zero;
	char err[256];

	memset(err, 'x', sizeof(err));
	CHECK_EQ(parse_copy(img, &info, err, sizeof(err)), ELF_ERR_INVALID);
	CHECK(memchr(err, '\0', sizeof(err)) != NULL);
	CHECK_CONTAINS(err, "ELF: ");
	CHECK_CONTAINS(err, needle);
	memset(&zero, 0, sizeof(zero));
	CHECK_MEM_EQ(&info, &zero, sizeof(info));
}

static void check_accepted(const struct image *img, struct elf_info *info)
{
	char err[256];
	int ret = parse_copy(img, info, err, sizeof(err));

	if (ret != ELF_OK)
		unit_fail(__FILE__, __LINE__, "rejected: %s", err);
	CHECK_STR_EQ(err, "");
}

/* ---- Valid images ---- */

TEST(elf, parses_valid_two_segment_image)
{
	struct image img;
	struct elf_info info;

	build_valid(&img);
	check_accepted(&img, &info);
	CHECK_EQ(info.entry, IMG_ENTRY);
	CHECK_EQ(info.nsegments, 2);
	CHECK_EQ(info.segments[0].vaddr, TEXT_VADDR);
	CHECK_EQ(info.segments[0].memsz, TEXT_SIZE);
	CHECK_EQ(info.segments[0].offset, 0);
	CHECK_EQ(info.segments[0].filesz, TEXT_SIZE);
	CHECK_EQ(info.segments[0].flags, ELF_SEG_R | ELF_SEG_X);
	CHECK_EQ(info.segments[1].vaddr, DATA_VADDR);
	CHECK_EQ(info.segments[1].memsz, DATA_MEMSZ);
	CHECK_EQ(info.segments[1].offset, DATA_OFFSET);
	CHECK_EQ(info.segments[1].filesz, DATA_FILESZ);
	CHECK_EQ(info.segments[1].flags, ELF_SEG_R | ELF_SEG_W);
	CHECK_EQ(info.va_start, 0x400000);
	CHECK_EQ(info.va_end, 0x414000);
	CHECK_EQ(elf_segment_page_base(&info.segments[1]), 0x411000);
	CHECK_EQ(elf_segment_page_size(&info.segments[1]), 0x3000);
	CHECK_EQ(elf_segment_page_size(&info.segments[0]), 0x2000);
}

TEST(elf, parses_unaligned_image_and_null_error_buffer)
{
	struct image img;
	struct elf_info info;
	uint8_t *buf;

	build_valid(&img);
	buf = malloc(img.size + 1);
	CHECK(buf != NULL);
	memcpy(buf + 1, img.bytes, img.size);
	CHECK_EQ(elf_parse(buf + 1, img.size, &info, NULL, 0), ELF_OK);
	CHECK_EQ(info.entry, IMG_ENTRY);
	buf[1] = 0;
	CHECK_EQ(elf_parse(buf + 1, img.size, &info, NULL, 0), ELF_ERR_INVALID);
	CHECK_EQ(elf_parse(NULL, 0, &info, NULL, 0), ELF_ERR_INVALID);
	free(buf);
}

TEST(elf, error_message_is_truncated_to_the_buffer)
{
	struct image img;
	struct elf_info info;
	char err[12];

	build_valid(&img);
	put16(img.bytes + 18, 62);
	memset(err, 'x', sizeof(err));
	CHECK_EQ(parse_copy(&img, &info, err, sizeof(err)), ELF_ERR_INVALID);
	CHECK_STR_EQ(err, "ELF: not an");
}

TEST(elf, eight_load_segments_are_accepted)
{
	struct image img;
	struct elf_info info;
	unsigned int i;

	build_valid(&img);
	set_phnum(&img, ELF_MAX_SEGMENTS + 1);
	for (i = 2; i < ELF_MAX_SEGMENTS; i++)
		set_phdr(&img, i, PT_LOAD, PF_R, 0x100, 0x500100 + i * 0x1000,
			 0x10, 0x10);
	set_phdr(&img, ELF_MAX_SEGMENTS, PT_NOTE, PF_R, 0x100, 0, 0x10, 0x10);
	check_accepted(&img, &info);
	CHECK_EQ(info.nsegments, ELF_MAX_SEGMENTS);
	CHECK_EQ(info.segments[7].vaddr, 0x507100);
	CHECK_EQ(info.va_end, 0x508000);
}

TEST(elf, caller_window_is_applied)
{
	struct image img;
	struct elf_info info;
	char err[256];

	build_valid(&img);
	CHECK_EQ(elf_parse_window(img.bytes, img.size, 0x400000, 0x414000,
				  &info, err, sizeof(err)), ELF_OK);
	CHECK_EQ(elf_parse_window(img.bytes, img.size, 0x401000, 0x414000,
				  &info, err, sizeof(err)), ELF_ERR_INVALID);
	CHECK_CONTAINS(err, "segment 0: VA range [0x400000, 0x401100) is outside the app window [0x401000, 0x414000)");
	/* The window bounds bytes, not pages: 0x413100 < end of bss. */
	CHECK_EQ(elf_parse_window(img.bytes, img.size, 0x400000, 0x413000,
				  &info, err, sizeof(err)), ELF_ERR_INVALID);
	CHECK_CONTAINS(err, "segment 1: VA range [0x411100, 0x413100)");
	CHECK_EQ(elf_parse_window(img.bytes, img.size, 0x400000, 0x400800,
				  &info, err, sizeof(err)), ELF_ERR_INVALID);
	CHECK_CONTAINS(err, "bad app window");
}

/* ---- elf_load_segment ---- */

TEST(elf, load_segment_copies_file_bytes_and_zeroes_the_rest)
{
	struct image img;
	struct elf_info info;
	uint8_t zeros[0x3000] = { 0 };
	uint8_t *dst;
	size_t n;
	char err[256];

	build_valid(&img);
	check_accepted(&img, &info);

	n = elf_segment_page_size(&info.segments[1]);
	dst = malloc(n);
	CHECK(dst != NULL);
	memset(dst, 0xaa, n);
	CHECK_EQ(elf_load_segment(img.bytes, img.size, &info.segments[1], dst,
				  n, err, sizeof(err)), ELF_OK);
	CHECK_MEM_EQ(dst, zeros, 0x100);
	CHECK_MEM_EQ(dst + 0x100, img.bytes + DATA_OFFSET, DATA_FILESZ);
	CHECK_MEM_EQ(dst + 0x100 + DATA_FILESZ, zeros,
		     n - 0x100 - DATA_FILESZ);
	free(dst);

	n = elf_segment_page_size(&info.segments[0]) + 0x1000;	/* larger is fine */
	dst = malloc(n);
	CHECK(dst != NULL);
	memset(dst, 0xaa, n);
	CHECK_EQ(elf_load_segment(img.bytes, img.size, &info.segments[0], dst,
				  n, err, sizeof(err)), ELF_OK);
	CHECK_MEM_EQ(dst, img.bytes, TEXT_SIZE);
	CHECK_MEM_EQ(dst + TEXT_SIZE, zeros, n - TEXT_SIZE);
	CHECK_EQ(*(uint32_t *)(dst + 0x100), 0xd503201f);
	free(dst);
}

TEST(elf, load_segment_refuses_small_buffer_and_foreign_segment)
{
	struct image img;
	struct elf_info info;
	struct elf_segment seg;
	uint8_t *dst = malloc(0x3000);
	char err[256];

	CHECK(dst != NULL);
	build_valid(&img);
	check_accepted(&img, &info);
	CHECK_EQ(elf_load_segment(img.bytes, img.size, &info.segments[1], dst,
				  0x2fff, err, sizeof(err)), ELF_ERR_BUFFER);
	CHECK_CONTAINS(err, "needs 0x3000 bytes");
	CHECK_EQ(elf_load_segment(img.bytes, img.size, &info.segments[1], NULL,
				  0x3000, err, sizeof(err)), ELF_ERR_BUFFER);

	seg = info.segments[1];
	CHECK_EQ(elf_load_segment(img.bytes, DATA_OFFSET + 0x7f, &seg, dst,
				  0x3000, err, sizeof(err)), ELF_ERR_INVALID);
	CHECK_CONTAINS(err, "does not fit");
	seg.offset = UINT64_MAX - 0x10;
	CHECK_EQ(elf_load_segment(img.bytes, img.size, &seg, dst, 0x3000, err,
				  sizeof(err)), ELF_ERR_INVALID);
	seg = info.segments[1];
	seg.vaddr = UINT64_MAX - 0x100;
	CHECK_EQ(elf_load_segment(img.bytes, img.size, &seg, dst, 0x3000, err,
				  sizeof(err)), ELF_ERR_INVALID);
	free(dst);
}

/* ---- File header rules ---- */

TEST(elf, rejects_short_file)
{
	struct image img;

	build_valid(&img);
	img.size = 63;
	check_rejected(&img, "file of 63 bytes is shorter than the 64-byte ELF header");
	img.size = 0;
	check_rejected(&img, "file of 0 bytes");
}

TEST(elf, rejects_bad_magic)
{
	struct image img;

	build_valid(&img);
	img.bytes[3] = 'G';
	check_rejected(&img, "bad magic 7f 45 4c 47");
}

TEST(elf, rejects_elfclass32)
{
	struct image img;

	build_valid(&img);
	img.bytes[EI_CLASS] = 1;
	check_rejected(&img, "not a 64-bit ELF (EI_CLASS 1)");
}

TEST(elf, rejects_big_endian)
{
	struct image img;

	build_valid(&img);
	img.bytes[EI_DATA] = 2;
	check_rejected(&img, "not little-endian (EI_DATA 2)");
}

TEST(elf, rejects_unknown_version)
{
	struct image img;

	build_valid(&img);
	img.bytes[EI_VERSION] = 2;
	check_rejected(&img, "unknown ELF version (EI_VERSION 2, e_version 1)");
	build_valid(&img);
	put32(img.bytes + 20, 0);
	check_rejected(&img, "unknown ELF version (EI_VERSION 1, e_version 0)");
}

TEST(elf, rejects_non_exec_type)
{
	struct image img;

	build_valid(&img);
	put16(img.bytes + 16, 3);	/* ET_DYN: PIE or shared object */
	check_rejected(&img, "not a static non-PIE executable (e_type 3");
	put16(img.bytes + 16, 1);	/* ET_REL */
	check_rejected(&img, "e_type 1");
}

TEST(elf, rejects_other_machine)
{
	struct image img;

	build_valid(&img);
	put16(img.bytes + 18, 62);	/* EM_X86_64 */
	check_rejected(&img, "ELF: not an AArch64 executable (e_machine 62)");
}

TEST(elf, rejects_bad_phentsize)
{
	struct image img;

	build_valid(&img);
	put16(img.bytes + 54, 32);
	check_rejected(&img, "e_phentsize 32 is not the 56 bytes");
	put16(img.bytes + 54, 64);
	check_rejected(&img, "e_phentsize 64");
}

TEST(elf, rejects_no_program_headers)
{
	struct image img;

	build_valid(&img);
	set_phnum(&img, 0);
	check_rejected(&img, "no program headers (e_phnum 0)");
}

TEST(elf, rejects_program_header_table_past_end)
{
	struct image img;

	build_valid(&img);
	put64(img.bytes + 32, IMG_SIZE - 3 * ELF64_PHDR_SIZE + 1);
	check_rejected(&img, "program header table (e_phoff 0x10d9, 3 entries of 56 bytes) runs past the end of the 4480-byte file");
	put64(img.bytes + 32, IMG_SIZE + 1);
	check_rejected(&img, "program header table");
	build_valid(&img);
	set_phnum(&img, 0xffff);
	check_rejected(&img, "65535 entries");
}

TEST(elf, rejects_program_header_table_offset_that_wraps)
{
	struct image img;

	build_valid(&img);
	/* e_phoff + 3 * 56 wraps to a small value inside the file. */
	put64(img.bytes + 32, UINT64_MAX - 2 * ELF64_PHDR_SIZE);
	check_rejected(&img, "program header table (e_phoff 0xffffffffffffff8f");
	put64(img.bytes + 32, UINT64_MAX);
	check_rejected(&img, "runs past the end");
}

TEST(elf, rejects_no_load_segment)
{
	struct image img;

	build_valid(&img);
	put32(phdr(&img, 0) + PH_TYPE, PT_NOTE);
	put32(phdr(&img, 1) + PH_TYPE, PT_NULL);
	check_rejected(&img, "no PT_LOAD segment");
}

TEST(elf, rejects_too_many_load_segments)
{
	struct image img;
	unsigned int i;

	build_valid(&img);
	set_phnum(&img, ELF_MAX_SEGMENTS + 1);
	for (i = 2; i < ELF_MAX_SEGMENTS + 1; i++)
		set_phdr(&img, i, PT_LOAD, PF_R, 0x100, 0x500100 + i * 0x1000,
			 0x10, 0x10);
	check_rejected(&img, "more than 8 PT_LOAD segments");
}

TEST(elf, rejects_interp_and_dynamic)
{
	struct image img;

	build_valid(&img);
	put32(phdr(&img, 2) + PH_TYPE, PT_INTERP);
	check_rejected(&img, "program header 2 is PT_INTERP: only static executables");
	put32(phdr(&img, 2) + PH_TYPE, PT_DYNAMIC);
	check_rejected(&img, "program header 2 is PT_DYNAMIC");
}

/* ---- Segment rules ---- */

TEST(elf, rejects_segment_file_range_past_end)
{
	struct image img;

	build_valid(&img);
	put64(phdr(&img, 1) + PH_FILESZ, 0x8000);
	put64(phdr(&img, 1) + PH_MEMSZ, 0x8000);
	check_rejected(&img, "ELF: segment 1: file range [0x1100, 0x9100) runs past the end of the 4480-byte file");
	build_valid(&img);
	put64(phdr(&img, 1) + PH_FILESZ, DATA_FILESZ + 1);
	check_rejected(&img, "segment 1: file range [0x1100, 0x1181)");
	build_valid(&img);
	put64(phdr(&img, 1) + PH_OFFSET, 0x2100);
	put64(phdr(&img, 1) + PH_FILESZ, 0);
	check_rejected(&img, "segment 1: file range [0x2100, 0x2100) runs past");
}

TEST(elf, rejects_segment_file_range_that_wraps)
{
	struct image img;

	build_valid(&img);
	/* p_offset + p_filesz wraps to 0x80, well inside the file. */
	put64(phdr(&img, 1) + PH_OFFSET, 0xfffffffffffff100);
	put64(phdr(&img, 1) + PH_VADDR, 0x411100);
	put64(phdr(&img, 1) + PH_FILESZ, 0xf80);
	check_rejected(&img, "segment 1: file range at offset 0xfffffffffffff100 of 0xf80 bytes wraps around");
	build_valid(&img);
	put64(phdr(&img, 1) + PH_FILESZ, UINT64_MAX);
	put64(phdr(&img, 1) + PH_MEMSZ, UINT64_MAX);
	check_rejected(&img, "wraps around");
}

TEST(elf, rejects_filesz_larger_than_memsz)
{
	struct image img;

	build_valid(&img);
	put64(phdr(&img, 1) + PH_MEMSZ, DATA_FILESZ - 1);
	check_rejected(&img, "segment 1: p_filesz 0x80 is larger than p_memsz 0x7f");
}

TEST(elf, rejects_empty_segment)
{
	struct image img;

	build_valid(&img);
	put64(phdr(&img, 1) + PH_FILESZ, 0);
	put64(phdr(&img, 1) + PH_MEMSZ, 0);
	check_rejected(&img, "segment 1 is empty (p_memsz 0)");
}

TEST(elf, rejects_vaddr_offset_page_mismatch)
{
	struct image img;

	build_valid(&img);
	put64(phdr(&img, 1) + PH_VADDR, 0x411000);
	check_rejected(&img, "segment 1: p_vaddr 0x411000 and p_offset 0x1100 differ modulo the 4096-byte page");
	build_valid(&img);
	put64(phdr(&img, 0) + PH_VADDR, 0x400004);
	check_rejected(&img, "segment 0: p_vaddr 0x400004 and p_offset 0x0");
}

TEST(elf, rejects_vaddr_range_that_wraps)
{
	struct image img;

	build_valid(&img);
	put64(phdr(&img, 1) + PH_VADDR, 0xfffffffffffff100);
	check_rejected(&img, "segment 1: VA range at 0xfffffffffffff100 of 0x2000 bytes wraps around");
	build_valid(&img);
	put64(phdr(&img, 1) + PH_MEMSZ, UINT64_MAX - 0x100);
	check_rejected(&img, "VA range at 0x411100");
}

TEST(elf, rejects_segment_outside_window)
{
	struct image img;

	build_valid(&img);
	put64(phdr(&img, 0) + PH_VADDR, 0);
	set_entry(&img, 0x100);
	check_rejected(&img, "segment 0: VA range [0x0, 0x1100) is outside the app window [0x400000, 0x40000000)");
	build_valid(&img);
	put64(phdr(&img, 0) + PH_VADDR, 0x3ff000);
	check_rejected(&img, "segment 0: VA range [0x3ff000, 0x400100) is outside");
	build_valid(&img);
	put64(phdr(&img, 1) + PH_VADDR, 0x3ffff100);
	check_rejected(&img, "segment 1: VA range [0x3ffff100, 0x40001100) is outside");
	put64(phdr(&img, 1) + PH_VADDR, 0x80000100);
	check_rejected(&img, "segment 1: VA range [0x80000100, 0x80002100) is outside");
	/* Ending exactly at the window's end is fine. */
	put64(phdr(&img, 1) + PH_VADDR, 0x40000000 - DATA_MEMSZ + 0x100);
	put64(phdr(&img, 1) + PH_MEMSZ, DATA_MEMSZ - 0x100);
	{
		struct elf_info info;

		check_accepted(&img, &info);
		CHECK_EQ(info.va_end, 0x40000000);
	}
}

TEST(elf, rejects_writable_executable_segment)
{
	struct image img;

	build_valid(&img);
	put32(phdr(&img, 1) + PH_FLAGS, PF_R | PF_W | PF_X);
	check_rejected(&img, "ELF: segment 1 is both writable and executable");
	build_valid(&img);
	put32(phdr(&img, 0) + PH_FLAGS, PF_W | PF_X);
	check_rejected(&img, "ELF: segment 0 is both writable and executable");
}

TEST(elf, rejects_overlapping_segments)
{
	struct image img;

	build_valid(&img);
	/* Byte-disjoint from text [0x400000, 0x401100) but shares its last page. */
	put64(phdr(&img, 1) + PH_VADDR, 0x401100);
	check_rejected(&img, "PT_LOAD segments 0 [0x400000, 0x401100) and 1 [0x401100, 0x403100) overlap (page-rounded)");
	build_valid(&img);
	put64(phdr(&img, 1) + PH_VADDR, 0x400100);
	check_rejected(&img, "overlap");
	/* The next page up is fine. */
	build_valid(&img);
	put64(phdr(&img, 1) + PH_VADDR, 0x402100);
	{
		struct elf_info info;

		check_accepted(&img, &info);
	}
}

/* ---- Entry point rules ---- */

TEST(elf, rejects_misaligned_entry)
{
	struct image img;

	build_valid(&img);
	set_entry(&img, IMG_ENTRY + 2);
	check_rejected(&img, "entry point 0x400102 is not 4-byte aligned");
}

TEST(elf, rejects_entry_outside_executable_segment)
{
	struct image img;

	build_valid(&img);
	set_entry(&img, DATA_VADDR);	/* in the RW- segment */
	check_rejected(&img, "entry point 0x411100 is not inside an executable segment");
	set_entry(&img, TEXT_VADDR + TEXT_SIZE);	/* one past the text */
	check_rejected(&img, "entry point 0x401100 is not inside");
	set_entry(&img, 0);
	check_rejected(&img, "entry point 0x0 is not inside");
	/* The last instruction of the text is fine. */
	set_entry(&img, TEXT_VADDR + TEXT_SIZE - 4);
	{
		struct elf_info info;

		check_accepted(&img, &info);
	}
}

/* ---- Robustness ---- */

TEST(elf, every_truncation_is_rejected)
{
	struct image img;
	struct elf_info info;
	char err[256];
	size_t n;

	build_valid(&img);
	for (n = 0; n < img.size; n++) {
		uint8_t *copy = malloc(n ? n : 1);

		CHECK(copy != NULL);
		memcpy(copy, img.bytes, n);
		err[0] = '\0';
		CHECK_EQ(elf_parse(n ? copy : NULL, n, &info, err, sizeof(err)),
			 ELF_ERR_INVALID);
		CHECK(strncmp(err, "ELF: ", 5) == 0);
		free(copy);
	}
}

/* Invariants of an accepted image, whatever it looks like. */
static void check_invariants(const uint8_t *image, size_t size,
			     const struct elf_info *info)
{
	bool entry_ok = false;
	unsigned int i;

	CHECK(info->nsegments >= 1 && info->nsegments <= ELF_MAX_SEGMENTS);
	CHECK_EQ(info->entry % 4, 0);
	for (i = 0; i < info->nsegments; i++) {
		const struct elf_segment *s = &info->segments[i];
		uint64_t size_pages = elf_segment_page_size(s);

		CHECK(s->offset <= size && s->filesz <= size - s->offset);
		CHECK(s->filesz <= s->memsz && s->memsz > 0);
		CHECK(s->vaddr >= ELF_APP_VA_MIN);
		CHECK(s->vaddr + s->memsz <= ELF_APP_VA_MAX);
		CHECK((s->flags & (ELF_SEG_W | ELF_SEG_X)) !=
		      (ELF_SEG_W | ELF_SEG_X));
		if ((s->flags & ELF_SEG_X) && info->entry >= s->vaddr &&
		    info->entry < s->vaddr + s->memsz)
			entry_ok = true;
		if (size_pages <= 0x100000) {
			uint8_t *dst = malloc(size_pages);
			char err[256];

			CHECK(dst != NULL);
			CHECK_EQ(elf_load_segment(image, size, s, dst, size_pages,
						  err, sizeof(err)), ELF_OK);
			free(dst);
		}
	}
	CHECK(entry_ok);
}

static const uint64_t interesting[] = {
	0, 1, 4, 0x38, 0x40, 0xfff, 0x1000, IMG_SIZE, IMG_SIZE + 1,
	0x400000, 0x3ffff000, 0x40000000, 0x7fffffffffffffffULL,
	0xfffffffffffff000ULL, UINT64_MAX - 0x38, UINT64_MAX,
};

TEST(elf, random_corruption_never_crashes)
{
	struct image img;
	struct elf_info info;
	char err[256];
	unsigned int iter, accepted = 0, j;

	for (iter = 0; iter < 5000; iter++) {
		unsigned int nmut = 1 + (unsigned int)unit_rand_below(6);
		uint8_t *copy;

		build_valid(&img);
		for (j = 0; j < nmut; j++) {
			/* Mostly the headers, where the parser looks. */
			size_t hot = IMG_PHOFF + IMG_PHNUM * ELF64_PHDR_SIZE;
			size_t at = unit_rand_below(4) ? unit_rand_below(hot) :
				    unit_rand_below(img.size);

			switch (unit_rand_below(4)) {
			case 0:
				img.bytes[at] ^= (uint8_t)(1u << unit_rand_below(8));
				break;
			case 1:
				img.bytes[at] = (uint8_t)unit_rand();
				break;
			case 2:	/* an interesting 64-bit value on an 8-byte field */
				at = MIN(at & ~(size_t)7, hot - 8);
				put64(img.bytes + at, interesting[unit_rand_below(
					ARRAY_SIZE(interesting))]);
				break;
			default:	/* truncate or extend */
				img.size = unit_rand_below(IMG_SIZE + 0x100);
				break;
			}
		}
		copy = malloc(img.size ? img.size : 1);
		CHECK(copy != NULL);
		memcpy(copy, img.bytes, img.size);
		err[0] = 'x';
		if (elf_parse(copy, img.size, &info, err, sizeof(err)) == ELF_OK) {
			accepted++;
			CHECK_STR_EQ(err, "");
			check_invariants(copy, img.size, &info);
		} else {
			CHECK(strncmp(err, "ELF: ", 5) == 0);
		}
		free(copy);
	}
	/* Some mutations (padding, p_paddr, p_align, contents) keep it valid. */
	CHECK(accepted > 0 && accepted < 5000);
}
