/*
 * counter: shared counters that only stay right if the hypervisor runs one
 * event of this app at a time (see counter.h for the registers).
 *
 * The ABI promises that calls into one app instance are serialized, so
 * there is no locking here on purpose: SLOW_INC is a read-modify-write with
 * a wide window, TICKET a fetch-and-increment, and every MMIO event checks
 * on entry whether another one is still inside the app. Several vCPUs
 * hammering these on several pCPUs lose updates, repeat tickets or count
 * overlaps the moment two events run at once. BURN spins on request, for
 * the accounting test (app time must land on the calling vCPU).
 */
#include "app.h"
#include "counter.h"

static volatile uint64_t busy;		/* an MMIO event is inside the app */
static volatile uint64_t total, slow_count, next_ticket, overlaps, burns, events;

static void spin(uint64_t n)
{
	for (volatile uint64_t i = 0; i < n; i++)
		;
}

/* Entry and exit of every MMIO event; a barrier so another pCPU sees busy at once. */
static void enter(void)
{
	if (busy)
		overlaps++;
	busy = 1;
	__asm__ volatile("dmb ish" ::: "memory");
	events++;
}

static void leave(void)
{
	__asm__ volatile("dmb ish" ::: "memory");
	busy = 0;
}

static void slow_increment(void)
{
	uint64_t v = slow_count;

	spin(COUNTER_SLOW_SPINS);
	slow_count = v + 1;
}

static uint64_t read_register(uint64_t off)
{
	uint64_t t;

	switch (off) {
	case COUNTER_REG_ID:
		return COUNTER_ID;
	case COUNTER_REG_ADD:
		return total;
	case COUNTER_REG_SLOW_INC:
		return slow_count;
	case COUNTER_REG_TICKET:
		t = next_ticket;
		spin(COUNTER_SLOW_SPINS / 4);	/* widen the window here too */
		next_ticket = t + 1;
		return t;
	case COUNTER_REG_OVERLAPS:
		return overlaps;
	case COUNTER_REG_BURN:
		return burns;
	case COUNTER_REG_EVENTS:
		return events;
	}
	return 0;
}

static uint64_t counter_read(uint64_t ipa, unsigned int size)
{
	uint64_t v;

	(void)size;
	enter();
	v = read_register(ipa & (APP_PAGE_SIZE - 1));
	leave();
	return v;
}

static void counter_write(uint64_t ipa, unsigned int size, uint64_t value)
{
	(void)size;
	enter();
	switch (ipa & (APP_PAGE_SIZE - 1)) {
	case COUNTER_REG_ADD:
		total += value;
		break;
	case COUNTER_REG_SLOW_INC:
		slow_increment();
		break;
	case COUNTER_REG_BURN:
		spin(value < COUNTER_BURN_MAX ? value : COUNTER_BURN_MAX);
		burns++;
		break;
	}
	leave();
}

const struct app_ops app_ops = {
	.mmio_read = counter_read,
	.mmio_write = counter_write,
};
