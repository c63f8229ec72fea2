/*
 * The elvisor app SDK: what an app includes. It brings in the ABI
 * (abi/app.h), the handler table an app defines (struct app_ops), one
 * inline wrapper per syscall, and libapp (memory/string helpers and
 * formatted logging). See docs/app-abi.md and apps/template/.
 */
#ifndef APP_SDK_H
#define APP_SDK_H

#include "abi/app.h"

/* Byte offsets of struct app_ops' members, for crt0.S. */
#define APP_OPS_INIT		0
#define APP_OPS_MMIO_READ	8
#define APP_OPS_MMIO_WRITE	16
#define APP_OPS_CALL		24
#define APP_OPS_TIMER		32
#define APP_OPS_RESET		40
#define APP_OPS_INPUT		48

#ifndef __ASSEMBLER__

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

/*
 * The app's event handlers. Every app defines exactly one
 *     const struct app_ops app_ops = { .mmio_read = ..., ... };
 * crt0 calls the handler for each event and passes its result to
 * APP_SYS_RETURN. A NULL handler gets the default noted beside it.
 */
struct app_ops {
	/* APP_EV_INIT. Return 0, or a negative APP_E_* to refuse to run. Default: 0. */
	int64_t (*init)(uint64_t domain_id);
	/* APP_EV_MMIO_READ: the value read. Default: 0 (read-as-zero). */
	uint64_t (*mmio_read)(uint64_t ipa, unsigned int size);
	/* APP_EV_MMIO_WRITE. Default: the write is ignored. */
	void (*mmio_write)(uint64_t ipa, unsigned int size, uint64_t value);
	/*
	 * APP_EV_CALL: args[0..5] = the caller's x1..x6; fill res[0..3] (the
	 * caller's x0..x3, all 0 on entry). Default: res[0] =
	 * APP_SMCCC_NOT_SUPPORTED.
	 */
	void (*call)(uint32_t function_id, const uint64_t args[6], uint64_t res[4]);
	/* APP_EV_TIMER. Default: nothing. */
	void (*timer)(uint64_t deadline);
	/* APP_EV_RESET (reason = APP_RESET_*). Return as init. Default: 0. */
	int64_t (*reset)(uint64_t reason, uint64_t domain_id);
	/*
	 * APP_EV_INPUT: count (1..APP_INPUT_MAX) console bytes packed in bytes,
	 * the first in bits 7:0. Default: dropped.
	 */
	void (*input)(uint64_t bytes, unsigned int count);
};

extern const struct app_ops app_ops;

_Static_assert(__builtin_offsetof(struct app_ops, init) == APP_OPS_INIT, "app_ops");
_Static_assert(__builtin_offsetof(struct app_ops, mmio_read) == APP_OPS_MMIO_READ, "app_ops");
_Static_assert(__builtin_offsetof(struct app_ops, mmio_write) == APP_OPS_MMIO_WRITE, "app_ops");
_Static_assert(__builtin_offsetof(struct app_ops, call) == APP_OPS_CALL, "app_ops");
_Static_assert(__builtin_offsetof(struct app_ops, timer) == APP_OPS_TIMER, "app_ops");
_Static_assert(__builtin_offsetof(struct app_ops, reset) == APP_OPS_RESET, "app_ops");
_Static_assert(__builtin_offsetof(struct app_ops, input) == APP_OPS_INPUT, "app_ops");

/*
 * ---- Syscalls ----
 *
 * Two backends, one API. An EL0 app (the default) traps with svc #0: number
 * in x8, arguments x0..x5, result x0. The same source built with
 * -DAPP_STUB_BACKEND runs in a stub domain (stubdom/, docs/stubdom.md) at
 * EL1: there every syscall is an out-of-line call into the stub runtime,
 * which makes the STUB_HVC_SYSCALL hypercall (abi/stubdom.h). Out of line
 * because an HVC may clobber more registers than an SVC does (SMCCC), and
 * a function call already tells the compiler so.
 */
#ifdef APP_STUB_BACKEND

/* The stub runtime's syscall: x0 of the app syscall nr with arguments a0..a2. */
int64_t stub_syscall(uint64_t nr, uint64_t a0, uint64_t a1, uint64_t a2);
/* The stub runtime's end: WFI forever with interrupts masked. */
__attribute__((noreturn)) void stub_halt(void);

static inline int64_t app_syscall2(uint64_t nr, uint64_t a0, uint64_t a1)
{
	return stub_syscall(nr, a0, a1, 0);
}

static inline int64_t app_syscall3(uint64_t nr, uint64_t a0, uint64_t a1, uint64_t a2)
{
	return stub_syscall(nr, a0, a1, a2);
}

/*
 * A stub runtime ends each request with STUB_HVC_COMPLETE itself and has
 * no crt0: an app that calls app_sys_return cannot be hosted, so say so at
 * compile time.
 */
#define app_sys_return(...) \
	_Static_assert(0, "app_sys_return is not available in a stub-domain build " \
		       "(-DAPP_STUB_BACKEND): return from the app_ops handler instead")

#else /* the EL0 backend */

static inline int64_t app_syscall2(uint64_t nr, uint64_t a0, uint64_t a1)
{
	register uint64_t x8 __asm__("x8") = nr;
	register uint64_t x0 __asm__("x0") = a0;
	register uint64_t x1 __asm__("x1") = a1;

	__asm__ volatile("svc #0" : "+r"(x0) : "r"(x8), "r"(x1) : "memory");
	return (int64_t)x0;
}

