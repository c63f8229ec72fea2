/*
 * Where guests meet their apps: MMIO traps and HVC/SMC calls in an app's
 * ranges (run on the trapping vCPU's time), app timers and console input
 * (run at the next safe point of the pCPU they arrived on, charged to the
 * domain), and domain reset/stop. A faulted or disabled app gives the
 * guest the manifest's answer: read-as-zero/write-ignored or an abort for
 * MMIO, SMCCC NOT_SUPPORTED for calls.
 */
#include "core/console.h"
#include "core/percpu.h"
#include "core/stubdom.h"
#include "core/vcpu.h"
#include "drivers/timer.h"
#include "app_internal.h"

/* Set when a timer or console input for some app arrived on that pCPU. */
_Atomic bool apps_deferred_pending[PLATFORM_MAX_CPUS];

/* --- MMIO ----------------------------------------------------------------------------- */

__no_canary static bool app_mmio_read(struct vcpu *v, void *ctx, uint64_t offset, unsigned size,
			  uint64_t *value)
{
	struct app *a = ctx;
	uint64_t res[4];

	if (app_deliver3(a, v, APP_EV_MMIO_READ, a->cfg->mmio_base + offset, size, 0, res) !=
	    APP_DONE) {
		*value = 0;
		return !a->cfg->abort_on_fault;
	}
	*value = size < 8 ? res[0] & ((1UL << (size * 8)) - 1) : res[0];
	return true;
}

__no_canary static bool app_mmio_write(struct vcpu *v, void *ctx, uint64_t offset, unsigned size,
			   uint64_t value)
{
	struct app *a = ctx;
	uint64_t res[4];

	if (app_deliver3(a, v, APP_EV_MMIO_WRITE, a->cfg->mmio_base + offset, size, value, res) !=
	    APP_DONE)
		return !a->cfg->abort_on_fault;
	return true;
}

static const struct mmio_ops app_mmio_ops = {
	.read = app_mmio_read,
	.write = app_mmio_write,
};

int app_register_mmio(struct app *a)
{
	return domain_add_mmio(a->dom, a->cfg->mmio_base, a->cfg->mmio_size, &app_mmio_ops, a,
			       a->cfg->name);
}

/* --- HVC / SMC --------------------------------------------------------------------------- */

static struct app *app_for_call(struct domain *d, uint32_t fn)
{
	for (unsigned i = 0; i < d->napps; i++) {
		const struct app_config *c = d->apps[i]->cfg;

		for (unsigned k = 0; k < c->ncalls; k++)
			if (fn >= c->calls[k].first && fn <= c->calls[k].last)
				return d->apps[i];
	}
	return NULL;
}

__no_canary bool apps_handle_call(struct vcpu *v, uint64_t regs[7])
{
	struct app *a = app_for_call(v->dom, (uint32_t)regs[0]);
	uint64_t args[7], res[4];

	if (!a)
		return false;
	args[0] = (uint32_t)regs[0];
	for (unsigned i = 1; i < 7; i++)
		args[i] = regs[i];
	if (app_deliver(a, v, APP_EV_CALL, args, res) != APP_DONE) {
		regs[0] = APP_SMCCC_NOT_SUPPORTED;
		return true;
	}
	for (unsigned i = 0; i < 4; i++)
		regs[i] = res[i];
	return true;
}

/* --- deferred events: timers and console input ------------------------------------------ */

static void note_deferred(void)
{
	atomic_store(&apps_deferred_pending[this_cpu_id()], true);
}

void app_timer_fired(struct timer_event *ev)
{
	struct app *a = ev->arg;

	atomic_store(&a->timer_due, true);
	note_deferred();
}

bool apps_console_input(struct domain *d, uint8_t c)
{
	for (unsigned i = 0; i < d->napps; i++) {
		struct app *a = d->apps[i];
		uint64_t flags;

		if (!a->cfg->console)
			continue;
		flags = spin_lock_irqsave(&a->input_lock);
		if ((a->input_head + 1) % APP_INPUT_RING == a->input_tail)
			a->input_dropped++;
		else {
			a->input[a->input_head] = c;
			a->input_head = (a->input_head + 1) % APP_INPUT_RING;
		}
		spin_unlock_irqrestore(&a->input_lock, flags);
		note_deferred();
		return true;
	}
	return false;
}

bool apps_have_console(const struct domain *d)
{
	for (unsigned i = 0; i < d->napps; i++)
		if (d->apps[i]->cfg->console)
			return true;
	return false;
}

/* Up to APP_INPUT_MAX bytes from the ring, packed little-endian; 0 if empty. */
static unsigned take_input(struct app *a, uint64_t *bytes)
{
	uint64_t flags = spin_lock_irqsave(&a->input_lock);
	unsigned n = 0;

	*bytes = 0;
	while (n < APP_INPUT_MAX && a->input_tail != a->input_head) {
		*bytes |= (uint64_t)a->input[a->input_tail] << (8 * n++);
		a->input_tail = (a->input_tail + 1) % APP_INPUT_RING;
	}
	spin_unlock_irqrestore(&a->input_lock, flags);
	return n;
}

static void run_deferred_for(struct app *a)
{
	uint64_t res[4], bytes;
	bool expected = true;
	unsigned n;

	if (atomic_compare_exchange_strong(&a->timer_due, &expected, false) &&
	    app_deliver3(a, NULL, APP_EV_TIMER, a->timer_deadline_ns, 0, 0, res) ==
		    APP_UNAVAILABLE && a->stub)
		atomic_store(&a->timer_due, true);	/* no room in the ring: at a completion */
	/* A stub domain takes input a batch at a time; the rest stays in the ring. */
	while (!(a->stub && stub_input_busy(a)) && (n = take_input(a, &bytes)) != 0)
		app_deliver3(a, NULL, APP_EV_INPUT, n, bytes, 0, res);
}

uint64_t apps_run_deferred_now(void)
{
	unsigned cpu = this_cpu_id();
	uint64_t start = timer_now();

	atomic_store(&apps_deferred_pending[cpu], false);
	for (unsigned i = 0; i < napps; i++)
		run_deferred_for(apps[i]);
	return timer_now() - start;
}

/* --- the domain's life cycle -------------------------------------------------------------- */

void apps_domain_stop(struct domain *d)
{
	for (unsigned i = 0; i < d->napps; i++) {
		struct app *a = d->apps[i];

		if (a->stub)
			stub_forget_waiters(a);
		spin_lock(&a->lock);
		app_release_resources(a);
		spin_unlock(&a->lock);
	}
}

void apps_domain_reset(struct domain *d)
{
	for (unsigned i = 0; i < d->napps; i++) {
		struct app *a = d->apps[i];
		uint64_t args[7] = { APP_RESET_DOMAIN, d->id }, res[4];

		app_device_args(a, &args[2]);
		if (a->stub)
			stub_target_reset(a);
		spin_lock(&a->lock);
		app_release_resources(a);
		if (a->disabled) {
			/* A power cycle of the domain gives a disabled app a fresh start. */
			app_reload_memory(a);
			a->disabled = false;
		}
		a->stats.resets++;
		spin_unlock(&a->lock);
		if (app_deliver(a, NULL, APP_EV_RESET, args, res) == APP_DONE && (int64_t)res[0] < 0)
			app_refused(a, (int64_t)res[0], "its reset after a domain reset");
	}
}
