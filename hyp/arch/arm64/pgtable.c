/*
 * The page-table walker (see arch/pgtable.h). Descriptor formats from the
 * Arm ARM, VMSAv8-64, 4 KiB granule: level 0 holds only table descriptors,
 * levels 1 and 2 tables or blocks (1 GiB, 2 MiB), level 3 pages.
 */
#include "arch/pgtable.h"

#define DESC_VALID (1UL << 0)
#define DESC_TABLE (1UL << 1)	/* levels 0-2: table; level 3: page */
#define DESC_ATTRIDX(i) ((uint64_t)(i) << 2)
#define DESC_ATTRIDX_MASK (7UL << 2)
#define DESC_AP_USER (1UL << 6)	/* AP[1] */
#define DESC_AP_RO (1UL << 7)	/* AP[2] */
#define DESC_SH_INNER (3UL << 8)
#define DESC_AF (1UL << 10)
#define DESC_NG (1UL << 11)
#define DESC_PXN (1UL << 53)
#define DESC_XN (1UL << 54)	/* UXN in the EL2&0 regime */
#define DESC_ADDR_MASK 0x0000fffffffff000UL

#define LEVEL_SHIFT(l) (12 + 9 * (PT_LEVELS - 1 - (l)))
#define LEVEL_SIZE(l) (1UL << LEVEL_SHIFT(l))
#define LEVEL_INDEX(va, l) (((va) >> LEVEL_SHIFT(l)) & (PT_ENTRIES - 1))

uint64_t pgtable_s1_attrs(enum pt_regime regime, unsigned prot)
{
	uint64_t d = DESC_AF;
	bool user = (prot & PROT_USER) != 0;

	if (prot & PROT_DEVICE)
		d |= DESC_ATTRIDX(MAIR_IDX_DEVICE_nGnRE);
	else
		d |= DESC_ATTRIDX(MAIR_IDX_NORMAL_WB) | DESC_SH_INNER;
	if (!(prot & PROT_WRITE))
		d |= DESC_AP_RO;

	if (regime == PT_EL2) {
		/* One privilege level: AP[1] is RES1 (as KVM's nVHE tables have it). */
		d |= DESC_AP_USER;
		if (!(prot & PROT_EXEC))
			d |= DESC_XN;
		return d;
	}
	/*
	 * EL2&0: user pages belong to one app's address space (ASID-tagged,
	 * non-global) and are never executable by the hypervisor.
	 */
	if (user) {
		d |= DESC_AP_USER | DESC_NG | DESC_PXN;
		if (!(prot & PROT_EXEC))
			d |= DESC_XN;
	} else {
		d |= DESC_XN;
		if (!(prot & PROT_EXEC))
			d |= DESC_PXN;
	}
	return d;
}

unsigned pgtable_s1_prot(enum pt_regime regime, uint64_t desc)
{
	unsigned prot = PROT_READ;

	if (!(desc & DESC_AP_RO))
		prot |= PROT_WRITE;
	if (((desc & DESC_ATTRIDX_MASK) >> 2) == MAIR_IDX_DEVICE_nGnRE)
		prot |= PROT_DEVICE;
	if (regime == PT_EL2) {
		if (!(desc & DESC_XN))
			prot |= PROT_EXEC;
		return prot;
	}
	if (desc & DESC_AP_USER) {
		prot |= PROT_USER;
		if (!(desc & DESC_XN))
			prot |= PROT_EXEC;
	} else if (!(desc & DESC_PXN)) {
		prot |= PROT_EXEC;
	}
	return prot;
}

/* Stage 2 (FEAT_S2FWB not used): MemAttr[5:2], S2AP[7:6], XN bit 54. */
#define S2_MEMATTR_DEVICE_nGnRE (0x1UL << 2)
#define S2_MEMATTR_NORMAL_WB (0xfUL << 2)
#define S2_MEMATTR_MASK (0xfUL << 2)
#define S2_AP_READ (1UL << 6)
#define S2_AP_WRITE (1UL << 7)

uint64_t pgtable_s2_attrs(unsigned prot)
{
	uint64_t d = DESC_AF;

	if (prot & PROT_DEVICE)
		d |= S2_MEMATTR_DEVICE_nGnRE;
	else
		d |= S2_MEMATTR_NORMAL_WB | DESC_SH_INNER;
	if (prot & PROT_READ)
		d |= S2_AP_READ;
	if (prot & PROT_WRITE)
		d |= S2_AP_WRITE;
	if (!(prot & PROT_EXEC))
		d |= DESC_XN;
	return d;
}

