/*
 * app-faults: EL0 apps that fault, and apps that reach beyond their grant.
 * The domain's apps are instances of apps/faulty (see faulty.h): the guest
 * asks one to misbehave in the handler of an MMIO read, an MMIO write or a
 * call, then checks what it got back and that the app recovered.
 *
 * Suite "faults" (configs/tests/app-faults.dts), three instances:
 *   rst  on-fault "reset",   fault-answer "ignore", budget 2000 us, irqs <34>
 *   abt  on-fault "reset",   fault-answer "abort",  budget 2000 us
 *   off  on-fault "disable", fault-answer "ignore"
 *  1. every instance serves: ID, echo, write counter, marker, NOP by MMIO
 *     and by HVC/SMC;
 *  2. on rst and abt, each fault kind (budget overrun, NULL load and store,
 *     stack overflow, FP and undefined instructions, unknown syscall, LOG
 *     too long and from a hypervisor address, PANIC, store to its text,
 *     jump into its data), once from a read, a write and a call: a read
 *     gives 0 and a write is ignored (rst) or both take a synchronous
 *     external data abort at the accessed address (abt); a call gets
 *     NOT_SUPPORTED (-1) from both. Afterwards the app was reset
 *     (APP_RESET_FAULT), its memory is as loaded (write counter 0, marker
 *     back to its .data value) and it serves again. A loop is stopped by
 *     its budget: the app time charged to this vCPU (VCPU_TIMES x2) grows
 *     by at least the budget and at most twice it plus 1 ms;
 *  3. a fault reset also deasserts the interrupt line the app had raised;
 *  4. off faults once and stays disabled: everything reads as zero, calls
 *     get -1, and a command that would loop is never run (no app time).
 *
 * Suite "isolation" (configs/tests/app-isolation.dts, bootargs
 * faults.isolation=1), one instance "iso" (reset, ignore, irqs <33 34>):
 *  1. loads and stores at addresses outside the app's address space: the
 *     hypervisor's own (its linear map and text in the upper half), raw
 *     physical addresses of RAM (where other domains live), devices: each
 *     is an app fault, and a load from the app's own image is not;
 *  2. APP_SYS_MAP_GUEST of IPAs outside this domain's RAM: an app fault
 *     without APP_MAP_TRY, APP_E_FAULT returned with it; a page of our RAM
 *     maps, reads and writes as it should;
 *  3. this domain's RAM beyond what the app mapped: the page after a mapping,
 *     guest-window addresses never mapped, a store through a read-only
 *     mapping: app faults, our RAM unchanged;
 *  4. IRQ_SET/IRQ_CLEAR of INTIDs the manifest does not grant: app faults,
 *     the line stays low; a granted one works;
 *  5. no word of our free RAM holds the app's poison value.
 * The victim domain (guests/app-victim.c) checks its own RAM meanwhile.
 *
 * bootargs: faults.delay_ms (default 0): sleep before starting, so that the
 * victim has filled its RAM first (the scenarios check the order).
 */
#include "guest.h"
#include "mmio.h"
#include "../apps/faulty/faulty.h"
#include "abi/app.h"
#include "lib/format.h"

#define DFSC_SYNC_EXTERNAL 0x10
#define SMCCC_NOT_SUPPORTED_U64 0xffffffffffffffffUL

struct instance {
	const char *name;
	uint64_t base;			/* MMIO page */
	uint32_t fid;			/* first function ID of its block */
	bool aborts;			/* fault-answer = "abort" */
	uint64_t budget_us;		/* budget-us */
};

static const struct instance inst_rst = { "rst", 0x0a000000, FAULTY_FID_BASE, false, 2000 };
static const struct instance inst_abt = { "abt", 0x0a001000, FAULTY_FID_BASE + 0x100, true, 2000 };
static const struct instance inst_off = { "off", 0x0a002000, FAULTY_FID_BASE + 0x200, false, 2000 };
static const struct instance inst_iso = { "iso", 0x0a000000, FAULTY_FID_BASE, false, 10000 };

static uint64_t reg_read(const struct instance *in, uint64_t off)
{
	return mmio_read64(in->base + off);
}

static void reg_write(const struct instance *in, uint64_t off, uint64_t v)
{
	mmio_write64(in->base + off, v);
}

/* ---- health and recovery -------------------------------------------------- */

static unsigned echo_seq;

