/* hyp/lib/page_alloc.c, including a randomized run against a shadow model. */
#include <stdlib.h>
#include <string.h>

#include "lib/page_alloc.h"
#include "test.h"

#define MB (1024ULL * 1024)
#define P(n) ((paddr_t)(n) * PAGE_SIZE)

static uint64_t *new_bitmap(size_t npages)
{
	/* Garbage, so a missing clear in page_add_region shows. */
	uint64_t *bitmap = malloc(page_bitmap_bytes(npages));

	memset(bitmap, 0xa5, page_bitmap_bytes(npages));
	return bitmap;
}

TEST(page_alloc, bitmap_bytes_round_up_to_words)
{
	CHECK_EQ(page_bitmap_bytes(0), 0);
	CHECK_EQ(page_bitmap_bytes(1), 8);
	CHECK_EQ(page_bitmap_bytes(64), 8);
	CHECK_EQ(page_bitmap_bytes(65), 16);
	CHECK_EQ(page_bitmap_bytes(262144), 32768);	/* 1 GiB */
}

TEST(page_alloc, add_region_validates)
{
	struct page_allocator pa;
	uint64_t *bm[PAGE_ALLOC_MAX_REGIONS + 1];
	unsigned i;

	page_allocator_init(&pa);
	for (i = 0; i <= PAGE_ALLOC_MAX_REGIONS; i++)
		bm[i] = new_bitmap(16);
	CHECK_EQ(page_add_region(&pa, 0x40000000 + 1, 16, bm[0]), -1);
	CHECK_EQ(page_add_region(&pa, 0x40000000, 0, bm[0]), -1);
	CHECK_EQ(page_add_region(&pa, ~(paddr_t)0 & ~(paddr_t)(PAGE_SIZE - 1), 16, bm[0]), -1);
	CHECK_EQ(page_add_region(&pa, 0x40000000, 16, bm[0]), 0);
	/* Overlaps: same, inside, straddling either end. */
	CHECK_EQ(page_add_region(&pa, 0x40000000, 16, bm[1]), -1);
	CHECK_EQ(page_add_region(&pa, 0x40000000 + P(4), 1, bm[1]), -1);
	CHECK_EQ(page_add_region(&pa, 0x40000000 - P(1), 2, bm[1]), -1);
	CHECK_EQ(page_add_region(&pa, 0x40000000 + P(15), 2, bm[1]), -1);
	/* Touching is not overlapping. */
	CHECK_EQ(page_add_region(&pa, 0x40000000 + P(16), 16, bm[1]), 0);
	CHECK_EQ(page_add_region(&pa, 0x40000000 - P(16), 16, bm[2]), 0);
	for (i = 3; i < PAGE_ALLOC_MAX_REGIONS; i++)
		CHECK_EQ(page_add_region(&pa, P(i * 100), 16, bm[i]), 0);
	CHECK_EQ(page_add_region(&pa, P(5000), 16, bm[i]), -1);	/* table full */
	CHECK_EQ(page_total_count(&pa), 16 * PAGE_ALLOC_MAX_REGIONS);
	CHECK_EQ(page_free_count(&pa), 16 * PAGE_ALLOC_MAX_REGIONS);
	for (i = 0; i <= PAGE_ALLOC_MAX_REGIONS; i++)
		free(bm[i]);
}

TEST(page_alloc, alloc_free_roundtrip_and_double_free)
{
	struct page_allocator pa;
	uint64_t *bm = new_bitmap(100);
	paddr_t a, b;

	page_allocator_init(&pa);
	CHECK_EQ(page_add_region(&pa, 0x80000000, 100, bm), 0);
	CHECK(page_alloc(&pa, 1, 1, &a));
	CHECK(page_alloc(&pa, 3, 1, &b));
	CHECK(a != b);
	CHECK(b >= 0x80000000 && b + P(3) <= 0x80000000 + P(100));
	CHECK_EQ(page_free_count(&pa), 96);
	CHECK_EQ(page_free(&pa, b, 3), 0);
	CHECK_EQ(page_free(&pa, b, 3), -1);	/* double free */
	CHECK_EQ(page_free(&pa, a, 2), -1);	/* second page is free: refused */
	CHECK_EQ(page_free_count(&pa), 99);	/* ... and nothing freed */
	CHECK_EQ(page_free(&pa, a + 1, 1), -1);	/* unaligned */
	CHECK_EQ(page_free(&pa, a, 0), -1);
	CHECK_EQ(page_free(&pa, 0x1000, 1), -1);	/* outside */
	CHECK_EQ(page_free(&pa, a, 1), 0);
	CHECK_EQ(page_free_count(&pa), 100);
	CHECK(!page_alloc(&pa, 0, 1, &a));
	CHECK(!page_alloc(&pa, 1, 3, &a));	/* not a power of two */
	CHECK(!page_alloc(&pa, 1, 0, &a));
	free(bm);
}

