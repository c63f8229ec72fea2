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
#include "app_internal.h"

#define FAULT_TEXT_MAX (APP_LOG_MAX + 96)

/* --- classification of an exit that is not a syscall ------------------------------- */

static enum app_fault_kind classify(const struct vcpu_context *ctx, char *text, size_t size)
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

struct run {
	struct vcpu_context ctx;
	uint64_t deadline;		/* counter ticks */
	enum app_fault_kind kind;
	char text[FAULT_TEXT_MAX];
};

/* An SVC: a syscall. Returns true to resume the app, false on RETURN or a fault. */
static bool handle_svc(struct app *a, struct run *r, bool *returned)
{
	uint64_t sysno = r->ctx.gprs.x[8];
	const char *detail = NULL;
	int err;

	if (esr_iss(r->ctx.esr) & 0xffff) {
		r->kind = APP_FAULT_SYSCALL;
		format(r->text, sizeof(r->text), "bad syscall: svc #%#x (the immediate must be 0)",
		       esr_iss(r->ctx.esr) & 0xffff);
		return false;
	}
	if (sysno == APP_SYS_RETURN) {
		*returned = true;
		return false;
	}
	err = app_syscall(a, sysno, r->ctx.gprs.x, &detail);
	if (err == APP_OK)
		return true;		/* ELR is already past the SVC */
	if (err == APP_E_PANIC) {
		r->kind = APP_FAULT_PANIC;
		format(r->text, sizeof(r->text), "panic: %s", detail ? detail : "");
	} else {
		const char *name = app_syscall_name(sysno);

		r->kind = APP_FAULT_SYSCALL;
		if (name)
			format(r->text, sizeof(r->text), "bad syscall %s: APP_E_%s%s%s", name,
			       app_error_name(err), detail ? ", " : "", detail ? detail : "");
		else
			format(r->text, sizeof(r->text), "bad syscall number %lu: APP_E_NOSYS",
			       sysno);
	}
	return false;
}

/* Run the app from r->ctx until it returns (true) or faults (false, r->kind/text set). */
static bool run_until_return(struct app *a, struct run *r)
{
	for (;;) {
		uint64_t exit = el0_run(&a->space, &r->ctx);
		bool returned = false;

		if (exit == EXIT_IRQ) {
			irq_handle_pending();
			if (timer_now() >= r->deadline) {
				r->kind = APP_FAULT_BUDGET;
				format(r->text, sizeof(r->text), "budget of %u us overrun",
				       a->cfg->budget_us);
				return false;
			}
			continue;
		}
		if (exit == EXIT_SYNC && esr_ec(r->ctx.esr) == ESR_EC_SVC64) {
			if (handle_svc(a, r, &returned))
				continue;
			return returned;
		}
		if (exit != EXIT_SYNC) {
			r->kind = APP_FAULT_UNDEF;
			format(r->text, sizeof(r->text), "unexpected exception kind %lu", exit);
			return false;
		}
		r->kind = classify(&r->ctx, r->text, sizeof(r->text));
		return false;
	}
}

/*
 * One event, a->lock held. The vCPU that trapped (if any) stays loaded:
 * only the EL0 state it shares with the app (SP_EL0, TPIDR_EL0,
 * TPIDRRO_EL0) changes hands around the run.
 */
static bool run_event(struct app *a, struct run *r, uint64_t ev, const uint64_t args[7])
{
	struct el0_shared shared;
	bool ok;

	memset(&r->ctx.gprs, 0, sizeof(r->ctx.gprs));
	r->ctx.gprs.x[0] = ev;
	for (unsigned i = 0; i < 7; i++)
		r->ctx.gprs.x[i + 1] = args[i];
	r->ctx.gprs.pc = a->entry;
	r->deadline = timer_now() + a->budget_ticks;
	timer_guard_set(r->deadline);
	el0_switch_in(&shared, APP_STACK_TOP);
	ok = run_until_return(a, r);
	el0_switch_out(&shared);
	timer_guard_clear();
	return ok;
}

/* --- faults ---------------------------------------------------------------------------- */

static void reset_after_fault(struct app *a)
{
	uint64_t args[7] = { APP_RESET_FAULT, a->dom->id };
	struct run r;

	app_device_args(a, &args[2]);
	app_release_resources(a);
	app_reload_memory(a);
	a->stats.resets++;
	a->stats.events[APP_EV_RESET]++;
	if (!run_event(a, &r, APP_EV_RESET, args)) {
		a->disabled = true;
		a->stats.faults[r.kind]++;
		printk("elvisor: app %s/%s fault: %s (in its reset handler); app disabled\n",
		       a->dom->name, a->cfg->name, r.text);
		app_release_resources(a);
	} else if ((int64_t)r.ctx.gprs.x[0] < 0) {
		a->disabled = true;
		a->stats.faults[APP_FAULT_REFUSED]++;
		app_release_resources(a);
		printk("elvisor: app %s/%s fault: INIT refused (its reset handler returned %ld); "
		       "app disabled\n", a->dom->name, a->cfg->name, (long)(int64_t)r.ctx.gprs.x[0]);
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

static void account(struct app *a, struct vcpu *v, uint64_t ev, uint64_t queued,
		    uint64_t start, uint64_t end)
{
	uint64_t ran = end - start, total = end - queued;

	a->stats.events[ev]++;
	a->stats.ticks += ran;
	a->stats.latency[app_latency_bucket(total)]++;
	if (total > a->stats.max_ticks)
		a->stats.max_ticks = total;
	if (v) {
		/* The trapping vCPU's own time: its wait for the app included. */
		v->stats.ns_app += total;
		v->stats.app_ticks[a->index] += total;
	} else {
		a->stats.domain_ticks += total;
	}
}

enum app_outcome app_deliver(struct app *a, struct vcpu *v, uint64_t ev, const uint64_t args[7],
			     uint64_t results[4])
{
	uint64_t queued = timer_now(), start;
	enum app_outcome outcome = APP_UNAVAILABLE;
	struct run r;

	spin_lock(&a->lock);
	start = timer_now();
	if (!a->disabled) {
		if (run_event(a, &r, ev, args)) {
			for (unsigned i = 0; i < 4; i++)
				results[i] = r.ctx.gprs.x[i];
			outcome = APP_DONE;
		} else {
			app_fault(a, r.kind, r.text);
			outcome = APP_FAULTED;
		}
	}
	account(a, v, ev, queued, start, timer_now());
	spin_unlock(&a->lock);
	return outcome;
}
