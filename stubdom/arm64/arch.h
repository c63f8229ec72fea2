/*
 * The runtime's three contacts with the hypervisor besides stub_syscall
 * (start.S): where the ring is, completing a request, and waiting for the
 * next one. Kept apart from runtime.c so that the request loop can be
 * tested on the host with stand-ins (stubdom/test/arch.h): runtime.c finds
 * this file through -Istubdom/arm64, the host test its own through
 * -Istubdom/test.
 */
#ifndef STUBDOM_ARCH_H
#define STUBDOM_ARCH_H

#include <stdint.h>

#include "abi/stubdom.h"

static inline const struct stub_ring *stub_ring(void)
{
	return (const struct stub_ring *)(uintptr_t)STUB_RING_IPA;
}

/*
 * STUB_HVC_COMPLETE for request seq with the results r0..r3. SMCCC lets a
 * hypervisor clobber x0..x17, so all are declared. The memory clobber keeps
 * every store of the handler (device state, guest RAM) before the call.
 */
static inline void stub_complete(uint64_t seq, uint64_t r0, uint64_t r1, uint64_t r2,
				 uint64_t r3)
{
	register uint64_t x0 __asm__("x0") = STUB_HVC_COMPLETE;
	register uint64_t x1 __asm__("x1") = seq;
	register uint64_t x2 __asm__("x2") = r0;
	register uint64_t x3 __asm__("x3") = r1;
	register uint64_t x4 __asm__("x4") = r2;
	register uint64_t x5 __asm__("x5") = r3;

	__asm__ volatile("hvc #0"
			 : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3), "+r"(x4), "+r"(x5)
			 :
			 : "memory", "x6", "x7", "x8", "x9", "x10", "x11", "x12", "x13",
			   "x14", "x15", "x16", "x17");
}

/*
 * Wait for the next request. The hypervisor lets this WFI block only while
 * nothing is outstanding, so a request posted after the caller last looked
 * at req_prod ends it at once: no lost wake-up (abi/stubdom.h).
 */
static inline void stub_wait(void)
{
	__asm__ volatile("wfi" ::: "memory");
}

#endif
