/*
 * app-accounting: an app's time is charged to the vCPU whose trap it
 * serves, and to no other (configs/tests/app-accounting.dts). Times come
 * from ELVISOR_HVC_VCPU_TIMES: x0 = ns run in the guest, x1 = ns blocked,
 * x2 = ns in apps on this vCPU's behalf, x3 = ns in the hypervisor.
 *
 * Role "caller" (default; 2 vCPUs, the counter app of counter.h at
 * COUNTER_BASE):
 *  - vCPU 0 makes accounting.calls (default 200) cheap app calls (BURN 0),
 *    then as many slow ones (BURN accounting.spins, default 20000, spins
 *    in the app each);
 *  - meanwhile vCPU 1 spins without touching the app.
 * Checks, over the slow phase of vCPU 0 (elapsed = its length by the
 * virtual counter):
 *  - app time grew by at least a quarter of the elapsed time (the app's
 *    spinning is nearly all of it) and by no more than the elapsed time;
 *  - run + app + hypervisor time grew by no more than the elapsed time (no
 *    time counted twice);
 *  - the cheap phase cost the app less than a quarter of the slow one;
 *  - vCPU 1's app time is exactly 0, its run time is not.
 * Role "bystander" (accounting.bystander=1; another domain, no app, its
 * vCPU on vCPU 0's pCPU): alternately spins (competing with the caller's
 * vCPU 0) and sleeps for accounting.ms (default 1000) and checks its app
 * time stays exactly 0.
 */
#include "guest.h"
#include "mmio.h"
#include "../apps/counter/counter.h"

#define COUNTER_BASE 0x0a000000UL
#define SLACK_NS 500000UL		/* clock reads around the hypercalls */
#define BYSTANDER_SPINS 100000		/* about a millisecond of work */

struct times {
	uint64_t run, blocked, app, hyp;
};

static void vcpu_times(struct times *t)
{
	struct smccc_res res;

	smccc_hvc(ELVISOR_HVC_VCPU_TIMES, 0, 0, 0, 0, 0, 0, &res);
	t->run = res.a0;
	t->blocked = res.a1;
	t->app = res.a2;
	t->hyp = res.a3;
}

static uint64_t ticks_to_ns(uint64_t ticks)
{
	return ticks * 1000000000UL / timer_freq();
}

/* ---- role "caller" --------------------------------------------------------- */

static volatile uint32_t stop_spinning, spinner_done;
static struct times spinner_before, spinner_after;

/* vCPU 1: busy, never touching the app. */
static void spinner(unsigned cpu, void *arg)
{
	(void)cpu;
	(void)arg;
	vcpu_times(&spinner_before);
	while (!READ_ONCE(stop_spinning))
		cpu_relax();
	vcpu_times(&spinner_after);
	dsb(sy);
	WRITE_ONCE(spinner_done, 1);
}

static void app_calls(uint64_t n, uint64_t spins)
{
	for (uint64_t i = 0; i < n; i++)
		mmio_write64(COUNTER_BASE + COUNTER_REG_BURN, spins);
}

static void check_caller(const struct times *t0, const struct times *t1, const struct times *t2,
			 uint64_t elapsed_ns)
{
	uint64_t app_cheap = t1->app - t0->app, app_slow = t2->app - t1->app;
	uint64_t busy = (t2->run - t1->run) + app_slow + (t2->hyp - t1->hyp);

	printf("vCPU 0, slow calls: %lu us elapsed, app %lu us, run %lu us, hypervisor %lu us; "
	       "cheap calls: app %lu us\n", elapsed_ns / 1000, app_slow / 1000,
	       (t2->run - t1->run) / 1000, (t2->hyp - t1->hyp) / 1000, app_cheap / 1000);
	CHECK(app_slow > 0, "no app time charged to the calling vCPU");
	CHECK(app_slow >= elapsed_ns / 4, "app time %lu ns is under a quarter of the %lu ns the "
	      "slow calls took", app_slow, elapsed_ns);
	CHECK(app_slow <= elapsed_ns + SLACK_NS, "app time %lu ns exceeds the elapsed %lu ns",
	      app_slow, elapsed_ns);
	CHECK(busy <= elapsed_ns + SLACK_NS, "run + app + hypervisor = %lu ns exceeds the "
	      "elapsed %lu ns: time counted twice", busy, elapsed_ns);
	CHECK(app_cheap < app_slow / 4, "cheap calls cost the app %lu ns, slow ones %lu ns",
	      app_cheap, app_slow);
}

static void role_caller(void)
{
	uint64_t calls = bootarg_uint_or("accounting.calls", 200);
	uint64_t spins = bootarg_uint_or("accounting.spins", 20000);
	struct times t0, t1, t2;
	uint64_t c1, c2, v;

	v = mmio_read64(COUNTER_BASE + COUNTER_REG_ID);
	if (!CHECK(v == COUNTER_ID, "counter app ID %#lx", v))
		return;
	if (!CHECK(smp_start(1, spinner, NULL, 0) == PSCI_SUCCESS && smp_wait_online(1, 1000000),
		   "vCPU 1 did not start"))
		return;
	vcpu_times(&t0);
	app_calls(calls, 0);
	vcpu_times(&t1);
	c1 = timer_now();
	app_calls(calls, spins);
	c2 = timer_now();
	vcpu_times(&t2);
	WRITE_ONCE(stop_spinning, 1);
	while (!READ_ONCE(spinner_done))
		cpu_relax();
	dsb(sy);
	v = mmio_read64(COUNTER_BASE + COUNTER_REG_BURN);
	CHECK(v == 2 * calls, "the app counted %lu BURN calls, we made %lu", v, 2 * calls);
	check_caller(&t0, &t1, &t2, ticks_to_ns(c2 - c1));
	printf("vCPU 1 (no app calls): app %lu ns, run %lu us\n", spinner_after.app,
	       spinner_after.run / 1000);
	CHECK(spinner_before.app == 0 && spinner_after.app == 0,
	      "vCPU 1 made no app calls but was charged %lu ns of app time", spinner_after.app);
	CHECK(spinner_after.run > spinner_before.run, "vCPU 1's run time did not grow");
}

/* ---- role "bystander" ------------------------------------------------------ */

static void role_bystander(void)
{
	uint64_t duration = ms_to_ticks(bootarg_uint_or("accounting.ms", 1000));
	uint64_t start = timer_now(), rounds = 0;
	struct times t;

	gic_init();
	do {
		/* Busy, then asleep. Not udelay(): reading the counter in a tight
		 * loop crawls under icount. */
		for (volatile uint64_t i = 0; i < BYSTANDER_SPINS; i++)
			;
		sleep_us(1000);
		vcpu_times(&t);
		rounds++;
	} while (t.app == 0 && timer_now() - start < duration);
	CHECK(t.app == 0, "this domain has no app but was charged %lu ns of app time", t.app);
	CHECK(t.run > 0, "no run time");
	printf("bystander: app time 0 through %lu rounds over %lu ms, run %lu us\n", rounds,
	       ticks_to_ms(timer_now() - start), t.run / 1000);
}

void guest_main(void)
{
	bool bystander = bootarg_uint_or("accounting.bystander", 0) != 0;

	test_init(bystander ? "app-accounting-bystander" : "app-accounting");
	if (bystander)
		role_bystander();
	else
		role_caller();
	test_done();
}
