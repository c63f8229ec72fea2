/*
 * Stub domains: the hypervisor's half of abi/stubdom.h. A device whose
 * manifest node is elvisor,stubdom is a struct app like any other (routing,
 * syscall checks, statistics, fault policy), but its events are posted to a
 * ring page that its stub domain reads, and answered by the stub domain's
 * completion hypercall. The trapping vCPU blocks in between (core/vcpu.c
 * io_resume); the completion, on whatever pCPU the stub runs, fills the
 * vCPU's answer and wakes it.
 *
 * Locking: s->lock guards the ring, the pending table, the state and the
 * app's statistics. The app's own a->lock guards what its syscalls change
 * (as for an EL0 app); the fault path takes a->lock, then s->lock.
 */
#include "abi/stubdom.h"
#include "arch/mmu.h"
#include "core/console.h"
#include "core/domain_ops.h"
#include "core/initrd.h"
#include "core/mm.h"
#include "core/percpu.h"
#include "core/sched.h"
#include "core/stubdom.h"
#include "core/vcpu.h"
#include "drivers/timer.h"
#include "lib/cpio.h"
#include "lib/format.h"
#include "lib/string.h"
#include "app_internal.h"

#define SMCCC_NOT_SUPPORTED ((uint64_t)-1)

enum stub_state {
	STUB_UP,		/* serving */
	STUB_RESTARTING,	/* faulted, its domain being reloaded: new requests held */
	STUB_DISABLED,		/* faulted with on-fault = "disable", or refused INIT */
};

/* What the hypervisor remembers of a posted request (never read back from the ring). */
struct stub_pending {
	struct vcpu *v;		/* waiting for the answer, or NULL */
	uint64_t event;
	uint64_t posted;	/* counter ticks */
};

struct stub {
	struct app *app;		/* the device it serves */
	struct domain *dom;		/* the stub domain, once created */
	struct stub_ring *ring;		/* the hypervisor's view of the ring page */
	paddr_t ring_pa;
	paddr_t file_pa;		/* the device's file (manifest `file`), if any */
	size_t file_bytes;		/* rounded up to pages */

	spinlock_t lock;
	enum stub_state state;
	_Atomic uint64_t next_seq;	/* seq of the next request to post */
	_Atomic uint64_t done_seq;	/* seq of the oldest outstanding one */
	struct stub_pending pend[STUB_RING_SLOTS];
	/*
	 * The budget counts the stub domain's own run time on its oldest
	 * request (waiting for its pCPU is not a hang): used so far, and the
	 * start of the current stint while its vCPU is loaded (0: not).
	 */
	struct timer_event budget;	/* armed while it runs with requests outstanding */
	uint64_t used, stint_start;
	uint64_t dropped;		/* events answered without it: disabled, or no room */
	unsigned inputs;		/* INPUT requests outstanding (at most one: batches) */
	bool retry;			/* a deferred event found no room: retry at a completion */
};

_Static_assert(sizeof(struct stub) <= PAGE_SIZE, "a stub in a page");
_Static_assert(STUB_RING_SLOTS > MAX_VCPUS + 2, "each vCPU waits for one request at most");

static const char *stub_name(const struct stub *s)
{
	return s->dom ? s->dom->name : "(not created)";
}

static uint64_t outstanding(const struct stub *s)
{
	return atomic_load(&s->next_seq) - atomic_load(&s->done_seq);
}

bool stub_has_requests(const struct stub *s)
{
	return outstanding(s) != 0;
}

/* --- answers to waiting vCPUs ---------------------------------------------------- */

/* v's access is answered: res from the stub, or (ran = false) the manifest's fault answer. */
static void answer(struct app *a, struct vcpu *v, uint64_t event, bool ran, const uint64_t res[4])
{
	for (unsigned i = 0; i < 4; i++)
		v->io.res[i] = ran ? res[i] : 0;
	if (event == APP_EV_CALL) {
		v->io.ok = true;
		if (!ran)
			v->io.res[0] = SMCCC_NOT_SUPPORTED;
	} else {
		v->io.ok = ran || !a->cfg->abort_on_fault;
	}
	vcpu_io_complete(v);
}

