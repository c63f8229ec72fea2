/* Fault-tolerant accesses for self tests; see arch/probe.h and probe.c. */
	.text
	.global probe_read64, probe_read_insn, probe_read_fixup
probe_read64:
probe_read_insn:
	ldr	x2, [x0]
	str	x2, [x1]
	mov	x0, #0
	ret
probe_read_fixup:
	mov	x0, #-1
	ret

	.global probe_write64, probe_write_insn, probe_write_fixup
probe_write64:
probe_write_insn:
	str	x1, [x0]
	mov	x0, #0
	ret
probe_write_fixup:
	mov	x0, #-1
	ret

	.global probe_exec, probe_exec_fixup
probe_exec:
	stp	x29, x30, [sp, #-16]!
	mov	x29, sp
	blr	x0
	mov	x0, #0
	ldp	x29, x30, [sp], #16
	ret
probe_exec_fixup:
	mov	x0, #-1
	ldp	x29, x30, [sp], #16
	ret
