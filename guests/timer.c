/*
 * timer: the virtual timer on every vCPU at once.
 *
 * 1. Busy window: the timer fires every period P (CNTV_CVAL advanced by P
 *    in the handler, so a late interrupt is caught up, not lost; CNTV_CTL
 *    rewritten as Linux does). The deadlines inside a window W measured
 *    with CNTVCT are counted as their interrupts come (some time after W is
 *    allowed for the last ones): W/P within +-20%, or interrupts went
 *    missing. Every interrupt must find the timer condition met (ISTATUS =
 *    1): a doubled or stale delivery does not. How late they came is
 *    printed, and checked against a generous bound.
 * 2. The same while sleeping in WFI: the timer must wake the vCPU.
 * 3. The busy window again with a handler that only moves CNTV_CVAL, as
 *    the architecture allows (bare-metal code and RTOSes do this): the
 *    level interrupt must keep coming. A hypervisor that masks the guest's
 *    timer (sets CNTV_CTL.IMASK) on delivery and waits for the guest to
 *    rewrite CNTV_CTL fails here, and the message says so.
 * 4. WFI with interrupts masked (Linux's idle loop): a pending timer
 *    interrupt must end WFI, not before the deadline, and the interrupt is
 *    then taken once unmasked.
 * 5. A disabled timer raises nothing.
 *
 * bootargs: timer.period_us (default 1000), timer.window_ms (default 200),
 * timer.max_latency_ms (default 1000): the latest an interrupt may come;
 * timer.cval_only=0 skips step 3.
 */
#include "guest.h"

#define TOLERANCE_PCT 20
#define CATCH_UP_MS 500		/* late interrupts still counted after W */
/* Generous: under TCG on a loaded host a vCPU thread can stall for 100+ ms. */
#define MAX_LATENCY_MS_DEFAULT 1000
#define MASKED_WFI_ROUNDS 5

struct timer_state {
	volatile uint64_t count, spurious, late, imasked;
	volatile bool rewrite_ctl, oneshot;
	volatile bool testing;		/* else: a wake-up tick of wait_until() */
	volatile uint64_t cval, end, max_latency;
	volatile bool counting;
	volatile uint32_t done;
} __attribute__((aligned(64)));

static struct timer_state ts[GUEST_MAX_CPUS];
static uint64_t period, window, max_latency_ms;

static void timer_irq(unsigned intid)
{
	struct timer_state *s = &ts[cpu_id()];
	uint64_t now = timer_now();
	uint32_t ctl;

	(void)intid;
	if (!s->testing) {
		vtimer_mask();		/* what the library's default handler does */
		return;
	}
	if (!s->counting) {
		s->late++;
		vtimer_disable();
		return;
	}
	ctl = vtimer_ctl();
	if (ctl & CNTV_CTL_IMASK)
		s->imasked++;		/* not by us: we never set it while counting */
	if (!(ctl & CNTV_CTL_ISTATUS)) {
		s->spurious++;		/* delivered though the condition is not met */
		return;
	}
	if (now - s->cval > s->max_latency)
		s->max_latency = now - s->cval;
	s->count++;
	s->cval += period;
	if (s->oneshot || s->cval > s->end)
		vtimer_disable();	/* the window's last deadline was served */
	else if (s->rewrite_ctl)
		vtimer_arm(s->cval);
	else
		vtimer_set_cval(s->cval);
}

static void run_window(unsigned cpu, bool sleep, bool rewrite_ctl)
{
	struct timer_state *s = &ts[cpu];
	uint64_t start, end, expected = window / period;
	uint64_t lo = expected * (100 - TOLERANCE_PCT) / 100;
	uint64_t hi = expected * (100 + TOLERANCE_PCT) / 100;
	const char *how = sleep ? "WFI" : rewrite_ctl ? "busy" : "busy, CVAL-only handler";

	irq_disable();
	s->count = s->spurious = s->late = s->max_latency = s->imasked = 0;
	s->rewrite_ctl = rewrite_ctl;
	s->oneshot = false;
	start = timer_now();
	end = start + window;
	s->end = end;
	s->cval = start + period;
	s->counting = true;
	vtimer_arm(s->cval);
	irq_enable();
	while (timer_now() < end) {
		if (sleep)
			wfi();
	}
	/* Deadlines inside the window not served yet (busy: bounded even if none come). */
	while (s->cval <= end && timer_now() < end + ms_to_ticks(CATCH_UP_MS))
		cpu_relax();
	irq_disable();
	s->counting = false;
	vtimer_disable();
	irq_enable();
	udelay(2000);			/* let a stale delivery show up now */
	irq_disable();

	printf("vCPU %u %s window: %lu interrupts in %lu ms (expected %lu), max latency %lu us, "
	       "%lu spurious, %lu after disable\n", cpu, how, s->count, ticks_to_ms(window),
	       expected, ticks_to_us(s->max_latency), s->spurious, s->late);
	CHECK(s->count >= lo && s->count <= hi,
	      "vCPU %u %s: %lu timer interrupts, expected %lu +-%u%%", cpu, how, s->count,
	      expected, TOLERANCE_PCT);
	CHECK(s->imasked == 0 || rewrite_ctl,
	      "vCPU %u: CNTV_CTL.IMASK set behind our back %lu times: the hypervisor masks "
	      "the timer on delivery and waits for a CNTV_CTL write", cpu, s->imasked);
	CHECK(s->spurious <= expected / 20,
	      "vCPU %u %s: %lu interrupts with the timer condition not met", cpu, how,
	      s->spurious);
	CHECK(s->late <= 1, "vCPU %u %s: %lu interrupts after the timer was disabled", cpu, how,
	      s->late);
	CHECK(ticks_to_ms(s->max_latency) < max_latency_ms,
	      "vCPU %u %s: an interrupt came %lu ms late", cpu, how,
	      ticks_to_ms(s->max_latency));
}

