/*
 * Guest exits, decoded from ESR_EL2 and dispatched through a table indexed
 * by the exception class. Anything a guest can provoke ends in an
 * emulation, an injected exception, or a blocked vCPU: never in a fatal
 * error of the hypervisor.
 */
#include "arch/esr.h"
#include "arch/guest_sysreg.h"
#include "arch/guest_traps.h"
#include "arch/sysreg.h"
#include "arch/vcpu_switch.h"
#include "core/console.h"
#include "core/guest_calls.h"
#include "core/vcpu.h"
#include "core/vgic.h"

typedef void (*exit_handler_fn)(struct vcpu *v, uint64_t esr);

static void skip_instruction(struct vcpu *v)
{
	v->ctx.gprs.pc += 4;	/* AArch64 guests only (HCR_EL2.RW) */
}

static uint64_t read_gpr(struct vcpu *v, unsigned reg)
{
	return reg == 31 ? 0 : v->ctx.gprs.x[reg];
}

static void write_gpr(struct vcpu *v, unsigned reg, uint64_t value)
{
	if (reg != 31)
		v->ctx.gprs.x[reg] = value;
}

static void handle_wfx(struct vcpu *v, uint64_t esr)
{
	v->stats.traps[TRAP_WFX]++;
	skip_instruction(v);
	if (!(esr & 1))		/* WFI; WFE is only a hint to yield */
		vcpu_block_in_wfi(v);
}

static void do_call(struct vcpu *v)
{
	uint64_t regs[7];

	for (unsigned i = 0; i < 7; i++)
		regs[i] = v->ctx.gprs.x[i];
	guest_call(v, regs);
	if (vcpu_io_posted(v)) {
		v->io.kind = VCPU_IO_CALL;	/* x0..x3 come with the completion */
		return;
	}
	for (unsigned i = 0; i < 4; i++)
		v->ctx.gprs.x[i] = regs[i];
}

static void handle_hvc(struct vcpu *v, uint64_t esr)
{
	(void)esr;
	v->stats.traps[TRAP_HVC]++;
	do_call(v);		/* ELR already points past the HVC */
}

static void handle_smc(struct vcpu *v, uint64_t esr)
{
	(void)esr;
	v->stats.traps[TRAP_SMC]++;
	skip_instruction(v);	/* a trapped SMC leaves ELR on the SMC */
	do_call(v);
}

/* ISS of a trapped MSR/MRS: Op0, Op2, Op1, CRn, Rt, CRm, direction. */
#define SYSREG_ISS_MASK 0x3ffc1eUL
#define SYSREG_ENC(op0, op1, crn, crm, op2) \
	(((uint64_t)(op0) << 20) | ((uint64_t)(op2) << 17) | ((uint64_t)(op1) << 14) | \
	 ((uint64_t)(crn) << 10) | ((uint64_t)(crm) << 1))
#define SYSREG_ICC_SGI1R SYSREG_ENC(3, 0, 12, 11, 5)
#define SYSREG_ICC_ASGI1R SYSREG_ENC(3, 1, 12, 11, 6)
#define SYSREG_ICC_SGI0R SYSREG_ENC(3, 2, 12, 11, 7)

/* The ID and debug registers guest_sysreg.c emulates. */
static bool sysreg_emulated(struct vcpu *v, uint64_t iss, unsigned rt, bool read)
{
	uint32_t key = SYSREG_KEY((iss >> 20) & 3, (iss >> 14) & 7, (iss >> 10) & 0xf,
				  (iss >> 1) & 0xf, (iss >> 17) & 7);
	uint64_t value = read ? 0 : read_gpr(v, rt);

	if (!guest_sysreg_emulate(v, key, read, &value))
		return false;
	if (read)
		write_gpr(v, rt, value);
	return true;
}

static void handle_sysreg(struct vcpu *v, uint64_t esr)
{
	uint64_t iss = esr & 0x1ffffff;
	unsigned rt = (iss >> 5) & 0x1f;
	bool read = iss & 1;

	v->stats.traps[TRAP_SYSREG]++;
	if ((iss & SYSREG_ISS_MASK) == SYSREG_ICC_SGI1R && !read) {
		vgic_sgi1r_write(v, read_gpr(v, rt));
		skip_instruction(v);
		return;
	}
	if (((iss & SYSREG_ISS_MASK) == SYSREG_ICC_ASGI1R ||
	     (iss & SYSREG_ISS_MASK) == SYSREG_ICC_SGI0R) && !read) {
		skip_instruction(v);	/* group 0 SGIs: there is no group 0 here */
		return;
	}
	if (sysreg_emulated(v, iss, rt, read)) {
		skip_instruction(v);
		return;
	}
	guest_fault_log_once(v, FAULT_SYSREG,
			     "%s of system register S%lu_%lu_C%lu_C%lu_%lu at pc %#lx: undefined",
			     read ? "read" : "write", (iss >> 20) & 3, (iss >> 14) & 7,
			     (iss >> 10) & 0xf, (iss >> 1) & 0xf, (iss >> 17) & 7,
			     v->ctx.gprs.pc);
	arch_inject_undef(&v->ctx);
}

