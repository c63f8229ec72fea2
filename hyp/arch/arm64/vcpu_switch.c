/*
 * The world switch's system-register half: a vCPU's EL1 state, FP/SIMD,
 * virtual timer and stage-2 context go onto the pCPU when it is scheduled
 * in (arch_vcpu_load) and come off when it is scheduled out
 * (arch_vcpu_put). Between the two, traps are handled with the guest's
 * EL1 state live in the registers: exception injection writes them there.
 *
 * With VHE (E2H = 1) the hypervisor reaches the guest's EL1 registers
 * through the *_EL12 / *_EL02 encodings (the plain *_EL1 names would
 * address EL2's own); without VHE through the *_EL1 names.
 *
 * FP/SIMD is switched eagerly here rather than lazily on first use: the
 * hypervisor itself uses no FP (-mgeneral-regs-only) except libfdt at
 * domain build time, which never runs with a vCPU loaded.
 */
#include "arch/cpu.h"
#include "arch/sysreg.h"
#include "arch/vcpu_switch.h"
#include "core/console.h"
#include "core/domain.h"
#include "lib/format.h"

/* EL1 registers by their VHE-from-EL2 encodings. */
#define SCTLR_EL12 S3_5_C1_C0_0
#define CPACR_EL12 S3_5_C1_C0_2
#define TTBR0_EL12 S3_5_C2_C0_0
#define TTBR1_EL12 S3_5_C2_C0_1
#define TCR_EL12 S3_5_C2_C0_2
#define SPSR_EL12 S3_5_C4_C0_0
#define ELR_EL12 S3_5_C4_C0_1
#define AFSR0_EL12 S3_5_C5_C1_0
#define AFSR1_EL12 S3_5_C5_C1_1
#define ESR_EL12 S3_5_C5_C2_0
#define FAR_EL12 S3_5_C6_C0_0
#define MAIR_EL12 S3_5_C10_C2_0
#define AMAIR_EL12 S3_5_C10_C3_0
#define VBAR_EL12 S3_5_C12_C0_0
#define CONTEXTIDR_EL12 S3_5_C13_C0_1
#define CNTKCTL_EL12 S3_5_C14_C1_0
#define CNTV_CTL_EL02 S3_5_C14_C3_1
#define CNTV_CVAL_EL02 S3_5_C14_C3_2

/* Pointer authentication keys; EL2 shares them with EL1 (no _EL12 forms). */
#define APIAKEYLO_EL1 S3_0_C2_C1_0
#define APIAKEYHI_EL1 S3_0_C2_C1_1
#define APIBKEYLO_EL1 S3_0_C2_C1_2
#define APIBKEYHI_EL1 S3_0_C2_C1_3
#define APDAKEYLO_EL1 S3_0_C2_C2_0
#define APDAKEYHI_EL1 S3_0_C2_C2_1
#define APDBKEYLO_EL1 S3_0_C2_C2_2
#define APDBKEYHI_EL1 S3_0_C2_C2_3
#define APGAKEYLO_EL1 S3_0_C2_C3_0
#define APGAKEYHI_EL1 S3_0_C2_C3_1
/* One more macro level, so that the names above expand before the asm. */
#define KEY_READ(reg) read_sysreg(reg)
#define KEY_WRITE(reg, v) write_sysreg(reg, v)

/*
 * HCR_EL2 while a guest runs. SWIO makes a guest's data-cache invalidate by
 * set/way a clean and invalidate, so it cannot discard other domains' (or
 * the hypervisor's) dirty lines; set/way operations are otherwise left to
 * the guest (not trapped, TSW = 0): they act on this pCPU's caches only,
 * and Linux does not use them. TID3: the feature ID registers are emulated
 * (guest_idregs.c). TLOR: LORegions are hidden and their registers trap.
 * A stub domain also gets DC: it runs with its MMU off and needs Normal
 * memory (abi/stubdom.h); stage 2's Inner Shareable keeps it coherent.
 */
