/*
 * isolation-victim: fills its free RAM (image end to the device tree) with
 * a pattern derived from each word's address, then checks it repeatedly
 * while isolation-attacker, in another domain, writes everywhere it can
 * name. Any changed word fails the test.
 *
 * bootargs: victim.wait_ms (default 1000), how long to keep checking.
 */
#include "guest.h"

#define CHECK_EVERY_MS 100

static uint64_t pattern(uint64_t addr)
{
	uint64_t x = addr * 0x9e3779b97f4a7c15UL;

	return x ^ (x >> 29) ^ 0x5a5a5a5a5a5a5a5aUL;
}

/* Returns the number of words that differ; reports the first few. */
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

void guest_main(void)
{
	uint64_t from, to, wait, start, rounds = 0, bad = 0;

	test_init("isolation-victim");
	from = (image_end() + 0xfff) & ~0xfffUL;
	to = ram_end() ? ram_end() - GUEST_DTB_SPACE : 0;
	if (dt.valid && dt.addr >= from && dt.addr < to)
		to = dt.addr & ~0xfffUL;
	if (!CHECK(to > from, "no free RAM to fill (device tree at %#lx, RAM end %#lx)", dt.addr,
		   ram_end())) {
		test_done();
		return;
	}
	gic_init();
	wait = ms_to_ticks(bootarg_uint_or("victim.wait_ms", 1000));
	for (uint64_t a = from; a < to; a += 8)
		*(volatile uint64_t *)a = pattern(a);
	dsb(sy);
	printf("filled [%#lx, %#lx) (%lu KiB) with the pattern; watching it for %lu ms\n", from,
	       to, (to - from) >> 10, ticks_to_ms(wait));
	start = timer_now();
	do {
		sleep_us(CHECK_EVERY_MS * 1000);
		bad = verify(from, to);
		rounds++;
	} while (!bad && timer_now() - start < wait);
	CHECK(bad == 0, "%lu words of our memory changed", bad);
	printf("pattern checked %lu times over %lu ms\n", rounds, ticks_to_ms(timer_now() - start));
	test_done();
}
