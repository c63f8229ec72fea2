/*
 * smccc_hvc / smccc_smc(fid, a1..a6, res): x0..x6 go to the call as they
 * are, the results x0..x3 are stored at res (x7). The callee may clobber
 * x0-x17 (SMCCC); they are caller-saved in the AAPCS64 anyway.
 */
.macro smccc_call name, insn
	.global \name
	.type	\name, %function
\name:
	str	x7, [sp, #-16]!
	\insn	#0
	ldr	x7, [sp], #16
	stp	x0, x1, [x7]
	stp	x2, x3, [x7, #16]
	ret
.endm

	.text
	smccc_call smccc_hvc, hvc
	smccc_call smccc_smc, smc