/* The app's statistics; the waiting vCPU charges its own time (io_resume). */
static void account(struct stub *s, uint64_t event, uint64_t posted, bool by_vcpu)
{
	app_stats_add(s->app, event, timer_now() - posted, !by_vcpu);
}

/* Every outstanding request gets the fault answer (s->lock held). */
static void answer_all_faulted(struct stub *s)
{
	static const uint64_t none[4];

	while (outstanding(s)) {
		uint64_t seq = atomic_load(&s->done_seq);
		struct stub_pending *p = &s->pend[seq % STUB_RING_SLOTS];

		account(s, p->event, p->posted, p->v != NULL);
		if (p->event == APP_EV_INPUT)
			s->inputs--;
		if (p->v)
			answer(s->app, p->v, p->event, false, none);
		p->v = NULL;
		atomic_store(&s->done_seq, seq + 1);
	}
}

/* --- faults -------------------------------------------------------------------------- */

/*
 * The stub domain failed: count it, answer what it owed, restart it or
 * (disable) stop it. Takes a->lock and s->lock; a fault already being
 * handled is not repeated.
 */
static void stub_fault(struct stub *s, enum app_fault_kind kind, const char *text, bool disable)
{
	struct app *a = s->app;

	spin_lock(&a->lock);
	spin_lock(&s->lock);
	if (s->state != STUB_UP) {
		spin_unlock(&s->lock);
		spin_unlock(&a->lock);
		return;
	}
	a->stats.faults[kind]++;
	printk("elvisor: stub domain %s (serving %s/%s) fault: %s; %s\n", stub_name(s),
	       a->dom->name, a->cfg->name, text, disable ? "disabled" : "restarting it");
	answer_all_faulted(s);
	timer_event_cancel(&s->budget);
	s->state = disable ? STUB_DISABLED : STUB_RESTARTING;
	app_release_resources(a);
	spin_unlock(&s->lock);
	spin_unlock(&a->lock);
	if (disable)
		domain_halt(s->dom);
	else
		domain_restart(s->dom);
}

/* Its run time on the oldest request so far (s->lock held). */
static uint64_t budget_used(const struct stub *s, uint64_t now)
{
	return s->used + (s->stint_start ? now - s->stint_start : 0);
}

/*
 * While it runs with work to do, the budget timer fires when its time is
 * up. It is armed lazily (left armed when the stub stops running, checked
 * and re-armed when it fires): writing the timer at every load would cost
 * every request, and under QEMU's icount every new deadline lets the other
 * pCPUs run up to it first.
 */
static void budget_arm(struct stub *s, uint64_t now)
{
	uint64_t budget = s->app->budget_ticks, used = budget_used(s, now);

	timer_event_arm(&s->budget, this_cpu_id(), now + (used < budget ? budget - used : 0));
}

static void budget_arm_lazily(struct stub *s, uint64_t now)
{
	if (!timer_event_armed(&s->budget))
		budget_arm(s, now);
}

/* The oldest request had the stub domain's CPU for its whole budget: a hang. */
static void budget_expired(struct timer_event *ev)
{
	struct stub *s = ev->arg;
	uint64_t now = timer_now();
	char text[96];

	spin_lock(&s->lock);
	if (s->state != STUB_UP || !outstanding(s) || !s->stint_start) {
		spin_unlock(&s->lock);
		return;		/* armed again when it runs with work to do */
	}
	if (budget_used(s, now) < s->app->budget_ticks) {
		budget_arm(s, now);
		spin_unlock(&s->lock);
		return;
	}
	format(text, sizeof(text), "request %lu not completed within the budget of %u us",
	       atomic_load(&s->done_seq), s->app->cfg->budget_us);
	spin_unlock(&s->lock);
	stub_fault(s, APP_FAULT_BUDGET, text, s->app->cfg->disable_on_fault);
}