/* The app answers: ID, an echo round trip, and a write counter that counts it. */
static bool serves(const struct instance *in, const char *when)
{
	uint64_t id = reg_read(in, FAULTY_REG_ID), w0, w1, v;
	uint64_t pattern = 0xec40000000000000UL + ++echo_seq;

	if (!CHECK(id == FAULTY_ID, "%s %s: ID %#lx", in->name, when, id))
		return false;
	w0 = reg_read(in, FAULTY_REG_WRITES);
	reg_write(in, FAULTY_REG_ECHO, pattern);
	v = reg_read(in, FAULTY_REG_ECHO);
	w1 = reg_read(in, FAULTY_REG_WRITES);
	return CHECK(v == pattern, "%s %s: echo %#lx, wrote %#lx", in->name, when, v, pattern) &&
	       CHECK(w1 == w0 + 1, "%s %s: write counter %lu -> %lu", in->name, when, w0, w1);
}

/* State a fault reset must undo: a write count, a changed marker, an echo. */
static void dirty(const struct instance *in)
{
	reg_write(in, FAULTY_REG_MARKER, 0x1111222233334444UL);
	reg_write(in, FAULTY_REG_ECHO, 0x5555666677778888UL);
}

/* Since dirty(): no fault happened (the state is still there). */
static bool still_dirty(const struct instance *in, const char *what)
{
	uint64_t m = reg_read(in, FAULTY_REG_MARKER), w = reg_read(in, FAULTY_REG_WRITES);

	return CHECK(m == 0x1111222233334444UL && w >= 2,
		     "%s %s: the app was reset (marker %#lx, %lu writes), no fault expected",
		     in->name, what, m, w);
}

/* The app faulted and was reset: fresh memory, RESET(FAULT) seen, serving. */
static void was_reset(const struct instance *in, const char *what)
{
	uint64_t reason = reg_read(in, FAULTY_REG_LAST_RESET);
	uint64_t w = reg_read(in, FAULTY_REG_WRITES);
	uint64_t m = reg_read(in, FAULTY_REG_MARKER);
	uint64_t e = reg_read(in, FAULTY_REG_ECHO);

	CHECK(reason == APP_RESET_FAULT, "%s after %s: last reset reason %lu, expected %u",
	      in->name, what, reason, APP_RESET_FAULT);
	CHECK(w == 0, "%s after %s: write counter %lu, expected 0 (bss not re-zeroed)",
	      in->name, what, w);
	CHECK(m == FAULTY_MARKER_INIT,
	      "%s after %s: marker %#lx, expected %#llx (data not re-copied)", in->name, what, m,
	      FAULTY_MARKER_INIT);
	CHECK(e == 0, "%s after %s: echo %#lx, expected 0", in->name, what, e);
	serves(in, what);
}

/* ---- triggering a command ------------------------------------------------- */

enum trigger { BY_READ, BY_WRITE, BY_HVC, BY_SMC };
static const char *const trigger_name[] = { "read", "write", "hvc", "smc" };

/* An abort the hypervisor injected for an app fault: sync external, at addr. */
static void check_abort(const struct probe_result *r, uint64_t addr, const char *what)
{
	CHECK(r->ec == EC_DABT_CUR, "%s: exception class %#x (%s), expected a data abort", what,
	      r->ec, esr_ec_name(r->ec));
	CHECK((r->esr & 0x3f) == DFSC_SYNC_EXTERNAL, "%s: DFSC %#lx, expected %#x", what,
	      r->esr & 0x3f, DFSC_SYNC_EXTERNAL);
	CHECK(r->far == addr, "%s: FAR %#lx, expected %#lx", what, r->far, addr);
}

/* Run command cmd so that it faults; check the guest's side of the answer. */
static void fault_by(const struct instance *in, unsigned cmd, enum trigger how, const char *what)
{
	uint64_t addr = in->base + FAULTY_REG_CMD(cmd), v = 0;
	struct probe_result r;
	struct smccc_res res;
	bool aborted;

	switch (how) {
	case BY_READ:
	case BY_WRITE:
		if (how == BY_READ)
			aborted = probe_read(addr, 8, &v, &r);
		else
			aborted = probe_write(addr, 8, 1, &r);
		if (in->aborts) {
			if (CHECK(aborted, "%s by %s: no abort", what, trigger_name[how]))
				check_abort(&r, addr, what);
		} else {
			CHECK(!aborted, "%s by %s: aborted (ESR %#lx), expected %s", what,
			      trigger_name[how], r.esr, how == BY_READ ? "zero" : "ignored");
			CHECK(v == 0, "%s by read: %#lx, expected read-as-zero", what, v);
		}
		break;
	case BY_HVC:
	case BY_SMC:
		(how == BY_HVC ? smccc_hvc : smccc_smc)(in->fid + cmd, 1, 2, 3, 4, 5, 6, &res);
		CHECK(res.a0 == SMCCC_NOT_SUPPORTED_U64, "%s by %s: x0 = %#lx, expected -1", what,
		      trigger_name[how], res.a0);
		break;
	}
}

