/*
 * The scheduler policy (hyp/core/sched.c) on simulated pCPUs. A round of
 * the simulation does what pcpu_run_loop() and run_vcpu() in
 * hyp/core/vcpu.c do: sched_pick(), sched_start_slice(), let the vCPU run
 * until its slice timer fires (or for less), sched_charge() with the ticks
 * it ran. Around it: a fake clock the tests advance, a fake "current pCPU",
 * timer events fired by hand, and smp_send_wakeup() recorded as IPIs.
 *
 * Every test runs in its own process, so the run queues start empty.
 *
 * sched.c is compiled into this file rather than listed in unit.mk: the
 * shim's arch_percpu_get()/arch_irq_save() keep their state in statics of
 * static inline functions, one copy per translation unit, so a fake
 * "current pCPU" set here would not be seen by a separately compiled
 * sched.o (its this_cpu() would stay NULL). Do not add hyp/core/sched.c to
 * UNIT_HYP_SRCS as well: its functions would be defined twice.
 */
#include <string.h>

#include "../../hyp/core/sched.c"

#include "core/percpu.h"
#include "core/sched.h"
#include "core/smp.h"
#include "core/timer_event.h"
#include "drivers/timer.h"
#include "test.h"

#define FAKE_FREQ 62500000ULL		/* ticks per second, as on QEMU virt */
#define FAKE_MAX_EVENTS 16
#define FAKE_MAX_WAKEUPS 64
#define CLOCK_START 1000000000ULL	/* the clock is not near zero at boot */
#define NVC 8

/*
 * --- fakes for the rest of the hypervisor ----------------------------------------
 * Weak, like test_vgic.c's stubs, so that linking the real timer_event.c or
 * smp.c into the unit tests one day is not a clash; the tests below rely on
 * these fakes, so they would then have to be taken out of that build.
 */

static uint64_t fake_now = CLOCK_START;
static struct percpu fake_percpu[PLATFORM_MAX_CPUS];
static struct timer_event *fake_events[FAKE_MAX_EVENTS];
static unsigned fake_wakeups[FAKE_MAX_WAKEUPS];
static unsigned fake_nwakeups;

/* The shim's clock (timer_now() is inline on top of it). */
uint64_t unit_shim_now(void)
{
	return fake_now;
}

__attribute__((weak)) uint64_t timer_us_to_ticks(uint64_t us)
{
	return us * FAKE_FREQ / 1000000;
}

__attribute__((weak)) void timer_event_init(struct timer_event *ev, timer_event_fn fn,
					    void *arg)
{
	ev->fn = fn;
	ev->arg = arg;
	ev->next = NULL;
	ev->cpu = -1;
	ev->deadline = 0;
}

__attribute__((weak)) bool timer_event_armed(const struct timer_event *ev)
{
	return ev->cpu >= 0;
}

__attribute__((weak)) void timer_event_cancel(struct timer_event *ev)
{
	for (unsigned i = 0; i < FAKE_MAX_EVENTS; i++)
		if (fake_events[i] == ev)
			fake_events[i] = NULL;
	ev->cpu = -1;
}

__attribute__((weak)) void timer_event_arm(struct timer_event *ev, unsigned cpu,
					   uint64_t deadline)
{
	CHECK(cpu < PLATFORM_MAX_CPUS);
	CHECK(ev->fn != NULL);
	timer_event_cancel(ev);
	for (unsigned i = 0; i < FAKE_MAX_EVENTS; i++) {
		if (!fake_events[i]) {
			fake_events[i] = ev;
			ev->cpu = (int)cpu;
			ev->deadline = deadline;
			return;
		}
	}
	unit_fail(__FILE__, __LINE__, "fake timer: more than %u events armed",
		  FAKE_MAX_EVENTS);
}

__attribute__((weak)) void smp_send_wakeup(unsigned cpu)
{
	CHECK(cpu < PLATFORM_MAX_CPUS);
	CHECK(fake_nwakeups < FAKE_MAX_WAKEUPS);
	fake_wakeups[fake_nwakeups++] = cpu;
}

