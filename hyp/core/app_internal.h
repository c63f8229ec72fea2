/*
 * The app manager's shared state (core/app*.c). One struct app per app
 * instance: its address space, the image it was loaded from (for a reset),
 * its guest mappings, timer, console input, interrupt lines and statistics.
 *
 * Locking: a->lock (a ticket lock, so FIFO) serializes events into the app
 * and everything the app's syscalls change (mappings, lines, timer). The
 * input ring has its own lock, taken from interrupt context. Lock order:
 * a->lock, then the vGIC's locks (IRQ_SET), then timer locks.
 */
#ifndef CORE_APP_INTERNAL_H
#define CORE_APP_INTERNAL_H

#include "abi/app.h"
#include "arch/el0.h"
#include "core/app.h"
#include "core/app_check.h"
#include "core/spinlock.h"
#include "core/timer_event.h"
#include "lib/elf.h"

/* Why an app was stopped (counted per app, shown by the `apps` command). */
enum app_fault_kind {
	APP_FAULT_BUDGET, APP_FAULT_DATA_ABORT, APP_FAULT_INSN_ABORT, APP_FAULT_UNDEF,
	APP_FAULT_FPSIMD, APP_FAULT_STACK, APP_FAULT_SYSCALL, APP_FAULT_PANIC,
	APP_FAULT_REFUSED, APP_FAULT_KINDS
};

struct app_stats {
	uint64_t events[APP_EV_MAX + 1];
	uint64_t faults[APP_FAULT_KINDS];
	uint64_t resets;
	uint64_t ticks;				/* all events, trap to answer */
	uint64_t domain_ticks;			/* timer, input, init, reset: not a vCPU's */
	uint64_t latency[APP_LATENCY_BUCKETS];	/* events by log2(counter ticks) */
	uint64_t max_ticks;
};

/* A loaded segment: where its pages are, to re-initialise them on a reset. */
struct app_segment {
	struct elf_segment seg;
	void *mem;
	size_t bytes;
};

#define APP_INPUT_RING 256

struct app {
	const struct app_config *cfg;
	struct domain *dom;
	unsigned index;			/* in its domain's manifest: per-vCPU accounting */
	struct el0_space space;
	struct vcpu_context ctx;	/* its registers between exits (a->lock held) */
	uint64_t entry;
	const void *image;		/* in the boot archive */
	size_t image_size;
	struct app_segment segs[ELF_MAX_SEGMENTS];
	unsigned nsegs;
	void *stack;
	uint64_t budget_ticks;

	spinlock_t lock;		/* FIFO: one event at a time */
	bool disabled;
	struct app_mapping maps[APP_MAX_MAPPINGS];
	unsigned nmaps;
	uint32_t lines_high;		/* bit i: granted irqs[i] asserted */

	struct timer_event timer;	/* APP_SYS_TIMER_SET, fires in IRQ context */
	uint64_t timer_deadline_ns;
	_Atomic bool timer_due;		/* fired: APP_EV_TIMER to be delivered */

	spinlock_t input_lock;
	uint8_t input[APP_INPUT_RING];
	unsigned input_head, input_tail;
	uint64_t input_dropped;

	struct stub *stub;		/* served by a stub domain (core/stubdom.c), else NULL */

	char detail[APP_LOG_MAX + 1];	/* a fault's detail text (a->lock held) */
	char fault_text[APP_LOG_MAX + 96];	/* the fault line's reason (a->lock held) */
	struct app_stats stats;
};

/* One event of ev that took total ticks, trap to answer (EL0 app or stub domain). */
static inline void app_stats_add(struct app *a, uint64_t ev, uint64_t total, bool for_domain)
{
	a->stats.events[ev]++;
	a->stats.ticks += total;
	a->stats.latency[app_latency_bucket(total)]++;
	if (total > a->stats.max_ticks)
		a->stats.max_ticks = total;
	if (for_domain)
		a->stats.domain_ticks += total;
}

#define MAX_APPS (MAX_DOMAINS * MANIFEST_MAX_APPS)
extern struct app *apps[MAX_APPS];
extern unsigned napps;

/* How an event ended. */
/* APP_POSTED: handed to a stub domain, answered later (core/stubdom.c). */
enum app_outcome { APP_DONE, APP_FAULTED, APP_UNAVAILABLE, APP_POSTED };

/*
 * Deliver one event to the app on this pCPU (a->lock taken inside, FIFO).
 * args[0..6] become x1..x7; results[0..3] get the app's x0..x3 when it
 * returns normally. v: the vCPU the time is charged to, or NULL for the
 * domain (timer, input, init, reset). On a fault the policy has been
 * applied (reset or disable) when this returns.
 */
enum app_outcome app_deliver(struct app *a, struct vcpu *v, uint64_t ev, const uint64_t args[7],
			     uint64_t results[4]);
/* The same for events with at most three arguments (MMIO, timer, input): x4..x7 = 0. */
enum app_outcome app_deliver3(struct app *a, struct vcpu *v, uint64_t ev, uint64_t arg1,
			      uint64_t arg2, uint64_t arg3, uint64_t results[4]);

/*
 * Handle one syscall of the app running on this pCPU (a->lock held).
 * regs = the app's x0..x5 in, x0 out. Returns APP_OK to resume the app,
 * or the APP_E_* reason of an app fault (a->detail then says more, or is "").
 */
int app_syscall(struct app *a, uint64_t sysno, uint64_t regs[6]);

/*
 * A failed syscall (err from app_syscall) as a fault: its text in
 * a->fault_text, the fault kind returned (a->lock held).
 */
unsigned app_syscall_fault(struct app *a, uint64_t sysno, int err);

/* Remove every guest mapping, lower every line, cancel the timer (a->lock held). */
void app_release_resources(struct app *a);

/* The app's clock (APP_SYS_TIME): ns since its domain started. */
uint64_t app_time_ns(const struct app *a);

/* Timer events: deliver APP_EV_TIMER to apps whose timer fired on this pCPU. */
void app_timer_fired(struct timer_event *ev);

/* What INIT (x2..x6) and RESET (x3..x7) tell the app about its manifest node and the CPU. */
void app_device_args(const struct app *a, uint64_t out[5]);

/* Disable an app whose INIT or RESET handler returned code < 0 (a->lock not held). */
void app_refused(struct app *a, int64_t code, const char *which);
/* The same with a->lock already held (the reset that follows a fault). */
void app_refused_locked(struct app *a, int64_t code, const char *which);

/* Register the app's MMIO range with its domain (core/app_device.c). */
int app_register_mmio(struct app *a);

/* Re-initialise the app's memory from its image: data re-copied, bss and stack zeroed. */
void app_reload_memory(struct app *a);

#endif
