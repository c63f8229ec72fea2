/*
 * The run loop, KVM style: the C loop enters the guest (guest_enter returns
 * why it stopped), handles the exit, and goes round again until the
 * scheduler wants the pCPU for someone else or the vCPU blocks.
 *
 * Everything here runs with interrupts masked; physical interrupts that
 * arrive while a guest runs come back as EXIT_IRQ and are handled in the
 * loop, and an idle pCPU unmasks them only around its WFI.
 */
#include "arch/cpu.h"
#include "arch/guest_traps.h"
#include "arch/vcpu_switch.h"
#include "core/app.h"
#include "core/console.h"
#include "core/domain_ops.h"
#include "core/irq.h"
#include "core/machine.h"
#include "core/percpu.h"
#include "core/sched.h"
#include "core/smp.h"
#include "core/stubdom.h"
#include "core/timer_event.h"
#include "core/vcpu.h"
#include "core/vgic.h"
#include "drivers/gic.h"
#include "drivers/timer.h"

static struct vcpu *loaded[PLATFORM_MAX_CPUS];

/* A descheduled vCPU's virtual timer, as a software timer on its pCPU. */
static struct timer_event vtimer_wakeup[MAX_DOMAINS * MAX_VCPUS];

bool vcpu_is_loaded(const struct vcpu *v)
{
	return __atomic_load_n(&loaded[v->pcpu], __ATOMIC_ACQUIRE) == v;
}

struct vcpu *current_vcpu(void)
{
	return loaded[this_cpu_id()];
}

uint64_t ticks_to_ns(uint64_t ticks)
{
	uint64_t freq = timer_frequency();

	return ticks / freq * 1000000000ULL + ticks % freq * 1000000000ULL / freq;
}

static struct timer_event *wakeup_event(struct vcpu *v)
{
	return &vtimer_wakeup[(v->dom->id - 1) * MAX_VCPUS + v->id];
}

/*
 * The virtual timer is a level-sensitive line into the vGIC, as the
 * architecture has it: high while the timer is enabled, unmasked and due.
 * The guest's own CNTV_CTL is never touched. While the line is high the
 * physical PPI is masked at the GIC (it would fire again and again); when
 * the guest EOIs the virtual interrupt, the resample hook looks at the
 * timer again and, if the guest moved or disabled it, lowers the line and
 * unmasks the physical PPI.
 */
static void vtimer_raise(struct vcpu *v)
{
	v->vtimer_line = true;
	vgic_set_private_level(v, VGIC_VTIMER_PPI, true);
}

/* The guest's virtual timer fired while the vCPU was loaded. */
static void vtimer_irq(uint32_t intid, void *ctx)
{
	struct vcpu *v = current_vcpu();

	(void)ctx;
	gic_disable(intid);
	if (v)
		vtimer_raise(v);
}

/* The guest EOI'd the timer interrupt (v is loaded on this pCPU). */
static void vtimer_resample(struct vcpu *v, uint32_t intid)
{
	if (arch_vtimer_live_asserted())
		return;		/* still due: it is delivered again */
	v->vtimer_line = false;
	vgic_set_private_level(v, intid, false);
	gic_enable(intid, true);
}

/* The timer came due while the vCPU was not loaded. */
static void vtimer_wakeup_fired(struct timer_event *ev)
{
	vtimer_raise(ev->arg);
}

void vcpu_kick(struct vcpu *v)
{
	if (v->state == VCPU_BLOCKED) {
		sched_wake(v);
		return;
	}
	if (v->pcpu != this_cpu_id() && loaded[v->pcpu] == v)
		smp_send_wakeup(v->pcpu);	/* exit the guest, refill its LRs */
}

void vcpu_power_on(struct vcpu *v, uint64_t entry, uint64_t context)
{
	v->on_entry = entry;
	v->on_context = context;
	v->power_on_pending = true;
	sched_wake(v);
}

void vcpu_power_off(struct vcpu *v)
{
	v->state = VCPU_OFF;
}

/* What ends a WFI: a virtual interrupt, or for a stub domain a request to serve. */
static bool wfi_would_wake(struct vcpu *v)
{
	return vgic_vcpu_pending(v) || (v->dom->stub && stub_has_requests(v->dom->stub));
}

void vcpu_block_in_wfi(struct vcpu *v)
{
	if (wfi_would_wake(v))
		return;
	v->blocked_since = timer_now();
	v->state = VCPU_BLOCKED;
	/* An injection or a request between the check and the state change must not be lost. */
	atomic_thread_fence(memory_order_seq_cst);
	if (wfi_would_wake(v))
		v->state = VCPU_RUNNABLE;
}

static void vcpu_load(struct vcpu *v)
{
	if (v->power_on_pending) {
		v->power_on_pending = false;
		arch_vcpu_reset(&v->ctx, v->on_entry, v->on_context);
		atomic_store(&v->io.state, VCPU_IO_IDLE);	/* a wait ends with the reset */
		vgic_vcpu_reset(v);
		v->vtimer_line = false;
	}
	timer_event_cancel(wakeup_event(v));
	if (v->dom->stub)
		stub_vcpu_loaded(v->dom);
	loaded[this_cpu_id()] = v;
	arch_vcpu_load(v);
	vgic_vcpu_load(v);
	/* The physical PPI stays masked while this vCPU's line is high. */
	if (v->vtimer_line)
		gic_disable(VGIC_VTIMER_PPI);
	else
		gic_enable(VGIC_VTIMER_PPI, true);
}

