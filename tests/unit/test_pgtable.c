/*
 * hyp/arch/arm64/pgtable.c: descriptor encodings for both regimes, blocks
 * where alignment allows, block splits, break-before-make, table accounting,
 * argument checks, allocation failure, and randomized runs against a shadow
 * model.
 *
 * Table pages are aligned_alloc'd host pages behind fake physical addresses
 * (TABLE_PA_BASE + n pages, never reused), so a stale, freed or garbled
 * address in a descriptor is caught instead of followed. The descriptor bits
 * are spelled out here from the Arm ARM rather than taken from pgtable.c.
 */
#include <stdlib.h>
#include <string.h>

#include "arch/pgtable.h"
#include "test.h"

#define KB 1024ULL
#define MB (1024 * KB)
#define GB (1024 * MB)
#define L0_SPAN (512 * GB)	/* what one level 0 entry covers */
#define VA_END (1ULL << 48)
#define PG ((uint64_t)PAGE_SIZE)

/* VMSAv8-64 stage 1 descriptor, 4 KiB granule. */
#define D_VALID (1ULL << 0)
#define D_TYPE(d) ((d) & 3)
#define D_TYPE_BLOCK 1ULL	/* levels 1 and 2 */
#define D_TYPE_TABLE 3ULL	/* levels 0 to 2; a page at level 3 */
#define D_ATTRIDX(d) (((d) >> 2) & 7)
#define D_AP1 (1ULL << 6)	/* EL0 access (EL2&0) */
#define D_AP2 (1ULL << 7)	/* read-only */
#define D_SH(d) (((d) >> 8) & 3)
#define D_SH_INNER 3
#define D_AF (1ULL << 10)
#define D_NG (1ULL << 11)
#define D_PXN (1ULL << 53)
#define D_XN (1ULL << 54)	/* UXN in EL2&0 */
#define D_OA_MASK 0x0000fffffffff000ULL
#define D_OA(d) ((d) & D_OA_MASK)
#define D_ATTRS(d) ((d) & ~(D_OA_MASK | 3ULL))
#define D_LEAF_KNOWN (D_OA_MASK | 3ULL | (7ULL << 2) | D_AP1 | D_AP2 | \
		      (3ULL << 8) | D_AF | D_NG | D_PXN | D_XN)

#define RO PROT_READ
#define RW (PROT_READ | PROT_WRITE)
#define RX (PROT_READ | PROT_EXEC)

static uint64_t level_size(int level)
{
	return 1ULL << (39 - 9 * level);
}

static unsigned level_index(uint64_t va, int level)
{
	return (unsigned)((va >> (39 - 9 * level)) & 511);
}

/* ---- Table memory, TLB maintenance: the struct pgtable_mm callbacks ---- */

#define TABLE_PA_BASE 0x0000fe0000000000ULL

enum { TS_UNUSED, TS_LIVE, TS_FREED };

struct tlb_call {
	uint64_t va;
	uint64_t size;
};

struct fake_mm {
	struct pgtable_mm mm;
	const struct pgtable *pt;	/* once initialised: for the BBM check */
	void **page;			/* host memory of table n */
	unsigned char *state;		/* TS_* of table n */
	unsigned *seen;			/* check_tree() pass that saw table n */
	size_t ntables, cap;
	size_t live, allocs, frees, failed;
	long budget;			/* allocations left; < 0: no limit */
	struct tlb_call *tlb;
	size_t ntlb, tlbcap;
	size_t bbm_violations;
	uint64_t bbm_first_va, bbm_first_desc;
	unsigned pass;
};

static size_t table_index(struct fake_mm *fm, paddr_t pa)
{
	size_t n;

	if (pa < TABLE_PA_BASE || !IS_ALIGNED(pa, PG) ||
	    (n = (size_t)((pa - TABLE_PA_BASE) / PG)) >= fm->ntables)
		unit_fail(__FILE__, __LINE__, "0x%llx is not a table page",
			  (unsigned long long)pa);
	if (fm->state[n] != TS_LIVE)
		unit_fail(__FILE__, __LINE__, "table 0x%llx used after being freed",
			  (unsigned long long)pa);
	return n;
}

static uint64_t *table_at(struct fake_mm *fm, paddr_t pa)
{
	return fm->page[table_index(fm, pa)];
}

static bool fake_alloc_table(void *ctx, paddr_t *pa)
{
	struct fake_mm *fm = ctx;
	void *page;

	if (fm->budget == 0) {
		fm->failed++;
		return false;
	}
	if (fm->budget > 0)
		fm->budget--;
	if (fm->ntables == fm->cap) {
		fm->cap = fm->cap ? 2 * fm->cap : 64;
		fm->page = realloc(fm->page, fm->cap * sizeof(*fm->page));
		fm->state = realloc(fm->state, fm->cap * sizeof(*fm->state));
		fm->seen = realloc(fm->seen, fm->cap * sizeof(*fm->seen));
		CHECK(fm->page && fm->state && fm->seen);
	}
	page = aligned_alloc(PG, PG);
	CHECK(page != NULL);
	memset(page, 0, PG);
	fm->page[fm->ntables] = page;
	fm->state[fm->ntables] = TS_LIVE;
	fm->seen[fm->ntables] = 0;
	*pa = TABLE_PA_BASE + fm->ntables * PG;
	fm->ntables++;
	fm->allocs++;
	fm->live++;
	return true;
}

static void fake_free_table(void *ctx, paddr_t pa)
{
	struct fake_mm *fm = ctx;
	size_t n = table_index(fm, pa);	/* a double free fails here */

	free(fm->page[n]);
	fm->page[n] = NULL;
	fm->state[n] = TS_FREED;
	fm->frees++;
	fm->live--;
}

static void *fake_table_ptr(void *ctx, paddr_t pa)
{
	return table_at(ctx, pa);
}

/* The leaf translating va and the level the walk ended at; 0 if none. */
static uint64_t raw_leaf(struct fake_mm *fm, paddr_t root, uint64_t va,
			 int *level)
{
	paddr_t table = root;
	int l;

	for (l = 0; l < 4; l++) {
		uint64_t d = table_at(fm, table)[level_index(va, l)];

		if (level)
			*level = l;
		if (!(d & D_VALID))
			return 0;
		if (l == 3 || D_TYPE(d) == D_TYPE_BLOCK)
			return d;
		table = D_OA(d);
	}
	return 0;
}

/*
 * Break-before-make: when the walker asks for an invalidation, the entry it
 * replaced must already be invalid, so the start of the range (where that
 * entry is) does not translate.
 */
static void fake_tlb_invalidate(void *ctx, uint64_t va, size_t size)
{
	struct fake_mm *fm = ctx;

	if (fm->ntlb == fm->tlbcap) {
		fm->tlbcap = fm->tlbcap ? 2 * fm->tlbcap : 64;
		fm->tlb = realloc(fm->tlb, fm->tlbcap * sizeof(*fm->tlb));
		CHECK(fm->tlb != NULL);
	}
	fm->tlb[fm->ntlb].va = va;
	fm->tlb[fm->ntlb].size = size;
	fm->ntlb++;
	if (fm->pt) {
		uint64_t d = raw_leaf(fm, fm->pt->root, va, NULL);

		if (d && fm->bbm_violations++ == 0) {
			fm->bbm_first_va = va;
			fm->bbm_first_desc = d;
		}
	}
}

static void fake_mm_init(struct fake_mm *fm)
{
	memset(fm, 0, sizeof(*fm));
	fm->mm.alloc_table = fake_alloc_table;
	fm->mm.free_table = fake_free_table;
	fm->mm.table_ptr = fake_table_ptr;
	fm->mm.tlb_invalidate = fake_tlb_invalidate;
	fm->mm.ctx = fm;
	fm->budget = -1;
}

static void fake_mm_release(struct fake_mm *fm)
{
	size_t n;

	for (n = 0; n < fm->ntables; n++)
		free(fm->page[n]);
	free(fm->page);
	free(fm->state);
	free(fm->seen);
	free(fm->tlb);
}

static void tlb_reset(struct fake_mm *fm)
{
	fm->ntlb = 0;
}

/* Did one invalidation since tlb_reset() cover all of [va, va + size)? */
static bool tlb_saw(const struct fake_mm *fm, uint64_t va, uint64_t size)
{
	size_t k;

	for (k = 0; k < fm->ntlb; k++)
		if (fm->tlb[k].va <= va &&
		    va + size - fm->tlb[k].va <= fm->tlb[k].size)
			return true;
	return false;
}

#define CHECK_BBM(fm) check_bbm(__FILE__, __LINE__, (fm))