#define HCR_VM BIT(0)
#define HCR_SWIO BIT(1)
#define HCR_PTW BIT(2)
#define HCR_TWI BIT(13)
#define HCR_TWE BIT(14)
#define HCR_TID3 BIT(18)
#define HCR_TSC BIT(19)
#define HCR_TIDCP BIT(20)
#define HCR_TACR BIT(21)
#define HCR_TLOR BIT(35)
#define HCR_APK BIT(40)
#define HCR_API BIT(41)
#define HCR_GUEST (HCR_VM | HCR_SWIO | HCR_PTW | HCR_TWI | HCR_TWE | HCR_TID3 | \
		   HCR_TSC | HCR_TIDCP | HCR_TACR | HCR_TLOR | HCR_HOST_FLAGS)
/*
 * With pointer authentication, guests use it directly: its instructions and
 * key registers do not trap (API, APK), and the keys are switched with the
 * vCPU. (Without API a kernel that enables PAC would trap on its first
 * PACIASP.)
 */
#define HCR_GUEST_PAUTH (HCR_API | HCR_APK)

/* ID_AA64ISAR1_EL1 APA, API, GPA, GPI and ID_AA64ISAR2_EL1 GPA3, APA3. */
#define ISAR1_PAUTH_FIELDS ((0xffUL << 4) | (0xffUL << 24))
#define ISAR2_PAUTH_FIELDS (0xffUL << 8)

/*
 * MDCR_EL2: PMU registers trap to EL2 and are undefined (the PMU is hidden
 * from guests); debug registers trap and are emulated (guest_sysreg.c).
 */
#define MDCR_TPMCR BIT(5)
#define MDCR_TPM BIT(6)
#define MDCR_TDOSA BIT(10)
#define MDCR_TDA BIT(9)
#define MDCR_TDRA BIT(11)

/* CNTHCTL_EL2: EL1 may read the physical counter, not use the physical timer. */
#define CNTHCTL_EL1PCTEN_NVHE BIT(0)
#define CNTHCTL_EL1PCTEN_VHE BIT(10)

#define SCTLR_EL1_RESET 0x30d00800UL	/* RES1 bits; MMU and caches off */
#define PSTATE_EL1H_MASKED 0x3c5UL	/* EL1h, D, A, I, F set */

static bool vhe;
static bool pauth;
static uint64_t vtcr;
static unsigned ipa_bits;

#define EL1_READ(vhe_reg, nvhe_reg) (vhe ? read_sysreg(vhe_reg) : read_sysreg(nvhe_reg))
#define EL1_WRITE(vhe_reg, nvhe_reg, v) do { \
	if (vhe) write_sysreg(vhe_reg, v); else write_sysreg(nvhe_reg, v); } while (0)

void arch_guest_cpu_init(void)
{
	uint64_t pmcr_n = (read_sysreg(pmcr_el0) >> 11) & 0x1f;

	vhe = arch_has_vhe();
	pauth = (read_sysreg(S3_0_C0_C6_1) & ISAR1_PAUTH_FIELDS) ||
		(read_sysreg(S3_0_C0_C6_2) & ISAR2_PAUTH_FIELDS);
	write_sysreg(cnthctl_el2, vhe ? CNTHCTL_EL1PCTEN_VHE : CNTHCTL_EL1PCTEN_NVHE);
	write_sysreg(mdcr_el2, MDCR_TPMCR | MDCR_TPM | MDCR_TDOSA | MDCR_TDA |
		     MDCR_TDRA | pmcr_n);
	write_sysreg(vpidr_el2, read_sysreg(midr_el1));
	isb();
}

