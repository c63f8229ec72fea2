/*
 * faulty: an app that breaks the ABI on command, to test how the
 * hypervisor contains it (see faulty.h for the registers and commands).
 *
 * Healthy behaviour is what the tests check recovery against: an ID, a
 * write counter (bss) and a marker (data), both back to their load-time
 * values after a fault reset, which re-initialises the app's memory, an
 * echo register, and the reason of the last reset. Every command runs in the
 * handler of the event that asked for it, so a fault hits that very event:
 * an MMIO read, an MMIO write or a call.
 */
#include <stdbool.h>

#include "app.h"
#include "faulty.h"
#ifdef APP_STUB_BACKEND
#include "abi/stubdom.h"
#endif

static uint64_t writes;			/* bss: 0 after a fault reset */
static uint64_t marker = FAULTY_MARKER_INIT;	/* data: re-copied after a fault reset */
static uint64_t echo, arg, result, last_reset;

/*
 * Volatile, so the compiler cannot see what they hold: it must emit the
 * NULL access and the recursion as written, not a trap or a loop of its own.
 */
static volatile uintptr_t null_address;
static volatile uint64_t recursion_limit = ~(uint64_t)0;	/* never reached */

/* A "ret" instruction in writable, never executable data. */
static uint32_t data_code[1] = { 0xd65f03c0 };

/* A valid buffer, so that LOG_LONG fails on its length alone. */
static const char long_text[APP_LOG_MAX + 8] = "faulty: this text is one byte too long";

static const char panic_text[] = FAULTY_PANIC_TEXT;

/* A deep frame per level; the use after the call keeps it from being a loop. */
static uint64_t recurse(uint64_t depth)
{
	volatile uint8_t frame[512];

	frame[depth % sizeof(frame)] = (uint8_t)depth;
	if (depth >= recursion_limit)
		return 0;
	return recurse(depth + 1) + frame[depth % sizeof(frame)];
}

static void spin_forever(void)
{
	volatile uint64_t spins = 0;

	for (;;)
		spins++;
}

/* The guest page holding IPA ipa, mapped with flags; faults if ipa is not ours. */
static volatile uint64_t *map_word(uint64_t ipa, unsigned int flags)
{
	uint64_t page = ipa & ~(uint64_t)(APP_PAGE_SIZE - 1);
	int64_t va = app_sys_map_guest(page, APP_PAGE_SIZE, flags);

	if (va < 0)
		app_panic("faulty: MAP_GUEST(%#llx) returned %lld", (unsigned long long)page,
			  (long long)va);
	return (volatile uint64_t *)(uintptr_t)((uint64_t)va + (ipa & (APP_PAGE_SIZE - 1) & ~7ULL));
}

static void unmap_word(volatile uint64_t *word)
{
	uint64_t page = (uint64_t)(uintptr_t)word & ~(uint64_t)(APP_PAGE_SIZE - 1);

	app_sys_unmap((void *)(uintptr_t)page, APP_PAGE_SIZE);
}

/* Commands that misbehave inside the app itself; they do not return. */
static void self_fault(unsigned int cmd)
{
	switch (cmd) {
	case FAULTY_CMD_LOOP:
		spin_forever();
		break;
	case FAULTY_CMD_NULL_READ:
		result = *(volatile uint64_t *)null_address;
		break;
	case FAULTY_CMD_NULL_WRITE:
		*(volatile uint64_t *)null_address = FAULTY_POISON;
		break;
	case FAULTY_CMD_STACK:
		result = recurse(0);
		break;
	case FAULTY_CMD_FP:
		/* fmov d0, xzr, encoded by hand: apps are built -mgeneral-regs-only. */
		__asm__ volatile(".inst 0x9e6703e0" ::: "memory");
		break;
	case FAULTY_CMD_UNDEF:
		__asm__ volatile("udf #0" ::: "memory");
		break;
	case FAULTY_CMD_SYSCALL_NR:
		app_syscall2(FAULTY_BAD_SYSCALL, 0, 0);
		break;
	case FAULTY_CMD_LOG_LONG:
		app_sys_log(long_text, APP_LOG_MAX + 1);
		break;
	case FAULTY_CMD_LOG_POINTER:
		app_sys_log((const char *)(uintptr_t)FAULTY_HYP_VA, 16);
		break;
	case FAULTY_CMD_PANIC:
		app_sys_panic(panic_text, sizeof(panic_text) - 1);
		break;
	case FAULTY_CMD_WRITE_TEXT:
		*(volatile uint32_t *)(uintptr_t)&recurse = 0xd503201f;	/* nop */
		break;
	case FAULTY_CMD_EXEC_DATA:
		((void (*)(void))(uintptr_t)data_code)();
		break;
	}
}

