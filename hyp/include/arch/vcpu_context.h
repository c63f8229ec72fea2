/*
 * The architectural state of a vCPU that the world switch saves and
 * restores. The first member, the general-purpose registers, is what the
 * lower-EL exception vectors fill directly (see guest_entry.S).
 */
#ifndef ARCH_VCPU_CONTEXT_H
#define ARCH_VCPU_CONTEXT_H

#define GUEST_GPRS_X(n) ((n) * 8)
#define GUEST_GPRS_PC (31 * 8)
#define GUEST_GPRS_PSTATE (32 * 8)
#define GUEST_GPRS_SIZE (33 * 8)
#define CTX_ESR GUEST_GPRS_SIZE
#define CTX_FAR (CTX_ESR + 8)
#define CTX_HPFAR (CTX_ESR + 16)

/* Why guest_enter() returned: which lower-EL vector was taken. */
#define EXIT_SYNC 0
#define EXIT_IRQ 1
#define EXIT_FIQ 2
#define EXIT_SERROR 3

#ifndef __ASSEMBLY__
#include "lib/types.h"

struct guest_gprs {
	uint64_t x[31];
	uint64_t pc;		/* ELR_EL2 */
	uint64_t pstate;	/* SPSR_EL2 */
};

_Static_assert(sizeof(struct guest_gprs) == GUEST_GPRS_SIZE, "guest_entry.S layout");

/* EL1 (and shared EL0) system registers a guest owns. */
enum el1_sysreg {
	EL1_SCTLR, EL1_CPACR, EL1_TTBR0, EL1_TTBR1, EL1_TCR, EL1_ESR, EL1_AFSR0,
	EL1_AFSR1, EL1_FAR, EL1_MAIR, EL1_AMAIR, EL1_VBAR, EL1_CONTEXTIDR,
	EL1_CNTKCTL, EL1_ELR, EL1_SPSR, EL1_SP_EL1, EL1_SP_EL0, EL1_TPIDR_EL1,
	EL1_TPIDR_EL0, EL1_TPIDRRO_EL0, EL1_PAR, EL1_CSSELR, EL1_MDSCR,
	/* Pointer authentication keys (when the CPU has FEAT_PAuth), Lo/Hi pairs. */
	EL1_APIAKEYLO, EL1_APIAKEYHI, EL1_APIBKEYLO, EL1_APIBKEYHI,
	EL1_APDAKEYLO, EL1_APDAKEYHI, EL1_APDBKEYLO, EL1_APDBKEYHI,
	EL1_APGAKEYLO, EL1_APGAKEYHI,
	EL1_NR_REGS
};

struct fpsimd_state {
	__uint128_t v[32];
	uint32_t fpsr, fpcr;
};

struct vtimer_state {
	uint64_t ctl;		/* CNTV_CTL_EL0 */
	uint64_t cval;		/* CNTV_CVAL_EL0 */
};

struct vcpu_context {
	struct guest_gprs gprs;		/* must stay first */
	/* Exit information captured by the world switch (guest_entry.S). */
	uint64_t esr, far, hpfar;
	uint64_t el1[EL1_NR_REGS];
	struct fpsimd_state fp;
	struct vtimer_state timer;
};

_Static_assert(__builtin_offsetof(struct vcpu_context, hpfar) == CTX_HPFAR,
	       "guest_entry.S layout");

/*
 * Run the guest until it exits to EL2; returns EXIT_*. Called with
 * interrupts masked, the vCPU's state loaded (vcpu_switch.c).
 */
uint64_t guest_enter(struct vcpu_context *ctx);
#endif

#endif
