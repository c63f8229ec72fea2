/* PSCI calls to firmware. From EL2 only SMC reaches firmware. */
#include "arch/psci.h"
#include "lib/format.h"

static enum psci_conduit conduit;

int psci_init(const struct platform *plat, char *err, size_t errlen)
{
	conduit = PSCI_CONDUIT_NONE;
	if (plat->psci.conduit == PSCI_CONDUIT_HVC) {
		/* An HVC at EL2 traps to EL2 itself: it can never reach firmware. */
		format(err, errlen, "/psci: method \"hvc\" cannot reach firmware from "
		       "EL2 (it must be \"smc\")");
		return -1;
	}
	if (plat->psci.conduit == PSCI_CONDUIT_SMC && !plat->psci.v0_2_or_later) {
		format(err, errlen, "/psci: PSCI 0.1 (no standard function IDs) is not supported");
		return -1;
	}
	conduit = plat->psci.conduit;
	return 0;
}

bool psci_available(void)
{
	return conduit == PSCI_CONDUIT_SMC;
}

long psci_call(uint32_t fn, uint64_t a1, uint64_t a2, uint64_t a3)
{
	register uint64_t x0 __asm__("x0") = fn;
	register uint64_t x1 __asm__("x1") = a1;
	register uint64_t x2 __asm__("x2") = a2;
	register uint64_t x3 __asm__("x3") = a3;

	if (conduit != PSCI_CONDUIT_SMC)
		return PSCI_E_NOT_SUPPORTED;
	/* SMCCC: x4-x17 may be clobbered by the callee. */
	__asm__ volatile("smc #0"
			 : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3)
			 :
			 : "x4", "x5", "x6", "x7", "x8", "x9", "x10", "x11", "x12",
			   "x13", "x14", "x15", "x16", "x17", "memory");
	return (long)x0;
}

long psci_cpu_on(uint64_t mpidr, paddr_t entry, uint64_t context)
{
	return psci_call(PSCI_CPU_ON_64, mpidr, entry, context);
}

void psci_system_off(void)
{
	psci_call(PSCI_SYSTEM_OFF, 0, 0, 0);
}

const char *psci_error_name(long err)
{
	switch (err) {
	case PSCI_SUCCESS: return "SUCCESS";
	case PSCI_E_NOT_SUPPORTED: return "NOT_SUPPORTED";
	case PSCI_E_INVALID_PARAMS: return "INVALID_PARAMETERS";
	case PSCI_E_DENIED: return "DENIED";
	case PSCI_E_ALREADY_ON: return "ALREADY_ON";
	case PSCI_E_ON_PENDING: return "ON_PENDING";
	case PSCI_E_INTERNAL_FAILURE: return "INTERNAL_FAILURE";
	case PSCI_E_NOT_PRESENT: return "NOT_PRESENT";
	case PSCI_E_DISABLED: return "DISABLED";
	case PSCI_E_INVALID_ADDRESS: return "INVALID_ADDRESS";
	default: return "unknown error";
	}
}
