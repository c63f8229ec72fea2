/*
 * faulty: a test device that misbehaves on request. Shared by the app
 * (apps/faulty/main.c) and the guests that drive it (guests/app-faults.c,
 * guests/app-victim.c). It uses nothing but <stdint.h>.
 *
 * The app serves one page of MMIO (any page: it decodes the offset in the
 * page, so several instances can sit at different IPAs) and, optionally,
 * function IDs from the SiP service range (owning entity 2, SMC64 fast
 * calls): the manifest grants an instance a block of FAULTY_FIDS_PER_APP
 * IDs starting at a multiple of it, e.g. `calls = <0xc2000100 0xc20001ff>`.
 *
 * Registers, 64-bit, at these offsets in the page:
 */
#ifndef FAULTY_H
#define FAULTY_H

#include <stdint.h>

#define FAULTY_REG_ID		0x00	/* R: FAULTY_ID */
#define FAULTY_REG_WRITES	0x08	/* R: MMIO writes served since load or reset */
#define FAULTY_REG_ECHO		0x10	/* RW: the last value written */
#define FAULTY_REG_MARKER	0x18	/* RW: FAULTY_MARKER_INIT at load (in .data) */
#define FAULTY_REG_LAST_RESET	0x20	/* R: reason of the last APP_EV_RESET, 0 if none */
#define FAULTY_REG_ARG		0x28	/* RW: the argument of the next command */
#define FAULTY_REG_RESULT	0x30	/* R: result of the last command that completed */

/*
 * Commands: a read or a write of FAULTY_REG_CMD(n), or the function ID
 * (block base + n), runs command n in that event's handler. A read returns
 * the command's result, a call returns it in x0 (and n in x1); both also
 * land in FAULTY_REG_RESULT. Commands that fault never return: the guest
 * gets the manifest's fault answer instead.
 */
#define FAULTY_REG_CMD(n)	(0x100 + 8 * (n))
#define FAULTY_CMDS		32

#define FAULTY_CMD_NOP		0	/* result FAULTY_NOP_RESULT */
/* Faults of the app itself. */
#define FAULTY_CMD_LOOP		1	/* spin forever: budget overrun */
#define FAULTY_CMD_NULL_READ	2	/* load from address 0 */
#define FAULTY_CMD_NULL_WRITE	3	/* store to address 0 */
#define FAULTY_CMD_STACK	4	/* unbounded recursion: stack overflow */
#define FAULTY_CMD_FP		5	/* an FP instruction (fmov d0, xzr) */
#define FAULTY_CMD_UNDEF	6	/* udf #0 */
#define FAULTY_CMD_SYSCALL_NR	7	/* syscall number FAULTY_BAD_SYSCALL */
#define FAULTY_CMD_LOG_LONG	8	/* APP_SYS_LOG of APP_LOG_MAX + 1 bytes */
#define FAULTY_CMD_LOG_POINTER	9	/* APP_SYS_LOG of text at FAULTY_HYP_VA */
#define FAULTY_CMD_PANIC	10	/* APP_SYS_PANIC with FAULTY_PANIC_TEXT */
#define FAULTY_CMD_WRITE_TEXT	11	/* store into its own code */
#define FAULTY_CMD_EXEC_DATA	12	/* branch into its own (non-executable) data */
/*
 * Reaching beyond its grant, with ARG = FAULTY_REG_ARG. "Map" is one page
 * of guest RAM, the page holding IPA ARG, through APP_SYS_MAP_GUEST.
 */
#define FAULTY_CMD_RAW_READ	13	/* load from app VA ARG */
#define FAULTY_CMD_RAW_WRITE	14	/* store FAULTY_POISON to app VA ARG */
#define FAULTY_CMD_MAP		15	/* map read-write, unmap; result 0 */
#define FAULTY_CMD_MAP_TRY	16	/* with APP_MAP_TRY; result: its error, or 0 */
#define FAULTY_CMD_MAP_READ	17	/* map read-only; result = the 64-bit word at ARG */
#define FAULTY_CMD_MAP_WRITE	18	/* map read-write, store ECHO at ARG */
#define FAULTY_CMD_MAP_OVERRUN	19	/* map, load from the page after the mapping */
#define FAULTY_CMD_MAP_RO_WRITE	20	/* map read-only, store FAULTY_POISON at ARG */
#define FAULTY_CMD_WINDOW_READ	21	/* load from the guest window + ARG, never mapped */
#define FAULTY_CMD_IRQ_SET	22	/* APP_SYS_IRQ_SET(ARG); result = what it returned */
#define FAULTY_CMD_IRQ_CLEAR	23	/* APP_SYS_IRQ_CLEAR(ARG); result = what it returned */
/*
 * Stub domains only (apps/faulty built as faulty-stub.bin): the stub
 * domain's own hypercalls, issued by raw `hvc`/`smc` behind the runtime's
 * back. At EL0 they have no meaning (an EL0 app cannot issue either): there
 * they do nothing and give FAULTY_NOT_STUB.
 */
#define FAULTY_CMD_BAD_COMPLETE	24	/* STUB_HVC_COMPLETE of request ARG (a wrong seq) */
#define FAULTY_CMD_STUB_HVC	25	/* hvc #0 with w0 = ARG; result: x0 */
#define FAULTY_CMD_STUB_SMC	26	/* smc #0 with w0 = ARG; result: x0 */

#define FAULTY_ID		0xfa0170000000a991ULL
#define FAULTY_MARKER_INIT	0x5eed0000da7a0001ULL
#define FAULTY_NOP_RESULT	0x600d600d600d600dULL
#define FAULTY_POISON		0xbad0bad0bad0bad0ULL
#define FAULTY_BAD_SYSCALL	77
#define FAULTY_NOT_STUB		0x0e10e10e10e10e10ULL	/* a stub-only command at EL0 */
/* The hypervisor's text under VHE (upper half, PA 0x40080000). */
#define FAULTY_HYP_VA		0xffff000040080000ULL
#define FAULTY_PANIC_TEXT	"faulty: panic on request"

/* Function IDs: SiP, SMC64, fast; an instance serves one 256-ID block. */
#define FAULTY_FID_BASE		0xc2000000u
#define FAULTY_FIDS_PER_APP	0x100u

#endif