int arch_stage2_init(char *err, size_t errlen)
{
	static const unsigned pa_bits[] = { 32, 36, 40, 42, 44, 48, 52 };
	uint64_t parange = read_sysreg(id_aa64mmfr0_el1) & 0xf;

	if (parange >= ARRAY_SIZE(pa_bits)) {
		format(err, errlen, "unknown PARange %lu", parange);
		return -1;
	}
	if (parange > 5)
		parange = 5;		/* 48-bit IPAs: all a 4-level walk covers */
	ipa_bits = pa_bits[parange];
	if (ipa_bits < 40) {
		/* Starting the walk at level 0 needs T0SZ <= 24. */
		format(err, errlen, "the CPU's %u-bit physical addresses are too few "
		       "for stage 2 (elvisor needs 40)", ipa_bits);
		return -1;
	}
	/* T0SZ, SL0 = 2 (start at level 0), WB/WB inner-shareable walks, 4K, PS. */
	vtcr = (64 - ipa_bits) | (2UL << 6) | (1UL << 8) | (1UL << 10) | (3UL << 12) |
	       (parange << 16) | BIT(31);
	return 0;
}

unsigned arch_ipa_bits(void)
{
	return ipa_bits;
}

static void save_el1(uint64_t *r)
{
	r[EL1_SCTLR] = EL1_READ(SCTLR_EL12, sctlr_el1);
	r[EL1_CPACR] = EL1_READ(CPACR_EL12, cpacr_el1);
	r[EL1_TTBR0] = EL1_READ(TTBR0_EL12, ttbr0_el1);
	r[EL1_TTBR1] = EL1_READ(TTBR1_EL12, ttbr1_el1);
	r[EL1_TCR] = EL1_READ(TCR_EL12, tcr_el1);
	r[EL1_ESR] = EL1_READ(ESR_EL12, esr_el1);
	r[EL1_AFSR0] = EL1_READ(AFSR0_EL12, afsr0_el1);
	r[EL1_AFSR1] = EL1_READ(AFSR1_EL12, afsr1_el1);
	r[EL1_FAR] = EL1_READ(FAR_EL12, far_el1);
	r[EL1_MAIR] = EL1_READ(MAIR_EL12, mair_el1);
	r[EL1_AMAIR] = EL1_READ(AMAIR_EL12, amair_el1);
	r[EL1_VBAR] = EL1_READ(VBAR_EL12, vbar_el1);
	r[EL1_CONTEXTIDR] = EL1_READ(CONTEXTIDR_EL12, contextidr_el1);
	r[EL1_CNTKCTL] = EL1_READ(CNTKCTL_EL12, cntkctl_el1);
	r[EL1_ELR] = EL1_READ(ELR_EL12, elr_el1);
	r[EL1_SPSR] = EL1_READ(SPSR_EL12, spsr_el1);
	r[EL1_SP_EL1] = read_sysreg(sp_el1);
	r[EL1_SP_EL0] = read_sysreg(sp_el0);
	r[EL1_TPIDR_EL1] = read_sysreg(tpidr_el1);
	r[EL1_TPIDR_EL0] = read_sysreg(tpidr_el0);
	r[EL1_TPIDRRO_EL0] = read_sysreg(tpidrro_el0);
	r[EL1_PAR] = read_sysreg(par_el1);
	r[EL1_CSSELR] = read_sysreg(csselr_el1);
	r[EL1_MDSCR] = read_sysreg(mdscr_el1);
}

