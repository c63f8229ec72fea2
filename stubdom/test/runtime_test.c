/*
 * Host test of the stub runtime's request loop (runtime.c) and exception
 * report (exception.c), linked with the SDK's logging and the hypervisor's
 * formatter as in a stub image. The ring is a variable, completions and
 * syscalls are recorded, a PANIC ends the request with a longjmp back here.
 *
 * It checks what crt0.S promises an EL0 app and the runtime must promise a
 * hosted one: each event reaches its handler with crt0's arguments (sizes
 * and counts cut to 32 bits, a CALL's args straight from x2..x7), app_device
 * is filled from INIT's and RESET's registers, results come back as crt0's
 * (CALL res[0..3] zeroed first; INIT, MMIO_READ and RESET in r0; zeros for
 * the rest), NULL handlers get crt0's defaults, requests are served in
 * order across the ring's wrap, and garbage from the hypervisor (an
 * unknown event, a slot with the wrong seq, an impossible req_prod, the
 * wrong ABI version) is a PANIC, never a completion.
 *
 * Built twice by stubdom.mk: with handlers, and with -DTEST_NULL_OPS (an
 * app that defines none). Exits non-zero on the first failed check.
 */
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "arch.h"
#include "stub.h"

#define CHECK(cond)                                                                 \
	do {                                                                        \
		if (!(cond)) {                                                      \
			fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__,     \
				__LINE__, #cond);                                   \
			exit(1);                                                    \
		}                                                                   \
	} while (0)

static struct stub_ring ring;
struct stub_ring *test_ring = &ring;

static struct test_completion done[64];
static unsigned int ndone;

void test_complete(uint64_t seq, uint64_t r0, uint64_t r1, uint64_t r2, uint64_t r3)
{
	CHECK(ndone < 64);
	done[ndone].seq = seq;
	done[ndone].res[0] = r0;
	done[ndone].res[1] = r1;
	done[ndone].res[2] = r2;
	done[ndone].res[3] = r3;
	ndone++;
}

/* ---- the syscalls the runtime and the app make ---- */

static jmp_buf panic_jump;
static int panic_armed;
static char panic_text[APP_LOG_MAX + 1];
static unsigned int npanics;

int64_t stub_syscall(uint64_t nr, uint64_t a0, uint64_t a1, uint64_t a2)
{
	(void)a2;
	if (nr == APP_SYS_PANIC) {
		CHECK(a1 <= APP_LOG_MAX);
		memcpy(panic_text, (const char *)(uintptr_t)a0, a1);
		panic_text[a1] = '\0';
		npanics++;
		return 0;	/* a hypervisor that returned: stub_halt must follow */
	}
	CHECK(!"an unexpected syscall");
	return APP_E_NOSYS;
}

void stub_halt(void)
{
	CHECK(panic_armed);
	panic_armed = 0;
	longjmp(panic_jump, 1);
}

/* ---- the app: records what each handler got ---- */

#ifndef TEST_NULL_OPS
struct seen {
	int calls;
	uint64_t a, b, c;
};
static struct seen seen_init, seen_read, seen_write, seen_call, seen_timer, seen_reset,
	seen_input;
static uint64_t call_args[6];
static struct app_device_info device_at_init, device_at_reset;

static int64_t t_init(uint64_t domain_id)
{
	seen_init = (struct seen){ seen_init.calls + 1, domain_id, 0, 0 };
	device_at_init = app_device;
	return -3;
}

static uint64_t t_read(uint64_t ipa, unsigned int size)
{
	seen_read = (struct seen){ seen_read.calls + 1, ipa, size, 0 };
	return 0x1122334455667788ull;
}

static void t_write(uint64_t ipa, unsigned int size, uint64_t value)
{
	seen_write = (struct seen){ seen_write.calls + 1, ipa, size, value };
}

static void t_call(uint32_t fid, const uint64_t args[6], uint64_t res[4])
{
	seen_call = (struct seen){ seen_call.calls + 1, fid, res[0] | res[1] | res[2] | res[3], 0 };
	memcpy(call_args, args, sizeof(call_args));
	res[0] = 10;
	res[2] = 12;	/* res[1] and res[3] left as given: 0 */
}

static void t_timer(uint64_t deadline)
{
	seen_timer = (struct seen){ seen_timer.calls + 1, deadline, 0, 0 };
}

static int64_t t_reset(uint64_t reason, uint64_t domain_id)
{
	seen_reset = (struct seen){ seen_reset.calls + 1, reason, domain_id, 0 };
	device_at_reset = app_device;
	return 7;
}

static void t_input(uint64_t bytes, unsigned int count)
{
	seen_input = (struct seen){ seen_input.calls + 1, bytes, count, 0 };
}

