/*
 * ESR_ELx decoding for logs and for the trap dispatcher. Field layouts are
 * the Arm ARM's ISS encodings for each exception class.
 */
#include "arch/esr.h"
#include "lib/format.h"



static const char *const ec_names[ESR_EC_COUNT] = {
	[ESR_EC_UNKNOWN] = "Unknown reason",
	[ESR_EC_WFX] = "Trapped WFI/WFE",
	[ESR_EC_CP15_MCR_MRC] = "Trapped MCR/MRC (coproc 0b1111)",
	[ESR_EC_CP15_MCRR_MRRC] = "Trapped MCRR/MRRC (coproc 0b1111)",
	[ESR_EC_CP14_MCR_MRC] = "Trapped MCR/MRC (coproc 0b1110)",
	[ESR_EC_CP14_LDC_STC] = "Trapped LDC/STC",
	[ESR_EC_FP_ASIMD] = "Trapped FP/SIMD",
	[ESR_EC_CP10_VMRS] = "Trapped VMRS (ID group)",
	[ESR_EC_PAUTH] = "Trapped pointer authentication",
	[ESR_EC_OTHER] = "Trapped LD64B/ST64B or other instruction",
	[ESR_EC_CP14_MRRC] = "Trapped MRRC (coproc 0b1110)",
	[ESR_EC_BTI] = "Branch target exception",
	[ESR_EC_ILLEGAL_STATE] = "Illegal execution state",
	[ESR_EC_SVC32] = "SVC from AArch32",
	[ESR_EC_HVC32] = "HVC from AArch32",
	[ESR_EC_SMC32] = "SMC from AArch32",
	[ESR_EC_SVC64] = "SVC from AArch64",
	[ESR_EC_HVC64] = "HVC from AArch64",
	[ESR_EC_SMC64] = "SMC from AArch64",
	[ESR_EC_SYSREG] = "Trapped MSR/MRS/system instruction",
	[ESR_EC_SVE] = "Trapped SVE",
	[ESR_EC_ERET] = "Trapped ERET",
	[ESR_EC_FPAC] = "Pointer authentication failure",
	[ESR_EC_SME] = "Trapped SME",
	[ESR_EC_GPC] = "Granule protection check",
	[ESR_EC_IMP_DEF] = "Implementation defined (EL3)",
	[ESR_EC_IABT_LOW] = "Instruction Abort from lower EL",
	[ESR_EC_IABT_CUR] = "Instruction Abort from same EL",
	[ESR_EC_PC_ALIGN] = "PC alignment",
	[ESR_EC_DABT_LOW] = "Data Abort from lower EL",
	[ESR_EC_DABT_CUR] = "Data Abort from same EL",
	[ESR_EC_SP_ALIGN] = "SP alignment",
	[ESR_EC_MOPS] = "Memory copy/set operation",
	[ESR_EC_FP_EXC32] = "Trapped FP exception from AArch32",
	[ESR_EC_FP_EXC64] = "Trapped FP exception from AArch64",
	[ESR_EC_GCS] = "Guarded control stack",
	[ESR_EC_SERROR] = "SError",
	[ESR_EC_BREAKPT_LOW] = "Breakpoint from lower EL",
	[ESR_EC_BREAKPT_CUR] = "Breakpoint from same EL",
	[ESR_EC_SOFTSTP_LOW] = "Software step from lower EL",
	[ESR_EC_SOFTSTP_CUR] = "Software step from same EL",
	[ESR_EC_WATCHPT_LOW] = "Watchpoint from lower EL",
	[ESR_EC_WATCHPT_CUR] = "Watchpoint from same EL",
	[ESR_EC_BKPT32] = "BKPT from AArch32",
	[ESR_EC_VECTOR32] = "Vector catch from AArch32",
	[ESR_EC_BRK64] = "BRK from AArch64",
};

const char *esr_ec_name(unsigned ec)
{
	if (ec >= ESR_EC_COUNT || ec_names[ec] == NULL)
		return "Unallocated EC";
	return ec_names[ec];
}