/* Make cpu the pCPU the code under test runs on. */
static void set_cpu(unsigned cpu)
{
	CHECK(cpu < PLATFORM_MAX_CPUS);
	fake_percpu[cpu].cpu = cpu;
	arch_percpu_set(&fake_percpu[cpu]);
}

/* The earliest event armed on cpu, or NULL. */
static struct timer_event *earliest_event(unsigned cpu)
{
	struct timer_event *first = NULL;

	for (unsigned i = 0; i < FAKE_MAX_EVENTS; i++) {
		struct timer_event *ev = fake_events[i];

		if (ev && ev->cpu == (int)cpu && (!first || ev->deadline < first->deadline))
			first = ev;
	}
	return first;
}

/*
 * The current pCPU's timer interrupt: run its events that are due, earliest
 * first, with interrupts masked as in the real handler. Returns how many ran.
 */
static unsigned fire_due(void)
{
	unsigned cpu = this_cpu_id(), fired = 0;
	struct timer_event *ev;

	while ((ev = earliest_event(cpu)) && ev->deadline <= fake_now) {
		uint64_t flags = arch_irq_save();

		timer_event_cancel(ev);
		ev->fn(ev);
		arch_irq_restore(flags);
		fired++;
	}
	return fired;
}

static void advance(uint64_t ticks)
{
	fake_now += ticks;
}

/* --- fixture and simulation --------------------------------------------------- */

static struct vcpu vc[NVC];
static uint64_t slice;			/* SCHED_SLICE_US in ticks */

static void setup(void)
{
	fake_now = CLOCK_START;
	memset(fake_events, 0, sizeof(fake_events));
	fake_nwakeups = 0;
	memset(vc, 0, sizeof(vc));
	set_cpu(0);
	sched_init();
	slice = timer_us_to_ticks(SCHED_SLICE_US);
	CHECK_EQ(slice, 250000);
}

static struct vcpu *add_vcpu(unsigned i, unsigned pcpu, unsigned weight, int state)
{
	struct vcpu *v = &vc[i];

	CHECK(i < NVC);
	v->id = i;
	v->pcpu = pcpu;
	v->weight = weight;
	v->state = state;
	if (state == VCPU_BLOCKED)
		v->blocked_since = fake_now;
	sched_attach(v);
	return v;
}

/* What vcpu_block_in_wfi() does. */
static void block(struct vcpu *v)
{
	v->blocked_since = fake_now;
	v->state = VCPU_BLOCKED;
}

/* No run-queue lock left held. */
static void check_unlocked(void)
{
	for (unsigned c = 0; c < PLATFORM_MAX_CPUS; c++)
		CHECK(!spin_is_locked(&runqueues[c].lock));
}

/*
 * One pass of the run loop on the current pCPU: pick, start the slice, run
 * the vCPU until it must yield (its slice timer fired) or for at most
 * budget ticks, charge it. Run time accumulates in v->stats.ns_run (ticks,
 * as in vcpu.c). Returns the vCPU, or NULL when the pCPU would idle.
 */
static struct vcpu *run_round(uint64_t budget)
{
	struct vcpu *v = sched_pick();
	uint64_t start = fake_now, stop = fake_now + budget;

	if (!v)
		return NULL;
	CHECK_EQ(v->pcpu, this_cpu_id());
	CHECK_EQ(v->state, VCPU_RUNNABLE);
	CHECK(!sched_should_yield());
	sched_start_slice(v);
	while (!sched_should_yield() && fake_now < stop) {
		struct timer_event *ev = earliest_event(this_cpu_id());
		uint64_t next = stop;

		CHECK(ev != NULL);	/* at least the slice timer */
		if (ev->deadline < next)
			next = ev->deadline;
		if (next > fake_now)
			fake_now = next;
		fire_due();
	}
	CHECK(fake_now - start <= slice);
	sched_charge(v, fake_now - start);
	v->stats.ns_run += fake_now - start;
	check_unlocked();
	return v;
}

/* Budgets for run_round(). */
static uint64_t full_slice(void)
{
	return UINT64_MAX / 2;
}

static uint64_t ragged_slice(void)
{
	return 1 + unit_rand_below(slice);
}

static void run_rounds(unsigned n, uint64_t (*budget)(void))
{
	for (unsigned i = 0; i < n; i++)
		CHECK(run_round(budget()) != NULL);
}