/* Run command cmd by MMIO read: it must complete; its result. */
static uint64_t command(const struct instance *in, unsigned cmd, uint64_t arg)
{
	reg_write(in, FAULTY_REG_ARG, arg);
	return reg_read(in, FAULTY_REG_CMD(cmd));
}

/* Run command cmd with arg, by write, expecting an app fault and a reset. */
static void command_faults(const struct instance *in, unsigned cmd, uint64_t arg, const char *what)
{
	dirty(in);
	reg_write(in, FAULTY_REG_ARG, arg);
	fault_by(in, cmd, BY_WRITE, what);
	was_reset(in, what);
}

/* ---- suite "faults" ------------------------------------------------------- */

static const struct {
	unsigned cmd;
	const char *name;
} fault_kinds[] = {
	{ FAULTY_CMD_LOOP, "budget overrun" },
	{ FAULTY_CMD_NULL_READ, "NULL load" },
	{ FAULTY_CMD_NULL_WRITE, "NULL store" },
	{ FAULTY_CMD_STACK, "stack overflow" },
	{ FAULTY_CMD_FP, "FP instruction" },
	{ FAULTY_CMD_UNDEF, "undefined instruction" },
	{ FAULTY_CMD_SYSCALL_NR, "unknown syscall" },
	{ FAULTY_CMD_LOG_LONG, "LOG too long" },
	{ FAULTY_CMD_LOG_POINTER, "LOG of hypervisor memory" },
	{ FAULTY_CMD_PANIC, "PANIC" },
	{ FAULTY_CMD_WRITE_TEXT, "store to text" },
	{ FAULTY_CMD_EXEC_DATA, "jump into data" },
};

static void check_healthy(const struct instance *in)
{
	struct smccc_res res;
	uint64_t v;

	serves(in, "at start");
	v = reg_read(in, FAULTY_REG_MARKER);
	CHECK(v == FAULTY_MARKER_INIT, "%s: marker %#lx at start", in->name, v);
	v = reg_read(in, FAULTY_REG_LAST_RESET);
	CHECK(v == 0, "%s: reset (reason %lu) before any fault", in->name, v);
	v = reg_read(in, FAULTY_REG_CMD(FAULTY_CMD_NOP));
	CHECK(v == FAULTY_NOP_RESULT, "%s: NOP by read gave %#lx", in->name, v);
	smccc_hvc(in->fid + FAULTY_CMD_NOP, 0, 0, 0, 0, 0, 0, &res);
	CHECK(res.a0 == FAULTY_NOP_RESULT && res.a1 == FAULTY_CMD_NOP,
	      "%s: NOP by HVC gave x0 %#lx x1 %#lx", in->name, res.a0, res.a1);
	smccc_smc(in->fid + FAULTY_CMD_NOP, 0, 0, 0, 0, 0, 0, &res);
	CHECK(res.a0 == FAULTY_NOP_RESULT, "%s: NOP by SMC gave x0 %#lx", in->name, res.a0);
}

/* ns this vCPU spent in apps (ELVISOR_HVC_VCPU_TIMES x2). */
static uint64_t app_ns(void)
{
	struct smccc_res res;

	smccc_hvc(ELVISOR_HVC_VCPU_TIMES, 0, 0, 0, 0, 0, 0, &res);
	return res.a2;
}

/*
 * A loop is stopped once its budget is used up: not before, and not much
 * later. By the app time charged to this vCPU: the elapsed time may include
 * another domain's turn on a shared pCPU.
 */
static void loop_stopped_in_time(const struct instance *in, enum trigger how, const char *what)
{
	uint64_t start = timer_now(), before = app_ns(), us, app_us;

	fault_by(in, FAULTY_CMD_LOOP, how, what);
	app_us = (app_ns() - before) / 1000;
	us = ticks_to_us(timer_now() - start);
	CHECK(us >= in->budget_us, "%s: over after %lu us, the budget is %lu us", what, us,
	      in->budget_us);
	CHECK(app_us >= in->budget_us && app_us <= 2 * in->budget_us + 1000,
	      "%s: %lu us in the app, the budget is %lu us", what, app_us, in->budget_us);
}

