/*
 * The EL0 app ABI: the one contract between the hypervisor's app manager
 * and an app built with the SDK (apps/sdk). Shared by both sides; it uses
 * nothing but <stdint.h> and is also usable from assembly (__ASSEMBLER__),
 * where only the constants are visible. docs/app-abi.md is the reference
 * in prose; this file is authoritative.
 *
 * ---- Entry model -------------------------------------------------------
 *
 * An app has no thread of its own. For every event the hypervisor enters
 * the app at its ELF entry point (e_entry), at EL0 (AArch64, EL0t, DAIF
 * clear: the app can mask nothing), with:
 *   x0      = the event number (APP_EV_*)
 *   x1..x7  = the event's arguments (unused ones are 0)
 *   x8..x30 = unspecified: whatever this app instance left in them (zero
 *             before its first event); never another party's values
 *   TPIDR_EL0 = TPIDRRO_EL0 = 0, NZCV = 0
 *   SP_EL0  = APP_STACK_TOP (16-byte aligned): a fresh, empty stack.
 * The hypervisor never leaks its own, any guest's or another app's register
 * values into the app beyond the event arguments (x8..x30 are not zeroed
 * per event only because they can hold nothing but the app's own data:
 * that keeps the round trip short). Nothing is preserved between events
 * except the app's memory (data, bss, stack contents are not guaranteed)
 * and its guest mappings: the app keeps its state in data/bss.
 *
 * The app ends every event with APP_SYS_RETURN. Anything else that leaves
 * EL0 (abort, undefined or FP/SIMD instruction, BRK, an overrun of the
 * manifest's per-call time budget, a failed syscall check, APP_SYS_PANIC)
 * is an app fault: the event is abandoned, the trapping guest gets the
 * manifest's answer (read-as-zero / write-ignored, or an abort), and the
 * app is reset or disabled by the manifest's policy.
 *
 * Calls into one app instance are serialized (FIFO): an app never runs
 * twice at once and needs no locking. Physical interrupts taken while the
 * app runs are handled by the hypervisor and the app resumes unaware.
 *
 * ---- Syscalls ----------------------------------------------------------
 *
 * `svc #0` with the syscall number (APP_SYS_*) in x8 and the arguments in
 * x0..x5. The result comes back in x0: >= 0 on success, a negative APP_E_*
 * otherwise. Every other register (x1..x30, SP) is preserved. The SVC
 * immediate must be 0.
 *
 * Failures come in two classes:
 * - Misuse: the app broke this contract (unknown syscall number, nonzero
 *   SVC immediate, a bad pointer or length, an IPA outside its domain's
 *   RAM, an interrupt its manifest does not grant, a timer too far ahead,
 *   unknown flag bits, unmapping what is not mapped...). The call does not
 *   return: it is an app fault, logged with the app's name, the syscall and
 *   the APP_E_* code below as the reason, and counted.
 * - Conditions the app cannot foresee: the call returns the negative code
 *   in x0 and the app carries on. Only these are returned: APP_E_NOMEM,
 *   APP_E_EXPIRED, and APP_E_FAULT from APP_SYS_MAP_GUEST with APP_MAP_TRY.
 * Each syscall below says which of its checks is which.
 *
 * "App pointer" checks: [va, va + len) must not wrap and must lie entirely
 * in the app's own readable memory (its image segments or its stack; not
 * the guest window), else APP_E_FAULT (misuse). The hypervisor looks each
 * page up in the app's own tables and copies through its own mapping of
 * that physical page: it never dereferences an app address (PAN stays on).
 */
#ifndef ABI_APP_H
#define ABI_APP_H

#ifdef __ASSEMBLER__
#define APP_U64(x) x
#else
#include <stdint.h>
#define APP_U64(x) x##ULL
#endif

/* Bumped on any incompatible change to this file. */
#define APP_ABI_VERSION 1

