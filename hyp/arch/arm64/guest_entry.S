/*
 * The world switch's register half: enter a guest with its general-purpose
 * registers, and on its next exception to EL2 save them back into the same
 * struct vcpu_context and return to the C caller of guest_enter(). The
 * host's callee-saved registers live on the EL2 stack meanwhile, the
 * context pointer on top of them where the exit path finds it.
 */
#include "arch/vcpu_context.h"

#define HOST_FRAME 112		/* ctx pointer + pad + x19..x30 */

	.text
	.global guest_enter
guest_enter:
	sub	sp, sp, #HOST_FRAME
	stp	x0, xzr, [sp, #0]
	stp	x19, x20, [sp, #16]
	stp	x21, x22, [sp, #32]
	stp	x23, x24, [sp, #48]
	stp	x25, x26, [sp, #64]
	stp	x27, x28, [sp, #80]
	stp	x29, x30, [sp, #96]

	ldp	x1, x2, [x0, #GUEST_GPRS_PC]
	msr	elr_el2, x1
	msr	spsr_el2, x2
	ldp	x2, x3, [x0, #GUEST_GPRS_X(2)]
	ldp	x4, x5, [x0, #GUEST_GPRS_X(4)]
	ldp	x6, x7, [x0, #GUEST_GPRS_X(6)]
	ldp	x8, x9, [x0, #GUEST_GPRS_X(8)]
	ldp	x10, x11, [x0, #GUEST_GPRS_X(10)]
	ldp	x12, x13, [x0, #GUEST_GPRS_X(12)]
	ldp	x14, x15, [x0, #GUEST_GPRS_X(14)]
	ldp	x16, x17, [x0, #GUEST_GPRS_X(16)]
	ldp	x18, x19, [x0, #GUEST_GPRS_X(18)]
	ldp	x20, x21, [x0, #GUEST_GPRS_X(20)]
	ldp	x22, x23, [x0, #GUEST_GPRS_X(22)]
	ldp	x24, x25, [x0, #GUEST_GPRS_X(24)]
	ldp	x26, x27, [x0, #GUEST_GPRS_X(26)]
	ldp	x28, x29, [x0, #GUEST_GPRS_X(28)]
	ldr	x30, [x0, #GUEST_GPRS_X(30)]
	ldp	x0, x1, [x0, #GUEST_GPRS_X(0)]
	eret
	dsb	nsh				/* no speculation past the ERET */
	isb

/*
 * From a lower-EL vector: guest x0/x1 are on the stack, x1 holds the
 * exit kind, and the context pointer sits just above them.
 */
	.global guest_exit
guest_exit:
	ldr	x0, [sp, #16]
	stp	x2, x3, [x0, #GUEST_GPRS_X(2)]
	stp	x4, x5, [x0, #GUEST_GPRS_X(4)]
	stp	x6, x7, [x0, #GUEST_GPRS_X(6)]
	stp	x8, x9, [x0, #GUEST_GPRS_X(8)]
	stp	x10, x11, [x0, #GUEST_GPRS_X(10)]
	stp	x12, x13, [x0, #GUEST_GPRS_X(12)]
	stp	x14, x15, [x0, #GUEST_GPRS_X(14)]
	stp	x16, x17, [x0, #GUEST_GPRS_X(16)]
	stp	x18, x19, [x0, #GUEST_GPRS_X(18)]
	stp	x20, x21, [x0, #GUEST_GPRS_X(20)]
	stp	x22, x23, [x0, #GUEST_GPRS_X(22)]
	stp	x24, x25, [x0, #GUEST_GPRS_X(24)]
	stp	x26, x27, [x0, #GUEST_GPRS_X(26)]
	stp	x28, x29, [x0, #GUEST_GPRS_X(28)]
	str	x30, [x0, #GUEST_GPRS_X(30)]
	ldp	x2, x3, [sp], #16		/* the guest's x0, x1 */
	stp	x2, x3, [x0, #GUEST_GPRS_X(0)]
	mrs	x2, elr_el2
	mrs	x3, spsr_el2
	stp	x2, x3, [x0, #GUEST_GPRS_PC]
	mrs	x2, esr_el2
	mrs	x3, far_el2
	stp	x2, x3, [x0, #CTX_ESR]
	mrs	x2, hpfar_el2
	str	x2, [x0, #CTX_HPFAR]

	mov	x0, x1				/* the exit kind */
	ldp	x19, x20, [sp, #16]
	ldp	x21, x22, [sp, #32]
	ldp	x23, x24, [sp, #48]
	ldp	x25, x26, [sp, #64]
	ldp	x27, x28, [sp, #80]
	ldp	x29, x30, [sp, #96]
	add	sp, sp, #HOST_FRAME
	ret