/* vc[first .. first + n - 1] got run time in proportion to their weights, within 1%. */
static void check_shares(unsigned first, unsigned n)
{
	uint64_t total = 0, total_weight = 0;

	for (unsigned i = first; i < first + n; i++) {
		total += vc[i].stats.ns_run;
		total_weight += vc[i].weight;
	}
	CHECK(total > 0);
	for (unsigned i = first; i < first + n; i++) {
		double expected = (double)total * vc[i].weight / total_weight;
		double got = (double)vc[i].stats.ns_run;
		double off = got > expected ? got - expected : expected - got;

		if (off > expected / 100)
			unit_fail(__FILE__, __LINE__,
				  "vCPU %u (weight %u) ran %.0f ticks, its share is %.0f (off by %.2f%%)",
				  i, vc[i].weight, got, expected, 100 * off / expected);
	}
}

static void reset_run_stats(void)
{
	for (unsigned i = 0; i < NVC; i++)
		vc[i].stats.ns_run = 0;
}

static uint64_t min_runnable_vruntime(unsigned pcpu, const struct vcpu *skip)
{
	uint64_t min = UINT64_MAX;

	for (unsigned i = 0; i < NVC; i++)
		if (&vc[i] != skip && vc[i].weight && vc[i].pcpu == pcpu &&
		    vc[i].state == VCPU_RUNNABLE && vc[i].vruntime < min)
			min = vc[i].vruntime;
	return min;
}

/*
 * A round in which sleeper's wake-up arrives after the running vCPU has run
 * for `after` ticks of its slice (its vtimer interrupt, a PSCI CPU_ON, an
 * SGI from another pCPU ...). The running vCPU stops there if it is told to
 * yield, as run_vcpu() does. Returns the vCPU that was running; the least
 * vruntime of the other runnable vCPUs when the wake-up came goes to
 * *min_at_wake.
 */
static struct vcpu *wake_mid_slice(struct vcpu *sleeper, uint64_t after,
				   uint64_t *min_at_wake)
{
	struct vcpu *running = sched_pick();
	uint64_t start = fake_now;

	CHECK(running != NULL);
	CHECK(after < slice);
	sched_start_slice(running);
	advance(after);
	CHECK_EQ(fire_due(), 0);
	sched_wake(sleeper);
	*min_at_wake = min_runnable_vruntime(this_cpu_id(), sleeper);
	CHECK(sched_should_yield());		/* wake-up preemption */
	sched_charge(running, fake_now - start);
	running->stats.ns_run += fake_now - start;
	return running;
}

/* --- picking ------------------------------------------------------------------- */

TEST(sched, nothing_attached_picks_null)
{
	setup();
	for (unsigned c = 0; c < PLATFORM_MAX_CPUS; c++) {
		set_cpu(c);
		CHECK(sched_pick() == NULL);
	}
}

TEST(sched, off_vcpus_never_picked)
{
	setup();
	add_vcpu(0, 0, 256, VCPU_OFF);
	add_vcpu(1, 0, 256, VCPU_OFF);
	vc[1].vruntime = 0;
	vc[0].vruntime = 5;
	CHECK(sched_pick() == NULL);

	/* An OFF vCPU with the least vruntime still loses to a runnable one. */
	add_vcpu(2, 0, 256, VCPU_RUNNABLE)->vruntime = 1000000;
	for (unsigned i = 0; i < 100; i++)
		CHECK(run_round(full_slice()) == &vc[2]);
	CHECK_EQ(vc[0].stats.ns_run + vc[1].stats.ns_run, 0);

	/* Powered off while runnable: gone from the picks. */
	vc[2].state = VCPU_OFF;
	CHECK(sched_pick() == NULL);
}

TEST(sched, pick_takes_least_vruntime)
{
	setup();
	add_vcpu(0, 0, 256, VCPU_RUNNABLE)->vruntime = 300;
	add_vcpu(1, 0, 256, VCPU_RUNNABLE)->vruntime = 100;
	add_vcpu(2, 0, 256, VCPU_RUNNABLE)->vruntime = 200;
	CHECK(sched_pick() == &vc[1]);
	vc[1].vruntime = 400;
	CHECK(sched_pick() == &vc[2]);
	vc[2].state = VCPU_BLOCKED;
	CHECK(sched_pick() == &vc[0]);
}