static void check_bbm(const char *file, int line, const struct fake_mm *fm)
{
	if (fm->bbm_violations)
		unit_fail(file, line,
			  "%zu invalidations while the entry was still valid, "
			  "first at 0x%llx (desc 0x%llx): no break-before-make",
			  fm->bbm_violations, (unsigned long long)fm->bbm_first_va,
			  (unsigned long long)fm->bbm_first_desc);
}

/*
 * Every table reachable from the root is live and reached once, every entry
 * is a well-formed descriptor for its level, and the reachable tables are
 * all the live ones: nothing allocated went missing.
 */
static size_t check_table(struct fake_mm *fm, paddr_t pa, int level)
{
	size_t n = table_index(fm, pa), count = 1;
	const uint64_t *t = fm->page[n];
	unsigned e;

	if (fm->seen[n] == fm->pass)
		unit_fail(__FILE__, __LINE__, "table 0x%llx reachable twice",
			  (unsigned long long)pa);
	fm->seen[n] = fm->pass;
	for (e = 0; e < 512; e++) {
		uint64_t d = t[e];

		if (!(d & D_VALID)) {
			if (d)
				unit_fail(__FILE__, __LINE__,
					  "L%d[%u] invalid but 0x%llx", level, e,
					  (unsigned long long)d);
			continue;
		}
		if (level < 3 && D_TYPE(d) == D_TYPE_TABLE) {
			if (D_ATTRS(d))
				unit_fail(__FILE__, __LINE__,
					  "L%d[%u] table with attributes 0x%llx",
					  level, e, (unsigned long long)d);
			count += check_table(fm, D_OA(d), level + 1);
			continue;
		}
		if (level == 0)
			unit_fail(__FILE__, __LINE__, "block at level 0: 0x%llx",
				  (unsigned long long)d);
		if (level == 3 && D_TYPE(d) != D_TYPE_TABLE)
			unit_fail(__FILE__, __LINE__,
				  "reserved type at level 3: 0x%llx",
				  (unsigned long long)d);
		if (!IS_ALIGNED(D_OA(d), level_size(level)) || !(d & D_AF) ||
		    (d & ~D_LEAF_KNOWN))
			unit_fail(__FILE__, __LINE__, "bad L%d leaf 0x%llx",
				  level, (unsigned long long)d);
	}
	return count;
}

static void check_tree(struct fake_mm *fm, const struct pgtable *pt)
{
	fm->pass++;
	CHECK_EQ(check_table(fm, pt->root, 0), fm->live);
}

static void pt_setup(struct fake_mm *fm, struct pgtable *pt,
		     enum pt_regime regime)
{
	fake_mm_init(fm);
	CHECK_EQ(pgtable_init(pt, regime, &fm->mm), PT_OK);
	CHECK_EQ(fm->allocs, 1);
	fm->pt = pt;
}

/* Destroy: every table allocated must be freed exactly once. */
static void pt_teardown(struct fake_mm *fm, struct pgtable *pt)
{
	size_t n;

	check_tree(fm, pt);
	CHECK_BBM(fm);
	fm->pt = NULL;
	pgtable_destroy(pt);
	CHECK_EQ(fm->live, 0);
	CHECK_EQ(fm->frees, fm->allocs);
	for (n = 0; n < fm->ntables; n++)
		CHECK_EQ(fm->state[n], TS_FREED);
	fake_mm_release(fm);
}

/* ---- Lookups and raw descriptors ---- */

static unsigned expected_prot(enum pt_regime regime, unsigned prot)
{
	prot |= PROT_READ;
	if (regime == PT_EL2)
		prot &= ~PROT_USER;	/* no EL0 in the EL2 regime */
	return prot;
}

static bool valid_prot(unsigned prot)
{
	return (prot & (PROT_READ | PROT_WRITE | PROT_EXEC)) &&
	       !((prot & PROT_WRITE) && (prot & PROT_EXEC));
}

#define CHECK_MAPS(pt, va, pa, prot) \
	check_maps(__FILE__, __LINE__, (pt), (va), (pa), (prot))
#define CHECK_UNMAPPED(pt, va) check_unmapped(__FILE__, __LINE__, (pt), (va))
#define LEAF_AT(fm, pt, va, level) \
	leaf_at(__FILE__, __LINE__, (fm), (pt), (va), (level))

static void check_maps(const char *file, int line, const struct pgtable *pt,
		       uint64_t va, paddr_t want_pa, unsigned want_prot)
{
	paddr_t pa = 0;
	unsigned prot = 0;

	if (!pgtable_lookup(pt, va, &pa, &prot))
		unit_fail(file, line, "0x%llx unmapped, want 0x%llx prot 0x%x",
			  (unsigned long long)va, (unsigned long long)want_pa,
			  want_prot);
	if (pa != want_pa || prot != want_prot)
		unit_fail(file, line,
			  "0x%llx maps to 0x%llx prot 0x%x, want 0x%llx prot 0x%x",
			  (unsigned long long)va, (unsigned long long)pa, prot,
			  (unsigned long long)want_pa, want_prot);
}

static void check_unmapped(const char *file, int line,
			   const struct pgtable *pt, uint64_t va)
{
	paddr_t pa = 0;
	unsigned prot = 0;

	if (pgtable_lookup(pt, va, &pa, &prot))
		unit_fail(file, line,
			  "0x%llx maps to 0x%llx prot 0x%x, want unmapped",
			  (unsigned long long)va, (unsigned long long)pa, prot);
}

/* The leaf descriptor for va, which must be a block or page at want_level. */
static uint64_t leaf_at(const char *file, int line, struct fake_mm *fm,
			const struct pgtable *pt, uint64_t va, int want_level)
{
	int level;
	uint64_t d = raw_leaf(fm, pt->root, va, &level);
	uint64_t want_type = want_level == 3 ? D_TYPE_TABLE : D_TYPE_BLOCK;

	if (!d)
		unit_fail(file, line, "0x%llx: no leaf (walk ended at level %d)",
			  (unsigned long long)va, level);
	if (level != want_level || D_TYPE(d) != want_type)
		unit_fail(file, line,
			  "0x%llx: leaf 0x%llx at level %d, want a %s at level %d",
			  (unsigned long long)va, (unsigned long long)d, level,
			  want_level == 3 ? "page" : "block", want_level);
	return d;
}

/* ---- Shadow model: page number -> (pa, prot as lookup reports it) ---- */

struct model {
	enum pt_regime regime;
	uint64_t base;
	size_t npages;
	paddr_t *pa;
	unsigned char *prot;	/* 0: unmapped */
};

static void model_init(struct model *m, enum pt_regime regime, uint64_t base,
		       size_t npages)
{
	m->regime = regime;
	m->base = base;
	m->npages = npages;
	m->pa = calloc(npages, sizeof(*m->pa));
	m->prot = calloc(npages, 1);
	CHECK(m->pa && m->prot);
}

static void model_release(struct model *m)
{
	free(m->pa);
	free(m->prot);
}

/* prot 0: unmap. */
static void model_set(struct model *m, uint64_t va, paddr_t pa, uint64_t size,
		      unsigned prot)
{
	uint64_t off;

	CHECK(va >= m->base && (va - m->base) / PG + size / PG <= m->npages);
	for (off = 0; off < size; off += PG) {
		size_t i = (size_t)((va + off - m->base) / PG);

		m->pa[i] = prot ? pa + off : 0;
		m->prot[i] = (unsigned char)(prot ? expected_prot(m->regime, prot)
					     : 0);
	}
}

/* Looks up page i at an offset inside it that varies with i. */
static void model_check_page(const char *file, int line, const struct model *m,
			     const struct pgtable *pt, size_t i)
{
	uint64_t off = (i * 0x9e8) & (PG - 8);
	uint64_t va = m->base + i * PG + off;

	if (m->prot[i])
		check_maps(file, line, pt, va, m->pa[i] + off, m->prot[i]);
	else
		check_unmapped(file, line, pt, va);
}

#define MODEL_CHECK_RANGE(m, pt, va, size) \
	model_check_range(__FILE__, __LINE__, (m), (pt), (va), (size))
#define MODEL_CHECK_ALL(m, pt) \
	model_check_range(__FILE__, __LINE__, (m), (pt), (m)->base, \
			  (m)->npages * PG)

/* The pages of [va, va + size) inside the model's window. */
static void model_check_range(const char *file, int line, const struct model *m,
			      const struct pgtable *pt, uint64_t va,
			      uint64_t size)
{
	uint64_t end = va + size, wend = m->base + m->npages * PG;
	size_t i;

	if (va < m->base)
		va = m->base;
	if (end > wend)
		end = wend;
	for (i = (size_t)((va - m->base) / PG); m->base + i * PG < end; i++)
		model_check_page(file, line, m, pt, i);
}