/* WFI with IRQs masked must still end when the timer interrupt is pending. */
static void masked_wfi(unsigned cpu)
{
	struct timer_state *s = &ts[cpu];

	for (unsigned round = 1; round <= MASKED_WFI_ROUNDS; round++) {
		uint64_t deadline, woke, wfis = 0, limit, irqs, spurious_irqs;

		irq_disable();
		s->count = s->spurious = s->late = s->imasked = 0;
		s->oneshot = true;
		s->counting = true;
		deadline = timer_now() + ms_to_ticks(round);
		s->cval = deadline;
		s->end = deadline;
		limit = deadline + ms_to_ticks(1000);
		vtimer_arm(deadline);
		while (!(read_sysreg(isr_el1) & (1u << 7)) && timer_now() < limit) {
			wfi();
			wfis++;
		}
		woke = timer_now();
		CHECK(read_sysreg(isr_el1) & (1u << 7),
		      "vCPU %u: no IRQ pending (ISR_EL1) 1 s after the timer deadline", cpu);
		CHECK(woke >= deadline, "vCPU %u: IRQ pending %lu us before the timer deadline",
		      cpu, ticks_to_us(deadline - woke));
		CHECK(woke < deadline + ms_to_ticks(max_latency_ms),
		      "vCPU %u: masked WFI woke %lu ms after the deadline", cpu,
		      ticks_to_ms(woke - deadline));
		irqs = this_cpu()->irqs;
		spurious_irqs = this_cpu()->irqs_spurious;
		irq_enable();
		isb();
		irq_disable();
		CHECK(s->count == 1, "vCPU %u: %lu timer interrupts after unmasking, expected 1 (IRQs "
		      "%lu, of which nothing to ack %lu; condition unmet %lu, late %lu)", cpu,
		      s->count, this_cpu()->irqs - irqs, this_cpu()->irqs_spurious - spurious_irqs,
		      s->spurious, s->late);
		s->counting = false;
		vtimer_disable();
		if (round == MASKED_WFI_ROUNDS)
			printf("vCPU %u masked WFI: woke %lu us after a %u ms deadline (%lu WFIs)\n",
			       cpu, ticks_to_us(woke - deadline), round, wfis);
	}
}

static void disabled_is_quiet(unsigned cpu)
{
	struct timer_state *s = &ts[cpu];

	irq_disable();
	s->late = 0;
	vtimer_disable();
	vtimer_set_cval(timer_now());		/* would fire at once if enabled */
	irq_enable();
	mdelay(20);
	irq_disable();
	CHECK(s->late == 0, "vCPU %u: %lu interrupts from a disabled timer", cpu, s->late);
}

static void timer_test(unsigned cpu, void *arg)
{
	(void)arg;
	if (!this_cpu()->gic_ready)
		return;
	ts[cpu].testing = true;
	run_window(cpu, false, true);
	run_window(cpu, true, true);
	if (bootarg_uint_or("timer.cval_only", 1))
		run_window(cpu, false, false);
	masked_wfi(cpu);
	disabled_is_quiet(cpu);
	ts[cpu].testing = false;
	ts[cpu].done = 1;
	dsb(sy);
}

static bool all_done(void *arg)
{
	unsigned n = (unsigned)(uintptr_t)arg;

	for (unsigned i = 0; i < n; i++)
		if (!ts[i].done)
			return false;
	return true;
}

void guest_main(void)
{
	unsigned n;

	test_init("timer");
	period = us_to_ticks(bootarg_uint_or("timer.period_us", 1000));
	window = ms_to_ticks(bootarg_uint_or("timer.window_ms", 200));
	max_latency_ms = bootarg_uint_or("timer.max_latency_ms", MAX_LATENCY_MS_DEFAULT);
	if (!CHECK(period > 0 && window >= 10 * period, "bad timer.period_us / timer.window_ms") ||
	    !gic_init()) {
		test_done();
		return;
	}
	/* One handler for every vCPU's timer (PPIs are banked, handlers are not). */
	irq_set_handler(VTIMER_PPI, timer_irq);
	n = smp_start_all(timer_test, NULL);
	printf("%u vCPUs, period %lu us, window %lu ms, CNTFRQ %lu Hz\n", n, ticks_to_us(period),
	       ticks_to_ms(window), timer_freq());
	timer_test(0, NULL);
	CHECK(wait_until(all_done, (void *)(uintptr_t)n, 30000000),
	      "not every vCPU finished the timer test within 30 s");
	test_done();
}
