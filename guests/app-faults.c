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
 * With faults.stub=1 the devices are stub domains (elvisor,stubdom:
 * faulty-stub.bin, docs/stubdom.md) and both suites run as above, with
 * these differences, each where the two models differ:
 *  - "store to text" and "jump into data" are left out: a stub runs with
 *    its MMU off (HCR_EL2.DC), so it has no page protections of its own;
 *  - the garbage completion is a fault kind (FAULTY_CMD_BAD_COMPLETE: the
 *    stub completes a request that is not the oldest outstanding), and
 *    hypercalls a stub domain has no service for (PSCI, the guest
 *    hypercalls, a device's SiP range, by HVC and SMC) return
 *    NOT_SUPPORTED and are no fault;
 *  - raw addresses are IPAs of the stub domain (its MMU is off: VA = IPA),
 *    so the physical addresses of other domains and of the hypervisor are
 *    reached, if at all, as IPAs outside its RAM; its own RAM and its ring
 *    are the controls (readable), and a store to its ring is a fault.
 * The time a vCPU waits for a stub domain is charged to it as app time
 * (core/vcpu.c), so the loop's budget check is the same.
 *
 * bootargs: faults.delay_ms (default 0): sleep before starting, so that the
 * victim has filled its RAM first (the scenarios check the order);
 * faults.stub (default 0): the devices are stub domains; faults.budget_us
 * (default 2000, isolation 10000): the instances' budget-us;
 * faults.disable (default 0): only off's disable policy, then a pause of
 * faults.linger_ms (default 0) in which the scenario lists the domains and
 * devices at the console, then the policy again.
 */
#include "guest.h"
#include "mmio.h"
#include "../apps/faulty/faulty.h"
#include "abi/app.h"
#include "abi/stubdom.h"
#include "abi/hypercall.h"
#include "abi/psci.h"
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

/* budget_us is the manifest's (faults.budget_us when it is not the default). */
static struct instance inst_rst = { "rst", 0x0a000000, FAULTY_FID_BASE, false, 2000 };
static struct instance inst_abt = { "abt", 0x0a001000, FAULTY_FID_BASE + 0x100, true, 2000 };
static struct instance inst_off = { "off", 0x0a002000, FAULTY_FID_BASE + 0x200, false, 2000 };
static struct instance inst_iso = { "iso", 0x0a000000, FAULTY_FID_BASE, false, 10000 };

/* The devices are stub domains (faults.stub=1), not EL0 apps. */
static bool stub_mode;

/* A request seq no stub is ever serving when the guest asks for a garbage completion. */
#define BAD_SEQ 0xbad5e9UL

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

/* Which model a fault kind applies to (see the differences at the top). */
#define FOR_APP 1u
#define FOR_STUB 2u

static const struct {
	unsigned cmd;
	const char *name;
	unsigned models;
	uint64_t arg;		/* FAULTY_REG_ARG for the command */
} fault_kinds[] = {
	{ FAULTY_CMD_LOOP, "budget overrun", FOR_APP | FOR_STUB, 0 },
	{ FAULTY_CMD_NULL_READ, "NULL load", FOR_APP | FOR_STUB, 0 },
	{ FAULTY_CMD_NULL_WRITE, "NULL store", FOR_APP | FOR_STUB, 0 },
	{ FAULTY_CMD_STACK, "stack overflow", FOR_APP | FOR_STUB, 0 },
	{ FAULTY_CMD_FP, "FP instruction", FOR_APP | FOR_STUB, 0 },
	{ FAULTY_CMD_UNDEF, "undefined instruction", FOR_APP | FOR_STUB, 0 },
	{ FAULTY_CMD_SYSCALL_NR, "unknown syscall", FOR_APP | FOR_STUB, 0 },
	{ FAULTY_CMD_LOG_LONG, "LOG too long", FOR_APP | FOR_STUB, 0 },
	{ FAULTY_CMD_LOG_POINTER, "LOG of hypervisor memory", FOR_APP | FOR_STUB, 0 },
	{ FAULTY_CMD_BAD_COMPLETE, "garbage completion", FOR_STUB, BAD_SEQ },
	{ FAULTY_CMD_PANIC, "PANIC", FOR_APP | FOR_STUB, 0 },
	/* With its MMU off a stub has no page protections: app only. */
	{ FAULTY_CMD_WRITE_TEXT, "store to text", FOR_APP, 0 },
	{ FAULTY_CMD_EXEC_DATA, "jump into data", FOR_APP, 0 },
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

/* us this vCPU waited for the answer to command cmd, which faults. */
static uint64_t timed_fault(const struct instance *in, unsigned cmd, enum trigger how,
			    const char *what)
{
	uint64_t start = timer_now();

	fault_by(in, cmd, how, what);
	return ticks_to_us(timer_now() - start);
}

/*
 * A loop is stopped once its budget is used up: not before, and not much
 * later. By the app time charged to this vCPU: the elapsed time may include
 * another domain's turn on a shared pCPU. An app's reset is cheap, so the
 * answer comes within twice the budget plus 1 ms. A stub domain's restart
 * is a domain reload (its RAM zeroed, its image loaded), which the answered
 * vCPU may wait behind on its pCPU: the reference is a crash (a NULL load,
 * answered at once and restarted the same way), and the loop must be
 * answered within the budget plus that crash's time plus 1 ms.
 */
static void loop_stopped_in_time(const struct instance *in, enum trigger how, const char *what)
{
	uint64_t crash_us = 0, start, before, us, app_us, most;

	if (stub_mode) {
		crash_us = timed_fault(in, FAULTY_CMD_NULL_READ, how, what);
		dirty(in);
	}
	start = timer_now();
	before = app_ns();
	fault_by(in, FAULTY_CMD_LOOP, how, what);
	app_us = (app_ns() - before) / 1000;
	us = ticks_to_us(timer_now() - start);
	most = stub_mode ? in->budget_us + crash_us + 1000 : 2 * in->budget_us + 1000;
	if (stub_mode)
		printf("%s: answered after %lu us, %lu us of it in the app (a crash: %lu us)\n",
		       what, us, app_us, crash_us);
	CHECK(us >= in->budget_us, "%s: over after %lu us, the budget is %lu us", what, us,
	      in->budget_us);
	CHECK(app_us >= in->budget_us && app_us <= most,
	      "%s: %lu us in the app, the budget is %lu us (at most %lu us expected)", what,
	      app_us, in->budget_us, most);
}

/* Every fault kind, by read, write and call; the app recovers each time. */
static void fault_each_kind(const struct instance *in)
{
	static const enum trigger hows[] = { BY_READ, BY_WRITE, BY_HVC };
	unsigned model = stub_mode ? FOR_STUB : FOR_APP, kinds = 0, last = 0;
	char what[80];

	for (unsigned k = 0; k < ARRAY_SIZE(fault_kinds); k++)
		if (fault_kinds[k].models & model)
			last = k;
	for (unsigned k = 0; k < ARRAY_SIZE(fault_kinds); k++) {
		if (!(fault_kinds[k].models & model))
			continue;
		kinds++;
		/* Shows where it stopped, should a fault hang. */
		printf("%s: %s\n", in->name, fault_kinds[k].name);
		for (unsigned h = 0; h < ARRAY_SIZE(hows); h++) {
			/* The SMC conduit once per instance, for the last kind. */
			enum trigger how = hows[h] == BY_HVC && k == last ? BY_SMC : hows[h];

			format(what, sizeof(what), "%s: %s by %s", in->name, fault_kinds[k].name,
			       trigger_name[how]);
			dirty(in);
			reg_write(in, FAULTY_REG_ARG, fault_kinds[k].arg);
			if (fault_kinds[k].cmd == FAULTY_CMD_LOOP)
				loop_stopped_in_time(in, how, what);
			else
				fault_by(in, fault_kinds[k].cmd, how, what);
			was_reset(in, what);
		}
	}
	printf("%s: %u fault kinds by read, write and call: answered and recovered\n", in->name,
	       kinds);
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

/*
 * Hypercalls a stub domain has no service for: each returns NOT_SUPPORTED
 * and is no fault (the stub keeps its state), SYSTEM_OFF and SYSTEM_RESET
 * included (the scenario forbids the stub domain's "system off"/"reset"),
 * and the ID of a device's own call range reaches no device from there.
 */
static void stub_unknown_calls(const struct instance *in)
{
	static const struct {
		unsigned cmd;
		uint32_t fid;
	} calls[] = {
		{ FAULTY_CMD_STUB_HVC, STUB_HVC_SYSCALL + 1 },
		{ FAULTY_CMD_STUB_HVC, ELVISOR_HVC_CONSOLE_WRITE },
		{ FAULTY_CMD_STUB_HVC, ELVISOR_HVC_VCPU_TIMES },
		{ FAULTY_CMD_STUB_HVC, PSCI_VERSION },
		{ FAULTY_CMD_STUB_HVC, PSCI_CPU_ON_64 },
		{ FAULTY_CMD_STUB_HVC, PSCI_SYSTEM_OFF },
		{ FAULTY_CMD_STUB_HVC, PSCI_SYSTEM_RESET },
		{ FAULTY_CMD_STUB_HVC, FAULTY_FID_BASE + FAULTY_CMD_NOP },
		{ FAULTY_CMD_STUB_HVC, 0xffffffffu },
		{ FAULTY_CMD_STUB_SMC, PSCI_VERSION },
		{ FAULTY_CMD_STUB_SMC, PSCI_SYSTEM_OFF },
		{ FAULTY_CMD_STUB_SMC, FAULTY_FID_BASE + FAULTY_CMD_NOP },
	};
	uint64_t r;

	dirty(in);
	for (unsigned i = 0; i < ARRAY_SIZE(calls); i++) {
		r = command(in, calls[i].cmd, calls[i].fid);
		CHECK(r == SMCCC_NOT_SUPPORTED_U64, "%s: %s %#x from the stub domain returned %#lx",
		      in->name, calls[i].cmd == FAULTY_CMD_STUB_HVC ? "HVC" : "SMC", calls[i].fid,
		      r);
	}
	still_dirty(in, "hypercalls without a service");
	serves(in, "after hypercalls without a service");
	printf("%s: %u hypercalls without a service returned NOT_SUPPORTED\n", in->name,
	       (unsigned)ARRAY_SIZE(calls));
}

/*
 * Suite "disable" (faults.disable=1): off alone, its disable policy, then
 * a pause of faults.linger_ms for the scenario to list the stopped stub
 * domain at the console while this domain and the victim still run.
 */
static void suite_disable(void)
{
	check_healthy(&inst_off);
	disable_policy(&inst_off);
	printf("off: disabled; the console may list it now\n");
	sleep_us(bootarg_uint_or("faults.linger_ms", 0) * 1000);
	disable_policy(&inst_off);
}

static void suite_faults(void)
{
	check_healthy(&inst_rst);
	check_healthy(&inst_abt);
	check_healthy(&inst_off);
	if (stub_mode)
		stub_unknown_calls(&inst_rst);
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

struct raw_target {
	uint64_t va;
	const char *what;
};

/*
 * A stub domain's MMU is off, so its addresses are IPAs: the hypervisor's
 * and the other domains' physical RAM is out of reach unless its stage 2
 * maps it, and it maps only its own RAM (4 MiB at 0x40000000), its ring,
 * the guest window and its file. Each address below is outside those.
 */
static const struct raw_target stub_targets[] = {
	{ 0xffff000040000000UL, "hypervisor: linear map of RAM" },
	{ FAULTY_HYP_VA, "hypervisor: text" },
	{ 0xfffffffffffff000UL, "top page" },
	/* Physical addresses of the boot log's domains (today's allocator). */
	{ 0x40200000UL + 0x400000, "physical: the attacker's RAM, past the stub's own 4 MiB" },
	{ 0x40c00000UL, "physical: its own RAM's page, as an IPA" },
	{ 0x41200000UL, "physical: the victim's RAM" },
	{ 0x41c00000UL, "physical: the victim's stub domain's RAM" },
	{ 0x48000000UL, "physical RAM +128 MiB" },
	{ 0x5ff00000UL, "physical RAM end" },
	{ 0x08000000UL, "physical: GIC distributor" },
	{ 0x080a0000UL, "physical: GIC redistributors" },
	{ 0x09000000UL, "physical: UART" },
	{ 0x0a000000UL, "the device it serves, at its IPA" },
	{ 0x3ffff000UL, "the page below its RAM" },
	{ 0x40400000UL, "the page after its RAM" },
	{ STUB_RING_IPA + 0x1000, "the page after its ring" },
	{ APP_FILE_BASE, "its file window (no file)" },
};

/* A stub's ring is read-only to it: a load is no fault, a store is one. */
static void stub_ring(const struct instance *in)
{
	uint64_t v;

	dirty(in);
	v = command(in, FAULTY_CMD_RAW_READ, STUB_RING_IPA + 8);
	CHECK(v == STUB_ABI_VERSION, "the stub read ABI version %lu from its ring", v);
	still_dirty(in, "load from its ring");
	command_faults(in, FAULTY_CMD_RAW_WRITE, STUB_RING_IPA, "store to its ring");
	command_faults(in, FAULTY_CMD_RAW_WRITE, STUB_RING_IPA + 8, "store to its ring's version");
}

static void raw_addresses(const struct instance *in)
{
	static const struct raw_target app_targets[] = {
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
	const struct raw_target *targets = stub_mode ? stub_targets : app_targets;
	unsigned n = stub_mode ? ARRAY_SIZE(stub_targets) : ARRAY_SIZE(app_targets);
	uint64_t v;

	for (unsigned i = 0; i < n; i++)
		raw_access(in, targets[i].va, targets[i].what);
	/* The control: the app's own image is readable (a stub's is at its RAM's base + 0x80000). */
	dirty(in);
	v = command(in, FAULTY_CMD_RAW_READ, stub_mode ? 0x40080000UL : APP_IMAGE_VA_MIN);
	CHECK(v != 0, "load from the app's own text gave 0");
	still_dirty(in, "load from its own text");
	if (stub_mode)
		stub_ring(in);
	printf("iso: %u raw addresses refused (load and store)\n", n);
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

	stub_mode = bootarg_uint_or("faults.stub", 0) != 0;
	inst_rst.budget_us = inst_abt.budget_us = inst_off.budget_us =
		bootarg_uint_or("faults.budget_us", 2000);
	inst_iso.budget_us = bootarg_uint_or("faults.budget_us", 10000);
	test_init(isolation ? "app-isolation" : "app-faults");
	gic_init();
	/* Give the victim domain time to fill its RAM before anything happens. */
	sleep_us(bootarg_uint_or("faults.delay_ms", 0) * 1000);
	printf("starting the %s suite\n", isolation ? "isolation" : "faults");
	start = timer_now();
	if (isolation)
		suite_isolation();
	else if (bootarg_uint_or("faults.disable", 0))
		suite_disable();
	else
		suite_faults();
	printf("%s suite done in %lu ms\n", isolation ? "isolation" : "faults",
	       ticks_to_ms(timer_now() - start));
	test_done();
}