const struct app_ops app_ops = {
	.init = t_init, .mmio_read = t_read, .mmio_write = t_write, .call = t_call,
	.timer = t_timer, .reset = t_reset, .input = t_input,
};
#else
/* An app that defines no handler at all. */
const struct app_ops app_ops = { 0 };
#endif

/* ---- driving the ring as the hypervisor would ---- */

static uint64_t next_post;	/* seq of the next request to post */
static struct stub_cursor next_serve;	/* the runtime's cursor */

static void post(uint64_t event, const uint64_t args[7])
{
	struct stub_slot *s = &ring.slot[next_post % STUB_RING_SLOTS];

	s->seq = next_post;
	s->event = event;
	memcpy(s->args, args, sizeof(s->args));
	__atomic_store_n(&ring.req_prod, ++next_post, __ATOMIC_RELEASE);
}

/* Serve what is posted; returns 1 if a PANIC ended it. */
static int serve(void)
{
	panic_armed = 1;
	if (setjmp(panic_jump)) {
		/* The runtime may be re-entered only after a reset: start over. */
		return 1;
	}
	stub_serve(&ring, &next_serve);
	panic_armed = 0;
	return 0;
}

/* One request, served; checks it completed as seq with results r. */
static void one(uint64_t event, const uint64_t args[7], uint64_t r0, uint64_t r1, uint64_t r2,
		uint64_t r3)
{
	unsigned int before = ndone;
	uint64_t seq = next_post;

	post(event, args);
	CHECK(serve() == 0);
	CHECK(ndone == before + 1);
	CHECK(done[before].seq == seq);
	CHECK(done[before].res[0] == r0 && done[before].res[1] == r1);
	CHECK(done[before].res[2] == r2 && done[before].res[3] == r3);
	CHECK(next_serve.seq == next_post && next_serve.idx == next_post % STUB_RING_SLOTS);
}

/* A fresh ring and cursor, as after a stub reset. */
static void fresh_ring(void)
{
	memset(&ring, 0, sizeof(ring));
	ring.abi_version = STUB_ABI_VERSION;
	next_post = 0;
	next_serve = (struct stub_cursor){ 0, 0 };
	ndone = 0;
}

static void test_events(void)
{
	static const uint64_t init[7] = { 5, 4096, 0x9000000, 0x1000, 33, APP_HWCAP_RNDR, 0xdead };
	static const uint64_t read[7] = { 0x9000018, 0x100000004ull };
	static const uint64_t write[7] = { 0x9000000, 2, 0xffffffffffffff41ull };
	static const uint64_t call[7] = { 0x1c6000020ull, 1, 2, 3, 4, 5, 6 };
	static const uint64_t timer[7] = { 123456789 };
	static const uint64_t reset[7] = { APP_RESET_FAULT, 5, 8192, 0xa000000, 0x200, 40, 0 };
	static const uint64_t input[7] = { 3, 0x0a6968 };

	fresh_ring();
#ifndef TEST_NULL_OPS
	one(APP_EV_INIT, init, (uint64_t)-3, 0, 0, 0);
	CHECK(seen_init.calls == 1 && seen_init.a == 5);
	CHECK(device_at_init.file_size == 4096 && device_at_init.mmio_base == 0x9000000);
	CHECK(device_at_init.mmio_size == 0x1000 && device_at_init.irq == 33);
	CHECK(device_at_init.hwcaps == APP_HWCAP_RNDR);

	one(APP_EV_MMIO_READ, read, 0x1122334455667788ull, 0, 0, 0);
	CHECK(seen_read.calls == 1 && seen_read.a == 0x9000018 && seen_read.b == 4);

	one(APP_EV_MMIO_WRITE, write, 0, 0, 0, 0);
	CHECK(seen_write.calls == 1 && seen_write.a == 0x9000000 && seen_write.b == 2);
	CHECK(seen_write.c == 0xffffffffffffff41ull);

	one(APP_EV_CALL, call, 10, 0, 12, 0);
	CHECK(seen_call.calls == 1 && seen_call.a == 0xc6000020u && seen_call.b == 0);
	CHECK(call_args[0] == 1 && call_args[5] == 6);

	one(APP_EV_TIMER, timer, 0, 0, 0, 0);
	CHECK(seen_timer.calls == 1 && seen_timer.a == 123456789);

	one(APP_EV_RESET, reset, 7, 0, 0, 0);
	CHECK(seen_reset.calls == 1 && seen_reset.a == APP_RESET_FAULT && seen_reset.b == 5);
	CHECK(device_at_reset.file_size == 8192 && device_at_reset.mmio_base == 0xa000000);
	CHECK(device_at_reset.mmio_size == 0x200 && device_at_reset.irq == 40);
	CHECK(device_at_reset.hwcaps == 0);

	one(APP_EV_INPUT, input, 0, 0, 0, 0);
	CHECK(seen_input.calls == 1 && seen_input.a == 0x0a6968 && seen_input.b == 3);
#else
	/* crt0's defaults: 0 for INIT, MMIO_READ, RESET; NOT_SUPPORTED for CALL. */
	one(APP_EV_INIT, init, 0, 0, 0, 0);
	CHECK(app_device.mmio_base == 0x9000000 && app_device.hwcaps == APP_HWCAP_RNDR);
	one(APP_EV_MMIO_READ, read, 0, 0, 0, 0);
	one(APP_EV_MMIO_WRITE, write, 0, 0, 0, 0);
	one(APP_EV_CALL, call, APP_SMCCC_NOT_SUPPORTED, 0, 0, 0);
	one(APP_EV_TIMER, timer, 0, 0, 0, 0);
	one(APP_EV_RESET, reset, 0, 0, 0, 0);
	CHECK(app_device.mmio_base == 0xa000000 && app_device.irq == 40);
	one(APP_EV_INPUT, input, 0, 0, 0, 0);
#endif
	CHECK(npanics == 0);
}

