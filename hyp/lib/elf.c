/*
 * ELF64 app image loader: validation (elf_parse) and segment copy
 * (elf_load_segment). See lib/elf.h for the rules. Every length and offset
 * from the file is compared against what remains, never added first, so no
 * check can be defeated by wrap-around.
 */
#include "lib/elf.h"
#include "lib/format.h"
#include "lib/string.h"

_Static_assert(sizeof(struct elf64_phdr) == ELF64_PHDR_SIZE,
	       "elf64_phdr layout");
_Static_assert(sizeof(struct elf64_ehdr) == ELF64_EHDR_SIZE,
	       "elf64_ehdr layout");

#define ELF_PAGE ((uint64_t)PAGE_SIZE)

typedef unsigned long long ull;	/* for printing uint64_t portably */

static void __printf(3, 4) set_error(char *err, size_t errlen,
				     const char *fmt, ...)
{
	va_list ap;

	if (err == NULL || errlen == 0)
		return;
	va_start(ap, fmt);
	vformat(err, errlen, fmt, ap);
	va_end(ap);
}

/* Little-endian loads from a possibly unaligned byte pointer. */
static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] | (p[1] << 8));
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)get16(p) | ((uint32_t)get16(p + 2) << 16);
}

static uint64_t get64(const uint8_t *p)
{
	return (uint64_t)get32(p) | ((uint64_t)get32(p + 4) << 32);
}

/* p points at ELF64_EHDR_SIZE readable bytes. */
static void decode_ehdr(const uint8_t *p, struct elf64_ehdr *eh)
{
	memcpy(eh->e_ident, p, EI_NIDENT);
	eh->e_type = get16(p + 16);
	eh->e_machine = get16(p + 18);
	eh->e_version = get32(p + 20);
	eh->e_entry = get64(p + 24);
	eh->e_phoff = get64(p + 32);
	eh->e_shoff = get64(p + 40);
	eh->e_flags = get32(p + 48);
	eh->e_ehsize = get16(p + 52);
	eh->e_phentsize = get16(p + 54);
	eh->e_phnum = get16(p + 56);
	eh->e_shentsize = get16(p + 58);
	eh->e_shnum = get16(p + 60);
	eh->e_shstrndx = get16(p + 62);
}

/* p points at ELF64_PHDR_SIZE readable bytes. */
static void decode_phdr(const uint8_t *p, struct elf64_phdr *ph)
{
	ph->p_type = get32(p + 0);
	ph->p_flags = get32(p + 4);
	ph->p_offset = get64(p + 8);
	ph->p_vaddr = get64(p + 16);
	ph->p_paddr = get64(p + 24);
	ph->p_filesz = get64(p + 32);
	ph->p_memsz = get64(p + 40);
	ph->p_align = get64(p + 48);
}