TEST(sched, charge_is_weighted)
{
	setup();
	add_vcpu(0, 0, 256, VCPU_RUNNABLE);
	add_vcpu(1, 0, 512, VCPU_RUNNABLE);
	add_vcpu(2, 0, 768, VCPU_RUNNABLE);
	add_vcpu(3, 0, 128, VCPU_RUNNABLE);
	for (unsigned i = 0; i < 4; i++)
		sched_charge(&vc[i], 3000);
	CHECK_EQ(vc[0].vruntime, 3000);
	CHECK_EQ(vc[1].vruntime, 1500);
	CHECK_EQ(vc[2].vruntime, 1000);
	CHECK_EQ(vc[3].vruntime, 6000);
	sched_charge(&vc[0], 0);
	CHECK_EQ(vc[0].vruntime, 3000);
}

/* --- the slice timer ------------------------------------------------------------ */

TEST(sched, slice_timer_ends_the_slice)
{
	struct timer_event *ev;

	setup();
	add_vcpu(0, 0, 256, VCPU_RUNNABLE);
	CHECK(sched_pick() == &vc[0]);
	sched_start_slice(&vc[0]);
	ev = earliest_event(0);
	CHECK(ev != NULL);
	CHECK(timer_event_armed(ev));
	CHECK_EQ(ev->deadline, fake_now + slice);

	advance(slice - 1);
	CHECK_EQ(fire_due(), 0);
	CHECK(!sched_should_yield());
	advance(1);
	CHECK_EQ(fire_due(), 1);
	CHECK(sched_should_yield());
	CHECK(!unit_shim_irqs_masked());

	/* The next pick starts afresh. */
	CHECK(sched_pick() == &vc[0]);
	CHECK(!sched_should_yield());
}

TEST(sched, new_slice_rearms_the_timer)
{
	setup();
	add_vcpu(0, 0, 256, VCPU_RUNNABLE);
	add_vcpu(1, 0, 256, VCPU_RUNNABLE);
	sched_start_slice(&vc[0]);
	advance(slice / 2);
	sched_start_slice(&vc[1]);	/* vc[0] blocked early, say */
	CHECK_EQ(earliest_event(0)->deadline, fake_now + slice);

	/* The old deadline is gone: nothing fires there. */
	advance(slice / 2);
	CHECK_EQ(fire_due(), 0);
	CHECK(!sched_should_yield());
	advance(slice / 2);
	CHECK_EQ(fire_due(), 1);
	CHECK(sched_should_yield());
}

TEST(sched, slice_timer_on_the_vcpus_pcpu)
{
	setup();
	add_vcpu(0, 3, 256, VCPU_RUNNABLE);
	set_cpu(3);
	CHECK(sched_pick() == &vc[0]);
	sched_start_slice(&vc[0]);
	CHECK(earliest_event(0) == NULL);
	CHECK(earliest_event(3) != NULL);
	advance(slice);
	fire_due();
	CHECK(sched_should_yield());
	set_cpu(0);
	CHECK(!sched_should_yield());
}

/* --- shares -------------------------------------------------------------------- */

TEST(sched, equal_weights_equal_shares)
{
	setup();
	for (unsigned i = 0; i < 4; i++)
		add_vcpu(i, 0, SCHED_WEIGHT_DEFAULT, VCPU_RUNNABLE);
	run_rounds(4000, full_slice);
	check_shares(0, 4);
	/* Round-robin in full slices: exactly equal. */
	for (unsigned i = 1; i < 4; i++)
		CHECK_EQ(vc[i].stats.ns_run, vc[0].stats.ns_run);
}

TEST(sched, equal_weights_ragged_slices)
{
	setup();
	for (unsigned i = 0; i < 3; i++)
		add_vcpu(i, 0, SCHED_WEIGHT_DEFAULT, VCPU_RUNNABLE);
	/* Slices cut short at random (preemption by wake-ups, ...). */
	run_rounds(6000, ragged_slice);
	check_shares(0, 3);
}

