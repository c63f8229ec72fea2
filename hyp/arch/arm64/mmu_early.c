/*
 * Building the first page tables, with the MMU off. Runs before anything
 * else in C, on physical addresses, after head.S has applied relocations
 * for the *virtual* addresses: so this file must not load pointers from
 * initialised data (they hold VAs that are not mapped yet). Addresses taken
 * in code are PC-relative and therefore physical here.
 */
#include "arch/boot.h"
#include "arch/mmu.h"
#include "arch/pgtable.h"
#include "arch/sysreg.h"

#define EARLY_POOL_PAGES 32
#define DTB_MAX_SIZE (2UL << 20)
#define FDT_MAGIC 0xd00dfeedu

static uint8_t early_pool[EARLY_POOL_PAGES][PAGE_SIZE] __aligned(PAGE_SIZE);
static unsigned early_pool_used;
static bool early_map_failed;	/* head.S stops the boot with a message */

struct mmu_boot_config mmu_boot_config;
uint8_t cpu_stacks[MAX_CPUS + 1][STACK_SLOT] __aligned(STACK_SLOT) __section(".stacks");

/* Keeps the compiler from folding an address into a relocated constant. */
static inline void *hide_address(void *p)
{
	__asm__("" : "+r"(p));
	return p;
}
#define PC_RELATIVE(p) ((__typeof__(&*(p)))hide_address((void *)(p)))

static bool early_alloc_table(void *ctx, paddr_t *pa)
{
	uint64_t *page;

	(void)ctx;
	if (early_pool_used == EARLY_POOL_PAGES)
		return false;
	page = (uint64_t *)PC_RELATIVE(&early_pool[early_pool_used++][0]);
	for (size_t i = 0; i < PAGE_SIZE / sizeof(*page); i++)
		page[i] = 0;
	*pa = (paddr_t)(uintptr_t)page;
	return true;
}

/*
 * The boot pool also serves the first mappings made after the MMU is on
 * (all of RAM), before the page allocator exists. Works on either side of
 * the switch: the pool's address is PC-relative (a PA before, a VA after)
 * and hyp_va_offset is still 0 before.
 */
bool boot_pool_alloc(paddr_t *pa)
{
	paddr_t addr;

	if (!early_alloc_table(NULL, &addr))
		return false;
	*pa = addr - hyp_va_offset;
	return true;
}

static void early_free_table(void *ctx, paddr_t pa)
{
	(void)ctx;
	(void)pa;	/* the pool is only ever used at boot; never freed */
}

static void *early_table_ptr(void *ctx, paddr_t pa)
{
	(void)ctx;
	return (void *)(uintptr_t)pa;
}

static void early_tlb_invalidate(void *ctx, uint64_t va, size_t size)
{
	(void)ctx;
	(void)va;
	(void)size;	/* MMU off: nothing cached yet */
}

/* Map [start, end) of the image (physical addresses) at its VA. */
static void map_image_part(struct pgtable *pt, char *start, char *end,
			   uint64_t va_offset, unsigned prot)
{
	paddr_t pa = (paddr_t)(uintptr_t)start;
	size_t size = (size_t)(end - start);

	if (size && pgtable_map(pt, (pa + va_offset) & ((1UL << PT_VA_BITS) - 1),
				pa, size, prot))
		*PC_RELATIVE(&early_map_failed) = true;
}

static uint32_t be32(const void *p)
{
	const uint8_t *b = p;

	return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 |
	       (uint32_t)b[2] << 8 | b[3];
}

static void map_stacks(struct pgtable *pt, uint64_t va_offset)
{
	for (unsigned cpu = 0; cpu <= MAX_CPUS; cpu++) {
		uint8_t *slot = PC_RELATIVE(&cpu_stacks[cpu][0]);

		/* The first page of each slot stays unmapped: the guard. */
		map_image_part(pt, (char *)slot + STACK_GUARD,
			       (char *)slot + STACK_SLOT, va_offset,
			       PROT_READ | PROT_WRITE);
	}
}

