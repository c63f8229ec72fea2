/* EL0 in the EL2&0 regime (see arch/el0.h). */
#include "arch/cpu.h"
#include "arch/el0.h"
#include "arch/mmu.h"
#include "arch/sysreg.h"
#include "core/mm.h"

#define EL0_VA_LIMIT (1UL << PT_VA_BITS)

static paddr_t empty_table;	/* TTBR0_EL2 when no EL0 code runs */

/* Entries are ASID-tagged: invalidating that ASID everywhere is enough. */
static void el0_tlb_invalidate(void *ctx, uint64_t va, size_t size)
{
	struct el0_space *s = ctx;

	(void)va;
	(void)size;
	__asm__ volatile("dsb ishst; tlbi aside1is, %0; dsb ish; isb"
			 : : "r"((uint64_t)s->asid << 48) : "memory");
}

bool el0_supported(void)
{
	return arch_has_vhe();
}

void el0_cpu_init(void)
{
	if (!el0_supported())
		return;
	if (!empty_table && !mm_alloc_zeroed_pages(1, &empty_table))
		return;
	/*
	 * The boot identity map leaves TTBR0_EL2 now: its global entries
	 * would shadow EL0 addresses for every ASID.
	 */
	write_sysreg(ttbr0_el2, empty_table);
	isb();
	__asm__ volatile("dsb ishst; tlbi alle2; dsb ish; isb" ::: "memory");
}

int el0_space_init(struct el0_space *s, uint16_t asid)
{
	s->asid = asid;
	pgtable_mm_runtime(&s->mm, el0_tlb_invalidate, s);
	return pgtable_init(&s->pt, PT_EL20, &s->mm);
}

int el0_map(struct el0_space *s, uint64_t va, paddr_t pa, size_t size, unsigned prot)
{
	if (va >= EL0_VA_LIMIT || size > EL0_VA_LIMIT - va)
		return PT_ERR_RANGE;
	return pgtable_map(&s->pt, va, pa, size, prot | PROT_USER);
}

int el0_unmap(struct el0_space *s, uint64_t va, size_t size)
{
	if (va >= EL0_VA_LIMIT || size > EL0_VA_LIMIT - va)
		return PT_ERR_RANGE;
	return pgtable_unmap(&s->pt, va, size);
}

bool el0_lookup(struct el0_space *s, uint64_t va, paddr_t *pa, unsigned *prot)
{
	unsigned p;

	if (va >= EL0_VA_LIMIT || !pgtable_lookup(&s->pt, va, pa, &p) || !(p & PROT_USER))
		return false;
	*prot = p & ~PROT_USER;
	return true;
}

void el0_space_destroy(struct el0_space *s)
{
	pgtable_destroy(&s->pt);
	el0_tlb_invalidate(s, 0, 0);
}

void el0_switch_in(struct el0_shared *saved, uint64_t sp)
{
	saved->sp_el0 = read_sysreg(sp_el0);
	saved->tpidr_el0 = read_sysreg(tpidr_el0);
	saved->tpidrro_el0 = read_sysreg(tpidrro_el0);
	write_sysreg(sp_el0, sp);
	write_sysreg(tpidr_el0, 0);
	write_sysreg(tpidrro_el0, 0);
}

void el0_switch_out(const struct el0_shared *saved)
{
	write_sysreg(sp_el0, saved->sp_el0);
	write_sysreg(tpidr_el0, saved->tpidr_el0);
	write_sysreg(tpidrro_el0, saved->tpidrro_el0);
}

uint64_t el0_run(struct el0_space *s, struct vcpu_context *ctx)
{
	uint64_t hcr = read_sysreg(hcr_el2), exit;

	ctx->gprs.pstate = 0;		/* EL0t, DAIF clear */
	write_sysreg(ttbr0_el2, (uint64_t)s->asid << 48 | s->pt.root);
	write_sysreg(hcr_el2, hcr | HCR_TGE);
	isb();
	exit = guest_enter(ctx);
	write_sysreg(hcr_el2, hcr);
	write_sysreg(ttbr0_el2, empty_table);
	isb();
	return exit;
}
