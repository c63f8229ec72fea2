/*
 * Secondary CPUs: started through PSCI CPU_ON, each runs secondary_main()
 * on its own stack and then idles, taking work handed to it by smp_call().
 */
#include "arch/boot.h"
#include "arch/cpu.h"
#include "arch/mmu.h"
#include "arch/psci.h"
#include "core/console.h"
#include "core/irq.h"
#include "core/machine.h"
#include "core/smp.h"
#include "core/spinlock.h"
#include "core/timer_event.h"
#include "core/vcpu.h"
#include "drivers/gic.h"
#include "drivers/timer.h"

#define CPU_ON_TIMEOUT_US 2000000

_Static_assert(MAX_CPUS == PLATFORM_MAX_CPUS, "one limit on CPUs");

struct percpu percpu_data[PLATFORM_MAX_CPUS];
static unsigned cpu_count;
static _Atomic unsigned online_count;

unsigned smp_online_count(void)
{
	return online_count;
}

unsigned smp_cpu_count(void)
{
	return cpu_count;
}

static void sgi_wakeup(uint32_t intid, void *ctx)
{
	(void)intid;
	(void)ctx;
	this_cpu()->sgis++;	/* the point is the wake-up; work runs in the idle loop */
	timer_events_resync();
}

void smp_send_wakeup(unsigned cpu)
{
	gic_send_sgi(cpu, SGI_WAKEUP);
}

void smp_poll_work(void)
{
	struct percpu *cpu = this_cpu();
	cpu_work_fn fn = atomic_exchange(&cpu->work, (cpu_work_fn)NULL);

	if (fn) {
		fn(cpu->work_arg);
		atomic_fetch_add(&cpu->work_done, 1);
	}
}

static _Atomic bool guests_running;

void smp_run_guests_everywhere(void)
{
	guests_running = true;
	for (unsigned c = 0; c < cpu_count; c++)
		if (c != this_cpu_id() && percpu_data[c].online)
			smp_send_wakeup(c);
}

void cpu_idle_loop(void)
{
	arch_irq_disable();
	for (;;) {
		smp_poll_work();
		if (machine_is_stopping())
			arch_park();
		if (guests_running)
			pcpu_run_loop();
		arch_idle_wait();
	}
}

/*
 * One call in flight per target CPU: the caller holds the target's call
 * lock from posting the work until it has completed, so generations cannot
 * be confused between callers.
 */
static spinlock_t call_lock[PLATFORM_MAX_CPUS];

/* Hand fn to cpu (lock held); returns the generation to wait for. */
static unsigned post_work(unsigned cpu, cpu_work_fn fn, void *arg)
{
	struct percpu *p = &percpu_data[cpu];
	unsigned gen = atomic_load(&p->work_done);

	p->work_arg = arg;
	atomic_store(&p->work, fn);
	smp_send_wakeup(cpu);
	return gen + 1;
}

static void wait_work(unsigned cpu, unsigned gen)
{
	while (atomic_load(&percpu_data[cpu].work_done) != gen)
		arch_cpu_relax();
	spin_unlock(&call_lock[cpu]);
}

void smp_call(unsigned cpu, cpu_work_fn fn, void *arg)
{
	if (cpu == this_cpu_id()) {
		fn(arg);
		return;
	}
	if (cpu >= cpu_count || !percpu_data[cpu].online)
		panic("smp_call to CPU %u, which is not online", cpu);
	spin_lock(&call_lock[cpu]);
	wait_work(cpu, post_work(cpu, fn, arg));
}

void smp_call_all(cpu_work_fn fn, void *arg)
{
	unsigned gen[PLATFORM_MAX_CPUS];
	unsigned self = this_cpu_id();

	for (unsigned c = 0; c < cpu_count; c++) {
		if (c == self || !percpu_data[c].online)
			continue;
		spin_lock(&call_lock[c]);
		gen[c] = post_work(c, fn, arg);
	}
	fn(arg);
	for (unsigned c = 0; c < cpu_count; c++)
		if (c != self && percpu_data[c].online)
			wait_work(c, gen[c]);
}

/* Per-CPU setup every CPU does, the boot CPU included. */
int cpu_local_init(unsigned cpu)
{
	if (gic_init_cpu(cpu, percpu_data[cpu].mpidr))
		return -1;
	gic_enable(SGI_WAKEUP, false);
	timer_init_cpu();
	return 0;
}

int smp_register_irqs(void)
{
	return irq_register(SGI_WAKEUP, sgi_wakeup, NULL);
}

void secondary_main(unsigned cpu)
{
	struct percpu *p = &percpu_data[cpu];

	arch_percpu_set(p);
	if (cpu_local_init(cpu)) {
		printk("elvisor: CPU %u: local setup failed, parking it\n", cpu);
		arch_park();
	}
	atomic_store(&p->online, true);
	atomic_fetch_add(&online_count, 1);
	cpu_idle_loop();
}

static bool wait_online(struct percpu *p)
{
	uint64_t deadline = timer_now() + timer_us_to_ticks(CPU_ON_TIMEOUT_US);

	while (timer_now() < deadline)
		if (atomic_load(&p->online))
			return true;
	return false;
}

unsigned smp_boot_secondaries(const struct platform *plat)
{
	uint64_t self = arch_read_mpidr();
	unsigned next = 1;

	cpu_count = 1;
	online_count = 1;
	for (unsigned i = 0; i < plat->ncpus; i++) {
		struct percpu *p;
		long err;

		if (plat->cpu_mpidr[i] == self)
			continue;
		if (!psci_available()) {
			pr_warn("no PSCI: CPU with MPIDR %#lx stays off\n", plat->cpu_mpidr[i]);
			continue;
		}
		p = &percpu_data[next];
		p->cpu = next;
		p->mpidr = plat->cpu_mpidr[i];
		cpu_count++;
		/* Its per-CPU data must be visible before it starts, caches off. */
		dsb_ish_barrier();
		err = psci_cpu_on(p->mpidr, virt_to_phys(secondary_entry), next);
		if (err != PSCI_SUCCESS) {
			pr_err("CPU %u (MPIDR %#lx): PSCI CPU_ON failed: %s\n", next,
			       p->mpidr, psci_error_name(err));
		} else if (!wait_online(p)) {
			pr_err("CPU %u (MPIDR %#lx) did not come online\n", next, p->mpidr);
		}
		next++;
	}
	return online_count;
}