/* Many requests per wake-up, across the ring's wrap, completed in order. */
static void test_batches_and_wrap(void)
{
	static const uint64_t timer[7] = { 1 };
	unsigned int i, batch;

	fresh_ring();
	for (batch = 0; batch < 3; batch++) {
		unsigned int n = batch == 1 ? STUB_RING_SLOTS : 9;
		unsigned int before = ndone;

		if (batch == 1)
			ndone = before = 0;	/* room for a whole ring */
		for (i = 0; i < n; i++)
			post(APP_EV_TIMER, timer);
		CHECK(serve() == 0);
		CHECK(ndone == before + n);
		for (i = 0; i < n; i++)
			CHECK(done[before + i].seq == next_post - n + i);
		/* Nothing new: serving again completes nothing. */
		CHECK(serve() == 0 && ndone == before + n);
	}
	CHECK(next_serve.seq == 9 + STUB_RING_SLOTS + 9 && next_serve.idx == 9 + 9);
	CHECK(npanics == 0);
}

/* Garbage from the hypervisor is a PANIC naming it, and nothing completes. */
static void expect_panic(const char *what)
{
	unsigned int before_done = ndone, before_panics = npanics;

	CHECK(serve() == 1);
	CHECK(npanics == before_panics + 1 && ndone == before_done);
	if (!strstr(panic_text, what)) {
		fprintf(stderr, "panic text \"%s\" lacks \"%s\"\n", panic_text, what);
		exit(1);
	}
}

static void test_garbage(void)
{
	static const uint64_t none[7];

	fresh_ring();
	post(99, none);
	expect_panic("stub runtime: unknown event 99 in request 0");

	fresh_ring();
	post(APP_EV_TIMER, none);
	ring.slot[0].seq = 5;
	expect_panic("ring slot 0 holds request 5, not 0");

	fresh_ring();
	ring.req_prod = STUB_RING_SLOTS + 1;
	expect_panic("req_prod 32 with request 0 next");

	fresh_ring();
	next_serve = (struct stub_cursor){ 3, 3 };
	ring.req_prod = 2;	/* gone back */
	expect_panic("req_prod 2 with request 3 next");

	fresh_ring();
	stub_check_ring(&ring);		/* the right version: no panic */
	CHECK(npanics == 3 + 1 && ndone == 0);
	ring.abi_version = STUB_ABI_VERSION + 1;
	panic_armed = 1;
	if (!setjmp(panic_jump)) {
		stub_check_ring(&ring);
		CHECK(!"a wrong ABI version was accepted");
	}
	CHECK(strstr(panic_text, "ring ABI version 2, this runtime speaks 1"));
}

static void test_exception_report(void)
{
	panic_armed = 1;
	if (!setjmp(panic_jump))
		stub_exception(4, 0x96000045, 0x40081234, 0x3ffffff8);
	CHECK(strcmp(panic_text, "stub runtime: synchronous exception from EL1: ESR 0x96000045 "
				 "(EC 0x25), ELR 0x40081234, FAR 0x3ffffff8") == 0);
	panic_armed = 1;
	if (!setjmp(panic_jump))
		stub_exception(7, 0xbe000000, 0x40080010, 0);
	CHECK(strstr(panic_text, "SError exception from EL1: ESR 0xbe000000 (EC 0x2f)"));
}

int main(void)
{
	test_events();
	test_batches_and_wrap();
	test_garbage();
	test_exception_report();
	printf("stubdom runtime test%s: passed\n",
#ifdef TEST_NULL_OPS
	       " (no handlers)"
#else
	       ""
#endif
	);
	return 0;
}
