/*
 * The stub-domain ABI: the contract between the hypervisor and the stub
 * runtime (stubdom/), a tiny EL1 kernel that hosts an app's unchanged
 * source in a domain of its own. An app (abi/app.h) and a stub domain
 * serve a device the same way; the manifest picks the model per device
 * (`elvisor,app` or `elvisor,stubdom`). Shared by both sides, <stdint.h>
 * only; docs/stubdom.md is the prose reference.
 *
 * ---- The stub domain ------------------------------------------------------
 *
 * One vCPU, booted like a bare-metal guest: its image (the stub runtime
 * linked with the app's objects) loaded at its RAM's base + 0x80000 and
 * entered at EL1h with the MMU off. The hypervisor runs the stub's vCPU
 * with HCR_EL2.DC set: with the MMU off, every access is Normal
 * write-back memory and VA = IPA, so the runtime needs no page tables,
 * and app code that makes unaligned accesses works unchanged. The runtime
 * must never turn its MMU on.
 *
 * Its IPA space:
 *   its RAM (as any domain)           the runtime, the app, their stacks
 *   STUB_RING_IPA .. + 4 KiB          the request ring, read-only to the stub
 *   APP_GUEST_WINDOW_BASE .. + SIZE   target RAM mapped by MAP_GUEST (as for
 *                                     an app: the returned value is the address)
 *   APP_FILE_BASE .. + file size      the manifest's `file`, read-write
 *   nothing else: any other access is a stage-2 fault, injected into the stub
 *   as a synchronous external abort.
 *
 * ---- Requests ------------------------------------------------------------
 *
 * The hypervisor posts each event for the app (the app ABI's APP_EV_*, with
 * the same arguments) as the next entry of the ring: it fills slot
 * (seq % STUB_RING_SLOTS), then publishes req_prod = seq + 1 (a release
 * store; the stub reads req_prod with acquire, then the slot). seq counts
 * from 0 and never wraps in practice (64 bits). The stub takes requests in
 * order, runs the app's handler for each, and completes each one, in
 * order, with STUB_HVC_COMPLETE before it takes the next. At most
 * STUB_RING_SLOTS requests are outstanding; the hypervisor never
 * overwrites a slot whose request is not complete.
 *
 * A new stub domain's first request is APP_EV_INIT (x1..x6 as for an app).
 *
 * The hypervisor never reads the ring back: results come in the completion
 * hypercall's registers. A stub that writes its ring faults (read-only).
 *
 * Between requests the stub waits with WFI. Its WFI blocks only while no
 * request is outstanding (posted and not yet completed), so there is no
 * lost wake-up: the stub checks req_prod, finds nothing new, executes WFI,
 * and a request posted in between makes that WFI return at once. The stub
 * runs with interrupts masked (no virtual interrupt is ever sent to it).
 *
 * ---- Hypercalls (HVC #0, SMCCC function ID in w0; SMC #0 works the same) ---
 *
 * STUB_HVC_COMPLETE: x1 = seq of the oldest outstanding request,
 *   x2..x5 = its results (the app ABI's x0..x3 for that event). Returns
 *   x0 = 0. Completing anything but the oldest outstanding request is
 *   garbage: a stub fault (the manifest's policy applies).
 *
 * STUB_HVC_SYSCALL: x1 = an app syscall number (APP_SYS_*), x2..x6 = its
 *   arguments (the app's x0..x4; no app syscall takes more). Checked exactly as for an app, with the
 *   stub's own IPA space standing for the app's address space (text for LOG
 *   and PANIC must lie in the stub's RAM). Returns the app syscall's x0. A
 *   misuse is a stub fault, as it is an app fault for an app. APP_SYS_RETURN
 *   is not valid here (STUB_HVC_COMPLETE ends a request); APP_SYS_PANIC does
 *   not return.
 *
 * Every other HVC or SMC from a stub domain returns SMCCC NOT_SUPPORTED
 * (-1), PSCI included: a stub domain has no other service. An exception
 * the runtime cannot handle should be reported with APP_SYS_PANIC.
 *
 * ---- Faults --------------------------------------------------------------
 *
 * A stub fault: a PANIC, a syscall misuse, a garbage completion, a request
 * not completed within the manifest's budget-us, or the stub domain
 * stopping (SYSTEM_OFF, an exception it reported, all its vCPUs off). The
 * outstanding requests are answered as for a faulted app (the manifest's
 * fault-answer), and the policy applies. `reset` restarts the stub domain
 * from its image, as a faulted app is re-initialised: fresh RAM, a fresh
 * ring (req_prod 0), and its first request is APP_EV_RESET with
 * APP_RESET_FAULT (INIT is not repeated). `disable` stops the stub domain;
 * every later access gets the fault answer at once.
 */
#ifndef ABI_STUBDOM_H
#define ABI_STUBDOM_H

#ifdef __ASSEMBLER__
#define STUB_U64(x) x
#define STUB_U32(x) x
#else
#include <stdint.h>
#define STUB_U64(x) x##ULL
#define STUB_U32(x) x##U
#endif

/* Bumped on any incompatible change to this file. */
#define STUB_ABI_VERSION	1

/* Where the ring page is in every stub domain's IPA space. */
#define STUB_RING_IPA		STUB_U64(0x30000000)

/* Hypercall function IDs (SMCCC fast calls, elvisor's vendor range). */
#define STUB_HVC_COMPLETE	STUB_U32(0xc6000010)
#define STUB_HVC_SYSCALL	STUB_U32(0xc6000011)

#define STUB_RING_SLOTS		31

#ifndef __ASSEMBLER__

/* One request: the app ABI's event and its x1..x7. */
struct stub_slot {
	uint64_t seq;
	uint64_t event;		/* APP_EV_* */
	uint64_t args[7];	/* the event's x1..x7 */
	uint64_t reserved[7];
};

struct stub_ring {
	uint64_t req_prod;	/* requests posted so far = seq of the next one */
	uint64_t abi_version;	/* STUB_ABI_VERSION */
	uint64_t reserved[14];
	struct stub_slot slot[STUB_RING_SLOTS];
};

_Static_assert(sizeof(struct stub_slot) == 128, "stub_slot is 128 bytes");
_Static_assert(sizeof(struct stub_ring) <= 4096, "the ring is one page");

#endif
#endif