/* Fault status codes that carry a level in their low two bits. */
static const char *leveled_fsc_name(unsigned fsc)
{
	switch (fsc >> 2) {
	case 0x0: return "address size fault";
	case 0x1: return "translation fault";
	case 0x2: return "access flag fault";
	case 0x3: return "permission fault";
	case 0x5: return "synchronous external abort on table walk";
	case 0x7: return "synchronous parity/ECC error on table walk";
	case 0x9: return "granule protection fault on table walk";
	default: return NULL;
	}
}

/* FEAT_LPA2 adds level -1 variants with codes of their own. */
static const char *level_minus_one_fsc_name(unsigned fsc)
{
	switch (fsc) {
	case 0x29: return "address size fault";
	case 0x2b: return "translation fault";
	case 0x13: return "synchronous external abort on table walk";
	case 0x1b: return "synchronous parity/ECC error on table walk";
	case 0x23: return "granule protection fault on table walk";
	default: return NULL;
	}
}

static const char *unleveled_fsc_name(unsigned fsc)
{
	switch (fsc) {
	case 0x10: return "synchronous external abort";
	case 0x11: return "synchronous tag check fault";
	case 0x18: return "synchronous parity/ECC error";
	case 0x21: return "alignment fault";
	case 0x28: return "granule protection fault";
	case 0x30: return "TLB conflict abort";
	case 0x31: return "unsupported atomic hardware update";
	case 0x34: return "implementation defined fault (lockdown)";
	case 0x35: return "implementation defined fault (unsupported exclusive or atomic)";
	default: return NULL;
	}
}

const char *esr_fsc_name(unsigned fsc, int *level)
{
	const char *name;

	fsc &= ESR_FSC_MASK;
	*level = ESR_FSC_NO_LEVEL;
	name = unleveled_fsc_name(fsc);
	if (name != NULL)
		return name;
	name = level_minus_one_fsc_name(fsc);
	if (name != NULL) {
		*level = -1;
		return name;
	}
	name = leveled_fsc_name(fsc);
	if (name != NULL) {
		*level = (int)(fsc & 3);
		return name;
	}
	return "reserved fault status";
}

/* Appends to buf at *used, keeping the count snprintf-style. */
struct line {
	char *buf;
	size_t len;
	size_t used;
};

static void line_add(struct line *l, const char *fmt, ...) __printf(2, 3);

static void line_add(struct line *l, const char *fmt, ...)
{
	size_t offset = MIN(l->used, l->len);
	char *room = (offset < l->len) ? l->buf + offset : NULL;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vformat(room, l->len - offset, fmt, ap);
	va_end(ap);
	l->used += (size_t)n;
}

static unsigned iss_bits(uint64_t esr, unsigned shift, unsigned width)
{
	return (esr_iss(esr) >> shift) & ((1U << width) - 1);
}

static unsigned iss_flag(uint64_t esr, unsigned mask)
{
	return (esr_iss(esr) & mask) != 0;
}

static void add_register(struct line *l, const char *label, unsigned reg)
{
	if (reg == 31)
		line_add(l, " %s=xzr", label);
	else
		line_add(l, " %s=x%u", label, reg);
}

static void add_fault_status(struct line *l, const char *label, uint64_t esr)
{
	unsigned fsc = esr_iss(esr) & ESR_FSC_MASK;
	int level;
	const char *name = esr_fsc_name(fsc, &level);

	line_add(l, " %s 0x%02x %s", label, fsc, name);
	if (level != ESR_FSC_NO_LEVEL)
		line_add(l, " level %d", level);
}

/* FnV=1 means the FAR holds nothing useful for this abort. */
static void add_far_unless_fnv(struct line *l, uint64_t esr, uint64_t far)
{
	if (!iss_flag(esr, ESR_DABT_FNV))
		line_add(l, " FAR 0x%llx", (unsigned long long)far);
}

static void describe_data_abort(struct line *l, uint64_t esr, uint64_t far)
{
	unsigned isv = iss_flag(esr, ESR_DABT_ISV);

	line_add(l, " ISV=%u", isv);
	if (isv) {
		line_add(l, " SAS=%u bytes SSE=%u",
			 1U << iss_bits(esr, ESR_DABT_SAS_SHIFT, 2),
			 iss_flag(esr, ESR_DABT_SSE));
		add_register(l, "SRT", iss_bits(esr, ESR_DABT_SRT_SHIFT, 5));
		line_add(l, " SF=%u AR=%u", iss_flag(esr, ESR_DABT_SF),
			 iss_flag(esr, ESR_DABT_AR));
	}
	line_add(l, " WnR=%u S1PTW=%u CM=%u EA=%u FnV=%u",
		 iss_flag(esr, ESR_DABT_WNR), iss_flag(esr, ESR_DABT_S1PTW),
		 iss_flag(esr, ESR_DABT_CM), iss_flag(esr, ESR_DABT_EA),
		 iss_flag(esr, ESR_DABT_FNV));
	add_fault_status(l, "DFSC", esr);
	add_far_unless_fnv(l, esr, far);
}

