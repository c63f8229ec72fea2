/*
 * hyp/arch/arm64/guest_idregs.c: the feature ID register policy. The
 * expectations below are written field by field from the Arm ARM's layout
 * of each register (not from the source's masks): every 4-bit field of the
 * nine passed registers is classified as kept, hidden (reads 0), fixed
 * (EL0/EL1: AArch64 only) or clamped (PARange), and the tables check
 * themselves for covering each register exactly once.
 */
#include "arch/guest_sysreg.h"
#include "test.h"

enum how { KEEP, HIDE, FIXED1, CLAMP };

struct field {
	unsigned crm, op2, shift;
	enum how how;
	const char *name;
};

#define F(crm, op2, shift, how, name) { crm, op2, shift, how, name }

static const struct field fields[] = {
	/* ID_AA64PFR0_EL1 */
	F(4, 0, 0, FIXED1, "PFR0.EL0"),
	F(4, 0, 4, FIXED1, "PFR0.EL1"),
	F(4, 0, 8, HIDE, "PFR0.EL2"),
	F(4, 0, 12, KEEP, "PFR0.EL3"),
	F(4, 0, 16, KEEP, "PFR0.FP"),
	F(4, 0, 20, KEEP, "PFR0.AdvSIMD"),
	F(4, 0, 24, KEEP, "PFR0.GIC"),
	F(4, 0, 28, KEEP, "PFR0.RAS"),
	F(4, 0, 32, HIDE, "PFR0.SVE"),
	F(4, 0, 36, HIDE, "PFR0.SEL2"),
	F(4, 0, 40, HIDE, "PFR0.MPAM"),
	F(4, 0, 44, HIDE, "PFR0.AMU"),
	F(4, 0, 48, KEEP, "PFR0.DIT"),
	F(4, 0, 52, HIDE, "PFR0.RME"),
	F(4, 0, 56, KEEP, "PFR0.CSV2"),
	F(4, 0, 60, KEEP, "PFR0.CSV3"),
	/* ID_AA64PFR1_EL1 */
	F(4, 1, 0, KEEP, "PFR1.BT"),
	F(4, 1, 4, KEEP, "PFR1.SSBS"),
	F(4, 1, 8, HIDE, "PFR1.MTE"),
	F(4, 1, 12, KEEP, "PFR1.RAS_frac"),
	F(4, 1, 16, HIDE, "PFR1.MPAM_frac"),
	F(4, 1, 20, HIDE, "PFR1.res20"),
	F(4, 1, 24, HIDE, "PFR1.SME"),
	F(4, 1, 28, HIDE, "PFR1.RNDR_trap"),
	F(4, 1, 32, KEEP, "PFR1.CSV2_frac"),
	F(4, 1, 36, HIDE, "PFR1.NMI"),
	F(4, 1, 40, HIDE, "PFR1.MTE_frac"),
	F(4, 1, 44, HIDE, "PFR1.GCS"),
	F(4, 1, 48, HIDE, "PFR1.THE"),
	F(4, 1, 52, HIDE, "PFR1.MTEX"),
	F(4, 1, 56, HIDE, "PFR1.DF2"),
	F(4, 1, 60, HIDE, "PFR1.PFAR"),
	/* ID_AA64DFR0_EL1 */
	F(5, 0, 0, KEEP, "DFR0.DebugVer"),
	F(5, 0, 4, HIDE, "DFR0.TraceVer"),
	F(5, 0, 8, HIDE, "DFR0.PMUVer"),
	F(5, 0, 12, KEEP, "DFR0.BRPs"),
	F(5, 0, 16, HIDE, "DFR0.PMSS"),
	F(5, 0, 20, KEEP, "DFR0.WRPs"),
	F(5, 0, 24, HIDE, "DFR0.SEBEP"),
	F(5, 0, 28, KEEP, "DFR0.CTX_CMPs"),
	F(5, 0, 32, HIDE, "DFR0.PMSVer"),
	F(5, 0, 36, KEEP, "DFR0.DoubleLock"),
	F(5, 0, 40, HIDE, "DFR0.TraceFilt"),
	F(5, 0, 44, HIDE, "DFR0.TraceBuffer"),
	F(5, 0, 48, HIDE, "DFR0.MTPMU"),
	F(5, 0, 52, HIDE, "DFR0.BRBE"),
	F(5, 0, 56, HIDE, "DFR0.ExtTrcBuff"),
	F(5, 0, 60, HIDE, "DFR0.HPMN0"),
	/* ID_AA64ISAR0_EL1 */
	F(6, 0, 0, KEEP, "ISAR0.res0"),
	F(6, 0, 4, KEEP, "ISAR0.AES"),
	F(6, 0, 8, KEEP, "ISAR0.SHA1"),
	F(6, 0, 12, KEEP, "ISAR0.SHA2"),
	F(6, 0, 16, KEEP, "ISAR0.CRC32"),
	F(6, 0, 20, KEEP, "ISAR0.Atomic"),
	F(6, 0, 24, HIDE, "ISAR0.TME"),
	F(6, 0, 28, KEEP, "ISAR0.RDM"),
	F(6, 0, 32, KEEP, "ISAR0.SHA3"),
	F(6, 0, 36, KEEP, "ISAR0.SM3"),
	F(6, 0, 40, KEEP, "ISAR0.SM4"),
	F(6, 0, 44, KEEP, "ISAR0.DP"),
	F(6, 0, 48, KEEP, "ISAR0.FHM"),
	F(6, 0, 52, KEEP, "ISAR0.TS"),
	F(6, 0, 56, KEEP, "ISAR0.TLB"),
	F(6, 0, 60, KEEP, "ISAR0.RNDR"),
	/* ID_AA64ISAR1_EL1 */
	F(6, 1, 0, KEEP, "ISAR1.DPB"),
	F(6, 1, 4, KEEP, "ISAR1.APA"),
	F(6, 1, 8, KEEP, "ISAR1.API"),
	F(6, 1, 12, KEEP, "ISAR1.JSCVT"),
	F(6, 1, 16, KEEP, "ISAR1.FCMA"),
	F(6, 1, 20, KEEP, "ISAR1.LRCPC"),
	F(6, 1, 24, KEEP, "ISAR1.GPA"),
	F(6, 1, 28, KEEP, "ISAR1.GPI"),
	F(6, 1, 32, KEEP, "ISAR1.FRINTTS"),
	F(6, 1, 36, KEEP, "ISAR1.SB"),
	F(6, 1, 40, KEEP, "ISAR1.SPECRES"),
	F(6, 1, 44, KEEP, "ISAR1.BF16"),
	F(6, 1, 48, KEEP, "ISAR1.DGH"),
	F(6, 1, 52, KEEP, "ISAR1.I8MM"),
	F(6, 1, 56, HIDE, "ISAR1.XS"),
	F(6, 1, 60, HIDE, "ISAR1.LS64"),
	/* ID_AA64ISAR2_EL1 */
	F(6, 2, 0, HIDE, "ISAR2.WFxT"),
	F(6, 2, 4, KEEP, "ISAR2.RPRES"),
	F(6, 2, 8, KEEP, "ISAR2.GPA3"),
	F(6, 2, 12, KEEP, "ISAR2.APA3"),
	F(6, 2, 16, HIDE, "ISAR2.MOPS"),
	F(6, 2, 20, KEEP, "ISAR2.BC"),
	F(6, 2, 24, KEEP, "ISAR2.PAC_frac"),
	F(6, 2, 28, KEEP, "ISAR2.CLRBHB"),
	F(6, 2, 32, HIDE, "ISAR2.SYSREG_128"),
	F(6, 2, 36, HIDE, "ISAR2.SYSINSTR_128"),
	F(6, 2, 40, HIDE, "ISAR2.PRFMSLC"),
	F(6, 2, 44, HIDE, "ISAR2.res44"),
	F(6, 2, 48, HIDE, "ISAR2.RPRFM"),
	F(6, 2, 52, HIDE, "ISAR2.CSSC"),
	F(6, 2, 56, HIDE, "ISAR2.LUT"),
	F(6, 2, 60, HIDE, "ISAR2.ATS1A"),
	/* ID_AA64MMFR0_EL1 */
	F(7, 0, 0, CLAMP, "MMFR0.PARange"),
	F(7, 0, 4, KEEP, "MMFR0.ASIDBits"),
	F(7, 0, 8, KEEP, "MMFR0.BigEnd"),
	F(7, 0, 12, KEEP, "MMFR0.SNSMem"),
	F(7, 0, 16, KEEP, "MMFR0.BigEndEL0"),
	F(7, 0, 20, KEEP, "MMFR0.TGran16"),
	F(7, 0, 24, KEEP, "MMFR0.TGran64"),
	F(7, 0, 28, KEEP, "MMFR0.TGran4"),
	F(7, 0, 32, HIDE, "MMFR0.TGran16_2"),
	F(7, 0, 36, HIDE, "MMFR0.TGran64_2"),
	F(7, 0, 40, HIDE, "MMFR0.TGran4_2"),
	F(7, 0, 44, KEEP, "MMFR0.ExS"),
	F(7, 0, 48, KEEP, "MMFR0.res48 (deny-list passes it)"),
	F(7, 0, 52, KEEP, "MMFR0.res52 (deny-list passes it)"),
	F(7, 0, 56, HIDE, "MMFR0.FGT"),
	F(7, 0, 60, HIDE, "MMFR0.ECV"),
	/* ID_AA64MMFR1_EL1 */
	F(7, 1, 0, KEEP, "MMFR1.HAFDBS"),
	F(7, 1, 4, HIDE, "MMFR1.VMIDBits"),
	F(7, 1, 8, HIDE, "MMFR1.VH"),
	F(7, 1, 12, KEEP, "MMFR1.HPDS"),
	F(7, 1, 16, HIDE, "MMFR1.LO"),
	F(7, 1, 20, KEEP, "MMFR1.PAN"),
	F(7, 1, 24, KEEP, "MMFR1.SpecSEI"),
	F(7, 1, 28, KEEP, "MMFR1.XNX"),
	F(7, 1, 32, HIDE, "MMFR1.TWED"),
	F(7, 1, 36, KEEP, "MMFR1.ETS"),
	F(7, 1, 40, HIDE, "MMFR1.HCX"),
	F(7, 1, 44, KEEP, "MMFR1.AFP"),
	F(7, 1, 48, KEEP, "MMFR1.nTLBPA"),
	F(7, 1, 52, HIDE, "MMFR1.TIDCP1"),
	F(7, 1, 56, KEEP, "MMFR1.CMOW"),
	F(7, 1, 60, KEEP, "MMFR1.ECBHB"),
	/* ID_AA64MMFR2_EL1 */
	F(7, 2, 0, KEEP, "MMFR2.CnP"),
	F(7, 2, 4, KEEP, "MMFR2.UAO"),
	F(7, 2, 8, KEEP, "MMFR2.LSM"),
	F(7, 2, 12, KEEP, "MMFR2.IESB"),
	F(7, 2, 16, KEEP, "MMFR2.VARange"),
	F(7, 2, 20, KEEP, "MMFR2.CCIDX"),
	F(7, 2, 24, HIDE, "MMFR2.NV"),
	F(7, 2, 28, KEEP, "MMFR2.ST"),
	F(7, 2, 32, KEEP, "MMFR2.AT"),
	F(7, 2, 36, KEEP, "MMFR2.IDS"),
	F(7, 2, 40, HIDE, "MMFR2.FWB"),
	F(7, 2, 44, KEEP, "MMFR2.res44 (deny-list passes it)"),
	F(7, 2, 48, KEEP, "MMFR2.TTL"),
	F(7, 2, 52, KEEP, "MMFR2.BBM"),
	F(7, 2, 56, HIDE, "MMFR2.EVT"),
	F(7, 2, 60, KEEP, "MMFR2.E0PD"),
};

