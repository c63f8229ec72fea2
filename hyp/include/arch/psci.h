/* PSCI (Arm DEN 0022) calls from the hypervisor to firmware. */
#ifndef ARCH_PSCI_H
#define ARCH_PSCI_H

#include "core/platform.h"
#include "lib/types.h"

#include "abi/psci.h"

/* Record the conduit. Returns 0, or -1 with a message if unusable at EL2. */
int psci_init(const struct platform *plat, char *err, size_t errlen);
bool psci_available(void);
long psci_call(uint32_t fn, uint64_t a1, uint64_t a2, uint64_t a3);
long psci_cpu_on(uint64_t mpidr, paddr_t entry, uint64_t context);
void psci_system_off(void);
const char *psci_error_name(long err);

#endif