static int check_ehdr(const uint8_t *img, size_t size, struct elf64_ehdr *eh,
		      char *err, size_t errlen)
{
	uint64_t table_size;

	if (size < ELF64_EHDR_SIZE) {
		set_error(err, errlen,
			  "ELF: file of %zu bytes is shorter than the %d-byte ELF header",
			  size, ELF64_EHDR_SIZE);
		return ELF_ERR_INVALID;
	}
	decode_ehdr(img, eh);
	if (eh->e_ident[EI_MAG0] != ELFMAG0 || eh->e_ident[1] != 'E' ||
	    eh->e_ident[2] != 'L' || eh->e_ident[3] != 'F') {
		set_error(err, errlen,
			  "ELF: bad magic %02x %02x %02x %02x (not an ELF file)",
			  eh->e_ident[0], eh->e_ident[1], eh->e_ident[2],
			  eh->e_ident[3]);
		return ELF_ERR_INVALID;
	}
	if (eh->e_ident[EI_CLASS] != ELFCLASS64) {
		set_error(err, errlen, "ELF: not a 64-bit ELF (EI_CLASS %u)",
			  eh->e_ident[EI_CLASS]);
		return ELF_ERR_INVALID;
	}
	if (eh->e_ident[EI_DATA] != ELFDATA2LSB) {
		set_error(err, errlen, "ELF: not little-endian (EI_DATA %u)",
			  eh->e_ident[EI_DATA]);
		return ELF_ERR_INVALID;
	}
	if (eh->e_ident[EI_VERSION] != EV_CURRENT || eh->e_version != EV_CURRENT) {
		set_error(err, errlen,
			  "ELF: unknown ELF version (EI_VERSION %u, e_version %u)",
			  eh->e_ident[EI_VERSION], eh->e_version);
		return ELF_ERR_INVALID;
	}
	if (eh->e_type != ET_EXEC) {
		set_error(err, errlen,
			  "ELF: not a static non-PIE executable (e_type %u, want ET_EXEC %u)",
			  eh->e_type, ET_EXEC);
		return ELF_ERR_INVALID;
	}
	if (eh->e_machine != EM_AARCH64) {
		set_error(err, errlen,
			  "ELF: not an AArch64 executable (e_machine %u)",
			  eh->e_machine);
		return ELF_ERR_INVALID;
	}
	if (eh->e_phentsize != ELF64_PHDR_SIZE) {
		set_error(err, errlen,
			  "ELF: e_phentsize %u is not the %d bytes of an ELF64 program header",
			  eh->e_phentsize, ELF64_PHDR_SIZE);
		return ELF_ERR_INVALID;
	}
	if (eh->e_phnum == 0) {
		set_error(err, errlen, "ELF: no program headers (e_phnum 0)");
		return ELF_ERR_INVALID;
	}
	/* Both factors are 16-bit: the product cannot overflow. */
	table_size = (uint64_t)eh->e_phnum * eh->e_phentsize;
	if (eh->e_phoff > size || table_size > size - eh->e_phoff) {
		set_error(err, errlen,
			  "ELF: program header table (e_phoff 0x%llx, %u entries of %u bytes) runs past the end of the %zu-byte file",
			  (ull)eh->e_phoff, eh->e_phnum, eh->e_phentsize, size);
		return ELF_ERR_INVALID;
	}
	return ELF_OK;
}

static int check_load(unsigned int index, const struct elf64_phdr *ph,
		      size_t size, uint64_t va_min, uint64_t va_max,
		      char *err, size_t errlen)
{
	if (ph->p_offset > size || ph->p_filesz > size - ph->p_offset) {
		if (ph->p_filesz > UINT64_MAX - ph->p_offset)
			set_error(err, errlen,
				  "ELF: segment %u: file range at offset 0x%llx of 0x%llx bytes wraps around",
				  index, (ull)ph->p_offset, (ull)ph->p_filesz);
		else
			set_error(err, errlen,
				  "ELF: segment %u: file range [0x%llx, 0x%llx) runs past the end of the %zu-byte file",
				  index, (ull)ph->p_offset,
				  (ull)(ph->p_offset + ph->p_filesz), size);
		return ELF_ERR_INVALID;
	}
	if (ph->p_memsz == 0) {
		set_error(err, errlen, "ELF: segment %u is empty (p_memsz 0)",
			  index);
		return ELF_ERR_INVALID;
	}
	if (ph->p_filesz > ph->p_memsz) {
		set_error(err, errlen,
			  "ELF: segment %u: p_filesz 0x%llx is larger than p_memsz 0x%llx",
			  index, (ull)ph->p_filesz, (ull)ph->p_memsz);
		return ELF_ERR_INVALID;
	}
	if (ph->p_vaddr % ELF_PAGE != ph->p_offset % ELF_PAGE) {
		set_error(err, errlen,
			  "ELF: segment %u: p_vaddr 0x%llx and p_offset 0x%llx differ modulo the 4096-byte page",
			  index, (ull)ph->p_vaddr, (ull)ph->p_offset);
		return ELF_ERR_INVALID;
	}
	if (ph->p_memsz > UINT64_MAX - ph->p_vaddr) {
		set_error(err, errlen,
			  "ELF: segment %u: VA range at 0x%llx of 0x%llx bytes wraps around",
			  index, (ull)ph->p_vaddr, (ull)ph->p_memsz);
		return ELF_ERR_INVALID;
	}
	if (ph->p_vaddr < va_min || ph->p_vaddr > va_max ||
	    ph->p_memsz > va_max - ph->p_vaddr) {
		set_error(err, errlen,
			  "ELF: segment %u: VA range [0x%llx, 0x%llx) is outside the app window [0x%llx, 0x%llx)",
			  index, (ull)ph->p_vaddr,
			  (ull)(ph->p_vaddr + ph->p_memsz), (ull)va_min,
			  (ull)va_max);
		return ELF_ERR_INVALID;
	}
	if ((ph->p_flags & PF_W) && (ph->p_flags & PF_X)) {
		set_error(err, errlen,
			  "ELF: segment %u is both writable and executable",
			  index);
		return ELF_ERR_INVALID;
	}
	return ELF_OK;
}