/* Every fault kind, by read, write and call; the app recovers each time. */
static void fault_each_kind(const struct instance *in)
{
	static const enum trigger hows[] = { BY_READ, BY_WRITE, BY_HVC };
	char what[80];

	for (unsigned k = 0; k < ARRAY_SIZE(fault_kinds); k++) {
		/* Shows where it stopped, should a fault hang. */
		printf("%s: %s\n", in->name, fault_kinds[k].name);
		for (unsigned h = 0; h < ARRAY_SIZE(hows); h++) {
			/* The SMC conduit once per instance, for the last kind. */
			enum trigger how = hows[h] == BY_HVC && k == ARRAY_SIZE(fault_kinds) - 1
						   ? BY_SMC : hows[h];

			format(what, sizeof(what), "%s: %s by %s", in->name, fault_kinds[k].name,
			       trigger_name[how]);
			dirty(in);
			if (fault_kinds[k].cmd == FAULTY_CMD_LOOP)
				loop_stopped_in_time(in, how, what);
			else
				fault_by(in, fault_kinds[k].cmd, how, what);
			was_reset(in, what);
		}
	}
	printf("%s: %u fault kinds by read, write and call: answered and recovered\n", in->name,
	       (unsigned)ARRAY_SIZE(fault_kinds));
}

/* A fault reset deasserts the lines the app had raised. */
static void reset_clears_irq(const struct instance *in, unsigned intid)
{
	uint64_t r = command(in, FAULTY_CMD_IRQ_SET, intid);

	CHECK(r == 0, "%s: IRQ_SET(%u) returned %#lx", in->name, intid, r);
	CHECK(gic_irq_pending(intid), "%s: INTID %u not pending after IRQ_SET", in->name, intid);
	command_faults(in, FAULTY_CMD_NULL_READ, 0, "NULL load with a line raised");
	CHECK(!gic_irq_pending(intid), "%s: INTID %u still pending after the app's reset",
	      in->name, intid);
}

/* One fault disables the app for good: read-as-zero, calls -1, nothing runs. */
static void disable_policy(const struct instance *in)
{
	struct smccc_res res;
	uint64_t v, start, us;

	fault_by(in, FAULTY_CMD_NULL_READ, BY_READ, "off: NULL load by read");
	for (unsigned i = 0; i < 3; i++) {
		v = reg_read(in, FAULTY_REG_ID);
		CHECK(v == 0, "off (disabled): ID reads %#lx, expected 0", v);
		reg_write(in, FAULTY_REG_ECHO, 0x1234);
		v = reg_read(in, FAULTY_REG_ECHO);
		CHECK(v == 0, "off (disabled): echo reads %#lx, expected 0", v);
		v = reg_read(in, FAULTY_REG_CMD(FAULTY_CMD_NOP));
		CHECK(v == 0, "off (disabled): NOP reads %#lx, expected 0", v);
		smccc_hvc(in->fid + FAULTY_CMD_NOP, 0, 0, 0, 0, 0, 0, &res);
		CHECK(res.a0 == SMCCC_NOT_SUPPORTED_U64, "off (disabled): NOP call x0 %#lx",
		      res.a0);
		/* Would overrun its budget if it still ran (the scenario forbids that line). */
		start = app_ns();
		fault_by(in, FAULTY_CMD_LOOP, BY_READ, "off (disabled): loop by read");
		us = (app_ns() - start) / 1000;
		CHECK(us < in->budget_us / 2,
		      "off (disabled): %lu us in the app for a loop command", us);
	}
}

static void suite_faults(void)
{
	check_healthy(&inst_rst);
	check_healthy(&inst_abt);
	check_healthy(&inst_off);
	fault_each_kind(&inst_rst);
	fault_each_kind(&inst_abt);
	reset_clears_irq(&inst_rst, 34);
	disable_policy(&inst_off);
	/* The others are unaffected by off's end. */
	serves(&inst_rst, "at the end");
	serves(&inst_abt, "at the end");
}

/* ---- suite "isolation" ----------------------------------------------------- */

/* A page of our RAM the app may map, and the page after it, which it never maps. */
static uint64_t shared_page[2][512] __attribute__((aligned(4096)));