static void vcpu_put(struct vcpu *v)
{
	uint64_t deadline;
	bool armed;

	vgic_vcpu_put(v);
	arch_vcpu_put(v);
	loaded[this_cpu_id()] = NULL;
	if (v->dom->stub)
		stub_vcpu_put(v->dom);
	deadline = arch_vtimer_deadline(&v->ctx, v->dom->cntvoff, &armed);
	if (armed && !v->vtimer_line && v->state != VCPU_OFF)
		timer_event_arm(wakeup_event(v), v->pcpu, deadline);
}

static bool keep_running(struct vcpu *v)
{
	return v->state == VCPU_RUNNABLE && !sched_should_yield() &&
	       v->dom->state == DOMAIN_RUNNING && !machine_is_stopping();
}

/*
 * v waits for a stub domain's answer (core/stubdom.c): apply it if it has
 * come, else block until vcpu_io_complete wakes v. True: enter the guest.
 */
static bool io_resume(struct vcpu *v)
{
	if (atomic_load_explicit(&v->io.state, memory_order_acquire) == VCPU_IO_WAITING) {
		v->blocked_since = timer_now();
		v->state = VCPU_BLOCKED;
		/* Pairs with vcpu_io_complete: one of us sees the other's store. */
		atomic_thread_fence(memory_order_seq_cst);
		if (atomic_load_explicit(&v->io.state, memory_order_acquire) == VCPU_IO_WAITING)
			return false;
		v->state = VCPU_RUNNABLE;
	}
	/* Its time waiting for the stub domain: in "apps", as an EL0 app's would be. */
	vcpu_charge_app(v, v->io.app_index, timer_now() - v->io.since);
	guest_io_finish(v);
	atomic_store_explicit(&v->io.state, VCPU_IO_IDLE, memory_order_relaxed);
	return true;
}

void vcpu_io_complete(struct vcpu *v)
{
	atomic_store_explicit(&v->io.state, VCPU_IO_DONE, memory_order_release);
	atomic_thread_fence(memory_order_seq_cst);
	if (v->state == VCPU_BLOCKED)
		sched_wake(v);
}

static void run_vcpu(struct vcpu *v)
{
	uint64_t start = timer_now(), t0, t1, in_apps, others;

	sched_start_slice(v);
	do {
		uint64_t exit;

		if (__builtin_expect(atomic_load_explicit(&v->io.state, memory_order_relaxed) !=
				     VCPU_IO_IDLE, 0) && !io_resume(v))
			break;
		vgic_before_entry(v);
		t0 = timer_now();
		exit = guest_enter(&v->ctx);
		t1 = timer_now();
		v->stats.ns_run += t1 - t0;	/* ticks; converted when shown */
		vgic_after_exit(v);
		in_apps = v->stats.ns_app;
		if (exit == EXIT_IRQ) {
			v->stats.traps[TRAP_IRQ]++;
			irq_handle_pending();
		} else {
			handle_guest_exit(v, exit);
		}
		/* Other domains' app work (timers, input) is not this vCPU's either. */
		others = apps_run_deferred();
		v->stats.ns_hyp += timer_now() - t1 - (v->stats.ns_app - in_apps) - others;
	} while (keep_running(v));
	sched_charge(v, timer_now() - start);
}

static void idle(void)
{
	smp_poll_work();
	arch_idle_wait();
}

void pcpu_run_loop(void)
{
	arch_irq_disable();
	for (;;) {
		struct vcpu *v;

		if (machine_is_stopping())
			arch_park();
		domain_do_pending_work();
		apps_run_deferred();
		v = sched_pick();
		if (!v) {
			idle();
			continue;
		}
		if (v->state == VCPU_BLOCKED)
			continue;
		vcpu_load(v);
		run_vcpu(v);
		vcpu_put(v);
		if (v->state == VCPU_BLOCKED)
			v->blocked_since = timer_now();
	}
}

void vcpu_cpu_init(void)
{
	arch_guest_cpu_init();
	gic_enable(VGIC_VTIMER_PPI, true);
	vgic_cpu_init();
}

int vcpu_global_init(void)
{
	for (unsigned i = 0; i < ARRAY_SIZE(vtimer_wakeup); i++)
		timer_event_init(&vtimer_wakeup[i], vtimer_wakeup_fired, NULL);
	timer_events_init();
	sched_init();
	if (vgic_register_resample(VGIC_VTIMER_PPI, vtimer_resample))
		return -1;
	return irq_register(VGIC_VTIMER_PPI, vtimer_irq, NULL);
}

void vcpu_bind_events(struct vcpu *v)
{
	wakeup_event(v)->arg = v;
}