TEST(page_alloc, alignment_is_of_the_physical_address)
{
	struct page_allocator pa;
	uint64_t *bm = new_bitmap(1021);
	size_t align;
	paddr_t a;

	page_allocator_init(&pa);
	/*
	 * Pages 3..1023 past a 4 MiB boundary: aligning the index in the
	 * region instead of the address would give wrong answers.
	 */
	CHECK_EQ(page_add_region(&pa, 0x40000000 + P(3), 1021, bm), 0);
	for (align = 1; align <= 128; align *= 2) {
		CHECK(page_alloc(&pa, 2, align, &a));
		CHECK_EQ(a % P(align), 0);
	}
	CHECK(page_alloc(&pa, 1, 512, &a));	/* 2 MiB aligned */
	CHECK_EQ(a, 0x40000000 + 2 * MB);
	CHECK(!page_alloc(&pa, 1, 512, &a));	/* the only one is taken */
	CHECK(!page_alloc(&pa, 1, 1024, &a));	/* no 4 MiB boundary inside */
	CHECK(page_alloc(&pa, 1, 256, &a));
	CHECK_EQ(a, 0x40000000 + 3 * MB);
	free(bm);
}

TEST(page_alloc, contiguous_runs_skip_holes)
{
	struct page_allocator pa;
	uint64_t *bm = new_bitmap(10);
	paddr_t a;

	page_allocator_init(&pa);
	CHECK_EQ(page_add_region(&pa, 0, 10, bm), 0);
	/* Used: 1 and 5, free runs: [0], [2..4], [6..9]. */
	CHECK_EQ(page_reserve(&pa, P(1), 1), 1);
	CHECK_EQ(page_reserve(&pa, P(5), PAGE_SIZE), 1);
	CHECK(page_alloc(&pa, 4, 1, &a));
	CHECK_EQ(a, P(6));
	CHECK(page_alloc(&pa, 3, 1, &a));
	CHECK_EQ(a, P(2));
	CHECK(!page_alloc(&pa, 2, 1, &a));
	CHECK(page_alloc(&pa, 1, 1, &a));
	CHECK_EQ(a, P(0));
	CHECK(!page_alloc(&pa, 1, 1, &a));	/* exhausted */
	CHECK_EQ(page_free_count(&pa), 0);
	free(bm);
}

TEST(page_alloc, exhaustion_then_reuse)
{
	struct page_allocator pa;
	uint64_t *bm = new_bitmap(130);
	paddr_t pages[130], extra;
	size_t i;

	page_allocator_init(&pa);
	CHECK_EQ(page_add_region(&pa, 0x10000000, 130, bm), 0);
	for (i = 0; i < 130; i++)
		CHECK(page_alloc(&pa, 1, 1, &pages[i]));
	CHECK(!page_alloc(&pa, 1, 1, &extra));
	CHECK_EQ(page_free(&pa, pages[77], 1), 0);
	CHECK(page_alloc(&pa, 1, 1, &extra));
	CHECK_EQ(extra, pages[77]);
	free(bm);
}

TEST(page_alloc, allocations_span_regions_in_order)
{
	struct page_allocator pa;
	uint64_t *bm1 = new_bitmap(4), *bm2 = new_bitmap(8);
	paddr_t a;

	page_allocator_init(&pa);
	CHECK_EQ(page_add_region(&pa, 0x40000000, 4, bm1), 0);
	CHECK_EQ(page_add_region(&pa, 0x100000000ULL, 8, bm2), 0);
	CHECK(page_alloc(&pa, 6, 1, &a));	/* only the second fits */
	CHECK_EQ(a, 0x100000000ULL);
	CHECK(page_alloc(&pa, 4, 1, &a));
	CHECK_EQ(a, 0x40000000);
	CHECK(!page_alloc(&pa, 3, 1, &a));	/* 2 left, and not 3 anywhere */
	CHECK(page_alloc(&pa, 2, 1, &a));
	/* A range spanning both regions is not inside one: refused. */
	CHECK_EQ(page_free(&pa, 0x40000000 + P(3), 2), -1);
	free(bm1);
	free(bm2);
}