/* The registers the policy passes on (CRm, op2). */
static const unsigned passed_regs[][2] = {
	{ 4, 0 }, { 4, 1 }, { 5, 0 }, { 6, 0 }, { 6, 1 }, { 6, 2 },
	{ 7, 0 }, { 7, 1 }, { 7, 2 },
};
#define NREGS (sizeof(passed_regs) / sizeof(passed_regs[0]))
#define NFIELDS (sizeof(fields) / sizeof(fields[0]))

/* The stage-2 IPA sizes arch_stage2_init can choose, and their PARange codes. */
static const unsigned ipa_sizes[] = { 40, 42, 44, 48 };
static const uint64_t ipa_parange[] = { 2, 3, 4, 5 };

static uint64_t nib(uint64_t reg, unsigned shift)
{
	return (reg >> shift) & 0xf;
}

static uint64_t put(uint64_t reg, unsigned shift, uint64_t v)
{
	return (reg & ~(0xfULL << shift)) | (v & 0xf) << shift;
}

static bool is_passed(unsigned crm, unsigned op2)
{
	for (size_t i = 0; i < NREGS; i++)
		if (passed_regs[i][0] == crm && passed_regs[i][1] == op2)
			return true;
	return false;
}

static uint64_t rand_ipa(void)
{
	return ipa_sizes[unit_rand_below(4)];
}

