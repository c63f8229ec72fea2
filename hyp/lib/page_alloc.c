/*
 * Bitmap page allocator. Searches are first-fit from a per-region hint so
 * that consecutive allocations do not rescan the start of a busy region;
 * alignment is of the physical address, not of the index in the region.
 */
#include "lib/page_alloc.h"
#include "lib/string.h"

#define BITS_PER_WORD 64

static size_t words_for(size_t npages)
{
	return (npages + BITS_PER_WORD - 1) / BITS_PER_WORD;
}

size_t page_bitmap_bytes(size_t npages)
{
	return words_for(npages) * sizeof(uint64_t);
}

void page_allocator_init(struct page_allocator *pa)
{
	memset(pa, 0, sizeof(*pa));
}

static bool page_used(const struct page_region *r, size_t i)
{
	return (r->bitmap[i / BITS_PER_WORD] >> (i % BITS_PER_WORD)) & 1;
}

static void set_page_used(struct page_region *r, size_t i)
{
	r->bitmap[i / BITS_PER_WORD] |= 1ULL << (i % BITS_PER_WORD);
}

static void set_page_free(struct page_region *r, size_t i)
{
	r->bitmap[i / BITS_PER_WORD] &= ~(1ULL << (i % BITS_PER_WORD));
}

/* One past the region's last byte; page_add_region ensured it fits. */
static paddr_t region_end(const struct page_region *r)
{
	return r->base + (paddr_t)r->npages * PAGE_SIZE;
}

static bool ranges_overlap(paddr_t a, paddr_t a_end, paddr_t b, paddr_t b_end)
{
	return a < b_end && b < a_end;
}

static bool overlaps_any_region(const struct page_allocator *pa, paddr_t base,
				paddr_t end)
{
	unsigned i;

	for (i = 0; i < pa->nregions; i++) {
		if (ranges_overlap(base, end, pa->region[i].base,
				   region_end(&pa->region[i])))
			return true;
	}
	return false;
}

int page_add_region(struct page_allocator *pa, paddr_t base, size_t npages,
		    uint64_t *bitmap)
{
	struct page_region *r;
	paddr_t max_pages = (~(paddr_t)0 - base) / PAGE_SIZE;

	if (pa->nregions == PAGE_ALLOC_MAX_REGIONS || npages == 0 ||
	    !IS_ALIGNED(base, PAGE_SIZE) || (paddr_t)npages > max_pages)
		return -1;
	if (overlaps_any_region(pa, base, base + (paddr_t)npages * PAGE_SIZE))
		return -1;

	r = &pa->region[pa->nregions++];
	r->base = base;
	r->npages = npages;
	r->nfree = npages;
	r->next_hint = 0;
	r->bitmap = bitmap;
	memset(bitmap, 0, page_bitmap_bytes(npages));
	return 0;
}

static size_t mark_range_used(struct page_region *r, size_t first, size_t end)
{
	size_t i, newly = 0;

	for (i = first; i < end; i++) {
		if (!page_used(r, i)) {
			set_page_used(r, i);
			newly++;
		}
	}
	r->nfree -= newly;
	return newly;
}

/* End of [base, base + size) rounded up to a page, clamped at the top. */
static paddr_t page_end_clamped(paddr_t base, size_t size)
{
	paddr_t last_page = ALIGN_DOWN(~(paddr_t)0, PAGE_SIZE);
	paddr_t end = base + size;

	if (end < base || end > last_page)
		return last_page;
	return ALIGN_UP(end, PAGE_SIZE);
}

size_t page_reserve(struct page_allocator *pa, paddr_t base, size_t size)
{
	paddr_t start = ALIGN_DOWN(base, PAGE_SIZE);
	paddr_t end = page_end_clamped(base, size);
	size_t newly = 0;
	unsigned i;

	if (size == 0)
		return 0;
	for (i = 0; i < pa->nregions; i++) {
		struct page_region *r = &pa->region[i];
		paddr_t lo = MAX(start, r->base);
		paddr_t hi = MIN(end, region_end(r));

		if (lo < hi)
			newly += mark_range_used(r, (lo - r->base) / PAGE_SIZE,
						 (hi - r->base) / PAGE_SIZE);
	}
	return newly;
}

