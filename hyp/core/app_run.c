/*
 * Running an event in an app (see core/app_internal.h): the round trip to
 * EL0 on the calling pCPU, the syscall loop, the per-event budget, the
 * classification of everything else as an app fault, and the fault policy
 * (reset: memory re-initialised and APP_EV_RESET; disable).
 */
#include "arch/esr.h"
#include "core/console.h"
#include "core/irq.h"
#include "core/vcpu.h"
#include "drivers/timer.h"
#include "lib/format.h"
#include "lib/string.h"
#include "core/stubdom.h"
#include "app_internal.h"

/* --- classification of an exit that is not a syscall ------------------------------- */

/* Cold paths are kept out of line: the round trip's frame stays small. */
#define cold __attribute__((noinline, cold))

cold static enum app_fault_kind classify(const struct vcpu_context *ctx, char *text,
					 size_t size)
{
	unsigned ec = esr_ec(ctx->esr);
	uint64_t far = ctx->far;

	switch (ec) {
	case ESR_EC_DABT_LOW:
		if (far < APP_STACK_BASE && far >= APP_STACK_BASE - APP_STACK_GUARD) {
			format(text, size, "stack overflow (access at %#lx, pc %#lx)", far,
			       ctx->gprs.pc);
			return APP_FAULT_STACK;
		}
		format(text, size, "data abort at %#lx (pc %#lx, %s)", far, ctx->gprs.pc,
		       ctx->esr & ESR_DABT_WNR ? "write" : "read");
		return APP_FAULT_DATA_ABORT;
	case ESR_EC_IABT_LOW:
		format(text, size, "instruction abort at %#lx", ctx->gprs.pc);
		return APP_FAULT_INSN_ABORT;
	case ESR_EC_FP_ASIMD:
	case ESR_EC_SVE:
		format(text, size, "FP/SIMD instruction at pc %#lx", ctx->gprs.pc);
		return APP_FAULT_FPSIMD;
	case ESR_EC_SP_ALIGN:
	case ESR_EC_PC_ALIGN:
		format(text, size, "data abort: %s misaligned (pc %#lx)",
		       ec == ESR_EC_SP_ALIGN ? "SP" : "PC", ctx->gprs.pc);
		return APP_FAULT_DATA_ABORT;
	default:
		format(text, size, "undefined instruction at pc %#lx (EC %#x)", ctx->gprs.pc, ec);
		return APP_FAULT_UNDEF;
	}
}

/* --- one run of the app --------------------------------------------------------------- */

/*
 * How a run ended: APP_RAN_OK when the app returned, else the fault kind
 * (its text in a->fault_text). The app's registers are its own a->ctx.
 * Everything is passed by value: no address-taken locals, so no stack
 * canary on the app path.
 */
#define APP_RAN_OK APP_FAULT_KINDS
/* handle_svc's answer when the app is to run on. */
#define APP_RESUME (APP_FAULT_KINDS + 1)

cold unsigned app_syscall_fault(struct app *a, uint64_t sysno, int err)
{
	const char *detail = a->detail[0] ? a->detail : NULL;
	const char *name = app_syscall_name(sysno);

	if (err == APP_E_PANIC) {
		format(a->fault_text, sizeof(a->fault_text), "panic: %s", detail ? detail : "");
		return APP_FAULT_PANIC;
	}
	if (name)
		format(a->fault_text, sizeof(a->fault_text), "bad syscall %s: APP_E_%s%s%s", name,
		       app_error_name(err), detail ? ", " : "", detail ? detail : "");
	else
		format(a->fault_text, sizeof(a->fault_text), "bad syscall number %lu: APP_E_NOSYS",
		       sysno);
	return APP_FAULT_SYSCALL;
}

cold static unsigned bad_svc_immediate(struct app *a)
{
	format(a->fault_text, sizeof(a->fault_text), "bad syscall: svc #%#x (the immediate must be 0)",
	       esr_iss(a->ctx.esr) & 0xffff);
	return APP_FAULT_SYSCALL;
}

/* An SVC: APP_RESUME, APP_RAN_OK (RETURN) or a fault kind. */
static unsigned handle_svc(struct app *a)
{
	uint64_t sysno = a->ctx.gprs.x[8];
	int err;

	if (esr_iss(a->ctx.esr) & 0xffff)
		return bad_svc_immediate(a);
	if (sysno == APP_SYS_RETURN)
		return APP_RAN_OK;
	err = app_syscall(a, sysno, a->ctx.gprs.x);
	if (err == APP_OK)
		return APP_RESUME;	/* ELR is already past the SVC */
	return app_syscall_fault(a, sysno, err);
}

cold static unsigned budget_overrun(struct app *a)
{
	format(a->fault_text, sizeof(a->fault_text), "budget of %u us overrun", a->cfg->budget_us);
	return APP_FAULT_BUDGET;
}

cold static unsigned odd_exit(struct app *a, uint64_t exit)
{
	format(a->fault_text, sizeof(a->fault_text), "unexpected exception kind %lu", exit);
	return APP_FAULT_UNDEF;
}

/* Run the app from a->ctx until it returns or faults (see APP_RAN_OK). */
static unsigned run_until_return(struct app *a, uint64_t deadline)
{
	for (;;) {
		uint64_t exit = el0_run(&a->space, &a->ctx);
		unsigned outcome;

		if (exit == EXIT_IRQ) {
			irq_handle_pending();
			if (timer_now() < deadline)
				continue;
			return budget_overrun(a);
		}
		if (exit != EXIT_SYNC)
			return odd_exit(a, exit);
		if (esr_ec(a->ctx.esr) != ESR_EC_SVC64)
			return classify(&a->ctx, a->fault_text, sizeof(a->fault_text));
		outcome = handle_svc(a);
		if (outcome != APP_RESUME)
			return outcome;
	}
}