/* Random register values: dense, sparse and all-ones-ish, so all fields see 0 and 0xf. */
static uint64_t rand_hw(void)
{
	switch (unit_rand_below(4)) {
	case 0: return unit_rand();
	case 1: return unit_rand() & unit_rand() & unit_rand();
	case 2: return unit_rand() | unit_rand() | unit_rand();
	default: return ~0ULL ^ (1ULL << unit_rand_below(64));
	}
}

/* ---- the test's own tables ---- */

TEST(guest_idregs, field_table_covers_each_register_exactly_once)
{
	for (size_t r = 0; r < NREGS; r++) {
		uint64_t seen = 0;

		for (size_t i = 0; i < NFIELDS; i++) {
			if (fields[i].crm != passed_regs[r][0] || fields[i].op2 != passed_regs[r][1])
				continue;
			CHECK(fields[i].shift % 4 == 0 && fields[i].shift < 64);
			CHECK_EQ(seen & 0xfULL << fields[i].shift, 0);
			seen |= 0xfULL << fields[i].shift;
		}
		CHECK_EQ(seen, ~0ULL);
	}
	CHECK_EQ(NFIELDS, 16 * NREGS);
}

/* ---- which registers are passed ---- */

TEST(guest_idregs, passed_registers_are_exactly_the_nine_aa64_ones)
{
	unsigned count = 0;

	for (unsigned crm = 0; crm < 16; crm++)
		for (unsigned op2 = 0; op2 < 8; op2++) {
			CHECK_EQ(guest_id_reg_passed(crm, op2), is_passed(crm, op2));
			count += guest_id_reg_passed(crm, op2);
		}
	CHECK_EQ(count, 9);
}

