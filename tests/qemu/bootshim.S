/*
 * Boot shim for the bad-input scenarios of tests/qemu/run.py.
 *
 * QEMU's -kernel always hands the image a valid DTB that QEMU built itself,
 * so the runner boots those scenarios without -kernel: every file is placed
 * in RAM with "-device loader" and CPU 0 starts here, at EL2, MMU and caches
 * off, DAIF masked. The shim then does what a boot loader's "booti" does:
 *
 *   1. copy the hypervisor Image from its staging address to LOAD_ADDR and
 *      zero the rest of the Image header's image_size (its bss); the Image
 *      cannot be loaded at LOAD_ADDR directly, because without -kernel QEMU
 *      puts its own 1 MiB DTB at the start of RAM, and "-device loader"
 *      refuses to overlap it;
 *   2. enter the Image with x0 = DTB_ADDR (0 means "no device tree") and
 *      x1 = x2 = x3 = 0, as the arm64 Linux boot protocol says.
 *
 * The runner assembles this file with --defsym for:
 *   DTB_ADDR    physical address of the DTB, or 0
 *   STAGE_ADDR  where the runner loaded the hypervisor Image
 *   LOAD_ADDR   where the Image runs (RAM base + text_offset 0x80000)
 *   IMAGE_SIZE  size of the Image file in bytes
 * Secondary CPUs never get here: QEMU keeps them powered off until the
 * hypervisor starts them with PSCI CPU_ON (emulated by QEMU, conduit SMC).
 */
	.text
	.globl	_start
_start:
	ldr	x4, =STAGE_ADDR
	ldr	x5, =LOAD_ADDR
	ldr	x6, =(IMAGE_SIZE + 7) & ~7	/* bytes to copy, whole words */
	ldr	x7, [x4, #16]			/* header: image_size */
	cmp	x7, x6
	csel	x7, x7, x6, hi			/* x7 = max(image_size, file) */

	/* With the MMU off every access is Device memory: aligned words only. */
	mov	x8, #0
copy:	cmp	x8, x6
	b.hs	zero
	ldr	x9, [x4, x8]
	str	x9, [x5, x8]
	add	x8, x8, #8
	b	copy
zero:	cmp	x8, x7
	b.hs	enter
	str	xzr, [x5, x8]
	add	x8, x8, #8
	b	zero

enter:	dsb	sy
	ic	iallu
	dsb	sy
	isb
	ldr	x0, =DTB_ADDR
	mov	x1, xzr
	mov	x2, xzr
	mov	x3, xzr
	br	x5
	.ltorg