/* The access could not be emulated: the guest gets a data abort (cold). */
__attribute__((noinline, cold)) static void mmio_refused(struct vcpu *v, uint64_t esr)
{
	guest_fault_log_once(v, FAULT_UNHANDLED_DABT,
			     "%s of %u bytes at IPA %#lx (pc %#lx): no device there or its "
			     "emulator refused it, abort injected",
			     (esr & ESR_DABT_WNR) ? "write" : "read", 1u << ((esr >> ESR_DABT_SAS_SHIFT) & 3),
			     ((v->ctx.hpfar >> 4) << 12) | (v->ctx.far & 0xfff), v->ctx.gprs.pc);
	arch_inject_dabt(&v->ctx, v->ctx.far);
}

/*
 * An emulated access is answered: the value into the register the syndrome
 * names (ISS: SAS, SSE, SRT, SF, WnR; Arm ARM D17.2.40), or an abort.
 */
static inline __attribute__((always_inline)) void mmio_answer(struct vcpu *v, uint64_t esr,
								bool ok, uint64_t value)
{
	unsigned size = 1u << ((esr >> ESR_DABT_SAS_SHIFT) & 3);

	if (!ok) {
		mmio_refused(v, esr);
		return;
	}
	if (!(esr & ESR_DABT_WNR)) {
		if (size < 8) {
			value &= (1UL << (size * 8)) - 1;
			if ((esr & ESR_DABT_SSE) && (value & (1UL << (size * 8 - 1))))
				value |= ~0UL << (size * 8);
		}
		if (!(esr & ESR_DABT_SF))
			value &= 0xffffffffUL;
		write_gpr(v, (esr >> ESR_DABT_SRT_SHIFT) & 0x1f, value);
	}
	skip_instruction(v);
}

/* No canary: value is a scalar whose address only mmio_emulate sees (hot path). */
__no_canary static void handle_dabt(struct vcpu *v, uint64_t esr)
{
	uint64_t ipa = ((v->ctx.hpfar >> 4) << 12) | (v->ctx.far & 0xfff);
	unsigned size = 1u << ((esr >> ESR_DABT_SAS_SHIFT) & 3);
	bool write = esr & ESR_DABT_WNR;
	uint64_t value = 0;
	bool ok;

	v->stats.traps[TRAP_DABT]++;
	if ((esr & ESR_DABT_S1PTW) || !(esr & ESR_DABT_ISV)) {
		guest_fault_log_once(v, FAULT_UNDECODABLE_DABT,
				     "%s at IPA %#lx (pc %#lx) cannot be emulated%s: abort injected",
				     write ? "write" : "read", ipa, v->ctx.gprs.pc,
				     (esr & ESR_DABT_S1PTW) ? " (stage-1 walk)" : " (no syndrome)");
		arch_inject_dabt(&v->ctx, v->ctx.far);
		return;
	}
	if (write)
		value = read_gpr(v, (esr >> ESR_DABT_SRT_SHIFT) & 0x1f) &
			(size == 8 ? ~0UL : (1UL << (size * 8)) - 1);
	ok = mmio_emulate(v, ipa, write, size, &value);
	if (vcpu_io_posted(v)) {
		/* A stub domain answers later: keep the syndrome, leave the PC on the access. */
		v->io.kind = VCPU_IO_MMIO;
		v->io.esr = esr;
		return;
	}
	mmio_answer(v, esr, ok, value);
}

void guest_io_finish(struct vcpu *v)
{
	if (v->io.kind == VCPU_IO_MMIO) {
		mmio_answer(v, v->io.esr, v->io.ok, v->io.res[0]);
		return;
	}
	for (unsigned i = 0; i < 4; i++)
		v->ctx.gprs.x[i] = v->io.res[i];
}

static void handle_iabt(struct vcpu *v, uint64_t esr)
{
	(void)esr;
	v->stats.traps[TRAP_OTHER]++;
	guest_fault_log_once(v, FAULT_IABT, "instruction fetch from IPA %#lx: abort injected",
			     ((v->ctx.hpfar >> 4) << 12) | (v->ctx.far & 0xfff));
	arch_inject_iabt(&v->ctx, v->ctx.far);
}

static void handle_unknown(struct vcpu *v, uint64_t esr)
{
	v->stats.traps[TRAP_OTHER]++;
	guest_fault_log_once(v, FAULT_UNKNOWN_EC, "exception class %#x (%s) at pc %#lx: undefined",
			     esr_ec(esr), esr_ec_name(esr_ec(esr)), v->ctx.gprs.pc);
	arch_inject_undef(&v->ctx);
}

static const exit_handler_fn exit_handlers[ESR_EC_COUNT] = {
	[ESR_EC_WFX] = handle_wfx,
	[ESR_EC_HVC64] = handle_hvc,
	[ESR_EC_SMC64] = handle_smc,
	[ESR_EC_SYSREG] = handle_sysreg,
	[ESR_EC_DABT_LOW] = handle_dabt,
	[ESR_EC_IABT_LOW] = handle_iabt,
};

void handle_guest_exit(struct vcpu *v, uint64_t exit)
{
	uint64_t esr = v->ctx.esr;
	exit_handler_fn fn;

	if (exit == EXIT_SERROR) {
		guest_fault_log_once(v, FAULT_SERROR, "SError while the guest ran: abort injected");
		arch_inject_dabt(&v->ctx, 0);
		return;
	}
	if (exit != EXIT_SYNC) {
		v->stats.traps[TRAP_OTHER]++;
		return;		/* FIQ: nothing uses it; the guest resumes */
	}
	fn = exit_handlers[esr_ec(esr)];
	(fn ? fn : handle_unknown)(v, esr);
}
