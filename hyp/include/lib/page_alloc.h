/*
 * Physical page allocator: one bitmap per contiguous region of RAM, a set
 * bit meaning "in use". Supports multi-page contiguous, aligned allocations
 * (guest RAM, page tables, stacks). Pure logic: the caller provides the
 * bitmap storage and does the locking, so it runs unchanged in host tests.
 */
#ifndef LIB_PAGE_ALLOC_H
#define LIB_PAGE_ALLOC_H

#include "lib/types.h"

#define PAGE_ALLOC_MAX_REGIONS 8

struct page_region {
	paddr_t base;		/* page-aligned */
	size_t npages;
	size_t nfree;
	size_t next_hint;	/* where the next search starts */
	uint64_t *bitmap;	/* npages bits */
};

struct page_allocator {
	struct page_region region[PAGE_ALLOC_MAX_REGIONS];
	unsigned nregions;
};

/* Bytes of bitmap needed for a region of npages pages. */
size_t page_bitmap_bytes(size_t npages);

void page_allocator_init(struct page_allocator *pa);

/*
 * Add a region [base, base + npages pages), all free. The bitmap must hold
 * page_bitmap_bytes(npages) bytes. Returns 0, or -1 if the table is full,
 * base is unaligned, npages is 0, or the region overlaps an existing one.
 */
int page_add_region(struct page_allocator *pa, paddr_t base, size_t npages,
		    uint64_t *bitmap);

/*
 * Mark [base, base + size) in use (rounded out to whole pages): used for the
 * hypervisor image, the DTB, the initrd, the bitmaps themselves. Parts
 * outside every region are ignored. Returns the number of pages newly
 * marked.
 */
size_t page_reserve(struct page_allocator *pa, paddr_t base, size_t size);

/*
 * Allocate npages contiguous pages aligned to align_pages pages (a power of
 * two, 1 for none). Returns true and sets *out on success.
 */
bool page_alloc(struct page_allocator *pa, size_t npages, size_t align_pages,
		paddr_t *out);

/*
 * Free npages pages at base. Returns 0, or -1 (and frees nothing) if the
 * range is not entirely inside one region or any page in it is not in use
 * (a double free).
 */
int page_free(struct page_allocator *pa, paddr_t base, size_t npages);

size_t page_free_count(const struct page_allocator *pa);
size_t page_total_count(const struct page_allocator *pa);

#endif
