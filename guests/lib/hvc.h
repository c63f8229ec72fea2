/*
 * SMC Calling Convention calls from EL1: HVC #0 (the hypervisor) and SMC #0
 * (trapped by the hypervisor too). Function ID in x0, arguments in x1..x6,
 * results in x0..x3.
 */
#ifndef GUEST_HVC_H
#define GUEST_HVC_H

#include <stdbool.h>
#include <stdint.h>

#include "../../hyp/include/abi/hypercall.h"

struct smccc_res {
	uint64_t a0, a1, a2, a3;
};

void smccc_hvc(uint64_t fid, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4,
	       uint64_t a5, uint64_t a6, struct smccc_res *res);
void smccc_smc(uint64_t fid, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4,
	       uint64_t a5, uint64_t a6, struct smccc_res *res);

/* x0 of an HVC with up to three arguments. */
int64_t hvc_call(uint64_t fid, uint64_t a1, uint64_t a2, uint64_t a3);
int64_t smc_call(uint64_t fid, uint64_t a1, uint64_t a2, uint64_t a3);

#define SMCCC_NOT_SUPPORTED (-1)

/* elvisor hypercalls. */
int64_t elvisor_console_write(const void *buf, uint64_t len);
int64_t elvisor_test_result(uint64_t failed);
/* Run and blocked time of the calling vCPU, in ns; false if unavailable. */
bool elvisor_vcpu_times(uint64_t *run_ns, uint64_t *blocked_ns);

#endif
