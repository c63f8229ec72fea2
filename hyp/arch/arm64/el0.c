/*
 * EL0 code in one of two regimes (see arch/el0.h).
 *
 * With VHE: the EL2&0 regime, EL0 tables in TTBR0_EL2 tagged with ASIDs.
 *
 * Without VHE (HCR_EL2.E2H = 0), the run sets HCR_EL2.TGE, and the Arm ARM
 * (HCR_EL2.TGE, HCR_EL2.VM, HCR_EL2.DC) gives:
 * - every exception EL0 takes goes to EL2, and physical IRQs/FIQs/SErrors
 *   are routed to EL2 (the effective IMO/FMO/AMO are 1), so EL0 cannot mask
 *   them;
 * - stage 1 of the EL1&0 regime behaves as disabled (SCTLR_EL1.M as 0), so
 *   the guest's EL1 MMU registers play no part and need no swapping;
 * - stage 2 still applies: only {E2H, TGE} = {1, 1} puts EL0 "in host"
 *   and turns HCR_EL2.VM off. The app's address space is therefore a
 *   stage-2 table (VA = IPA) with a VMID of its own;
 * - without HCR_EL2.DC, data accesses with stage 1 off are Device-nGnRnE
 *   (alignment faults, and uncached aliases of pages the hypervisor reaches
 *   cacheably). DC = 1 makes stage 1's output Normal write-back, and the
 *   stage-2 descriptor's inner-shareable write-back gives the final
 *   attributes: apps need no -mstrict-align. ({1, 1} would ignore DC, but
 *   E2H is 0 here.)
 * EL1 controls that still govern EL0 with stage 1 off (SCTLR_EL1:
 * endianness, alignment and SP checks, WFI traps, cache and DC ZVA access;
 * CNTKCTL_EL1: counter and timer access; CPACR_EL1: FP/SIMD traps) belong
 * to whichever guest is loaded, so the run replaces them: no guest decides
 * how an app runs, not even another domain's. FP/SIMD at EL0 traps through
 * CPTR_EL2.TFP, set only for the run (the E2H = 0 layout has no EL0-only
 * FPEN), so guests keep eager FP. The guest's VTTBR, VTCR, HCR, CPTR and
 * the three EL1 controls are put back after every run.
 */
#include "arch/cpu.h"
#include "arch/el0.h"
#include "arch/mmu.h"
#include "arch/sysreg.h"
#include "arch/vcpu_switch.h"
#include "core/domain.h"
#include "core/mm.h"

#define EL0_VA_LIMIT (1UL << PT_VA_BITS)

_Static_assert(MAX_DOMAINS <= EL0_VMID_BASE, "domain VMIDs below the EL0 spaces'");
_Static_assert(EL0_VMID_BASE + EL0_TAG_LIMIT <= 256, "8-bit VMIDs");

/* --- the EL2&0 regime (VHE) ---------------------------------------------------- */

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