TEST(sched, equal_weights_seven_vcpus)
{
	setup();
	for (unsigned i = 0; i < 7; i++)
		add_vcpu(i, 0, 1000, VCPU_RUNNABLE);
	run_rounds(7000, ragged_slice);
	check_shares(0, 7);
}

TEST(sched, weights_two_to_one)
{
	setup();
	add_vcpu(0, 0, 512, VCPU_RUNNABLE);
	add_vcpu(1, 0, 256, VCPU_RUNNABLE);
	run_rounds(3000, full_slice);
	check_shares(0, 2);
	reset_run_stats();
	run_rounds(6000, ragged_slice);
	check_shares(0, 2);
}

TEST(sched, weights_three_to_one)
{
	setup();
	add_vcpu(0, 0, 256, VCPU_RUNNABLE);
	add_vcpu(1, 0, 768, VCPU_RUNNABLE);
	run_rounds(4000, full_slice);
	check_shares(0, 2);
	reset_run_stats();
	run_rounds(8000, ragged_slice);
	check_shares(0, 2);
}

/* 3:1 with weights that are not multiples of the default. */
TEST(sched, weights_three_to_one_small)
{
	setup();
	add_vcpu(0, 0, 300, VCPU_RUNNABLE);
	add_vcpu(1, 0, 100, VCPU_RUNNABLE);
	run_rounds(8000, ragged_slice);
	check_shares(0, 2);
}

TEST(sched, weights_mixed)
{
	static const unsigned weights[] = { 256, 512, 768, 1024, 128 };

	setup();
	for (unsigned i = 0; i < ARRAY_SIZE(weights); i++)
		add_vcpu(i, 0, weights[i], VCPU_RUNNABLE);
	run_rounds(20000, ragged_slice);
	check_shares(0, ARRAY_SIZE(weights));
}

TEST(sched, shares_after_a_weight_joins_late)
{
	setup();
	add_vcpu(0, 0, 256, VCPU_RUNNABLE);
	add_vcpu(1, 0, 256, VCPU_RUNNABLE);
	run_rounds(1000, full_slice);
	/* A secondary vCPU is powered on (PSCI CPU_ON) while both run. */
	add_vcpu(2, 0, 512, VCPU_OFF);
	sched_wake(&vc[2]);
	CHECK(vc[2].vruntime + slice >= min_runnable_vruntime(0, &vc[2]));
	reset_run_stats();
	run_rounds(4000, full_slice);
	check_shares(0, 3);
}

/* --- blocking and waking ------------------------------------------------------- */

TEST(sched, blocked_never_picked)
{
	setup();
	add_vcpu(0, 0, 256, VCPU_BLOCKED);
	add_vcpu(1, 0, 256, VCPU_RUNNABLE)->vruntime = 10 * slice;
	CHECK(vc[0].vruntime < vc[1].vruntime);
	for (unsigned i = 0; i < 200; i++)
		CHECK(run_round(ragged_slice()) == &vc[1]);
	CHECK_EQ(vc[0].stats.ns_run, 0);

	block(&vc[1]);
	CHECK(sched_pick() == NULL);
	CHECK(run_round(slice) == NULL);
}

TEST(sched, wake_on_this_pcpu_requests_resched)
{
	setup();
	add_vcpu(0, 0, 256, VCPU_BLOCKED);
	add_vcpu(1, 0, 256, VCPU_RUNNABLE);
	CHECK(sched_pick() == &vc[1]);
	sched_start_slice(&vc[1]);
	CHECK(!sched_should_yield());

	advance(slice / 4);
	sched_wake(&vc[0]);
	CHECK_EQ(vc[0].state, VCPU_RUNNABLE);
	CHECK(sched_should_yield());		/* need_resched, no IPI to ourselves */
	CHECK_EQ(fake_nwakeups, 0);

	/* Both runnable now; it gets its turns. */
	sched_charge(&vc[1], slice / 4);
	run_rounds(100, full_slice);
	CHECK(vc[0].stats.ns_run > 0);
	check_shares(0, 2);
}

