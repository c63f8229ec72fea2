/*
 * elvisor's paravirtual interface for guests: HVC (or SMC) function IDs in
 * the SMCCC "vendor-specific hypervisor service" range (owning entity 6),
 * fast calls, SMC64 convention. Shared by the hypervisor and guests/lib.
 * Results come back in x0 (negative = error).
 */
#ifndef ABI_HYPERCALL_H
#define ABI_HYPERCALL_H

#define ELVISOR_HVC_BASE 0xc6000000u
#define ELVISOR_HVC_LAST 0xc600ffffu

/*
 * Write x2 bytes (at most ELVISOR_CONSOLE_MAX) from guest address x1 (an
 * IPA) to the hypervisor console; lines are prefixed with the domain name.
 * Returns the number of bytes written or ELVISOR_E_*.
 */
#define ELVISOR_HVC_CONSOLE_WRITE 0xc6000001u
#define ELVISOR_CONSOLE_MAX 256

/*
 * Test harness: report a guest test's outcome, x1 = 0 pass, nonzero fail.
 * Under elvisor.test=guests the hypervisor ends the run once every domain
 * marked test-domain has reported (status 0 if all passed).
 */
#define ELVISOR_HVC_TEST_RESULT 0xc6000002u

/*
 * Returns the calling vCPU's accounting: x0 = ns run in the guest, x1 = ns
 * blocked (WFI), x2 = ns in EL0 apps serving its traps (waiting for a busy
 * app included), x3 = ns in the hypervisor handling its traps (apps excluded).
 */
#define ELVISOR_HVC_VCPU_TIMES 0xc6000003u

#define ELVISOR_OK 0
#define ELVISOR_E_NOT_SUPPORTED (-1)
#define ELVISOR_E_INVALID (-2)
#define ELVISOR_E_FAULT (-3)

#endif