static void raw_access(const struct instance *in, uint64_t va, const char *what)
{
	char text[96];

	format(text, sizeof(text), "load from %#lx (%s)", va, what);
	command_faults(in, FAULTY_CMD_RAW_READ, va, text);
	format(text, sizeof(text), "store to %#lx (%s)", va, what);
	command_faults(in, FAULTY_CMD_RAW_WRITE, va, text);
}

static void raw_addresses(const struct instance *in)
{
	static const struct {
		uint64_t va;
		const char *what;
	} targets[] = {
		{ 0xffff000040000000UL, "hypervisor: linear map of RAM" },
		{ FAULTY_HYP_VA, "hypervisor: text" },
		{ 0xffff000048000000UL, "hypervisor: linear map, +128 MiB" },
		{ 0xffff000050000000UL, "hypervisor: linear map, +256 MiB" },
		{ 0xffff00005ff00000UL, "hypervisor: linear map, RAM end" },
		/* Where the victim's RAM is with today's allocator (the boot log says). */
		{ 0xffff000040c00000UL, "hypervisor: linear map of the victim's RAM" },
		{ 0x40c00000UL, "physical: the victim's RAM" },
		{ 0xfffffffffffff000UL, "top page" },
		{ 0x40000000UL, "physical RAM start" },
		{ 0x40080000UL, "physical: hypervisor image" },
		{ 0x48000000UL, "physical RAM +128 MiB" },
		{ 0x50000000UL, "physical RAM +256 MiB" },
		{ 0x5ff00000UL, "physical RAM end" },
		{ 0x08000000UL, "physical: GIC distributor" },
		{ 0x09000000UL, "physical: UART" },
		{ 0x7ffef000UL, "below the stack" },
		{ 0x80000000UL, "above the stack" },
	};
	uint64_t v;

	for (unsigned i = 0; i < ARRAY_SIZE(targets); i++)
		raw_access(in, targets[i].va, targets[i].what);
	/* The control: the app's own image is readable. */
	dirty(in);
	v = command(in, FAULTY_CMD_RAW_READ, APP_IMAGE_VA_MIN);
	CHECK(v != 0, "load from the app's own text gave 0");
	still_dirty(in, "load from its own text");
	printf("iso: %u raw addresses refused (load and store)\n", (unsigned)ARRAY_SIZE(targets));
}

static void map_outside(const struct instance *in, uint64_t ram_top)
{
	const uint64_t ipas[] = {
		ram_top, ram_top + (16UL << 20), GUEST_RAM_BASE - 0x1000, GICD_BASE,
		0x09000000UL, 0x0a000000UL, 0x80000000UL, 0x100000000UL,
	};
	char what[80];
	uint64_t r;

	for (unsigned i = 0; i < ARRAY_SIZE(ipas); i++) {
		dirty(in);
		r = command(in, FAULTY_CMD_MAP_TRY, ipas[i]);
		CHECK(r == (uint64_t)(int64_t)APP_E_FAULT, "MAP_GUEST|TRY of IPA %#lx returned %ld",
		      ipas[i], (int64_t)r);
		still_dirty(in, "MAP_GUEST|TRY outside RAM");
		format(what, sizeof(what), "MAP_GUEST of IPA %#lx", ipas[i]);
		command_faults(in, FAULTY_CMD_MAP, ipas[i], what);
	}
	printf("iso: %u IPAs outside our RAM refused (TRY: returned)\n",
	       (unsigned)ARRAY_SIZE(ipas));
}

static void map_inside(const struct instance *in)
{
	uint64_t ipa = (uint64_t)&shared_page[0][8], r;

	WRITE_ONCE(shared_page[0][8], 0x0123456789abcdefUL);
	dsb(sy);
	dirty(in);
	r = command(in, FAULTY_CMD_MAP_TRY, ipa);
	CHECK(r == 0, "MAP_GUEST|TRY of our own page returned %ld", (int64_t)r);
	r = command(in, FAULTY_CMD_MAP_READ, ipa);
	CHECK(r == 0x0123456789abcdefUL, "the app read %#lx from our page", r);
	reg_write(in, FAULTY_REG_ECHO, 0xfeedfacecafebeefUL);
	command(in, FAULTY_CMD_MAP_WRITE, ipa);
	r = READ_ONCE(shared_page[0][8]);
	CHECK(r == 0xfeedfacecafebeefUL, "the app's store to our page: %#lx", r);
	still_dirty(in, "mapping our own page");
}

