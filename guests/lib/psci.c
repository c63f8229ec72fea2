#include "hvc.h"
#include "psci.h"

int64_t psci_version(void)
{
	return hvc_call(PSCI_VERSION, 0, 0, 0);
}

int64_t psci_features(uint32_t fid)
{
	return hvc_call(PSCI_FEATURES, fid, 0, 0);
}

int64_t psci_cpu_on(uint64_t mpidr, uint64_t entry, uint64_t context)
{
	return hvc_call(PSCI_CPU_ON_64, mpidr, entry, context);
}

int64_t psci_cpu_off(void)
{
	return hvc_call(PSCI_CPU_OFF, 0, 0, 0);
}

int64_t psci_affinity_info(uint64_t mpidr, uint64_t level)
{
	return hvc_call(PSCI_AFFINITY_INFO_64, mpidr, level, 0);
}

int64_t psci_migrate_info_type(void)
{
	return hvc_call(PSCI_MIGRATE_INFO_TYPE, 0, 0, 0);
}

int64_t psci_system_off(void)
{
	return hvc_call(PSCI_SYSTEM_OFF, 0, 0, 0);
}

int64_t psci_system_reset(void)
{
	return hvc_call(PSCI_SYSTEM_RESET, 0, 0, 0);
}
