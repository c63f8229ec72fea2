/*
 * app-sensor: a timer-driven device served by an EL0 app. The manifest
 * (configs/tests/app-sensor.dts) gives this domain the sensor app
 * (apps/sensor, registers in apps/sensor/sensor.h) at IPA 0x0a001000 and
 * grants it SENSOR_SPI. The app's timer takes a sample every period and
 * raises the SPI; this guest sleeps in WFI and handles each interrupt:
 * it reads the sample (SEQ first, which latches the rest), the app's clock
 * (NOW) and acknowledges.
 *
 *  1. Registers after power-on: ID, VERSION, CTRL 0, default period,
 *     STATUS 0, SEQ 0; reads of every size; read-only registers and holes
 *     ignore writes; PERIOD_US is clamped to its limits.
 *  2. A 2 ms run of 20 interrupts: SEQ is 1, 2, 3, ... (one sample per
 *     interrupt), deadlines exactly one period apart from a start between
 *     the two NOW reads around the enable, every sample taken at or after
 *     its deadline and not much later, the interrupt seen after the sample
 *     and soon, each value the waveform at its deadline, the guest's own
 *     clock agreeing on the spacing; disabled, nothing more arrives, STATUS
 *     clears and the SPI is not pending.
 *  3. Re-enabled at 500 us: SEQ restarts at 1, the new spacing.
 *  4. The SPI masked at the distributor: samples go on, STATUS shows
 *     READY and OVERRUN, the SPI is pending; ACK clears each bit, the line
 *     drops; the next sample raises it again, and disabling the device
 *     drops it without an ACK; no interrupt comes once the SPI is unmasked.
 *  5. The shortest period (100 us) for 40 interrupts: SEQ increases, each
 *     deadline lies on the schedule (a whole number of periods after the
 *     first), each sample taken at or after its deadline.
 *  6. If all that passed: PSCI SYSTEM_RESET while the device samples with
 *     a sample unacknowledged. On the second boot (RESETS = 1, which a
 *     domain reset keeps) every register is at its power-on value, the SPI
 *     is not pending, no sample or interrupt comes in ten default periods
 *     (the timer armed before the reset is gone), and a short run at the
 *     default period is exact again. Only the second boot reports the test
 *     result.
 *
 * The scenario runs with icount (virtual time counts instructions), so the
 * timing bounds below do not depend on the host's load.
 */
#include "guest.h"
#include "mmio.h"
#include "../apps/sensor/sensor.h"

#define SENSOR_BASE 0x0a001000UL
#define REG(off) (SENSOR_BASE + (off))
#define MAX_RECORDS 64
#define WAIT_US 5000000
#define NS_PER_US 1000
/* A line that stays up with nothing to read: masked after this many, so the test ends. */
#define SPURIOUS_MAX 1000

struct record {
	uint32_t seq, status;
	int32_t sample;
	uint64_t timestamp, deadline;	/* app clock, from the device */
	uint64_t seen;			/* app clock (NOW) in our handler */
	uint64_t ticks;			/* our clock (CNTVCT) in our handler */
};

static struct record rec[MAX_RECORDS];
static volatile uint64_t nirq, spurious;

static void sensor_irq(unsigned intid)
{
	uint32_t status = mmio_read32(REG(SENSOR_STATUS));
	struct record *r;

	(void)intid;
	if (!(status & SENSOR_STATUS_READY)) {
		/* Delivered with no sample waiting (the checks report it). */
		if (++spurious == SPURIOUS_MAX)
			gic_disable_irq(SENSOR_SPI);
		return;
	}
	if (nirq < MAX_RECORDS) {
		r = &rec[nirq];
		r->ticks = timer_now();
		r->status = status;
		r->seq = mmio_read32(REG(SENSOR_SEQ));
		r->sample = (int32_t)mmio_read32(REG(SENSOR_SAMPLE));
		r->timestamp = mmio_read64(REG(SENSOR_TIMESTAMP));
		r->deadline = mmio_read64(REG(SENSOR_DEADLINE));
		r->seen = mmio_read64(REG(SENSOR_NOW));
	}
	nirq++;
	mmio_write32(REG(SENSOR_ACK), SENSOR_STATUS_READY | SENSOR_STATUS_OVERRUN);
}

static uint64_t app_now(void)
{
	return mmio_read64(REG(SENSOR_NOW));
}

