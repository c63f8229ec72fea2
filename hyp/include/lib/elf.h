/*
 * ELF64 loader for EL0 app images: static, non-PIE AArch64 executables
 * linked at a fixed low VA (e.g. 0x400000). Pure and freestanding: it only
 * reads the image it is given and writes the caller's buffers; no
 * allocation, no mapping. The image may come from an untrusted initrd, so
 * every field is checked (with overflow-safe arithmetic) before use, and
 * the image need not be aligned in memory (fields are decoded byte by byte,
 * little-endian).
 *
 * What elf_parse() accepts:
 * - ELFCLASS64, ELFDATA2LSB, EV_CURRENT, ET_EXEC, EM_AARCH64;
 * - e_phentsize == sizeof(struct elf64_phdr) and the program header table
 *   inside the file;
 * - 1..ELF_MAX_SEGMENTS PT_LOAD segments, each with p_memsz > 0,
 *   p_filesz <= p_memsz, its file bytes inside the file,
 *   p_vaddr % 4096 == p_offset % 4096, [p_vaddr, p_vaddr + p_memsz) inside
 *   the VA window [va_min, va_max), not both writable and executable, and
 *   not overlapping another PT_LOAD once both are rounded out to pages;
 * - no PT_INTERP and no PT_DYNAMIC (static images only); other program
 *   header types are ignored; section headers are never looked at;
 * - e_entry 4-byte aligned and inside an executable PT_LOAD.
 *
 * The default window [ELF_APP_VA_MIN, ELF_APP_VA_MAX) = [4 MiB, 1 GiB)
 * keeps page 0 and the rest of the first 4 MiB unmapped (NULL-pointer
 * faults) and stays far below any limit an EL0 translation regime has.
 */
#ifndef LIB_ELF_H
#define LIB_ELF_H

#include "lib/types.h"

/* ---- On-file ELF64 structures (only what the loader needs) ---- */

#define EI_NIDENT 16
#define EI_MAG0 0
#define EI_CLASS 4
#define EI_DATA 5
#define EI_VERSION 6
#define ELFMAG0 0x7f
#define ELFCLASS64 2
#define ELFDATA2LSB 1
#define EV_CURRENT 1
#define ET_EXEC 2
#define EM_AARCH64 183

#define PT_NULL 0
#define PT_LOAD 1
#define PT_DYNAMIC 2
#define PT_INTERP 3

#define PF_X 0x1u
#define PF_W 0x2u
#define PF_R 0x4u

/* Field order and widths as in the file; decoded from bytes, never cast onto the image. */
struct elf64_ehdr {
	uint8_t e_ident[EI_NIDENT];
	uint16_t e_type;
	uint16_t e_machine;
	uint32_t e_version;
	uint64_t e_entry;
	uint64_t e_phoff;
	uint64_t e_shoff;
	uint32_t e_flags;
	uint16_t e_ehsize;
	uint16_t e_phentsize;
	uint16_t e_phnum;
	uint16_t e_shentsize;
	uint16_t e_shnum;
	uint16_t e_shstrndx;
};

struct elf64_phdr {
	uint32_t p_type;
	uint32_t p_flags;
	uint64_t p_offset;
	uint64_t p_vaddr;
	uint64_t p_paddr;
	uint64_t p_filesz;
	uint64_t p_memsz;
	uint64_t p_align;
};

#define ELF64_EHDR_SIZE 64
#define ELF64_PHDR_SIZE 56

/* ---- Loader ---- */

#define ELF_MAX_SEGMENTS 8
#define ELF_APP_VA_MIN 0x400000UL	/* 4 MiB */
#define ELF_APP_VA_MAX 0x40000000UL	/* 1 GiB, exclusive */

/* elf_segment.flags: the PF_* bits of the program header. */
#define ELF_SEG_X PF_X
#define ELF_SEG_W PF_W
#define ELF_SEG_R PF_R

struct elf_segment {
	uint64_t vaddr;		/* p_vaddr: first byte of the segment */
	uint64_t memsz;		/* bytes in memory, > 0 */
	uint64_t offset;	/* p_offset: file offset of the first byte */
	uint64_t filesz;	/* bytes taken from the file, <= memsz */
	uint32_t flags;		/* ELF_SEG_R | ELF_SEG_W | ELF_SEG_X, never W and X */
};

struct elf_info {
	uint64_t entry;
	unsigned int nsegments;	/* 1..ELF_MAX_SEGMENTS, in program header order */
	struct elf_segment segments[ELF_MAX_SEGMENTS];
	uint64_t va_start;	/* lowest segment page (page-aligned) */
	uint64_t va_end;	/* end of the highest segment page (page-aligned) */
};

enum elf_status {
	ELF_OK = 0,
	ELF_ERR_INVALID = -1,	/* image rejected; the message says why */
	ELF_ERR_BUFFER = -2,	/* elf_load_segment: destination too small */
};

/*
 * Validate an image against the rules above with the default window and
 * describe it in *out. Returns ELF_OK, or ELF_ERR_INVALID with a
 * NUL-terminated message starting "ELF: " in err (err may be NULL or
 * errlen 0). On failure *out is zeroed.
 */
int elf_parse(const void *image, size_t size, struct elf_info *out,
	      char *err, size_t errlen);

/* Same with a caller-given window [va_min, va_max); both must be page-aligned. */
int elf_parse_window(const void *image, size_t size, uint64_t va_min,
		     uint64_t va_max, struct elf_info *out, char *err,
		     size_t errlen);

/* The pages a segment occupies: [elf_segment_page_base, + elf_segment_page_size). */
static inline uint64_t elf_segment_page_base(const struct elf_segment *seg)
{
	return ALIGN_DOWN(seg->vaddr, (uint64_t)PAGE_SIZE);
}

static inline uint64_t elf_segment_page_size(const struct elf_segment *seg)
{
	return ALIGN_UP(seg->vaddr + seg->memsz, (uint64_t)PAGE_SIZE) -
	       elf_segment_page_base(seg);
}

/*
 * Fill the memory of one segment (from a successful elf_parse of the same
 * image): dst is the segment's pages, i.e. dst[0] stands for VA
 * elf_segment_page_base(seg), and dst_size must be at least
 * elf_segment_page_size(seg). The filesz file bytes land at their VA;
 * everything else in dst_size (the page head before p_vaddr, the .bss
 * tail, the rest of the last page) is zeroed. Returns ELF_OK,
 * ELF_ERR_BUFFER, or ELF_ERR_INVALID if the segment does not fit the image.
 */
int elf_load_segment(const void *image, size_t size,
		     const struct elf_segment *seg, void *dst, size_t dst_size,
		     char *err, size_t errlen);

#endif