/* Page-rounded overlap check of the new segment against the ones before it. */
static int check_overlap(const struct elf_info *out, char *err, size_t errlen)
{
	const struct elf_segment *new = &out->segments[out->nsegments - 1];
	uint64_t base = elf_segment_page_base(new);
	uint64_t end = base + elf_segment_page_size(new);
	unsigned int i;

	for (i = 0; i + 1 < out->nsegments; i++) {
		const struct elf_segment *old = &out->segments[i];
		uint64_t obase = elf_segment_page_base(old);
		uint64_t oend = obase + elf_segment_page_size(old);

		if (base < oend && obase < end) {
			set_error(err, errlen,
				  "ELF: PT_LOAD segments %u [0x%llx, 0x%llx) and %u [0x%llx, 0x%llx) overlap (page-rounded)",
				  i, (ull)old->vaddr,
				  (ull)(old->vaddr + old->memsz),
				  out->nsegments - 1, (ull)new->vaddr,
				  (ull)(new->vaddr + new->memsz));
			return ELF_ERR_INVALID;
		}
	}
	return ELF_OK;
}

static int check_entry(const struct elf_info *out, char *err, size_t errlen)
{
	unsigned int i;

	if (!IS_ALIGNED(out->entry, (uint64_t)4)) {
		set_error(err, errlen,
			  "ELF: entry point 0x%llx is not 4-byte aligned",
			  (ull)out->entry);
		return ELF_ERR_INVALID;
	}
	for (i = 0; i < out->nsegments; i++) {
		const struct elf_segment *seg = &out->segments[i];

		if ((seg->flags & ELF_SEG_X) && out->entry >= seg->vaddr &&
		    out->entry - seg->vaddr < seg->memsz)
			return ELF_OK;
	}
	set_error(err, errlen,
		  "ELF: entry point 0x%llx is not inside an executable segment",
		  (ull)out->entry);
	return ELF_ERR_INVALID;
}