TEST(guest_idregs, unlisted_registers_read_zero)
{
	for (unsigned crm = 0; crm < 16; crm++)
		for (unsigned op2 = 0; op2 < 8; op2++) {
			if (is_passed(crm, op2))
				continue;
			for (size_t k = 0; k < 4; k++) {
				CHECK_EQ(guest_id_sanitize(crm, op2, ~0ULL, ipa_sizes[k]), 0);
				CHECK_EQ(guest_id_sanitize(crm, op2, unit_rand(), ipa_sizes[k]), 0);
				CHECK_EQ(guest_id_sanitize(crm, op2, 1, ipa_sizes[k]), 0);
			}
		}
	/* Named ones a guest kernel does read: ZFR0, SMFR0, DFR1, AFR0, MMFR3, MMFR4. */
	CHECK_EQ(guest_id_sanitize(4, 4, ~0ULL, 48), 0);
	CHECK_EQ(guest_id_sanitize(4, 5, ~0ULL, 48), 0);
	CHECK_EQ(guest_id_sanitize(5, 1, ~0ULL, 48), 0);
	CHECK_EQ(guest_id_sanitize(5, 4, ~0ULL, 48), 0);
	CHECK_EQ(guest_id_sanitize(7, 3, ~0ULL, 48), 0);
	CHECK_EQ(guest_id_sanitize(7, 4, ~0ULL, 48), 0);
}

/* ---- field by field ---- */

TEST(guest_idregs, every_hidden_field_reads_zero)
{
	unsigned hidden = 0;

	for (size_t i = 0; i < NFIELDS; i++) {
		const struct field *f = &fields[i];

		if (f->how != HIDE)
			continue;
		hidden++;
		for (uint64_t v = 1; v < 16; v++) {
			uint64_t only = v << f->shift;
			uint64_t base = rand_hw();

			for (size_t k = 0; k < 4; k++) {
				uint64_t s = guest_id_sanitize(f->crm, f->op2, only, ipa_sizes[k]);

				if (nib(s, f->shift) != 0)
					unit_fail(__FILE__, __LINE__, "%s = %lu from host %lu",
						  f->name, (unsigned long)nib(s, f->shift),
						  (unsigned long)v);
				/* Nothing else changes with the hidden field either. */
				CHECK_EQ(guest_id_sanitize(f->crm, f->op2, put(base, f->shift, v),
							   ipa_sizes[k]),
					 guest_id_sanitize(f->crm, f->op2, put(base, f->shift, 0),
							   ipa_sizes[k]));
			}
		}
	}
	CHECK_EQ(hidden, 56);
}

