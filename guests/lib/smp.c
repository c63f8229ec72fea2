#include "arch.h"
#include "gic.h"
#include "percpu.h"
#include "psci.h"
#include "smp.h"
#include "test.h"
#include "wait.h"

#define ONLINE_TIMEOUT_US 2000000

int64_t smp_start(unsigned cpu, smp_fn fn, void *arg, uint32_t tag)
{
	struct percpu *c;

	if (cpu == 0 || cpu >= GUEST_MAX_CPUS)
		return psci_cpu_on(cpu, (uint64_t)secondary_entry, cpu);	/* let PSCI judge */
	c = &percpu[cpu];
	c->entry = fn;
	c->arg = arg;
	WRITE_ONCE(c->online, 0);
	dsb(sy);
	return psci_cpu_on(cpu, (uint64_t)secondary_entry, cpu | ((uint64_t)tag << 8));
}

bool smp_online(unsigned cpu)
{
	return cpu < GUEST_MAX_CPUS && READ_ONCE(percpu[cpu].online);
}

uint64_t smp_context(unsigned cpu)
{
	return READ_ONCE(percpu[cpu].context);
}

static bool cond_online(void *arg)
{
	return smp_online((unsigned)(uintptr_t)arg);
}

bool smp_wait_online(unsigned cpu, uint64_t timeout_us)
{
	return wait_until(cond_online, (void *)(uintptr_t)cpu, timeout_us);
}

unsigned smp_start_all(smp_fn fn, void *arg)
{
	unsigned n;

	for (n = 1; n < GUEST_MAX_CPUS; n++)
		if (smp_start(n, fn, arg, 0) != PSCI_SUCCESS)
			break;
	for (unsigned i = 1; i < n; i++)
		CHECK(smp_wait_online(i, ONLINE_TIMEOUT_US), "vCPU %u did not start within %u ms",
		      i, ONLINE_TIMEOUT_US / 1000);
	return n;
}

void secondary_boot(uint64_t context)
{
	unsigned cpu = cpu_id();
	struct percpu *c = this_cpu();
	uint64_t mpidr = read_sysreg(mpidr_el1);

	c->context = context;
	c->gic_ready = false;
	c->exec_armed = false;
	c->probe_armed = false;
	CHECK(mpidr_affinity(mpidr) == cpu, "vCPU started with context %#lx has MPIDR %#lx",
	      context, mpidr);
	if (gic_dist_ready())
		gic_cpu_init();
	dsb(sy);
	WRITE_ONCE(c->online, 1);
	dsb(sy);
	if (c->entry)
		c->entry(cpu, c->arg);
	irq_disable();
	psci_cpu_off();
	test_fatal("PSCI CPU_OFF returned");
}