/* ---- Tests ---- */

TEST(pgtable, init_allocates_only_an_empty_root)
{
	struct fake_mm fm;
	struct pgtable pt;
	const uint64_t *root;
	unsigned e;

	pt_setup(&fm, &pt, PT_EL2);
	CHECK_EQ(pt.regime, PT_EL2);
	CHECK_EQ(pt.root, TABLE_PA_BASE);
	root = table_at(&fm, pt.root);
	for (e = 0; e < 512; e++)
		CHECK_EQ(root[e], 0);
	CHECK_UNMAPPED(&pt, 0);
	CHECK_UNMAPPED(&pt, VA_END - PG);
	CHECK_EQ(fm.ntlb, 0);
	pt_teardown(&fm, &pt);
	CHECK_EQ(fm.frees, 1);
}

TEST(pgtable, init_out_of_memory)
{
	struct fake_mm fm;
	struct pgtable pt;

	fake_mm_init(&fm);
	fm.budget = 0;
	CHECK_EQ(pgtable_init(&pt, PT_EL20, &fm.mm), PT_ERR_NOMEM);
	CHECK_EQ(fm.allocs, 0);
	CHECK_EQ(fm.failed, 1);
	fake_mm_release(&fm);
}

TEST(pgtable, map_and_lookup_single_pages)
{
	const uint64_t va = 0x12345000;	/* L0 0, L1 0, L2 0x91, L3 0x145 */
	const paddr_t pa = 0x80001000;
	struct fake_mm fm;
	struct pgtable pt;
	paddr_t got;
	uint64_t d;

	pt_setup(&fm, &pt, PT_EL2);
	CHECK_EQ(pgtable_map(&pt, va, pa, PG, RW), PT_OK);
	CHECK_EQ(fm.allocs, 4);		/* root, L1, L2, L3 */
	CHECK_EQ(fm.ntlb, 0);		/* nothing valid was replaced */
	CHECK_MAPS(&pt, va, pa, RW);
	CHECK_MAPS(&pt, va + 0xabc, pa + 0xabc, RW);
	CHECK_MAPS(&pt, va + PG - 1, pa + PG - 1, RW);
	CHECK_UNMAPPED(&pt, va - 1);
	CHECK_UNMAPPED(&pt, va + PG);
	CHECK_UNMAPPED(&pt, va + GB);
	d = LEAF_AT(&fm, &pt, va, 3);
	CHECK_EQ(D_OA(d), pa);
	CHECK(pgtable_lookup(&pt, va + 8, NULL, NULL));
	CHECK(pgtable_lookup(&pt, va + 8, &got, NULL));
	CHECK_EQ(got, pa + 8);

	/* The next page shares the L3 table. */
	CHECK_EQ(pgtable_map(&pt, va + PG, 0x90000000, PG, RO), PT_OK);
	CHECK_EQ(fm.allocs, 4);
	CHECK_MAPS(&pt, va + PG, 0x90000000, RO);
	CHECK_MAPS(&pt, va, pa, RW);
	/* Another GiB needs an L2 and an L3, another 512 GiB an L1 as well. */
	CHECK_EQ(pgtable_map(&pt, va + GB, pa, PG, RX), PT_OK);
	CHECK_EQ(fm.allocs, 6);
	CHECK_EQ(pgtable_map(&pt, va + L0_SPAN, pa, PG, RO), PT_OK);
	CHECK_EQ(fm.allocs, 9);
	/* The last page of the address space, and the first. */
	CHECK_EQ(pgtable_map(&pt, VA_END - PG, 0xfffffffff000ULL, PG, RW), PT_OK);
	CHECK_EQ(fm.allocs, 12);
	CHECK_MAPS(&pt, VA_END - 1, 0xffffffffffffULL, RW);
	CHECK_EQ(D_OA(LEAF_AT(&fm, &pt, VA_END - PG, 3)), 0xfffffffff000ULL);
	CHECK_EQ(pgtable_map(&pt, 0, 0, PG, RO), PT_OK);
	CHECK_MAPS(&pt, 0, 0, RO);
	CHECK_MAPS(&pt, va + GB, pa, RX);
	CHECK_MAPS(&pt, va + L0_SPAN, pa, RO);
	CHECK_EQ(fm.ntlb, 0);
	pt_teardown(&fm, &pt);
}

TEST(pgtable, blocks_where_aligned_pages_elsewhere)
{
	struct fake_mm fm;
	struct pgtable pt;
	uint64_t off, d;

	pt_setup(&fm, &pt, PT_EL2);
	/* 2 MiB, va and pa 2 MiB aligned: one L2 block, no L3 table. */
	CHECK_EQ(pgtable_map(&pt, GB + 2 * MB, 0x880200000ULL, 2 * MB, RW), PT_OK);
	CHECK_EQ(fm.allocs, 3);
	d = LEAF_AT(&fm, &pt, GB + 2 * MB, 2);
	CHECK_EQ(D_OA(d), 0x880200000ULL);
	CHECK_MAPS(&pt, GB + 2 * MB + 0x12345, 0x880212345ULL, RW);
	CHECK_MAPS(&pt, GB + 4 * MB - 1, 0x880400000ULL - 1, RW);
	CHECK_UNMAPPED(&pt, GB + 4 * MB);
	CHECK_UNMAPPED(&pt, GB + 2 * MB - 1);

	/* 1 GiB, both 1 GiB aligned: one L1 block, in the existing L1. */
	CHECK_EQ(pgtable_map(&pt, 3 * GB, 5 * GB, GB, RX), PT_OK);
	CHECK_EQ(fm.allocs, 3);
	d = LEAF_AT(&fm, &pt, 3 * GB, 1);
	CHECK_EQ(D_OA(d), 5 * GB);
	CHECK_MAPS(&pt, 3 * GB + 0x12345678, 5 * GB + 0x12345678, RX);
	CHECK_MAPS(&pt, 4 * GB - 1, 6 * GB - 1, RX);
	CHECK_UNMAPPED(&pt, 4 * GB);

	/* 4 MiB + 4 KiB from a 2 MiB boundary: two blocks, then a page. */
	CHECK_EQ(pgtable_map(&pt, 4 * GB + 4 * MB, 8 * GB + 4 * MB,
			     4 * MB + PG, RO), PT_OK);
	CHECK_EQ(D_OA(LEAF_AT(&fm, &pt, 4 * GB + 4 * MB, 2)), 8 * GB + 4 * MB);
	CHECK_EQ(D_OA(LEAF_AT(&fm, &pt, 4 * GB + 6 * MB, 2)), 8 * GB + 6 * MB);
	CHECK_EQ(D_OA(LEAF_AT(&fm, &pt, 4 * GB + 8 * MB, 3)), 8 * GB + 8 * MB);
	CHECK_UNMAPPED(&pt, 4 * GB + 8 * MB + PG);

	/* va 2 MiB aligned but pa only 4 KiB aligned: pages. */
	CHECK_EQ(pgtable_map(&pt, 4 * GB + 16 * MB, 0x200001000ULL, 2 * MB, RW),
		 PT_OK);
	/* pa 2 MiB aligned but va only 4 KiB aligned: pages. */
	CHECK_EQ(pgtable_map(&pt, 4 * GB + 32 * MB + PG, 0x202000000ULL, 2 * MB,
			     RW), PT_OK);
	for (off = 0; off < 2 * MB; off += PG) {
		CHECK_EQ(D_OA(LEAF_AT(&fm, &pt, 4 * GB + 16 * MB + off, 3)),
			 0x200001000ULL + off);
		CHECK_EQ(D_OA(LEAF_AT(&fm, &pt, 4 * GB + 32 * MB + PG + off, 3)),
			 0x202000000ULL + off);
	}

	/* 1 GiB at a 1 GiB va, pa only 2 MiB aligned: 512 L2 blocks. */
	CHECK_EQ(pgtable_map(&pt, 5 * GB, 0x300200000ULL, GB, RO), PT_OK);
	for (off = 0; off < GB; off += 2 * MB)
		CHECK_EQ(D_OA(LEAF_AT(&fm, &pt, 5 * GB + off, 2)),
			 0x300200000ULL + off);

	/* 1 GiB + 2 MiB from a GiB boundary: a 1 GiB block and a 2 MiB block. */
	CHECK_EQ(pgtable_map(&pt, 7 * GB, 9 * GB, GB + 2 * MB, RW), PT_OK);
	CHECK_EQ(D_OA(LEAF_AT(&fm, &pt, 7 * GB, 1)), 9 * GB);
	CHECK_EQ(D_OA(LEAF_AT(&fm, &pt, 8 * GB, 2)), 10 * GB);
	CHECK_MAPS(&pt, 8 * GB + 2 * MB - 1, 10 * GB + 2 * MB - 1, RW);
	CHECK_UNMAPPED(&pt, 8 * GB + 2 * MB);
	CHECK_EQ(fm.ntlb, 0);
	pt_teardown(&fm, &pt);
}