/*
 * One event, a->lock held. The vCPU that trapped (if any) stays loaded:
 * only the EL0 state it shares with the app (SP_EL0, TPIDR_EL0,
 * TPIDRRO_EL0) changes hands around the run. x8..x30 keep the app's own
 * values from its last run (abi/app.h): nobody else's data is ever there,
 * and not zeroing them keeps the path short.
 */
static unsigned run_event(struct app *a, uint64_t ev, uint64_t now)
{
	struct guest_gprs *g = &a->ctx.gprs;
	uint64_t deadline = now + a->budget_ticks;
	struct el0_shared shared;
	unsigned outcome;

	g->x[0] = ev;
	g->pc = a->entry;
	g->pstate = 0;
	timer_guard_set(deadline);
	shared = el0_switch_in(APP_STACK_TOP);
	outcome = run_until_return(a, deadline);
	el0_switch_out(shared);
	timer_guard_clear();
	return outcome;
}

/* The event's arguments into x1..x7 (a->lock held). */
static void set_args(struct app *a, const uint64_t args[7])
{
	uint64_t *x = a->ctx.gprs.x;

	x[1] = args[0];
	x[2] = args[1];
	x[3] = args[2];
	x[4] = args[3];
	x[5] = args[4];
	x[6] = args[5];
	x[7] = args[6];
}

/* --- faults ---------------------------------------------------------------------------- */

/* Cold: kept out of app_deliver, whose hot path then needs no stack canary. */
__attribute__((noinline)) static void reset_after_fault(struct app *a)
{
	uint64_t args[7] = { APP_RESET_FAULT, a->dom->id };
	unsigned outcome;

	app_device_args(a, &args[2]);
	app_release_resources(a);
	app_reload_memory(a);
	a->stats.resets++;
	a->stats.events[APP_EV_RESET]++;
	set_args(a, args);
	outcome = run_event(a, APP_EV_RESET, timer_now());
	if (outcome != APP_RAN_OK) {
		a->disabled = true;
		a->stats.faults[outcome]++;
		printk("elvisor: app %s/%s fault: %s (in its reset handler); app disabled\n",
		       a->dom->name, a->cfg->name, a->fault_text);
		app_release_resources(a);
	} else if ((int64_t)a->ctx.gprs.x[0] < 0) {
		app_refused_locked(a, (int64_t)a->ctx.gprs.x[0], "its reset handler");
	}
}

/* Count, report and apply the manifest's policy. */
static void app_fault(struct app *a, enum app_fault_kind kind, const char *text)
{
	bool disable = a->cfg->disable_on_fault;

	a->stats.faults[kind]++;
	printk("elvisor: app %s/%s fault: %s; app %s\n", a->dom->name, a->cfg->name, text,
	       disable ? "disabled" : "reset");
	if (disable) {
		a->disabled = true;
		app_release_resources(a);
	} else {
		reset_after_fault(a);
	}
}

/* --- delivery --------------------------------------------------------------------------- */

/* From the trap (queued: before waiting for the app) to the answer (end). */
static void account(struct app *a, struct vcpu *v, uint64_t ev, uint64_t queued, uint64_t end)
{
	uint64_t total = end - queued;

	app_stats_add(a, ev, total, false);
	if (v)
		vcpu_charge_app(v, a->index, total);	/* its wait for the app included */
	else
		a->stats.domain_ticks += total;
}

/* The event whose arguments are in a->ctx, a->lock held; releases it. */
static inline __attribute__((always_inline)) enum app_outcome
deliver_locked(struct app *a, struct vcpu *v, uint64_t ev,
				       uint64_t queued, uint64_t results[4])
{
	enum app_outcome outcome = APP_UNAVAILABLE;
	unsigned ran;

	if (!a->disabled) {
		/* The budget counts from entry: waiting for a busy app is not this app's fault. */
		ran = run_event(a, ev, timer_now());
		if (ran == APP_RAN_OK) {
			results[0] = a->ctx.gprs.x[0];
			results[1] = a->ctx.gprs.x[1];
			results[2] = a->ctx.gprs.x[2];
			results[3] = a->ctx.gprs.x[3];
			outcome = APP_DONE;
		} else {
			app_fault(a, ran, a->fault_text);
			outcome = APP_FAULTED;
		}
	}
	account(a, v, ev, queued, timer_now());
	spin_unlock(&a->lock);
	return outcome;
}

enum app_outcome app_deliver(struct app *a, struct vcpu *v, uint64_t ev, const uint64_t args[7],
			     uint64_t results[4])
{
	uint64_t queued = timer_now();

	if (__builtin_expect(a->stub != NULL, 0))
		return (enum app_outcome)stub_deliver(a, v, ev, args);

	spin_lock(&a->lock);
	set_args(a, args);
	return deliver_locked(a, v, ev, queued, results);
}

enum app_outcome app_deliver3(struct app *a, struct vcpu *v, uint64_t ev, uint64_t arg1,
			      uint64_t arg2, uint64_t arg3, uint64_t results[4])
{
	uint64_t queued = timer_now();
	uint64_t *x = a->ctx.gprs.x;

	if (__builtin_expect(a->stub != NULL, 0))
		return (enum app_outcome)stub_deliver3(a, v, ev, arg1, arg2, arg3);
	spin_lock(&a->lock);
	x[1] = arg1;
	x[2] = arg2;
	x[3] = arg3;
	x[4] = x[5] = x[6] = x[7] = 0;
	return deliver_locked(a, v, ev, queued, results);
}
