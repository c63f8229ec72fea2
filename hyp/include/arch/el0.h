/*
 * Running code at EL0: the mechanism EL0 apps use. Two regimes behind one
 * interface, chosen by the CPU:
 *
 * - With VHE (E2H = 1), the EL2&0 regime: an EL0 address space is a PT_EL20
 *   table tagged with an ASID and loaded into TTBR0_EL2; the hypervisor
 *   itself lives in TTBR1_EL2 and is unreachable from EL0. Entry sets
 *   HCR_EL2.TGE so that EL0's exceptions (SVC, aborts, interrupts) come to
 *   EL2.
 * - Without VHE (E2H = 0), the EL1&0 regime with HCR_EL2.TGE set: EL0's
 *   exceptions come to EL2 and stage 1 is off (VA = IPA), but stage 2 still
 *   applies, so an EL0 address space is a stage-2 table (PT_S2_EL0) with a
 *   VMID of its own (EL0_VMID_BASE + tag) loaded into VTTBR_EL2 for the run.
 *   The loaded guest's EL1 MMU state is not touched; the few EL1 controls
 *   that also govern EL0 are replaced for the run (el0.c says which).
 *
 * Either way entry and exit go through the same world-switch code as a
 * guest (guest_enter / guest_exit).
 */
#ifndef ARCH_EL0_H
#define ARCH_EL0_H

#include "arch/pgtable.h"
#include "arch/sysreg.h"
#include "arch/vcpu_context.h"

struct el0_space {
	struct pgtable pt;
	struct pgtable_mm mm;
	uint16_t asid;		/* the tag given to el0_space_init */
	/*
	 * With VHE, the TTBR0_EL2 value of a run (ASID | root), computed once;
	 * 0 for a stage-2 space. el0_run's one test of the regime.
	 */
	uint64_t ttbr0_el2;
};

/*
 * Without VHE an EL0 space's VMID is EL0_VMID_BASE + its tag: above every
 * domain's VMID, within the 8 bits of VMID every CPU has.
 */
#define EL0_VMID_BASE 128
#define EL0_TAG_LIMIT 128	/* tags are 0 .. EL0_TAG_LIMIT - 1 */

/*
 * Whether this CPU can run EL0 code: with VHE, or without it when the CPU
 * has at least 40-bit physical addresses (a stage-2 walk from level 0).
 */
bool el0_supported(void);

/*
 * Per-CPU, after boot. With VHE, TTBR0_EL2 points at an empty table while
 * no EL0 code runs (the boot identity map is retired).
 */
void el0_cpu_init(void);

/*
 * An empty EL0 address space. tag (< EL0_TAG_LIMIT) must be unique among
 * the spaces that exist at once: it is the ASID with VHE and selects the
 * VMID without. Returns 0 or a PT_ERR_*.
 */
int el0_space_init(struct el0_space *s, uint16_t tag);
/*
 * Map [pa, pa + size) at EL0 address va; prot gets PROT_USER added.
 * Write+execute is refused (PT_ERR_PROT) in both regimes.
 */
int el0_map(struct el0_space *s, uint64_t va, paddr_t pa, size_t size, unsigned prot);
/* Remove [va, va + size) (page aligned); TLBs invalidated. */
int el0_unmap(struct el0_space *s, uint64_t va, size_t size);
/*
 * What EL0 sees at va: true with the physical address of va in *pa and
 * its PROT_READ/WRITE/EXEC bits in *prot; false if
 * nothing is mapped there for EL0.
 */
bool el0_lookup(struct el0_space *s, uint64_t va, paddr_t *pa, unsigned *prot);
void el0_space_destroy(struct el0_space *s);

/*
 * For tests: translate va as an EL0 read in s would be, with the regime
 * set up exactly as for a run (AT S1E0R with VHE, AT S12E0R without), and
 * return PAR_EL1: on success the output address and the memory attributes
 * EL0 gets (ATTR, bits 63:56; SH, bits 8:7), else bit 0 (F) set. The
 * loaded guest's PAR_EL1 is preserved.
 */
#define EL0_PAR_F 1UL
uint64_t el0_translate(struct el0_space *s, uint64_t va);

/*
 * The EL0 registers a loaded guest vCPU and EL0 code share: saved and
 * replaced (SP_EL0 = sp, the thread registers zeroed) around a run of EL0
 * code, and put back after.
 */
struct el0_shared {
	uint64_t sp_el0, tpidr_el0, tpidrro_el0;
};

/* Inline and by value: on every app event, and no address-taken local. */
static inline struct el0_shared el0_switch_in(uint64_t sp)
{
	struct el0_shared saved = {
		read_sysreg(sp_el0), read_sysreg(tpidr_el0), read_sysreg(tpidrro_el0),
	};

	write_sysreg(sp_el0, sp);
	write_sysreg(tpidr_el0, 0);
	write_sysreg(tpidrro_el0, 0);
	return saved;
}

static inline void el0_switch_out(struct el0_shared saved)
{
	write_sysreg(sp_el0, saved.sp_el0);
	write_sysreg(tpidr_el0, saved.tpidr_el0);
	write_sysreg(tpidrro_el0, saved.tpidrro_el0);
}

/*
 * Run EL0 code with the registers in ctx (pc, x0..x30; pstate is forced to
 * EL0t with interrupts unmasked) until it takes an exception to EL2.
 * Returns the exit kind (EXIT_*); ctx then holds its registers and the
 * exception syndrome. Interrupts that end the run are left pending for the
 * caller to handle. FP/SIMD instructions at EL0 trap (ESR class 0x07).
 * Every control the run sets is back as it was on return (HCR_EL2, and
 * without VHE CPTR_EL2, VTTBR_EL2, VTCR_EL2 and the loaded guest's
 * SCTLR_EL1, CNTKCTL_EL1, CPACR_EL1), except TTBR0_EL2 with VHE, which
 * then points at the empty table.
 */
uint64_t el0_run(struct el0_space *s, struct vcpu_context *ctx);

#endif
