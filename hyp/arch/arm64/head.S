/*
 * Entry: the arm64 Image header, the boot CPU's path from the boot loader
 * to C on the virtual mapping, and the secondary CPUs' path from PSCI
 * CPU_ON. Runs with the MMU off until enable_mmu, so everything here is
 * PC-relative.
 */
#include "arch/boot.h"
#include "arch/sysreg.h"

/* Load the PC-relative address of sym into reg. */
.macro adr_l reg, sym
	adrp	\reg, \sym
	add	\reg, \reg, :lo12:\sym
.endm

	.section .head.text, "ax"
	.global _head
_head:
	/* Linux arm64 boot protocol header (Documentation/arch/arm64/booting.rst). */
	b	primary_entry			/* code0 */
	.long	0				/* code1 */
	.quad	0x80000				/* text_offset */
	.quad	__image_size			/* image_size, bss included */
	.quad	0xa				/* flags: LE, 4K pages, anywhere */
	.quad	0, 0, 0				/* res2-res4 */
	.ascii	"ARM\x64"			/* magic */
	.long	0				/* res5 */

primary_entry:
	mov	x19, x0				/* DTB physical address */
	mrs	x0, CurrentEL
	cmp	x0, #(2 << 2)
	b.ne	not_at_el2
	bl	clean_entry_state

	adr_l	x0, early_vectors
	msr	vbar_el2, x0
	isb

	bl	setup_el2_controls		/* x22 = 1 if VHE */

	adr_l	x21, _head			/* image physical address */
	/* The stack-overflow check needs naturally aligned stack slots. */
	tst	x21, #(STACK_SLOT - 1)
	b.ne	misaligned_image
	mov	x20, #0
	cbz	x22, 1f
	ldr	x20, =VHE_VA_BASE
1:	/* x20 = va_offset: VA = PA + va_offset */
	add	x0, x20, x21
	bl	apply_relocations

	/* Zero .bss (MMU off: these writes go to memory). */
	adr_l	x0, __bss_start
	adr_l	x1, __bss_end
2:	cmp	x0, x1
	b.hs	3f
	stp	xzr, xzr, [x0], #16
	b	2b
3:
	mov	x0, #0
	bl	stack_top_pa
	mov	sp, x0

	mov	x0, x21
	mov	x1, x20
	mov	x2, x19
	mov	x3, x22
	bl	early_mmu_setup			/* x0 = &mmu_boot_config (PA) */
	cbz	x0, early_map_failed
	mov	x22, x0
	/*
	 * Everything written so far (relocations, .bss, page tables) went to
	 * memory with the caches off; drop any stale cache lines over it
	 * before the MMU turns cacheable accesses on.
	 */
	adr_l	x0, __rodata_start
	adr_l	x1, __image_end
	bl	dcache_invalidate_poc
	mov	x0, x22
	adr_l	x1, primary_on_va
	b	enable_mmu

/* Known state whatever the loader left: masked, SP_EL2, MMU off, LE. */
clean_entry_state:
	msr	daifset, #0xf
	msr	spsel, #1
	ldr	x0, =SCTLR_EL2_RES1
	msr	sctlr_el2, x0
	msr	tpidr_el2, xzr			/* no per-CPU data yet */
	isb
	ret

/* dc ivac over [x0, x1). */
dcache_invalidate_poc:
	mrs	x3, ctr_el0
	ubfx	x3, x3, #16, #4
	mov	x2, #4
	lsl	x2, x2, x3			/* line size */
	sub	x3, x2, #1
	bic	x0, x0, x3
	dmb	sy
1:	dc	ivac, x0
	add	x0, x0, x2
	cmp	x0, x1
	b.lo	1b
	dsb	sy
	ret

