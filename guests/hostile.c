/*
 * hostile: a long, seeded pseudo-random sequence of things a guest should
 * not be able to hurt the hypervisor (or anyone else) with. Every exception
 * they raise is caught and the next one follows. Passes if the guest is
 * still alive at the end, and if what must trap did:
 *
 *  - loads, stores, pairs, exclusives, atomics and cache maintenance at
 *    random addresses outside RAM: inside our virtual GIC anything goes
 *    (emulated, or an abort), anywhere else every access must abort;
 *  - reads of random system-register encodings (op0 2 and 3), writes of
 *    random values to the IMPLEMENTATION DEFINED space (CRn 11 and 15)
 *    and to the SGI generation registers (random targets);
 *  - EL2/EL3/_EL12 registers (read and write) and read-only registers
 *    (write): must be undefined at EL1;
 *  - undefined instructions (UDF, unallocated encodings), BRK, SVC: must
 *    trap to us; never HLT (semihosting would end QEMU);
 *  - HVC and SMC with random function IDs and arguments, also with
 *    non-zero immediates: must return (NOT_SUPPORTED for unknown IDs of
 *    elvisor's own range); console writes with invalid buffers must be
 *    refused. PSCI calls that would stop, suspend or reset us and
 *    ELVISOR_HVC_TEST_RESULT are never made.
 *
 * bootargs: hostile.ops (default 20000), hostile.seed, hostile.calls=0 (no
 * HVC/SMC: for a bare-metal debug run, where they are undefined).
 */
#include "guest.h"

#define REPORT_MAX 20

enum category {
	CAT_MMIO, CAT_SYSREG_READ, CAT_SYSREG_WRITE, CAT_MUST_UNDEF, CAT_UNDEF_INSN,
	CAT_HVC, CAT_SMC, CAT_CALL_IMM, CAT_CONSOLE, CAT_COUNT
};

static const char *const category_names[CAT_COUNT] = {
	"mmio", "sysreg-read", "sysreg-write", "el2/ro-sysreg", "undef-insn", "hvc", "smc",
	"hvc/smc-imm", "console",
};

/* Out of 100. */
static unsigned weights[CAT_COUNT] = { 30, 15, 10, 10, 10, 10, 6, 4, 5 };

static struct {
	uint64_t ops, trapped;
} stats[CAT_COUNT];

static struct rng rng;
static uint64_t ram_top, reported;
static bool have_lse;

static void complain(const char *what, uint64_t a, uint64_t b)
{
	this_cpu()->failures++;
	if (reported++ < REPORT_MAX)
		printf("[guest] FAIL %s (%#lx, %#lx)\n", what, a, b);
}

/* ---- memory accesses outside RAM ---- */

static bool in_our_gic(uint64_t a)
{
	return (a >= GICD_BASE && a < GICD_BASE + GICD_SIZE) ||
	       (a >= GICR_BASE && a < GICR_BASE + GUEST_MAX_CPUS * GICR_STRIDE);
}

static uint64_t random_address(void)
{
	uint64_t r = rng_below(&rng, 100);

	if (r < 30)			/* our own virtual GIC, any register */
		return rng_below(&rng, 2) ? GICD_BASE + rng_below(&rng, GICD_SIZE)
					  : GICR_BASE + rng_below(&rng, GUEST_MAX_CPUS * GICR_STRIDE);
	if (r < 55)
		return rng_below(&rng, GUEST_RAM_BASE);
	if (r < 60)			/* just past our RAM */
		return ram_top + rng_below(&rng, 0x10000);
	if (r < 85)
		return rng_range(&rng, ram_top, 0x100000000UL);
	return rng_range(&rng, 0x100000000UL, 1UL << 48);
}

