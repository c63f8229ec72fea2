/*
 * The one page-table walker: 4 KiB granule, 4 levels (48-bit input
 * addresses), used for the hypervisor's own EL2 stage-1 tables now and for
 * stage 2 and the apps' tables later. Pure logic: table memory is reached
 * through the callbacks in struct pgtable_mm, so the walker runs with the
 * MMU off (tables by physical address), with it on (through the linear map)
 * and in host unit tests (tables in malloc'd memory).
 */
#ifndef ARCH_PGTABLE_H
#define ARCH_PGTABLE_H

#include "lib/types.h"

#define PT_LEVELS 4
#define PT_ENTRIES 512
#define PT_VA_BITS 48

/* What a mapping allows and what memory it is: abstract, regime-independent. */
#define PROT_READ 0x01u
#define PROT_WRITE 0x02u
#define PROT_EXEC 0x04u
#define PROT_USER 0x08u		/* reachable from EL0 (app tables) */
#define PROT_DEVICE 0x10u	/* Device-nGnRE; otherwise Normal write-back */

struct pgtable_mm {
	/* Returns a zeroed table page and its physical address, or false. */
	bool (*alloc_table)(void *ctx, paddr_t *pa);
	void (*free_table)(void *ctx, paddr_t pa);
	/* Where the walker can read and write the table at pa. */
	void *(*table_ptr)(void *ctx, paddr_t pa);
	/*
	 * Called after a valid entry was changed or removed, with the VA range
	 * affected, so the caller can invalidate TLBs (no-op before the MMU is on).
	 */
	void (*tlb_invalidate)(void *ctx, uint64_t va, size_t size);
	void *ctx;
};

/*
 * Which translation regime the tables are for: the descriptor bits for
 * execute-never and EL0 access differ.
 *  PT_EL2:  EL2 alone (nVHE): one XN bit, no EL0.
 *  PT_EL20: EL2&0 (VHE, E2H=1): PXN for EL2, UXN for EL0, AP[1] = EL0 access.
 *  PT_S2:   stage 2 of a guest (IPA -> PA): S2AP, MemAttr, XN (PROT_USER
 *           is meaningless there and ignored).
 *  PT_S2_EL0: stage 2 as the only translation of EL0 code whose stage 1 is
 *           off (EL0 apps without VHE: VA = IPA). PT_S2's descriptors, but
 *           W^X holds, as for every table of the hypervisor's or an app's
 *           own, and every mapping is EL0's: lookups report PROT_USER.
 */
enum pt_regime { PT_EL2 = 0, PT_EL20 = 1, PT_S2 = 2, PT_S2_EL0 = 3 };

struct pgtable {
	paddr_t root;
	enum pt_regime regime;
	const struct pgtable_mm *mm;
};

enum pgtable_error {
	PT_OK = 0,
	PT_ERR_ALIGN = -1,	/* va, pa or size not page-aligned */
	PT_ERR_NOMEM = -2,	/* a table page could not be allocated */
	PT_ERR_RANGE = -3,	/* va beyond 48 bits or va + size wraps */
	PT_ERR_PROT = -4,	/* write+exec asked for (W^X, stage 1) or no access */
};

int pgtable_init(struct pgtable *pt, enum pt_regime regime,
		 const struct pgtable_mm *mm);

/*
 * Map [va, va + size) to [pa, pa + size) with prot. Existing mappings in the
 * range are replaced (blocks split where the range covers them partly, with
 * break-before-make). Uses 1 GiB and 2 MiB blocks where alignment allows.
 */
int pgtable_map(struct pgtable *pt, uint64_t va, paddr_t pa, size_t size,
		unsigned prot);

/* Remove mappings in [va, va + size); blocks split as needed. */
int pgtable_unmap(struct pgtable *pt, uint64_t va, size_t size);

/* Translate va. Returns true and fills *pa and *prot when mapped. */
bool pgtable_lookup(const struct pgtable *pt, uint64_t va, paddr_t *pa,
		    unsigned *prot);

/* Free every table page below the root, and the root. */
void pgtable_destroy(struct pgtable *pt);

/* Descriptor encoding for EL2 stage 1 (exposed for tests). */
uint64_t pgtable_s1_attrs(enum pt_regime regime, unsigned prot);
unsigned pgtable_s1_prot(enum pt_regime regime, uint64_t desc);

/* Descriptor encoding for stage 2 (exposed for tests). */
uint64_t pgtable_s2_attrs(unsigned prot);
unsigned pgtable_s2_prot(uint64_t desc);

/* MAIR_EL2 indexes matching pgtable_s1_attrs(). */
#define MAIR_IDX_DEVICE_nGnRE 0
#define MAIR_IDX_NORMAL_WB 1
#define MAIR_IDX_NORMAL_NC 2
#define MAIR_VALUE ((0x04UL << (8 * MAIR_IDX_DEVICE_nGnRE)) | \
		    (0xffUL << (8 * MAIR_IDX_NORMAL_WB)) | \
		    (0x44UL << (8 * MAIR_IDX_NORMAL_NC)))

#endif
