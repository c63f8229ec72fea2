/*
 * Assembler macros: store or load x2..x29 as register pairs at [base, #8*n].
 * That is the layout both struct trap_frame (FRAME_X) and struct guest_gprs
 * (GUEST_GPRS_X) start with, so the EL2 exception frame and the guest
 * world switch share one sequence. x0/x1 and x30 are left to the caller,
 * which needs them as scratch or base registers.
 */
#ifndef ARCH_GPR_PAIRS_H
#define ARCH_GPR_PAIRS_H

#ifdef __ASSEMBLY__
.macro store_x2_to_x29 base
	stp	x2, x3, [\base, #16]
	stp	x4, x5, [\base, #32]
	stp	x6, x7, [\base, #48]
	stp	x8, x9, [\base, #64]
	stp	x10, x11, [\base, #80]
	stp	x12, x13, [\base, #96]
	stp	x14, x15, [\base, #112]
	stp	x16, x17, [\base, #128]
	stp	x18, x19, [\base, #144]
	stp	x20, x21, [\base, #160]
	stp	x22, x23, [\base, #176]
	stp	x24, x25, [\base, #192]
	stp	x26, x27, [\base, #208]
	stp	x28, x29, [\base, #224]
.endm

.macro load_x2_to_x29 base
	ldp	x2, x3, [\base, #16]
	ldp	x4, x5, [\base, #32]
	ldp	x6, x7, [\base, #48]
	ldp	x8, x9, [\base, #64]
	ldp	x10, x11, [\base, #80]
	ldp	x12, x13, [\base, #96]
	ldp	x14, x15, [\base, #112]
	ldp	x16, x17, [\base, #128]
	ldp	x18, x19, [\base, #144]
	ldp	x20, x21, [\base, #160]
	ldp	x22, x23, [\base, #176]
	ldp	x24, x25, [\base, #192]
	ldp	x26, x27, [\base, #208]
	ldp	x28, x29, [\base, #224]
.endm
#endif

#endif