static void beyond_mapping(const struct instance *in)
{
	uint64_t ipa = (uint64_t)&shared_page[0][0];

	WRITE_ONCE(shared_page[0][0], 0x00c0ffee00c0ffeeUL);
	WRITE_ONCE(shared_page[1][0], 0x00c0ffee00c0ffeeUL);
	dsb(sy);
	command_faults(in, FAULTY_CMD_MAP_OVERRUN, ipa, "load past a one-page mapping");
	command_faults(in, FAULTY_CMD_MAP_RO_WRITE, ipa, "store through a read-only mapping");
	CHECK(READ_ONCE(shared_page[0][0]) == 0x00c0ffee00c0ffeeUL,
	      "our page changed through a read-only mapping: %#lx", shared_page[0][0]);
	command_faults(in, FAULTY_CMD_WINDOW_READ, 0, "load from the guest window, unmapped");
	command_faults(in, FAULTY_CMD_WINDOW_READ, 0x40000000UL,
		       "load from the guest window at our RAM's IPA");
	command_faults(in, FAULTY_CMD_WINDOW_READ, APP_GUEST_WINDOW_SIZE - 8,
		       "load from the guest window's last word");
	CHECK(READ_ONCE(shared_page[1][0]) == 0x00c0ffee00c0ffeeUL, "the page after changed: %#lx",
	      shared_page[1][0]);
}

static void interrupts(const struct instance *in)
{
	static const unsigned denied[] = { 40, 35, 95, 27, 1, 96, 1023 };
	char what[64];
	uint64_t r;

	dirty(in);
	r = command(in, FAULTY_CMD_IRQ_SET, 33);
	CHECK(r == 0 && gic_irq_pending(33), "granted IRQ_SET(33): %ld, pending %d", (int64_t)r,
	      gic_irq_pending(33));
	r = command(in, FAULTY_CMD_IRQ_CLEAR, 33);
	CHECK(r == 0 && !gic_irq_pending(33), "granted IRQ_CLEAR(33): %ld, pending %d", (int64_t)r,
	      gic_irq_pending(33));
	still_dirty(in, "granted interrupt");
	for (unsigned i = 0; i < ARRAY_SIZE(denied); i++) {
		format(what, sizeof(what), "IRQ_SET(%u), not granted", denied[i]);
		command_faults(in, FAULTY_CMD_IRQ_SET, denied[i], what);
		if (denied[i] >= 32 && denied[i] < GUEST_NR_IRQS)
			CHECK(!gic_irq_pending(denied[i]),
			      "INTID %u pending after a refused IRQ_SET", denied[i]);
	}
	command_faults(in, FAULTY_CMD_IRQ_CLEAR, 41, "IRQ_CLEAR(41), not granted");
}

/* Nothing the app tried to store landed anywhere in our free RAM. */
static void no_poison(uint64_t ram_top)
{
	uint64_t from = (image_end() + 7) & ~7UL, to = ram_top - GUEST_DTB_SPACE, found = 0;

	for (uint64_t a = from; a < to; a += 8)
		if (*(volatile uint64_t *)a == FAULTY_POISON && found++ < 4)
			printf("[guest] poison at %#lx\n", a);
	CHECK(found == 0, "%lu words of our RAM hold the app's poison", found);
}

static void suite_isolation(void)
{
	uint64_t ram_top = ram_end();

	if (!CHECK(ram_top > GUEST_RAM_BASE, "no RAM size in the device tree"))
		return;
	check_healthy(&inst_iso);
	raw_addresses(&inst_iso);
	map_outside(&inst_iso, ram_top);
	map_inside(&inst_iso);
	beyond_mapping(&inst_iso);
	interrupts(&inst_iso);
	no_poison(ram_top);
	serves(&inst_iso, "at the end");
}

void guest_main(void)
{
	bool isolation = bootarg_uint_or("faults.isolation", 0) != 0;
	uint64_t start;

	test_init(isolation ? "app-isolation" : "app-faults");
	gic_init();
	/* Give the victim domain time to fill its RAM before anything happens. */
	sleep_us(bootarg_uint_or("faults.delay_ms", 0) * 1000);
	printf("starting the %s suite\n", isolation ? "isolation" : "faults");
	start = timer_now();
	if (isolation)
		suite_isolation();
	else
		suite_faults();
	printf("%s suite done in %lu ms\n", isolation ? "isolation" : "faults",
	       ticks_to_ms(timer_now() - start));
	test_done();
}