static void describe_instruction_abort(struct line *l, uint64_t esr,
				       uint64_t far)
{
	line_add(l, " S1PTW=%u EA=%u FnV=%u", iss_flag(esr, ESR_DABT_S1PTW),
		 iss_flag(esr, ESR_DABT_EA), iss_flag(esr, ESR_DABT_FNV));
	add_fault_status(l, "IFSC", esr);
	add_far_unless_fnv(l, esr, far);
}

/* Written the way an assembler accepts any system register. */
static void describe_sysreg(struct line *l, uint64_t esr)
{
	unsigned op0 = iss_bits(esr, 20, 2), op2 = iss_bits(esr, 17, 3);
	unsigned op1 = iss_bits(esr, 14, 3), crn = iss_bits(esr, 10, 4);
	unsigned rt = iss_bits(esr, 5, 5), crm = iss_bits(esr, 1, 4);
	bool is_read = iss_flag(esr, 1U);
	char reg[8];

	if (rt == 31)
		format(reg, sizeof(reg), "xzr");
	else
		format(reg, sizeof(reg), "x%u", rt);
	if (is_read)
		line_add(l, " MRS %s, S%u_%u_C%u_C%u_%u", reg, op0, op1, crn,
			 crm, op2);
	else
		line_add(l, " MSR S%u_%u_C%u_C%u_%u, %s", op0, op1, crn, crm,
			 op2, reg);
}

static void describe_wfx(struct line *l, uint64_t esr)
{
	static const char *const kinds[] = { "WFI", "WFE", "WFIT", "WFET" };

	line_add(l, " %s", kinds[iss_bits(esr, 0, 2)]);
}

static void describe_serror(struct line *l, uint64_t esr)
{
	line_add(l, " IDS=%u AET=%u EA=%u DFSC 0x%02x",
		 iss_flag(esr, 1U << 24), iss_bits(esr, 10, 3),
		 iss_flag(esr, ESR_DABT_EA), esr_iss(esr) & ESR_FSC_MASK);
}

static void describe_iss(struct line *l, uint64_t esr, uint64_t far)
{
	switch (esr_ec(esr)) {
	case ESR_EC_DABT_LOW:
	case ESR_EC_DABT_CUR:
		describe_data_abort(l, esr, far);
		break;
	case ESR_EC_IABT_LOW:
	case ESR_EC_IABT_CUR:
		describe_instruction_abort(l, esr, far);
		break;
	case ESR_EC_SYSREG:
		describe_sysreg(l, esr);
		break;
	case ESR_EC_SVC32:
	case ESR_EC_HVC32:
	case ESR_EC_SMC32:
	case ESR_EC_SVC64:
	case ESR_EC_HVC64:
	case ESR_EC_SMC64:
	case ESR_EC_BRK64:
		line_add(l, " imm 0x%x", iss_bits(esr, 0, 16));
		break;
	case ESR_EC_WFX:
		describe_wfx(l, esr);
		break;
	case ESR_EC_SERROR:
		describe_serror(l, esr);
		break;
	case ESR_EC_PC_ALIGN:
	case ESR_EC_WATCHPT_LOW:
	case ESR_EC_WATCHPT_CUR:
		line_add(l, " FAR 0x%llx", (unsigned long long)far);
		break;
	default:
		line_add(l, " ISS 0x%07x", esr_iss(esr));
		break;
	}
}

size_t esr_describe(uint64_t esr, uint64_t far, char *buf, size_t len)
{
	struct line l = { .buf = buf, .len = len, .used = 0 };
	unsigned ec = esr_ec(esr);

	line_add(&l, "EC 0x%02x %s:", ec, esr_ec_name(ec));
	describe_iss(&l, esr, far);
	return l.used;
}