static void check_registers(void)
{
	uint64_t t0, t1;

	CHECK(mmio_read32(REG(SENSOR_ID)) == SENSOR_ID_VALUE, "ID %#x",
	      mmio_read32(REG(SENSOR_ID)));
	CHECK(mmio_read32(REG(SENSOR_VERSION)) == SENSOR_VERSION_1_0, "VERSION %#x",
	      mmio_read32(REG(SENSOR_VERSION)));
	CHECK(mmio_read64(REG(SENSOR_ID)) ==
	      (SENSOR_ID_VALUE | (uint64_t)SENSOR_VERSION_1_0 << 32), "64-bit read of ID: %#lx",
	      mmio_read64(REG(SENSOR_ID)));
	CHECK(mmio_read16(REG(SENSOR_ID) + 2) == SENSOR_ID_VALUE >> 16, "16-bit read of ID+2: %#lx",
	      mmio_read16(REG(SENSOR_ID) + 2));
	CHECK(mmio_read8(REG(SENSOR_ID) + 1) == ((SENSOR_ID_VALUE >> 8) & 0xff),
	      "8-bit read of ID+1: %#lx", mmio_read8(REG(SENSOR_ID) + 1));
	CHECK(mmio_read32(REG(SENSOR_CTRL)) == 0, "CTRL %#x at power-on",
	      mmio_read32(REG(SENSOR_CTRL)));
	CHECK(mmio_read32(REG(SENSOR_PERIOD_US)) == SENSOR_PERIOD_DEFAULT_US,
	      "PERIOD_US %u at power-on", mmio_read32(REG(SENSOR_PERIOD_US)));
	CHECK(mmio_read32(REG(SENSOR_STATUS)) == 0, "STATUS %#x at power-on",
	      mmio_read32(REG(SENSOR_STATUS)));
	CHECK(mmio_read32(REG(SENSOR_SEQ)) == 0, "SEQ %u at power-on",
	      mmio_read32(REG(SENSOR_SEQ)));
	CHECK(mmio_read32(REG(SENSOR_MISSED)) == 0, "MISSED %u at power-on",
	      mmio_read32(REG(SENSOR_MISSED)));

	/* Read-only registers and holes. */
	mmio_write32(REG(SENSOR_ID), 0);
	mmio_write32(REG(SENSOR_SEQ), 77);
	mmio_write32(REG(0x40), 0xffffffff);
	CHECK(mmio_read32(REG(SENSOR_ID)) == SENSOR_ID_VALUE, "ID changed by a write");
	CHECK(mmio_read32(REG(SENSOR_SEQ)) == 0, "SEQ changed by a write");
	CHECK(mmio_read32(REG(0x40)) == 0 && mmio_read64(REG(0x800)) == 0,
	      "a hole does not read as zero");
	CHECK(mmio_read32(REG(SENSOR_ACK)) == 0, "ACK reads %#x", mmio_read32(REG(SENSOR_ACK)));

	/* The period's limits. */
	mmio_write32(REG(SENSOR_PERIOD_US), 1);
	CHECK(mmio_read32(REG(SENSOR_PERIOD_US)) == SENSOR_PERIOD_MIN_US,
	      "PERIOD_US 1 reads %u, expected the minimum %u", mmio_read32(REG(SENSOR_PERIOD_US)),
	      SENSOR_PERIOD_MIN_US);
	mmio_write32(REG(SENSOR_PERIOD_US), 0xffffffff);
	CHECK(mmio_read32(REG(SENSOR_PERIOD_US)) == SENSOR_PERIOD_MAX_US,
	      "PERIOD_US ~0 reads %u, expected the maximum %u", mmio_read32(REG(SENSOR_PERIOD_US)),
	      SENSOR_PERIOD_MAX_US);

	/* The app's clock runs. */
	t0 = app_now();
	udelay(100);
	t1 = app_now();
	CHECK(t1 >= t0 + 100 * NS_PER_US, "NOW went from %lu to %lu ns over 100 us", t0, t1);
}

struct run {
	const char *name;
	uint32_t period_us;
	unsigned interrupts;
	uint64_t before_enable, after_enable;	/* NOW around the enable */
};

/* Enable at r->period_us, sleep until r->interrupts came, disable. */
static bool sample_run(struct run *r)
{
	struct wait_count want = { .counter = &nirq, .target = r->interrupts };
	bool ok;

	nirq = spurious = 0;
	mmio_write32(REG(SENSOR_PERIOD_US), r->period_us);
	r->before_enable = app_now();
	mmio_write32(REG(SENSOR_CTRL), SENSOR_CTRL_ENABLE);
	r->after_enable = app_now();
	ok = wait_until(cond_count_reached, &want, WAIT_US);
	mmio_write32(REG(SENSOR_CTRL), 0);
	return CHECK(ok, "%s: %lu of %u interrupts within %u s", r->name, nirq, r->interrupts,
		     WAIT_US / 1000000);
}