TEST(pgtable, map_across_block_and_table_boundaries)
{
	/* Two pages, a 2 MiB block, a 1 GiB block, a 2 MiB block, three pages. */
	const uint64_t va = GB - 2 * MB - 2 * PG;
	const uint64_t size = 2 * PG + 2 * MB + GB + 2 * MB + 3 * PG;
	const paddr_t pa = va + 7 * GB;	/* congruent modulo 1 GiB */
	struct fake_mm fm;
	struct pgtable pt;
	uint64_t off;

	pt_setup(&fm, &pt, PT_EL20);
	CHECK_EQ(pgtable_map(&pt, va, pa, size, RW), PT_OK);
	LEAF_AT(&fm, &pt, va, 3);
	LEAF_AT(&fm, &pt, va + PG, 3);
	CHECK_EQ(D_OA(LEAF_AT(&fm, &pt, va + 2 * PG, 2)), 8 * GB - 2 * MB);
	CHECK_EQ(D_OA(LEAF_AT(&fm, &pt, GB, 1)), 8 * GB);
	CHECK_EQ(D_OA(LEAF_AT(&fm, &pt, 2 * GB, 2)), 9 * GB);
	LEAF_AT(&fm, &pt, 2 * GB + 2 * MB, 3);
	LEAF_AT(&fm, &pt, 2 * GB + 2 * MB + 2 * PG, 3);
	CHECK_UNMAPPED(&pt, va - PG);
	CHECK_UNMAPPED(&pt, va + size);
	for (off = 0; off < size; off += PG)
		CHECK_MAPS(&pt, va + off + ((off >> 9) & 0xff8),
			   pa + off + ((off >> 9) & 0xff8), RW);

	/* Across a level 0 boundary: pages, then 2 MiB blocks. */
	CHECK_EQ(pgtable_map(&pt, L0_SPAN - PG, 0x40000000, 2 * PG, RO), PT_OK);
	CHECK_MAPS(&pt, L0_SPAN - PG, 0x40000000, RO);
	CHECK_MAPS(&pt, L0_SPAN, 0x40000000 + PG, RO);
	LEAF_AT(&fm, &pt, L0_SPAN - PG, 3);
	LEAF_AT(&fm, &pt, L0_SPAN, 3);
	CHECK_EQ(pgtable_map(&pt, 2 * L0_SPAN - 2 * MB, 0x40000000, 4 * MB, RO),
		 PT_OK);
	CHECK_EQ(D_OA(LEAF_AT(&fm, &pt, 2 * L0_SPAN - 2 * MB, 2)), 0x40000000);
	CHECK_EQ(D_OA(LEAF_AT(&fm, &pt, 2 * L0_SPAN, 2)), 0x40200000);
	CHECK_UNMAPPED(&pt, 2 * L0_SPAN + 2 * MB);
	pt_teardown(&fm, &pt);
}

TEST(pgtable, mapping_a_page_splits_a_2mib_block)
{
	const uint64_t va = 3 * GB + 10 * MB;
	const paddr_t pa = 16 * GB + 10 * MB;
	const unsigned prot = PROT_READ | PROT_WRITE | PROT_DEVICE;
	struct fake_mm fm;
	struct pgtable pt;
	uint64_t block, d;
	size_t allocs;
	unsigned i;

	pt_setup(&fm, &pt, PT_EL2);
	CHECK_EQ(pgtable_map(&pt, va, pa, 2 * MB, prot), PT_OK);
	block = LEAF_AT(&fm, &pt, va, 2);
	allocs = fm.allocs;
	tlb_reset(&fm);
	CHECK_EQ(pgtable_map(&pt, va + 5 * PG, 0x70000000, PG, RO), PT_OK);
	CHECK_EQ(fm.allocs, allocs + 1);	/* the L3 table */
	CHECK(tlb_saw(&fm, va, 2 * MB));	/* the block it replaced */
	CHECK_BBM(&fm);
	for (i = 0; i < 512; i++) {
		d = LEAF_AT(&fm, &pt, va + i * PG, 3);
		if (i == 5) {
			CHECK_MAPS(&pt, va + i * PG, 0x70000000, RO);
			continue;
		}
		CHECK_EQ(D_OA(d), pa + i * PG);
		CHECK_EQ(D_ATTRS(d), D_ATTRS(block));
		CHECK_MAPS(&pt, va + i * PG + 8, pa + i * PG + 8, prot);
	}
	CHECK_UNMAPPED(&pt, va - PG);
	CHECK_UNMAPPED(&pt, va + 2 * MB);
	pt_teardown(&fm, &pt);
}

TEST(pgtable, mapping_a_page_splits_a_1gib_block)
{
	const uint64_t va = 2 * GB;
	const paddr_t pa = 64 * GB;
	const uint64_t page = va + GB - 2 * MB + 3 * PG;
	struct fake_mm fm;
	struct pgtable pt;
	uint64_t block, d, off;
	size_t allocs;

	pt_setup(&fm, &pt, PT_EL20);
	CHECK_EQ(pgtable_map(&pt, va, pa, GB, RX), PT_OK);
	block = LEAF_AT(&fm, &pt, va, 1);
	allocs = fm.allocs;
	tlb_reset(&fm);
	CHECK_EQ(pgtable_map(&pt, page, 0x70000000, PG, RW | PROT_USER), PT_OK);
	CHECK_EQ(fm.allocs, allocs + 2);	/* an L2 and an L3 table */
	CHECK(tlb_saw(&fm, va, GB));
	CHECK_BBM(&fm);
	/* The rest keeps the mapping: 511 L2 blocks, 511 pages. */
	for (off = 0; off < GB - 2 * MB; off += 2 * MB) {
		d = LEAF_AT(&fm, &pt, va + off, 2);
		CHECK_EQ(D_OA(d), pa + off);
		CHECK_EQ(D_ATTRS(d), D_ATTRS(block));
	}
	for (off = GB - 2 * MB; off < GB; off += PG) {
		d = LEAF_AT(&fm, &pt, va + off, 3);
		if (va + off == page)
			continue;
		CHECK_EQ(D_OA(d), pa + off);
		CHECK_EQ(D_ATTRS(d), D_ATTRS(block));
		CHECK_MAPS(&pt, va + off, pa + off, RX);
	}
	CHECK_MAPS(&pt, page, 0x70000000, RW | PROT_USER);
	CHECK_MAPS(&pt, va + 0x1234567, pa + 0x1234567, RX);
	pt_teardown(&fm, &pt);
}

TEST(pgtable, unmapping_part_of_a_block_splits_it)
{
	const unsigned prot = PROT_READ | PROT_DEVICE;
	struct fake_mm fm;
	struct pgtable pt;
	uint64_t block, d, off;
	size_t allocs;

	pt_setup(&fm, &pt, PT_EL2);
	/* The first page of a 2 MiB block. */
	CHECK_EQ(pgtable_map(&pt, 6 * MB, 0x9600000, 2 * MB, prot), PT_OK);
	block = LEAF_AT(&fm, &pt, 6 * MB, 2);
	allocs = fm.allocs;
	tlb_reset(&fm);
	CHECK_EQ(pgtable_unmap(&pt, 6 * MB, PG), PT_OK);
	CHECK_EQ(fm.allocs, allocs + 1);
	CHECK(tlb_saw(&fm, 6 * MB, 2 * MB));
	CHECK_BBM(&fm);
	CHECK_UNMAPPED(&pt, 6 * MB);
	CHECK_UNMAPPED(&pt, 6 * MB + PG - 1);
	for (off = PG; off < 2 * MB; off += PG) {
		d = LEAF_AT(&fm, &pt, 6 * MB + off, 3);
		CHECK_EQ(D_OA(d), 0x9600000 + off);
		CHECK_EQ(D_ATTRS(d), D_ATTRS(block));
		CHECK_MAPS(&pt, 6 * MB + off, 0x9600000 + off, prot);
	}

	/* A 2 MiB piece from the middle of a 1 GiB block: only an L2 table. */
	CHECK_EQ(pgtable_map(&pt, 3 * GB, 3 * GB, GB, RW), PT_OK);
	block = LEAF_AT(&fm, &pt, 3 * GB, 1);
	allocs = fm.allocs;
	tlb_reset(&fm);
	CHECK_EQ(pgtable_unmap(&pt, 3 * GB + 200 * MB, 2 * MB), PT_OK);
	CHECK_EQ(fm.allocs, allocs + 1);
	CHECK(tlb_saw(&fm, 3 * GB, GB));
	CHECK_BBM(&fm);
	for (off = 0; off < GB; off += 2 * MB) {
		if (off == 200 * MB) {
			CHECK_UNMAPPED(&pt, 3 * GB + off);
			CHECK_UNMAPPED(&pt, 3 * GB + off + 2 * MB - 1);
			continue;
		}
		d = LEAF_AT(&fm, &pt, 3 * GB + off, 2);
		CHECK_EQ(D_OA(d), 3 * GB + off);
		CHECK_EQ(D_ATTRS(d), D_ATTRS(block));
	}

	/* One page from the middle of another 1 GiB block: L2 and L3. */
	CHECK_EQ(pgtable_map(&pt, L0_SPAN + GB, 0x500000000ULL, GB, RO), PT_OK);
	allocs = fm.allocs;
	tlb_reset(&fm);
	CHECK_EQ(pgtable_unmap(&pt, L0_SPAN + GB + 77 * PG, PG), PT_OK);
	CHECK_EQ(fm.allocs, allocs + 2);
	CHECK(tlb_saw(&fm, L0_SPAN + GB, GB));
	CHECK_UNMAPPED(&pt, L0_SPAN + GB + 77 * PG);
	CHECK_MAPS(&pt, L0_SPAN + GB + 76 * PG, 0x500000000ULL + 76 * PG, RO);
	CHECK_MAPS(&pt, L0_SPAN + GB + 78 * PG, 0x500000000ULL + 78 * PG, RO);
	CHECK_MAPS(&pt, L0_SPAN + 2 * GB - 1, 0x500000000ULL + GB - 1, RO);
	LEAF_AT(&fm, &pt, L0_SPAN + GB + 2 * MB, 2);
	pt_teardown(&fm, &pt);
}

