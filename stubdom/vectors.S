/*
 * The stub runtime's EL1 exception vectors. The runtime handles no
 * exception: each entry reports itself with APP_SYS_PANIC (exception.c) and
 * halts. The report runs on a stack of its own, because the exception may be
 * the stack overflowing, and only once: an exception while reporting one
 * halts at once instead of looping.
 */
#include "abi/arm64_image.h"
#include "stub.h"

.macro ventry kind
	.balign	0x80
	mov	x0, #\kind
	b	vector_common
.endm

	.section .text.vectors, "ax"
	.balign	0x800
	.globl	stub_vectors
stub_vectors:
	/*
	 * 0-3: current EL with SP_EL0; 4-7: with SP_EL1 (the runtime's);
	 * 8-15: a lower EL (never: no EL0 here).
	 */
	VECTOR_TABLE_16 ventry

vector_common:
	adrp	x1, in_exception
	ldrb	w2, [x1, :lo12:in_exception]
	cbnz	w2, stub_halt
	mov	w2, #1
	strb	w2, [x1, :lo12:in_exception]
	adrp	x1, exception_stack_top
	add	x1, x1, :lo12:exception_stack_top
	mov	sp, x1
	mov	x29, #0				/* end of the frame-pointer chain */
	mov	x30, #0
	mrs	x1, esr_el1
	mrs	x2, elr_el1
	mrs	x3, far_el1
	bl	stub_exception
	b	stub_halt
	.size	stub_vectors, . - stub_vectors

	.bss
in_exception:
	.byte	0
	.balign	16
exception_stack:
	.skip	8192
exception_stack_top:
