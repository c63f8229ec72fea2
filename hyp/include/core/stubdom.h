/*
 * Stub domains (abi/stubdom.h, docs/stubdom.md): a device of a domain
 * served by a small domain of its own running the app's source, fed
 * through a ring page, instead of by an EL0 app. The device is still a
 * struct app (its manifest node, MMIO and call routing, statistics, fault
 * policy, syscalls); only the way an event reaches the code differs: it is
 * posted to the ring, the trapping vCPU blocks, and the stub domain's
 * completion hypercall answers and wakes it.
 */
#ifndef CORE_STUBDOM_H
#define CORE_STUBDOM_H

#include "core/domain.h"

struct app;
struct stub;

/* For app a (an elvisor,stubdom node): its ring and file. 0, or -1 with the reason printed. */
int stub_create(struct app *a);

/* Domain d is a stub domain being created: bind it to the device of target it serves. 0 or -1. */
int stub_attach(struct domain *d, struct domain *target);

/*
 * Post an event (args = x1..x7) to a's stub domain. v: the vCPU that waits
 * for the answer (its io state becomes WAITING), or NULL for an event
 * nobody waits for (INIT, RESET, timer, input). Returns an enum
 * app_outcome: APP_POSTED, or APP_UNAVAILABLE when the stub domain is
 * disabled, restarting or has no room (the caller answers at once).
 */
int stub_deliver(struct app *a, struct vcpu *v, uint64_t ev, const uint64_t args[7]);
/* The same with x1..x3 (x4..x7 = 0); out of line, so the app path keeps no array. */
int stub_deliver3(struct app *a, struct vcpu *v, uint64_t ev, uint64_t arg1, uint64_t arg2,
		  uint64_t arg3);

/*
 * The device's address space when a stub domain serves it: the stub
 * domain's stage 2 (IPA = the address its code uses). For the syscalls
 * (core/app_syscall.c), as el0_map/unmap/lookup are for an EL0 app.
 */
int stub_space_map(struct app *a, uint64_t ipa, paddr_t pa, size_t size, unsigned prot);
int stub_space_unmap(struct app *a, uint64_t ipa, size_t size);
bool stub_space_lookup(struct app *a, uint64_t ipa, paddr_t *pa, unsigned *prot);

/*
 * Console input goes to a stub domain one INPUT request at a time (up to
 * APP_INPUT_MAX bytes each): true while one is outstanding. Its completion
 * asks for the next batch (apps_deferred_pending).
 */
bool stub_input_busy(const struct app *a);

/* Whether a request to the stub domain is outstanding (its WFI must not block). */
bool stub_has_requests(const struct stub *s);

/* Stub domain d's vCPU is loaded on / put from this pCPU: its budget clock runs while loaded. */
void stub_vcpu_loaded(struct domain *d);
void stub_vcpu_put(struct domain *d);

/* An HVC or SMC from a stub domain's vCPU (its only services). */
void stub_call(struct vcpu *v, uint64_t regs[7]);

/* Stub domain d was reloaded after a fault (core/domain.c): fresh ring, RESET first. */
void stub_restarted(struct domain *d);

/* Its reload failed (out of memory...): the device is disabled, held requests answered. */
void stub_restart_failed(struct domain *d);

/* a's domain stops: nobody waits for its posted requests any more. */
void stub_forget_waiters(struct app *a);
/* a's domain resets: the same, and a disabled stub domain is restarted. */
void stub_target_reset(struct app *a);

/* "up", "restarting" or "disabled", for the `apps` listing's state column. */
const char *stub_state_name(const struct app *a);

/* The `apps` listing's extra line for a stub-served device. */
void stub_print(const struct app *a);

#endif