/* ---- Address space -------------------------------------------------------
 *
 *   0                 .. APP_IMAGE_VA_MIN     never mapped (NULL guard)
 *   APP_IMAGE_VA_MIN  .. APP_IMAGE_VA_MAX     the ELF image: its PT_LOAD
 *                                             segments, rounded to pages
 *   APP_IMAGE_VA_MAX  .. APP_STACK_BASE       never mapped: the stack's guard
 *                                             (at least APP_STACK_GUARD bytes)
 *   APP_STACK_BASE    .. APP_STACK_TOP        the stack, read-write, no exec
 *   APP_STACK_TOP     .. APP_GUEST_WINDOW_BASE  never mapped
 *   APP_GUEST_WINDOW_BASE .. + _SIZE          guest RAM mapped by
 *                                             APP_SYS_MAP_GUEST, no exec
 *   APP_FILE_BASE     .. + the file's size    the manifest's `file`, RW-
 *   everything else                           never mapped
 *
 * The image window is exactly lib/elf.h's default window (ELF_APP_VA_MIN,
 * ELF_APP_VA_MAX), so elf_parse() enforces it. Image pages get the segment's
 * permissions: R-X for text, R-- for read-only data, RW- for data and bss;
 * a segment that is both writable and executable is rejected at load. The
 * EL0 regime needs at least 34 VA bits (the file region ends at 9 GiB).
 * The hypervisor itself is never mapped in the app's tables.
 */
#define APP_PAGE_SIZE		4096
#define APP_IMAGE_VA_MIN	APP_U64(0x400000)	/* 4 MiB */
#define APP_IMAGE_VA_MAX	APP_U64(0x40000000)	/* 1 GiB, exclusive */
#define APP_STACK_SIZE		APP_U64(0x10000)	/* 64 KiB */
#define APP_STACK_TOP		APP_U64(0x80000000)	/* 2 GiB, exclusive */
#define APP_STACK_BASE		(APP_STACK_TOP - APP_STACK_SIZE)
#define APP_STACK_GUARD		APP_U64(0x1000)	/* minimum unmapped below the stack */
#define APP_GUEST_WINDOW_BASE	APP_U64(0x100000000)	/* 4 GiB */
#define APP_GUEST_WINDOW_SIZE	APP_U64(0x100000000)	/* 4 GiB */
/*
 * The app's file (manifest property `file`, e.g. a virtio-blk disk image):
 * a private read-write copy of a boot-archive file, at APP_FILE_BASE,
 * rounded up to pages (the tail zeroed). Its size in bytes comes with INIT
 * (x2) and RESET (x3); 0 and nothing mapped when the manifest names none.
 * It is the device's backing store: a fault reset keeps its contents.
 */
#define APP_FILE_BASE		APP_U64(0x200000000)	/* 8 GiB */
#define APP_FILE_MAX		APP_U64(0x40000000)	/* 1 GiB */

/* ---- Events (x0 on entry) ------------------------------------------------
 * Results are what the app passes to APP_SYS_RETURN in x0..x3.
 * 0 is never an event.
 */

/*
 * Once per app instance, when its domain is created, before any vCPU of the
 * domain runs. x1 = domain id, and what the manifest gave the app: x2 = the
 * size of its file (0: none), x3 = its MMIO base, x4 = its MMIO size (0:
 * none), x5 = its first granted INTID (0: none), x6 = the processor
 * features the app may use at EL0 (APP_HWCAP_*). So one app image serves
 * wherever a manifest puts it. Result x0: 0 = ready; negative = the app
 * cannot run (it is disabled).
 */
#define APP_EV_INIT		1

/* INIT's x6 (RESET's x7): instructions usable at EL0 beyond Armv8.0. */
#define APP_HWCAP_RNDR		1	/* FEAT_RNG: RNDR and RNDRRS (S3_3_C2_C4_0/1) */

/*
 * A vCPU of the domain read from one of the app's MMIO ranges.
 * x1 = IPA accessed (the absolute guest address, not an offset),
 * x2 = access size in bytes: 1, 2, 4 or 8 (the IPA is not necessarily
 * aligned to it; the app decides whether to accept that).
 * Result x0 = the value read; the hypervisor keeps its low x2 * 8 bits and
 * extends it as the guest's load instruction demands.
 */