TEST(guest_idregs, every_kept_field_passes_unchanged)
{
	unsigned kept = 0;

	for (size_t i = 0; i < NFIELDS; i++) {
		const struct field *f = &fields[i];

		if (f->how != KEEP)
			continue;
		kept++;
		for (uint64_t v = 0; v < 16; v++) {
			uint64_t s = guest_id_sanitize(f->crm, f->op2, put(rand_hw(), f->shift, v),
						       rand_ipa());

			if (nib(s, f->shift) != v)
				unit_fail(__FILE__, __LINE__, "%s = %lu from host %lu", f->name,
					  (unsigned long)nib(s, f->shift), (unsigned long)v);
		}
	}
	CHECK_EQ(kept, 85);
}

/* The named features of the brief, spot-checked with all other bits set. */
TEST(guest_idregs, named_features_hidden_from_all_ones_host)
{
	CHECK_EQ(nib(guest_id_sanitize(4, 0, ~0ULL, 48), 32), 0);	/* SVE */
	CHECK_EQ(nib(guest_id_sanitize(4, 1, ~0ULL, 48), 24), 0);	/* SME */
	CHECK_EQ(nib(guest_id_sanitize(4, 1, ~0ULL, 48), 8), 0);	/* MTE */
	CHECK_EQ(nib(guest_id_sanitize(4, 1, ~0ULL, 48), 40), 0);	/* MTE_frac */
	CHECK_EQ(nib(guest_id_sanitize(4, 0, ~0ULL, 48), 44), 0);	/* AMU */
	CHECK_EQ(nib(guest_id_sanitize(4, 0, ~0ULL, 48), 40), 0);	/* MPAM */
	CHECK_EQ(nib(guest_id_sanitize(4, 1, ~0ULL, 48), 16), 0);	/* MPAM_frac */
	CHECK_EQ(nib(guest_id_sanitize(4, 0, ~0ULL, 48), 52), 0);	/* RME */
	CHECK_EQ(nib(guest_id_sanitize(6, 0, ~0ULL, 48), 24), 0);	/* TME */
	CHECK_EQ(nib(guest_id_sanitize(6, 1, ~0ULL, 48), 60), 0);	/* LS64 */
	CHECK_EQ(nib(guest_id_sanitize(6, 2, ~0ULL, 48), 16), 0);	/* MOPS */
	CHECK_EQ(nib(guest_id_sanitize(6, 2, ~0ULL, 48), 0), 0);	/* WFxT */
	CHECK_EQ(nib(guest_id_sanitize(5, 0, ~0ULL, 48), 8), 0);	/* PMUVer */
	CHECK_EQ(nib(guest_id_sanitize(5, 0, ~0ULL, 48), 32), 0);	/* PMSVer (SPE) */
	CHECK_EQ(nib(guest_id_sanitize(5, 0, ~0ULL, 48), 4), 0);	/* TraceVer */
	CHECK_EQ(nib(guest_id_sanitize(5, 0, ~0ULL, 48), 44), 0);	/* TraceBuffer */
	CHECK_EQ(nib(guest_id_sanitize(5, 0, ~0ULL, 48), 52), 0);	/* BRBE */
	CHECK_EQ(nib(guest_id_sanitize(4, 0, ~0ULL, 48), 8), 0);	/* EL2 */
	CHECK_EQ(nib(guest_id_sanitize(7, 1, ~0ULL, 48), 8), 0);	/* VH */
	CHECK_EQ(nib(guest_id_sanitize(7, 2, ~0ULL, 48), 24), 0);	/* NV */
	CHECK_EQ(nib(guest_id_sanitize(7, 0, ~0ULL, 48), 56), 0);	/* FGT */
	CHECK_EQ(nib(guest_id_sanitize(7, 1, ~0ULL, 48), 40), 0);	/* HCX */
	CHECK_EQ(nib(guest_id_sanitize(7, 1, ~0ULL, 48), 32), 0);	/* TWED */
	CHECK_EQ(nib(guest_id_sanitize(7, 2, ~0ULL, 48), 40), 0);	/* FWB */
	CHECK_EQ(nib(guest_id_sanitize(7, 2, ~0ULL, 48), 56), 0);	/* EVT */
	CHECK_EQ(nib(guest_id_sanitize(7, 1, ~0ULL, 48), 4), 0);	/* VMIDBits */
	CHECK_EQ(nib(guest_id_sanitize(7, 1, ~0ULL, 48), 16), 0);	/* LORegions */
}