void stub_vcpu_loaded(struct domain *d)
{
	struct stub *s = d->stub;
	uint64_t now = timer_now();

	spin_lock(&s->lock);
	s->stint_start = now;
	if (s->state == STUB_UP && outstanding(s))
		budget_arm_lazily(s, now);
	spin_unlock(&s->lock);
}

void stub_vcpu_put(struct domain *d)
{
	struct stub *s = d->stub;

	spin_lock(&s->lock);
	if (outstanding(s))
		s->used += timer_now() - s->stint_start;
	s->stint_start = 0;
	spin_unlock(&s->lock);
}

/* INIT or RESET refused (a negative result): the device is disabled, as an app would be. */
static void stub_refused(struct stub *s, uint64_t event, int64_t code)
{
	char text[96];

	format(text, sizeof(text), "%s refused (its handler returned %ld)",
	       event == APP_EV_INIT ? "INIT" : "RESET", (long)code);
	stub_fault(s, APP_FAULT_REFUSED, text, true);
}

/* --- the device's address space: the stub domain's stage 2 ---------------------------- */

int stub_space_map(struct app *a, uint64_t ipa, paddr_t pa, size_t size, unsigned prot)
{
	struct domain *d = a->stub->dom;

	return d ? pgtable_map(&d->s2, ipa, pa, size, prot & (PROT_READ | PROT_WRITE)) : -1;
}

int stub_space_unmap(struct app *a, uint64_t ipa, size_t size)
{
	struct domain *d = a->stub->dom;

	return d ? pgtable_unmap(&d->s2, ipa, size) : 0;
}

bool stub_space_lookup(struct app *a, uint64_t ipa, paddr_t *pa, unsigned *prot)
{
	struct domain *d = a->stub->dom;

	return d && pgtable_lookup(&d->s2, ipa, pa, prot);
}

/* --- creation ------------------------------------------------------------------------ */

/* The manifest's file: a private copy in contiguous pages, for the stub's IPA space. */
static int load_stub_file(struct stub *s)
{
	const struct app_config *c = s->app->cfg;
	struct cpio_file file;

	if (!c->file[0])
		return 0;
	if (cpio_find(initrd_data(), initrd_size(), c->file, &file) != CPIO_OK ||
	    file.size != c->file_size) {
		pr_err("%s/%s: file \"%s\" is not in the boot archive\n", s->app->dom->name,
		       c->name, c->file);
		return -1;
	}
	s->file_bytes = ALIGN_UP(file.size, (size_t)PAGE_SIZE);
	if (!mm_alloc_zeroed_pages(s->file_bytes >> PAGE_SHIFT, &s->file_pa)) {
		pr_err("%s/%s: out of memory for its %zu-byte file\n", s->app->dom->name, c->name,
		       file.size);
		return -1;
	}
	memcpy(phys_to_virt(s->file_pa), file.data, file.size);
	return 0;
}

int stub_create(struct app *a)
{
	struct stub *s;
	paddr_t pa;

	if (!mm_alloc_zeroed_pages(1, &pa))
		return -1;
	s = phys_to_virt(pa);
	s->app = a;
	if (!mm_alloc_zeroed_pages(1, &s->ring_pa))
		return -1;
	s->ring = phys_to_virt(s->ring_pa);
	s->ring->abi_version = STUB_ABI_VERSION;
	s->state = STUB_UP;
	timer_event_init(&s->budget, budget_expired, s);
	if (load_stub_file(s))
		return -1;
	a->stub = s;
	return 0;
}

int stub_attach(struct domain *d, struct domain *target)
{
	const struct domain_config *c = d->config;
	struct app *a = c->stub_app < target->napps ? target->apps[c->stub_app] : NULL;
	struct stub *s = a ? a->stub : NULL;

	if (!s) {
		pr_err("%s: the device it serves (%s) is not a stub-domain device\n", d->name,
		       target->name);
		return -1;
	}
	if (pgtable_map(&d->s2, STUB_RING_IPA, s->ring_pa, PAGE_SIZE, PROT_READ) ||
	    (s->file_bytes && pgtable_map(&d->s2, APP_FILE_BASE, s->file_pa, s->file_bytes,
					  PROT_READ | PROT_WRITE))) {
		pr_err("%s: cannot map its ring and file\n", d->name);
		return -1;
	}
	s->dom = d;
	d->stub = s;
	return 0;
}

