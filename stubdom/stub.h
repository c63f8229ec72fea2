/*
 * The stub runtime's own declarations (stubdom/, docs/stubdom.md): the
 * constants its assembly shares with its C, and the functions between
 * start.S, vectors.S, runtime.c and exception.c. The contract with the
 * hypervisor is abi/stubdom.h; the one with the app is app.h.
 */
#ifndef STUBDOM_STUB_H
#define STUBDOM_STUB_H

/*
 * Where elvisor puts a domain's RAM and an arm64 Image in it
 * (hyp/include/core/manifest.h: GUEST_RAM_BASE, and the Image's
 * text_offset). The runtime is linked for exactly this address.
 */
#define STUB_RAM_BASE		0x40000000
#define STUB_TEXT_OFFSET	0x80000

/*
 * The stack: the bottom 64 KiB of the domain's RAM (as big as an EL0 app's,
 * APP_STACK_SIZE), below the image. Nothing is mapped below RAM, so an
 * overflow is a stage-2 fault the hypervisor injects as an external abort:
 * the stack has a guard without an MMU, as an app's has.
 */
#define STUB_STACK_SIZE		0x10000
#define STUB_STACK_TOP		(STUB_RAM_BASE + STUB_STACK_SIZE)

/*
 * SCTLR_EL1: the RES1 bits (29, 28, 23, 22, 20, 11), I-cache on (12), SP
 * alignment check (3); MMU (0) off for good, alignment check (1) off (app
 * code may make unaligned accesses, as at EL0), little-endian.
 */
#define STUB_SCTLR_EL1		0x30d01808

#ifndef __ASSEMBLER__
#include <stdint.h>

struct stub_ring;

/* runtime.c: serve requests forever (called by start.S). */
__attribute__((noreturn)) void stub_main(void);

/*
 * Where the runtime is in the ring: the seq of the next request to serve
 * and its slot (seq % STUB_RING_SLOTS, kept rather than divided for).
 */
struct stub_cursor {
	uint64_t seq;
	unsigned int idx;
};

/*
 * runtime.c: serve every request posted to ring and not yet served, from
 * *next on; *next is advanced past each completion.
 */
void stub_serve(const struct stub_ring *ring, struct stub_cursor *next);

/* runtime.c: panic unless the ring speaks this runtime's ABI version. */
void stub_check_ring(const struct stub_ring *ring);

/*
 * exception.c: report an exception the runtime cannot handle (kind = the
 * vector's index 0..15) with APP_SYS_PANIC. Called by vectors.S on a stack
 * of its own; does not return.
 */
__attribute__((noreturn)) void stub_exception(uint64_t kind, uint64_t esr, uint64_t elr,
					      uint64_t far);
#endif

#endif
