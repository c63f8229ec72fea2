/*
 * Exceptions taken at EL2 from EL2: interrupts, the few synchronous
 * exceptions that are expected (semihosting probing, fault probes), and the
 * fatal report for everything else.
 */
#include "arch/boot.h"
#include "arch/esr.h"
#include "arch/mmu.h"
#include "arch/probe.h"
#include "arch/trap.h"
#include "core/console.h"
#include "core/irq.h"
#include "core/machine.h"
#include "core/percpu.h"
#include "lib/format.h"

#define BACKTRACE_MAX_FRAMES 32

static const char *const vector_names[16] = {
	"synchronous exception from EL2 with SP_EL0", "IRQ from EL2 with SP_EL0",
	"FIQ from EL2 with SP_EL0", "SError from EL2 with SP_EL0",
	"synchronous exception from EL2", "IRQ from EL2", "FIQ from EL2",
	"SError from EL2",
	"synchronous exception from a lower EL (AArch64)",
	"IRQ from a lower EL (AArch64)", "FIQ from a lower EL (AArch64)",
	"SError from a lower EL (AArch64)",
	"synchronous exception from a lower EL (AArch32)",
	"IRQ from a lower EL (AArch32)", "FIQ from a lower EL (AArch32)",
	"SError from a lower EL (AArch32)",
};

static int cpu_number(void)
{
	struct percpu *cpu = this_cpu();

	return cpu ? (int)cpu->cpu : -1;
}

/* Offset into the image, for addr2line on build/<toolchain>/elvisor.elf. */
static uint64_t image_offset(uint64_t addr)
{
	uint64_t start = (uintptr_t)__image_start, end = (uintptr_t)__image_end;

	return addr >= start && addr < end ? addr - start : 0;
}

static bool on_some_stack(uint64_t fp)
{
	for (unsigned i = 0; i <= MAX_CPUS; i++) {
		uint64_t lo = (uintptr_t)cpu_stacks[i] + STACK_GUARD;
		uint64_t hi = (uintptr_t)cpu_stacks[i] + STACK_SLOT;

		if (fp >= lo && fp + 16 <= hi)
			return true;
	}
	return false;
}

static void print_backtrace(uint64_t fp, uint64_t pc)
{
	printk("  backtrace (image offsets for addr2line -e elvisor.elf):\n");
	for (unsigned n = 0; n < BACKTRACE_MAX_FRAMES; n++) {
		const uint64_t *record;

		printk("    #%-2u %#018lx  elvisor.elf+%#lx\n", n, pc, image_offset(pc));
		if (!fp || (fp & 15) || !on_some_stack(fp))
			return;
		record = (const uint64_t *)(uintptr_t)fp;
		if (record[0] && record[0] <= fp)
			return;		/* frames must move up the stack */
		fp = record[0];
		pc = record[1];
		if (!pc)
			return;
	}
	printk("    ... (more frames not shown)\n");
}

static void print_registers(const struct trap_frame *f)
{
	for (unsigned i = 0; i < 30; i += 3)
		printk("  x%-2u %016lx  x%-2u %016lx  x%-2u %016lx\n", i, f->x[i],
		       i + 1, f->x[i + 1], i + 2, f->x[i + 2]);
	printk("  x30 %016lx  sp  %016lx\n", f->x[30], f->sp);
}

void fatal_exception(struct trap_frame *f, const char *what)
{
	char desc[320];

	console_enter_emergency();
	esr_describe(f->esr, f->far, desc, sizeof(desc));
	printk("elvisor: FATAL: %s on CPU %d\n", what, cpu_number());
	printk("  ESR_EL2  %#018lx  %s\n", f->esr, desc);
	printk("  FAR_EL2  %#018lx\n", f->far);
	printk("  ELR_EL2  %#018lx  elvisor.elf+%#lx\n", f->elr, image_offset(f->elr));
	printk("  SPSR_EL2 %#018lx\n", f->spsr);
	print_registers(f);
	print_backtrace(f->x[29], f->elr);
	machine_exit(1);
}

void el2_sync_handler(struct trap_frame *f)
{
	/* Semihosting disabled: its HLT is undefined. Report "unavailable". */
	if (esr_ec(f->esr) == ESR_EC_UNKNOWN &&
	    f->elr == (uintptr_t)semihosting_trap_insn) {
		f->x[0] = (uint64_t)-1;
		f->elr += 4;
		return;
	}
	if (probe_fixup(f))
		return;
	fatal_exception(f, "unexpected synchronous exception at EL2");
}

void el2_irq_handler(struct trap_frame *f)
{
	(void)f;
	irq_handle_pending();
}

void el2_serror_handler(struct trap_frame *f)
{
	fatal_exception(f, "SError (asynchronous external abort) at EL2");
}

void el2_stack_overflow(struct trap_frame *f)
{
	fatal_exception(f, "EL2 stack overflow (x0 lost)");
}

void unexpected_exception(struct trap_frame *f, unsigned long vector)
{
	fatal_exception(f, vector < 16 ? vector_names[vector] : "unknown vector");
}

void panic(const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	console_enter_emergency();
	va_start(ap, fmt);
	vformat(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	printk("elvisor: FATAL: %s (CPU %d)\n", msg, cpu_number());
	print_backtrace((uintptr_t)__builtin_frame_address(0),
			(uintptr_t)__builtin_return_address(0));
	machine_exit(1);
}

/* -fstack-protector support (the same symbols libfdt.a uses). */
uintptr_t __stack_chk_guard = 0x2f8e5c3a9d47b061UL;

void __stack_chk_fail(void);
void __stack_chk_fail(void)
{
	panic("stack smashing detected");
}
