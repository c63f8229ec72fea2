/*
 * The app manager's argument checks and guest-window bookkeeping: pure
 * functions of their inputs (no hardware, no allocation), so that every
 * rule of abi/app.h is unit-tested on the host (tests/unit/test_app_check.c).
 * Each check returns APP_OK or the APP_E_* code the ABI names for it.
 */
#ifndef CORE_APP_CHECK_H
#define CORE_APP_CHECK_H

#include "abi/app.h"
#include "lib/types.h"

#define APP_MAX_MAPPINGS 32

/* One APP_SYS_MAP_GUEST result: app VA range -> guest IPA. */
struct app_mapping {
	uint64_t va, ipa, size;
};

/* The domain facts the checks need. */
struct app_domain_view {
	uint64_t ram_ipa, ram_size;		/* the domain's RAM */
	const uint32_t *irqs;			/* INTIDs granted to the app */
	unsigned nirqs;
};

/* [va, va + len) does not wrap (len 0 is fine). */
bool app_range_ok(uint64_t va, uint64_t len);

/* APP_SYS_LOG / APP_SYS_PANIC length. */
int app_check_log_len(uint64_t len);

/*
 * APP_SYS_MAP_GUEST's arguments: flags known and RO or RW, IPA and size
 * page-aligned, size > 0, no wrap (APP_E_INVALID); the range inside the
 * domain's RAM (APP_E_FAULT).
 */
int app_check_map_guest(const struct app_domain_view *d, uint64_t ipa, uint64_t size,
			uint64_t flags);

/*
 * A free VA range of size bytes in the guest window, first fit, not
 * touching any of the n mappings (which may be in any order). Returns
 * true with *va, false if none (APP_E_NOMEM for the caller).
 */
bool app_window_alloc(const struct app_mapping *maps, unsigned n, uint64_t size, uint64_t *va);

/* The index of the mapping that is exactly [va, va + size), or -1 (APP_E_INVALID). */
int app_window_find(const struct app_mapping *maps, unsigned n, uint64_t va, uint64_t size);

/* The index of intid among the granted interrupts, or -1 (APP_E_DENIED). */
int app_irq_index(const struct app_domain_view *d, uint64_t intid);

/*
 * APP_SYS_TIMER_SET: APP_E_EXPIRED if deadline <= now (returned to the
 * app), APP_E_RANGE if more than APP_TIMER_MAX_NS ahead (misuse).
 */
int app_check_timer(uint64_t now_ns, uint64_t deadline_ns);

/* Whether an APP_SYS_* result code is returned to the app rather than a fault. */
bool app_error_is_returned(uint64_t sysno, int err, uint64_t flags);

/* "INVALID", "FAULT", ... for an APP_E_* code (fault messages). */
const char *app_error_name(int err);

/* "LOG", "MAP_GUEST", ... or NULL for an unknown syscall number. */
const char *app_syscall_name(uint64_t sysno);

/* Latency histogram bucket of a duration: floor(log2(ticks)), capped. */
#define APP_LATENCY_BUCKETS 24
static inline unsigned app_latency_bucket(uint64_t ticks)
{
	unsigned b = ticks > 1 ? 63u - (unsigned)__builtin_clzll(ticks) : 0;	/* floor(log2) */

	return b < APP_LATENCY_BUCKETS ? b : APP_LATENCY_BUCKETS - 1;
}

#endif
