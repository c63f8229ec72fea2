/*
 * What the portable core does for a guest's traps once the arch layer has
 * decoded them: HVC/SMC calls (PSCI, elvisor hypercalls), MMIO emulation.
 */
#ifndef CORE_GUEST_CALLS_H
#define CORE_GUEST_CALLS_H

#include "core/domain.h"

/* SMCCC call with function ID regs[0] and arguments regs[1..6]; results in regs[0..3]. */
void guest_call(struct vcpu *v, uint64_t regs[4 + 3]);

/*
 * Emulate an access at ipa through the domain's MMIO registry. Returns
 * false if no region claims it or its handler refuses (the caller then
 * injects an abort).
 */
bool mmio_emulate(struct vcpu *v, uint64_t ipa, bool write, unsigned size,
		  uint64_t *value);

/* Report a guest-caused fault once per (domain, cause). */
void guest_fault_log_once(struct vcpu *v, unsigned cause, const char *fmt, ...)
	__printf(3, 4);

enum guest_fault_cause {
	FAULT_UNHANDLED_DABT, FAULT_UNDECODABLE_DABT, FAULT_IABT, FAULT_SYSREG,
	FAULT_UNKNOWN_EC, FAULT_SMC_HVC_UNKNOWN, FAULT_SERROR,
};

#endif
