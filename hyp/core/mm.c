/*
 * Physical memory at boot: map all RAM into the linear map, then hand what
 * nobody uses to the page allocator.
 */
#include "arch/mmu.h"
#include "core/console.h"
#include "core/mm.h"
#include "core/spinlock.h"
#include "lib/page_alloc.h"
#include "lib/string.h"

#define MAX_RESERVED 8

struct phys_range {
	paddr_t start, end;
};

static struct page_allocator allocator;
static const struct platform *ram_map;
static spinlock_t allocator_lock = SPINLOCK_INIT;
static bool allocator_ready;

/* The whole pages of RAM bank b: [*start, *end); empty if *end <= *start. */
static void bank_pages(const struct platform *plat, unsigned b, paddr_t *start, paddr_t *end)
{
	*start = ALIGN_UP(plat->ram[b].base, PAGE_SIZE);
	*end = ALIGN_DOWN(plat->ram[b].base + plat->ram[b].size, PAGE_SIZE);
}

static bool ranges_overlap(paddr_t a0, paddr_t a1, paddr_t b0, paddr_t b1)
{
	return a0 < b1 && b0 < a1;
}

/* Map RAM bank [start, end) read-write, skipping the image (already W^X). */
static int map_ram_bank(paddr_t start, paddr_t end, paddr_t img0, paddr_t img1)
{
	unsigned prot = PROT_READ | PROT_WRITE;

	if (!ranges_overlap(start, end, img0, img1))
		return mmu_map_phys(start, end - start, prot) ? 0 : -1;
	if (start < img0 && !mmu_map_phys(start, img0 - start, prot))
		return -1;
	if (img1 < end && !mmu_map_phys(img1, end - img1, prot))
		return -1;
	return 0;
}

/*
 * Find room for the allocator's bitmaps: the highest page-aligned spot in a
 * RAM bank that overlaps nothing reserved.
 */
static bool place_bitmaps(const struct platform *plat, size_t bytes,
			  const struct phys_range *rsv, unsigned nrsv,
			  paddr_t *out)
{
	size_t size = ALIGN_UP(bytes, PAGE_SIZE);

	for (unsigned b = 0; b < plat->ram_banks; b++) {
		paddr_t lo, hi;

		bank_pages(plat, b, &lo, &hi);

		while (hi >= lo + size) {
			paddr_t cand = hi - size;
			bool clash = false;

			for (unsigned r = 0; r < nrsv; r++) {
				if (ranges_overlap(cand, hi, rsv[r].start, rsv[r].end)) {
					hi = ALIGN_DOWN(rsv[r].start, PAGE_SIZE);
					clash = true;
					break;
				}
			}
			if (!clash) {
				*out = cand;
				return true;
			}
		}
	}
	return false;
}

bool mm_overlaps_ram(paddr_t pa, size_t size)
{
	for (unsigned b = 0; ram_map && b < ram_map->ram_banks; b++)
		if (ranges_overlap(pa, pa + size, ram_map->ram[b].base,
				   ram_map->ram[b].base + ram_map->ram[b].size))
			return true;
	return false;
}

static bool inside_one_bank(const struct platform *plat, paddr_t start, paddr_t end)
{
	for (unsigned b = 0; b < plat->ram_banks; b++)
		if (start >= plat->ram[b].base &&
		    end <= plat->ram[b].base + plat->ram[b].size)
			return true;
	return false;
}

/* The boot loader's ranges must be RAM that the hypervisor does not occupy. */
static int check_boot_ranges(const struct platform *plat, paddr_t img0, paddr_t img1,
			     paddr_t dtb_pa)
{
	paddr_t i0 = plat->initrd_start, i1 = plat->initrd_end;

	if (ranges_overlap(dtb_pa, dtb_pa + plat->dtb_size, img0, img1)) {
		pr_err("mm: the DTB [%#lx, %#lx) overlaps the hypervisor image\n",
		       dtb_pa, dtb_pa + plat->dtb_size);
		return -1;
	}
	if (i1 <= i0)
		return 0;
	if (!inside_one_bank(plat, i0, i1)) {
		pr_err("mm: the initrd [%#lx, %#lx) is not inside RAM\n", i0, i1);
		return -1;
	}
	if (ranges_overlap(i0, i1, img0, img1) ||
	    ranges_overlap(i0, i1, dtb_pa, dtb_pa + plat->dtb_size)) {
		pr_err("mm: the initrd [%#lx, %#lx) overlaps the hypervisor image or the DTB\n",
		       i0, i1);
		return -1;
	}
	return 0;
}

