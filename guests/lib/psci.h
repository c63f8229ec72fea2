/* PSCI 1.1 through HVC (SMC Calling Convention, 64-bit functions). */
#ifndef GUEST_PSCI_H
#define GUEST_PSCI_H

#include <stdint.h>

#define PSCI_VERSION 0x84000000u
#define PSCI_CPU_SUSPEND_64 0xc4000001u
#define PSCI_CPU_OFF 0x84000002u
#define PSCI_CPU_ON_64 0xc4000003u
#define PSCI_AFFINITY_INFO_64 0xc4000004u
#define PSCI_MIGRATE_64 0xc4000005u
#define PSCI_MIGRATE_INFO_TYPE 0x84000006u
#define PSCI_MIGRATE_INFO_UP_CPU_64 0xc4000007u
#define PSCI_SYSTEM_OFF 0x84000008u
#define PSCI_SYSTEM_RESET 0x84000009u
#define PSCI_FEATURES 0x8400000au
#define PSCI_CPU_FREEZE 0x8400000bu
#define PSCI_NODE_HW_STATE_64 0xc400000du
#define PSCI_SYSTEM_SUSPEND_64 0xc400000eu
#define PSCI_STAT_RESIDENCY_64 0xc4000010u
#define PSCI_SYSTEM_RESET2_64 0xc4000012u
#define PSCI_MEM_PROTECT 0x84000013u

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

#define PSCI_AFFINITY_ON 0
#define PSCI_AFFINITY_OFF 1
#define PSCI_AFFINITY_ON_PENDING 2

#define PSCI_MIGRATE_NOT_PRESENT 2	/* MIGRATE_INFO_TYPE: no Trusted OS */

int64_t psci_version(void);
int64_t psci_features(uint32_t fid);
int64_t psci_cpu_on(uint64_t mpidr, uint64_t entry, uint64_t context);
int64_t psci_cpu_off(void);		/* returns only on failure */
int64_t psci_affinity_info(uint64_t mpidr, uint64_t level);
int64_t psci_migrate_info_type(void);
int64_t psci_system_off(void);		/* returns only on failure */
int64_t psci_system_reset(void);	/* returns only on failure */

#endif
