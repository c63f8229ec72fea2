/*
 * Hypercall wrappers. In the BAREMETAL debug build there is no hypervisor:
 * elvisor's calls are answered here (QEMU would make them undefined
 * instructions), PSCI still goes to QEMU's own emulation through HVC.
 */
#include "console.h"
#include "hvc.h"

_Static_assert(ELVISOR_HVC_CONSOLE_WRITE == 0xc6000001u, "start.S has its own copy");
_Static_assert(ELVISOR_HVC_TEST_RESULT == 0xc6000002u, "start.S has its own copy");

static bool is_elvisor_call(uint64_t fid)
{
	return fid >= ELVISOR_HVC_BASE && fid <= ELVISOR_HVC_LAST;
}

int64_t hvc_call(uint64_t fid, uint64_t a1, uint64_t a2, uint64_t a3)
{
	struct smccc_res res;

#ifdef GUEST_BAREMETAL
	if (is_elvisor_call(fid))
		return SMCCC_NOT_SUPPORTED;
#else
	(void)is_elvisor_call;
#endif
	smccc_hvc(fid, a1, a2, a3, 0, 0, 0, &res);
	return (int64_t)res.a0;
}

int64_t smc_call(uint64_t fid, uint64_t a1, uint64_t a2, uint64_t a3)
{
	struct smccc_res res;

	smccc_smc(fid, a1, a2, a3, 0, 0, 0, &res);
	return (int64_t)res.a0;
}

int64_t elvisor_console_write(const void *buf, uint64_t len)
{
	/* MMU off: a pointer is the IPA. */
	return hvc_call(ELVISOR_HVC_CONSOLE_WRITE, (uint64_t)buf, len, 0);
}

int64_t elvisor_test_result(uint64_t failed)
{
	return hvc_call(ELVISOR_HVC_TEST_RESULT, failed, 0, 0);
}

bool elvisor_vcpu_times(uint64_t *run_ns, uint64_t *blocked_ns)
{
	struct smccc_res res;

#ifdef GUEST_BAREMETAL
	(void)res;
	*run_ns = *blocked_ns = 0;
	return false;
#else
	smccc_hvc(ELVISOR_HVC_VCPU_TIMES, 0, 0, 0, 0, 0, 0, &res);
	*run_ns = res.a0;
	*blocked_ns = res.a1;
	return (int64_t)res.a0 >= 0;
#endif
}