/* Commands that reach beyond the app's grant, or stay inside it. */
static void reach(unsigned int cmd)
{
	volatile uint64_t *word;
	int64_t r;

	switch (cmd) {
	case FAULTY_CMD_RAW_READ:
		result = *(volatile uint64_t *)(uintptr_t)arg;
		break;
	case FAULTY_CMD_RAW_WRITE:
		*(volatile uint64_t *)(uintptr_t)arg = FAULTY_POISON;
		break;
	case FAULTY_CMD_MAP:
		unmap_word(map_word(arg, APP_MAP_RW));
		result = 0;
		break;
	case FAULTY_CMD_MAP_TRY:
		r = app_sys_map_guest(arg & ~(uint64_t)(APP_PAGE_SIZE - 1), APP_PAGE_SIZE,
				      APP_MAP_RW | APP_MAP_TRY);
		if (r >= 0)
			app_sys_unmap((void *)(uintptr_t)r, APP_PAGE_SIZE);
		result = r < 0 ? (uint64_t)r : 0;
		break;
	case FAULTY_CMD_MAP_READ:
		word = map_word(arg, APP_MAP_RO);
		result = *word;
		unmap_word(word);
		break;
	case FAULTY_CMD_MAP_WRITE:
		word = map_word(arg, APP_MAP_RW);
		*word = echo;
		unmap_word(word);
		result = 0;
		break;
	case FAULTY_CMD_MAP_OVERRUN:
		word = map_word(arg, APP_MAP_RO);
		result = *(volatile uint64_t *)((uintptr_t)word + APP_PAGE_SIZE);
		break;
	case FAULTY_CMD_MAP_RO_WRITE:
		word = map_word(arg, APP_MAP_RO);
		*word = FAULTY_POISON;
		break;
	case FAULTY_CMD_WINDOW_READ:
		result = *(volatile uint64_t *)(uintptr_t)(APP_GUEST_WINDOW_BASE + arg);
		break;
	case FAULTY_CMD_IRQ_SET:
		result = (uint64_t)app_sys_irq_set((uint32_t)arg);
		break;
	case FAULTY_CMD_IRQ_CLEAR:
		result = (uint64_t)app_sys_irq_clear((uint32_t)arg);
		break;
	}
}

#ifdef APP_STUB_BACKEND
/*
 * A raw SMCCC call from the stub domain, behind the runtime's back: x0 =
 * fid, x1 = a1, x2..x5 zero. SMCCC lets the callee clobber x0..x17.
 */
#define STUB_RAW_CALL(insn, fid, a1, out)                                                   \
	do {                                                                                 \
		register uint64_t r0 __asm__("x0") = (fid);                                  \
		register uint64_t r1 __asm__("x1") = (a1);                                   \
		register uint64_t r2 __asm__("x2") = 0, r3 __asm__("x3") = 0;                \
		register uint64_t r4 __asm__("x4") = 0, r5 __asm__("x5") = 0;                \
		__asm__ volatile(insn " #0"                                                  \
				 : "+r"(r0), "+r"(r1), "+r"(r2), "+r"(r3), "+r"(r4), "+r"(r5) \
				 :                                                            \
				 : "x6", "x7", "x8", "x9", "x10", "x11", "x12", "x13", "x14",  \
				   "x15", "x16", "x17", "memory");                              \
		(out) = r0;                                                                  \
	} while (0)