static void mmio_op(void)
{
	enum probe_op op = (enum probe_op)rng_below(&rng, PROBE_OPS);
	uint64_t addr = random_address();
	unsigned size = probe_op_size(op);
	struct probe_result r;
	bool aborted, must_abort;

	if (!have_lse && (op == PROBE_LDADD || op == PROBE_SWP || op == PROBE_CAS))
		op = PROBE_LDRX;
	/* Natural alignment (pairs: per register): Device memory demands it. */
	addr &= ~(uint64_t)((size > 8 ? 8 : size ? size : 8) - 1);
	aborted = probe(op, addr, rng_next(&rng), &r);
	stats[CAT_MMIO].trapped += aborted;
	/*
	 * Outside our GIC and RAM every access must abort. Not checked: cache
	 * maintenance (a hypervisor may ignore it on non-memory) and a
	 * store-exclusive (it may fail its monitor check without an access).
	 */
	must_abort = !in_our_gic(addr) && size && op != PROBE_STXR;
	if (!must_abort || (aborted && (!r.faulted || r.ec == EC_DABT_CUR)))
		return;
	this_cpu()->failures++;
	if (reported++ >= REPORT_MAX)
		return;
	if (!aborted)
		printf("[guest] FAIL %s at %#lx (outside RAM) did not abort\n", probe_op_name(op),
		       addr);
	else
		printf("[guest] FAIL %s at %#lx (outside RAM): ESR %#lx (%s), not a data abort\n",
		       probe_op_name(op), addr, r.esr, esr_ec_name(r.ec));
}

/* ---- system registers ---- */

struct sysreg {
	uint8_t op0, op1, crn, crm, op2;
};

#define SR(op0, op1, crn, crm, op2) { op0, op1, crn, crm, op2 }

/* Undefined at EL1 both ways: EL2, EL3 and EL1-from-EL2 (_EL12) registers. */
static const struct sysreg not_ours[] = {
	SR(3, 4, 1, 1, 0),	/* HCR_EL2 */
	SR(3, 4, 1, 1, 1),	/* MDCR_EL2 */
	SR(3, 4, 1, 1, 2),	/* CPTR_EL2 */
	SR(3, 4, 1, 1, 3),	/* HSTR_EL2 */
	SR(3, 4, 1, 1, 7),	/* HACR_EL2 */
	SR(3, 4, 1, 0, 0),	/* SCTLR_EL2 */
	SR(3, 4, 2, 0, 0),	/* TTBR0_EL2 */
	SR(3, 4, 2, 0, 1),	/* TTBR1_EL2 */
	SR(3, 4, 2, 0, 2),	/* TCR_EL2 */
	SR(3, 4, 2, 1, 0),	/* VTTBR_EL2 */
	SR(3, 4, 2, 1, 2),	/* VTCR_EL2 */
	SR(3, 4, 10, 2, 0),	/* MAIR_EL2 */
	SR(3, 4, 12, 0, 0),	/* VBAR_EL2 */
	SR(3, 4, 4, 0, 0),	/* SPSR_EL2 */
	SR(3, 4, 4, 0, 1),	/* ELR_EL2 */
	SR(3, 4, 4, 1, 0),	/* SP_EL1 */
	SR(3, 4, 5, 2, 0),	/* ESR_EL2 */
	SR(3, 4, 6, 0, 0),	/* FAR_EL2 */
	SR(3, 4, 6, 0, 4),	/* HPFAR_EL2 */
	SR(3, 4, 13, 0, 2),	/* TPIDR_EL2 */
	SR(3, 4, 0, 0, 0),	/* VPIDR_EL2 */
	SR(3, 4, 0, 0, 5),	/* VMPIDR_EL2 */
	SR(3, 4, 14, 1, 0),	/* CNTHCTL_EL2 */
	SR(3, 4, 14, 0, 3),	/* CNTVOFF_EL2 */
	SR(3, 4, 14, 2, 1),	/* CNTHP_CTL_EL2 */
	SR(3, 4, 14, 2, 2),	/* CNTHP_CVAL_EL2 */
	SR(3, 4, 12, 9, 5),	/* ICC_SRE_EL2 */
	SR(3, 4, 12, 11, 0),	/* ICH_HCR_EL2 */
	SR(3, 4, 12, 11, 7),	/* ICH_VMCR_EL2 */
	SR(3, 4, 12, 12, 0),	/* ICH_LR0_EL2 */
	SR(3, 4, 12, 13, 7),	/* ICH_LR15_EL2 */
	SR(3, 4, 12, 9, 0),	/* ICH_AP1R0_EL2 */
	SR(3, 6, 1, 1, 0),	/* SCR_EL3 */
	SR(3, 6, 1, 0, 0),	/* SCTLR_EL3 */
	SR(3, 6, 12, 0, 0),	/* VBAR_EL3 */
	SR(3, 6, 1, 3, 1),	/* MDCR_EL3 */
	SR(3, 6, 4, 0, 1),	/* ELR_EL3 */
	SR(3, 6, 4, 1, 0),	/* SP_EL2 */
	SR(3, 6, 12, 12, 5),	/* ICC_SRE_EL3 */
	SR(3, 5, 1, 0, 0),	/* SCTLR_EL12 */
	SR(3, 5, 1, 0, 2),	/* CPACR_EL12 */
	SR(3, 5, 2, 0, 0),	/* TTBR0_EL12 */
	SR(3, 5, 2, 0, 2),	/* TCR_EL12 */
	SR(3, 5, 12, 0, 0),	/* VBAR_EL12 */
	SR(3, 5, 4, 0, 1),	/* ELR_EL12 */
	SR(3, 5, 14, 1, 0),	/* CNTKCTL_EL12 */
	SR(3, 5, 14, 3, 1),	/* CNTV_CTL_EL02 */
	SR(3, 5, 14, 3, 2),	/* CNTV_CVAL_EL02 */
	SR(3, 5, 14, 2, 1),	/* CNTP_CTL_EL02 */
};

