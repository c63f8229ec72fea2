/* Turning faults of the probe instructions into error returns. */
#include "arch/esr.h"
#include "arch/probe.h"
#include "core/percpu.h"

extern char probe_read_insn[], probe_read_fixup[], probe_write_insn[],
	probe_write_fixup[], probe_exec_fixup[];

bool probe_fixup(struct trap_frame *f)
{
	unsigned ec = esr_ec(f->esr);
	struct percpu *cpu = this_cpu();

	if (ec == ESR_EC_DABT_CUR && f->elr == (uintptr_t)probe_read_insn)
		f->elr = (uintptr_t)probe_read_fixup;
	else if (ec == ESR_EC_DABT_CUR && f->elr == (uintptr_t)probe_write_insn)
		f->elr = (uintptr_t)probe_write_fixup;
	/*
	 * An instruction abort inside probe_exec's callee: the callee's first
	 * instruction faulted, so x30 still returns into probe_exec.
	 */
	else if (ec == ESR_EC_IABT_CUR && f->x[30] > (uintptr_t)&probe_exec &&
		 f->x[30] < (uintptr_t)probe_exec_fixup && f->elr == f->far)
		f->elr = (uintptr_t)probe_exec_fixup;
	else
		return false;
	if (cpu)
		cpu->probe_esr = f->esr;
	return true;
}