/* Disabled: no interrupt in five periods, STATUS clear, the line down. */
static void check_quiet_after_disable(const struct run *r)
{
	uint64_t before = nirq;

	CHECK(mmio_read32(REG(SENSOR_CTRL)) == 0, "%s: CTRL %#x after disabling", r->name,
	      mmio_read32(REG(SENSOR_CTRL)));
	sleep_us(5 * r->period_us);
	CHECK(nirq == before, "%s: %lu interrupts after disabling", r->name, nirq - before);
	CHECK(mmio_read32(REG(SENSOR_STATUS)) == 0, "%s: STATUS %#x after disabling", r->name,
	      mmio_read32(REG(SENSOR_STATUS)));
	CHECK(!gic_irq_pending(SENSOR_SPI), "%s: SPI %d still pending after disabling", r->name,
	      SENSOR_SPI);
	CHECK(spurious == 0, "%s: %lu interrupts with no sample ready", r->name, spurious);
}

/* The worst delays of a run, in ns. */
struct delays {
	uint64_t sample;		/* deadline -> sample taken (the app's timer) */
	uint64_t seen;			/* sample taken -> the guest's handler reads NOW */
};

/*
 * Every interrupt of a run at a steady rate: one sample each, on the
 * schedule, on time.
 */
static void check_exact_run(const struct run *r, struct delays *worst)
{
	uint64_t period = (uint64_t)r->period_us * NS_PER_US;
	uint64_t late_max = period / 10, seen_max = period / 4;
	uint64_t start = rec[0].deadline - period;

	CHECK(start >= r->before_enable && start <= r->after_enable,
	      "%s: the first deadline %lu is not one period after the enable (%lu..%lu)", r->name,
	      rec[0].deadline, r->before_enable, r->after_enable);
	for (unsigned i = 0; i < r->interrupts; i++) {
		const struct record *x = &rec[i];
		uint64_t late = x->timestamp - x->deadline;

		if (!CHECK(x->seq == i + 1, "%s: interrupt %u has SEQ %u", r->name, i + 1, x->seq) ||
		    !CHECK(x->deadline == start + (i + 1) * period, "%s: sample %u due at %lu, "
			   "expected %lu", r->name, x->seq, x->deadline, start + (i + 1) * period))
			break;
		CHECK(x->timestamp >= x->deadline, "%s: sample %u taken %lu ns before its deadline",
		      r->name, x->seq, x->deadline - x->timestamp);
		CHECK(late <= late_max, "%s: sample %u taken %lu us after its deadline (max %lu)",
		      r->name, x->seq, late / NS_PER_US, late_max / NS_PER_US);
		CHECK(x->seen >= x->timestamp && x->seen - x->timestamp <= seen_max,
		      "%s: sample %u (at %lu) seen by the guest at %lu", r->name, x->seq,
		      x->timestamp, x->seen);
		CHECK(x->sample == sensor_waveform(x->deadline), "%s: sample %u is %d, expected %d",
		      r->name, x->seq, x->sample, sensor_waveform(x->deadline));
		CHECK(x->status == SENSOR_STATUS_READY, "%s: STATUS %#x at interrupt %u", r->name,
		      x->status, i + 1);
		if (late > worst->sample)
			worst->sample = late;
		if (x->seen - x->timestamp > worst->seen)
			worst->seen = x->seen - x->timestamp;
	}
}

/* Our clock agrees with the app's on the spacing of the interrupts (+-10%). */
static void check_guest_clock(const struct run *r)
{
	uint64_t span_us = ticks_to_us(rec[r->interrupts - 1].ticks - rec[0].ticks);
	uint64_t expect_us = (uint64_t)(r->interrupts - 1) * r->period_us;

	CHECK(span_us * 10 >= expect_us * 9 && span_us * 10 <= expect_us * 11,
	      "%s: %u interrupts spanned %lu us of guest time, expected %lu", r->name,
	      r->interrupts, span_us, expect_us);
}

static void exact_run(const char *name, uint32_t period_us, unsigned interrupts)
{
	struct run r = { .name = name, .period_us = period_us, .interrupts = interrupts };
	struct delays worst = { 0, 0 };

	if (!sample_run(&r))
		return;
	check_exact_run(&r, &worst);
	check_guest_clock(&r);
	CHECK(mmio_read32(REG(SENSOR_MISSED)) == 0, "%s: MISSED %u", name,
	      mmio_read32(REG(SENSOR_MISSED)));
	check_quiet_after_disable(&r);
	printf("app-sensor: %s: %u samples every %u us, on schedule; worst delays: deadline to "
	       "sample %lu ns, sample to guest %lu ns\n", name, interrupts, period_us, worst.sample,
	       worst.seen);
}