static void restore_el1(const uint64_t *r)
{
	EL1_WRITE(SCTLR_EL12, sctlr_el1, r[EL1_SCTLR]);
	EL1_WRITE(CPACR_EL12, cpacr_el1, r[EL1_CPACR]);
	EL1_WRITE(TTBR0_EL12, ttbr0_el1, r[EL1_TTBR0]);
	EL1_WRITE(TTBR1_EL12, ttbr1_el1, r[EL1_TTBR1]);
	EL1_WRITE(TCR_EL12, tcr_el1, r[EL1_TCR]);
	EL1_WRITE(ESR_EL12, esr_el1, r[EL1_ESR]);
	EL1_WRITE(AFSR0_EL12, afsr0_el1, r[EL1_AFSR0]);
	EL1_WRITE(AFSR1_EL12, afsr1_el1, r[EL1_AFSR1]);
	EL1_WRITE(FAR_EL12, far_el1, r[EL1_FAR]);
	EL1_WRITE(MAIR_EL12, mair_el1, r[EL1_MAIR]);
	EL1_WRITE(AMAIR_EL12, amair_el1, r[EL1_AMAIR]);
	EL1_WRITE(VBAR_EL12, vbar_el1, r[EL1_VBAR]);
	EL1_WRITE(CONTEXTIDR_EL12, contextidr_el1, r[EL1_CONTEXTIDR]);
	EL1_WRITE(CNTKCTL_EL12, cntkctl_el1, r[EL1_CNTKCTL]);
	EL1_WRITE(ELR_EL12, elr_el1, r[EL1_ELR]);
	EL1_WRITE(SPSR_EL12, spsr_el1, r[EL1_SPSR]);
	write_sysreg(sp_el1, r[EL1_SP_EL1]);
	write_sysreg(sp_el0, r[EL1_SP_EL0]);
	write_sysreg(tpidr_el1, r[EL1_TPIDR_EL1]);
	write_sysreg(tpidr_el0, r[EL1_TPIDR_EL0]);
	write_sysreg(tpidrro_el0, r[EL1_TPIDRRO_EL0]);
	write_sysreg(par_el1, r[EL1_PAR]);
	write_sysreg(csselr_el1, r[EL1_CSSELR]);
	write_sysreg(mdscr_el1, r[EL1_MDSCR]);
}

static void save_pauth_keys(uint64_t *r)
{
	r[EL1_APIAKEYLO] = KEY_READ(APIAKEYLO_EL1);
	r[EL1_APIAKEYHI] = KEY_READ(APIAKEYHI_EL1);
	r[EL1_APIBKEYLO] = KEY_READ(APIBKEYLO_EL1);
	r[EL1_APIBKEYHI] = KEY_READ(APIBKEYHI_EL1);
	r[EL1_APDAKEYLO] = KEY_READ(APDAKEYLO_EL1);
	r[EL1_APDAKEYHI] = KEY_READ(APDAKEYHI_EL1);
	r[EL1_APDBKEYLO] = KEY_READ(APDBKEYLO_EL1);
	r[EL1_APDBKEYHI] = KEY_READ(APDBKEYHI_EL1);
	r[EL1_APGAKEYLO] = KEY_READ(APGAKEYLO_EL1);
	r[EL1_APGAKEYHI] = KEY_READ(APGAKEYHI_EL1);
}

static void restore_pauth_keys(const uint64_t *r)
{
	KEY_WRITE(APIAKEYLO_EL1, r[EL1_APIAKEYLO]);
	KEY_WRITE(APIAKEYHI_EL1, r[EL1_APIAKEYHI]);
	KEY_WRITE(APIBKEYLO_EL1, r[EL1_APIBKEYLO]);
	KEY_WRITE(APIBKEYHI_EL1, r[EL1_APIBKEYHI]);
	KEY_WRITE(APDAKEYLO_EL1, r[EL1_APDAKEYLO]);
	KEY_WRITE(APDAKEYHI_EL1, r[EL1_APDAKEYHI]);
	KEY_WRITE(APDBKEYLO_EL1, r[EL1_APDBKEYLO]);
	KEY_WRITE(APDBKEYHI_EL1, r[EL1_APDBKEYHI]);
	KEY_WRITE(APGAKEYLO_EL1, r[EL1_APGAKEYLO]);
	KEY_WRITE(APGAKEYHI_EL1, r[EL1_APGAKEYHI]);
}

/* FP/SIMD: q0-q31 and the status/control registers. */
static void save_fp(struct fpsimd_state *fp)
{
	__asm__ volatile(".arch_extension fp\n.arch_extension simd\n"
		"stp q0, q1, [%0, #0]\n stp q2, q3, [%0, #32]\n"
		"stp q4, q5, [%0, #64]\n stp q6, q7, [%0, #96]\n"
		"stp q8, q9, [%0, #128]\n stp q10, q11, [%0, #160]\n"
		"stp q12, q13, [%0, #192]\n stp q14, q15, [%0, #224]\n"
		"stp q16, q17, [%0, #256]\n stp q18, q19, [%0, #288]\n"
		"stp q20, q21, [%0, #320]\n stp q22, q23, [%0, #352]\n"
		"stp q24, q25, [%0, #384]\n stp q26, q27, [%0, #416]\n"
		"stp q28, q29, [%0, #448]\n stp q30, q31, [%0, #480]\n"
		: : "r"(fp->v) : "memory");
	fp->fpsr = (uint32_t)read_sysreg(fpsr);
	fp->fpcr = (uint32_t)read_sysreg(fpcr);
}