/* --- posting -------------------------------------------------------------------------- */

/* The stub's vCPU may be asleep in WFI: wake it (after the request is visible). */
static void kick(struct stub *s)
{
	struct vcpu *sv;

	if (!s->dom)
		return;		/* not created yet: it reads the ring when it starts */
	sv = s->dom->vcpu[0];
	/* Pairs with vcpu_block_in_wfi: it sees the request or we see it blocked. */
	atomic_thread_fence(memory_order_seq_cst);
	if (sv->state == VCPU_BLOCKED)
		sched_wake(sv);
}

/* Post under s->lock. False when there is no room (or no service). */
static bool post_locked(struct stub *s, struct vcpu *v, uint64_t ev, const uint64_t args[7])
{
	uint64_t seq = atomic_load(&s->next_seq), now = timer_now();
	uint64_t busy = seq - atomic_load(&s->done_seq);
	struct stub_slot *slot = &s->ring->slot[seq % STUB_RING_SLOTS];
	struct stub_pending *p = &s->pend[seq % STUB_RING_SLOTS];

	/*
	 * The last MAX_VCPUS slots are kept for vCPUs, which wait for one
	 * request each; while restarting, one more for the RESET that will
	 * come first.
	 */
	if (s->state == STUB_DISABLED || busy + (s->state == STUB_RESTARTING) >= STUB_RING_SLOTS ||
	    (!v && busy >= STUB_RING_SLOTS - MAX_VCPUS))
		return false;
	slot->seq = seq;
	slot->event = ev;
	for (unsigned i = 0; i < 7; i++)
		slot->args[i] = args[i];
	*p = (struct stub_pending){ v, ev, now };
	if (ev == APP_EV_INPUT)
		s->inputs++;
	if (v) {
		v->io.since = now;
		v->io.app_index = (uint8_t)s->app->index;
		atomic_store_explicit(&v->io.state, VCPU_IO_WAITING, memory_order_relaxed);
	}
	if (!busy)
		s->used = 0;	/* the oldest request's budget starts now */
	if (!busy && s->stint_start && s->state == STUB_UP)
		budget_arm_lazily(s, now);	/* it is running: a request for it to hang on */
	atomic_store(&s->next_seq, seq + 1);
	/* Restarting: held (not published) until the new instance gets its ring. */
	if (s->state == STUB_UP)
		__atomic_store_n(&s->ring->req_prod, seq + 1, __ATOMIC_RELEASE);
	return true;
}

int stub_deliver(struct app *a, struct vcpu *v, uint64_t ev, const uint64_t args[7])
{
	struct stub *s = a->stub;
	bool posted;

	spin_lock(&s->lock);
	posted = post_locked(s, v, ev, args);
	if (!posted) {
		s->dropped++;
		a->stats.events[ev]++;
		s->retry = s->state != STUB_DISABLED;
	}
	spin_unlock(&s->lock);
	if (!posted)
		return APP_UNAVAILABLE;
	kick(s);
	return APP_POSTED;
}

bool stub_input_busy(const struct app *a)
{
	return a->stub->inputs != 0;
}

int stub_deliver3(struct app *a, struct vcpu *v, uint64_t ev, uint64_t arg1, uint64_t arg2,
		  uint64_t arg3)
{
	const uint64_t args[7] = { arg1, arg2, arg3 };

	return stub_deliver(a, v, ev, args);
}

/* --- the stub domain's hypercalls ----------------------------------------------------- */

