/*
 * The hypervisor's address space once the MMU is on: more mappings (RAM,
 * device registers) are added to the table early_mmu_setup() built, with
 * table pages from the page allocator.
 */
#include "arch/boot.h"
#include "arch/mmu.h"
#include "arch/sysreg.h"
#include "core/console.h"
#include "core/mm.h"
#include "core/spinlock.h"

uint64_t hyp_va_offset;

static struct pgtable hyp_table;
static struct pgtable_mm hyp_mm;
static spinlock_t hyp_table_lock = SPINLOCK_INIT;

#define VA_MASK ((1UL << PT_VA_BITS) - 1)

static bool runtime_alloc_table(void *ctx, paddr_t *pa)
{
	(void)ctx;
	return mm_alloc_zeroed_pages(1, pa);
}

static void runtime_free_table(void *ctx, paddr_t pa)
{
	(void)ctx;
	/* Tables from the boot pool live in the image: never given back. */
	if (pa >= virt_to_phys(__image_start) && pa < virt_to_phys(__image_end))
		return;
	mm_free_pages(pa, 1);
}

static void *runtime_table_ptr(void *ctx, paddr_t pa)
{
	(void)ctx;
	return phys_to_virt(pa);
}

/*
 * Changing a live hypervisor mapping is rare (boot, device setup), so a
 * full EL2 TLB invalidation, broadcast to all CPUs, is simplest and right.
 */
static void runtime_tlb_invalidate(void *ctx, uint64_t va, size_t size)
{
	(void)ctx;
	(void)va;
	(void)size;
	dsb_ishst();
	__asm__ volatile("tlbi alle2is" ::: "memory");
	dsb_ish();
	isb();
}

void pgtable_mm_runtime(struct pgtable_mm *mm,
			void (*tlb_invalidate)(void *ctx, uint64_t va, size_t size),
			void *ctx)
{
	mm->alloc_table = runtime_alloc_table;
	mm->free_table = runtime_free_table;
	mm->table_ptr = runtime_table_ptr;
	mm->tlb_invalidate = tlb_invalidate;
	mm->ctx = ctx;
}

void mmu_init(uint64_t va_offset)
{
	hyp_va_offset = va_offset;
	pgtable_mm_runtime(&hyp_mm, runtime_tlb_invalidate, NULL);
	hyp_table.mm = &hyp_mm;
	if (mmu_boot_config.ttbr1) {
		hyp_table.root = mmu_boot_config.ttbr1;
		hyp_table.regime = PT_EL20;
	} else {
		hyp_table.root = mmu_boot_config.ttbr0;
		hyp_table.regime = PT_EL2;
	}
}

struct pgtable *mmu_hyp_table(void)
{
	return &hyp_table;
}

/* The image keeps the W^X mappings it booted with: nothing may remap it. */
static bool touches_image(paddr_t start, paddr_t end)
{
	return start < virt_to_phys(__image_end) && virt_to_phys(__image_start) < end;
}

/*
 * New or changed entries must be visible to the table walker before the
 * next access through them (Arm ARM D8.2.6; Linux's set_pte barriers).
 */
static void table_update_done(void)
{
	dsb_ishst();
	isb();
}

void *mmu_map_phys(paddr_t pa, size_t size, unsigned prot)
{
	paddr_t start = ALIGN_DOWN(pa, PAGE_SIZE);
	paddr_t end = ALIGN_UP(pa + size, PAGE_SIZE);
	uint64_t flags;
	int err;

	if (end <= start || end > (1UL << PT_VA_BITS) || touches_image(start, end))
		return NULL;
	flags = spin_lock_irqsave(&hyp_table_lock);
	err = pgtable_map(&hyp_table, (start + hyp_va_offset) & VA_MASK, start,
			  end - start, prot);
	table_update_done();
	spin_unlock_irqrestore(&hyp_table_lock, flags);
	return err ? NULL : phys_to_virt(pa);
}

void *mmu_map_device(paddr_t pa, size_t size)
{
	/* A device range over RAM would alias it with Device attributes. */
	if (mm_overlaps_ram(pa, size)) {
		printk("elvisor: error: device range [%#lx, %#lx) overlaps RAM: not mapped\n",
		       pa, pa + size);
		return NULL;
	}
	return mmu_map_phys(pa, size, PROT_READ | PROT_WRITE | PROT_DEVICE);
}

int mmu_unmap_phys(paddr_t pa, size_t size)
{
	paddr_t start = ALIGN_DOWN(pa, PAGE_SIZE);
	paddr_t end = ALIGN_UP(pa + size, PAGE_SIZE);
	uint64_t flags;
	int err;

	if (end <= start || touches_image(start, end))
		return PT_ERR_RANGE;
	flags = spin_lock_irqsave(&hyp_table_lock);
	err = pgtable_unmap(&hyp_table, (start + hyp_va_offset) & VA_MASK, end - start);
	table_update_done();
	spin_unlock_irqrestore(&hyp_table_lock, flags);
	return err;
}

static size_t dcache_line_size(void)
{
	return 4UL << ((read_sysreg(ctr_el0) >> 16) & 0xf);
}

void dcache_clean_range(const void *va, size_t size)
{
	size_t line = dcache_line_size();
	uintptr_t p = ALIGN_DOWN((uintptr_t)va, line);

	for (; p < (uintptr_t)va + size; p += line)
		__asm__ volatile("dc cvac, %0" : : "r"(p) : "memory");
	dsb_sy();
}

void dcache_invalidate_range(const void *va, size_t size)
{
	size_t line = dcache_line_size();
	uintptr_t p = ALIGN_DOWN((uintptr_t)va, line);

	for (; p < (uintptr_t)va + size; p += line)
		__asm__ volatile("dc ivac, %0" : : "r"(p) : "memory");
	dsb_sy();
}