/* Returns in x22 whether the CPU has VHE; sets HCR_EL2 and CPTR_EL2. */
setup_el2_controls:
	mrs	x0, id_aa64mmfr1_el1
	ubfx	x22, x0, #ID_AA64MMFR1_VH_SHIFT, #4
	cbz	x22, 1f
	mov	x22, #1
	ldr	x0, =(HCR_E2H | HCR_HOST_FLAGS)
	msr	hcr_el2, x0
	isb
	/* E2H layout: FPEN = 0b11, FP/SIMD untrapped (libfdt uses SIMD). */
	mov	x0, #CPTR_EL2_E2H_FPEN
	msr	cptr_el2, x0
	b	2f
1:	ldr	x0, =HCR_HOST_FLAGS
	msr	hcr_el2, x0
	mov	x0, #CPTR_EL2_RES1
	msr	cptr_el2, x0
2:	isb
	ret

/* x0 = cpu index; returns its stack top (physical) in x0. */
stack_top_pa:
	adr_l	x1, cpu_stacks
	mov	x2, #STACK_SLOT
	madd	x0, x0, x2, x1
	add	x0, x0, #STACK_SLOT
	ret

/*
 * Apply R_AARCH64_RELATIVE relocations: *(image_pa + r_offset) =
 * image_va + r_addend. x0 = image VA, x21 = image PA. The linker emits no
 * other kind for a -pie link of this code (check-image.sh verifies it).
 */
apply_relocations:
	adr_l	x1, __rela_start
	adr_l	x2, __rela_end
1:	cmp	x1, x2
	b.hs	2f
	ldp	x3, x4, [x1], #16		/* r_offset, r_info */
	ldr	x5, [x1], #8			/* r_addend */
	cbz	x4, 1b				/* R_AARCH64_NONE: padding */
	cmp	x4, #1027			/* R_AARCH64_RELATIVE */
	b.ne	bad_relocation
	add	x5, x5, x0
	str	x5, [x21, x3]
	b	1b
2:	ret

bad_relocation:
	adr_l	x0, msg_bad_reloc
	b	early_fatal

not_at_el2:
	adr_l	x0, msg_not_el2
	b	early_fatal

misaligned_image:
	adr_l	x0, msg_misaligned
	b	early_fatal

early_map_failed:
	adr_l	x0, msg_early_map
	b	early_fatal

/* Secondary CPUs, from PSCI CPU_ON: x0 = context id = CPU index. */
	.global secondary_entry
secondary_entry:
	mov	x19, x0
	bl	clean_entry_state
	adr_l	x0, early_vectors
	msr	vbar_el2, x0
	isb
	bl	setup_el2_controls
	mov	x0, x19
	bl	stack_top_pa
	mov	sp, x0
	adr_l	x0, mmu_boot_config
	adr_l	x1, secondary_on_va
	b	enable_mmu

/*
 * Turn the MMU on with the config at x0 (PA) and continue at x1 (a PA) on
 * its virtual address, x1 + va_offset (no literal pools: those would need
 * relocations in the text, which lld rightly refuses). Under
 * VHE the VA differs from the PA, so this page is identity-mapped in
 * TTBR0_EL2 for the instructions right after SCTLR_EL2.M is set.
 */
	.section .idmap.text, "ax"
