/* hyp/arch/arm64/esr.c: syndromes built field by field from the Arm ARM. */
#include <string.h>

#include "arch/esr.h"
#include "test.h"

#define LINE 256

static uint64_t make_esr(unsigned ec, uint32_t iss)
{
	return ((uint64_t)ec << 26) | ESR_IL | iss;
}

static uint32_t dabt_iss(unsigned sas, unsigned srt, bool sf, bool wnr,
			 unsigned dfsc)
{
	return ESR_DABT_ISV | (sas << 22) | (srt << 16) | (sf ? ESR_DABT_SF : 0) |
	       (wnr ? ESR_DABT_WNR : 0) | dfsc;
}

static uint32_t sysreg_iss(unsigned op0, unsigned op1, unsigned crn,
			   unsigned crm, unsigned op2, unsigned rt, bool read)
{
	return (op0 << 20) | (op2 << 17) | (op1 << 14) | (crn << 10) |
	       (rt << 5) | (crm << 1) | (read ? 1U : 0U);
}

static const char *describe(uint64_t esr, uint64_t far)
{
	static char line[LINE];
	size_t n = esr_describe(esr, far, line, sizeof(line));

	CHECK_EQ(n, strlen(line));
	return line;
}

TEST(esr, example_data_abort_from_guest)
{
	const char *line = describe(0x93820006, 0x9000000);

	CHECK_EQ(esr_ec(0x93820006), ESR_EC_DABT_LOW);
	CHECK_CONTAINS(line, "EC 0x24 Data Abort from lower EL:");
	CHECK_CONTAINS(line, " ISV=1 SAS=4 bytes SSE=0 SRT=x2 SF=0 AR=0 WnR=0");
	CHECK_CONTAINS(line, "DFSC 0x06 translation fault level 2");
	CHECK_CONTAINS(line, "FAR 0x9000000");
}

TEST(esr, data_abort_write_of_xzr_permission_fault)
{
	const char *line = describe(make_esr(ESR_EC_DABT_CUR,
					     dabt_iss(3, 31, true, true, 0x0f)),
				    0xffff000012345678ULL);

	CHECK_CONTAINS(line, "EC 0x25 Data Abort from same EL:");
	CHECK_CONTAINS(line, "SAS=8 bytes");
	CHECK_CONTAINS(line, "SRT=xzr SF=1");
	CHECK_CONTAINS(line, "WnR=1");
	CHECK_CONTAINS(line, "DFSC 0x0f permission fault level 3");
	CHECK_CONTAINS(line, "FAR 0xffff000012345678");
}

TEST(esr, data_abort_without_isv_omits_access_fields)
{
	const char *line = describe(make_esr(ESR_EC_DABT_LOW,
					     ESR_DABT_S1PTW | ESR_DABT_CM | 0x21), 0x40);

	CHECK_CONTAINS(line, "ISV=0 WnR=0 S1PTW=1 CM=1");
	CHECK(strstr(line, "SAS") == NULL);
	CHECK(strstr(line, "SRT") == NULL);
	CHECK_CONTAINS(line, "DFSC 0x21 alignment fault");
	CHECK(strstr(line, "level") == NULL);
}

TEST(esr, fnv_hides_far)
{
	const char *line = describe(make_esr(ESR_EC_DABT_LOW,
					     ESR_DABT_FNV | ESR_DABT_EA | 0x10), 0x1234);

	CHECK_CONTAINS(line, "EA=1 FnV=1 DFSC 0x10 synchronous external abort");
	CHECK(strstr(line, "FAR") == NULL);
}

TEST(esr, instruction_abort_access_flag)
{
	const char *line = describe(make_esr(ESR_EC_IABT_LOW,
					     ESR_DABT_S1PTW | 0x0b), 0x80000);

	CHECK_CONTAINS(line, "EC 0x20 Instruction Abort from lower EL:");
	CHECK_CONTAINS(line, "S1PTW=1");
	CHECK_CONTAINS(line, "IFSC 0x0b access flag fault level 3");
	CHECK_CONTAINS(line, "FAR 0x80000");
}

TEST(esr, sysreg_read_and_write)
{
	const char *line;

	/* MRS x3, SCTLR_EL1 */
	line = describe(make_esr(ESR_EC_SYSREG, sysreg_iss(3, 0, 1, 0, 0, 3, true)), 0);
	CHECK_CONTAINS(line, "EC 0x18 Trapped MSR/MRS/system instruction: MRS x3, S3_0_C1_C0_0");
	/* MSR CNTV_CTL_EL0, xzr */
	line = describe(make_esr(ESR_EC_SYSREG, sysreg_iss(3, 3, 14, 3, 1, 31, false)), 0);
	CHECK_CONTAINS(line, "MSR S3_3_C14_C3_1, xzr");
	/* Every field at its maximum, to catch overlapping masks. */
	line = describe(make_esr(ESR_EC_SYSREG, sysreg_iss(3, 7, 15, 15, 7, 30, true)), 0);
	CHECK_CONTAINS(line, "MRS x30, S3_7_C15_C15_7");
}

TEST(esr, calls_carry_their_immediate)
{
	CHECK_CONTAINS(describe(make_esr(ESR_EC_HVC64, 0x1234), 0),
		       "EC 0x16 HVC from AArch64: imm 0x1234");
	CHECK_CONTAINS(describe(make_esr(ESR_EC_SMC64, 0), 0),
		       "EC 0x17 SMC from AArch64: imm 0x0");
	CHECK_CONTAINS(describe(make_esr(ESR_EC_SVC64, 0xffff), 0),
		       "EC 0x15 SVC from AArch64: imm 0xffff");
	CHECK_CONTAINS(describe(make_esr(ESR_EC_BRK64, 0x3e8), 0),
		       "EC 0x3c BRK from AArch64: imm 0x3e8");
}

