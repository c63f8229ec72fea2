/*
 * Exceptions the stub runtime cannot handle: every one. The runtime runs
 * with interrupts masked and makes no access that may fault on purpose, so
 * an exception is a bug in the app (or the runtime), or an access outside
 * the stub's IPA space (a stage-2 fault, injected as an external abort).
 * It is reported with APP_SYS_PANIC, as an EL0 app's fault is reported by
 * the hypervisor, and the hypervisor then applies the manifest's policy.
 */
#include "app.h"
#include "stub.h"

/* The vector table's four groups of four (VBAR_EL1 + kind * 0x80). */
static const char *const vector_from[4] = {
	"EL1 with SP_EL0", "EL1", "EL0 (AArch64)", "EL0 (AArch32)",
};
static const char *const vector_type[4] = { "synchronous", "IRQ", "FIQ", "SError" };

void stub_exception(uint64_t kind, uint64_t esr, uint64_t elr, uint64_t far)
{
	/* ESR_EL1.EC, bits 31:26: the class (0x25 a data abort, 0x07 FP/SIMD, ...). */
	unsigned int ec = (unsigned int)(esr >> 26) & 0x3f;

	app_panic("stub runtime: %s exception from %s: ESR %#llx (EC %#x), ELR %#llx, FAR %#llx",
		  vector_type[kind & 3], vector_from[(kind >> 2) & 3], (unsigned long long)esr,
		  ec, (unsigned long long)elr, (unsigned long long)far);
}
