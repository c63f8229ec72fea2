#include "arch.h"
#include "config.h"
#include "exec.h"
#include "percpu.h"
#include "test.h"

#define SLOT_WORDS 16			/* 64 bytes: one cache line per vCPU */

/* In .bss: executable with the MMU off. */
static uint32_t code[GUEST_MAX_CPUS][SLOT_WORDS] __attribute__((aligned(64)));

typedef uint64_t (*code_fn)(uint64_t, uint64_t, uint64_t, uint64_t);

/* Make the new instruction visible to instruction fetch. */
static void sync_icache(const void *p)
{
	__asm__ volatile("dc cvau, %0\n\tdsb ish\n\tic ivau, %0\n\tdsb ish\n\tisb"
			 : : "r"(p) : "memory");
}

bool exec_insn(uint32_t insn, uint64_t x0, uint64_t x1, uint64_t x2, uint64_t x3,
	       struct exec_result *r)
{
	struct percpu *c = this_cpu();
	uint32_t *slot = code[cpu_id()];
	code_fn fn = (code_fn)(uintptr_t)slot;

	if (a64_is_hlt(insn))
		test_fatal("exec_insn: refusing HLT %#x (semihosting)", insn);
	slot[0] = insn;
	slot[1] = A64_RET;
	slot[2] = 0;			/* UDF: a wrong resume address is noticed */
	sync_icache(slot);

	c->caught = (struct caught_exception){ 0 };
	c->exec_pc = (uint64_t)slot;
	c->exec_armed = true;
	compiler_barrier();
	r->x0 = fn(x0, x1, x2, x3);
	compiler_barrier();
	c->exec_armed = false;

	r->trapped = c->caught.sync;
	r->esr = c->caught.esr;
	r->ec = (unsigned)(r->esr >> 26) & 0x3f;
	return r->trapped;
}