/* Samples go on while the guest does not take the interrupt. */
static void check_overrun(void)
{
	const uint32_t period_us = 1000;
	uint32_t status, seq;

	gic_disable_irq(SENSOR_SPI);
	nirq = 0;
	mmio_write32(REG(SENSOR_PERIOD_US), period_us);
	mmio_write32(REG(SENSOR_CTRL), SENSOR_CTRL_ENABLE);
	udelay(3 * period_us + period_us / 2);
	status = mmio_read32(REG(SENSOR_STATUS));
	seq = mmio_read32(REG(SENSOR_SEQ));
	CHECK(status == (SENSOR_STATUS_READY | SENSOR_STATUS_OVERRUN),
	      "overrun: STATUS %#x after 3.5 periods unacknowledged", status);
	CHECK(seq == 3, "overrun: SEQ %u after 3.5 periods, expected 3", seq);
	CHECK(gic_irq_pending(SENSOR_SPI), "overrun: SPI %d not pending while READY", SENSOR_SPI);

	mmio_write32(REG(SENSOR_ACK), SENSOR_STATUS_OVERRUN);
	status = mmio_read32(REG(SENSOR_STATUS));
	CHECK(status == SENSOR_STATUS_READY, "overrun: STATUS %#x after ACK of OVERRUN", status);
	CHECK(gic_irq_pending(SENSOR_SPI), "overrun: SPI %d not pending after ACK of OVERRUN only",
	      SENSOR_SPI);
	mmio_write32(REG(SENSOR_ACK), SENSOR_STATUS_READY);
	status = mmio_read32(REG(SENSOR_STATUS));
	CHECK(status == 0, "overrun: STATUS %#x after ACK of READY", status);
	CHECK(!gic_irq_pending(SENSOR_SPI), "overrun: SPI %d still pending after ACK", SENSOR_SPI);

	/* The next sample raises it again; disabling drops it without an ACK. */
	udelay(period_us);
	status = mmio_read32(REG(SENSOR_STATUS));
	CHECK(status == SENSOR_STATUS_READY, "overrun: STATUS %#x a period after the ACK", status);
	seq = mmio_read32(REG(SENSOR_SEQ));
	CHECK(seq == 4, "overrun: SEQ %u after 4.5 periods, expected 4", seq);
	CHECK(gic_irq_pending(SENSOR_SPI), "overrun: SPI %d not pending for sample 4", SENSOR_SPI);
	mmio_write32(REG(SENSOR_CTRL), 0);
	status = mmio_read32(REG(SENSOR_STATUS));
	CHECK(status == 0, "overrun: STATUS %#x after disabling with a sample unacknowledged",
	      status);
	CHECK(!gic_irq_pending(SENSOR_SPI), "overrun: SPI %d still pending after disabling",
	      SENSOR_SPI);
	gic_enable_irq(SENSOR_SPI);
	sleep_us(3 * period_us);
	CHECK(nirq == 0, "overrun: %lu interrupts after disabling", nirq);
	CHECK(mmio_read32(REG(SENSOR_MISSED)) == 0, "overrun: MISSED %u: samples were skipped",
	      mmio_read32(REG(SENSOR_MISSED)));
}

/*
 * The shortest period: the guest's handler takes a fair part of it, so
 * samples may coalesce (OVERRUN). What must hold regardless: SEQ never goes
 * back, every deadline lies on the schedule, no sample is taken early.
 */
static void check_fast_run(void)
{
	struct run r = { .name = "100 us", .period_us = SENSOR_PERIOD_MIN_US, .interrupts = 40 };
	uint64_t period = (uint64_t)SENSOR_PERIOD_MIN_US * NS_PER_US;
	uint32_t missed, coalesced = 0;

	if (!sample_run(&r))
		return;
	missed = mmio_read32(REG(SENSOR_MISSED));
	for (unsigned i = 0; i < r.interrupts; i++) {
		const struct record *x = &rec[i];
		uint64_t since_first = x->deadline - rec[0].deadline;

		CHECK(x->timestamp >= x->deadline, "%s: sample %u taken before its deadline",
		      r.name, x->seq);
		CHECK(x->sample == sensor_waveform(x->deadline), "%s: sample %u is %d, expected %d",
		      r.name, x->seq, x->sample, sensor_waveform(x->deadline));
		if (i == 0)
			continue;
		if (!CHECK(x->seq > rec[i - 1].seq, "%s: SEQ %u after %u", r.name, x->seq,
			   rec[i - 1].seq))
			break;
		coalesced += x->seq - rec[i - 1].seq - 1;
		CHECK(since_first % period == 0, "%s: sample %u due at %lu, off the schedule",
		      r.name, x->seq, x->deadline);
		CHECK(missed || since_first == (x->seq - rec[0].seq) * period,
		      "%s: sample %u due %lu ns after sample %u", r.name, x->seq, since_first,
		      rec[0].seq);
	}
	check_quiet_after_disable(&r);
	printf("app-sensor: %s: %u interrupts, %u samples coalesced, %u periods missed\n", r.name,
	       r.interrupts, coalesced, missed);
}

