/* PSCI 1.1 through HVC (SMC Calling Convention, 64-bit functions). */
#ifndef GUEST_PSCI_H
#define GUEST_PSCI_H

#include <stdint.h>

#include "../../hyp/include/abi/psci.h"

int64_t psci_version(void);
int64_t psci_features(uint32_t fid);
int64_t psci_cpu_on(uint64_t mpidr, uint64_t entry, uint64_t context);
int64_t psci_cpu_off(void);		/* returns only on failure */
int64_t psci_affinity_info(uint64_t mpidr, uint64_t level);
int64_t psci_migrate_info_type(void);
int64_t psci_system_off(void);		/* returns only on failure */
int64_t psci_system_reset(void);	/* returns only on failure */

#endif
