/*
 * Run one generated A64 instruction, with x0..x3 preset, and catch any
 * synchronous exception it raises (it is then skipped, or for SVC/HVC/SMC
 * exceptions, which are taken after the instruction, resumed after). Used
 * for system-register accesses by encoding and undefined instructions.
 * The instruction runs from a per-vCPU buffer, followed by RET: it must
 * not branch, and it must not be HLT (semihosting would end QEMU).
 */
#ifndef GUEST_EXEC_H
#define GUEST_EXEC_H

#include <stdbool.h>
#include <stdint.h>

struct exec_result {
	bool trapped;			/* an exception was taken at the instruction */
	unsigned ec;
	uint64_t esr;
	uint64_t x0;			/* x0 after the instruction (MRS results) */
};

bool exec_insn(uint32_t insn, uint64_t x0, uint64_t x1, uint64_t x2, uint64_t x3,
	       struct exec_result *r);

/* Encodings. op0 is 2 or 3 for MRS/MSR (1 would be SYS, 0 PSTATE/hints). */
#define A64_RET 0xd65f03c0u
static inline uint32_t a64_mrs(unsigned op0, unsigned op1, unsigned crn, unsigned crm,
			       unsigned op2, unsigned rt)
{
	return 0xd5200000u | (op0 & 3) << 19 | (op1 & 7) << 16 | (crn & 15) << 12 |
	       (crm & 15) << 8 | (op2 & 7) << 5 | (rt & 31);
}

static inline uint32_t a64_msr(unsigned op0, unsigned op1, unsigned crn, unsigned crm,
			       unsigned op2, unsigned rt)
{
	return a64_mrs(op0, op1, crn, crm, op2, rt) & ~(1u << 21);
}

static inline uint32_t a64_hvc(unsigned imm16) { return 0xd4000002u | (imm16 & 0xffff) << 5; }
static inline uint32_t a64_smc(unsigned imm16) { return 0xd4000003u | (imm16 & 0xffff) << 5; }
static inline uint32_t a64_svc(unsigned imm16) { return 0xd4000001u | (imm16 & 0xffff) << 5; }
static inline uint32_t a64_brk(unsigned imm16) { return 0xd4200000u | (imm16 & 0xffff) << 5; }

/* HLT #imm is 0xd4400000 | imm << 5: exec_insn() refuses it. */
static inline bool a64_is_hlt(uint32_t insn)
{
	return (insn & 0xffe0001fu) == 0xd4400000u;
}

#endif