/*
 * Reboot the domain while the device is busy: sampling, its timer armed,
 * a sample unacknowledged and the line up. Returns only if that failed.
 */
static void reset_while_sampling(void)
{
	uint32_t status;
	int64_t r;

	gic_disable_irq(SENSOR_SPI);
	mmio_write32(REG(SENSOR_PERIOD_US), 500);
	mmio_write32(REG(SENSOR_CTRL), SENSOR_CTRL_ENABLE);
	udelay(1250);
	status = mmio_read32(REG(SENSOR_STATUS));
	if (!CHECK(status & SENSOR_STATUS_READY, "before the reset: STATUS %#x", status))
		return;
	printf("app-sensor: SYSTEM_RESET with the sensor sampling and its interrupt raised\n");
	r = psci_system_reset();
	test_fail("SYSTEM_RESET returned %ld", r);
}

/* The second boot: the app's reset handler put the device back to power-on. */
static void check_after_reset(uint32_t resets)
{
	const uint32_t quiet_us = 10 * SENSOR_PERIOD_DEFAULT_US;

	CHECK(resets == 1, "RESETS %u after one domain reset", resets);
	CHECK(mmio_read32(REG(SENSOR_CTRL)) == 0, "after the reset: CTRL %#x",
	      mmio_read32(REG(SENSOR_CTRL)));
	CHECK(mmio_read32(REG(SENSOR_PERIOD_US)) == SENSOR_PERIOD_DEFAULT_US,
	      "after the reset: PERIOD_US %u", mmio_read32(REG(SENSOR_PERIOD_US)));
	CHECK(mmio_read32(REG(SENSOR_STATUS)) == 0, "after the reset: STATUS %#x",
	      mmio_read32(REG(SENSOR_STATUS)));
	CHECK(mmio_read32(REG(SENSOR_SEQ)) == 0, "after the reset: SEQ %u",
	      mmio_read32(REG(SENSOR_SEQ)));
	CHECK(mmio_read32(REG(SENSOR_MISSED)) == 0, "after the reset: MISSED %u",
	      mmio_read32(REG(SENSOR_MISSED)));
	CHECK(!gic_irq_pending(SENSOR_SPI), "after the reset: SPI %d pending", SENSOR_SPI);

	/* The timer armed before the reset must not sample now. */
	nirq = spurious = 0;
	gic_enable_irq(SENSOR_SPI);
	sleep_us(quiet_us);
	CHECK(nirq == 0 && spurious == 0, "after the reset: %lu interrupts (%lu with no sample) "
	      "with the sensor off", nirq, spurious);
	CHECK(mmio_read32(REG(SENSOR_SEQ)) == 0 && mmio_read32(REG(SENSOR_STATUS)) == 0,
	      "after the reset: a sample was taken with the sensor off (SEQ %u, STATUS %#x)",
	      mmio_read32(REG(SENSOR_SEQ)), mmio_read32(REG(SENSOR_STATUS)));
	printf("app-sensor: after the domain reset: power-on state, no stale sample or interrupt "
	       "in %u us\n", quiet_us);

	/* And it works as before. */
	exact_run("after the reset", SENSOR_PERIOD_DEFAULT_US, 5);
}

static void first_boot(void)
{
	check_registers();
	gic_enable_irq(SENSOR_SPI);
	exact_run("2 ms", 2000, 20);
	exact_run("500 us", 500, 10);
	check_overrun();
	check_fast_run();
}

void guest_main(void)
{
	uint32_t resets;

	test_init("app-sensor");
	if (!gic_init()) {
		test_done();
		return;
	}
	irq_set_handler(SENSOR_SPI, sensor_irq);
	resets = mmio_read32(REG(SENSOR_RESETS));
	if (resets == 0) {
		first_boot();
		if (test_failures() == 0)
			reset_while_sampling();
	} else {
		check_after_reset(resets);
	}
	test_done();
}