#define APP_EV_MMIO_READ	2

/*
 * A vCPU of the domain wrote to one of the app's MMIO ranges.
 * x1 = IPA, x2 = size (1, 2, 4, 8), x3 = the value written, zero-extended
 * from x2 bytes. Results: ignored.
 */
#define APP_EV_MMIO_WRITE	3

/*
 * A vCPU of the domain made an HVC or SMC whose function ID lies in one of
 * the app's function-ID ranges. x1 = the function ID (the caller's w0),
 * x2..x7 = the caller's x1..x6. Results x0..x3 become the caller's
 * x0..x3 (SMCCC: x0 = APP_SMCCC_NOT_SUPPORTED for an unknown function).
 */
#define APP_EV_CALL		4

/*
 * The app's timer (APP_SYS_TIMER_SET) reached its deadline. x1 = that
 * deadline (APP_SYS_TIME's clock). The timer is one-shot: it is no longer
 * armed when this event arrives. Charged to the domain, not to a vCPU.
 * Results: ignored.
 */
#define APP_EV_TIMER		5

/*
 * The app must return its device to its power-on state.
 * x1 = reason (APP_RESET_*), x2 = domain id, x3..x7 = as INIT's x2..x6
 * (file size, MMIO base and size, first granted INTID, hardware features).
 * Before this event the hypervisor has cancelled the app's timer, removed
 * all its guest mappings and cleared every virtual interrupt it had set.
 * For APP_RESET_FAULT it has also re-initialised the app's memory from the
 * image (data re-copied, bss zeroed), as if newly loaded; for
 * APP_RESET_DOMAIN the app's memory is kept. APP_EV_INIT is not repeated.
 * Result x0: as for APP_EV_INIT.
 */
#define APP_EV_RESET		6
#define APP_RESET_DOMAIN	1	/* the domain is being reset (guest reboot) */
#define APP_RESET_FAULT		2	/* the app faulted; its policy is "reset" */

/*
 * Console input for the domain (only to the app whose manifest node has the
 * `console` property, while the domain has the console's focus).
 * x1 = number of bytes, 1..8; x2 = the bytes, packed little-endian (the
 * first byte typed in bits 7:0). Charged to the domain, not to a vCPU.
 * Results: ignored.
 */
#define APP_EV_INPUT		7
#define APP_INPUT_MAX		8

#define APP_EV_MIN		APP_EV_INIT
#define APP_EV_MAX		APP_EV_INPUT

/* SMCCC's "unknown function" (-1 as a 64-bit value). */
#define APP_SMCCC_NOT_SUPPORTED	APP_U64(0xffffffffffffffff)

/* ---- Syscalls (x8) -------------------------------------------------------- */

/*
 * End the current event. x0..x3 = its results (see the event). Does not
 * return. No checks: any values are accepted (the hypervisor truncates an
 * MMIO read value to the access size).
 */
#define APP_SYS_RETURN		0

/*
 * Print a line to the hypervisor console, prefixed with the domain's and
 * the app's names. x0 = app VA of the text, x1 = its length, 0 ..
 * APP_LOG_MAX; it need not be NUL-terminated, a trailing newline is
 * optional, bytes that are not printable ASCII are shown as '?'.
 * Returns the number of bytes accepted (x1). The console may rate-limit an
 * app's output (dropped text is counted, not an error).
 * Misuse: length > APP_LOG_MAX (APP_E_RANGE); text not readable app
 * memory (APP_E_FAULT).
 */
#define APP_SYS_LOG		1

