/*
 * Physical memory: the page allocator over the RAM the device tree names,
 * minus the hypervisor image, the DTB and the initrd. Thread-safe.
 */
#ifndef CORE_MM_H
#define CORE_MM_H

#include "core/platform.h"
#include "lib/types.h"

/* Set up the allocator and map all RAM into the linear map. 0 or -1. */
int mm_init(const struct platform *plat, paddr_t image_pa, size_t image_size,
	    paddr_t dtb_pa);

/* Whether [pa, pa + size) overlaps any RAM bank. */
bool mm_overlaps_ram(paddr_t pa, size_t size);

bool mm_alloc_pages(size_t npages, size_t align_pages, paddr_t *pa);
bool mm_alloc_zeroed_pages(size_t npages, paddr_t *pa);
void mm_free_pages(paddr_t pa, size_t npages);
size_t mm_free_page_count(void);
size_t mm_total_page_count(void);

#endif
