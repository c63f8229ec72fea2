/*
 * Entry of every guest: the arm64 Image header, vCPU 0's path from the
 * hypervisor to guest_boot(), and the path of the other vCPUs, started
 * through PSCI CPU_ON with their index in the context id.
 *
 * The image is linked at GUEST_RAM_BASE + GUEST_TEXT_OFFSET (non-PIE); the
 * header's text_offset makes an Image loader put it exactly there.
 * MMU off throughout: every data access is Device-nGnRnE.
 */
#include "abi/arm64_image.h"
#include "config.h"

/* hyp/include/abi/hypercall.h (its u suffixes are C only; boot.c checks these). */
#define HVC_CONSOLE_WRITE 0xc6000001
#define HVC_TEST_RESULT 0xc6000002

	.section .head.text, "ax"
	.global _head
_head:
	ARM64_IMAGE_HEADER primary_entry, GUEST_TEXT_OFFSET, __image_size

primary_entry:
	msr	daifset, #0xf
	mov	x19, x0				/* IPA of the hypervisor's DTB (or 0) */
	/* Linked for one address: anywhere else, absolute pointers are wrong. */
	adr	x1, _head
	ldr	x2, =_head
	cmp	x1, x2
	b.ne	wrong_load_address

	ldr	x1, =GUEST_SCTLR_EL1
	msr	sctlr_el1, x1
	ldr	x1, =exception_vectors
	msr	vbar_el1, x1
	msr	tpidr_el1, xzr			/* vCPU 0 */
	isb
	ldr	x1, =__stacks_start + GUEST_STACK_SIZE
	mov	sp, x1

	ldr	x1, =__bss_start
	ldr	x2, =__bss_end
1:	cmp	x1, x2
	b.hs	2f
	stp	xzr, xzr, [x1], #16
	b	1b
2:	dsb	sy
	msr	daifclr, #4			/* SErrors are reported (or expected by a probe) */
	mov	x0, x19
	bl	guest_boot
	b	cpu_halt

/*
 * x0 = context id from CPU_ON: bits 7:0 the vCPU index (the stack and the
 * per-vCPU data to use), the rest free for the caller (smp.c).
 */
	.global secondary_entry
	.type	secondary_entry, %function
secondary_entry:
	msr	daifset, #0xf
	and	x1, x0, #0xff
	cmp	x1, #GUEST_MAX_CPUS
	b.hs	cpu_halt
	ldr	x2, =GUEST_SCTLR_EL1
	msr	sctlr_el1, x2
	ldr	x2, =exception_vectors
	msr	vbar_el1, x2
	msr	tpidr_el1, x1
	isb
	ldr	x2, =__stacks_start
	add	x3, x1, #1
	add	x2, x2, x3, lsl #GUEST_STACK_SHIFT
	mov	sp, x2
	msr	daifclr, #4
	bl	secondary_boot			/* x0 = context id */
	b	cpu_halt

	.global cpu_halt
	.type	cpu_halt, %function
cpu_halt:
	msr	daifset, #0xf
1:	wfi
	b	1b

/*
 * Not where we were linked: say so (the string's real address is its IPA,
 * MMU off) and report a failure, without touching memory we do not own.
 */
wrong_load_address:
	ldr	x0, =HVC_CONSOLE_WRITE
	adr	x1, wrong_load_msg
	mov	x2, #(wrong_load_msg_end - wrong_load_msg)
	hvc	#0
	ldr	x0, =HVC_TEST_RESULT
	mov	x1, #1
	hvc	#0
	b	cpu_halt

wrong_load_msg:
	.ascii	"TEST FAIL guest: image not loaded at its link address 0x40080000\n"
wrong_load_msg_end:
	.balign	4
	.ltorg