int mm_init(const struct platform *plat, paddr_t image_pa, size_t image_size,
	    paddr_t dtb_pa)
{
	struct phys_range rsv[MAX_RESERVED];
	unsigned nrsv = 0;
	size_t bitmap_bytes = 0;
	paddr_t bitmap_pa;
	uint8_t *bitmap;

	ram_map = plat;
	if (check_boot_ranges(plat, image_pa, image_pa + image_size, dtb_pa))
		return -1;

	rsv[nrsv++] = (struct phys_range){ image_pa, image_pa + image_size };
	rsv[nrsv++] = (struct phys_range){ dtb_pa, dtb_pa + plat->dtb_size };
	if (plat->initrd_end > plat->initrd_start)
		rsv[nrsv++] = (struct phys_range){ plat->initrd_start, plat->initrd_end };

	for (unsigned b = 0; b < plat->ram_banks; b++) {
		paddr_t start, end;

		bank_pages(plat, b, &start, &end);
		if (end <= start)
			continue;
		if (map_ram_bank(start, end, image_pa, image_pa + image_size)) {
			pr_err("mm: cannot map RAM bank %u [%#lx, %#lx)\n", b, start, end);
			return -1;
		}
		bitmap_bytes += ALIGN_UP(page_bitmap_bytes((end - start) >> PAGE_SHIFT), 8);
	}

	if (!place_bitmaps(plat, bitmap_bytes, rsv, nrsv, &bitmap_pa)) {
		pr_err("mm: no free RAM for the page allocator's %zu-byte bitmap\n",
		       bitmap_bytes);
		return -1;
	}
	bitmap = phys_to_virt(bitmap_pa);

	page_allocator_init(&allocator);
	for (unsigned b = 0; b < plat->ram_banks; b++) {
		paddr_t start, end;
		size_t npages;

		bank_pages(plat, b, &start, &end);
		if (end <= start)
			continue;
		npages = (end - start) >> PAGE_SHIFT;
		memset(bitmap, 0, page_bitmap_bytes(npages));
		if (page_add_region(&allocator, start, npages, (uint64_t *)bitmap)) {
			pr_err("mm: RAM bank %u [%#lx, %#lx) rejected (overlap or too many banks)\n",
			       b, start, end);
			return -1;
		}
		bitmap += ALIGN_UP(page_bitmap_bytes(npages), 8);
	}
	rsv[nrsv++] = (struct phys_range){ bitmap_pa, bitmap_pa + bitmap_bytes };
	for (unsigned r = 0; r < nrsv; r++)
		page_reserve(&allocator, rsv[r].start, rsv[r].end - rsv[r].start);
	allocator_ready = true;
	return 0;
}

bool mm_alloc_pages(size_t npages, size_t align_pages, paddr_t *pa)
{
	uint64_t flags = spin_lock_irqsave(&allocator_lock);
	bool ok = page_alloc(&allocator, npages, align_pages, pa);

	spin_unlock_irqrestore(&allocator_lock, flags);
	return ok;
}

bool mm_alloc_zeroed_pages(size_t npages, paddr_t *pa)
{
	if (!allocator_ready)
		return boot_pool_alloc(pa);
	if (!mm_alloc_pages(npages, 1, pa))
		return false;
	memset(phys_to_virt(*pa), 0, npages * PAGE_SIZE);
	return true;
}

void mm_free_pages(paddr_t pa, size_t npages)
{
	uint64_t flags = spin_lock_irqsave(&allocator_lock);
	int err = page_free(&allocator, pa, npages);

	spin_unlock_irqrestore(&allocator_lock, flags);
	if (err)
		panic("mm: freeing %zu pages at %#lx that are not allocated", npages, pa);
}

size_t mm_free_page_count(void)
{
	return page_free_count(&allocator);
}

size_t mm_total_page_count(void)
{
	return page_total_count(&allocator);
}