TEST(pgtable, block_over_tables_frees_the_subtree)
{
	struct fake_mm fm;
	struct pgtable pt;
	size_t frees;

	pt_setup(&fm, &pt, PT_EL2);
	/* Pages in a 2 MiB range: root, L1, L2, L3. */
	CHECK_EQ(pgtable_map(&pt, 6 * GB + 4 * MB + PG, 0x1000, 2 * PG, RW), PT_OK);
	CHECK_EQ(fm.allocs, 4);
	tlb_reset(&fm);
	CHECK_EQ(pgtable_map(&pt, 6 * GB + 4 * MB, 0x40000000, 2 * MB, RO), PT_OK);
	CHECK_EQ(fm.frees, 1);
	CHECK_EQ(fm.live, 3);
	CHECK_EQ(D_OA(LEAF_AT(&fm, &pt, 6 * GB + 4 * MB, 2)), 0x40000000);
	CHECK_MAPS(&pt, 6 * GB + 4 * MB + PG, 0x40000000 + PG, RO);
	CHECK(tlb_saw(&fm, 6 * GB + 4 * MB, 2 * MB));
	CHECK_BBM(&fm);
	check_tree(&fm, &pt);

	/* A GiB holding an L2 table with an L3 below it: both go. */
	CHECK_EQ(pgtable_map(&pt, 7 * GB + 7 * PG, 0x2000, PG, RW), PT_OK);
	CHECK_EQ(pgtable_map(&pt, 7 * GB + 18 * MB, 0x40000000, 2 * MB, RW),
		 PT_OK);
	CHECK_EQ(fm.live, 5);
	frees = fm.frees;
	tlb_reset(&fm);
	CHECK_EQ(pgtable_map(&pt, 7 * GB, 2 * GB, GB, RX), PT_OK);
	CHECK_EQ(fm.frees, frees + 2);
	CHECK_EQ(fm.live, 3);
	CHECK_EQ(D_OA(LEAF_AT(&fm, &pt, 7 * GB + 7 * PG, 1)), 2 * GB);
	CHECK_MAPS(&pt, 7 * GB + 18 * MB, 2 * GB + 18 * MB, RX);
	CHECK(tlb_saw(&fm, 7 * GB, GB));
	CHECK_BBM(&fm);
	pt_teardown(&fm, &pt);
}

TEST(pgtable, replacing_a_valid_entry_is_break_before_make)
{
	const uint64_t va = 0x7654321000ULL;
	struct fake_mm fm;
	struct pgtable pt;

	pt_setup(&fm, &pt, PT_EL20);
	CHECK_EQ(pgtable_map(&pt, va, 0x1000, PG, RW), PT_OK);
	CHECK_EQ(fm.ntlb, 0);
	/* Remap elsewhere, read-only: one invalidation of that page. */
	CHECK_EQ(pgtable_map(&pt, va, 0x5000, PG, RO), PT_OK);
	CHECK_EQ(fm.ntlb, 1);
	CHECK_EQ(fm.tlb[0].va, va);
	CHECK_EQ(fm.tlb[0].size, PG);
	CHECK_MAPS(&pt, va, 0x5000, RO);
	/* Blocks too. */
	tlb_reset(&fm);
	CHECK_EQ(pgtable_map(&pt, 4 * GB, 0, 2 * MB, RW), PT_OK);
	CHECK_EQ(fm.ntlb, 0);
	CHECK_EQ(pgtable_map(&pt, 4 * GB, 2 * MB, 2 * MB, RW), PT_OK);
	CHECK_EQ(fm.ntlb, 1);
	CHECK_EQ(fm.tlb[0].va, 4 * GB);
	CHECK_EQ(fm.tlb[0].size, 2 * MB);
	CHECK_MAPS(&pt, 4 * GB, 2 * MB, RW);
	tlb_reset(&fm);
	CHECK_EQ(pgtable_map(&pt, 5 * GB, 0, GB, RO), PT_OK);
	CHECK_EQ(pgtable_map(&pt, 5 * GB, GB, GB, RW), PT_OK);
	CHECK_EQ(fm.ntlb, 1);
	CHECK(tlb_saw(&fm, 5 * GB, GB));
	/* Unmapping invalidates; unmapping nothing does not. */
	tlb_reset(&fm);
	CHECK_EQ(pgtable_unmap(&pt, va, PG), PT_OK);
	CHECK_EQ(fm.ntlb, 1);
	CHECK_EQ(fm.tlb[0].va, va);
	CHECK_EQ(fm.tlb[0].size, PG);
	CHECK_UNMAPPED(&pt, va);
	tlb_reset(&fm);
	CHECK_EQ(pgtable_unmap(&pt, va, PG), PT_OK);
	CHECK_EQ(pgtable_unmap(&pt, 100 * GB, GB), PT_OK);
	CHECK_EQ(fm.ntlb, 0);
	pt_teardown(&fm, &pt);
}

TEST(pgtable, unmap_range_spanning_tables_and_levels)
{
	/* Pages, a 2 MiB block, a 1 GiB block, then across 512 GiB. */
	const uint64_t start = L0_SPAN - GB - 2 * MB - 4 * PG;
	const uint64_t end = L0_SPAN + 2 * MB + 4 * PG;
	const paddr_t pa = start - 256 * GB;	/* congruent modulo 1 GiB */
	struct fake_mm fm;
	struct pgtable pt;
	uint64_t va;

	pt_setup(&fm, &pt, PT_EL2);
	CHECK_EQ(pgtable_map(&pt, start, pa, end - start, RW), PT_OK);
	LEAF_AT(&fm, &pt, start, 3);
	LEAF_AT(&fm, &pt, start + 4 * PG, 2);
	LEAF_AT(&fm, &pt, L0_SPAN - GB, 1);
	LEAF_AT(&fm, &pt, L0_SPAN, 2);
	LEAF_AT(&fm, &pt, L0_SPAN + 2 * MB, 3);
	tlb_reset(&fm);
	/* All but two pages at either end. */
	CHECK_EQ(pgtable_unmap(&pt, start + 2 * PG, end - start - 4 * PG), PT_OK);
	CHECK_BBM(&fm);
	check_tree(&fm, &pt);
	for (va = start; va < end; va += PG) {
		if (va < start + 2 * PG || va >= end - 2 * PG)
			CHECK_MAPS(&pt, va, pa + (va - start), RW);
		else
			CHECK_UNMAPPED(&pt, va);
	}
	CHECK(tlb_saw(&fm, start + 2 * PG, PG));
	CHECK(tlb_saw(&fm, start + 3 * PG, PG));
	CHECK(tlb_saw(&fm, start + 4 * PG, 2 * MB));
	CHECK(tlb_saw(&fm, L0_SPAN - GB, GB));
	CHECK(tlb_saw(&fm, L0_SPAN, 2 * MB));
	CHECK(tlb_saw(&fm, end - 4 * PG, PG));
	CHECK(tlb_saw(&fm, end - 3 * PG, PG));
	/* Again: nothing is mapped, nothing to invalidate. */
	tlb_reset(&fm);
	CHECK_EQ(pgtable_unmap(&pt, start + 2 * PG, end - start - 4 * PG), PT_OK);
	CHECK_EQ(fm.ntlb, 0);
	CHECK_MAPS(&pt, start + PG, pa + PG, RW);
	CHECK_MAPS(&pt, end - PG, pa + (end - PG - start), RW);
	pt_teardown(&fm, &pt);
}

