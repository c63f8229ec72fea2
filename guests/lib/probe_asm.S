/*
 * Probe stubs: uint64_t stub(uint64_t addr, uint64_t value, uint64_t *out).
 * Each returns 0 after its access (a load stores what it read at out), or
 * 1 through probe_fixup if the access raised a synchronous exception. The
 * DSB and ISB make an asynchronous abort caused by the access arrive while
 * the probe is still armed (probe.c).
 */
	.arch_extension lse

.macro extable insn, fixup
	.pushsection __ex_table, "a"
	.balign	8
	.quad	\insn, \fixup
	.popsection
.endm

/* A load into x3, then *out = x3. */
.macro probe_load name, insn:vararg
	.global	\name
	.type	\name, %function
\name:
1:	\insn
	dsb	sy
	isb
	str	x3, [x2]
	mov	x0, #0
	ret
	extable	1b, probe_fixup
.endm

/* An access whose result, if any, is not needed. */
.macro probe_op name, insn:vararg
	.global	\name
	.type	\name, %function
\name:
1:	\insn
	dsb	sy
	isb
	mov	x0, #0
	ret
	extable	1b, probe_fixup
.endm

	.text
probe_fixup:
	dsb	sy
	isb
	mov	x0, #1
	ret

	probe_load probe_ldrb, ldrb w3, [x0]
	probe_load probe_ldrh, ldrh w3, [x0]
	probe_load probe_ldrw, ldr w3, [x0]
	probe_load probe_ldrx, ldr x3, [x0]
	probe_load probe_ldrsb, ldrsb x3, [x0]
	probe_load probe_ldrsh, ldrsh x3, [x0]
	probe_load probe_ldrsw, ldrsw x3, [x0]
	probe_load probe_ldp, ldp x3, x4, [x0]
	probe_load probe_ldr_post, ldr x3, [x0], #8
	probe_load probe_ldar, ldar x3, [x0]
	probe_load probe_ldxr, ldxr x3, [x0]
	probe_load probe_ldtr, ldtr x3, [x0]
	probe_op probe_strb, strb w1, [x0]
	probe_op probe_strh, strh w1, [x0]
	probe_op probe_strw, str w1, [x0]
	probe_op probe_strx, str x1, [x0]
	probe_op probe_stp, stp x1, x1, [x0]
	probe_op probe_str_pre, str x1, [x0, #0]!
	probe_op probe_stlr, stlr x1, [x0]
	probe_op probe_stxr, stxr w4, x1, [x0]
	probe_op probe_sttr, sttr x1, [x0]
	probe_load probe_ldadd, ldadd x1, x3, [x0]
	probe_load probe_swp, swp x1, x3, [x0]
	probe_op probe_cas, cas x3, x1, [x0]
	probe_op probe_dc_zva, dc zva, x0
	probe_op probe_dc_civac, dc civac, x0
	probe_op probe_dc_cvac, dc cvac, x0
	probe_op probe_dc_ivac, dc ivac, x0
	probe_op probe_dc_cvau, dc cvau, x0
	probe_op probe_ic_ivau, ic ivau, x0