/*
 * The stub domain's own hypercalls misused. BAD_COMPLETE completes request
 * ARG, which is not the one being served (the runtime completes only that
 * one): garbage, a stub fault, so it does not return. STUB_HVC/SMC issue
 * function ID ARG, which a stub domain has no service for unless it is one
 * of its two: the result is x0.
 */
static void stub_command(unsigned int cmd)
{
	switch (cmd) {
	case FAULTY_CMD_BAD_COMPLETE:
		STUB_RAW_CALL("hvc", STUB_HVC_COMPLETE, arg, result);
		break;
	case FAULTY_CMD_STUB_HVC:
		STUB_RAW_CALL("hvc", arg, 0, result);
		break;
	case FAULTY_CMD_STUB_SMC:
		STUB_RAW_CALL("smc", arg, 0, result);
		break;
	}
}
#else
/* An EL0 app cannot issue hvc or smc (both are undefined at EL0): nothing to do. */
static void stub_command(unsigned int cmd)
{
	(void)cmd;
	result = FAULTY_NOT_STUB;
}
#endif

static uint64_t run_command(unsigned int cmd)
{
	if (cmd == FAULTY_CMD_NOP)
		result = FAULTY_NOP_RESULT;
	else if (cmd < FAULTY_CMD_RAW_READ)
		self_fault(cmd);
	else if (cmd < FAULTY_CMD_BAD_COMPLETE)
		reach(cmd);
	else
		stub_command(cmd);
	return result;
}

static bool is_command(uint64_t off)
{
	return off >= FAULTY_REG_CMD(0) && off < FAULTY_REG_CMD(FAULTY_CMDS) && !(off & 7);
}

static uint64_t faulty_read(uint64_t ipa, unsigned int size)
{
	uint64_t off = ipa & (APP_PAGE_SIZE - 1);

	(void)size;
	if (is_command(off))
		return run_command((unsigned int)(off - FAULTY_REG_CMD(0)) / 8);
	switch (off) {
	case FAULTY_REG_ID:
		return FAULTY_ID;
	case FAULTY_REG_WRITES:
		return writes;
	case FAULTY_REG_ECHO:
		return echo;
	case FAULTY_REG_MARKER:
		return marker;
	case FAULTY_REG_LAST_RESET:
		return last_reset;
	case FAULTY_REG_ARG:
		return arg;
	case FAULTY_REG_RESULT:
		return result;
	}
	return 0;
}

static void faulty_write(uint64_t ipa, unsigned int size, uint64_t value)
{
	uint64_t off = ipa & (APP_PAGE_SIZE - 1);

	(void)size;
	writes++;
	if (is_command(off)) {
		run_command((unsigned int)(off - FAULTY_REG_CMD(0)) / 8);
		return;
	}
	switch (off) {
	case FAULTY_REG_ECHO:
		echo = value;
		break;
	case FAULTY_REG_MARKER:
		marker = value;
		break;
	case FAULTY_REG_ARG:
		arg = value;
		break;
	}
}

/* Function ID = block base + command; the block is the manifest's business. */
static void faulty_call(uint32_t function_id, const uint64_t args[6], uint64_t res[4])
{
	unsigned int cmd = function_id % FAULTY_FIDS_PER_APP;

	(void)args;
	if (cmd >= FAULTY_CMDS) {
		res[0] = APP_SMCCC_NOT_SUPPORTED;
		return;
	}
	res[0] = run_command(cmd);
	res[1] = cmd;
}

static int64_t faulty_reset(uint64_t reason, uint64_t domain_id)
{
	(void)domain_id;
	last_reset = reason;
	return 0;
}

const struct app_ops app_ops = {
	.mmio_read = faulty_read,
	.mmio_write = faulty_write,
	.call = faulty_call,
	.reset = faulty_reset,
};