/*
 * A block that the range covers whole is simply removed, wherever the range
 * starts: unmapping it needs no table memory (and so cannot fail for lack
 * of it).
 */
TEST(pgtable, unmap_of_whole_blocks_allocates_nothing)
{
	struct fake_mm fm;
	struct pgtable pt;
	size_t allocs;

	pt_setup(&fm, &pt, PT_EL2);
	CHECK_EQ(pgtable_map(&pt, GB, 4 * GB, GB, RW), PT_OK);
	CHECK_EQ(pgtable_map(&pt, 3 * GB + 2 * MB, 6 * GB + 2 * MB, 2 * MB, RW),
		 PT_OK);
	allocs = fm.allocs;
	/* Starts a page below the 1 GiB block. */
	CHECK_EQ(pgtable_unmap(&pt, GB - PG, GB + PG), PT_OK);
	CHECK_EQ(fm.allocs - allocs, 0);
	CHECK_UNMAPPED(&pt, GB);
	CHECK_UNMAPPED(&pt, 2 * GB - PG);
	/* Starts a page below the 2 MiB block, with no memory left. */
	fm.budget = 0;
	CHECK_EQ(pgtable_unmap(&pt, 3 * GB + 2 * MB - PG, 2 * MB + PG), PT_OK);
	CHECK_UNMAPPED(&pt, 3 * GB + 2 * MB);
	fm.budget = -1;
	pt_teardown(&fm, &pt);
}

static const unsigned all_prots[] = {
	PROT_READ, PROT_WRITE, PROT_EXEC, PROT_READ | PROT_WRITE,
	PROT_READ | PROT_EXEC,
};

TEST(pgtable, permissions_el2)
{
	struct fake_mm fm;
	struct pgtable pt;
	unsigned i, flags, n = 0;

	pt_setup(&fm, &pt, PT_EL2);
	for (i = 0; i < ARRAY_SIZE(all_prots); i++) {
		for (flags = 0; flags < 4; flags++) {
			unsigned prot = all_prots[i] |
					(flags & 1 ? PROT_DEVICE : 0) |
					(flags & 2 ? PROT_USER : 0);
			uint64_t va = 0x40000000 + n * PG;
			paddr_t pa = 0x123456000ULL + n * 3 * PG;
			uint64_t d;

			CHECK_EQ(pgtable_map(&pt, va, pa, PG, prot), PT_OK);
			d = LEAF_AT(&fm, &pt, va, 3);
			CHECK_EQ(D_OA(d), pa);
			CHECK(d & D_AF);
			CHECK_EQ(!!(d & D_XN), !(prot & PROT_EXEC));
			CHECK_EQ(!!(d & D_AP2), !(prot & PROT_WRITE));
			CHECK_EQ(d & (D_PXN | D_NG), 0);
			if (prot & PROT_DEVICE) {
				CHECK_EQ(D_ATTRIDX(d), MAIR_IDX_DEVICE_nGnRE);
			} else {
				CHECK_EQ(D_ATTRIDX(d), MAIR_IDX_NORMAL_WB);
				CHECK_EQ(D_SH(d), D_SH_INNER);
			}
			CHECK_EQ(D_ATTRS(d), pgtable_s1_attrs(PT_EL2, prot));
			CHECK_MAPS(&pt, va, pa, expected_prot(PT_EL2, prot));
			n++;
		}
	}
	/* Blocks carry the same attributes as pages. */
	CHECK_EQ(pgtable_map(&pt, 4 * GB, 0, GB, RX), PT_OK);
	CHECK_EQ(pgtable_map(&pt, 5 * GB, 0, 2 * MB, RW | PROT_DEVICE), PT_OK);
	CHECK_EQ(D_ATTRS(LEAF_AT(&fm, &pt, 4 * GB, 1)),
		 pgtable_s1_attrs(PT_EL2, RX));
	CHECK_EQ(D_ATTRS(LEAF_AT(&fm, &pt, 5 * GB, 2)),
		 pgtable_s1_attrs(PT_EL2, RW | PROT_DEVICE));
	CHECK_MAPS(&pt, 4 * GB + 0x1000, 0x1000, RX);
	CHECK_MAPS(&pt, 5 * GB + 0x1000, 0x1000, RW | PROT_DEVICE);
	pt_teardown(&fm, &pt);
}

TEST(pgtable, permissions_el20)
{
	struct fake_mm fm;
	struct pgtable pt;
	unsigned i, flags, n = 0;

	pt_setup(&fm, &pt, PT_EL20);
	for (i = 0; i < ARRAY_SIZE(all_prots); i++) {
		for (flags = 0; flags < 4; flags++) {
			unsigned prot = all_prots[i] |
					(flags & 1 ? PROT_DEVICE : 0) |
					(flags & 2 ? PROT_USER : 0);
			uint64_t va = 0x40000000 + n * PG;
			paddr_t pa = 0x123456000ULL + n * 3 * PG;
			bool exec = (prot & PROT_EXEC) != 0;
			uint64_t d;

			CHECK_EQ(pgtable_map(&pt, va, pa, PG, prot), PT_OK);
			d = LEAF_AT(&fm, &pt, va, 3);
			CHECK_EQ(D_OA(d), pa);
			CHECK(d & D_AF);
			CHECK_EQ(!!(d & D_AP2), !(prot & PROT_WRITE));
			if (prot & PROT_USER) {
				/* EL0's, per app (nG); never run by EL2 (PXN). */
				CHECK(d & D_AP1);
				CHECK(d & D_NG);
				CHECK(d & D_PXN);
				CHECK_EQ(!!(d & D_XN), !exec);
			} else {
				CHECK_EQ(d & (D_AP1 | D_NG), 0);
				CHECK(d & D_XN);	/* UXN */
				CHECK_EQ(!!(d & D_PXN), !exec);
			}
			if (prot & PROT_DEVICE) {
				CHECK_EQ(D_ATTRIDX(d), MAIR_IDX_DEVICE_nGnRE);
			} else {
				CHECK_EQ(D_ATTRIDX(d), MAIR_IDX_NORMAL_WB);
				CHECK_EQ(D_SH(d), D_SH_INNER);
			}
			CHECK_EQ(D_ATTRS(d), pgtable_s1_attrs(PT_EL20, prot));
			CHECK_MAPS(&pt, va, pa, expected_prot(PT_EL20, prot));
			n++;
		}
	}
	CHECK_EQ(pgtable_map(&pt, 4 * GB, 0, GB, RX | PROT_USER), PT_OK);
	CHECK_EQ(pgtable_map(&pt, 5 * GB, 0, 2 * MB, RX), PT_OK);
	CHECK_EQ(D_ATTRS(LEAF_AT(&fm, &pt, 4 * GB, 1)),
		 pgtable_s1_attrs(PT_EL20, RX | PROT_USER));
	CHECK_EQ(D_ATTRS(LEAF_AT(&fm, &pt, 5 * GB, 2)),
		 pgtable_s1_attrs(PT_EL20, RX));
	CHECK_MAPS(&pt, 4 * GB + 0x1000, 0x1000, RX | PROT_USER);
	CHECK_MAPS(&pt, 5 * GB + 0x1000, 0x1000, RX);
	pt_teardown(&fm, &pt);
}

/*
 * Arm ARM (DDI 0487) D8.4.1.2.1: "For a stage 1 translation that supports
 * one Exception level, AP[1] is RES1" - the EL2 regime without E2H.
 */
TEST(pgtable, el2_leaves_have_res1_ap1_set)
{
	unsigned prot;

	for (prot = 0; prot < 32; prot++)
		if (valid_prot(prot))
			CHECK(pgtable_s1_attrs(PT_EL2, prot) & D_AP1);
}