static void restore_fp(const struct fpsimd_state *fp)
{
	__asm__ volatile(".arch_extension fp\n.arch_extension simd\n"
		"ldp q0, q1, [%0, #0]\n ldp q2, q3, [%0, #32]\n"
		"ldp q4, q5, [%0, #64]\n ldp q6, q7, [%0, #96]\n"
		"ldp q8, q9, [%0, #128]\n ldp q10, q11, [%0, #160]\n"
		"ldp q12, q13, [%0, #192]\n ldp q14, q15, [%0, #224]\n"
		"ldp q16, q17, [%0, #256]\n ldp q18, q19, [%0, #288]\n"
		"ldp q20, q21, [%0, #320]\n ldp q22, q23, [%0, #352]\n"
		"ldp q24, q25, [%0, #384]\n ldp q26, q27, [%0, #416]\n"
		"ldp q28, q29, [%0, #448]\n ldp q30, q31, [%0, #480]\n"
		: : "r"(fp->v) : "memory");
	write_sysreg(fpsr, fp->fpsr);
	write_sysreg(fpcr, fp->fpcr);
}

static void save_vtimer(struct vtimer_state *t)
{
	t->ctl = EL1_READ(CNTV_CTL_EL02, cntv_ctl_el0);
	t->cval = EL1_READ(CNTV_CVAL_EL02, cntv_cval_el0);
	/* Off the pCPU, the guest's timer must not fire for whoever runs next. */
	EL1_WRITE(CNTV_CTL_EL02, cntv_ctl_el0, 0);
}

static void restore_vtimer(const struct vtimer_state *t)
{
	EL1_WRITE(CNTV_CVAL_EL02, cntv_cval_el0, t->cval);
	EL1_WRITE(CNTV_CTL_EL02, cntv_ctl_el0, t->ctl);
}

void arch_vcpu_load(struct vcpu *v)
{
	struct domain *d = v->dom;

	write_sysreg(vttbr_el2, (uint64_t)d->vmid << 48 | d->s2.root);
	write_sysreg(vtcr_el2, vtcr);
	write_sysreg(vmpidr_el2, v->vmpidr | BIT(31));
	write_sysreg(cntvoff_el2, d->cntvoff);
	restore_el1(v->ctx.el1);
	if (pauth)
		restore_pauth_keys(v->ctx.el1);
	restore_fp(&v->ctx.fp);
	restore_vtimer(&v->ctx.timer);
	write_sysreg(hcr_el2, HCR_GUEST | (pauth ? HCR_GUEST_PAUTH : 0) | (vhe ? HCR_E2H : 0) |
				      (d->stub ? HCR_DC : 0));
	isb();
}

void arch_vcpu_put(struct vcpu *v)
{
	save_el1(v->ctx.el1);
	if (pauth)
		save_pauth_keys(v->ctx.el1);
	save_fp(&v->ctx.fp);
	save_vtimer(&v->ctx.timer);
	write_sysreg(hcr_el2, HCR_HOST_FLAGS | (vhe ? HCR_E2H : 0));
	isb();
}

void arch_vcpu_reset(struct vcpu_context *ctx, uint64_t pc, uint64_t x0)
{
	for (unsigned i = 0; i < 31; i++)
		ctx->gprs.x[i] = 0;
	for (unsigned i = 0; i < EL1_NR_REGS; i++)
		ctx->el1[i] = 0;
	for (unsigned i = 0; i < 32; i++)
		ctx->fp.v[i] = 0;
	ctx->fp.fpsr = 0;
	ctx->fp.fpcr = 0;
	ctx->timer.ctl = 0;
	ctx->timer.cval = 0;
	ctx->gprs.x[0] = x0;
	ctx->gprs.pc = pc;
	ctx->gprs.pstate = PSTATE_EL1H_MASKED;
	ctx->el1[EL1_SCTLR] = SCTLR_EL1_RESET;
}