/* Read-only: a write is undefined. */
static const struct sysreg read_only[] = {
	SR(3, 0, 0, 0, 0),	/* MIDR_EL1 */
	SR(3, 0, 0, 0, 5),	/* MPIDR_EL1 */
	SR(3, 0, 0, 0, 6),	/* REVIDR_EL1 */
	SR(3, 0, 0, 4, 0),	/* ID_AA64PFR0_EL1 */
	SR(3, 0, 0, 6, 0),	/* ID_AA64ISAR0_EL1 */
	SR(3, 0, 0, 7, 0),	/* ID_AA64MMFR0_EL1 */
	SR(3, 3, 0, 0, 1),	/* CTR_EL0 */
	SR(3, 3, 0, 0, 7),	/* DCZID_EL0 */
	SR(3, 3, 14, 0, 1),	/* CNTPCT_EL0 */
	SR(3, 3, 14, 0, 2),	/* CNTVCT_EL0 */
	SR(3, 0, 4, 2, 2),	/* CurrentEL */
	SR(3, 0, 12, 1, 0),	/* ISR_EL1 */
	SR(3, 0, 12, 12, 0),	/* ICC_IAR1_EL1 */
	SR(3, 0, 12, 12, 2),	/* ICC_HPPIR1_EL1 */
	SR(3, 0, 12, 11, 3),	/* ICC_RPR_EL1 */
};

/* Write-only: a read is undefined. */
static const struct sysreg write_only[] = {
	SR(3, 0, 12, 11, 5),	/* ICC_SGI1R_EL1 */
	SR(3, 0, 12, 12, 1),	/* ICC_EOIR1_EL1 */
	SR(3, 0, 12, 11, 1),	/* ICC_DIR_EL1 */
	SR(2, 0, 1, 0, 4),	/* OSLAR_EL1 */
};

/* SGI generation: random targets, our domain only. */
static const struct sysreg sgi_regs[] = {
	SR(3, 0, 12, 11, 5),	/* ICC_SGI1R_EL1 */
	SR(3, 0, 12, 11, 6),	/* ICC_ASGI1R_EL1 */
	SR(3, 0, 12, 11, 7),	/* ICC_SGI0R_EL1 */
};

static uint32_t mrs(const struct sysreg *s)
{
	return a64_mrs(s->op0, s->op1, s->crn, s->crm, s->op2, 0);
}