TEST(page_alloc, reserve_rounds_out_and_clips_to_regions)
{
	struct page_allocator pa;
	uint64_t *bm1 = new_bitmap(16), *bm2 = new_bitmap(16);

	page_allocator_init(&pa);
	CHECK_EQ(page_add_region(&pa, P(100), 16, bm1), 0);
	CHECK_EQ(page_add_region(&pa, P(200), 16, bm2), 0);
	/* One byte either side of a page boundary: two pages. */
	CHECK_EQ(page_reserve(&pa, P(101) - 1, 2), 2);
	/* Again: nothing new. */
	CHECK_EQ(page_reserve(&pa, P(100), P(3)), 1);
	/* From before region 1 to inside region 2: the in-region parts only. */
	CHECK_EQ(page_reserve(&pa, P(90), P(200 - 90 + 2)), 16 - 3 + 2);
	CHECK_EQ(page_free_count(&pa), 14);
	/* Entirely outside, and size 0. */
	CHECK_EQ(page_reserve(&pa, P(500), P(10)), 0);
	CHECK_EQ(page_reserve(&pa, P(205), 0), 0);
	/* Running off the end of the address space clamps, not wraps. */
	CHECK_EQ(page_reserve(&pa, P(210), ~(size_t)0), 6);
	CHECK_EQ(page_free_count(&pa), 8);
	/* A reserved range can be freed later (e.g. init memory). */
	CHECK_EQ(page_free(&pa, P(210), 6), 0);
	CHECK_EQ(page_free(&pa, P(202), 8), -1);	/* never in use */
	free(bm1);
	free(bm2);
}

/*
 * Random allocations and frees checked against a byte-per-page model:
 * every block must be free in the model, aligned and inside a region, and a
 * failed allocation must mean no fitting run exists in the model.
 */
struct shadow {
	paddr_t base[3];
	size_t npages[3];
	unsigned char *used[3];
};

static bool shadow_has_run(const struct shadow *m, size_t n, size_t align)
{
	int r;
	size_t i, j;

	for (r = 0; r < 3; r++) {
		for (i = 0; i + n <= m->npages[r]; i++) {
			if ((m->base[r] / PAGE_SIZE + i) % align != 0)
				continue;
			for (j = 0; j < n && !m->used[r][i + j]; j++)
				;
			if (j == n)
				return true;
		}
	}
	return false;
}

static void shadow_mark(struct shadow *m, paddr_t addr, size_t n, bool used)
{
	int r;
	size_t i;

	for (r = 0; r < 3; r++) {
		if (addr >= m->base[r] && addr < m->base[r] + P(m->npages[r])) {
			size_t first = (size_t)((addr - m->base[r]) / PAGE_SIZE);

			CHECK(first + n <= m->npages[r]);
			for (i = first; i < first + n; i++) {
				CHECK_EQ(m->used[r][i], !used);
				m->used[r][i] = used;
			}
			return;
		}
	}
	unit_fail(__FILE__, __LINE__, "block 0x%llx outside every region",
		  (unsigned long long)addr);
}

TEST(page_alloc, randomized_soak_against_shadow_model)
{
	static const paddr_t bases[3] = { 0x40000000 + P(5), 0x80000000, 0x200000000ULL };
	static const size_t sizes[3] = { 300, 1000, 77 };
	struct { paddr_t addr; size_t n; } live[512];
	size_t nlive = 0, free_pages = 0;
	struct page_allocator pa;
	struct shadow m;
	uint64_t *bitmaps[3];
	int r, step;

	page_allocator_init(&pa);
	for (r = 0; r < 3; r++) {
		m.base[r] = bases[r];
		m.npages[r] = sizes[r];
		m.used[r] = calloc(sizes[r], 1);
		bitmaps[r] = new_bitmap(sizes[r]);
		CHECK_EQ(page_add_region(&pa, bases[r], sizes[r], bitmaps[r]), 0);
		free_pages += sizes[r];
	}
	for (step = 0; step < 40000; step++) {
		if (nlive < 512 && unit_rand_below(100) < 55) {
			size_t n = 1 + unit_rand_below(unit_rand_below(4) ? 8 : 200);
			size_t align = (size_t)1 << unit_rand_below(unit_rand_below(4) ? 2 : 9);
			paddr_t addr;

			if (page_alloc(&pa, n, align, &addr)) {
				CHECK_EQ(addr % P(align), 0);
				shadow_mark(&m, addr, n, true);
				live[nlive].addr = addr;
				live[nlive++].n = n;
				free_pages -= n;
			} else {
				CHECK(!shadow_has_run(&m, n, align));
			}
		} else if (nlive > 0) {
			size_t k = unit_rand_below(nlive);

			CHECK_EQ(page_free(&pa, live[k].addr, live[k].n), 0);
			if (unit_rand_below(20) == 0)
				CHECK_EQ(page_free(&pa, live[k].addr, live[k].n), -1);
			shadow_mark(&m, live[k].addr, live[k].n, false);
			free_pages += live[k].n;
			live[k] = live[--nlive];
		}
		CHECK_EQ(page_free_count(&pa), free_pages);
	}
	for (r = 0; r < 3; r++) {
		free(m.used[r]);
		free(bitmaps[r]);
	}
}