static void map_dtb(struct pgtable *pt, paddr_t dtb_pa, uint64_t va_offset)
{
	paddr_t start, end;
	uint32_t size;

	if (!dtb_pa || (dtb_pa & 7))
		return;	/* start_hypervisor reports it */
	/* At least the header, so a bad one gets a message, not a fault. */
	size = MAX(be32((void *)(uintptr_t)(dtb_pa + 4)), (uint32_t)PAGE_SIZE);
	if (be32((void *)(uintptr_t)dtb_pa) != FDT_MAGIC)
		size = PAGE_SIZE;
	size = MIN(size, (uint32_t)DTB_MAX_SIZE);
	start = ALIGN_DOWN(dtb_pa, PAGE_SIZE);
	end = ALIGN_UP(dtb_pa + size, PAGE_SIZE);
	map_image_part(pt, (char *)(uintptr_t)start, (char *)(uintptr_t)end, va_offset,
		       PROT_READ);
}

static uint64_t tcr_value(bool vhe)
{
	uint64_t mmfr0 = read_sysreg(id_aa64mmfr0_el1);
	uint64_t parange = mmfr0 & 0xf;
	uint64_t asid16 = ((mmfr0 >> 4) & 0xf) == 2 ? 1 : 0;
	/* 48-bit VAs, inner/outer write-back, inner shareable walks, 4K granule. */
	uint64_t walk0 = 16 | (1UL << 8) | (1UL << 10) | (3UL << 12);

	if (parange > 5)
		parange = 5;	/* 48 bits is all a 4K-granule table here maps */
	if (!vhe)
		return walk0 | (parange << 16) | (1UL << 23) | (1UL << 31);
	/* EL1 layout: T1SZ=16, TG1=4K, IPS, 16-bit ASIDs. */
	return walk0 | (16UL << 16) | (1UL << 24) | (1UL << 26) | (3UL << 28) |
	       (2UL << 30) | (parange << 32) | (asid16 << 36);
}

struct mmu_boot_config *early_mmu_setup(paddr_t image_pa, uint64_t va_offset,
					paddr_t dtb_pa, bool vhe)
{
	struct mmu_boot_config *cfg = PC_RELATIVE(&mmu_boot_config);
	enum pt_regime regime = vhe ? PT_EL20 : PT_EL2;
	struct pgtable_mm mm;
	struct pgtable hyp, idmap;

	(void)image_pa;
	mm.alloc_table = PC_RELATIVE(early_alloc_table);
	mm.free_table = PC_RELATIVE(early_free_table);
	mm.table_ptr = PC_RELATIVE(early_table_ptr);
	mm.tlb_invalidate = PC_RELATIVE(early_tlb_invalidate);
	mm.ctx = NULL;

	pgtable_init(&hyp, regime, &mm);
	map_image_part(&hyp, PC_RELATIVE(__text_start), PC_RELATIVE(__text_end),
		       va_offset, PROT_READ | PROT_EXEC);
	map_image_part(&hyp, PC_RELATIVE(__rodata_start),
		       PC_RELATIVE(__rodata_end), va_offset, PROT_READ);
	map_image_part(&hyp, PC_RELATIVE(__data_start), PC_RELATIVE(__data_end),
		       va_offset, PROT_READ | PROT_WRITE);
	map_stacks(&hyp, va_offset);
	map_image_part(&hyp, (char *)EARLY_UART_PA, (char *)EARLY_UART_PA + PAGE_SIZE,
		       va_offset, PROT_READ | PROT_WRITE | PROT_DEVICE);
	map_dtb(&hyp, dtb_pa, va_offset);

	cfg->mair = MAIR_VALUE;
	cfg->tcr = tcr_value(vhe);
	cfg->va_offset = va_offset;
	cfg->hcr = read_sysreg(hcr_el2);
	cfg->cptr = read_sysreg(cptr_el2);
	if (vhe) {
		/* The page that turns the MMU on runs at VA == PA. */
		pgtable_init(&idmap, regime, &mm);
		map_image_part(&idmap, PC_RELATIVE(__idmap_text_start),
			       PC_RELATIVE(__idmap_text_end), 0,
			       PROT_READ | PROT_EXEC);
		cfg->ttbr0 = idmap.root;
		cfg->ttbr1 = hyp.root;
		cfg->sctlr = SCTLR_EL2_E2H_BASE | SCTLR_M | SCTLR_C | SCTLR_SA |
			     SCTLR_I | SCTLR_WXN;
	} else {
		cfg->ttbr0 = hyp.root;
		cfg->ttbr1 = 0;
		cfg->sctlr = SCTLR_EL2_RES1 | SCTLR_M | SCTLR_C | SCTLR_SA |
			     SCTLR_I | SCTLR_WXN;
	}
	return *PC_RELATIVE(&early_map_failed) ? NULL : cfg;
}
