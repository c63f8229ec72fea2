/*
 * app-concurrency: four vCPUs on four pCPUs hammer one EL0 app at once
 * (apps/counter, see counter.h, at COUNTER_BASE; configs/tests/
 * app-concurrency.dts). The ABI serializes calls into one app instance;
 * the app relies on it (no locks), so any overlap shows up as
 *  - a lost ADD (the sum differs from the sum of what the vCPUs added),
 *  - a lost SLOW_INC (a read-modify-write with a wide window inside the
 *    app: two at once write the same value),
 *  - a repeated or skipped TICKET (fetch-and-increment in the app),
 *  - an event that found another one inside the app (OVERLAPS),
 *  - an event count that does not match the accesses made.
 * Each vCPU does concurrency.iters (default 64) rounds of ADD (its index
 * + 1), SLOW_INC and TICKET, after a common start signal; the test also
 * checks the vCPUs' working intervals overlapped, i.e. that the calls
 * really competed.
 */
#include "guest.h"
#include "mmio.h"
#include "../apps/counter/counter.h"

#define COUNTER_BASE 0x0a000000UL
#define WANT_CPUS 4
#define ITERS_MAX 2000
#define DONE_TIMEOUT_MS 60000

static uint64_t iters;
static volatile uint32_t go;

struct worker {
	uint64_t added, start, end;
	volatile uint32_t done;
} __attribute__((aligned(64)));

static struct worker workers[GUEST_MAX_CPUS];
static uint32_t tickets[GUEST_MAX_CPUS][ITERS_MAX];
static uint8_t seen[WANT_CPUS * ITERS_MAX / 8];

static uint64_t reg(uint64_t off)
{
	return mmio_read64(COUNTER_BASE + off);
}

static void work(unsigned cpu, void *arg)
{
	struct worker *w = &workers[cpu];

	(void)arg;
	while (!READ_ONCE(go))
		cpu_relax();
	w->start = timer_now();
	for (uint64_t i = 0; i < iters; i++) {
		mmio_write64(COUNTER_BASE + COUNTER_REG_ADD, cpu + 1);
		w->added += cpu + 1;
		mmio_write64(COUNTER_BASE + COUNTER_REG_SLOW_INC, 1);
		tickets[cpu][i] = (uint32_t)reg(COUNTER_REG_TICKET);
	}
	w->end = timer_now();
	dsb(sy);
	w->done = 1;
}

static bool all_done(unsigned n, uint64_t timeout_ms)
{
	uint64_t start = timer_now();

	for (unsigned cpu = 0; cpu < n; cpu++)
		while (!READ_ONCE(workers[cpu].done))
			if (timer_now() - start > ms_to_ticks(timeout_ms))
				return false;
	dsb(sy);
	return true;
}

/* Every ticket 0 .. n * iters - 1 handed out exactly once. */
static void check_tickets(unsigned n)
{
	uint64_t total = n * iters, bad = 0;

	for (unsigned cpu = 0; cpu < n; cpu++) {
		for (uint64_t i = 0; i < iters; i++) {
			uint32_t t = tickets[cpu][i];

			if (t >= total || (seen[t / 8] & (1u << (t % 8)))) {
				if (bad++ < 4)
					printf("[guest] vCPU %u got ticket %u (%s)\n", cpu, t,
					       t >= total ? "out of range" : "twice");
				continue;
			}
			seen[t / 8] |= (uint8_t)(1u << (t % 8));
		}
	}
	CHECK(bad == 0, "%lu of %lu tickets repeated or out of range", bad, total);
}

/* The vCPUs' working intervals have a common point: they really competed. */
static void check_overlap(unsigned n)
{
	uint64_t last_start = 0, first_end = ~0UL;

	for (unsigned cpu = 0; cpu < n; cpu++) {
		last_start = MAX(last_start, workers[cpu].start);
		first_end = MIN(first_end, workers[cpu].end);
	}
	CHECK(last_start < first_end, "the vCPUs never ran their loops at the same time");
	if (last_start < first_end)
		printf("all %u vCPUs were calling the app together for %lu us\n", n,
		       ticks_to_us(first_end - last_start));
}

static void check_counts(unsigned n, uint64_t events_before)
{
	uint64_t want_add = 0, v;

	for (unsigned cpu = 0; cpu < n; cpu++)
		want_add += workers[cpu].added;
	v = reg(COUNTER_REG_EVENTS);
	CHECK(v == events_before + 3 * n * iters + 1, "the app served %lu events, expected %lu",
	      v - events_before - 1, 3 * n * iters);
	v = reg(COUNTER_REG_ADD);
	CHECK(v == want_add, "ADD total %lu, the vCPUs added %lu (%ld lost)", v, want_add,
	      (int64_t)(want_add - v));
	v = reg(COUNTER_REG_SLOW_INC);
	CHECK(v == n * iters, "SLOW_INC count %lu, expected %lu (%ld lost)", v, n * iters,
	      (int64_t)(n * iters - v));
	v = reg(COUNTER_REG_OVERLAPS);
	CHECK(v == 0, "%lu events found another one inside the app", v);
	check_tickets(n);
}

void guest_main(void)
{
	uint64_t id, events_before;
	unsigned n;

	test_init("app-concurrency");
	iters = MIN(bootarg_uint_or("concurrency.iters", 64), (uint64_t)ITERS_MAX);
	gic_init();
	id = reg(COUNTER_REG_ID);
	if (!CHECK(id == COUNTER_ID, "counter app ID %#lx", id)) {
		test_done();
		return;
	}
	events_before = reg(COUNTER_REG_EVENTS);
	n = smp_start_all(work, NULL);
	if (!CHECK(n == WANT_CPUS, "%u vCPUs running, expected %u", n, WANT_CPUS)) {
		test_done();
		return;
	}
	WRITE_ONCE(go, 1);
	dsb(sy);
	work(0, NULL);
	if (!CHECK(all_done(n, DONE_TIMEOUT_MS), "the vCPUs did not finish in %u ms",
		   DONE_TIMEOUT_MS)) {
		test_done();
		return;
	}
	check_overlap(n);
	check_counts(n, events_before);
	printf("app-concurrency: %u vCPUs x %lu rounds of ADD, SLOW_INC, TICKET through one app\n",
	       n, iters);
	test_done();
}