TEST(sched, wake_on_another_pcpu_sends_ipi)
{
	setup();
	add_vcpu(0, 2, 256, VCPU_BLOCKED);
	add_vcpu(1, 0, 256, VCPU_RUNNABLE);
	set_cpu(2);
	CHECK(sched_pick() == NULL);		/* pCPU 2 goes idle */

	set_cpu(0);				/* an interrupt for vc[0] lands on pCPU 0 */
	sched_wake(&vc[0]);
	CHECK_EQ(fake_nwakeups, 1);
	CHECK_EQ(fake_wakeups[0], 2);
	CHECK(!sched_should_yield());		/* pCPU 0 is not disturbed */
	CHECK(sched_pick() == &vc[1]);

	set_cpu(2);				/* pCPU 2 takes the IPI */
	CHECK(sched_should_yield());
	CHECK(sched_pick() == &vc[0]);
	CHECK(!sched_should_yield());
}

TEST(sched, request_resched)
{
	setup();
	set_cpu(1);
	sched_request_resched(1);
	CHECK(sched_should_yield());
	CHECK_EQ(fake_nwakeups, 0);

	sched_request_resched(4);
	CHECK_EQ(fake_nwakeups, 1);
	CHECK_EQ(fake_wakeups[0], 4);
	set_cpu(4);
	CHECK(sched_should_yield());
	CHECK(sched_pick() == NULL);		/* clears it */
	CHECK(!sched_should_yield());
	set_cpu(1);
	CHECK(sched_should_yield());
}

TEST(sched, wake_leaves_interrupt_state_alone)
{
	setup();
	add_vcpu(0, 0, 256, VCPU_BLOCKED);
	add_vcpu(1, 1, 256, VCPU_BLOCKED);
	arch_irq_enable();
	sched_wake(&vc[0]);
	CHECK(!unit_shim_irqs_masked());
	arch_irq_disable();
	sched_wake(&vc[1]);
	CHECK(unit_shim_irqs_masked());
	arch_irq_enable();
	add_vcpu(2, 0, 256, VCPU_RUNNABLE);	/* sched_attach too */
	CHECK(!unit_shim_irqs_masked());
}

TEST(sched, wake_of_a_runnable_vcpu_is_harmless)
{
	setup();
	add_vcpu(0, 0, 256, VCPU_RUNNABLE)->vruntime = 7 * slice;
	add_vcpu(1, 0, 256, VCPU_RUNNABLE)->vruntime = 6 * slice + 1;
	sched_wake(&vc[0]);
	sched_wake(&vc[1]);
	CHECK_EQ(vc[0].state, VCPU_RUNNABLE);
	CHECK_EQ(vc[0].vruntime, 7 * slice);	/* ahead of the others: kept */
	CHECK_EQ(vc[1].vruntime, 6 * slice + 1);	/* within a slice: kept */
	CHECK_EQ(vc[0].stats.ns_blocked + vc[1].stats.ns_blocked, 0);
}

TEST(sched, short_sleep_keeps_vruntime)
{
	setup();
	add_vcpu(0, 0, 256, VCPU_RUNNABLE);
	add_vcpu(1, 0, 256, VCPU_RUNNABLE);
	run_rounds(100, full_slice);
	block(&vc[0]);
	run_rounds(1, full_slice);		/* vc[1] alone, one slice */
	uint64_t before = vc[0].vruntime;

	CHECK(before + slice >= vc[1].vruntime);
	sched_wake(&vc[0]);
	CHECK_EQ(vc[0].vruntime, before);
}

/*
 * A vCPU that slept while others ran is raised to within one slice of the
 * queue's minimum: it runs next, but only gets about a slice of credit,
 * not the hundreds of slices it slept through.
 */
