/*
 * The world switch's register half: enter a guest with its general-purpose
 * registers, and on its next exception to EL2 save them back into the same
 * struct vcpu_context and return to the C caller of guest_enter(). The
 * host's callee-saved registers live on the EL2 stack meanwhile, the
 * context pointer on top of them where the exit path finds it.
 */
#include "arch/gpr_pairs.h"
#include "arch/vcpu_context.h"

.if GUEST_GPRS_X(2) != 16 || GUEST_GPRS_X(28) != 224
.error "struct guest_gprs no longer matches gpr_pairs.h"
.endif

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
	load_x2_to_x29 x0
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
	store_x2_to_x29 x0
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
