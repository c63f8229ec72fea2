/*
 * App entry (see abi/app.h, "Entry model"): the hypervisor enters _start
 * for every event with x0 = event, x1..x7 = arguments and SP at the top of
 * a fresh stack. Dispatch to the app's handler in app_ops (defined by the
 * app), then end the event with APP_SYS_RETURN and the handler's results.
 * Only a CALL's results reach a guest (x0..x3): those a handler does not
 * produce are returned as 0, so no stale register reaches the guest. The
 * hypervisor reads x0 alone for INIT, MMIO_READ and RESET and nothing for
 * the other events, so those return with the handler's registers as they
 * are (nothing to clear: a shorter round trip). A NULL handler gets its documented default;
 * an unknown event number (an ABI mismatch) is an APP_SYS_PANIC.
 */
#include "app.h"

	.section .rodata.crt0, "a"
unknown_event:
	.ascii	"crt0: unknown event number"
unknown_event_end:
	.set	unknown_event_len, unknown_event_end - unknown_event

	.section .text.start, "ax"
	.globl	_start
	.type	_start, %function
_start:
	mov	x29, #0			/* end of the frame-pointer chain */
	mov	x30, #0
	adrp	x9, app_ops
	add	x9, x9, :lo12:app_ops
	cmp	x0, #APP_EV_INIT
	b.eq	ev_init
	cmp	x0, #APP_EV_MMIO_READ
	b.eq	ev_mmio_read
	cmp	x0, #APP_EV_MMIO_WRITE
	b.eq	ev_mmio_write
	cmp	x0, #APP_EV_CALL
	b.eq	ev_call
	cmp	x0, #APP_EV_TIMER
	b.eq	ev_timer
	cmp	x0, #APP_EV_RESET
	b.eq	ev_reset
	cmp	x0, #APP_EV_INPUT
	b.eq	ev_input
	adrp	x0, unknown_event
	add	x0, x0, :lo12:unknown_event
	mov	x1, #unknown_event_len
	mov	x8, #APP_SYS_PANIC
	svc	#0
	b	not_returned

ev_init:				/* int64_t init(domain_id) */
	adrp	x11, app_device	/* x2..x6: file size, MMIO base and size, INTID, hwcaps */
	add	x11, x11, :lo12:app_device
	stp	x2, x3, [x11]
	stp	x4, x5, [x11, #16]
	str	x6, [x11, #32]
	ldr	x10, [x9, #APP_OPS_INIT]
	mov	x0, #0
	cbz	x10, return_now
	mov	x0, x1
	blr	x10
	b	return_now

ev_mmio_read:				/* uint64_t mmio_read(ipa, size) */
	ldr	x10, [x9, #APP_OPS_MMIO_READ]
	mov	x0, #0
	cbz	x10, return_now
	mov	x0, x1
	mov	w1, w2
	blr	x10
	b	return_now

ev_mmio_write:				/* void mmio_write(ipa, size, value) */
	ldr	x10, [x9, #APP_OPS_MMIO_WRITE]
	cbz	x10, return_now
	mov	x0, x1
	mov	w1, w2
	mov	x2, x3
	blr	x10
	b	return_now

ev_call:				/* void call(fid, args[6], res[4]) */
	ldr	x10, [x9, #APP_OPS_CALL]
	mov	x0, #-1			/* APP_SMCCC_NOT_SUPPORTED */
	cbz	x10, call_default
	sub	sp, sp, #80		/* args at sp, res at sp + 48 */
	stp	x2, x3, [sp]
	stp	x4, x5, [sp, #16]
	stp	x6, x7, [sp, #32]
	stp	xzr, xzr, [sp, #48]
	stp	xzr, xzr, [sp, #64]
	mov	w0, w1
	mov	x1, sp
	add	x2, sp, #48
	blr	x10
	ldp	x0, x1, [sp, #48]
	ldp	x2, x3, [sp, #64]
	add	sp, sp, #80
	b	return4

ev_timer:				/* void timer(deadline) */
	ldr	x10, [x9, #APP_OPS_TIMER]
	cbz	x10, return_now
	mov	x0, x1
	blr	x10
	b	return_now

ev_reset:				/* int64_t reset(reason, domain_id) */
	adrp	x11, app_device	/* x3..x7: again, memory may be fresh */
	add	x11, x11, :lo12:app_device
	stp	x3, x4, [x11]
	stp	x5, x6, [x11, #16]
	str	x7, [x11, #32]
	ldr	x10, [x9, #APP_OPS_RESET]
	mov	x0, #0
	cbz	x10, return_now
	mov	x0, x1
	mov	x1, x2
	blr	x10
	b	return_now

ev_input:				/* void input(bytes, count) */
	ldr	x10, [x9, #APP_OPS_INPUT]
	cbz	x10, return_now
	mov	x0, x2
	mov	w1, w1
	blr	x10
	b	return_now

call_default:				/* x0 = NOT_SUPPORTED, the rest 0 */
	mov	x1, #0
	mov	x2, #0
	mov	x3, #0
return_now:
return4:
	mov	x8, #APP_SYS_RETURN
	svc	#0
not_returned:				/* RETURN and PANIC never come back */
	brk	#0x3e8
	.size	_start, . - _start
