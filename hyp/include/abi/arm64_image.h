/*
 * The arm64 Image header of the Linux boot protocol
 * (Documentation/arch/arm64/booting.rst): how elvisor's loader (core/manifest.c)
 * learns where a guest wants to be loaded. Assembly only: the bare-metal test
 * guests (guests/lib/start.S) and the stub runtime (stubdom/start.S) begin
 * with it, and both fill their EL1 vector tables with one macro.
 */
#ifndef ABI_ARM64_IMAGE_H
#define ABI_ARM64_IMAGE_H

#ifdef __ASSEMBLER__

/*
 * 64 bytes: a branch to entry, text_offset (where in RAM the image goes),
 * image_size (bss included) and the flags elvisor's guests use: little
 * endian, 4 KiB pages, placed near the start of RAM.
 */
.macro ARM64_IMAGE_HEADER entry, text_offset, image_size
	b	\entry				/* code0 */
	.long	0				/* code1 */
	.quad	\text_offset			/* text_offset */
	.quad	\image_size			/* image_size */
	.quad	0x2				/* flags: LE, 4 KiB pages, base near RAM start */
	.quad	0, 0, 0				/* res2-res4 */
	.ascii	"ARM\x64"			/* magic */
	.long	0				/* res5 */
.endm

/*
 * The 16 entries of a VBAR_EL1 table, in the architecture's order (current
 * EL with SP_EL0, with SP_ELx, lower EL AArch64, lower EL AArch32; each sync,
 * IRQ, FIQ, SError), each the caller's macro with its index.
 */
.macro VECTOR_TABLE_16 entry
	.irp	kind, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15
	\entry	\kind
	.endr
.endm

#endif
#endif
