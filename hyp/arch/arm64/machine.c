/* Stopping the machine, with an exit status the host can see. */
#include "arch/cpu.h"
#include "arch/psci.h"
#include "arch/sysreg.h"
#include "arch/trap.h"
#include "core/machine.h"

#define SEMIHOSTING_SYS_EXIT 0x18
#define ADP_STOPPED_APPLICATION_EXIT 0x20026

_Atomic bool machine_stopping;

void machine_exit(int status)
{
	uint64_t block[2] = { ADP_STOPPED_APPLICATION_EXIT, (uint64_t)status };

	machine_stopping = true;
	arch_irq_disable();
	semihosting_call(SEMIHOSTING_SYS_EXIT, block);
	/* No semihosting. A clean exit may power off; a failure must not. */
	if (status == 0)
		psci_system_off();
	for (;;)
		arch_wait_for_interrupt();
}
