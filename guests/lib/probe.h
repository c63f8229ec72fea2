/*
 * Probes: one memory access (or cache maintenance operation) that may
 * fault. A synchronous exception at the access resumes at a fixup instead
 * of failing the test, and an SError that arrives before the probe ends
 * (an asynchronous external abort) is caught too. The result says what
 * happened: the isolation and hostile tests expect aborts.
 *
 * The faulting instruction of each probe is listed in the __ex_table
 * section (pairs of instruction address, fixup address), like Linux's
 * exception tables.
 */
#ifndef GUEST_PROBE_H
#define GUEST_PROBE_H

#include <stdbool.h>
#include <stdint.h>

enum probe_op {
	/* Loads: the value read is returned. */
	PROBE_LDRB, PROBE_LDRH, PROBE_LDRW, PROBE_LDRX,
	PROBE_LDRSB, PROBE_LDRSH, PROBE_LDRSW,
	PROBE_LDP,			/* pair: no syndrome (ISV = 0) */
	PROBE_LDR_POST,			/* writeback: no syndrome */
	PROBE_LDAR, PROBE_LDXR, PROBE_LDTR,
	/* Stores of the given value. */
	PROBE_STRB, PROBE_STRH, PROBE_STRW, PROBE_STRX,
	PROBE_STP, PROBE_STR_PRE, PROBE_STLR, PROBE_STXR, PROBE_STTR,
	/* Atomics (FEAT_LSE; undefined without it). */
	PROBE_LDADD, PROBE_SWP, PROBE_CAS,
	/* Cache maintenance by address. */
	PROBE_DC_ZVA, PROBE_DC_CIVAC, PROBE_DC_CVAC, PROBE_DC_IVAC, PROBE_DC_CVAU,
	PROBE_IC_IVAU,
	PROBE_OPS
};

struct probe_result {
	bool faulted;			/* a synchronous exception was taken */
	bool serror;			/* an SError arrived during the probe */
	unsigned ec;			/* ESR_EL1.EC of the exception */
	uint64_t esr, far;
	uint64_t value;			/* loads that did not fault */
};

/* True if the access did not complete normally (fault or SError). */
bool probe(enum probe_op op, uint64_t addr, uint64_t value, struct probe_result *r);

/* Shorthands: read / write `size` bytes (1, 2, 4, 8); true if it aborted. */
bool probe_read(uint64_t addr, unsigned size, uint64_t *value, struct probe_result *r);
bool probe_write(uint64_t addr, unsigned size, uint64_t value, struct probe_result *r);

const char *probe_op_name(enum probe_op op);
bool probe_op_is_write(enum probe_op op);
bool probe_op_is_load(enum probe_op op);
unsigned probe_op_size(enum probe_op op);	/* bytes touched (a pair: 16) */

/* The fixup for a faulting instruction at pc, or 0 (exceptions.c). */
uint64_t extable_fixup(uint64_t pc);

#endif
