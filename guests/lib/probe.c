#include "arch.h"
#include "percpu.h"
#include "probe.h"

typedef uint64_t (*probe_stub)(uint64_t addr, uint64_t value, uint64_t *out);

#define STUB(name) uint64_t name(uint64_t addr, uint64_t value, uint64_t *out)
STUB(probe_ldrb); STUB(probe_ldrh); STUB(probe_ldrw); STUB(probe_ldrx);
STUB(probe_ldrsb); STUB(probe_ldrsh); STUB(probe_ldrsw); STUB(probe_ldp);
STUB(probe_ldr_post); STUB(probe_ldar); STUB(probe_ldxr); STUB(probe_ldtr);
STUB(probe_strb); STUB(probe_strh); STUB(probe_strw); STUB(probe_strx);
STUB(probe_stp); STUB(probe_str_pre); STUB(probe_stlr); STUB(probe_stxr);
STUB(probe_sttr); STUB(probe_ldadd); STUB(probe_swp); STUB(probe_cas);
STUB(probe_dc_zva); STUB(probe_dc_civac); STUB(probe_dc_cvac); STUB(probe_dc_ivac);
STUB(probe_dc_cvau); STUB(probe_ic_ivau);

enum kind { LOAD, STORE, ATOMIC, CMO };

static const struct {
	probe_stub fn;
	const char *name;
	enum kind kind;
	unsigned size;
} ops[PROBE_OPS] = {
	[PROBE_LDRB] = { probe_ldrb, "ldrb", LOAD, 1 },
	[PROBE_LDRH] = { probe_ldrh, "ldrh", LOAD, 2 },
	[PROBE_LDRW] = { probe_ldrw, "ldr w", LOAD, 4 },
	[PROBE_LDRX] = { probe_ldrx, "ldr x", LOAD, 8 },
	[PROBE_LDRSB] = { probe_ldrsb, "ldrsb", LOAD, 1 },
	[PROBE_LDRSH] = { probe_ldrsh, "ldrsh", LOAD, 2 },
	[PROBE_LDRSW] = { probe_ldrsw, "ldrsw", LOAD, 4 },
	[PROBE_LDP] = { probe_ldp, "ldp", LOAD, 16 },
	[PROBE_LDR_POST] = { probe_ldr_post, "ldr post-index", LOAD, 8 },
	[PROBE_LDAR] = { probe_ldar, "ldar", LOAD, 8 },
	[PROBE_LDXR] = { probe_ldxr, "ldxr", LOAD, 8 },
	[PROBE_LDTR] = { probe_ldtr, "ldtr", LOAD, 8 },
	[PROBE_STRB] = { probe_strb, "strb", STORE, 1 },
	[PROBE_STRH] = { probe_strh, "strh", STORE, 2 },
	[PROBE_STRW] = { probe_strw, "str w", STORE, 4 },
	[PROBE_STRX] = { probe_strx, "str x", STORE, 8 },
	[PROBE_STP] = { probe_stp, "stp", STORE, 16 },
	[PROBE_STR_PRE] = { probe_str_pre, "str pre-index", STORE, 8 },
	[PROBE_STLR] = { probe_stlr, "stlr", STORE, 8 },
	[PROBE_STXR] = { probe_stxr, "stxr", STORE, 8 },
	[PROBE_STTR] = { probe_sttr, "sttr", STORE, 8 },
	[PROBE_LDADD] = { probe_ldadd, "ldadd", ATOMIC, 8 },
	[PROBE_SWP] = { probe_swp, "swp", ATOMIC, 8 },
	[PROBE_CAS] = { probe_cas, "cas", ATOMIC, 8 },
	[PROBE_DC_ZVA] = { probe_dc_zva, "dc zva", CMO, 0 },
	[PROBE_DC_CIVAC] = { probe_dc_civac, "dc civac", CMO, 0 },
	[PROBE_DC_CVAC] = { probe_dc_cvac, "dc cvac", CMO, 0 },
	[PROBE_DC_IVAC] = { probe_dc_ivac, "dc ivac", CMO, 0 },
	[PROBE_DC_CVAU] = { probe_dc_cvau, "dc cvau", CMO, 0 },
	[PROBE_IC_IVAU] = { probe_ic_ivau, "ic ivau", CMO, 0 },
};

const char *probe_op_name(enum probe_op op)
{
	return op < PROBE_OPS ? ops[op].name : "?";
}

bool probe_op_is_write(enum probe_op op)
{
	return op < PROBE_OPS && (ops[op].kind == STORE || ops[op].kind == ATOMIC ||
				  op == PROBE_DC_ZVA);
}

bool probe_op_is_load(enum probe_op op)
{
	return op < PROBE_OPS && ops[op].kind == LOAD;
}

unsigned probe_op_size(enum probe_op op)
{
	return op < PROBE_OPS ? ops[op].size : 0;
}

bool probe(enum probe_op op, uint64_t addr, uint64_t value, struct probe_result *r)
{
	struct percpu *c = this_cpu();
	uint64_t out = 0, failed;

	c->caught = (struct caught_exception){ 0 };
	c->probe_armed = true;
	compiler_barrier();
	failed = ops[op].fn(addr, value, &out);
	compiler_barrier();
	c->probe_armed = false;

	r->faulted = failed != 0;
	r->serror = c->caught.serror;
	r->esr = c->caught.esr;
	r->far = c->caught.far;
	r->ec = (unsigned)(r->esr >> 26) & 0x3f;
	r->value = r->faulted ? 0 : out;
	return r->faulted || r->serror;
}

static const enum probe_op loads[] = { PROBE_LDRB, PROBE_LDRH, 0, PROBE_LDRW, 0, 0, 0, PROBE_LDRX };
static const enum probe_op stores[] = { PROBE_STRB, PROBE_STRH, 0, PROBE_STRW, 0, 0, 0, PROBE_STRX };

bool probe_read(uint64_t addr, unsigned size, uint64_t *value, struct probe_result *r)
{
	bool aborted = probe(loads[(size - 1) & 7], addr, 0, r);

	if (value)
		*value = r->value;
	return aborted;
}

bool probe_write(uint64_t addr, unsigned size, uint64_t value, struct probe_result *r)
{
	return probe(stores[(size - 1) & 7], addr, value, r);
}

struct extable_entry {
	uint64_t insn, fixup;
};

extern const struct extable_entry __extable_start[], __extable_end[];

uint64_t extable_fixup(uint64_t pc)
{
	for (const struct extable_entry *e = __extable_start; e < __extable_end; e++)
		if (e->insn == pc)
			return e->fixup;
	return 0;
}
