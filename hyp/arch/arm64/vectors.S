/*
 * EL2 exception vectors. Exceptions from EL2 save the whole general-purpose
 * state into a struct trap_frame on the current stack and call C;
 * exceptions from a lower EL (a guest, or EL0 code) are exits of
 * guest_enter() (guest_entry.S).
 */
#include "arch/boot.h"
#include "arch/gpr_pairs.h"
#include "arch/trap.h"
#include "arch/vcpu_context.h"

.if FRAME_X(2) != 16 || FRAME_X(28) != 224
.error "struct trap_frame no longer matches gpr_pairs.h"
.endif

.macro save_frame
	stp	x0, x1, [sp, #FRAME_X(0)]
	store_x2_to_x29 sp
	add	x0, sp, #FRAME_SIZE
	stp	x30, x0, [sp, #FRAME_X(30)]
	mrs	x0, elr_el2
	mrs	x1, spsr_el2
	stp	x0, x1, [sp, #FRAME_ELR]
	mrs	x0, esr_el2
	mrs	x1, far_el2
	stp	x0, x1, [sp, #FRAME_ESR]
	/* A frame record, so backtraces walk through the exception. */
	ldr	x0, [sp, #FRAME_ELR]
	stp	x29, x0, [sp, #-16]!
	mov	x29, sp
	add	x0, sp, #16
.endm

.macro restore_frame_and_eret
	add	sp, sp, #16
	ldp	x0, x1, [sp, #FRAME_ELR]
	msr	elr_el2, x0
	msr	spsr_el2, x1
	ldp	x0, x1, [sp, #FRAME_X(0)]
	load_x2_to_x29 sp
	ldr	x30, [sp, #FRAME_X(30)]
	add	sp, sp, #FRAME_SIZE
	eret
.endm

/*
 * Exceptions from EL2 itself: make room for the frame and check that the
 * stack did not run into its guard (a valid SP has bit STACK_SHIFT set).
 * Swapping SP and x0 by arithmetic gives a scratch register without
 * touching memory, which is what has just failed if the stack overflowed.
 */
.macro el2_entry handler
	.balign 0x80
	sub	sp, sp, #FRAME_SIZE
	add	sp, sp, x0			/* sp = sp' + x0 */
	sub	x0, sp, x0			/* x0 = sp' */
	tbz	x0, #STACK_SHIFT, el2_overflow
	sub	x0, sp, x0			/* x0 = original x0 */
	sub	sp, sp, x0			/* sp = sp' */
	b	\handler
.endm

.macro unexpected_entry num
	.balign 0x80
	sub	sp, sp, #FRAME_SIZE
	save_frame
	mov	x1, #\num
	bl	unexpected_exception
.endm

/*
 * A guest exit: SP_EL2 is the stack guest_enter() left, with the context
 * pointer on top. Free two registers and go to the common exit path.
 */
.macro guest_exit_entry kind
	.balign 0x80
	stp	x0, x1, [sp, #-16]!
	mov	x1, #\kind
	b	guest_exit
.endm

	.text
	.balign 0x800
	.global hyp_vectors
hyp_vectors:
	/* Current EL with SP_EL0: never used. */
	unexpected_entry 0
	unexpected_entry 1
	unexpected_entry 2
	unexpected_entry 3
	/* Current EL with SP_EL2. */
	el2_entry el2_sync
	el2_entry el2_irq
	el2_entry el2_fiq
	el2_entry el2_serror
	/* Lower EL, AArch64 and AArch32: a guest exits (guest_entry.S). */
	guest_exit_entry EXIT_SYNC
	guest_exit_entry EXIT_IRQ
	guest_exit_entry EXIT_FIQ
	guest_exit_entry EXIT_SERROR
	guest_exit_entry EXIT_SYNC
	guest_exit_entry EXIT_IRQ
	guest_exit_entry EXIT_FIQ
	guest_exit_entry EXIT_SERROR

el2_sync:
	save_frame
	bl	el2_sync_handler
	restore_frame_and_eret

el2_irq:
	save_frame
	bl	el2_irq_handler
	restore_frame_and_eret

el2_fiq:
	save_frame
	mov	x1, #6
	bl	unexpected_exception

el2_serror:
	save_frame
	bl	el2_serror_handler
	restore_frame_and_eret

/*
 * The stack overflowed: sp is sp' + x0 and x0 is sp'. Move to the overflow
 * stack (the slot after the last CPU's, one for the machine: whoever gets here is about to stop it) and
 * report. The original x0 is lost.
 */
el2_overflow:
	adrp	x0, cpu_stacks + MAX_CPUS * STACK_SLOT
	add	x0, x0, :lo12:(cpu_stacks + MAX_CPUS * STACK_SLOT)
	add	x0, x0, #STACK_SLOT
	mov	sp, x0
	sub	sp, sp, #FRAME_SIZE
	save_frame
	bl	el2_stack_overflow

/*
 * Semihosting call (op in x0, parameter block in x1). With QEMU's
 * -semihosting this returns the host's answer; without, the HLT is an
 * undefined instruction, which el2_sync_handler recognises by its address
 * and turns into a -1 return.
 */
	.global semihosting_call
	.global semihosting_trap_insn
semihosting_call:
semihosting_trap_insn:
	hlt	#0xf000
	ret