unsigned pgtable_s2_prot(uint64_t desc)
{
	unsigned prot = 0;

	if (desc & S2_AP_READ)
		prot |= PROT_READ;
	if (desc & S2_AP_WRITE)
		prot |= PROT_WRITE;
	if (!(desc & DESC_XN))
		prot |= PROT_EXEC;
	if ((desc & S2_MEMATTR_MASK) == S2_MEMATTR_DEVICE_nGnRE)
		prot |= PROT_DEVICE;
	return prot;
}

static bool is_stage2(enum pt_regime regime)
{
	return regime == PT_S2 || regime == PT_S2_EL0;
}

static uint64_t attrs_for(const struct pgtable *pt, unsigned prot)
{
	return is_stage2(pt->regime) ? pgtable_s2_attrs(prot)
				     : pgtable_s1_attrs(pt->regime, prot);
}

static unsigned prot_of(const struct pgtable *pt, uint64_t desc)
{
	if (pt->regime == PT_S2_EL0)	/* nothing but EL0 translates through it */
		return pgtable_s2_prot(desc) | PROT_USER;
	return pt->regime == PT_S2 ? pgtable_s2_prot(desc)
				   : pgtable_s1_prot(pt->regime, desc);
}

static uint64_t *table_at(const struct pgtable *pt, paddr_t pa)
{
	return pt->mm->table_ptr(pt->mm->ctx, pa);
}

static bool is_table(uint64_t desc, unsigned level)
{
	return level < PT_LEVELS - 1 && (desc & (DESC_VALID | DESC_TABLE)) ==
	       (DESC_VALID | DESC_TABLE);
}

/* A leaf is a block (levels 1-2) or a page (level 3). */
static bool is_leaf(uint64_t desc, unsigned level)
{
	if (!(desc & DESC_VALID))
		return false;
	return level == PT_LEVELS - 1 ? (desc & DESC_TABLE) != 0
				      : (desc & DESC_TABLE) == 0;
}

static uint64_t leaf_desc(paddr_t pa, unsigned level, uint64_t attrs)
{
	uint64_t type = level == PT_LEVELS - 1 ? (DESC_VALID | DESC_TABLE)
					       : DESC_VALID;
	return (pa & DESC_ADDR_MASK) | attrs | type;
}

/* Replace a valid entry: break-before-make, as the architecture requires. */
static void replace_entry(const struct pgtable *pt, uint64_t *entry,
			  uint64_t desc, uint64_t va, unsigned level)
{
	if (*entry & DESC_VALID) {
		__atomic_store_n(entry, 0, __ATOMIC_RELEASE);
		pt->mm->tlb_invalidate(pt->mm->ctx, ALIGN_DOWN(va, LEVEL_SIZE(level)),
				       LEVEL_SIZE(level));
	}
	__atomic_store_n(entry, desc, __ATOMIC_RELEASE);
}

static int new_table(const struct pgtable *pt, paddr_t *pa)
{
	return pt->mm->alloc_table(pt->mm->ctx, pa) ? PT_OK : PT_ERR_NOMEM;
}

/*
 * Make *entry (at level, covering va) point to a next-level table. A block
 * there is split into a table of smaller leaves with the same attributes,
 * so the parts of it outside the caller's range keep their mapping.
 */
static int descend(const struct pgtable *pt, uint64_t *entry, uint64_t va,
		   unsigned level, paddr_t *next)
{
	uint64_t old = *entry;
	uint64_t *table;
	paddr_t pa;
	int err;

	if (is_table(old, level)) {
		*next = old & DESC_ADDR_MASK;
		return PT_OK;
	}
	err = new_table(pt, &pa);
	if (err)
		return err;
	if (is_leaf(old, level)) {
		uint64_t attrs = old & ~(DESC_ADDR_MASK | DESC_VALID | DESC_TABLE);
		paddr_t base = old & DESC_ADDR_MASK;

		table = table_at(pt, pa);
		for (unsigned i = 0; i < PT_ENTRIES; i++)
			table[i] = leaf_desc(base + i * LEVEL_SIZE(level + 1),
					     level + 1, attrs);
	}
	replace_entry(pt, entry, pa | DESC_VALID | DESC_TABLE, va, level);
	*next = pa;
	return PT_OK;
}

static bool fits_block(uint64_t va, paddr_t pa, size_t size, unsigned level)
{
	uint64_t bsize = LEVEL_SIZE(level);

	return level >= 1 && IS_ALIGNED(va, bsize) && IS_ALIGNED(pa, bsize) &&
	       size >= bsize;
}

static void free_subtree(const struct pgtable *pt, paddr_t table_pa,
			 unsigned level)
{
	uint64_t *table = table_at(pt, table_pa);

	for (unsigned i = 0; i < PT_ENTRIES; i++)
		if (is_table(table[i], level))
			free_subtree(pt, table[i] & DESC_ADDR_MASK, level + 1);
	pt->mm->free_table(pt->mm->ctx, table_pa);
}

/*
 * Set the leaf entries for [va, va + size) at this level and below. A
 * desc_attrs of 0 means unmap.
 */
static int walk_set(const struct pgtable *pt, paddr_t table_pa, unsigned level,
		    uint64_t va, paddr_t pa, size_t size, uint64_t attrs)
{
	uint64_t *table = table_at(pt, table_pa);

	while (size) {
		uint64_t lsize = LEVEL_SIZE(level);
		uint64_t chunk = MIN(size, lsize - (va & (lsize - 1)));
		uint64_t *entry = &table[LEVEL_INDEX(va, level)];
		int err;

		if (fits_block(va, pa, chunk, level) || level == PT_LEVELS - 1) {
			uint64_t old = *entry;

			if (attrs)
				replace_entry(pt, entry, leaf_desc(pa, level, attrs),
					      va, level);
			else if (old & DESC_VALID)
				replace_entry(pt, entry, 0, va, level);
			if (is_table(old, level))
				free_subtree(pt, old & DESC_ADDR_MASK, level + 1);
		} else if (attrs || (*entry & DESC_VALID)) {
			paddr_t next;

			err = descend(pt, entry, va, level, &next);
			if (err)
				return err;
			err = walk_set(pt, next, level + 1, va, pa, chunk, attrs);
			if (err)
				return err;
		}
		va += chunk;
		pa += chunk;
		size -= chunk;
	}
	return PT_OK;
}

static int check_range(uint64_t va, paddr_t pa, size_t size)
{
	if (!IS_ALIGNED(va, PAGE_SIZE) || !IS_ALIGNED(pa, PAGE_SIZE) ||
	    !IS_ALIGNED(size, PAGE_SIZE))
		return PT_ERR_ALIGN;
	if (size == 0 || va + size < va || va + size > (1UL << PT_VA_BITS))
		return PT_ERR_RANGE;
	if (pa + size < pa || pa + size > (1UL << PT_VA_BITS))
		return PT_ERR_RANGE;	/* output addresses are 48 bits too */
	return PT_OK;
}

int pgtable_init(struct pgtable *pt, enum pt_regime regime,
		 const struct pgtable_mm *mm)
{
	pt->mm = mm;
	pt->regime = regime;
	return new_table(pt, &pt->root);
}

int pgtable_map(struct pgtable *pt, uint64_t va, paddr_t pa, size_t size,
		unsigned prot)
{
	int err = check_range(va, pa, size);

	if (err)
		return err;
	/* W^X binds the hypervisor's and apps' own mappings; guest RAM is RWX. */
	if (pt->regime != PT_S2 && (prot & PROT_WRITE) && (prot & PROT_EXEC))
		return PT_ERR_PROT;
	if (!(prot & (PROT_READ | PROT_WRITE | PROT_EXEC)))
		return PT_ERR_PROT;
	return walk_set(pt, pt->root, 0, va, pa, size, attrs_for(pt, prot));
}

int pgtable_unmap(struct pgtable *pt, uint64_t va, size_t size)
{
	int err = check_range(va, 0, size);

	if (err)
		return err;
	/* pa = va: aligned wherever va is, so whole blocks are removed whole. */
	return walk_set(pt, pt->root, 0, va, va, size, 0);
}

bool pgtable_lookup(const struct pgtable *pt, uint64_t va, paddr_t *pa,
		    unsigned *prot)
{
	paddr_t table_pa = pt->root;

	if (va >= (1UL << PT_VA_BITS))
		return false;
	for (unsigned level = 0; level < PT_LEVELS; level++) {
		uint64_t desc = table_at(pt, table_pa)[LEVEL_INDEX(va, level)];

		if (is_leaf(desc, level)) {
			uint64_t offset = va & (LEVEL_SIZE(level) - 1);

			if (pa)
				*pa = (desc & DESC_ADDR_MASK) + offset;
			if (prot)
				*prot = prot_of(pt, desc);
			return true;
		}
		if (!is_table(desc, level))
			return false;
		table_pa = desc & DESC_ADDR_MASK;
	}
	return false;
}

void pgtable_destroy(struct pgtable *pt)
{
	free_subtree(pt, pt->root, 0);
	pt->root = 0;
}