void arch_tlb_flush_vmid(uint16_t vmid)
{
	uint64_t flags = arch_irq_save();
	uint64_t saved = read_sysreg(vttbr_el2);

	/* TLBI VMALLS12E1IS acts on the VMID in VTTBR_EL2. */
	write_sysreg(vttbr_el2, (uint64_t)vmid << 48);
	isb();
	__asm__ volatile("dsb ishst; tlbi vmalls12e1is; dsb ish; isb" ::: "memory");
	write_sysreg(vttbr_el2, saved);
	isb();
	arch_irq_restore(flags);
}

/* Exception vector offset from VBAR_EL1 for an exception taken to EL1. */
static uint64_t el1_vector_offset(uint64_t pstate)
{
	uint64_t mode = pstate & 0x1f;

	if (pstate & BIT(4))
		return 0x600;		/* from AArch32 EL0 */
	if (mode == 0x0)
		return 0x400;		/* from AArch64 EL0 */
	if (mode == 0x4)
		return 0x000;		/* EL1t */
	return 0x200;			/* EL1h */
}

static bool from_el0(uint64_t pstate)
{
	return (pstate & 0xf) == 0 || (pstate & BIT(4));
}

/* The vCPU is loaded: its EL1 exception registers are live. */
static void inject_sync(struct vcpu_context *ctx, uint64_t esr, uint64_t far,
			bool set_far)
{
	uint64_t vbar = EL1_READ(VBAR_EL12, vbar_el1);

	EL1_WRITE(ELR_EL12, elr_el1, ctx->gprs.pc);
	EL1_WRITE(SPSR_EL12, spsr_el1, ctx->gprs.pstate);
	EL1_WRITE(ESR_EL12, esr_el1, esr);
	if (set_far)
		EL1_WRITE(FAR_EL12, far_el1, far);
	ctx->gprs.pc = vbar + el1_vector_offset(ctx->gprs.pstate);
	ctx->gprs.pstate = PSTATE_EL1H_MASKED;
}

#define ESR_IL BIT(25)
#define FSC_SYNC_EXTERNAL 0x10

void arch_inject_undef(struct vcpu_context *ctx)
{
	inject_sync(ctx, ESR_IL, 0, false);	/* EC 0: unknown reason */
}

void arch_inject_dabt(struct vcpu_context *ctx, uint64_t far)
{
	uint64_t ec = from_el0(ctx->gprs.pstate) ? 0x24 : 0x25;

	inject_sync(ctx, ec << 26 | ESR_IL | FSC_SYNC_EXTERNAL, far, true);
}

void arch_inject_iabt(struct vcpu_context *ctx, uint64_t far)
{
	uint64_t ec = from_el0(ctx->gprs.pstate) ? 0x20 : 0x21;

	inject_sync(ctx, ec << 26 | ESR_IL | FSC_SYNC_EXTERNAL, far, true);
}

bool arch_vtimer_live_asserted(void)
{
	uint64_t ctl = EL1_READ(CNTV_CTL_EL02, cntv_ctl_el0);

	/* ISTATUS: the condition is met; the output is asserted unless masked. */
	return (ctl & (CNT_CTL_ENABLE | CNT_CTL_IMASK | CNT_CTL_ISTATUS)) ==
	       (CNT_CTL_ENABLE | CNT_CTL_ISTATUS);
}

uint64_t arch_vtimer_deadline(const struct vcpu_context *ctx, uint64_t cntvoff,
			      bool *armed)
{
	/* Enabled, not masked: it will assert at cval (virtual) = cval + cntvoff. */
	*armed = (ctx->timer.ctl & (CNT_CTL_ENABLE | CNT_CTL_IMASK)) == CNT_CTL_ENABLE;
	return ctx->timer.cval + cntvoff;
}
