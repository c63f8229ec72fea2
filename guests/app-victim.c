/*
 * app-victim: the bystander domain of the app fault and isolation tests.
 * While another domain's apps fault and try to reach beyond their grant,
 * this one
 *  - fills its free RAM with an address-derived pattern and checks it
 *    over and over, a chunk after each batch of app calls (nothing outside
 *    may change it);
 *  - keeps using its own app (apps/faulty, never asked to misbehave, at
 *    VICTIM_APP_BASE with function IDs from FAULTY_FID_BASE): echo round
 *    trips, an exact write count, NOP calls by HVC. The other domain's
 *    app faults must never reach it: it is never reset, never answers
 *    wrongly.
 * It runs for victim.ms of virtual time (bootargs, default 2000); the
 * scenarios check that it passes after the attacking domain did, i.e.
 * that it kept working throughout.
 */
#include "guest.h"
#include "mmio.h"
#include "../apps/faulty/faulty.h"

#define VICTIM_APP_BASE 0x0a000000UL
#define ROUND_TRIPS_PER_BATCH 4
#define VERIFY_CHUNK (128UL << 10)	/* bytes checked per batch */

static uint64_t pattern(uint64_t addr)
{
	uint64_t x = addr * 0x9e3779b97f4a7c15UL;

	return x ^ (x >> 31) ^ 0xa5a5a5a55a5a5a5aUL;
}

static void fill(uint64_t from, uint64_t to)
{
	for (uint64_t a = from; a < to; a += 8)
		*(volatile uint64_t *)a = pattern(a);
	dsb(sy);
}

/* Words that differ from the pattern; the first few are reported. */
static uint64_t verify(uint64_t from, uint64_t to)
{
	uint64_t bad = 0;

	for (uint64_t a = from; a < to; a += 8) {
		uint64_t v = *(volatile uint64_t *)a;

		if (v != pattern(a) && bad++ < 4)
			printf("[guest] word at %#lx is %#lx, expected %#lx\n", a, v, pattern(a));
	}
	return bad;
}

static uint64_t writes_done;		/* MMIO writes we made to our app */

/* One echo round trip and one NOP call; false (and reported) if the app misbehaved. */
static bool round_trip(uint64_t seq)
{
	uint64_t v, w;
	struct smccc_res res;

	mmio_write64(VICTIM_APP_BASE + FAULTY_REG_ECHO, seq);
	writes_done++;
	v = mmio_read64(VICTIM_APP_BASE + FAULTY_REG_ECHO);
	w = mmio_read64(VICTIM_APP_BASE + FAULTY_REG_WRITES);
	smccc_hvc(FAULTY_FID_BASE + FAULTY_CMD_NOP, 0, 0, 0, 0, 0, 0, &res);
	return CHECK(v == seq, "round trip %lu: echo %#lx", seq, v) &&
	       CHECK(w == writes_done, "round trip %lu: our app counted %lu writes, we made %lu",
		     seq, w, writes_done) &&
	       CHECK(res.a0 == FAULTY_NOP_RESULT, "round trip %lu: NOP call x0 %#lx", seq, res.a0);
}

/* The app was never reset and its .data is as loaded. */
static void app_untouched(void)
{
	uint64_t id = mmio_read64(VICTIM_APP_BASE + FAULTY_REG_ID);
	uint64_t reason = mmio_read64(VICTIM_APP_BASE + FAULTY_REG_LAST_RESET);
	uint64_t marker = mmio_read64(VICTIM_APP_BASE + FAULTY_REG_MARKER);

	CHECK(id == FAULTY_ID, "our app's ID: %#lx", id);
	CHECK(reason == 0, "our app was reset (reason %lu)", reason);
	CHECK(marker == FAULTY_MARKER_INIT, "our app's marker: %#lx", marker);
}

/*
 * Check the next chunk of [from, to), wrapping around; counts whole passes.
 * Small steps between sleeps: no long stretch of work on this pCPU, which
 * under single-threaded TCG would stall the other pCPUs meanwhile (and an
 * app there would see its budget go by).
 */
static uint64_t verify_step(uint64_t from, uint64_t to, uint64_t *next, uint64_t *passes)
{
	uint64_t end = MIN(*next + VERIFY_CHUNK, to), bad = verify(*next, end);

	*next = end;
	if (end == to) {
		*next = from;
		(*passes)++;
	}
	return bad;
}

void guest_main(void)
{
	uint64_t from, to, next, start, duration, seq = 0, passes = 0, bad = 0;
	bool ok = true;

	test_init("app-victim");
	from = (image_end() + 0xfff) & ~0xfffUL;
	to = ram_end() ? ram_end() - GUEST_DTB_SPACE : 0;
	if (!CHECK(to > from, "no free RAM to fill (RAM end %#lx)", ram_end())) {
		test_done();
		return;
	}
	gic_init();
	app_untouched();
	fill(from, to);
	duration = ms_to_ticks(bootarg_uint_or("victim.ms", 2000));
	printf("filled [%#lx, %#lx) with the pattern; using our app for %lu ms\n", from, to,
	       ticks_to_ms(duration));
	start = timer_now();
	next = from;
	while (ok && !bad && timer_now() - start < duration) {
		for (unsigned i = 0; ok && i < ROUND_TRIPS_PER_BATCH; i++)
			ok = round_trip(++seq);
		bad = verify_step(from, to, &next, &passes);
		sleep_us(1000);		/* leave the pCPU to the others too */
	}
	bad += verify(from, to);
	CHECK(bad == 0, "%lu words of our memory changed", bad);
	CHECK(passes > 0, "not one whole pass over our memory in %lu ms", ticks_to_ms(duration));
	app_untouched();
	printf("app-victim: %lu round trips with our app, memory checked %lu times over %lu ms\n",
	       seq, passes + 1, ticks_to_ms(timer_now() - start));
	test_done();
}
