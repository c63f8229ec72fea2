/* EL1 exception handling: catch what is expected, report the rest. */
#include "arch.h"
#include "config.h"
#include "console.h"
#include "exceptions.h"
#include "percpu.h"
#include "probe.h"
#include "test.h"
#include "timer.h"

static const char *const kind_names[16] = {
	"sync (SP_EL0)", "IRQ (SP_EL0)", "FIQ (SP_EL0)", "SError (SP_EL0)",
	"sync", "IRQ", "FIQ", "SError",
	"sync from EL0", "IRQ from EL0", "FIQ from EL0", "SError from EL0",
	"sync from AArch32", "IRQ from AArch32", "FIQ from AArch32", "SError from AArch32",
};

const char *esr_ec_name(unsigned ec)
{
	switch (ec) {
	case EC_UNKNOWN: return "undefined instruction";
	case EC_WFX: return "WFI/WFE";
	case EC_FP: return "FP/SIMD access";
	case EC_ILLEGAL: return "illegal execution state";
	case EC_SVC64: return "SVC";
	case EC_HVC64: return "HVC";
	case EC_SMC64: return "SMC";
	case EC_SYSREG: return "system register access";
	case EC_SVE: return "SVE access";
	case 0x20: return "instruction abort from EL0";
	case EC_IABT_CUR: return "instruction abort";
	case EC_PC_ALIGN: return "PC alignment";
	case 0x24: return "data abort from EL0";
	case EC_DABT_CUR: return "data abort";
	case EC_SP_ALIGN: return "SP alignment";
	case EC_SERROR: return "SError";
	case 0x30: case 0x31: return "breakpoint";
	case 0x32: case 0x33: return "software step";
	case 0x34: case 0x35: return "watchpoint";
	case EC_BRK: return "BRK";
	default: return "other";
	}
}

static void record(struct percpu *c, const struct exc_frame *f, bool sync)
{
	c->caught.esr = f->esr;
	c->caught.far = f->far;
	c->caught.elr = f->elr;
	if (sync)
		c->caught.sync = true;
	else
		c->caught.serror = true;
}

/* Exceptions taken after the instruction: ELR already points past it. */
static bool ec_returns_past(unsigned ec)
{
	return ec == EC_SVC64 || ec == EC_HVC64 || ec == EC_SMC64;
}

static bool catch_sync(struct exc_frame *f)
{
	struct percpu *c = this_cpu();
	uint64_t fixup = extable_fixup(f->elr);

	if (fixup) {
		record(c, f, true);
		f->elr = fixup;
		return true;
	}
	if (c->exec_armed) {
		bool past = ec_returns_past(esr_ec(f->esr));

		if (f->elr == c->exec_pc + (past ? 4 : 0)) {
			record(c, f, true);
			f->elr = c->exec_pc + 4;
			return true;
		}
	}
	return false;
}

static void report_unexpected(const struct exc_frame *f)
{
	struct percpu *c = this_cpu();
	unsigned ec = esr_ec(f->esr);

	if (c->in_report++) {
		/* Failed while reporting: say the least possible, once. */
		if (c->in_report == 2)
			test_fatal("nested exception (ESR %#lx ELR %#lx) while reporting one",
				   f->esr, f->elr);
		cpu_halt();
	}
	printf("[guest] unexpected exception on vCPU %u: %s, ESR %#lx (EC %#x: %s, ISS %#lx)\n",
	       cpu_id(), kind_names[f->kind & 15], f->esr, ec, esr_ec_name(ec),
	       f->esr & 0x1ffffff);
	printf("[guest]   ELR %#lx FAR %#lx SPSR %#lx LR %#lx SP %#lx\n", f->elr, f->far,
	       f->spsr, f->x[30], (uint64_t)f + sizeof(*f));
	printf("[guest]   x0 %#lx x1 %#lx x2 %#lx x3 %#lx\n", f->x[0], f->x[1], f->x[2], f->x[3]);
	test_fatal("unexpected exception (%s, EC %#x) at %#lx", kind_names[f->kind & 15], ec,
		   f->elr);
}

static irq_handler_fn irq_handlers[GUEST_NR_IRQS];

void irq_set_handler(unsigned intid, irq_handler_fn fn)
{
	if (intid < GUEST_NR_IRQS) {
		WRITE_ONCE(irq_handlers[intid], fn);
		dsb(sy);
	}
}

static void default_irq(unsigned intid)
{
	if (intid == VTIMER_PPI) {
		vtimer_mask();		/* a wake-up tick for wait_until() */
		return;
	}
	test_fail("unexpected interrupt %u on vCPU %u", intid, cpu_id());
}

static void handle_irq(void)
{
	struct percpu *c = this_cpu();

	c->irqs++;
	/* Bounded: a storm must not hide the rest of the test forever. */
	for (unsigned n = 0; n < 64; n++) {
		uint64_t iar = read_sysreg(ICC_IAR1_EL1);
		unsigned intid = (unsigned)(iar & 0xffffff);
		irq_handler_fn fn;

		if (intid >= 1020) {
			if (n == 0)
				c->irqs_spurious++;	/* signalled, but nothing to take */
			return;
		}
		fn = intid < GUEST_NR_IRQS ? READ_ONCE(irq_handlers[intid]) : NULL;
		(fn ? fn : default_irq)(intid);
		write_sysreg(ICC_EOIR1_EL1, iar);
		isb();
	}
}

void exception_handler(struct exc_frame *f)
{
	struct percpu *c = this_cpu();

	switch (f->kind) {
	case 4:				/* synchronous, current EL */
		if (catch_sync(f))
			return;
		break;
	case 5:				/* IRQ */
		handle_irq();
		return;
	case 7:				/* SError */
		if (c->probe_armed) {
			record(c, f, false);
			return;
		}
		break;
	default:
		break;
	}
	report_unexpected(f);
}