/* All-ones host values: what survives is exactly the keep list (plus the fixed and clamped fields). */
TEST(guest_idregs, all_ones_host_survivors_are_the_keep_list)
{
	for (size_t r = 0; r < NREGS; r++) {
		unsigned crm = passed_regs[r][0], op2 = passed_regs[r][1];

		for (size_t k = 0; k < 4; k++) {
			uint64_t want = 0;

			for (size_t i = 0; i < NFIELDS; i++) {
				const struct field *f = &fields[i];

				if (f->crm != crm || f->op2 != op2)
					continue;
				if (f->how == KEEP)
					want |= 0xfULL << f->shift;
				else if (f->how == FIXED1)
					want |= 1ULL << f->shift;
				else if (f->how == CLAMP)
					want |= ipa_parange[k] << f->shift;
			}
			CHECK_EQ(guest_id_sanitize(crm, op2, ~0ULL, ipa_sizes[k]), want);
		}
	}
	/* The all-ones results in full, as a second, literal statement. */
	CHECK_EQ(guest_id_sanitize(4, 0, ~0ULL, 48), 0xff0f0000fffff011ULL);
	CHECK_EQ(guest_id_sanitize(4, 1, ~0ULL, 48), 0x0000000f0000f0ffULL);
	CHECK_EQ(guest_id_sanitize(5, 0, ~0ULL, 48), 0x000000f0f0f0f00fULL);
	CHECK_EQ(guest_id_sanitize(6, 0, ~0ULL, 48), 0xfffffffff0ffffffULL);
	CHECK_EQ(guest_id_sanitize(6, 1, ~0ULL, 48), 0x00ffffffffffffffULL);
	CHECK_EQ(guest_id_sanitize(6, 2, ~0ULL, 48), 0x00000000fff0fff0ULL);
	CHECK_EQ(guest_id_sanitize(7, 0, ~0ULL, 48), 0x00fff000fffffff5ULL);
	CHECK_EQ(guest_id_sanitize(7, 1, ~0ULL, 48), 0xff0ff0f0fff0f00fULL);
	CHECK_EQ(guest_id_sanitize(7, 2, ~0ULL, 48), 0xf0fff0fff0ffffffULL);
	/* An all-zeros host: only the fixed EL0/EL1 fields are non-zero. */
	for (size_t r = 0; r < NREGS; r++)
		CHECK_EQ(guest_id_sanitize(passed_regs[r][0], passed_regs[r][1], 0, 48),
			 passed_regs[r][0] == 4 && passed_regs[r][1] == 0 ? 0x11 : 0);
}

/* ---- PARange ---- */

TEST(guest_idregs, parange_clamped_to_ipa_size_never_raised)
{
	for (size_t k = 0; k < 4; k++)
		for (uint64_t hw = 0; hw < 16; hw++) {
			uint64_t base = rand_hw();
			uint64_t s = guest_id_sanitize(7, 0, put(base, 0, hw), ipa_sizes[k]);
			uint64_t want = hw < ipa_parange[k] ? hw : ipa_parange[k];

			CHECK_EQ(nib(s, 0), want);
			CHECK(nib(s, 0) <= hw);
			/* The clamp leaves the other kept fields alone. */
			CHECK_EQ(s & ~0xfULL,
				 guest_id_sanitize(7, 0, put(base, 0, 0), ipa_sizes[k]) & ~0xfULL);
		}
}

