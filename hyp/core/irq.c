/* Dispatch of physical interrupts to the handlers registered for them. */
#include "core/console.h"
#include "core/irq.h"
#include "core/percpu.h"
#include "drivers/gic.h"

struct irq_action {
	irq_handler_fn fn;
	void *ctx;
};

static struct irq_action actions[IRQ_MAX];

int irq_register(uint32_t intid, irq_handler_fn fn, void *ctx)
{
	if (intid >= IRQ_MAX || actions[intid].fn)
		return -1;
	actions[intid].ctx = ctx;
	__atomic_store_n(&actions[intid].fn, fn, __ATOMIC_RELEASE);
	return 0;
}

void irq_handle_pending(void)
{
	for (;;) {
		uint32_t intid = gic_ack();
		irq_handler_fn fn;

		if (intid >= IRQ_MAX)
			return;		/* spurious: nothing (more) pending */
		this_cpu()->irqs++;
		fn = __atomic_load_n(&actions[intid].fn, __ATOMIC_ACQUIRE);
		if (fn)
			fn(intid, actions[intid].ctx);
		else
			printk("elvisor: irq: no handler for INTID %u on CPU %u\n",
			       intid, this_cpu_id());
		gic_eoi(intid);
	}
}
