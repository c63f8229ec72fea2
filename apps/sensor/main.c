/*
 * sensor: a timer-driven MMIO device. Once the guest enables it, the app's
 * timer fires every period; the timer handler takes a sample (a waveform
 * computed from the sample's deadline), stores it with a sequence number
 * and timestamps, and raises the device's interrupt until the guest
 * acknowledges it. The register interface is sensor.h.
 *
 * The schedule is kept by deadlines, not by when the handler happened to
 * run: sample n is due at enable time + n * period, so a late timer delays
 * one sample but never shifts the ones after it. If the next deadline has
 * already passed when it is armed (APP_E_EXPIRED: the handler ran late),
 * that sample is taken at once; after a few such catch-ups in one event the
 * device gives up on the lost periods, counts them in MISSED and resumes
 * at the next deadline still ahead, so one event's work stays bounded.
 */
#include <stdbool.h>

#include "app.h"
#include "sensor.h"

#define CATCH_UP_MAX 4		/* samples taken late in one event, at most */
#define NS_PER_US 1000u

struct sample {
	uint32_t seq;
	int32_t value;
	uint64_t timestamp, deadline;
};

static struct {
	uint32_t ctrl, period_us, status, missed;
	uint32_t resets;		/* domain resets seen: kept by them */
	uint64_t armed;			/* deadline of the armed timer, 0 if none */
	bool line;			/* SENSOR_SPI asserted by us */
	struct sample last, latched;
} dev;

static uint64_t period_ns(void)
{
	return (uint64_t)dev.period_us * NS_PER_US;
}

/* Drive the interrupt line; the syscall only on a change. */
static void set_line(bool high)
{
	if (high == dev.line)
		return;
	dev.line = high;
	if (high)
		app_sys_irq_set(SENSOR_SPI);
	else
		app_sys_irq_clear(SENSOR_SPI);
}

static void take_sample(uint64_t deadline)
{
	dev.last.seq++;
	dev.last.value = sensor_waveform(deadline);
	dev.last.timestamp = app_sys_time();
	dev.last.deadline = deadline;
	if (dev.status & SENSOR_STATUS_READY)
		dev.status |= SENSOR_STATUS_OVERRUN;
	dev.status |= SENSOR_STATUS_READY;
	set_line(true);
}

/* Arm the timer for deadline, catching up (see the top) if it has passed. */
static void schedule(uint64_t deadline)
{
	unsigned int late = 0;

	while (app_sys_timer_set(deadline) == APP_E_EXPIRED) {
		if (late++ < CATCH_UP_MAX) {
			take_sample(deadline);
			deadline += period_ns();
		} else {
			uint64_t lost = (app_sys_time() - deadline) / period_ns() + 1;

			dev.missed += (uint32_t)lost;
			deadline += lost * period_ns();
		}
	}
	dev.armed = deadline;
}

static void start_sampling(void)
{
	dev.status = 0;
	dev.missed = 0;
	dev.last = (struct sample){ 0 };
	dev.latched = dev.last;
	schedule(app_sys_time() + period_ns());
}

static void stop_sampling(void)
{
	app_sys_timer_cancel();
	dev.armed = 0;
	dev.status = 0;
	set_line(false);
}

static void write_ctrl(uint32_t value)
{
	bool was_on = dev.ctrl & SENSOR_CTRL_ENABLE;
	bool on = value & SENSOR_CTRL_ENABLE;

	dev.ctrl = value & SENSOR_CTRL_ENABLE;
	if (on && !was_on)
		start_sampling();
	else if (!on && was_on)
		stop_sampling();
}

static uint32_t clamp_period(uint32_t us)
{
	if (us < SENSOR_PERIOD_MIN_US)
		return SENSOR_PERIOD_MIN_US;
	return us > SENSOR_PERIOD_MAX_US ? SENSOR_PERIOD_MAX_US : us;
}

