/*
 * The stub runtime's request loop: the stub domain's equivalent of an EL0
 * app's crt0 (apps/sdk/crt0.S). The hypervisor posts each event for the app
 * into the ring page (abi/stubdom.h); this takes them in order, runs the
 * app's handler for each exactly as crt0 does (same defaults for a NULL
 * handler, same arguments, same results), and completes each with
 * STUB_HVC_COMPLETE. Nothing is logged and nothing copied per request: the
 * handler reads a CALL's arguments straight from the ring slot, which the
 * hypervisor leaves alone until the request is complete.
 */
#include "app.h"
#include "abi/stubdom.h"
#include "arch.h"
#include "stub.h"

_Static_assert(STUB_ABI_VERSION == 1, "this runtime speaks version 1 of abi/stubdom.h");

/* INIT's x2..x6 (RESET's x3..x7), stored where the SDK expects them. */
static void set_device(const uint64_t *a)
{
	app_device.file_size = a[0];
	app_device.mmio_base = a[1];
	app_device.mmio_size = a[2];
	app_device.irq = a[3];
	app_device.hwcaps = a[4];
}

/* APP_EV_CALL: x1 = function ID, x2..x7 = the caller's x1..x6. */
static void serve_call(uint64_t seq, const uint64_t *a)
{
	uint64_t res[4] = { 0, 0, 0, 0 };

	if (app_ops.call)
		app_ops.call((uint32_t)a[0], &a[1], res);
	else
		res[0] = APP_SMCCC_NOT_SUPPORTED;
	stub_complete(seq, res[0], res[1], res[2], res[3]);
}

/*
 * One request: the handler for its event, then its completion. Only INIT,
 * MMIO_READ and RESET have a result besides CALL's; the others complete
 * with zeros, so nothing stale reaches the hypervisor.
 */
static void serve_one(uint64_t seq, const struct stub_slot *slot)
{
	const uint64_t *a = slot->args;
	uint64_t r = 0;

	switch (slot->event) {
	case APP_EV_INIT:
		set_device(&a[1]);
		if (app_ops.init)
			r = (uint64_t)app_ops.init(a[0]);
		break;
	case APP_EV_MMIO_READ:
		if (app_ops.mmio_read)
			r = app_ops.mmio_read(a[0], (unsigned int)a[1]);
		break;
	case APP_EV_MMIO_WRITE:
		if (app_ops.mmio_write)
			app_ops.mmio_write(a[0], (unsigned int)a[1], a[2]);
		break;
	case APP_EV_CALL:
		serve_call(seq, a);
		return;
	case APP_EV_TIMER:
		if (app_ops.timer)
			app_ops.timer(a[0]);
		break;
	case APP_EV_RESET:
		set_device(&a[2]);
		if (app_ops.reset)
			r = (uint64_t)app_ops.reset(a[0], a[1]);
		break;
	case APP_EV_INPUT:
		if (app_ops.input)
			app_ops.input(a[1], (unsigned int)a[0]);
		break;
	default:
		/* An ABI mismatch, as an unknown event number is for crt0. */
		app_panic("stub runtime: unknown event %llu in request %llu",
			  (unsigned long long)slot->event, (unsigned long long)seq);
	}
	stub_complete(seq, r, 0, 0, 0);
}

void stub_serve(const struct stub_ring *ring, struct stub_cursor *next)
{
	uint64_t seq = next->seq;
	unsigned int idx = next->idx;
	/* Acquire: the slots the hypervisor filled before publishing are visible. */
	uint64_t prod = __atomic_load_n(&ring->req_prod, __ATOMIC_ACQUIRE);

	/* More than a ring's worth outstanding (or req_prod gone back) is garbage. */
	if (prod - seq > STUB_RING_SLOTS)
		app_panic("stub runtime: req_prod %llu with request %llu next",
			  (unsigned long long)prod, (unsigned long long)seq);
	for (; seq != prod; seq++) {
		const struct stub_slot *slot = &ring->slot[idx];

		if (slot->seq != seq)
			app_panic("stub runtime: ring slot %u holds request %llu, not %llu", idx,
				  (unsigned long long)slot->seq, (unsigned long long)seq);
		serve_one(seq, slot);
		if (++idx == STUB_RING_SLOTS)
			idx = 0;
		/* Completed: the next request counts from here even if a later one panics. */
		next->seq = seq + 1;
		next->idx = idx;
	}
}

void stub_check_ring(const struct stub_ring *ring)
{
	uint64_t version = __atomic_load_n(&ring->abi_version, __ATOMIC_ACQUIRE);

	if (version != STUB_ABI_VERSION)
		app_panic("stub runtime: ring ABI version %llu, this runtime speaks %u",
			  (unsigned long long)version, (unsigned int)STUB_ABI_VERSION);
}

void stub_main(void)
{
	const struct stub_ring *ring = stub_ring();
	struct stub_cursor next = { 0, 0 };

	stub_check_ring(ring);
	for (;;) {
		stub_serve(ring, &next);
		stub_wait();
	}
}
