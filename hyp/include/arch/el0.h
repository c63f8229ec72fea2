/*
 * Running code at EL0 in the EL2&0 regime (VHE): the mechanism EL0 apps
 * will use. An EL0 address space is a PT_EL20 table tagged with an ASID
 * and loaded into TTBR0_EL2; the hypervisor itself lives in TTBR1_EL2 and
 * is unreachable from EL0. Entry sets HCR_EL2.TGE so that EL0's exceptions
 * (SVC, aborts, interrupts) come to EL2, and returns through the same
 * world-switch code as a guest exit (guest_enter / guest_exit).
 */
#ifndef ARCH_EL0_H
#define ARCH_EL0_H

#include "arch/pgtable.h"
#include "arch/vcpu_context.h"

struct el0_space {
	struct pgtable pt;
	struct pgtable_mm mm;
	uint16_t asid;
};

/* Whether this CPU can run EL0 code in the EL2&0 regime (it has VHE). */
bool el0_supported(void);

/* Per-CPU, after boot: TTBR0_EL2 points at an empty table while no EL0 code runs. */
void el0_cpu_init(void);

int el0_space_init(struct el0_space *s, uint16_t asid);
/* Map [pa, pa + size) at EL0 address va; prot gets PROT_USER added. */
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
 * The EL0 registers a loaded guest vCPU and EL0 code share: saved and
 * replaced (SP_EL0 = sp, the thread registers zeroed) around a run of EL0
 * code, and put back after.
 */
struct el0_shared {
	uint64_t sp_el0, tpidr_el0, tpidrro_el0;
};

void el0_switch_in(struct el0_shared *saved, uint64_t sp);
void el0_switch_out(const struct el0_shared *saved);

/*
 * Run EL0 code with the registers in ctx (pc, x0..x30; pstate is forced to
 * EL0t with interrupts unmasked) until it takes an exception to EL2.
 * Returns the exit kind (EXIT_*); ctx then holds its registers and the
 * exception syndrome. Interrupts that end the run are left pending for the
 * caller to handle.
 */
uint64_t el0_run(struct el0_space *s, struct vcpu_context *ctx);

#endif