TEST(guest_idregs, parange_real_cpus)
{
	/* 52-bit PA host (PARange 6) with 48-bit stage 2: guest sees 48. */
	CHECK_EQ(nib(guest_id_sanitize(7, 0, 6, 48), 0), 5);
	/* 48-bit host, 40-bit stage 2 (cannot happen today, but the cap holds). */
	CHECK_EQ(nib(guest_id_sanitize(7, 0, 5, 40), 0), 2);
	CHECK_EQ(nib(guest_id_sanitize(7, 0, 5, 42), 0), 3);
	CHECK_EQ(nib(guest_id_sanitize(7, 0, 5, 44), 0), 4);
	CHECK_EQ(nib(guest_id_sanitize(7, 0, 5, 48), 0), 5);
	/* 40-bit host with any larger cap: unchanged (never raised). */
	CHECK_EQ(nib(guest_id_sanitize(7, 0, 2, 48), 0), 2);
	CHECK_EQ(nib(guest_id_sanitize(7, 0, 2, 44), 0), 2);
	/* 44-bit host (Cortex-A72 class) under a 42-bit stage 2. */
	CHECK_EQ(nib(guest_id_sanitize(7, 0, 4, 42), 0), 3);
	/* A QEMU "max" style MMFR0 with PARange 6: only PARange and the EL2 fields change. */
	CHECK_EQ(guest_id_sanitize(7, 0, 0x1000000000211126ULL, 48), 0x0000000000211125ULL);
}

TEST(guest_idregs, only_mmfr0_depends_on_ipa_size)
{
	for (int iter = 0; iter < 2000; iter++) {
		size_t r = unit_rand_below(NREGS);
		unsigned crm = passed_regs[r][0], op2 = passed_regs[r][1];
		uint64_t hw = rand_hw();

		if (crm == 7 && op2 == 0)
			continue;
		CHECK_EQ(guest_id_sanitize(crm, op2, hw, 40), guest_id_sanitize(crm, op2, hw, 48));
		CHECK_EQ(guest_id_sanitize(crm, op2, hw, 42), guest_id_sanitize(crm, op2, hw, 44));
	}
}

/* ---- AArch32 ---- */

TEST(guest_idregs, aarch32_reported_not_implemented)
{
	/* EL0 and EL1: 0b0001 "AArch64 only", whatever the host supports. */
	for (uint64_t v = 0; v < 16; v++) {
		uint64_t s = guest_id_sanitize(4, 0, put(put(0, 0, v), 4, v), 48);

		CHECK_EQ(nib(s, 0), 1);
		CHECK_EQ(nib(s, 4), 1);
	}
	/* A host that runs AArch32 at EL0 and EL1 (0b0010) and has EL2/EL3. */
	CHECK_EQ(guest_id_sanitize(4, 0, 0x0000000000002222ULL, 48), 0x0000000000002011ULL);
	/* The AArch32 ID registers (CRm 1..3: ID_PFR0.., ID_ISAR.., MVFR0..2) read zero. */
	for (unsigned crm = 1; crm <= 3; crm++)
		for (unsigned op2 = 0; op2 < 8; op2++) {
			CHECK(!guest_id_reg_passed(crm, op2));
			CHECK_EQ(guest_id_sanitize(crm, op2, ~0ULL, 48), 0);
		}
}

/* ---- randomised ---- */

/*
 * The guest never sees a feature bit the host lacks, except in the fields
 * the code deliberately sets: PFR0.EL0/EL1 (fixed 0b0001) and MMFR0.PARange
 * (numerically min(host, cap), which as bits may not be a subset: 6 -> 5).
 * Sanitising twice changes nothing.
 */
TEST(guest_idregs, random_never_adds_host_bits)
{
	for (int iter = 0; iter < 20000; iter++) {
		size_t r = unit_rand_below(NREGS);
		unsigned crm = passed_regs[r][0], op2 = passed_regs[r][1];
		unsigned ipa = rand_ipa();
		uint64_t hw = rand_hw();
		uint64_t s = guest_id_sanitize(crm, op2, hw, ipa);
		uint64_t exempt = 0;

		if (crm == 4 && op2 == 0) {
			exempt = 0xff;
			CHECK_EQ(s & 0xff, 0x11);
		} else if (crm == 7 && op2 == 0) {
			exempt = 0xf;
			CHECK(nib(s, 0) <= nib(hw, 0));
		}
		if (s & ~hw & ~exempt)
			unit_fail(__FILE__, __LINE__,
				  "reg (%u,%u) host %#lx -> guest %#lx adds bits %#lx", crm, op2,
				  (unsigned long)hw, (unsigned long)s,
				  (unsigned long)(s & ~hw & ~exempt));
		CHECK_EQ(guest_id_sanitize(crm, op2, s, ipa), s);
		/* Unlisted registers, random (CRm, op2): zero. */
		unsigned ucrm = unit_rand_below(16), uop2 = unit_rand_below(8);

		if (!is_passed(ucrm, uop2))
			CHECK_EQ(guest_id_sanitize(ucrm, uop2, hw, ipa), 0);
	}
}