TEST(esr, wfx_serror_and_alignment)
{
	CHECK_CONTAINS(describe(make_esr(ESR_EC_WFX, 0), 0), "Trapped WFI/WFE: WFI");
	CHECK_CONTAINS(describe(make_esr(ESR_EC_WFX, 1), 0), "Trapped WFI/WFE: WFE");
	CHECK_CONTAINS(describe(make_esr(ESR_EC_SERROR, (1U << 24) | 0x11), 0),
		       "EC 0x2f SError: IDS=1 AET=0 EA=0 DFSC 0x11");
	CHECK_CONTAINS(describe(make_esr(ESR_EC_PC_ALIGN, 0), 0x1003), "PC alignment: FAR 0x1003");
	CHECK_CONTAINS(describe(make_esr(ESR_EC_SP_ALIGN, 0), 0), "SP alignment");
	CHECK_CONTAINS(describe(make_esr(ESR_EC_ILLEGAL_STATE, 0), 0),
		       "Illegal execution state");
	CHECK_CONTAINS(describe(make_esr(ESR_EC_FP_ASIMD, 0x1e00000), 0),
		       "Trapped FP/SIMD: ISS 0x1e00000");
}

TEST(esr, every_allocated_ec_has_a_name)
{
	static const unsigned allocated[] = {
		0x00, 0x01, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0c,
		0x0d, 0x0e, 0x11, 0x12, 0x13, 0x15, 0x16, 0x17, 0x18, 0x19, 0x1a,
		0x1c, 0x1d, 0x1e, 0x1f, 0x20, 0x21, 0x22, 0x24, 0x25, 0x26, 0x27,
		0x28, 0x2c, 0x2d, 0x2f, 0x30, 0x31, 0x32, 0x33, 0x34, 0x35, 0x38,
		0x3a, 0x3c,
	};
	unsigned ec, i, named = 0;

	for (i = 0; i < sizeof(allocated) / sizeof(allocated[0]); i++)
		CHECK(strcmp(esr_ec_name(allocated[i]), "Unallocated EC") != 0);
	for (ec = 0; ec < ESR_EC_COUNT; ec++)
		named += strcmp(esr_ec_name(ec), "Unallocated EC") != 0;
	CHECK_EQ(named, sizeof(allocated) / sizeof(allocated[0]));
	CHECK_STR_EQ(esr_ec_name(0x02), "Unallocated EC");
	CHECK_STR_EQ(esr_ec_name(64), "Unallocated EC");
	CHECK_STR_EQ(esr_ec_name(ESR_EC_UNKNOWN), "Unknown reason");
	CHECK_CONTAINS(describe(make_esr(0x3f, 0), 0), "EC 0x3f Unallocated EC");
}

TEST(esr, ec_ignores_iss2_and_upper_bits)
{
	CHECK_EQ(esr_ec(0xffffffff00000000ULL | make_esr(ESR_EC_HVC64, 0)), ESR_EC_HVC64);
	CHECK_EQ(esr_ec(~0ULL), 0x3f);
	CHECK_EQ(esr_iss(~0ULL), 0x1ffffff);
}

TEST(esr, fault_status_codes)
{
	static const struct {
		unsigned fsc;
		const char *name;
		int level;
	} cases[] = {
		{ 0x00, "address size fault", 0 }, { 0x03, "address size fault", 3 },
		{ 0x04, "translation fault", 0 }, { 0x07, "translation fault", 3 },
		{ 0x09, "access flag fault", 1 }, { 0x0d, "permission fault", 1 },
		{ 0x10, "synchronous external abort", ESR_FSC_NO_LEVEL },
		{ 0x11, "synchronous tag check fault", ESR_FSC_NO_LEVEL },
		{ 0x15, "synchronous external abort on table walk", 1 },
		{ 0x18, "synchronous parity/ECC error", ESR_FSC_NO_LEVEL },
		{ 0x1e, "synchronous parity/ECC error on table walk", 2 },
		{ 0x21, "alignment fault", ESR_FSC_NO_LEVEL },
		{ 0x29, "address size fault", -1 }, { 0x2b, "translation fault", -1 },
		{ 0x13, "synchronous external abort on table walk", -1 },
		{ 0x30, "TLB conflict abort", ESR_FSC_NO_LEVEL },
		{ 0x31, "unsupported atomic hardware update", ESR_FSC_NO_LEVEL },
		{ 0x3f, "reserved fault status", ESR_FSC_NO_LEVEL },
		{ 0x2a, "reserved fault status", ESR_FSC_NO_LEVEL },
	};
	size_t i;
	int level;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		CHECK_STR_EQ(esr_fsc_name(cases[i].fsc, &level), cases[i].name);
		CHECK_EQ(level, cases[i].level);
	}
	CHECK_CONTAINS(describe(make_esr(ESR_EC_DABT_LOW, 0x2b), 0),
		       "translation fault level -1");
}

TEST(esr, describe_truncates_with_full_length)
{
	char full[LINE], small[16];
	size_t n, size;

	n = esr_describe(0x93820006, 0x9000000, full, sizeof(full));
	CHECK(n > sizeof(small));
	for (size = 0; size <= sizeof(small); size++) {
		memset(small, '#', sizeof(small));
		CHECK_EQ(esr_describe(0x93820006, 0x9000000, size ? small : NULL, size), n);
		if (size > 0) {
			CHECK_EQ(strlen(small), size - 1);
			CHECK(strncmp(small, full, size - 1) == 0);
		}
	}
}