static uint32_t msr(const struct sysreg *s)
{
	return a64_msr(s->op0, s->op1, s->crn, s->crm, s->op2, 1);
}

static void sysreg_read(void)
{
	struct sysreg s = {
		(uint8_t)(2 + rng_below(&rng, 2)), (uint8_t)rng_below(&rng, 8),
		(uint8_t)rng_below(&rng, 16), (uint8_t)rng_below(&rng, 16),
		(uint8_t)rng_below(&rng, 8),
	};
	struct exec_result r;

	stats[CAT_SYSREG_READ].trapped += exec_insn(mrs(&s), 0, 0, 0, 0, &r);
}

static void sysreg_write(void)
{
	struct exec_result r;
	uint64_t value = rng_next(&rng);
	struct sysreg s;

	if (rng_below(&rng, 4) == 0) {
		s = sgi_regs[rng_below(&rng, ARRAY_SIZE(sgi_regs))];
	} else {
		s = (struct sysreg){ 3, (uint8_t)rng_below(&rng, 8),
				     rng_below(&rng, 2) ? 11 : 15, (uint8_t)rng_below(&rng, 16),
				     (uint8_t)rng_below(&rng, 8) };
	}
	stats[CAT_SYSREG_WRITE].trapped += exec_insn(msr(&s), 0, value, 0, 0, &r);
}

static void must_undef_sysreg(void)
{
	struct exec_result r;
	uint64_t pick = rng_below(&rng, ARRAY_SIZE(not_ours) * 2 + ARRAY_SIZE(read_only) +
				  ARRAY_SIZE(write_only));
	uint32_t insn;

	if (pick < ARRAY_SIZE(not_ours))
		insn = mrs(&not_ours[pick]);
	else if ((pick -= ARRAY_SIZE(not_ours)) < ARRAY_SIZE(not_ours))
		insn = msr(&not_ours[pick]);
	else if ((pick -= ARRAY_SIZE(not_ours)) < ARRAY_SIZE(read_only))
		insn = msr(&read_only[pick]);
	else
		insn = mrs(&write_only[pick - ARRAY_SIZE(read_only)]);
	exec_insn(insn, 0, rng_next(&rng), 0, 0, &r);
	stats[CAT_MUST_UNDEF].trapped += r.trapped;
	if (!r.trapped)
		complain("system register access not undefined: instruction, x0", insn, r.x0);
	else if (r.ec != EC_UNKNOWN)
		complain("system register access: not an undefined-instruction exception: "
			 "instruction, ESR", insn, r.esr);
}

/* ---- undefined instructions ---- */

static void undefined_insn(void)
{
	static const uint32_t undefined[] = {
		0x00000000, 0x00000001, 0x0000dead, 0x0000ffff,	/* UDF #imm16 */
		0x00010000, 0x00ff0000, 0x01234567,		/* reserved, op1 != 0 */
		0x02000000, 0x03ffffff, 0x82000000, 0xe2000000,	/* op0 0001: unallocated */
		0x06000000, 0xe7f000f0,				/* op0 0011: unallocated */
	};
	struct exec_result r;
	uint64_t pick = rng_below(&rng, ARRAY_SIZE(undefined) + 2);
	uint32_t insn;
	unsigned want;

	if (pick < ARRAY_SIZE(undefined)) {
		insn = undefined[pick];
		want = EC_UNKNOWN;
	} else if (pick == ARRAY_SIZE(undefined)) {
		insn = a64_brk((unsigned)rng_next(&rng));
		want = EC_BRK;
	} else {
		insn = a64_svc((unsigned)rng_next(&rng));
		want = EC_SVC64;
	}
	exec_insn(insn, rng_next(&rng), rng_next(&rng), 0, 0, &r);
	stats[CAT_UNDEF_INSN].trapped += r.trapped;
	if (!r.trapped)
		complain("instruction did not trap: instruction, x0", insn, r.x0);
	else if (r.ec != want)
		complain("instruction trapped with the wrong class: instruction, ESR", insn, r.esr);
}

/* ---- HVC and SMC ---- */