static void acknowledge(uint32_t bits)
{
	dev.status &= ~(bits & (SENSOR_STATUS_READY | SENSOR_STATUS_OVERRUN));
	if (!(dev.status & SENSOR_STATUS_READY))
		set_line(false);
}

/* The 8-byte slot at offset slot (8-aligned), both its registers. */
static uint64_t read_slot(uint64_t slot)
{
	switch (slot) {
	case SENSOR_ID:
		return SENSOR_ID_VALUE | (uint64_t)SENSOR_VERSION_1_0 << 32;
	case SENSOR_CTRL:
		return dev.ctrl | (uint64_t)dev.period_us << 32;
	case SENSOR_STATUS:
		return dev.status;	/* ACK, the top half, reads 0 */
	case SENSOR_SEQ:
		return dev.latched.seq | (uint64_t)(uint32_t)dev.latched.value << 32;
	case SENSOR_TIMESTAMP:
		return dev.latched.timestamp;
	case SENSOR_DEADLINE:
		return dev.latched.deadline;
	case SENSOR_NOW:
		return app_sys_time();
	case SENSOR_MISSED:
		return dev.missed | (uint64_t)dev.resets << 32;
	default:
		return 0;
	}
}

static uint64_t sensor_read(uint64_t ipa, unsigned int size)
{
	uint64_t off = ipa & (SENSOR_MMIO_SIZE - 1);
	uint64_t in_slot = off & 7;

	if (in_slot + size > 8)
		return 0;		/* straddles two slots: read-as-zero */
	if (off == SENSOR_SEQ)
		dev.latched = dev.last;
	/* The hypervisor keeps the low size bytes. */
	return read_slot(off - in_slot) >> (in_slot * 8);
}

static void sensor_write(uint64_t ipa, unsigned int size, uint64_t value)
{
	if (size != 4)
		return;
	switch (ipa & (SENSOR_MMIO_SIZE - 1)) {
	case SENSOR_CTRL:
		write_ctrl((uint32_t)value);
		break;
	case SENSOR_PERIOD_US:
		dev.period_us = clamp_period((uint32_t)value);
		break;
	case SENSOR_ACK:
		acknowledge((uint32_t)value);
		break;
	default:
		break;			/* read-only or nothing: write-ignored */
	}
}

static void sensor_timer(uint64_t deadline)
{
	if (!(dev.ctrl & SENSOR_CTRL_ENABLE) || deadline != dev.armed) {
		/* Not the timer we armed: a cancelled or replaced one came anyway. */
		app_log("sensor: timer event for %llu ns ignored (armed: %llu)",
			(unsigned long long)deadline, (unsigned long long)dev.armed);
		return;
	}
	take_sample(deadline);
	schedule(deadline + period_ns());
}

static void power_on_state(void)
{
	memset(&dev, 0, sizeof(dev));
	dev.period_us = SENSOR_PERIOD_DEFAULT_US;
}

static int64_t sensor_init(uint64_t domain_id)
{
	power_on_state();
	app_log("sensor: ready for domain %llu: SPI %d, period %u us",
		(unsigned long long)domain_id, SENSOR_SPI, dev.period_us);
	return 0;
}

/*
 * The hypervisor has already cancelled our timer and dropped our line;
 * cancelling again is harmless and keeps this true whoever resets us.
 * After a fault our memory is fresh, so RESETS starts over with it.
 */
static int64_t sensor_reset(uint64_t reason, uint64_t domain_id)
{
	uint32_t resets = reason == APP_RESET_DOMAIN ? dev.resets + 1 : 0;

	app_log("sensor: reset (%s) for domain %llu at sample %u",
		reason == APP_RESET_FAULT ? "fault" : "domain", (unsigned long long)domain_id,
		dev.last.seq);
	app_sys_timer_cancel();
	power_on_state();
	dev.resets = resets;
	return 0;
}

const struct app_ops app_ops = {
	.init = sensor_init,
	.mmio_read = sensor_read,
	.mmio_write = sensor_write,
	.timer = sensor_timer,
	.reset = sensor_reset,
};