static int parse(const uint8_t *img, size_t size, uint64_t va_min,
		 uint64_t va_max, struct elf_info *out, char *err,
		 size_t errlen)
{
	struct elf64_ehdr eh;
	struct elf64_phdr ph;
	unsigned int i;
	int ret;

	if (!IS_ALIGNED(va_min, ELF_PAGE) || !IS_ALIGNED(va_max, ELF_PAGE) ||
	    va_min >= va_max) {
		set_error(err, errlen,
			  "ELF: bad app window [0x%llx, 0x%llx) (must be page-aligned and non-empty)",
			  (ull)va_min, (ull)va_max);
		return ELF_ERR_INVALID;
	}
	if (img == NULL) {
		set_error(err, errlen, "ELF: no image");
		return ELF_ERR_INVALID;
	}
	ret = check_ehdr(img, size, &eh, err, errlen);
	if (ret != ELF_OK)
		return ret;

	for (i = 0; i < eh.e_phnum; i++) {
		decode_phdr(img + eh.e_phoff + (uint64_t)i * ELF64_PHDR_SIZE, &ph);
		if (ph.p_type == PT_INTERP || ph.p_type == PT_DYNAMIC) {
			set_error(err, errlen,
				  "ELF: program header %u is %s: only static executables are supported",
				  i, ph.p_type == PT_INTERP ? "PT_INTERP" :
				  "PT_DYNAMIC");
			return ELF_ERR_INVALID;
		}
		if (ph.p_type != PT_LOAD)
			continue;
		if (out->nsegments == ELF_MAX_SEGMENTS) {
			set_error(err, errlen,
				  "ELF: more than %d PT_LOAD segments",
				  ELF_MAX_SEGMENTS);
			return ELF_ERR_INVALID;
		}
		ret = check_load(out->nsegments, &ph, size, va_min, va_max,
				 err, errlen);
		if (ret != ELF_OK)
			return ret;
		out->segments[out->nsegments] = (struct elf_segment){
			.vaddr = ph.p_vaddr,
			.memsz = ph.p_memsz,
			.offset = ph.p_offset,
			.filesz = ph.p_filesz,
			.flags = ph.p_flags & (PF_R | PF_W | PF_X),
		};
		out->nsegments++;
		ret = check_overlap(out, err, errlen);
		if (ret != ELF_OK)
			return ret;
	}
	if (out->nsegments == 0) {
		set_error(err, errlen, "ELF: no PT_LOAD segment");
		return ELF_ERR_INVALID;
	}

	out->entry = eh.e_entry;
	ret = check_entry(out, err, errlen);
	if (ret != ELF_OK)
		return ret;

	out->va_start = UINT64_MAX;
	out->va_end = 0;
	for (i = 0; i < out->nsegments; i++) {
		const struct elf_segment *seg = &out->segments[i];
		uint64_t base = elf_segment_page_base(seg);

		out->va_start = MIN(out->va_start, base);
		out->va_end = MAX(out->va_end, base + elf_segment_page_size(seg));
	}
	return ELF_OK;
}

int elf_parse_window(const void *image, size_t size, uint64_t va_min,
		     uint64_t va_max, struct elf_info *out, char *err,
		     size_t errlen)
{
	int ret;

	memset(out, 0, sizeof(*out));
	set_error(err, errlen, "%s", "");
	ret = parse(image, size, va_min, va_max, out, err, errlen);
	if (ret != ELF_OK)
		memset(out, 0, sizeof(*out));
	return ret;
}

int elf_parse(const void *image, size_t size, struct elf_info *out,
	      char *err, size_t errlen)
{
	return elf_parse_window(image, size, ELF_APP_VA_MIN, ELF_APP_VA_MAX,
				out, err, errlen);
}

int elf_load_segment(const void *image, size_t size,
		     const struct elf_segment *seg, void *dst, size_t dst_size,
		     char *err, size_t errlen)
{
	uint8_t *d = dst;
	uint64_t head, need;

	set_error(err, errlen, "%s", "");
	/* Re-check what is used here: seg may not come from this image. */
	if (image == NULL || seg->offset > size ||
	    seg->filesz > size - seg->offset || seg->filesz > seg->memsz ||
	    seg->memsz > UINT64_MAX - seg->vaddr ||
	    seg->vaddr + seg->memsz > UINT64_MAX - (ELF_PAGE - 1)) {
		set_error(err, errlen,
			  "ELF: segment at 0x%llx (file [0x%llx, +0x%llx), memsz 0x%llx) does not fit the %zu-byte image",
			  (ull)seg->vaddr, (ull)seg->offset,
			  (ull)seg->filesz, (ull)seg->memsz, size);
		return ELF_ERR_INVALID;
	}
	head = seg->vaddr - elf_segment_page_base(seg);
	need = elf_segment_page_size(seg);
	if (dst == NULL || dst_size < need) {
		set_error(err, errlen,
			  "ELF: segment at 0x%llx needs 0x%llx bytes of pages, the buffer has 0x%llx",
			  (ull)seg->vaddr, (ull)need, (ull)dst_size);
		return ELF_ERR_BUFFER;
	}
	memset(d, 0, head);
	memcpy(d + head, (const uint8_t *)image + seg->offset, seg->filesz);
	memset(d + head + seg->filesz, 0, dst_size - head - seg->filesz);
	return ELF_OK;
}
