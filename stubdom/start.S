/*
 * The stub runtime's entry: the arm64 Image header (elvisor loads a stub
 * domain's image like a bare-metal guest's, at RAM base + text_offset, and
 * enters it at EL1h with the MMU off), the EL1 setup, stub_halt and
 * stub_syscall.
 *
 * The MMU stays off for good: the hypervisor runs the stub with
 * HCR_EL2.DC set, which makes every access Normal write-back memory with
 * VA = IPA, so there are no page tables to build. Interrupts stay masked:
 * no virtual interrupt is ever sent to a stub domain.
 */
#include "abi/app.h"
#include "abi/arm64_image.h"
#include "abi/stubdom.h"
#include "stub.h"

	.section .head.text, "ax"
	.globl	_head
_head:
	ARM64_IMAGE_HEADER stub_entry, STUB_TEXT_OFFSET, __image_size

stub_entry:
	msr	daifset, #0xf
	/* Linked for one address: anywhere else, absolute pointers are wrong. */
	adr	x1, _head
	ldr	x2, =_head
	cmp	x1, x2
	b.ne	wrong_load_address
	ldr	x1, =STUB_SCTLR_EL1
	msr	sctlr_el1, x1
	/* CPACR_EL1.FPEN = 0: FP/SIMD traps, so it is reported as at EL0. */
	msr	cpacr_el1, xzr
	ldr	x1, =stub_vectors
	msr	vbar_el1, x1
	isb
	ldr	x1, =STUB_STACK_TOP
	mov	sp, x1
	mov	x29, #0				/* end of the frame-pointer chain */
	mov	x30, #0
	/* Zero bss ourselves rather than trust the RAM's contents. */
	ldr	x1, =__bss_start
	ldr	x2, =__bss_end
1:	cmp	x1, x2
	b.hs	2f
	stp	xzr, xzr, [x1], #16
	b	1b
2:	bl	stub_main
	b	stub_halt

/*
 * Not where we were linked: say so with APP_SYS_PANIC (with the MMU off the
 * text's real address is its IPA) without touching memory or a stack.
 */
wrong_load_address:
	movz	w0, #(STUB_HVC_SYSCALL & 0xffff)
	movk	w0, #(STUB_HVC_SYSCALL >> 16), lsl #16
	mov	x1, #APP_SYS_PANIC
	adr	x2, wrong_load_msg
	mov	x3, #(wrong_load_msg_end - wrong_load_msg)
	hvc	#0
	b	stub_halt

wrong_load_msg:
	.ascii	"stub runtime: image not loaded at its link address 0x40080000"
wrong_load_msg_end:
	.balign	4
	.ltorg

	.text
/* The end of a stub: sleep for good (the hypervisor has stopped it by then). */
	.globl	stub_halt
	.type	stub_halt, %function
stub_halt:
	msr	daifset, #0xf
1:	wfi
	b	1b
	.size	stub_halt, . - stub_halt

/*
 * int64_t stub_syscall(nr, a0, a1, a2): STUB_HVC_SYSCALL with x1 = nr and
 * x2.. = the arguments; returns the app syscall's x0. A call from C, so
 * whatever the hypervisor may clobber (SMCCC: x0..x17) is already the
 * caller's to lose.
 */
	.globl	stub_syscall
	.type	stub_syscall, %function
stub_syscall:
	mov	x4, x3
	mov	x3, x2
	mov	x2, x1
	mov	x1, x0
	movz	w0, #(STUB_HVC_SYSCALL & 0xffff)
	movk	w0, #(STUB_HVC_SYSCALL >> 16), lsl #16
	hvc	#0
	ret
	.size	stub_syscall, . - stub_syscall