TEST(sched, long_sleeper_does_not_monopolize)
{
	unsigned streak = 0;
	uint64_t min;

	setup();
	add_vcpu(0, 0, 256, VCPU_RUNNABLE);
	add_vcpu(1, 0, 256, VCPU_RUNNABLE);
	add_vcpu(2, 0, 256, VCPU_BLOCKED);	/* sleeps from the start */
	run_rounds(1000, full_slice);
	CHECK_EQ(vc[2].stats.ns_run, 0);
	CHECK_EQ(vc[2].vruntime, 0);

	/* Its vtimer fires halfway through vc[0] or vc[1]'s slice. */
	wake_mid_slice(&vc[2], slice / 2, &min);
	CHECK(min > 400 * slice);
	CHECK_EQ(vc[2].vruntime + slice, min);	/* one slice of credit */

	/* It runs at once ... */
	reset_run_stats();
	CHECK(run_round(full_slice()) == &vc[2]);

	/* ... but then takes its turn like the others. */
	for (unsigned i = 0; i < 300; i++) {
		struct vcpu *v = run_round(full_slice());

		streak = v == &vc[2] ? streak + 1 : 0;
		CHECK(streak <= 2);
	}
	for (unsigned i = 0; i < 3; i++) {
		uint64_t fair = (vc[0].stats.ns_run + vc[1].stats.ns_run +
				 vc[2].stats.ns_run) / 3;

		CHECK(vc[i].stats.ns_run <= fair + 2 * slice);
		CHECK(vc[i].stats.ns_run + 2 * slice >= fair);
	}
}

TEST(sched, long_sleeper_with_heavy_weight)
{
	setup();
	add_vcpu(0, 0, 256, VCPU_RUNNABLE);
	add_vcpu(1, 0, 1024, VCPU_BLOCKED);
	run_rounds(500, full_slice);
	sched_wake(&vc[1]);
	CHECK(run_round(full_slice()) == &vc[1]);

	/* One slice of vruntime credit is four real slices at weight 1024. */
	reset_run_stats();
	run_rounds(1000, full_slice);
	CHECK(vc[1].stats.ns_run <= 800 * slice + 4 * slice);
	CHECK(vc[1].stats.ns_run + 4 * slice >= 800 * slice);
}

/*
 * The same long sleeper, but it wakes at a moment when the other vCPU of
 * its pCPU happens to be blocked too (a guest's idle WFI between two bursts
 * of work). It must not be owed the time it slept either: sched.c says a
 * waking vCPU is "not owed all the time it slept".
 */
TEST(sched, sleeper_waking_on_an_idle_pcpu_does_not_monopolize)
{
	unsigned sleeper_run = 0;

	setup();
	add_vcpu(0, 0, 256, VCPU_RUNNABLE);	/* busy */
	add_vcpu(1, 0, 256, VCPU_BLOCKED);	/* asleep */
	run_rounds(1000, full_slice);		/* ~4 s of vc[0] alone */

	/* vc[0] idles in WFI for 100 us; vc[1]'s timer fires meanwhile. */
	block(&vc[0]);
	CHECK(run_round(full_slice()) == NULL);
	advance(timer_us_to_ticks(50));
	sched_wake(&vc[1]);
	CHECK(run_round(timer_us_to_ticks(50)) == &vc[1]);
	sched_wake(&vc[0]);

	/* From here on both are busy: they should alternate. */
	for (unsigned i = 0; i < 40; i++)
		if (run_round(full_slice()) == &vc[1])
			sleeper_run++;
	if (sleeper_run > 21)
		unit_fail(__FILE__, __LINE__,
			  "the woken sleeper ran %u of the next 40 slices (fair: 20); "
			  "vruntime %llu vs %llu of the vCPU that was blocked when it woke",
			  sleeper_run, (unsigned long long)vc[1].vruntime,
			  (unsigned long long)vc[0].vruntime);
}

TEST(sched, long_sleeper_is_picked_next)
{
	unsigned checked = 0;
	uint64_t min;

	setup();
	add_vcpu(0, 0, 256, VCPU_RUNNABLE);
	add_vcpu(1, 0, 256, VCPU_RUNNABLE);
	add_vcpu(2, 0, 256, VCPU_RUNNABLE);
	add_vcpu(3, 0, 512, VCPU_RUNNABLE);
	run_rounds(400, ragged_slice);
	/* vc[2] blocks and sleeps for a while; it wakes at a random point. */
	for (unsigned n = 0; n < 2000; n++) {
		if (run_round(ragged_slice()) != &vc[2])
			continue;
		block(&vc[2]);
		do
			run_rounds(1 + (unsigned)unit_rand_below(8), ragged_slice);
		while (vc[2].vruntime + slice >= min_runnable_vruntime(0, &vc[2]));
		wake_mid_slice(&vc[2], unit_rand_below(slice), &min);
		CHECK_EQ(vc[2].vruntime + slice, min);
		CHECK(run_round(ragged_slice()) == &vc[2]);
		checked++;
	}
	CHECK(checked > 100);
}

/* --- pCPUs ------------------------------------------------------------------- */

TEST(sched, pcpus_are_separate)
{
	static const unsigned pcpu_of[NVC] = { 0, 1, 2, 0, 1, 2, 0, 5 };

	setup();
	for (unsigned i = 0; i < NVC; i++)
		add_vcpu(i, pcpu_of[i], 256 * (1 + i % 2), VCPU_RUNNABLE);
	for (unsigned n = 0; n < 3000; n++) {
		unsigned cpu = (unsigned)unit_rand_below(PLATFORM_MAX_CPUS);
		struct vcpu *v;

		set_cpu(cpu);
		v = run_round(ragged_slice());
		if (cpu == 0 || cpu == 1 || cpu == 2 || cpu == 5) {
			CHECK(v != NULL);
			CHECK_EQ(v->pcpu, cpu);	/* run_round checks it too */
		} else {
			CHECK(v == NULL);
		}
	}
	/* Each pCPU is fair among its own. */
	reset_run_stats();
	for (unsigned n = 0; n < 3000; n++) {
		set_cpu(n % 3);
		run_round(full_slice());
	}
	CHECK_EQ(vc[0].stats.ns_run + vc[3].stats.ns_run + vc[6].stats.ns_run,
		 1000 * slice);
	CHECK_EQ(vc[1].stats.ns_run + vc[4].stats.ns_run, 1000 * slice);
	CHECK_EQ(vc[2].stats.ns_run + vc[5].stats.ns_run, 1000 * slice);

	/* Nothing runnable on pCPU 1 while pCPU 0 is busy: pCPU 1 idles. */
	block(&vc[1]);
	block(&vc[4]);
	set_cpu(1);
	CHECK(sched_pick() == NULL);
	set_cpu(0);
	CHECK(sched_pick() != NULL);
}

TEST(sched, wake_only_touches_its_own_queue)
{
	setup();
	add_vcpu(0, 0, 256, VCPU_RUNNABLE)->vruntime = 1000 * slice;
	add_vcpu(1, 1, 256, VCPU_BLOCKED);
	add_vcpu(2, 1, 256, VCPU_RUNNABLE)->vruntime = 3 * slice;
	/* Woken from pCPU 0, whose queue minimum is far ahead. */
	sched_wake(&vc[1]);
	CHECK_EQ(vc[1].vruntime, 2 * slice);
	CHECK_EQ(fake_nwakeups, 1);
	CHECK_EQ(fake_wakeups[0], 1);
	CHECK(!sched_should_yield());
}

/* --- blocked-time accounting ------------------------------------------------- */

TEST(sched, blocked_time_accounting)
{
	setup();
	add_vcpu(0, 0, 256, VCPU_RUNNABLE);
	add_vcpu(1, 0, 256, VCPU_RUNNABLE);

	block(&vc[0]);
	advance(12345);
	sched_wake(&vc[0]);
	CHECK_EQ(vc[0].stats.ns_blocked, 12345);

	/* Already runnable: a second wake-up adds nothing. */
	advance(777);
	sched_wake(&vc[0]);
	CHECK_EQ(vc[0].stats.ns_blocked, 12345);

	/* It accumulates, across blocking while others run. */
	block(&vc[0]);
	run_rounds(3, full_slice);
	sched_wake(&vc[0]);
	CHECK_EQ(vc[0].stats.ns_blocked, 12345 + 3 * slice);

	/* Woken from another pCPU: same clock. */
	block(&vc[0]);
	advance(1000);
	set_cpu(6);
	sched_wake(&vc[0]);
	CHECK_EQ(vc[0].stats.ns_blocked, 12345 + 3 * slice + 1000);

	/* Power-on from OFF is not blocked time. */
	vc[1].state = VCPU_OFF;
	vc[1].blocked_since = 0;
	advance(5000);
	sched_wake(&vc[1]);
	CHECK_EQ(vc[1].state, VCPU_RUNNABLE);
	CHECK_EQ(vc[1].stats.ns_blocked, 0);
}