/* Smallest index >= from whose physical page number is a multiple of align. */
static size_t aligned_index(const struct page_region *r, size_t from,
			    size_t align)
{
	paddr_t pfn = (r->base / PAGE_SIZE) + from;
	paddr_t aligned = ALIGN_UP(pfn, (paddr_t)align);

	return from + (size_t)(aligned - pfn);
}

/* Index of the first used page in [first, first + n), or first + n. */
static size_t first_used(const struct page_region *r, size_t first, size_t n)
{
	size_t i = first, end = first + n;

	while (i < end) {
		/* Whole free words are the common case in a fresh region. */
		if (i % BITS_PER_WORD == 0 && r->bitmap[i / BITS_PER_WORD] == 0) {
			i += BITS_PER_WORD;
			continue;
		}
		if (page_used(r, i))
			return i;
		i++;
	}
	return end;
}

/*
 * First-fit search for n free pages at an aligned start in [from, limit);
 * the run itself may extend past limit. Returns the start or r->npages.
 */
static size_t find_free_run(const struct page_region *r, size_t from,
			    size_t limit, size_t n, size_t align)
{
	size_t start = aligned_index(r, from, align);

	while (start < limit && start <= r->npages - n) {
		size_t used = first_used(r, start, n);

		if (used == start + n)
			return start;
		start = aligned_index(r, used + 1, align);
	}
	return r->npages;
}

static bool alloc_in_region(struct page_region *r, size_t n, size_t align,
			    paddr_t *out)
{
	size_t start, i;

	if (r->nfree < n)
		return false;
	start = find_free_run(r, r->next_hint, r->npages, n, align);
	if (start == r->npages)
		start = find_free_run(r, 0, r->next_hint, n, align);
	if (start == r->npages)
		return false;

	for (i = start; i < start + n; i++)
		set_page_used(r, i);
	r->nfree -= n;
	r->next_hint = (start + n < r->npages) ? start + n : 0;
	*out = r->base + (paddr_t)start * PAGE_SIZE;
	return true;
}

static bool is_power_of_two(size_t x)
{
	return x != 0 && (x & (x - 1)) == 0;
}

bool page_alloc(struct page_allocator *pa, size_t npages, size_t align_pages,
		paddr_t *out)
{
	unsigned i;

	if (npages == 0 || !is_power_of_two(align_pages))
		return false;
	for (i = 0; i < pa->nregions; i++) {
		if (alloc_in_region(&pa->region[i], npages, align_pages, out))
			return true;
	}
	return false;
}

static struct page_region *region_containing(struct page_allocator *pa,
					     paddr_t base, size_t npages)
{
	unsigned i;

	for (i = 0; i < pa->nregions; i++) {
		struct page_region *r = &pa->region[i];

		if (base >= r->base && base < region_end(r) &&
		    npages <= (region_end(r) - base) / PAGE_SIZE)
			return r;
	}
	return NULL;
}

int page_free(struct page_allocator *pa, paddr_t base, size_t npages)
{
	struct page_region *r;
	size_t first, i;

	if (npages == 0 || !IS_ALIGNED(base, PAGE_SIZE))
		return -1;
	r = region_containing(pa, base, npages);
	if (r == NULL)
		return -1;
	first = (base - r->base) / PAGE_SIZE;
	for (i = first; i < first + npages; i++) {
		if (!page_used(r, i))
			return -1;
	}
	for (i = first; i < first + npages; i++)
		set_page_free(r, i);
	r->nfree += npages;
	return 0;
}

size_t page_free_count(const struct page_allocator *pa)
{
	size_t total = 0;
	unsigned i;

	for (i = 0; i < pa->nregions; i++)
		total += pa->region[i].nfree;
	return total;
}

size_t page_total_count(const struct page_allocator *pa)
{
	size_t total = 0;
	unsigned i;

	for (i = 0; i < pa->nregions; i++)
		total += pa->region[i].npages;
	return total;
}
