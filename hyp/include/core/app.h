/*
 * EL0 apps (first step): an app instance serves one domain's MMIO range
 * from EL0, entered on the trapping vCPU's own timeslice with the guest's
 * EL1 state left loaded (VHE hosts). Implemented so far: loading the ELF
 * into its own ASID-tagged address space with a fresh stack per event,
 * INIT, MMIO read/write events, the RETURN and LOG syscalls, FIFO
 * serialisation, and the fault policy "app disabled, guest reads zero and
 * its writes are ignored". Not yet: the other syscalls, budgets, HVC/SMC
 * ranges, timers, reset, non-VHE hosts (see docs/app-abi.md, issue 4).
 */
#ifndef CORE_APP_H
#define CORE_APP_H

#include "core/domain.h"

/* Create and initialise the apps of d's manifest. 0, or -1 with the reason printed. */
int apps_create(struct domain *d);

/* The app listing (console command). */
void apps_print(void);

#endif