/*
 * Map guest RAM of the app's own domain into the guest window.
 * x0 = guest IPA, x1 = size in bytes, x2 = flags: APP_MAP_RO or APP_MAP_RW,
 * optionally | APP_MAP_TRY. The mapping is never executable.
 * Returns the app VA of the first byte, inside
 * [APP_GUEST_WINDOW_BASE, + APP_GUEST_WINDOW_SIZE); the hypervisor picks it.
 * Misuse: IPA or size not APP_PAGE_SIZE-aligned, size 0, IPA + size wraps,
 * or flags with unknown bits or neither RO nor RW (APP_E_INVALID);
 * [IPA, IPA + size) not entirely inside the domain's RAM (APP_E_FAULT),
 * unless APP_MAP_TRY is given.
 * Returned: APP_E_FAULT for the latter with APP_MAP_TRY (use it for an IPA
 * the guest supplied, so a guest cannot make its app fault); APP_E_NOMEM
 * when the window has no free range of that size or the hypervisor is out
 * of table memory. Mapping the same guest page twice is allowed (two VAs).
 */
#define APP_SYS_MAP_GUEST	2
#define APP_MAP_RO		1
#define APP_MAP_RW		3
#define APP_MAP_TRY		4
#define APP_MAP_FLAGS_MASK	7

/*
 * Unmap guest RAM: x0 = app VA, x1 = size, exactly a range that one
 * APP_SYS_MAP_GUEST returned (no partial unmaps). Returns 0.
 * Misuse: anything else (APP_E_INVALID).
 */
#define APP_SYS_UNMAP		3

/*
 * Drive a virtual interrupt of the app's domain. x0 = INTID, which the
 * app's manifest node must grant. IRQ_SET asserts the line (level high),
 * IRQ_CLEAR deasserts it; the domain's virtual GIC then treats it by the
 * interrupt's configured trigger (an edge-triggered one becomes pending on
 * SET). Setting a set line, or clearing a clear one, is harmless.
 * Returns 0. Misuse: INTID not granted (APP_E_DENIED).
 */
#define APP_SYS_IRQ_SET		4
#define APP_SYS_IRQ_CLEAR	5

/*
 * Arm the app's one timer: x0 = absolute deadline in ns, APP_SYS_TIME's
 * clock. Replaces a timer already armed. Returns 0.
 * Returned: APP_E_EXPIRED if the deadline is not in the future (now >=
 * deadline: the race with APP_SYS_TIME is unavoidable, so this is not a
 * fault; the timer is left unarmed and the app should do its work now).
 * Misuse: deadline more than APP_TIMER_MAX_NS after now (APP_E_RANGE).
 */
#define APP_SYS_TIMER_SET	6

/* Disarm the timer. Returns 0, also when none was armed. No checks. */
#define APP_SYS_TIMER_CANCEL	7

/*
 * Returns the time in ns since the app's domain started (monotonic,
 * derived from the generic timer; 63 bits last ~292 years). No checks.
 */
#define APP_SYS_TIME		8

/*
 * Give up: x0 = app VA of a message, x1 = its length (0 .. APP_LOG_MAX).
 * Does not return: an app fault with reason APP_E_PANIC, the message
 * logged. A bad pointer or length still ends the app (the message is then
 * replaced by the failed check).
 */
#define APP_SYS_PANIC		9

#define APP_SYS_COUNT		10

/* ---- Errors (negative x0; also the reason of an app fault) ---------------- */
#define APP_OK			0
#define APP_E_INVALID		(-1)	/* malformed argument, unknown flag or number */
#define APP_E_FAULT		(-2)	/* bad pointer or address range */
#define APP_E_DENIED		(-3)	/* not granted by the manifest */
#define APP_E_NOMEM		(-4)	/* out of window space or table memory (returned) */
#define APP_E_RANGE		(-5)	/* a length or time beyond its limit */
#define APP_E_NOSYS		(-6)	/* unknown syscall number or SVC immediate */
#define APP_E_EXPIRED		(-7)	/* timer deadline already reached (returned) */
#define APP_E_PANIC		(-8)	/* fault reason only: the app called APP_SYS_PANIC */

/* ---- Limits ---------------------------------------------------------------- */
#define APP_LOG_MAX		256	/* bytes per APP_SYS_LOG / APP_SYS_PANIC */
#define APP_TIMER_MAX_NS	APP_U64(600000000000)	/* 10 minutes ahead */

#endif