/* STUB_HVC_COMPLETE: x1 = seq, x2..x5 = results. */
static void complete(struct stub *s, uint64_t regs[7])
{
	uint64_t seq = regs[1], expected;
	struct stub_pending *p;
	uint64_t event;
	bool refused;
	char text[96];

	spin_lock(&s->lock);
	if (s->state != STUB_UP) {
		spin_unlock(&s->lock);
		regs[0] = SMCCC_NOT_SUPPORTED;	/* a stub on its way out: ignored */
		return;
	}
	expected = atomic_load(&s->done_seq);
	if (!outstanding(s) || seq != expected) {
		if (outstanding(s))
			format(text, sizeof(text), "garbage completion of request %lu (the oldest "
			       "outstanding is %lu)", seq, expected);
		else
			format(text, sizeof(text), "garbage completion of request %lu (none is "
			       "outstanding)", seq);
		spin_unlock(&s->lock);
		stub_fault(s, APP_FAULT_SYSCALL, text, s->app->cfg->disable_on_fault);
		return;
	}
	p = &s->pend[seq % STUB_RING_SLOTS];
	account(s, p->event, p->posted, p->v != NULL);
	if (p->v)
		answer(s->app, p->v, p->event, true, &regs[2]);
	event = p->event;
	if (event == APP_EV_INPUT || s->retry) {
		/* Console input waits for this one (or an event found no room): go on. */
		if (event == APP_EV_INPUT)
			s->inputs--;
		s->retry = false;
		atomic_store(&apps_deferred_pending[this_cpu_id()], true);
	}
	refused = (event == APP_EV_INIT || event == APP_EV_RESET) && (int64_t)regs[2] < 0;
	p->v = NULL;
	atomic_store(&s->done_seq, seq + 1);
	/* The next request's budget starts now (the timer finds the rest). */
	s->used = 0;
	if (s->stint_start)
		s->stint_start = timer_now();
	spin_unlock(&s->lock);
	regs[0] = 0;
	if (refused)
		stub_refused(s, event, (int64_t)regs[2]);
}

/* STUB_HVC_SYSCALL: x1 = APP_SYS_*, x2..x7 = its x0..x5; x0 = its result. */
static void stub_syscall(struct stub *s, uint64_t regs[7])
{
	struct app *a = s->app;
	uint64_t sysno = regs[1], args[6];
	char text[APP_LOG_MAX + 96];
	unsigned kind = APP_FAULT_KINDS;
	int err;

	/* The hypercall has x0..x6: the syscall's x0..x4; its x5 is never used (APP_SYS_*). */
	for (unsigned i = 0; i < 6; i++)
		args[i] = i + 2 < 7 ? regs[i + 2] : 0;
	spin_lock(&a->lock);
	if (s->state != STUB_UP) {
		spin_unlock(&a->lock);
		regs[0] = SMCCC_NOT_SUPPORTED;
		return;
	}
	/* RETURN belongs to EL0 apps: a stub ends a request with STUB_HVC_COMPLETE. */
	err = sysno == APP_SYS_RETURN ? APP_E_NOSYS : app_syscall(a, sysno, args);
	if (err != APP_OK) {
		if (sysno == APP_SYS_RETURN)
			format(a->detail, sizeof(a->detail), "RETURN is for EL0 apps (use "
			       "STUB_HVC_COMPLETE)");
		kind = app_syscall_fault(a, sysno, err);
		format(text, sizeof(text), "%s", a->fault_text);
	}
	spin_unlock(&a->lock);
	if (kind != APP_FAULT_KINDS) {
		stub_fault(s, kind, text, a->cfg->disable_on_fault);
		return;
	}
	regs[0] = args[0];
}

void stub_call(struct vcpu *v, uint64_t regs[7])
{
	struct stub *s = v->dom->stub;

	switch ((uint32_t)regs[0]) {
	case STUB_HVC_COMPLETE:
		complete(s, regs);
		break;
	case STUB_HVC_SYSCALL:
		stub_syscall(s, regs);
		break;
	default:
		regs[0] = SMCCC_NOT_SUPPORTED;	/* a stub domain has no other service */
	}
}

