/*
 * The hypervisor's own address space. Every physical address the
 * hypervisor reaches (its image, RAM, device registers) is mapped at
 * VA = PA + va_offset, with va_offset 0 without VHE (identity) and
 * VHE_VA_BASE with VHE (the upper, TTBR1_EL2 half, leaving TTBR0_EL2 to EL0
 * apps). One offset, so converting is an addition.
 */
#ifndef ARCH_MMU_H
#define ARCH_MMU_H

#include "arch/pgtable.h"
#include "lib/types.h"

extern uint64_t hyp_va_offset;

static inline void *phys_to_virt(paddr_t pa)
{
	return (void *)(uintptr_t)(pa + hyp_va_offset);
}

static inline paddr_t virt_to_phys(const void *va)
{
	return (paddr_t)(uintptr_t)va - hyp_va_offset;
}

/* A zeroed page from the boot-time pool, before the page allocator exists. */
bool boot_pool_alloc(paddr_t *pa);

/*
 * Table memory from the page allocator, reached through the linear map:
 * fills mm's allocation callbacks for any table the hypervisor keeps at
 * run time (its own, stage 2, EL0 apps); the caller supplies the TLB
 * maintenance for its regime.
 */
void pgtable_mm_runtime(struct pgtable_mm *mm,
			void (*tlb_invalidate)(void *ctx, uint64_t va, size_t size),
			void *ctx);

/* Sets up the runtime page-table ops once the page allocator exists. */
void mmu_init(uint64_t va_offset);

/* The hypervisor's table for its own mappings (TTBR0 or TTBR1). */
struct pgtable *mmu_hyp_table(void);

/*
 * Map [pa, pa + size) into the linear map with prot (page-rounded outward).
 * Returns the VA of pa, or NULL on failure.
 */
void *mmu_map_phys(paddr_t pa, size_t size, unsigned prot);

/* Map device registers (Device-nGnRE, read-write, never executable). */
void *mmu_map_device(paddr_t pa, size_t size);

int mmu_unmap_phys(paddr_t pa, size_t size);

/* Image section bounds (linker script), by VA. */
extern char __image_start[], __image_end[], __text_start[], __text_end[],
	__rodata_start[], __rodata_end[], __data_start[], __data_end[],
	__bss_start[], __bss_end[], __idmap_text_start[], __idmap_text_end[];

/* Cache maintenance to the point of coherency, by VA. */
void dcache_clean_range(const void *va, size_t size);
void dcache_invalidate_range(const void *va, size_t size);

#endif
