/*
 * The guest platform elvisor gives every domain, as guests/lib sees it.
 * The values mirror the hypervisor's own definitions, which cannot be
 * included here (they pull in hypervisor internals):
 *   GUEST_RAM_BASE, GUEST_DTB_SPACE  hyp/include/core/manifest.h
 *   GICD/GICR layout, vtimer PPI     hyp/include/core/vgic.h
 * The hypercall ABI is shared directly: hyp/include/abi/hypercall.h.
 */
#ifndef GUEST_CONFIG_H
#define GUEST_CONFIG_H

/* Constants shared with assembly, which knows no C integer suffixes. */
#ifdef __ASSEMBLER__
#define UL(x) x
#else
#define UL(x) x##UL
#endif

#define GUEST_MAX_CPUS 8		/* MANIFEST_MAX_VCPUS */
#define GUEST_STACK_SHIFT 14
#define GUEST_STACK_SIZE (UL(1) << GUEST_STACK_SHIFT)	/* per vCPU */

#define GUEST_RAM_BASE UL(0x40000000)
#define GUEST_TEXT_OFFSET UL(0x80000)	/* we are linked at RAM base + this */
#define GUEST_DTB_SPACE (UL(2) << 20)	/* the DTB sits in the last 2 MiB of RAM */

#define GICD_BASE UL(0x08000000)
#define GICD_SIZE UL(0x10000)
#define GICR_BASE UL(0x080a0000)
#define GICR_STRIDE UL(0x20000)		/* RD + SGI frame per vCPU, vCPU order */
#define GICR_SGI_OFFSET UL(0x10000)
#define GUEST_NR_SPIS 64		/* INTIDs 32..95 */
#define GUEST_NR_IRQS (32 + GUEST_NR_SPIS)

#define VTIMER_PPI 27

/* QEMU virt's PL011: used only by the BAREMETAL debug build (no hypervisor). */
#define BAREMETAL_UART_BASE UL(0x09000000)

/* SCTLR_EL1: RES1 bits, I-cache on, SP alignment checks; MMU and D-cache off. */
#define GUEST_SCTLR_EL1 UL(0x30d01808)

#endif