/* --- restarts and the target's life cycle ------------------------------------------- */

/* Reverse n elements of size bytes in place. */
static void reverse(uint8_t *base, size_t size, unsigned n)
{
	for (unsigned i = 0; i < n / 2; i++)
		for (size_t k = 0; k < size; k++) {
			uint8_t *x = base + i * size + k, *y = base + (n - 1 - i) * size + k;
			uint8_t t = *x;

			*x = *y;
			*y = t;
		}
}

/* Rotate an array of n elements left by k, in place (no copy on the stack). */
static void rotate_left(void *array, size_t size, unsigned n, unsigned k)
{
	uint8_t *base = array;

	reverse(base, size, k);
	reverse(base + k * size, size, n - k);
	reverse(base, size, n);
}

/*
 * The new instance's ring: RESET (APP_RESET_FAULT) as request 0, then the
 * requests held while it restarted, renumbered from 1 (s->lock held). The
 * held ones stay in the ring, which only the hypervisor writes: rotating it
 * puts the oldest in slot 1.
 */
static void rebuild_ring(struct stub *s, const uint64_t reset_args[7])
{
	uint64_t n = outstanding(s), first = atomic_load(&s->done_seq);
	unsigned k = (unsigned)((first + STUB_RING_SLOTS - 1) % STUB_RING_SLOTS);

	rotate_left(s->ring->slot, sizeof(s->ring->slot[0]), STUB_RING_SLOTS, k);
	rotate_left(s->pend, sizeof(s->pend[0]), STUB_RING_SLOTS, k);
	for (uint64_t i = 1; i <= n; i++)
		s->ring->slot[i].seq = i;
	s->ring->abi_version = STUB_ABI_VERSION;
	atomic_store(&s->next_seq, 0);
	atomic_store(&s->done_seq, 0);
	s->state = STUB_UP;
	post_locked(s, NULL, APP_EV_RESET, reset_args);	/* slot 0, published as 1 request */
	atomic_store(&s->next_seq, n + 1);
	__atomic_store_n(&s->ring->req_prod, n + 1, __ATOMIC_RELEASE);
}

void stub_restarted(struct domain *d)
{
	struct stub *s = d->stub;
	struct app *a = s->app;
	uint64_t args[7] = { APP_RESET_FAULT, a->dom->id };

	app_device_args(a, &args[2]);
	spin_lock(&s->lock);
	a->stats.resets++;
	rebuild_ring(s, args);
	spin_unlock(&s->lock);
}

void stub_restart_failed(struct domain *d)
{
	struct stub *s = d->stub;

	spin_lock(&s->lock);
	answer_all_faulted(s);		/* what was held for the new instance */
	s->state = STUB_DISABLED;
	spin_unlock(&s->lock);
}

void stub_forget_waiters(struct app *a)
{
	struct stub *s = a->stub;

	spin_lock(&s->lock);
	for (unsigned i = 0; i < STUB_RING_SLOTS; i++)
		s->pend[i].v = NULL;
	spin_unlock(&s->lock);
}

void stub_target_reset(struct app *a)
{
	struct stub *s = a->stub;
	bool restart;

	stub_forget_waiters(a);
	spin_lock(&s->lock);
	/* A power cycle of the domain gives a disabled stub domain a fresh start, as an app. */
	restart = s->state == STUB_DISABLED && s->dom;
	if (restart)
		s->state = STUB_RESTARTING;
	spin_unlock(&s->lock);
	if (restart)
		domain_restart(s->dom);
}

static const char *const state_names[] = { "up", "restarting", "disabled" };

const char *stub_state_name(const struct app *a)
{
	return state_names[a->stub->state];
}

void stub_print(const struct app *a)
{
	const struct stub *s = a->stub;

	printk("      stub domain %s (%s): %lu requests posted, %lu outstanding, %lu answered "
	       "without it (disabled, or no room)\n", stub_name(s), state_names[s->state],
	       atomic_load(&s->next_seq), outstanding(s), s->dropped);
}
