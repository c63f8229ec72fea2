/*
 * Emulated system registers of a guest's EL1 (see arch/guest_sysreg.h).
 *
 * Feature ID registers: the host's values, filtered by guest_idregs.c.
 *
 * Debug registers (MDCR_EL2.TDA/TDOSA/TDRA trap them): MDSCR_EL1 is the
 * guest's own (switched with the vCPU; written here to the live register),
 * so software step and the debug-exception enables work. The breakpoint and
 * watchpoint registers, the debug communication channel, the OS lock and
 * the claim tags read as zero and ignore writes: they are not switched
 * between guests, so a guest must not program them. OSLSR_EL1 says the OS
 * lock is implemented and unlocked. Linux then finds its breakpoints never
 * hit (and its DCC empty) instead of faulting at boot.
 */
#include "arch/guest_sysreg.h"
#include "arch/sysreg.h"
#include "arch/vcpu_switch.h"

#define ID(crm, op2) ((crm) * 8 + (op2))

/* The hardware's value of an ID register guest_idregs.c passes on. */
static uint64_t id_reg_hw(unsigned crm, unsigned op2)
{
	switch (ID(crm, op2)) {
	case ID(4, 0): return read_sysreg(S3_0_C0_C4_0);	/* ID_AA64PFR0_EL1 */
	case ID(4, 1): return read_sysreg(S3_0_C0_C4_1);	/* ID_AA64PFR1_EL1 */
	case ID(5, 0): return read_sysreg(S3_0_C0_C5_0);	/* ID_AA64DFR0_EL1 */
	case ID(6, 0): return read_sysreg(S3_0_C0_C6_0);	/* ID_AA64ISAR0_EL1 */
	case ID(6, 1): return read_sysreg(S3_0_C0_C6_1);	/* ID_AA64ISAR1_EL1 */
	case ID(6, 2): return read_sysreg(S3_0_C0_C6_2);	/* ID_AA64ISAR2_EL1 */
	case ID(7, 0): return read_sysreg(S3_0_C0_C7_0);	/* ID_AA64MMFR0_EL1 */
	case ID(7, 1): return read_sysreg(S3_0_C0_C7_1);	/* ID_AA64MMFR1_EL1 */
	case ID(7, 2): return read_sysreg(S3_0_C0_C7_2);	/* ID_AA64MMFR2_EL1 */
	default: return 0;
	}
}

uint64_t guest_id_reg(unsigned crm, unsigned op2)
{
	if (!guest_id_reg_passed(crm, op2))
		return 0;
	return guest_id_sanitize(crm, op2, id_reg_hw(crm, op2), arch_ipa_bits());
}

/* MDSCR_EL1 bits a guest may set: SS, TDCC, KDE, MDE (not HDE, halting). */
#define MDSCR_GUEST_BITS (BIT(0) | BIT(12) | BIT(13) | BIT(15))
/* OSLSR_EL1: OSLM = 0b10 (the OS lock is implemented), OSLK = 0. */
#define OSLSR_IMPLEMENTED_UNLOCKED BIT(3)

#define MDSCR_EL1 SYSREG_KEY(2, 0, 0, 2, 2)
#define OSLSR_EL1 SYSREG_KEY(2, 0, 1, 1, 4)

/*
 * The debug registers that work one way only: the other direction is
 * undefined (the CPU normally says so before EL2 sees it; this keeps it so).
 */
static const uint32_t debug_read_only[] = {
	SYSREG_KEY(2, 0, 1, 0, 0),	/* MDRAR_EL1 */
	OSLSR_EL1,
	SYSREG_KEY(2, 0, 7, 14, 6),	/* DBGAUTHSTATUS_EL1 */
	SYSREG_KEY(2, 3, 0, 1, 0),	/* MDCCSR_EL0 */
};
static const uint32_t debug_write_only[] = {
	SYSREG_KEY(2, 0, 1, 0, 4),	/* OSLAR_EL1 */
};

static bool listed(const uint32_t *keys, size_t n, uint32_t key)
{
	for (size_t i = 0; i < n; i++)
		if (keys[i] == key)
			return true;
	return false;
}

static bool debug_reg(uint32_t key, bool read, uint64_t *value)
{
	if (listed(read ? debug_write_only : debug_read_only,
		   read ? ARRAY_SIZE(debug_write_only) : ARRAY_SIZE(debug_read_only), key))
		return false;
	if (key == MDSCR_EL1) {
		if (read)
			*value = read_sysreg(mdscr_el1);
		else
			write_sysreg(mdscr_el1, *value & MDSCR_GUEST_BITS);
		return true;
	}
	if (read)
		*value = key == OSLSR_EL1 ? OSLSR_IMPLEMENTED_UNLOCKED : 0;
	return true;
}

bool guest_sysreg_emulate(struct vcpu *v, uint32_t key, bool read, uint64_t *value)
{
	unsigned op0 = key >> 14, op1 = (key >> 11) & 7, crn = (key >> 7) & 0xf;
	unsigned crm = (key >> 3) & 0xf, op2 = key & 7;

	(void)v;
	if (op0 == 3 && op1 == 0 && crn == 0 && crm >= 1) {
		if (!read)
			return false;	/* ID registers are read-only */
		*value = guest_id_reg(crm, op2);
		return true;
	}
	if (op0 == 2)			/* debug (op1 0 and 3) and trace: MDCR_EL2 traps */
		return debug_reg(key, read, value);
	return false;
}