TEST(pgtable, s1_prot_roundtrips_s1_attrs)
{
	static const uint64_t type_oa[] = {
		0, D_VALID | D_TYPE_TABLE | 0x123456789000ULL,
		D_VALID | 0xffffffe00000ULL, D_VALID | 0x40000000,
	};
	enum pt_regime regime;
	unsigned prot, k, n = 0;

	for (regime = PT_EL2; regime <= PT_EL20; regime++) {
		for (prot = 0; prot < 32; prot++) {
			uint64_t attrs;

			if (!valid_prot(prot))
				continue;
			attrs = pgtable_s1_attrs(regime, prot);
			CHECK_EQ(attrs & (D_OA_MASK | 3), 0);
			CHECK(attrs & D_AF);
			for (k = 0; k < ARRAY_SIZE(type_oa); k++)
				CHECK_EQ(pgtable_s1_prot(regime, attrs | type_oa[k]),
					 expected_prot(regime, prot));
			n++;
		}
	}
	CHECK_EQ(n, 2 * 5 * 4);
}

TEST(pgtable, write_exec_and_no_access_refused)
{
	static const unsigned bad[] = {
		PROT_WRITE | PROT_EXEC, PROT_READ | PROT_WRITE | PROT_EXEC,
		PROT_WRITE | PROT_EXEC | PROT_USER,
		PROT_WRITE | PROT_EXEC | PROT_DEVICE, 0, PROT_USER, PROT_DEVICE,
		PROT_USER | PROT_DEVICE,
	};
	enum pt_regime regime;
	struct fake_mm fm;
	struct pgtable pt;
	unsigned i;

	for (regime = PT_EL2; regime <= PT_EL20; regime++) {
		pt_setup(&fm, &pt, regime);
		CHECK_EQ(pgtable_map(&pt, GB, GB, 2 * MB, RO), PT_OK);
		tlb_reset(&fm);
		for (i = 0; i < ARRAY_SIZE(bad); i++) {
			CHECK_EQ(pgtable_map(&pt, GB, 0, 2 * MB, bad[i]),
				 PT_ERR_PROT);
			CHECK_EQ(pgtable_map(&pt, 5 * GB, 0, PG, bad[i]),
				 PT_ERR_PROT);
		}
		CHECK_EQ(fm.allocs, 3);
		CHECK_EQ(fm.ntlb, 0);
		CHECK_MAPS(&pt, GB, GB, RO);
		CHECK_UNMAPPED(&pt, 5 * GB);
		pt_teardown(&fm, &pt);
	}
}

TEST(pgtable, unaligned_and_out_of_range_refused)
{
	struct fake_mm fm;
	struct pgtable pt;
	size_t allocs;

	pt_setup(&fm, &pt, PT_EL2);
	CHECK_EQ(pgtable_map(&pt, GB, GB, 2 * MB, RW), PT_OK);
	allocs = fm.allocs;
	tlb_reset(&fm);
	/* Alignment of va, pa, size. */
	CHECK_EQ(pgtable_map(&pt, GB + 1, GB, PG, RW), PT_ERR_ALIGN);
	CHECK_EQ(pgtable_map(&pt, GB + 0x800, GB, PG, RW), PT_ERR_ALIGN);
	CHECK_EQ(pgtable_map(&pt, GB, GB + 8, PG, RW), PT_ERR_ALIGN);
	CHECK_EQ(pgtable_map(&pt, GB, GB, PG + 1, RW), PT_ERR_ALIGN);
	CHECK_EQ(pgtable_map(&pt, GB, GB, PG - 1, RW), PT_ERR_ALIGN);
	CHECK_EQ(pgtable_unmap(&pt, GB + 4, PG), PT_ERR_ALIGN);
	CHECK_EQ(pgtable_unmap(&pt, GB, 2 * PG + 0x10), PT_ERR_ALIGN);
	/* Empty, past 48 bits, wrapping. */
	CHECK_EQ(pgtable_map(&pt, GB, GB, 0, RW), PT_ERR_RANGE);
	CHECK_EQ(pgtable_unmap(&pt, GB, 0), PT_ERR_RANGE);
	CHECK_EQ(pgtable_map(&pt, VA_END, 0, PG, RW), PT_ERR_RANGE);
	CHECK_EQ(pgtable_map(&pt, VA_END + GB, 0, PG, RW), PT_ERR_RANGE);
	CHECK_EQ(pgtable_map(&pt, 0xffff000040000000ULL, GB, PG, RW), PT_ERR_RANGE);
	CHECK_EQ(pgtable_map(&pt, VA_END - PG, 0, 2 * PG, RW), PT_ERR_RANGE);
	CHECK_EQ(pgtable_map(&pt, VA_END - GB, 0, 2 * GB, RW), PT_ERR_RANGE);
	CHECK_EQ(pgtable_map(&pt, 0xfffffffffffff000ULL, 0, 2 * PG, RW),
		 PT_ERR_RANGE);
	CHECK_EQ(pgtable_map(&pt, GB, 0, (size_t)0 - PG, RW), PT_ERR_RANGE);
	CHECK_EQ(pgtable_map(&pt, PG, 0, (size_t)0 - PG, RW), PT_ERR_RANGE);
	CHECK_EQ(pgtable_unmap(&pt, VA_END, PG), PT_ERR_RANGE);
	CHECK_EQ(pgtable_unmap(&pt, VA_END - PG, 2 * PG), PT_ERR_RANGE);
	CHECK_EQ(pgtable_unmap(&pt, 0xfffffffffffff000ULL, 2 * PG), PT_ERR_RANGE);
	CHECK_EQ(pgtable_unmap(&pt, GB, (size_t)0 - PG), PT_ERR_RANGE);
	CHECK_EQ(pgtable_unmap(&pt, PG, (size_t)0 - PG), PT_ERR_RANGE);
	/* Nothing happened. */
	CHECK_EQ(fm.allocs, allocs);
	CHECK_EQ(fm.ntlb, 0);
	CHECK_MAPS(&pt, GB, GB, RW);
	CHECK_MAPS(&pt, GB + 2 * MB - PG, GB + 2 * MB - PG, RW);
	/* Lookups past 48 bits find nothing, even where the low bits would. */
	CHECK_UNMAPPED(&pt, VA_END + GB);
	CHECK_UNMAPPED(&pt, 0xffff000040000000ULL);
	CHECK_UNMAPPED(&pt, 0x8000000040000000ULL);
	/* The very end of the address space is fine. */
	CHECK_EQ(pgtable_map(&pt, VA_END - 2 * MB, 0, 2 * MB, RW), PT_OK);
	CHECK_MAPS(&pt, VA_END - 1, 2 * MB - 1, RW);
	CHECK_EQ(pgtable_unmap(&pt, VA_END - PG, PG), PT_OK);
	CHECK_UNMAPPED(&pt, VA_END - 1);
	CHECK_MAPS(&pt, VA_END - 2 * PG, 2 * MB - 2 * PG, RW);
	pt_teardown(&fm, &pt);
}

TEST(pgtable, out_of_memory_splitting_keeps_the_block)
{
	struct fake_mm fm;
	struct pgtable pt;
	uint64_t block;

	pt_setup(&fm, &pt, PT_EL20);
	CHECK_EQ(pgtable_map(&pt, 2 * GB, 2 * GB, GB, RW), PT_OK);
	CHECK_EQ(pgtable_map(&pt, 4 * MB, 4 * MB, 2 * MB, RX), PT_OK);
	block = LEAF_AT(&fm, &pt, 2 * GB, 1);
	tlb_reset(&fm);
	fm.budget = 0;
	CHECK_EQ(pgtable_unmap(&pt, 2 * GB + 10 * PG, PG), PT_ERR_NOMEM);
	CHECK_EQ(pgtable_map(&pt, 2 * GB + 10 * PG, 0, PG, RO), PT_ERR_NOMEM);
	CHECK_EQ(pgtable_unmap(&pt, 4 * MB + PG, PG), PT_ERR_NOMEM);
	CHECK_EQ(fm.ntlb, 0);
	CHECK_EQ(LEAF_AT(&fm, &pt, 2 * GB, 1), block);
	CHECK_MAPS(&pt, 2 * GB + 10 * PG, 2 * GB + 10 * PG, RW);
	CHECK_MAPS(&pt, 4 * MB + PG, 4 * MB + PG, RX);
	LEAF_AT(&fm, &pt, 4 * MB, 2);
	/* One table: the 1 GiB block becomes 2 MiB blocks, then memory runs out. */
	fm.budget = 1;
	CHECK_EQ(pgtable_unmap(&pt, 2 * GB + 10 * PG, PG), PT_ERR_NOMEM);
	CHECK_MAPS(&pt, 2 * GB + 10 * PG, 2 * GB + 10 * PG, RW);
	CHECK_MAPS(&pt, 3 * GB - PG, 3 * GB - PG, RW);
	LEAF_AT(&fm, &pt, 2 * GB, 2);
	fm.budget = -1;
	CHECK_EQ(pgtable_unmap(&pt, 2 * GB + 10 * PG, PG), PT_OK);
	CHECK_UNMAPPED(&pt, 2 * GB + 10 * PG);
	CHECK_MAPS(&pt, 2 * GB + 11 * PG, 2 * GB + 11 * PG, RW);
	CHECK_EQ(fm.failed, 4);
	pt_teardown(&fm, &pt);
}

