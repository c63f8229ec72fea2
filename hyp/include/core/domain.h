/*
 * Domains (guests) and their vCPUs. A domain owns its RAM, its stage-2
 * tables, its emulated devices (MMIO registry, vGIC) and its vCPUs; each
 * vCPU runs on the pCPU it is placed on (no migration).
 */
#ifndef CORE_DOMAIN_H
#define CORE_DOMAIN_H

#include <stdatomic.h>

#include "arch/pgtable.h"
#include "arch/vcpu_context.h"
#include "core/manifest.h"
#include "core/spinlock.h"
#include "lib/types.h"

#define MAX_DOMAINS MANIFEST_MAX_DOMAINS
#define MAX_VCPUS MANIFEST_MAX_VCPUS
#define MAX_MMIO_REGIONS 16

struct domain;
struct vcpu;
struct vgic_dist;
struct vgic_cpu;
struct app;
struct stub;

/*
 * An emulated MMIO region. Handlers get the offset into the region and the
 * access size in bytes (1, 2, 4, 8). read returns the value; a handler that
 * rejects an access returns false and the guest gets a data abort.
 */
struct mmio_ops {
	bool (*read)(struct vcpu *v, void *ctx, uint64_t offset, unsigned size,
		     uint64_t *value);
	bool (*write)(struct vcpu *v, void *ctx, uint64_t offset, unsigned size,
		      uint64_t value);
};

struct mmio_region {
	uint64_t base, size;
	const struct mmio_ops *ops;
	void *ctx;
	const char *name;
};

enum vcpu_state {
	VCPU_OFF,		/* PSCI off, or domain stopped */
	VCPU_RUNNABLE,		/* on its pCPU's run queue */
	VCPU_BLOCKED,		/* in WFI, waiting for an interrupt or its timer */
};

/* Trap classes counted per vCPU. */
enum trap_class {
	TRAP_HVC, TRAP_SMC, TRAP_DABT, TRAP_SYSREG, TRAP_WFX, TRAP_IRQ,
	TRAP_FPSIMD, TRAP_OTHER, TRAP_CLASSES
};

struct vcpu_stats {
	uint64_t ns_run;		/* guest time */
	uint64_t ns_blocked;
	uint64_t ns_hyp;		/* time handling this vCPU's traps, apps excluded */
	uint64_t ns_app;		/* in apps serving this vCPU's traps (waits included) */
	uint64_t app_ticks[MANIFEST_MAX_APPS];	/* ns_app by app of the domain */
	uint64_t traps[TRAP_CLASSES];
};

/*
 * An access a vCPU waits for (a device served by a stub domain): the vCPU
 * is blocked from the trap until the stub completes the request. Whoever
 * completes it fills ok/res and stores VCPU_IO_DONE (release), then wakes
 * the vCPU; the vCPU's own pCPU applies the answer (guest_io_finish) before
 * it enters the guest again.
 */
enum vcpu_io_state { VCPU_IO_IDLE, VCPU_IO_WAITING, VCPU_IO_DONE };
enum vcpu_io_kind { VCPU_IO_MMIO, VCPU_IO_CALL };

struct vcpu_io {
	_Atomic int state;		/* enum vcpu_io_state */
	uint8_t kind;			/* enum vcpu_io_kind */
	uint64_t esr;			/* MMIO: the trapped access's syndrome (arch) */
	/* The answer: MMIO read: res[0] = the value; false = abort the access. */
	bool ok;
	uint64_t res[4];		/* CALL: the caller's x0..x3 */
	/* For the vCPU's accounting: when it was posted, to which of its domain's devices. */
	uint64_t since;
	uint8_t app_index;
};

struct vcpu {
	struct vcpu_context ctx;	/* arch: registers, EL1 state, FP, timer */
	struct domain *dom;
	unsigned id;			/* index in the domain */
	unsigned pcpu;			/* where it runs */
	uint64_t vmpidr;		/* the MPIDR the guest reads */

	_Atomic int state;		/* enum vcpu_state */
	_Atomic bool kick;		/* something changed: re-evaluate (IPI sent) */
	bool power_on_pending;		/* PSCI CPU_ON: reset to entry at next run */
	uint64_t on_entry, on_context;

	/* Scheduler (core/sched.c). */
	uint64_t vruntime;
	unsigned weight;
	struct vcpu *rq_next;
	uint64_t blocked_since;

	struct vgic_cpu *vgic;
	bool vtimer_line;		/* virtual timer output (vcpu.c) */
	struct vcpu_stats stats;
	unsigned mmio_hint;		/* index of the MMIO region it hit last */
	struct vcpu_io io;
};

/*
 * True from the trap that posted v's access to a stub domain until v has
 * applied the answer (which may already have come: DONE counts too).
 */
static inline bool vcpu_io_posted(struct vcpu *v)
{
	return atomic_load_explicit(&v->io.state, memory_order_relaxed) != VCPU_IO_IDLE;
}

/*
 * v's time waiting for the device app_index of its domain (an EL0 app's
 * event, or a stub domain's answer): its "time in apps".
 */
static inline void vcpu_charge_app(struct vcpu *v, unsigned app_index, uint64_t ticks)
{
	v->stats.ns_app += ticks;
	v->stats.app_ticks[app_index] += ticks;
}

enum domain_state { DOMAIN_RUNNING, DOMAIN_STOPPED };

struct domain {
	unsigned id;			/* 1.. */
	const struct domain_config *config;
	const char *name;
	uint16_t vmid;
	struct pgtable s2;		/* stage 2: IPA -> PA */
	struct pgtable_mm s2_mm;
	paddr_t ram_pa;			/* host physical base of its RAM */
	uint64_t ram_ipa, ram_size;
	uint64_t cntvoff;		/* virtual counter offset */

	unsigned nvcpus;
	struct vcpu *vcpu[MAX_VCPUS];

	struct mmio_region mmio[MAX_MMIO_REGIONS];
	unsigned nmmio;

	struct vgic_dist *vgic;
	struct app *apps[MANIFEST_MAX_APPS];	/* core/app.h */
	unsigned napps;
	struct stub *stub;		/* a stub domain: what it serves (core/stubdom.h) */

	_Atomic int state;		/* enum domain_state */
	_Atomic bool reset_requested;
	_Atomic int test_result;	/* -1 none yet, 0 pass, >0 fail */

	spinlock_t console_lock;
	char console_line[160];
	size_t console_len;

	/* Guest-visible faults logged once per cause (bitmap of reasons). */
	_Atomic uint32_t logged_faults;
};

/* All domains that were created. */
extern struct domain *domains[MAX_DOMAINS];
extern unsigned ndomains;

/* Register an emulated MMIO region for the domain. 0 or -1 (full/overlap). */
int domain_add_mmio(struct domain *d, uint64_t base, uint64_t size,
		    const struct mmio_ops *ops, void *ctx, const char *name);

/* Translate an IPA of the domain's RAM to a hypervisor pointer, or NULL. */
void *domain_ipa_to_va(struct domain *d, uint64_t ipa, size_t len);

/*
 * Make the vCPU re-evaluate its state soon: wake it if it is blocked in
 * WFI, or interrupt its pCPU if it is running there (for a new virtual
 * interrupt). Callable from any pCPU.
 */
void vcpu_kick(struct vcpu *v);

/* The vCPU currently loaded on this pCPU, or NULL. */
struct vcpu *current_vcpu(void);

#endif