static void el20_cpu_init(void)
{
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

static inline uint64_t el20_run(uint64_t ttbr0, struct vcpu_context *ctx)
{
	uint64_t hcr = read_sysreg(hcr_el2), exit;

	/*
	 * EL0t, DAIF clear, the app's flags kept (this may resume it after an
	 * interrupt or a syscall). PAN set: with SCTLR_EL2.SPAN = 1 the
	 * exception back to EL2 keeps it, so the hypervisor handles the app's
	 * exits with PAN on (VHE implies FEAT_PAN).
	 */
	ctx->gprs.pstate = (ctx->gprs.pstate & PSR_NZCV) | PSR_PAN;
	write_sysreg(ttbr0_el2, ttbr0);
	write_sysreg(hcr_el2, hcr | HCR_TGE);
	isb();
	exit = guest_enter(ctx);
	write_sysreg(hcr_el2, hcr);
	write_sysreg(ttbr0_el2, empty_table);
	isb();
	return exit;
}

static uint64_t el20_translate(uint64_t ttbr0, uint64_t va)
{
	uint64_t hcr = read_sysreg(hcr_el2), par;

	write_sysreg(ttbr0_el2, ttbr0);
	write_sysreg(hcr_el2, hcr | HCR_TGE);
	isb();
	__asm__ volatile("at s1e0r, %0; isb" : : "r"(va) : "memory");
	par = read_sysreg(par_el1);
	write_sysreg(hcr_el2, hcr);
	write_sysreg(ttbr0_el2, empty_table);
	isb();
	return par;
}

/* --- stage 2 only (no VHE) ----------------------------------------------------- */

#define HCR_VM BIT(0)
/* HCR_EL2 for the run: no guest trap bits, so every host sees the same app. */
#define HCR_EL0_S2 (HCR_HOST_FLAGS | HCR_TGE | HCR_DC | HCR_VM)

/*
 * SCTLR_EL1 for the run: the EL0 controls the VHE path gives apps through
 * SCTLR_EL2 (whose E2H = 1 layout is SCTLR_EL1's): SA0, nTWI, nTWE and the
 * RES1 bits; little-endian, no alignment checks, no EL0 cache maintenance,
 * DC ZVA, CTR_EL0 or DAIF access. M, C and I are ignored under TGE and DC.
 */
#define SCTLR_EL1_EL0_APP SCTLR_EL2_E2H_BASE
/* CNTKCTL_EL1 for the run: no EL0 access to counters or timers, as with VHE. */
#define CNTKCTL_EL1_EL0_APP 0UL
/*
 * CPACR_EL1 for the run: FPEN = 0b11, so that CPTR_EL2.TFP is what traps
 * FP/SIMD (ESR class 0x07). A guest's FPEN = 0b00 would trap first, to
 * EL1, and TGE would bring that to EL2 as an unknown-reason exception.
 */
#define CPACR_EL1_EL0_APP (3UL << 20)

/*
 * The app's table is walked from level 0 (the walker's 4 levels), which
 * with a 4 KiB granule needs T0SZ <= 24: 40-bit IPAs, of which the app
 * window uses 34.
 */
#define S2_IPA_BITS 40
#define S2_VA_LIMIT (1UL << S2_IPA_BITS)
#define PARANGE_40BIT 2
#define PARANGE_48BIT 5

/* VTCR_EL2 for the run; each guest's VTCR is restored after it. */
static uint64_t s2_vtcr;

struct s2_saved {
	uint64_t hcr, vttbr, vtcr, cptr, sctlr_el1, cntkctl_el1, cpacr_el1;
};

static unsigned cpu_parange(void)
{
	return read_sysreg(id_aa64mmfr0_el1) & 0xf;
}

static uint64_t vmid_of(const struct el0_space *s)
{
	return EL0_VMID_BASE + s->asid;
}

/* Entries are VMID-tagged (stage 1 is off: VA = IPA): drop that VMID's. */
static void s2_tlb_invalidate(void *ctx, uint64_t va, size_t size)
{
	(void)va;
	(void)size;
	arch_tlb_flush_vmid((uint16_t)vmid_of(ctx));
}

static void s2_cpu_init(void)
{
	uint64_t ps = MIN(cpu_parange(), PARANGE_48BIT);

	/* T0SZ, SL0 = 2 (level 0), WB/WB inner-shareable walks, 4K, PS, RES1. */
	s2_vtcr = (64 - S2_IPA_BITS) | (2UL << 6) | (1UL << 8) | (1UL << 10) |
		  (3UL << 12) | (ps << 16) | BIT(31);
}

static void s2_enter(struct s2_saved *g, const struct el0_space *s)
{
	g->hcr = read_sysreg(hcr_el2);
	g->vttbr = read_sysreg(vttbr_el2);
	g->vtcr = read_sysreg(vtcr_el2);
	g->cptr = read_sysreg(cptr_el2);
	g->sctlr_el1 = read_sysreg(sctlr_el1);
	g->cntkctl_el1 = read_sysreg(cntkctl_el1);
	g->cpacr_el1 = read_sysreg(cpacr_el1);
	write_sysreg(vttbr_el2, vmid_of(s) << 48 | s->pt.root);
	write_sysreg(vtcr_el2, s2_vtcr);
	write_sysreg(sctlr_el1, SCTLR_EL1_EL0_APP);
	write_sysreg(cntkctl_el1, CNTKCTL_EL1_EL0_APP);
	write_sysreg(cpacr_el1, CPACR_EL1_EL0_APP);
	write_sysreg(cptr_el2, g->cptr | CPTR_EL2_TFP);
	write_sysreg(hcr_el2, HCR_EL0_S2);
	isb();
}

static void s2_leave(const struct s2_saved *g)
{
	write_sysreg(hcr_el2, g->hcr);
	write_sysreg(cptr_el2, g->cptr);
	write_sysreg(cntkctl_el1, g->cntkctl_el1);
	write_sysreg(cpacr_el1, g->cpacr_el1);
	write_sysreg(sctlr_el1, g->sctlr_el1);
	write_sysreg(vtcr_el2, g->vtcr);
	write_sysreg(vttbr_el2, g->vttbr);
	isb();
}

/* Out of line: el0_run keeps the VHE path's small frame. */
__attribute__((noinline))
static uint64_t s2_run(struct el0_space *s, struct vcpu_context *ctx)
{
	struct s2_saved guest;
	uint64_t exit;

	ctx->gprs.pstate &= PSR_NZCV;	/* EL0t, DAIF clear, the app's flags kept */
	s2_enter(&guest, s);
	exit = guest_enter(ctx);
	s2_leave(&guest);
	return exit;
}

static uint64_t s2_translate(struct el0_space *s, uint64_t va)
{
	struct s2_saved guest;
	uint64_t par;

	s2_enter(&guest, s);
	__asm__ volatile("at s12e0r, %0; isb" : : "r"(va) : "memory");
	par = read_sysreg(par_el1);
	s2_leave(&guest);
	return par;
}

/* --- the interface ------------------------------------------------------------- */

static uint64_t va_limit(const struct el0_space *s)
{
	return s->pt.regime == PT_S2_EL0 ? S2_VA_LIMIT : EL0_VA_LIMIT;
}

bool el0_supported(void)
{
	return arch_has_vhe() || cpu_parange() >= PARANGE_40BIT;
}

void el0_cpu_init(void)
{
	if (!el0_supported())
		return;
	if (arch_has_vhe())
		el20_cpu_init();
	else
		s2_cpu_init();
}

int el0_space_init(struct el0_space *s, uint16_t tag)
{
	int err;

	s->asid = tag;
	s->ttbr0_el2 = 0;
	if (arch_has_vhe()) {
		pgtable_mm_runtime(&s->mm, el0_tlb_invalidate, s);
		err = pgtable_init(&s->pt, PT_EL20, &s->mm);
		if (!err)
			s->ttbr0_el2 = (uint64_t)tag << 48 | s->pt.root;
		return err;
	}
	if (tag >= EL0_TAG_LIMIT)
		return PT_ERR_RANGE;
	pgtable_mm_runtime(&s->mm, s2_tlb_invalidate, s);
	err = pgtable_init(&s->pt, PT_S2_EL0, &s->mm);
	if (!err)	/* a new space: nothing cached for its VMID may survive */
		s2_tlb_invalidate(s, 0, 0);
	return err;
}

int el0_map(struct el0_space *s, uint64_t va, paddr_t pa, size_t size, unsigned prot)
{
	if (va >= va_limit(s) || size > va_limit(s) - va)
		return PT_ERR_RANGE;
	return pgtable_map(&s->pt, va, pa, size, prot | PROT_USER);
}

int el0_unmap(struct el0_space *s, uint64_t va, size_t size)
{
	if (va >= va_limit(s) || size > va_limit(s) - va)
		return PT_ERR_RANGE;
	return pgtable_unmap(&s->pt, va, size);
}

bool el0_lookup(struct el0_space *s, uint64_t va, paddr_t *pa, unsigned *prot)
{
	unsigned p;

	if (va >= va_limit(s) || !pgtable_lookup(&s->pt, va, pa, &p) || !(p & PROT_USER))
		return false;
	*prot = p & ~PROT_USER;
	return true;
}

void el0_space_destroy(struct el0_space *s)
{
	s->ttbr0_el2 = 0;
	pgtable_destroy(&s->pt);
	s->mm.tlb_invalidate(s->mm.ctx, 0, 0);
}

uint64_t el0_translate(struct el0_space *s, uint64_t va)
{
	uint64_t guest_par = read_sysreg(par_el1), par;

	par = s->ttbr0_el2 ? el20_translate(s->ttbr0_el2, va) : s2_translate(s, va);
	write_sysreg(par_el1, guest_par);
	return par;
}

/*
 * The regime test is the load of the TTBR0_EL2 value the VHE path needs
 * anyway (precomputed, where it used to be assembled from ASID and root on
 * every run): the VHE path is no longer than before.
 */
/*
 * MDSCR_EL1 is the loaded guest's (core/guest_sysreg.c lets it set SS, KDE,
 * MDE) and in both regimes it also governs debug exceptions from EL0: a
 * guest that turned on software step would make an app (maybe another
 * domain's, run for a timer) take a step exception, i.e. fault. (Today the
 * OS lock, which guests cannot clear, still masks that; this does not rely
 * on it.) So it is cleared for the run; the common value 0 costs one read.
 */
uint64_t el0_run(struct el0_space *s, struct vcpu_context *ctx)
{
	uint64_t ttbr0 = s->ttbr0_el2, mdscr = read_sysreg(mdscr_el1), exit;

	if (mdscr)
		write_sysreg(mdscr_el1, 0);	/* synchronized by the ERET to EL0 */
	exit = ttbr0 ? el20_run(ttbr0, ctx) : s2_run(s, ctx);
	if (mdscr)
		write_sysreg(mdscr_el1, mdscr);
	return exit;
}