static inline int64_t app_syscall3(uint64_t nr, uint64_t a0, uint64_t a1, uint64_t a2)
{
	register uint64_t x8 __asm__("x8") = nr;
	register uint64_t x0 __asm__("x0") = a0;
	register uint64_t x1 __asm__("x1") = a1;
	register uint64_t x2 __asm__("x2") = a2;

	__asm__ volatile("svc #0" : "+r"(x0) : "r"(x8), "r"(x1), "r"(x2) : "memory");
	return (int64_t)x0;
}

/* End the current event with results x0..x3. crt0 does this for you. */
static inline __attribute__((noreturn)) void
app_sys_return(uint64_t r0, uint64_t r1, uint64_t r2, uint64_t r3)
{
	register uint64_t x8 __asm__("x8") = APP_SYS_RETURN;
	register uint64_t x0 __asm__("x0") = r0;
	register uint64_t x1 __asm__("x1") = r1;
	register uint64_t x2 __asm__("x2") = r2;
	register uint64_t x3 __asm__("x3") = r3;

	__asm__ volatile("svc #0" : : "r"(x8), "r"(x0), "r"(x1), "r"(x2), "r"(x3) : "memory");
	__builtin_unreachable();
}

#endif /* APP_STUB_BACKEND */

/* Log len (<= APP_LOG_MAX) bytes of text. Returns len. */
static inline int64_t app_sys_log(const char *text, size_t len)
{
	return app_syscall2(APP_SYS_LOG, (uint64_t)(uintptr_t)text, len);
}

/* Map guest RAM; returns the app VA (as an integer) or a negative APP_E_*. */
static inline int64_t app_sys_map_guest(uint64_t ipa, uint64_t size, unsigned int flags)
{
	return app_syscall3(APP_SYS_MAP_GUEST, ipa, size, flags);
}

static inline int64_t app_sys_unmap(void *va, uint64_t size)
{
	return app_syscall2(APP_SYS_UNMAP, (uint64_t)(uintptr_t)va, size);
}

static inline int64_t app_sys_irq_set(uint32_t intid)
{
	return app_syscall2(APP_SYS_IRQ_SET, intid, 0);
}

static inline int64_t app_sys_irq_clear(uint32_t intid)
{
	return app_syscall2(APP_SYS_IRQ_CLEAR, intid, 0);
}

/* Absolute deadline in ns of app_sys_time()'s clock; 0 or APP_E_EXPIRED. */
static inline int64_t app_sys_timer_set(uint64_t deadline_ns)
{
	return app_syscall2(APP_SYS_TIMER_SET, deadline_ns, 0);
}

static inline int64_t app_sys_timer_cancel(void)
{
	return app_syscall2(APP_SYS_TIMER_CANCEL, 0, 0);
}

/* ns since the app's domain started. */
static inline uint64_t app_sys_time(void)
{
	return (uint64_t)app_syscall2(APP_SYS_TIME, 0, 0);
}

static inline __attribute__((noreturn)) void app_sys_panic(const char *text, size_t len)
{
	app_syscall2(APP_SYS_PANIC, (uint64_t)(uintptr_t)text, len);
#ifdef APP_STUB_BACKEND
	stub_halt();		/* the hypervisor stops a panicking stub: not reached */
#else
	__builtin_unreachable();
#endif
}

/* ---- what the manifest gave this app instance ---- */

/*
 * Filled by crt0 (a stub domain: the stub runtime) from INIT's x2..x6 (and
 * RESET's x3..x7) before the init or reset handler runs, so an app needs no addresses of its own: it serves
 * wherever its manifest node puts it.
 */
struct app_device_info {
	uint64_t file_size;	/* bytes of its file at APP_FILE_BASE; 0: none */
	uint64_t mmio_base;	/* its MMIO range; size 0: none */
	uint64_t mmio_size;
	uint64_t irq;		/* its first granted INTID; 0: none */
	uint64_t hwcaps;	/* APP_HWCAP_*: e.g. RNDR usable at EL0 */
};
extern struct app_device_info app_device;
_Static_assert(sizeof(struct app_device_info) == 40 &&
	       __builtin_offsetof(struct app_device_info, irq) == 24 &&
	       __builtin_offsetof(struct app_device_info, hwcaps) == 32,
	       "crt0.S stores INIT's x2..x6 with two stp and a str");

/* Kept for apps that only need the file's size: app_device.file_size. */
#define app_file_size (app_device.file_size)

/* The file's private read-write copy; valid for app_device.file_size bytes. */
static inline uint8_t *app_file(void)
{
	return (uint8_t *)(uintptr_t)APP_FILE_BASE;
}

/* ---- libapp ---- */

void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
size_t strnlen(const char *s, size_t max);

/*
 * Formatted output (hyp/lib/format.c: %d %i %u %x %X %o %c %s %p %%, flags,
 * width, precision, hh h l ll z t j) into buf, snprintf semantics.
 */
int app_snprintf(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
int app_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);

/* Log one formatted line (truncated to APP_LOG_MAX bytes). */
void app_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Log a formatted message and end the app with an app fault. */
__attribute__((noreturn)) void app_panic(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));

#endif /* !__ASSEMBLER__ */
#endif