/* PSCI functions (low 5 bits) that would stop, suspend, reset or lock us. */
static bool psci_dangerous(uint32_t low)
{
	switch (low) {
	case 0x01:	/* CPU_SUSPEND */
	case 0x02:	/* CPU_OFF */
	case 0x05:	/* MIGRATE */
	case 0x08:	/* SYSTEM_OFF */
	case 0x09:	/* SYSTEM_RESET */
	case 0x0b:	/* CPU_FREEZE */
	case 0x0c:	/* CPU_DEFAULT_SUSPEND */
	case 0x0e:	/* SYSTEM_SUSPEND */
	case 0x12:	/* SYSTEM_RESET2 */
	case 0x13:	/* MEM_PROTECT */
	case 0x14:	/* MEM_PROTECT_CHECK_RANGE */
		return true;
	default:
		return false;
	}
}

/* Function IDs are W0: what the upper half of x0 holds does not matter. */
static bool call_forbidden(uint64_t x0)
{
	uint32_t f = (uint32_t)x0 & ~0x40000000u;	/* SMC32 and SMC64 alike */

	if ((f & ~0x1fu) == 0x84000000u)
		return psci_dangerous(f & 0x1f);
	return f == (ELVISOR_HVC_TEST_RESULT & ~0x40000000u) ||
	       f == (ELVISOR_HVC_CONSOLE_WRITE & ~0x40000000u);	/* see console_op() */
}

static uint64_t random_fid(void)
{
	uint64_t r = rng_below(&rng, 100), high = rng_below(&rng, 4) ? 0 : rng_next(&rng) << 32;
	uint32_t smc64 = rng_below(&rng, 2) ? 0x40000000u : 0;

	if (r < 30)
		return rng_next(&rng);
	if (r < 55)
		return high | smc64 | 0x84000000u | (uint32_t)rng_below(&rng, 0x20);
	if (r < 75)
		return high | smc64 | 0x86000000u |
		       (uint32_t)(rng_below(&rng, 2) ? rng_below(&rng, 0x10) : rng_below(&rng, 0x10000));
	if (r < 90)
		return high | 0x80000000u | (uint32_t)rng_below(&rng, 0x10000);
	return high | (uint32_t)rng_next(&rng);
}

static void check_unknown_elvisor(uint64_t fid, int64_t ret)
{
	uint32_t f = (uint32_t)fid;

	/* elvisor's own range beyond its three calls: nothing there. */
	if (f > ELVISOR_HVC_VCPU_TIMES && f <= ELVISOR_HVC_LAST && (int32_t)ret != SMCCC_NOT_SUPPORTED)
		complain("unknown elvisor call not NOT_SUPPORTED: function, result", fid,
			 (uint64_t)ret);
}

static void call_op(bool smc)
{
	struct smccc_res res;
	uint64_t fid;

	do
		fid = random_fid();
	while (call_forbidden(fid));
	if (smc)
		smccc_smc(fid, rng_next(&rng), rng_next(&rng), rng_next(&rng), rng_next(&rng),
			  rng_next(&rng), rng_next(&rng), &res);
	else
		smccc_hvc(fid, rng_next(&rng), rng_next(&rng), rng_next(&rng), rng_next(&rng),
			  rng_next(&rng), rng_next(&rng), &res);
	check_unknown_elvisor(fid, (int64_t)res.a0);
}

/* HVC #imm / SMC #imm with imm != 0: SMCCC says 0, a hypervisor must cope. */
static void call_imm_op(void)
{
	struct exec_result r;
	unsigned imm = 1 + (unsigned)rng_below(&rng, 0xffff);
	uint32_t insn = rng_below(&rng, 2) ? a64_hvc(imm) : a64_smc(imm);
	uint64_t fid;

	do
		fid = random_fid();
	while (call_forbidden(fid));
	stats[CAT_CALL_IMM].trapped += exec_insn(insn, fid, rng_next(&rng), rng_next(&rng),
						 rng_next(&rng), &r);
}