/*
 * Run out of table memory after 0, 1, 2, ... allocations in the middle of a
 * map that splits a block and crosses a level 0 boundary: NOMEM, a
 * well-formed table in which every page has its old or its new mapping, and
 * after a retry with memory everything as asked; destroy frees it all.
 */
TEST(pgtable, out_of_memory_midway_leaves_a_consistent_table)
{
	const uint64_t wbase = L0_SPAN - 4 * MB;
	const uint64_t va = L0_SPAN - 2 * MB + 3 * PG;
	const uint64_t size = 4 * MB + 2 * PG;
	const paddr_t pa = 0x500003000ULL;	/* pages only */
	const unsigned prot = RW | PROT_USER;
	bool saw_ok = false, saw_nomem = false;
	long budget;

	for (budget = 0; budget <= 8; budget++) {
		struct fake_mm fm;
		struct pgtable pt;
		struct model m;
		uint64_t off;
		int err;

		pt_setup(&fm, &pt, PT_EL20);
		model_init(&m, PT_EL20, wbase, 8 * MB / PG);
		CHECK_EQ(pgtable_map(&pt, L0_SPAN - 2 * MB, 0x40000000, 2 * MB, RO),
			 PT_OK);
		model_set(&m, L0_SPAN - 2 * MB, 0x40000000, 2 * MB, RO);
		CHECK_EQ(pgtable_map(&pt, wbase + PG, 0x1000, PG, RX), PT_OK);
		model_set(&m, wbase + PG, 0x1000, PG, RX);

		fm.budget = budget;
		err = pgtable_map(&pt, va, pa, size, prot);
		if (fm.failed) {
			CHECK_EQ(err, PT_ERR_NOMEM);
			saw_nomem = true;
		} else {
			CHECK_EQ(err, PT_OK);
			saw_ok = true;
		}
		check_tree(&fm, &pt);
		CHECK_BBM(&fm);
		MODEL_CHECK_RANGE(&m, &pt, wbase, va - wbase);
		MODEL_CHECK_RANGE(&m, &pt, va + size, wbase + 8 * MB - va - size);
		for (off = 0; off < size; off += PG) {
			size_t i = (size_t)((va + off - wbase) / PG);
			paddr_t got;
			unsigned got_prot;

			if (!pgtable_lookup(&pt, va + off, &got, &got_prot)) {
				CHECK_EQ(m.prot[i], 0);
				continue;
			}
			if (got != pa + off || got_prot != prot) {
				CHECK_EQ(got, m.pa[i]);
				CHECK_EQ(got_prot, m.prot[i]);
			}
		}

		fm.budget = -1;
		CHECK_EQ(pgtable_map(&pt, va, pa, size, prot), PT_OK);
		model_set(&m, va, pa, size, prot);
		MODEL_CHECK_ALL(&m, &pt);
		pt_teardown(&fm, &pt);
		model_release(&m);
	}
	CHECK(saw_ok);
	CHECK(saw_nomem);
}

/* ---- Randomized runs against the shadow model ---- */

struct soak_params {
	enum pt_regime regime;
	uint64_t base;		/* of the window: 1 GiB or 2 MiB aligned */
	size_t npages;
	unsigned steps;
	bool gib;		/* also 1 GiB-sized operations */
	unsigned full_every;	/* whole-window check period, in steps */
};

#define SOAK_PA_BASE 0x100000000000ULL

static void soak(const struct soak_params *sp)
{
	const uint64_t window = sp->npages * PG;
	struct fake_mm fm;
	struct pgtable pt;
	struct model m;
	unsigned char *covered = malloc(sp->npages);
	unsigned step, maps = 0, unmaps = 0, blocks = 0;

	CHECK(covered != NULL);
	pt_setup(&fm, &pt, sp->regime);
	model_init(&m, sp->regime, sp->base, sp->npages);
	for (step = 1; step <= sp->steps; step++) {
		uint64_t gran, off, size, va, k;
		size_t first, n, i;
		unsigned r = (unsigned)unit_rand_below(10), prot = 0;
		bool map = unit_rand_below(100) < 62;
		paddr_t pa = 0;

		if (sp->gib && r < 2)
			gran = GB;
		else if (r < 6)
			gran = 2 * MB;
		else
			gran = PG;
		size = gran * (1 + unit_rand_below(gran == PG ? 48 :
						    gran == GB ? 2 : 5));
		off = ALIGN_DOWN(unit_rand_below(window), gran);
		if (unit_rand_below(4) == 0)
			off += PG * unit_rand_below(8);
		if (unit_rand_below(4) == 0)
			size += PG * unit_rand_below(8);
		else if (unit_rand_below(4) == 0 && size > 8 * PG)
			size -= PG * (1 + unit_rand_below(7));
		if (off >= window)
			off = window - PG;
		if (off + size > window)
			size = window - off;
		va = sp->base + off;
		if (map) {
			if (unit_rand_below(3))	/* blocks possible */
				pa = SOAK_PA_BASE + off + GB * unit_rand_below(32);
			else
				pa = SOAK_PA_BASE + PG * unit_rand_below(1 << 22);
			do
				prot = (unsigned)unit_rand_below(32);
			while (!valid_prot(prot));
		}

		/* Which of the pages were mapped: each must be invalidated. */
		first = (size_t)(off / PG);
		n = (size_t)(size / PG);
		for (i = 0; i < n; i++)
			covered[first + i] = m.prot[first + i] == 0;
		tlb_reset(&fm);
		if (map) {
			CHECK_EQ(pgtable_map(&pt, va, pa, size, prot), PT_OK);
			model_set(&m, va, pa, size, prot);
			maps++;
		} else {
			CHECK_EQ(pgtable_unmap(&pt, va, size), PT_OK);
			model_set(&m, va, 0, size, 0);
			unmaps++;
		}
		CHECK_BBM(&fm);
		for (k = 0; k < fm.ntlb; k++) {
			uint64_t lo = MAX(fm.tlb[k].va, va);
			uint64_t hi = MIN(fm.tlb[k].va + fm.tlb[k].size, va + size);

			for (; lo < hi; lo += PG)
				covered[(lo - sp->base) / PG] = 1;
		}
		for (i = first; i < first + n; i++)
			if (!covered[i])
				unit_fail(__FILE__, __LINE__,
					  "step %u: 0x%llx was mapped, changed, "
					  "and not invalidated", step,
					  (unsigned long long)(sp->base + i * PG));

		/*
		 * The operation's range: whole if small, else its ends and a
		 * sample (the periodic whole-window check sees the rest); and
		 * a sample of the window.
		 */
		if (n <= 2048) {
			MODEL_CHECK_RANGE(&m, &pt, va - PG, size + 2 * PG);
		} else {
			MODEL_CHECK_RANGE(&m, &pt, va - PG, 1024 * PG);
			MODEL_CHECK_RANGE(&m, &pt, va + size - 1023 * PG,
					  1024 * PG);
			for (k = 0; k < 256; k++)
				model_check_page(__FILE__, __LINE__, &m, &pt, first +
						 (size_t)unit_rand_below(n));
		}
		for (k = 0; k < 64; k++)
			model_check_page(__FILE__, __LINE__, &m, &pt,
					 (size_t)unit_rand_below(sp->npages));
		if (step % sp->full_every == 0 || step == sp->steps) {
			MODEL_CHECK_ALL(&m, &pt);
			check_tree(&fm, &pt);
		}
		if (map && step % 16 == 0) {
			int level;

			if (raw_leaf(&fm, pt.root, va, &level) && level < 3)
				blocks++;
		}
	}
	/* The run did what it is for. */
	CHECK(maps > sp->steps / 2);
	CHECK(unmaps > sp->steps / 4);
	CHECK(blocks > 0);
	pt_teardown(&fm, &pt);
	model_release(&m);
	free(covered);
}

TEST(pgtable, randomized_soak_small_window)
{
	/* 16 MiB around a GiB boundary; every page checked after every step. */
	struct soak_params sp = {
		.regime = PT_EL2, .base = GB - 8 * MB, .npages = 16 * MB / PG,
		.steps = 4000, .gib = false, .full_every = 1,
	};

	soak(&sp);
}

TEST(pgtable, randomized_soak_large_window)
{
	/* 2 GiB across a level 0 boundary, with 1 GiB blocks. */
	struct soak_params sp = {
		.regime = PT_EL20, .base = L0_SPAN - GB, .npages = 2 * GB / PG,
		.steps = 1200, .gib = true, .full_every = 150,
	};

	soak(&sp);
}
