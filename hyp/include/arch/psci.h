/* PSCI (Arm DEN 0022) calls from the hypervisor to firmware. */
#ifndef ARCH_PSCI_H
#define ARCH_PSCI_H

#include "core/platform.h"
#include "lib/types.h"

#define PSCI_VERSION 0x84000000u
#define PSCI_CPU_OFF 0x84000002u
#define PSCI_CPU_ON_64 0xc4000003u
#define PSCI_AFFINITY_INFO_64 0xc4000004u
#define PSCI_SYSTEM_OFF 0x84000008u
#define PSCI_SYSTEM_RESET 0x84000009u

#define PSCI_SUCCESS 0
#define PSCI_E_NOT_SUPPORTED (-1)
#define PSCI_E_INVALID_PARAMS (-2)
#define PSCI_E_DENIED (-3)
#define PSCI_E_ALREADY_ON (-4)
#define PSCI_E_ON_PENDING (-5)
#define PSCI_E_INTERNAL_FAILURE (-6)
#define PSCI_E_NOT_PRESENT (-7)
#define PSCI_E_DISABLED (-8)
#define PSCI_E_INVALID_ADDRESS (-9)

/* Record the conduit. Returns 0, or -1 with a message if unusable at EL2. */
int psci_init(const struct platform *plat, char *err, size_t errlen);
bool psci_available(void);
long psci_call(uint32_t fn, uint64_t a1, uint64_t a2, uint64_t a3);
long psci_cpu_on(uint64_t mpidr, paddr_t entry, uint64_t context);
void psci_system_off(void);
const char *psci_error_name(long err);

#endif