/* Console writes that must be refused: outside RAM, straddling, too long. */
static void console_op(void)
{
	uint64_t r = rng_below(&rng, 4), addr, len;
	int64_t ret;

	if (r == 0) {
		addr = rng_below(&rng, GUEST_RAM_BASE - ELVISOR_CONSOLE_MAX);
		len = 1 + rng_below(&rng, ELVISOR_CONSOLE_MAX);
	} else if (r == 1) {
		addr = rng_range(&rng, ram_top, 1UL << 48);
		len = 1 + rng_below(&rng, ELVISOR_CONSOLE_MAX);
	} else if (r == 2) {
		len = 2 + rng_below(&rng, ELVISOR_CONSOLE_MAX - 1);
		addr = (rng_below(&rng, 2) ? ram_top : GUEST_RAM_BASE) - 1 - rng_below(&rng, len - 1);
	} else {
		addr = GUEST_RAM_BASE + rng_below(&rng, 0x1000);
		len = ELVISOR_CONSOLE_MAX + 1 + rng_below(&rng, 1UL << 40);
	}
	ret = hvc_call(rng_below(&rng, 2) ? ELVISOR_HVC_CONSOLE_WRITE
					  : ELVISOR_HVC_CONSOLE_WRITE | rng_next(&rng) << 32,
		       addr, len, rng_next(&rng));
	if (ret >= 0)
		complain("console write of a bad buffer accepted: address, length", addr, len);
	else
		stats[CAT_CONSOLE].trapped++;
}

static enum category pick_category(void)
{
	uint64_t r = rng_below(&rng, 100);

	for (unsigned c = 0; c < CAT_COUNT; c++) {
		if (r < weights[c])
			return (enum category)c;
		r -= weights[c];
	}
	return CAT_MMIO;
}

void guest_main(void)
{
	uint64_t ops, seed, start;

	test_init("hostile");
	ops = bootarg_uint_or("hostile.ops", 20000);
	seed = bootarg_uint_or("hostile.seed", 0x5eedc0ffee);
	ram_top = ram_end();
	if (!CHECK(ram_top > GUEST_RAM_BASE, "no RAM size from the device tree")) {
		test_done();
		return;
	}
	rng_seed(&rng, seed);
	if (!bootarg_uint_or("hostile.calls", 1)) {
		weights[CAT_MMIO] += weights[CAT_HVC] + weights[CAT_SMC] + weights[CAT_CALL_IMM] +
				     weights[CAT_CONSOLE];
		weights[CAT_HVC] = weights[CAT_SMC] = weights[CAT_CALL_IMM] = weights[CAT_CONSOLE] = 0;
	}
	have_lse = ((read_sysreg(id_aa64isar0_el1) >> 20) & 0xf) >= 2;
	printf("%lu operations, seed %#lx, RAM end %#lx, LSE atomics %s\n", ops, seed, ram_top,
	       have_lse ? "yes" : "no");
	start = timer_now();
	for (uint64_t i = 1; i <= ops; i++) {
		enum category c = pick_category();

		stats[c].ops++;
		switch (c) {
		case CAT_MMIO: mmio_op(); break;
		case CAT_SYSREG_READ: sysreg_read(); break;
		case CAT_SYSREG_WRITE: sysreg_write(); break;
		case CAT_MUST_UNDEF: must_undef_sysreg(); break;
		case CAT_UNDEF_INSN: undefined_insn(); break;
		case CAT_HVC: call_op(false); break;
		case CAT_SMC: call_op(true); break;
		case CAT_CALL_IMM: call_imm_op(); break;
		case CAT_CONSOLE: console_op(); break;
		default: break;
		}
		if (i % 5000 == 0 || i == ops)
			printf("%lu operations done (%lu ms)\n", i, ticks_to_ms(timer_now() - start));
	}
	for (unsigned c = 0; c < CAT_COUNT; c++)
		printf("  %-14s %6lu operations, %6lu trapped/refused\n", category_names[c],
		       stats[c].ops, stats[c].trapped);
	CHECK(reported == 0, "%lu operations did not behave (first %u listed above)", reported,
	      REPORT_MAX);
	test_done();
}
