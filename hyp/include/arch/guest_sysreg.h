/*
 * System registers a guest reaches only through EL2: the feature ID
 * registers (HCR_EL2.TID3) and the debug registers (MDCR_EL2.TDA, TDOSA,
 * TDRA), emulated so that an unmodified kernel sees a CPU without the
 * features elvisor does not virtualise. guest_idregs.c has the ID register
 * policy, guest_sysreg.c the rest.
 */
#ifndef ARCH_GUEST_SYSREG_H
#define ARCH_GUEST_SYSREG_H

#include "lib/types.h"

/* A system register's encoding, packed as op0:op1:CRn:CRm:op2 (16 bits). */
#define SYSREG_KEY(op0, op1, crn, crm, op2) \
	((uint32_t)(op0) << 14 | (uint32_t)(op1) << 11 | (uint32_t)(crn) << 7 | \
	 (uint32_t)(crm) << 3 | (uint32_t)(op2))

struct vcpu;

/*
 * Emulate the guest's MRS (read: *value receives the result) or MSR (write:
 * *value is the written value) of register key. Returns false if elvisor
 * does not emulate that access: the caller makes it undefined.
 */
bool guest_sysreg_emulate(struct vcpu *v, uint32_t key, bool read, uint64_t *value);

/* What the guest reads from ID register (CRm, op2) of the op0=3, op1=0, CRn=0 space. */
uint64_t guest_id_reg(unsigned crm, unsigned op2);

/*
 * The policy behind it, without register access (host-testable): whether
 * the register's hardware value is passed on at all (else it reads as 0),
 * and the value a guest reads given the hardware's and the IPA size of
 * stage 2 (40, 42, 44 or 48 bits).
 */
bool guest_id_reg_passed(unsigned crm, unsigned op2);
uint64_t guest_id_sanitize(unsigned crm, unsigned op2, uint64_t hw, unsigned ipa_bits);

#endif