enable_mmu:
	ldr	x2, [x0, #MBC_MAIR]
	msr	mair_el2, x2
	ldr	x2, [x0, #MBC_TCR]
	msr	tcr_el2, x2
	ldr	x2, [x0, #MBC_TTBR0]
	msr	ttbr0_el2, x2
	ldr	x2, [x0, #MBC_TTBR1]
	cbz	x2, 1f
	msr	S3_4_C2_C0_1, x2		/* TTBR1_EL2, exists only with VHE */
1:	ldr	x20, [x0, #MBC_VA_OFFSET]
	ldr	x2, [x0, #MBC_SCTLR]
	isb
	tlbi	alle2
	dsb	nsh
	isb
	msr	sctlr_el2, x2
	isb
	ic	iallu
	dsb	nsh
	isb
	add	x1, x1, x20
	br	x1

	.text
primary_on_va:
	add	sp, sp, x20			/* the stack, now by its VA */
	adr_l	x0, hyp_vectors
	msr	vbar_el2, x0
	isb
	mov	x0, x19
	mov	x1, x20
	mov	x29, #0
	mov	x30, #0
	bl	start_hypervisor
	b	.

secondary_on_va:
	add	sp, sp, x20
	adr_l	x0, hyp_vectors
	msr	vbar_el2, x0
	isb
	mov	x0, x19
	mov	x29, #0
	mov	x30, #0
	bl	secondary_main
	b	.

/*
 * Fatal errors before C can run: print the message at x0 on the early UART
 * (MMU off: physical address) and exit through semihosting with status 1.
 */
early_fatal:
	mov	x19, x0
	adr_l	x0, msg_prefix
	bl	early_puts
	mov	x0, x19
	bl	early_puts
	b	early_exit_failure

early_puts:
	mov	x2, #EARLY_UART_PA
1:	ldrb	w1, [x0], #1
	cbz	w1, 3f
2:	ldr	w3, [x2, #0x18]			/* UARTFR */
	tbnz	w3, #5, 2b			/* TXFF */
	strb	w1, [x2]
	b	1b
3:	ret

/* Prints x0 as 16 hex digits. */
early_puthex:
	mov	x4, x0
	mov	x5, #60
	mov	x2, #EARLY_UART_PA
1:	lsr	x1, x4, x5
	and	x1, x1, #0xf
	cmp	x1, #10
	add	x6, x1, #'0'
	add	x7, x1, #('a' - 10)
	csel	x1, x6, x7, lo
2:	ldr	w3, [x2, #0x18]
	tbnz	w3, #5, 2b
	strb	w1, [x2]
	subs	x5, x5, #4
	b.ge	1b
	ret

early_exit_failure:
	adr_l	x1, semihost_exit_block
	mov	x0, #0x18			/* SYS_EXIT */
early_semihosting_hlt:
	hlt	#0xf000
	/* No semihosting (it trapped and early_vectors came back): stop here. */
1:	wfi
	b	1b

/*
 * Vectors used until the MMU is on: any exception this early is fatal.
 * Each entry prints ESR/ELR/FAR and stops. A HLT that trapped (semihosting
 * not enabled) just steps over the instruction so early_exit_failure parks.
 */
.macro early_vector
	.balign 0x80
	b	early_exception
.endm

	.balign 0x800
early_vectors:
	.rept 16
	early_vector
	.endr

early_exception:
	/* Only our own semihosting HLT may trap harmlessly (no semihosting). */
	mrs	x0, esr_el2
	lsr	x1, x0, #26
	cbnz	x1, 1f
	mrs	x1, elr_el2
	adr_l	x2, early_semihosting_hlt
	cmp	x1, x2
	b.ne	1f
	add	x1, x1, #4
	msr	elr_el2, x1
	eret
1:	adr_l	x0, msg_prefix
	bl	early_puts
	adr_l	x0, msg_early_exc
	bl	early_puts
	mrs	x0, esr_el2
	bl	early_puthex
	adr_l	x0, msg_elr
	bl	early_puts
	mrs	x0, elr_el2
	bl	early_puthex
	adr_l	x0, msg_far
	bl	early_puts
	mrs	x0, far_el2
	bl	early_puthex
	adr_l	x0, msg_nl
	bl	early_puts
	b	early_exit_failure

	.section .rodata
	.balign 8
semihost_exit_block:
	.quad	0x20026				/* ADP_Stopped_ApplicationExit */
	.quad	1
msg_prefix:	.asciz	"elvisor: FATAL: "
msg_not_el2:	.asciz	"not entered at EL2 (QEMU needs -M virt,virtualization=on)\r\n"
msg_bad_reloc:	.asciz	"unexpected relocation type in the image\r\n"
msg_misaligned:	.asciz	"image not loaded at a 32 KiB-aligned address\r\n"
msg_early_map:	.asciz	"the boot page-table pool is too small\r\n"
msg_early_exc:	.asciz	"exception before the MMU was on: ESR_EL2 0x"
msg_elr:	.asciz	" ELR_EL2 0x"
msg_far:	.asciz	" FAR_EL2 0x"
msg_nl:		.asciz	"\r\n"
